// asan: stack-use-after-return
#include <stdio.h>

/* A tiny audit registry: KEEP(p) records an object to be dumped at exit. */
#define MAX_KEPT 8
static const int *kept[MAX_KEPT];
static int nkept;
#define KEEP(p) (nkept < MAX_KEPT ? (kept[nkept++] = (p)) : (p))

static void overwrite(void) {
  volatile int filler[100];
  for (int i = 0; i < 100; i++) filler[i] = 0xdead;
}

static int load_config(int base) {
  int port = base + 80, workers = base / 100;
  int timeout = 30;
  KEEP(&port);
  KEEP(&workers);
  return *KEEP(&timeout) + port;
}

int main(void) {
  int r1 = load_config(8000);
  int r2 = load_config(9100);
  overwrite();
  printf("r1=%d r2=%d\n", r1, r2);
  for (int i = 0; i < nkept; i++)
    printf("kept[%d]=%d\n", i, *kept[i]);
  return 0;
}

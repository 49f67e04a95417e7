// asan: stack-use-after-return
#include <stdio.h>

/* Defaults computed per call into const locals, handed out by address. */
struct defaults {
  const int *port;
  const char *host;
  const double *timeout;
};

static void get_defaults(struct defaults *d, int secure) {
  const int port = secure ? 443 : 80;
  const char host[] = "localhost";
  const double timeout = secure ? 2.5 : 1.0;
  d->port = &port;
  d->host = host;
  d->timeout = &timeout;
}

static void scrub(void) {
  volatile char junk[256];
  for (int i = 0; i < 256; i++) junk[i] = (char)0xcc;
}

static void show(const char *name, const struct defaults *d) {
  printf("%s: %s:%d timeout %.1f\n", name, d->host, *d->port, *d->timeout);
}

int main(void) {
  struct defaults plain, tls;
  get_defaults(&plain, 0);
  get_defaults(&tls, 1);
  scrub();
  show("plain", &plain);
  show("tls", &tls);
  return 0;
}

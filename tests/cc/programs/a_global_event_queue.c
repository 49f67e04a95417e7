// asan: stack-use-after-return
// An event queue (a global ring) that keeps pointers to events built on the
// poster's stack: each call posts a different event.
#include <stdio.h>

struct event {
  int id;
  char kind;
  long stamp;
};

static struct event *queue[8];
static int head, tail;

static void post(int id, char kind) {
  struct event ev = { id, kind, 1000L * id + kind };
  queue[tail++ % 8] = &ev;
}

static void scribble(void) {
  struct event junk[8];
  for (int i = 0; i < 8; i++)
    junk[i] = (struct event){ -i, '?', -1 };
  (void)junk;
}

int main(void) {
  for (int i = 1; i <= 5; i++)
    post(i, "abcde"[i - 1]);
  scribble();
  while (head < tail) {
    struct event *e = queue[head++ % 8];
    printf("event %d %c at %ld\n", e->id, e->kind, e->stamp);
  }
  return 0;
}

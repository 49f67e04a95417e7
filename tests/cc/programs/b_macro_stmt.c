// asan: stack-use-after-return
#include <stdio.h>

/* A poor man's backtrace: ENTER() links a frame descriptor into a chain. */
struct frame_info {
  const char *fn;
  int depth;
  struct frame_info *next;
};
static struct frame_info *chain; /* most recent first */

#define ENTER(info, name, d)            \
  do {                                  \
    (info).fn = (name);                 \
    (info).depth = (d);                 \
    (info).next = chain;                \
    chain = &(info);                    \
  } while (0)

static void stomp(void) {
  volatile char junk[256];
  for (int i = 0; i < 256; i++) junk[i] = (char)0x5a;
}

static int leaf(int d) {
  struct frame_info me;
  ENTER(me, "leaf", d);
  return d * 10;
}

static int middle(int d) {
  struct frame_info me;
  ENTER(me, "middle", d);
  return leaf(d + 1) + 1;
}

int main(void) {
  int r = middle(1);
  r += middle(5);
  stomp();
  printf("r=%d\n", r);
  for (struct frame_info *f = chain; f; f = f->next)
    printf("%s depth %d\n", f->fn, f->depth);
  return 0;
}

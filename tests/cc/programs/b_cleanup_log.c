// asan: stack-use-after-return
#include <stdio.h>

/* Scope timers: the cleanup handler reports each timer and files it. */
struct timer {
  const char *name;
  int ticks;
};
static const struct timer *finished[8];
static int nfinished;

static void timer_done(struct timer *t) {
  printf("timer %s stopped at %d\n", t->name, t->ticks);
  finished[nfinished++] = t;
}

#define SCOPED_TIMER __attribute__((cleanup(timer_done))) struct timer

static int work(int n) {
  SCOPED_TIMER total = {"total", 0};
  int acc = 0;
  for (int i = 0; i < n; i++) {
    SCOPED_TIMER step = {"step", i};
    acc += i * i;
    total.ticks += i;
    step.ticks *= 10;
  }
  return acc;
}

static void scrub(void) {
  volatile char junk[400];
  for (int i = 0; i < 400; i++) junk[i] = (char)i;
}

int main(void) {
  int r = work(3);
  scrub();
  printf("work returned %d\n", r);
  for (int i = 0; i < nfinished; i++)
    printf("filed %s: %d\n", finished[i]->name, finished[i]->ticks);
  return 0;
}

// asan: stack-use-after-return
// Deferred callbacks whose context is the scheduling function's locals
// (a struct and an int array), run after the scheduler has returned.
#include <stdio.h>
#include <stdlib.h>

struct task {
  void (*fn)(void *);
  void *ctx;
  struct task *next;
};
struct greeting {
  const char *who;
  int times;
};

static struct task *pending;

static void defer(void (*fn)(void *), void *ctx) {
  struct task *t = malloc(sizeof *t);
  t->fn = fn;
  t->ctx = ctx;
  t->next = pending;
  pending = t;
}

static void greet(void *p) {
  struct greeting *g = p;
  for (int i = 0; i < g->times; i++)
    printf("hi %s\n", g->who);
}

static void add_total(void *p) {
  int *parts = p;
  printf("total %d\n", parts[0] + parts[1] + parts[2]);
}

static void schedule(void) {
  struct greeting g = { "bob", 2 };
  int parts[3] = { 4, 5, 6 };
  defer(greet, &g);
  defer(add_total, parts);
}

static void scribble(void) {
  volatile long junk[32];
  for (int i = 0; i < 32; i++)
    junk[i] = 0;
}

int main(void) {
  schedule();
  scribble();
  while (pending) {
    struct task *t = pending;
    pending = t->next;
    t->fn(t->ctx);
    free(t);
  }
  return 0;
}

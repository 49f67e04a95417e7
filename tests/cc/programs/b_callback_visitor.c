// asan: stack-use-after-return
#include <stdio.h>

/* A tree walker that remembers its last visitor and context so that the
   walk can be repeated on another tree. */
struct tree {
  int v;
  const struct tree *l, *r;
};
typedef void (*visit_fn)(int v, void *ctx);
static struct {
  visit_fn fn;
  void *ctx;
} last_walk;

static void walk_rec(const struct tree *t, visit_fn fn, void *ctx) {
  if (!t) return;
  walk_rec(t->l, fn, ctx);
  fn(t->v, ctx);
  walk_rec(t->r, fn, ctx);
}

static void walk(const struct tree *t, visit_fn fn, void *ctx) {
  last_walk.fn = fn;
  last_walk.ctx = ctx;
  walk_rec(t, fn, ctx);
}

static void walk_again(const struct tree *t) { walk_rec(t, last_walk.fn, last_walk.ctx); }

struct stats {
  int n, max;
  long sum;
};

static void add_stats(int v, void *ctx) {
  struct stats *s = ctx;
  s->n++;
  s->sum += v;
  if (v > s->max) s->max = v;
}

static const struct stats *summarize(const struct tree *t) {
  struct stats st = {0, 0, 0};
  const struct stats *result = &st;
  walk(t, add_stats, &st);
  return result;
}

static void scrub(void) {
  volatile long junk[64];
  for (int i = 0; i < 64; i++) junk[i] = -1;
}

int main(void) {
  static const struct tree n1 = {1}, n4 = {4}, n7 = {7}, n9 = {9}, n10 = {10};
  static const struct tree n3 = {3, &n1, &n4}, n8 = {8, &n7, &n9};
  static const struct tree root = {5, &n3, &n8};
  const struct stats *s = summarize(&root);
  scrub();
  printf("n=%d sum=%ld max=%d\n", s->n, s->sum, s->max);
  walk_again(&n10);
  printf("n=%d sum=%ld max=%d\n", s->n, s->sum, s->max);
  return 0;
}

// asan: stack-use-after-return
#include <stdio.h>

/* An iterator returned by value whose cursor lives in make_iter's frame;
   two iterators must keep two cursors. */
struct iter {
  const char *const *items;
  int *pos;
  int n;
};

static struct iter make_iter(const char *const *items, int n) {
  int pos = 0;
  struct iter it = {items, &pos, n};
  return it;
}

static const char *next(struct iter it) {
  return *it.pos < it.n ? it.items[(*it.pos)++] : "-";
}

static void scrub(void) {
  volatile int junk[64];
  for (int i = 0; i < 64; i++) junk[i] = 99;
}

int main(void) {
  static const char *const colors[] = {"red", "green", "blue"};
  static const char *const shapes[] = {"circle", "square"};
  struct iter a = make_iter(colors, 3);
  struct iter b = make_iter(shapes, 2);
  scrub();
  for (int round = 0; round < 3; round++) {
    const char *c = next(a);
    const char *s = next(b);
    printf("%s %s\n", c, s);
  }
  printf("positions %d %d\n", *a.pos, *b.pos);
  return 0;
}

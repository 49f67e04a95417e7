// asan: stack-use-after-return
// An array of structs with nested (and partly designated) initializers,
// returned by address.
#include <stdio.h>
#include <stdlib.h>

struct vec { int x, y; };
struct seg {
  struct vec from, to;
  char tag[4];
};

static struct seg *polyline(int s) {
  struct seg segs[3] = {
    { { 0, 0 }, { s, 0 }, "ab" },
    { .from = { s, 0 }, .to = { .y = s, .x = s }, .tag = "bc" },
    { { s, s }, { 0, 0 } },
  };
  printf("%zu segments of %zu bytes\n", sizeof segs / sizeof segs[0], sizeof segs[0]);
  struct seg *p = segs;
  return p;
}

static void scribble(void) {
  int junk[64];
  for (int i = 0; i < 64; i++)
    junk[i] = 0x7f7f7f7f;
  (void)junk;
}

static void show(const struct seg *s) {
  for (int i = 0; i < 3; i++)
    printf("%s:%d ", s[i].tag[0] ? s[i].tag : "-",
           abs(s[i].to.x - s[i].from.x) + abs(s[i].to.y - s[i].from.y));
  printf("\n");
}

int main(void) {
  struct seg *a = polyline(2);
  struct seg *b = polyline(5);
  scribble();
  show(a);
  show(b);
  return 0;
}

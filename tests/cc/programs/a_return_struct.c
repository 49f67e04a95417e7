// asan: stack-use-after-return
// A struct with nested initializers returned by address.
#include <stdio.h>

struct point { int x, y; };
struct rect { struct point min, max; const char *label; };

static struct rect *make_rect(int w, int h, const char *label) {
  struct rect r = { { 0, 0 }, { w, h }, label };
  struct rect *out = &r;
  return out;
}

static int area(const struct rect *r) {
  return (r->max.x - r->min.x) * (r->max.y - r->min.y);
}

static void scribble(void) {
  struct rect junk[4];
  for (int i = 0; i < 4; i++)
    junk[i] = (struct rect){ { -1, -1 }, { -2, -2 }, "junk" };
  (void)junk;
}

int main(void) {
  struct rect *a = make_rect(3, 4, "small");
  struct rect *b = make_rect(10, 2, "wide");
  scribble();
  a->min.x = 1;
  printf("%s: %dx%d area %d\n", a->label, a->max.x - a->min.x,
         a->max.y - a->min.y, area(a));
  printf("%s: %dx%d area %d\n", b->label, b->max.x - b->min.x,
         b->max.y - b->min.y, area(b));
  return 0;
}

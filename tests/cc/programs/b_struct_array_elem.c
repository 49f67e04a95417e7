// asan: stack-use-after-return
#include <stdio.h>

/* Finds the farthest point of a set; the answer points into the
   callee's array of structs, as does the pointer to the whole set. */
struct point {
  int x, y;
};
static const struct point *best;
static const struct point *last_set;

static void farthest(const int *coords, int n) {
  struct point pts[4];
  for (int i = 0; i < n; i++)
    pts[i] = (struct point){coords[2 * i], coords[2 * i + 1]};
  int bi = 0;
  for (int i = 1; i < n; i++)
    if (pts[i].x * pts[i].x + pts[i].y * pts[i].y >
        pts[bi].x * pts[bi].x + pts[bi].y * pts[bi].y)
      bi = i;
  best = &pts[bi];
  last_set = pts;
}

static void scrub(void) {
  volatile int junk[128];
  for (int i = 0; i < 128; i++) junk[i] = -100;
}

int main(void) {
  const int set1[] = {1, 1, -5, 2, 3, 3, 0, 4};
  const int set2[] = {2, 2, 0, -9, 6, 6};
  farthest(set1, 4);
  const struct point *b1 = best;
  farthest(set2, 3);
  scrub();
  printf("set1 farthest (%d,%d)\n", b1->x, b1->y);
  printf("set2 farthest (%d,%d), index %d\n", best->x, best->y, (int)(best - last_set));
  printf("set2 starts (%d,%d) (%d,%d)\n", last_set[0].x, last_set[0].y, last_set[1].x, last_set[1].y);
  return 0;
}

// asan: stack-use-after-return
// By-value parameters whose address is returned: clamp_ref returns a
// pointer to whichever of its parameters it chose.
#include <stdio.h>

static int *clamp_ref(int v, int lo, int hi) {
  int *r = &v;
  if (v < lo)
    r = &lo;
  else if (v > hi)
    r = &hi;
  return r;
}

static int scribble(int a, int b, int c) {
  int junk[12] = { a, b, c, a, b, c, a, b, c, a, b, c };
  return junk[11];
}

int main(void) {
  int *a = clamp_ref(5, 0, 3);
  int *b = clamp_ref(-2, 0, 3);
  int *c = clamp_ref(2, 0, 3);
  scribble(-100, -200, -300);
  printf("%d %d %d\n", *a, *b, *c);
  *a = 9;
  scribble(-100, -200, -300);
  printf("%d %d %d\n", *a, *b, *c);
  return 0;
}

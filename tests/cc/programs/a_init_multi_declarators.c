// asan: stack-use-after-return
// One declaration declares a scalar, an array initialized from the scalar,
// and a pointer into the array: only the array escapes.
#include <stdio.h>

static int *pair(int first) {
  int a = first, b[2] = { a, a * 2 }, *c = &b[1];
  a = -1;
  return c;
}

static int scribble(int v) {
  int x = v, y[8] = { v, v, v, v, v, v, v, v }, *z = &y[7];
  return x + *z;
}

int main(void) {
  int *p = pair(5);
  int *q = pair(7);
  scribble(-9);
  printf("%d %d | %d %d\n", p[-1], p[0], q[-1], q[0]);
  p[-1] = 50;
  scribble(-9);
  printf("%d %d | %d %d\n", p[-1], p[0], q[-1], q[0]);
  return 0;
}

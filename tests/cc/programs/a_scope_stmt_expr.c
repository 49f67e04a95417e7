// asan: stack-use-after-scope
// A macro built on a GNU statement expression yields the address of a local
// declared inside it; each expansion (and each evaluation) is a new box.
#include <stdio.h>

#define BOXED(v) ({ __typeof__(v) box_ = (v); &box_; })

static void scribble(void) {
  volatile long junk[16];
  for (int i = 0; i < 16; i++)
    junk[i] = -i;
}

int main(void) {
  int *a = BOXED(6 * 7);
  double *b = BOXED(2.5);
  int *c[3];
  for (int i = 0; i < 3; i++)
    c[i] = BOXED(i * i);
  scribble();
  printf("%d %.1f\n", *a, *b);
  *a += 1;
  printf("%d %d %d %d\n", *a, *c[0], *c[1], *c[2]);
  return 0;
}

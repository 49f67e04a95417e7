// asan: stack-use-after-return
// Array compound literals assigned to a pointer inside if/else blocks
// (p = (int[]){...};) and used after the function has returned.
#include <stdio.h>

static const int *weights(int kind) {
  const int *w;
  if (kind == 0) {
    w = (const int[]){ 1, 1, 1, 1 };
  } else {
    w = (int[]){ kind, kind * 2, kind * 3, kind * 4 };
  }
  return w;
}

static int scribble(void) {
  int junk[32];
  for (int i = 0; i < 32; i++)
    junk[i] = 555;
  return junk[5];
}

static int dot(const int *w, const int *v) {
  return w[0] * v[0] + w[1] * v[1] + w[2] * v[2] + w[3] * v[3];
}

int main(void) {
  const int v[4] = { 1, 2, 3, 4 };
  const int *flat = weights(0);
  const int *ramp = weights(3);
  scribble();
  printf("flat %d ramp %d\n", dot(flat, v), dot(ramp, v));
  printf("ramp[3] = %d\n", ramp[3]);
  return 0;
}

// asan: stack-use-after-scope
// Pointers to a while loop's body local collected into an array: each
// iteration's local is a different object.
#include <stdio.h>

static double scribble(double d) {
  double junk[10];
  for (int i = 0; i < 10; i++)
    junk[i] = d * i;
  return junk[9];
}

int main(void) {
  const double *seen[5];
  int n = 0;
  double x = 1.0;
  while (n < 5) {
    double half = x / 2;
    seen[n++] = &half;
    x += 1.5;
  }
  scribble(-3.0);
  for (int i = 0; i < n; i++)
    printf("%.2f\n", *seen[i]);
  printf("distinct: %d\n", seen[0] != seen[4]);
  return 0;
}

// asan: stack-use-after-return
#include <stdio.h>

#define SWAP(a, b) do { __typeof__(a) swap_tmp_ = (a); (a) = (b); (b) = swap_tmp_; } while (0)

/* The monitor shows the last readings in sorted order. */
static const double *watch[3];

static void churn(void) {
  volatile double junk[48];
  for (int i = 0; i < 48; i++) junk[i] = -1.5 * i;
}

static double median3(double x, double y, double z) {
  double a = x, b = y, c = z;
  watch[0] = &a;
  watch[1] = &b;
  watch[2] = &c;
  if (a > b) SWAP(a, b);
  if (b > c) SWAP(b, c);
  if (a > b) SWAP(a, b);
  return b;
}

int main(void) {
  double m = median3(7.5, -1.25, 3.0);
  churn();
  printf("median %.2f\n", m);
  printf("sorted %.2f %.2f %.2f\n", *watch[0], *watch[1], *watch[2]);
  const double *prev_low = watch[0];
  m = median3(2.0, 2.0, 1.0);
  churn();
  printf("median %.2f sorted %.2f %.2f %.2f\n", m, *watch[0], *watch[1], *watch[2]);
  printf("earlier low %.2f\n", *prev_low);
  return 0;
}

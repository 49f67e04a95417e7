// asan: stack-use-after-return
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Order statistics pointing into the callee's sorted copy. */
struct order_stats {
  const double *min, *median, *max;
  int count;
};

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static struct order_stats describe(const double *in, int n) {
  double sorted[8];
  memcpy(sorted, in, n * sizeof *in);
  qsort(sorted, n, sizeof *sorted, cmp);
  struct order_stats r = {&sorted[0], &sorted[n / 2], &sorted[n - 1], n};
  return r;
}

static void scrub(void) {
  volatile double junk[64];
  for (int i = 0; i < 64; i++) junk[i] = 12345.678;
}

static void show(const char *name, struct order_stats s) {
  printf("%s: n=%d min %.2f median %.2f max %.2f\n", name, s.count, *s.min, *s.median, *s.max);
}

int main(void) {
  const double a[] = {3.5, -2, 9.25, 0, 4};
  const double b[] = {1, 1.5, 0.5};
  struct order_stats sa = describe(a, 5);
  struct order_stats sb = describe(b, 3);
  scrub();
  show("a", sa);
  show("b", sb);
  return 0;
}

// asan: none
// Addresses of locals passed to callees (and to qsort/bsearch) that use
// them only during the call.
#include <stdio.h>
#include <stdlib.h>

static void swap(int *a, int *b) {
  int t = *a;
  *a = *b;
  *b = t;
}

static void minmax(const int *xs, int n, int *lo, int *hi) {
  *lo = *hi = xs[0];
  for (int i = 1; i < n; i++) {
    if (xs[i] < *lo)
      *lo = xs[i];
    if (xs[i] > *hi)
      *hi = xs[i];
  }
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(void) {
  int xs[] = { 42, -7, 19, 3, 88, 0 };
  int n = sizeof xs / sizeof xs[0];
  int lo, hi;
  minmax(xs, n, &lo, &hi);
  printf("min %d max %d\n", lo, hi);
  swap(&lo, &hi);
  printf("swapped %d %d\n", lo, hi);
  qsort(xs, n, sizeof xs[0], cmp_int);
  for (int i = 0; i < n; i++)
    printf("%d ", xs[i]);
  printf("\n");
  int key = 19;
  int *found = bsearch(&key, xs, n, sizeof xs[0], cmp_int);
  printf("found %d at %td\n", *found, found - xs);
  return 0;
}

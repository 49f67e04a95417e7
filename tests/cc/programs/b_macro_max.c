// asan: stack-use-after-return
#include <stdio.h>

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

struct range { const int *low, *high; };
static struct range last; /* bounds of the last window, for the report */

static void scrub(void) {
  volatile int noise[64];
  for (int i = 0; i < 64; i++) noise[i] = -1000 - i;
}

static int window(const int *v, int n) {
  int lo = v[0], hi = v[0];
  last.low = &lo;
  last.high = &hi;
  for (int i = 1; i < n; i++) {
    lo = MIN(lo, v[i]);
    hi = MAX(hi, v[i]);
  }
  return MAX(hi - lo, MIN(lo, hi));
}

int main(void) {
  int a[] = {4, 9, -2, 7};
  int b[] = {3, 3, 5};
  int w1 = window(a, 4);
  const struct range first = last;
  scrub();
  printf("w1=%d lo=%d hi=%d\n", w1, *last.low, *last.high);
  int w2 = window(b, 3);
  scrub();
  printf("w2=%d lo=%d hi=%d\n", w2, *last.low, *last.high);
  printf("first window still [%d, %d]\n", *first.low, *first.high);
  return 0;
}

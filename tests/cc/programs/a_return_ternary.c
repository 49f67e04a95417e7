// asan: stack-use-after-return
// The address of one of two locals is chosen by a conditional expression.
#include <stdio.h>

static int *bucket_for(int value) {
  int small = value / 10, large = value * 10;
  return value < 50 ? &small : &large;
}

static long churn(int n) {
  long acc[16];
  for (int i = 0; i < 16; i++)
    acc[i] = (long)n << i;
  return acc[n & 15];
}

int main(void) {
  int *x = bucket_for(42);
  int *y = bucket_for(420);
  int *z = bucket_for(7);
  churn(3);
  printf("%d %d %d\n", *x, *y, *z);
  *x += 1;
  churn(11);
  printf("%d %d %d\n", *x, *y, *z);
  return 0;
}

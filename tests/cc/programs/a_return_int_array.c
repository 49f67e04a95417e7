// asan: stack-use-after-return
// A table of primes computed into a local array and returned.
#include <stdio.h>

static int *first_primes(int from) {
  int primes[8];
  int n = 0;
  for (int c = from; n < 8; c++) {
    int prime = c > 1;
    for (int d = 2; d * d <= c; d++)
      if (c % d == 0) {
        prime = 0;
        break;
      }
    if (prime)
      primes[n++] = c;
  }
  int *out = primes;
  return out;
}

static int scribble(void) {
  int junk[40];
  for (int i = 0; i < 40; i++)
    junk[i] = 1000 + i;
  return junk[7];
}

static void show(const char *name, const int *p) {
  int sum = 0;
  printf("%s:", name);
  for (int i = 0; i < 8; i++) {
    printf(" %d", p[i]);
    sum += p[i];
  }
  printf(" (sum %d)\n", sum);
}

int main(void) {
  int *lo = first_primes(2);
  int *hi = first_primes(100);
  scribble();
  show("lo", lo);
  show("hi", hi);
  return 0;
}

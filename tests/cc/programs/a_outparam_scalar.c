// asan: stack-use-after-return
// A lookup that reports its result through an out-parameter pointing at
// its own local (*out = &value).
#include <stdio.h>

static int lookup(const char *key, const int **out) {
  int value = 0;
  for (const char *p = key; *p; p++)
    value = value * 31 + *p;
  value %= 1000;
  *out = &value;
  return value >= 0;
}

static int scribble(int n) {
  int junk[64];
  for (int i = 0; i < 64; i++)
    junk[i] = n - i;
  return junk[n & 63];
}

int main(void) {
  const int *a, *b;
  int ok = lookup("apple", &a);
  ok &= lookup("kiwi", &b);
  scribble(77);
  printf("ok=%d apple -> %d\n", ok, *a);
  printf("kiwi -> %d\n", *b);
  return 0;
}

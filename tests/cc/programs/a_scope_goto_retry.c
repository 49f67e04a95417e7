// asan: stack-use-after-scope
// A retry loop written with goto: the block is entered again on each
// attempt, and each entry creates a new code object.
#include <stdio.h>

static void scribble(void) {
  volatile int junk[24];
  for (int i = 0; i < 24; i++)
    junk[i] = 4242;
}

int main(void) {
  const int *attempts[3];
  int n = 0;
retry: {
  int code = 100 + n * 7;
  attempts[n++] = &code;
  if (n < 3)
    goto retry;
}
  scribble();
  for (int i = 0; i < n; i++)
    printf("attempt %d: code %d\n", i, *attempts[i]);
  return 0;
}

// asan: stack-use-after-scope
// Each iteration compares with the previous iteration's local through a
// pointer kept across iterations (every iteration has its own cur).
#include <stdio.h>

static void scribble(void) {
  volatile int junk[32];
  for (int i = 0; i < 32; i++)
    junk[i] = 7777;
}

int main(void) {
  const int readings[] = { 5, 8, 6, 6, 11 };
  const int *prev = NULL;
  for (int i = 0; i < 5; i++) {
    int cur = readings[i] * 10;
    if (prev)
      printf("%d -> %d: %+d\n", *prev, cur, cur - *prev);
    prev = &cur;
  }
  scribble();
  printf("last %d\n", *prev);
  return 0;
}

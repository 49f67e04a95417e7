// asan: stack-use-after-return
#include <stdio.h>

struct attempt {
  int n;
  int delay_ms;
};
static const struct attempt *attempts[4];
static int nattempts;

static int flaky(int n) { return n >= 2; } /* succeeds on the third try */

static void reuse_stack(void) {
  volatile int junk[96];
  for (int i = 0; i < 96; i++) junk[i] = -77;
}

static int connect_with_retry(int base_delay) {
  int tries = 0;
retry:
  {
    struct attempt a = {tries, base_delay << tries};
    attempts[nattempts++] = &a;
    if (!flaky(tries++))
      goto retry; /* leaves the block: the next entry has a new 'a' */
  }
  return tries;
}

int main(void) {
  int t = connect_with_retry(50);
  reuse_stack();
  printf("connected after %d tries\n", t);
  for (int i = 0; i < nattempts; i++)
    printf("attempt %d waited %d ms\n", attempts[i]->n, attempts[i]->delay_ms);
  return 0;
}

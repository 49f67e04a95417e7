// asan: stack-use-after-return
#include <stdio.h>

/* The audit trail keeps every intermediate of the scoring formula. */
static const int *trail[8];
static int ntrail;

static void keep(const int *p) { trail[ntrail++] = p; }

static void scrub(void) {
  volatile int junk[128];
  for (int i = 0; i < 128; i++) junk[i] = -31337;
}

static int score(int hits, int misses) {
  int s = ({
    int t = hits * 10 - misses * 3;
    keep(&t);
    t < 0 ? 0 : t;
  });
  int bonus = ({
    int b = hits > misses ? 5 : 0;
    keep(&b);
    b;
  });
  return s + bonus;
}

int main(void) {
  int first = score(4, 1);
  int second = score(1, 5);
  scrub();
  printf("scores %d %d\n", first, second);
  for (int i = 0; i < ntrail; i++)
    printf("step %d: %d\n", i, *trail[i]);
  return 0;
}

// asan: stack-use-after-return
// Per-worker counters aligned to a cache line with
// __attribute__((aligned(64))), handed out through an out-parameter.
#include <stdint.h>
#include <stdio.h>

struct counter {
  long hits, misses;
};

static void open_counter(struct counter **out, long hits) {
  struct counter c __attribute__((aligned(64))) = { hits, 0 };
  printf("line-aligned=%d sizeof=%zu alignof=%zu type-alignof=%zu\n",
         (int)((uintptr_t)&c % 64 == 0), sizeof c, __alignof__(c), _Alignof(struct counter));
  *out = &c;
}

static void scribble(void) {
  volatile long junk[40];
  for (int i = 0; i < 40; i++)
    junk[i] = -5;
}

int main(void) {
  struct counter *w[3];
  for (int i = 0; i < 3; i++)
    open_counter(&w[i], i * 100);
  scribble();
  for (int i = 0; i < 3; i++) {
    w[i]->misses += i + 1;
    printf("worker %d: %ld/%ld aligned=%d\n", i, w[i]->hits, w[i]->misses,
           (int)((uintptr_t)w[i] % 64 == 0));
  }
  return 0;
}

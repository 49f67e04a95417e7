// asan: stack-use-after-return
#include <stdio.h>

/* Round 1 has no measurement: it jumps into the block past the
   declaration of 'value', which still exists there (uninitialized). */
static const int *results[8];
static int nresults;

static void keep(const int *p) { results[nresults++] = p; }

static void shuffle_stack(void) {
  volatile int junk[64];
  for (int i = 0; i < 64; i++) junk[i] = 4242;
}

static void collect(int rounds) {
  for (int round = 0; round < rounds; round++) {
    if (round == 1)
      goto fallback;
    {
      int value = round * 100;
      keep(&value);
      value += 7;
    fallback:
      if (round == 1) {
        value = -1;
        keep(&value);
      }
    }
  }
}

int main(void) {
  collect(3);
  shuffle_stack();
  for (int i = 0; i < nresults; i++)
    printf("result %d: %d\n", i, *results[i]);
  return 0;
}

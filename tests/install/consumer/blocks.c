// blocks.c: goroutines from clang Blocks through an installed libescrt
// (consumer/Makefile's blocks targets, built by clang with -fblocks): ten
// goroutine blocks write into a collected array they capture, an eleventh
// waits for them on a __block waitgroup, collects, and sends the sum.
#include <escape/gc.h>
#include <escape/go.h>
#include <stdio.h>

static long result;

int main(void) {
  escrt_run_block(^{
    escrt_chan *c = escrt_chan_make(sizeof(long), 0);
    long *sq = escrt_new(10 * sizeof(long));
    __block escrt_waitgroup wg = {0};
    escrt_waitgroup_add(&wg, 10);
    for (long i = 1; i <= 10; i++)
      escrt_go_block(^{
        sq[i - 1] = i * i;
        escrt_waitgroup_done(&wg);
      });
    escrt_go_block(^{
      escrt_waitgroup_wait(&wg);
      escrt_gc();
      long sum = 0;
      for (int i = 0; i < 10; i++)
        sum += sq[i];
      escrt_chan_send(c, &sum);
    });
    escrt_chan_recv(c, &result);
  });
  printf("escrt: blocks, sum of squares %ld\n", result);
  return 0;
}

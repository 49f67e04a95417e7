// closures.c: closures as goroutines, with clang's Blocks (-fblocks):
//
//   squares := make(chan int)
//   for i := 1; i <= 10; i++ {
//       go func() { squares <- i * i }()     // each closure has its own i
//   }
//
//   var wg sync.WaitGroup
//   var mu sync.Mutex
//   total := 0                               // shared by every closure
//   for i := 1; i <= 100; i++ {
//       wg.Add(1)
//       go func() { mu.Lock(); total += i; mu.Unlock(); wg.Done() }()
//   }
//   wg.Wait()
//
//   a, b := 0, 1
//   fib := make(chan int)
//   go func() { for k := 0; k < 10; k++ { fib <- a; a, b = b, a+b }; close(fib)
//   }()
//
// A block literal captures the variables it names. An ordinary variable is
// captured by value, when the literal is evaluated: each turn of the loop
// makes a block with that turn's i, as Go 1.22 gives each turn its own
// loop variable. A __block variable is captured by reference: every block
// and the function that declares it share one variable, which
// libBlocksRuntime moves off the stack when a block that names it is
// copied, as Go's compiler moves a captured, assigned variable to the heap.
// escrt_go_block runs a copy of the block in a new goroutine
// (escape/go.h), so the block literal may die with the loop's turn.
//
// The waitgroup and the mutex are collected objects (escrt_new) captured
// by value, not __block variables: libBlocksRuntime keeps __block variables
// in C's malloc memory, which plain libescrt's collector does not scan
// (escape/go.h); a block's own captures are scanned while its goroutine
// lives. The output is the same on every run: the sums do not depend on
// the order the goroutines ran in, and fib's values come in order.
//
// Clang only (GCC has no blocks): built with -fblocks and linked with
// -lBlocksRuntime. Every block that runs as a goroutine starts with
// ESCRT_STACK_CHECK(), the prologue check that escape-cc inserts: the
// samples are built by the plain compiler.
#include "fmt.h"

#include <escape/gc.h>
#include <escape/go.h>

#ifndef __BLOCKS__
#error "closures.c is built by clang with -fblocks"
#endif

// squares sums i * i for i in 1..10, computed by ten goroutines.
static long squares(void) {
  ESCRT_STACK_CHECK();
  escrt_chan *results = escrt_chan_make(sizeof(long), 0);
  for (long i = 1; i <= 10; i++)
    escrt_go_block(^{
      ESCRT_STACK_CHECK();
      long square = i * i;
      escrt_chan_send(results, &square); // squares <- i * i
    });
  long sum = 0;
  for (int k = 0; k < 10; k++) {
    long square;
    escrt_chan_recv(results, &square);
    sum += square;
  }
  return sum;
}

// shared adds 1..100 into one __block variable from a hundred goroutines.
static long shared(void) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup *wg = escrt_new(sizeof *wg); // var wg sync.WaitGroup
  escrt_mutex *mu = escrt_new(sizeof *mu);     // var mu sync.Mutex
  __block long total = 0;
  for (long i = 1; i <= 100; i++) {
    escrt_waitgroup_add(wg, 1);
    escrt_go_block(^{
      ESCRT_STACK_CHECK();
      escrt_mutex_lock(mu);
      total += i;
      escrt_mutex_unlock(mu);
      escrt_waitgroup_done(wg);
    });
  }
  escrt_waitgroup_wait(wg);
  return total;
}

// fibonacci prints what a generator closure sends, then the generator's
// state, which main shares through __block.
static void fibonacci(void) {
  ESCRT_STACK_CHECK();
  __block long a = 0, b = 1;
  escrt_chan *fib = escrt_chan_make(sizeof(long), 0);
  escrt_go_block(^{
    ESCRT_STACK_CHECK();
    for (int k = 0; k < 10; k++) {
      escrt_chan_send(fib, &a); // fib <- a
      long next = a + b;
      a = b;
      b = next;
    }
    escrt_chan_close(fib);
  });
  fmt_printf("fib:");
  long v;
  while (escrt_chan_recv(fib, &v)) // for v := range fib
    fmt_printf(" %ld", v);
  // The close came after the last writes to a and b: main sees them.
  fmt_printf("\nthen a = %ld, b = %ld\n", a, b);
}

int main(void) {
  escrt_main_block(^{
    ESCRT_STACK_CHECK();
    fmt_printf("sum of squares: %ld\n", squares());
    fmt_printf("total: %ld\n", shared());
    fibonacci();
  });
}

// pipeline.c: Go's pipeline of goroutines connected by channels, from the
// Go blog's "Go Concurrency Patterns: Pipelines and cancellation":
//
//   func gen(nums ...int) <-chan int        // a goroutine sends nums, closes
//   func sq(in <-chan int) <-chan int       // one receives, squares, sends
//   func main() {
//       for n := range sq(sq(gen(2, 3, 4, 5))) { fmt.Println(n) }
//   }
//
// Each stage is a function that starts a goroutine and returns the channel
// it sends on. Go's func literal captures its variables (nums, in, out);
// here a stage's goroutine gets them in a struct allocated with escrt_new,
// on the collected heap, where Go's compiler moves captured variables of a
// goroutine too ("moved to heap"): a goroutine outlives the function that
// started it, so nothing it uses may live in that function's frame. A
// stage closes its channel when it is done, and that ends the range loop
// of the stage after it.
//
// Every function that runs on a goroutine starts with ESCRT_STACK_CHECK(),
// the prologue check that escape-cc inserts (escape/go.h): the samples are
// built by the plain compiler. escape-check -m samples/pipeline.c --
// -Iruntime/include explains each decision (README.md, "Samples").
#include "fmt.h"

#include <escape/gc.h>
#include <escape/go.h>
#include <escape/slice.h>

typedef ESCRT_SLICE(long) long_slice; // []int

// generator is what gen's goroutine captures: func() { for _, n := range
// nums { out <- n }; close(out) }.
struct generator {
  long_slice nums;
  escrt_chan *out;
};

static void generate(void *arg) {
  ESCRT_STACK_CHECK();
  struct generator *g = arg;
  // for _, n := range nums { out <- n }: n is a copy of the element, and
  // the send copies n into the channel.
  for (ptrdiff_t i = 0; i < escrt_len(g->nums); i++) {
    long n = escrt_at(g->nums, i);
    escrt_chan_send(g->out, &n);
  }
  escrt_chan_close(g->out); // close(out)
}

// gen is Go's gen(nums ...int) <-chan int: out := make(chan int); go
// func() {...}(); return out.
static escrt_chan *gen(long_slice nums) {
  ESCRT_STACK_CHECK();
  struct generator *g = escrt_new(sizeof *g);
  g->nums = nums;
  g->out = escrt_chan_make(sizeof(long), 0); // make(chan int)
  escrt_go(generate, g);                     // go func() {...}()
  return g->out;
}

// squarer is what sq's goroutine captures: in and out.
struct squarer {
  escrt_chan *in, *out;
};

static void square(void *arg) {
  ESCRT_STACK_CHECK();
  struct squarer *s = arg;
  long n;
  while (escrt_chan_recv(s->in, &n)) { // for n := range in
    long sq = n * n;
    escrt_chan_send(s->out, &sq); // out <- n * n: sends a copy of sq
  }
  escrt_chan_close(s->out); // close(out)
}

// sq is Go's sq(in <-chan int) <-chan int.
static escrt_chan *sq(escrt_chan *in) {
  ESCRT_STACK_CHECK();
  struct squarer *s = escrt_new(sizeof *s);
  s->in = in;
  s->out = escrt_chan_make(sizeof(long), 0);
  escrt_go(square, s);
  return s->out;
}

// gomain is Go's main: it ranges over the last stage and prints.
static void gomain(void *arg) {
  ESCRT_STACK_CHECK();
  long_slice nums = escrt_make(long_slice, 4); // gen(2, 3, 4, 5)'s ...int
  for (ptrdiff_t i = 0; i < escrt_len(nums); i++)
    escrt_at(nums, i) = 2 + i;
  escrt_chan *out = sq(sq(gen(nums)));
  long n;
  while (escrt_chan_recv(out, &n)) // for n := range out
    fmt_printf("%ld\n", n);        //     fmt.Println(n)
}

int main(void) { escrt_main(gomain, NULL); }

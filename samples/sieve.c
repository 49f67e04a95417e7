// sieve.c: Go's concurrent prime sieve (go/test/chan/sieve1.go, and the
// Go tour's), printing the first 25 primes:
//
//   func Generate(ch chan<- int) { for i := 2; ; i++ { ch <- i } }
//   func Filter(in <-chan int, out chan<- int, prime int) {
//       for { i := <-in; if i%prime != 0 { out <- i } }
//   }
//   func main() {
//       ch := make(chan int)
//       go Generate(ch)
//       for i := 0; i < 25; i++ {
//           prime := <-ch
//           fmt.Println(prime)
//           ch1 := make(chan int)
//           go Filter(ch, ch1, prime)
//           ch = ch1
//       }
//   }
//
// A daisy chain of goroutines: the generator sends 2, 3, 4, ...; each
// prime found adds a filter goroutine that drops its multiples, so the
// number at the end of the chain is always the next prime. The chain is
// never taken down: main returns and the program ends, as Go's does, with
// 26 goroutines blocked on their sends (escrt_main does not wait).
//
// Go passes ch, ch1 and prime to the goroutine by value; escrt_go passes
// one pointer, so a filter's arguments are a collected object.
//
// Every function that runs on a goroutine starts with ESCRT_STACK_CHECK(),
// the prologue check that escape-cc inserts (escape/go.h): the samples are
// built by the plain compiler.
#include "fmt.h"

#include <escape/gc.h>
#include <escape/go.h>

enum { PRIMES = 25 };

// generate is Go's Generate: 2, 3, 4, ... on ch, forever.
static void generate(void *ch) {
  ESCRT_STACK_CHECK();
  for (long i = 2;; i++)
    escrt_chan_send(ch, &i); // ch <- i
}

// filter is what Filter's goroutine gets: go Filter(in, out, prime).
struct filter {
  escrt_chan *in, *out;
  long prime;
};

// filtering copies what comes in to out, except multiples of prime.
static void filtering(void *arg) {
  ESCRT_STACK_CHECK();
  struct filter *f = arg;
  for (;;) {
    long i;
    escrt_chan_recv(f->in, &i); // i := <-in
    if (i % f->prime != 0)
      escrt_chan_send(f->out, &i); // out <- i
  }
}

static void gomain(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan *ch = escrt_chan_make(sizeof(long), 0); // ch := make(chan int)
  escrt_go(generate, ch);                            // go Generate(ch)
  for (int i = 0; i < PRIMES; i++) {
    long prime;
    escrt_chan_recv(ch, &prime); // prime := <-ch
    fmt_printf("%ld\n", prime);
    struct filter *f = escrt_new(sizeof *f);
    *f = (struct filter){ch, escrt_chan_make(sizeof(long), 0), prime};
    escrt_go(filtering, f); // go Filter(ch, ch1, prime)
    ch = f->out;            // ch = ch1
  }
}

int main(void) { escrt_main(gomain, NULL); }

// workers.c: Go's worker pool (Go by Example, "Worker Pools" and
// "WaitGroups"):
//
//   func worker(jobs <-chan int, results chan<- result, wg *sync.WaitGroup) {
//       defer wg.Done()
//       for j := range jobs { results <- result{j, collatz(j)} }
//   }
//   func main() {
//       jobs, results := make(chan int, 8), make(chan result, 8)
//       var wg sync.WaitGroup
//       for w := 0; w < 4; w++ { wg.Add(1); go worker(jobs, results, &wg) }
//       go func() { for j := 1; j <= 30; j++ { jobs <- j }; close(jobs) }()
//       go func() { wg.Wait(); close(results) }()
//       var all []result
//       for r := range results { all = append(all, r) }
//       sort.Slice(all, ...); for _, r := range all { fmt.Println(r) }
//   }
//
// Four workers take 30 jobs from one channel and send each result on
// another; which worker does which job, and the order the results arrive
// in, change from run to run. The output does not: main gathers the
// results in a slice and sorts them by job before printing. The last
// worker to finish (the waitgroup's Wait returns) closes results, which
// ends main's range loop.
//
// Go moves wg to the heap because goroutines get &wg; in C the pool's
// shared state (the channels and the waitgroup) is one escrt_new object,
// since no goroutine may keep a pointer into another's stack (escape/go.h).
// Every function that runs on a goroutine starts with ESCRT_STACK_CHECK(),
// the prologue check that escape-cc inserts: the samples are built by the
// plain compiler.
#include "fmt.h"

#include <escape/gc.h>
#include <escape/go.h>
#include <escape/slice.h>

#include <stdlib.h>

enum { WORKERS = 4, JOBS = 30 };

// result is what a worker sends back: the job and the steps it took.
struct result {
  long job, steps;
};
typedef ESCRT_SLICE(struct result) result_slice; // []result

// pool is what the goroutines share: the job and result channels and the
// waitgroup that counts the workers still running.
struct pool {
  escrt_chan *jobs, *results;
  escrt_waitgroup wg;
};

// collatz is the work: the steps n takes to reach 1 (n -> n/2 or 3n+1).
static long collatz(long n) {
  ESCRT_STACK_CHECK();
  long steps = 0;
  for (; n != 1; steps++)
    n = n % 2 == 0 ? n / 2 : 3 * n + 1;
  return steps;
}

// worker is Go's worker: for j := range jobs { results <- ... }.
static void worker(void *arg) {
  ESCRT_STACK_CHECK();
  struct pool *p = arg;
  long job;
  while (escrt_chan_recv(p->jobs, &job)) {
    struct result r = {job, collatz(job)};
    escrt_chan_send(p->results, &r); // results <- r: a copy of r
  }
  escrt_waitgroup_done(&p->wg); // defer wg.Done()
}

// feed sends the jobs and closes the channel: no more work.
static void feed(void *arg) {
  ESCRT_STACK_CHECK();
  struct pool *p = arg;
  for (long j = 1; j <= JOBS; j++)
    escrt_chan_send(p->jobs, &j);
  escrt_chan_close(p->jobs);
}

// closer closes results once every worker is done: go func() { wg.Wait();
// close(results) }().
static void closer(void *arg) {
  ESCRT_STACK_CHECK();
  struct pool *p = arg;
  escrt_waitgroup_wait(&p->wg);
  escrt_chan_close(p->results);
}

static int by_job(const void *a, const void *b) {
  const struct result *x = a, *y = b;
  return (x->job > y->job) - (x->job < y->job);
}

// sort_by_job is sort.Slice(all, by job). qsort is C library code, built
// without stack checks: the goroutine reserves room for it first
// (escape/go.h). 16 KB is plenty: glibc's qsort merges arrays under 1 KB in
// a buffer on the stack, and recurses log2(len) deep.
static void sort_by_job(result_slice all) {
  ESCRT_STACK_RESERVE(16 << 10);
  qsort(all.array, (size_t)all.len, sizeof *all.array, by_job);
}

static void gomain(void *arg) {
  ESCRT_STACK_CHECK();
  struct pool *p = escrt_new(sizeof *p);
  p->jobs = escrt_chan_make(sizeof(long), 8); // make(chan int, 8)
  p->results = escrt_chan_make(sizeof(struct result), 8);
  for (int w = 0; w < WORKERS; w++) {
    escrt_waitgroup_add(&p->wg, 1);
    escrt_go(worker, p);
  }
  escrt_go(feed, p);
  escrt_go(closer, p);

  result_slice all = escrt_nil(result_slice); // var all []result
  struct result r;
  while (escrt_chan_recv(p->results, &r)) // for r := range results
    all = escrt_append(all, r);           //     all = append(all, r)
  sort_by_job(all);

  long total = 0;
  for (ptrdiff_t i = 0; i < escrt_len(all); i++) {
    r = escrt_at(all, i);
    fmt_printf("job %2ld: %3ld steps\n", r.job, r.steps);
    total += r.steps;
  }
  fmt_printf("%td jobs, %ld steps in all\n", escrt_len(all), total);
}

int main(void) { escrt_main(gomain, NULL); }

// systemstack: what a call out of a goroutine costs, the three ways.
//
// Code compiled without stack checks (the C library) must not run on a
// goroutine's 2 KB stack. A goroutine can call it on its thread's own
// stack, through escrt_systemstack (two stack-pointer switches and the
// bookkeeping of which goroutine is running), or reserve room on its own
// stack first, with ESCRT_STACK_RESERVE (one compare once the stack has
// grown; the first call grows it by copying, and it stays large until the
// goroutine next resumes and the scheduler shrinks it). The anchor is a
// plain call. Each line is "WAY NANOSECONDS-PER-CALL"; the callee is
// strlen of a 64-byte string, behind a noinline function.
//
// usage: systemstack (bench/goroutines.sh runs it)
#include <escape/go.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

enum { CALLS = 10000000, RESERVE = 16384 };

static const char *text =
    "a string of sixty-four bytes, for strlen to walk to its very end";
static volatile size_t sink;
static double ns[3];

static __attribute__((noinline)) void call_libc(void *arg) {
  (void)arg;
  sink += strlen(text);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void clock_read(void *t) { *(double *)t = now(); }

static void measure(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  double t0, t1;
  escrt_systemstack(clock_read, &t0);
  for (int i = 0; i < CALLS; i++)
    call_libc(NULL); // the anchor: as if the stack were large enough
  escrt_systemstack(clock_read, &t1);
  ns[0] = (t1 - t0) * 1e9 / CALLS;
  escrt_systemstack(clock_read, &t0);
  for (int i = 0; i < CALLS; i++)
    escrt_systemstack(call_libc, NULL);
  escrt_systemstack(clock_read, &t1);
  ns[1] = (t1 - t0) * 1e9 / CALLS;
  escrt_systemstack(clock_read, &t0);
  for (int i = 0; i < CALLS; i++) {
    ESCRT_STACK_RESERVE(RESERVE);
    call_libc(NULL);
  }
  escrt_systemstack(clock_read, &t1);
  ns[2] = (t1 - t0) * 1e9 / CALLS;
}

int main(void) {
  escrt_run(measure, NULL);
  printf("direct %.2f\nsystemstack %.2f\nreserve %.2f\n", ns[0], ns[1], ns[2]);
  return 0;
}

// goroutines.h: what the suites of channels, select and sync share.
//
// Their tests run goroutines under escrt_run in the test's own child
// process, with the GOMAXPROCS that ctest gives the suite (1 or 2). A
// goroutine starts on a 2 KB stack that grows only where ESCRT_STACK_CHECK
// is written, so it may not call Check's assertions (which write to a
// pipe) or the C library: it records what it sees, and the test asserts
// once escrt_run has returned. Goroutine functions begin with
// ESCRT_STACK_CHECK(), as escape-cc would make them.
//
// A goroutine notes a failed check with record_failure (the first one is
// kept for the message). A test that needs another goroutine to be
// blocked, not merely started, waits until the channel's queue holds it
// (await_queued), so that tests are deterministic without sleeping.
//
// Everything here is static inline: each suite is one translation unit.
#ifndef ESCAPE_TESTS_GOROUTINES_H
#define ESCAPE_TESTS_GOROUTINES_H

#include "runtime.h"

#include "escape/go.h"

#include "harness.h"

#include <check.h>
#include <stdatomic.h>
#include <stdbool.h>

// failure is a check that failed in a goroutine: what was checked, in
// which case of a table (a capacity, a size, an index), and the values.
typedef struct failure {
  const char *what;
  long where;
  long got, want;
} failure;

static struct {
  _Atomic long n;
  failure first;
} failures;

static inline void record_failure(const char *what, long where, long got,
                                  long want) {
  ESCRT_STACK_CHECK();
  if (atomic_fetch_add(&failures.n, 1) == 0)
    failures.first = (failure){what, where, got, want};
}

// check_eq notes a failure when got != want; it is for goroutines.
static inline void check_eq(const char *what, long where, long got, long want) {
  ESCRT_STACK_CHECK();
  if (got != want)
    record_failure(what, where, got, want);
}

// assert_no_failures fails the test with the first failure noted; it is
// called after escrt_run.
static inline void assert_no_failures(void) {
  long n = atomic_load(&failures.n);
  ck_assert_msg(n == 0,
                "%ld failed checks; the first: %s [%ld]: got %ld, want %ld", n,
                failures.first.what, failures.first.where, failures.first.got,
                failures.first.want);
}

// queued returns how many goroutines wait on c to send (senders true) or
// to receive: the length of its sendq or recvq, read under its lock.
static inline int queued(escrt_chan *c, bool senders) {
  ESCRT_STACK_CHECK();
  mutex_lock(&c->lock);
  int n = 0;
  for (sudog *sg = senders ? c->sendq.first : c->recvq.first; sg != NULL;
       sg = sg->next)
    n++;
  mutex_unlock(&c->lock);
  return n;
}

// await_queued yields until at least n goroutines wait on c.
static inline void await_queued(escrt_chan *c, bool senders, int n) {
  ESCRT_STACK_CHECK();
  while (queued(c, senders) < n)
    escrt_gosched();
}

// gomain is a main goroutine for a child: expect_fatal_run runs fn(arg)
// under escrt_run in a child process and matches what it writes to
// standard error when it stops, and its status 2.
typedef struct gomain {
  void (*fn)(void *);
  void *arg;
} gomain;

static inline void run_gomain(void *arg) {
  gomain *m = arg;
  escrt_run(m->fn, m->arg);
}

static inline void expect_fatal_run(void (*fn)(void *), void *arg,
                                    const char *want) {
  gomain m = {fn, arg};
  expect_fatal(run_gomain, &m, want);
}

#endif

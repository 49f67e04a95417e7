// check_sync: Mutex, WaitGroup and Once (runtime/sync.c), Sleep and
// Gosched (runtime/time.c, runtime/proc.c).
//
// Go's sync package contract: a Mutex admits one goroutine at a time (a
// hundred goroutines incrementing a plain counter, yielding inside the
// critical section, lose no increment), TryLock takes only a free mutex,
// every goroutine parked on a held mutex gets it in the end, a mutex may
// be unlocked by a goroutine that did not lock it, and unlocking an
// unlocked mutex is a fatal error. A WaitGroup's Wait returns once the
// counter is zero, at once if it is already, and to every waiter; the
// group may be used again; a negative counter panics. Once runs its
// function exactly once however many goroutines call it together, and no
// caller returns before that call has returned. Blocking for good on a
// mutex or a group is a deadlock, as on a channel. Sleeping goroutines
// wake in the order of their deadlines and never early, a thousand at
// once; a sleep of the longest duration does not end; Gosched lets the
// others run. Fairness of the mutex's handoff is not tested: Go does not
// promise it.
//
// Waiting until goroutines are parked reads the waiter counts in the
// objects' state words, so that tests need not sleep.
#include "goroutines.h"

#include <check.h>
#include <stdint.h>

static void read_clock(void *arg) { *(int64_t *)arg = nanotime(); }

// now reads the clock on the system stack: clock_gettime is the C library.
static int64_t now(void) {
  ESCRT_STACK_CHECK();
  int64_t t;
  escrt_systemstack(read_clock, &t);
  return t;
}

// mutex_waiters is the number of goroutines parked on m (the state word
// counts them above the locked bit).
static uint32_t mutex_waiters(escrt_mutex *m) {
  return __atomic_load_n(&m->state, __ATOMIC_ACQUIRE) >> 1;
}

// waitgroup_waiters is the number of goroutines in Wait on wg (the low 32
// bits of the state word).
static uint32_t waitgroup_waiters(escrt_waitgroup *wg) {
  return (uint32_t)__atomic_load_n(&wg->state, __ATOMIC_ACQUIRE);
}

// ---------------------------------------------------------------------------
// Mutex
// ---------------------------------------------------------------------------

enum { LOCKERS = 100, INCREMENTS = 200 };

static struct {
  escrt_mutex m;
  long counter;     // plain: only the mutex protects it
  _Atomic int held; // goroutines inside the critical section
  _Atomic int acquired;
  escrt_waitgroup wg;
} mu;

// increment adds one to the counter INCREMENTS times under the mutex, in
// two steps with a yield between them every few times, so that a second
// goroutine inside would lose an increment.
static void increment(void *arg) {
  ESCRT_STACK_CHECK();
  for (int i = 0; i < INCREMENTS; i++) {
    escrt_mutex_lock(&mu.m);
    int inside = atomic_fetch_add(&mu.held, 1) + 1;
    check_eq("goroutines holding the mutex", i, inside, 1);
    long v = mu.counter;
    if (i % 5 == 0)
      escrt_gosched();
    mu.counter = v + 1;
    atomic_fetch_sub(&mu.held, 1);
    escrt_mutex_unlock(&mu.m);
  }
  escrt_waitgroup_done(&mu.wg);
}

static void excludes_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_add(&mu.wg, LOCKERS);
  for (int i = 0; i < LOCKERS; i++)
    escrt_go(increment, NULL);
  escrt_waitgroup_wait(&mu.wg);
}

// A hundred goroutines increment a plain counter 200 times each under the
// mutex, yielding inside: never two inside, no increment lost, and the
// mutex is free and without waiters at the end.
START_TEST(mutex_excludes) {
  escrt_run(excludes_main, NULL);
  assert_no_failures();
  ck_assert_int_eq(mu.counter, LOCKERS * INCREMENTS);
  ck_assert_uint_eq(mu.m.state, 0);
}
END_TEST

static struct {
  escrt_mutex m;
  bool other_got;
  escrt_waitgroup wg;
} try;

static void try_other(void *arg) {
  ESCRT_STACK_CHECK();
  try.other_got = escrt_mutex_trylock(&try.m);
  if (try.other_got)
    escrt_mutex_unlock(&try.m);
  escrt_waitgroup_done(&try.wg);
}

static void trylock_main(void *arg) {
  ESCRT_STACK_CHECK();
  check_eq("trylock of a zero mutex", 0, escrt_mutex_trylock(&try.m), true);
  check_eq("trylock of a held mutex", 1, escrt_mutex_trylock(&try.m), false);
  escrt_waitgroup_add(&try.wg, 1);
  escrt_go(try_other, NULL);
  escrt_waitgroup_wait(&try.wg);
  check_eq("another goroutine's trylock of a held mutex", 2, try.other_got,
           false);
  escrt_mutex_unlock(&try.m);
  escrt_waitgroup_add(&try.wg, 1);
  escrt_go(try_other, NULL);
  escrt_waitgroup_wait(&try.wg);
  check_eq("another goroutine's trylock of a free mutex", 3, try.other_got,
           true);
  escrt_mutex_lock(&try.m);
  check_eq("trylock after lock", 4, escrt_mutex_trylock(&try.m), false);
  escrt_mutex_unlock(&try.m);
  check_eq("trylock after unlock", 5, escrt_mutex_trylock(&try.m), true);
  escrt_mutex_unlock(&try.m);
}

// TryLock takes a free mutex and fails on a held one, whoever holds it.
START_TEST(mutex_trylock) {
  escrt_run(trylock_main, NULL);
  assert_no_failures();
  ck_assert_uint_eq(try.m.state, 0);
}
END_TEST

enum { PARKED = 10 };

static void lock_once(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_mutex_lock(&mu.m);
  atomic_fetch_add(&mu.acquired, 1);
  escrt_mutex_unlock(&mu.m);
  escrt_waitgroup_done(&mu.wg);
}

static void waiters_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_mutex_lock(&mu.m);
  escrt_waitgroup_add(&mu.wg, PARKED);
  for (int i = 0; i < PARKED; i++)
    escrt_go(lock_once, NULL);
  while (mutex_waiters(&mu.m) < PARKED)
    escrt_gosched();
  check_eq("acquired while held", 0, atomic_load(&mu.acquired), 0);
  escrt_mutex_unlock(&mu.m);
  escrt_waitgroup_wait(&mu.wg);
}

// Ten goroutines park on a held mutex; once it is unlocked each of them
// gets it in turn.
START_TEST(mutex_parked_waiters_all_acquire) {
  escrt_run(waiters_main, NULL);
  assert_no_failures();
  ck_assert_int_eq(atomic_load(&mu.acquired), PARKED);
  ck_assert_uint_eq(mu.m.state, 0);
}
END_TEST

static void unlock_for_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_mutex_unlock(&mu.m);
}

static void handed_main(void *arg) {
  ESCRT_STACK_CHECK();
  for (int i = 0; i < 100; i++) {
    escrt_mutex_lock(&mu.m);
    escrt_go(unlock_for_main, NULL);
    escrt_mutex_lock(&mu.m); // parks until the other goroutine unlocks
    atomic_fetch_add(&mu.acquired, 1);
    escrt_mutex_unlock(&mu.m);
  }
}

// A mutex belongs to no goroutine: one locks it, another unlocks it, and
// the first, parked on its second Lock, gets it.
START_TEST(mutex_unlocked_by_another_goroutine) {
  escrt_run(handed_main, NULL);
  ck_assert_int_eq(atomic_load(&mu.acquired), 100);
  ck_assert_uint_eq(mu.m.state, 0);
}
END_TEST

static void unlock_zero(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_mutex unlocked = {0};
  escrt_mutex_unlock(&unlocked);
}

static void unlock_twice(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_mutex_lock(&mu.m);
  escrt_mutex_unlock(&mu.m);
  escrt_mutex_unlock(&mu.m);
}

START_TEST(unlock_of_unlocked_mutex_stops) {
  const char *want = "fatal error: sync: unlock of unlocked mutex\n";
  expect_fatal_run(unlock_zero, NULL, want);
  expect_fatal_run(unlock_twice, NULL, want);
}
END_TEST

static const char deadlock[] =
    "fatal error: all goroutines are asleep - deadlock!\n";

static void lock_twice(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_mutex_lock(&mu.m);
  escrt_mutex_lock(&mu.m);
}

// Locking a mutex one holds, with nobody to unlock it, is a deadlock.
START_TEST(relock_deadlocks) { expect_fatal_run(lock_twice, NULL, deadlock); }
END_TEST

// ---------------------------------------------------------------------------
// WaitGroup
// ---------------------------------------------------------------------------

enum { WORKERS = 1000, WAITERS = 10 };

static struct {
  escrt_waitgroup wg, released;
  _Atomic int finished;
  _Atomic int woken;
  int seen_by_main;
} group;

static void worker(void *arg) {
  ESCRT_STACK_CHECK();
  long i = (long)(intptr_t)arg;
  if (i % 3 == 0)
    escrt_gosched();
  if (i % 100 == 0)
    escrt_sleep(100000);
  atomic_fetch_add(&group.finished, 1);
  escrt_waitgroup_done(&group.wg);
}

static void workers_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_add(&group.wg, WORKERS);
  for (long i = 0; i < WORKERS; i++)
    escrt_go(worker, (void *)(intptr_t)i);
  escrt_waitgroup_wait(&group.wg);
  group.seen_by_main = atomic_load(&group.finished);
}

// Wait returns only after every one of a thousand goroutines called Done,
// some of them after yielding or sleeping.
START_TEST(waitgroup_waits_for_all) {
  escrt_run(workers_main, NULL);
  ck_assert_int_eq(group.seen_by_main, WORKERS);
  ck_assert_uint_eq(group.wg.state, 0);
}
END_TEST

static void zero_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_wait(&group.wg);
  escrt_waitgroup_add(&group.wg, 3);
  escrt_waitgroup_add(&group.wg, -3);
  escrt_waitgroup_wait(&group.wg);
  group.seen_by_main = 1;
}

// Wait on a zero counter returns at once, in a goroutine and outside one.
START_TEST(waitgroup_wait_on_zero_returns) {
  escrt_waitgroup wg = {0};
  escrt_waitgroup_wait(&wg);
  escrt_run(zero_main, NULL);
  ck_assert_int_eq(group.seen_by_main, 1);
}
END_TEST

static void waiter(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_wait(&group.wg);
  atomic_fetch_add(&group.woken, 1);
  escrt_waitgroup_done(&group.released);
}

static void done_later(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_done(&group.wg);
}

static void waiters_round(int waiters, int count, long where) {
  ESCRT_STACK_CHECK();
  atomic_store(&group.woken, 0);
  escrt_waitgroup_add(&group.wg, count);
  escrt_waitgroup_add(&group.released, waiters);
  for (int i = 0; i < waiters; i++)
    escrt_go(waiter, NULL);
  while (waitgroup_waiters(&group.wg) < (uint32_t)waiters)
    escrt_gosched();
  check_eq("woken before Done", where, atomic_load(&group.woken), 0);
  for (int i = 0; i < count - 1; i++)
    escrt_waitgroup_done(&group.wg);
  escrt_gosched();
  check_eq("woken before the last Done", where, atomic_load(&group.woken), 0);
  escrt_go(done_later, NULL);
  escrt_waitgroup_wait(&group.released);
  check_eq("waiters woken", where, atomic_load(&group.woken), waiters);
}

static void many_waiters_main(void *arg) {
  ESCRT_STACK_CHECK();
  waiters_round(WAITERS, 1, 0);
  waiters_round(5, 3, 1); // the same group, used again
}

// Ten goroutines wait on one group; the last Done, from another goroutine,
// releases all of them. The group is then used again with five.
START_TEST(waitgroup_releases_every_waiter) {
  escrt_run(many_waiters_main, NULL);
  assert_no_failures();
  ck_assert_uint_eq(group.wg.state, 0);
}
END_TEST

static void wait_forever(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_add(&group.wg, 2);
  escrt_go(done_later, NULL); // one Done of the two
  escrt_waitgroup_wait(&group.wg);
}

// Waiting on a counter nobody will bring to zero is a deadlock.
START_TEST(waitgroup_wait_forever_deadlocks) {
  expect_fatal_run(wait_forever, NULL, deadlock);
}
END_TEST

static void add_negative(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_add(&group.wg, -1);
}

static void done_too_often(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_add(&group.wg, 1);
  escrt_waitgroup_done(&group.wg);
  escrt_waitgroup_done(&group.wg);
}

START_TEST(waitgroup_negative_counter_panics) {
  const char *want = "panic: sync: negative WaitGroup counter\n\n"
                     "goroutine 1 [running]:\n";
  expect_fatal_run(add_negative, NULL, want);
  expect_fatal_run(done_too_often, NULL, want);
}
END_TEST

// ---------------------------------------------------------------------------
// Once
// ---------------------------------------------------------------------------

enum { CALLERS = 100 };

static struct {
  escrt_once once;
  _Atomic int calls, other_calls;
  _Atomic int flag;
  void *arg_seen;
  escrt_waitgroup wg;
} once;

static void slow_init(void *arg) {
  ESCRT_STACK_CHECK();
  atomic_fetch_add(&once.calls, 1);
  once.arg_seen = arg;
  escrt_sleep(2000000);
  atomic_store(&once.flag, 1);
}

static void other_init(void *arg) {
  ESCRT_STACK_CHECK();
  atomic_fetch_add(&once.other_calls, 1);
}

static void once_caller(void *arg) {
  ESCRT_STACK_CHECK();
  long i = (long)(intptr_t)arg;
  escrt_once_do(&once.once, slow_init, &once);
  check_eq("initialized when Do returned", i, atomic_load(&once.flag), 1);
  escrt_waitgroup_done(&once.wg);
}

static void once_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_add(&once.wg, CALLERS);
  for (long i = 0; i < CALLERS; i++)
    escrt_go(once_caller, (void *)(intptr_t)i);
  escrt_waitgroup_wait(&once.wg);
  escrt_once_do(&once.once, other_init, NULL);
}

// A hundred goroutines call Do at once: the function (which sleeps) runs
// once, with its argument, and each caller returns after it did. A later
// Do with another function does nothing.
START_TEST(once_runs_exactly_once) {
  escrt_run(once_main, NULL);
  assert_no_failures();
  ck_assert_int_eq(atomic_load(&once.calls), 1);
  ck_assert_int_eq(atomic_load(&once.other_calls), 0);
  ck_assert_ptr_eq(once.arg_seen, &once);
}
END_TEST

// ---------------------------------------------------------------------------
// Sleep and Gosched
// ---------------------------------------------------------------------------

enum { MS = 1000000 };

// Attempts at the sleep order: three sleepers 1 ms apart wake in order
// only if the thread that runs timers is not kept off a core for a
// millisecond, which a machine busy with other tests cannot promise (and
// three sleepers due at the same check are readied in no particular
// order, as in Go). One attempt in order, out of five, shows the order;
// a runtime that gets it wrong fails them all.
enum { SLEEP_ATTEMPTS = 5 };

static struct {
  escrt_chan *start;
  int order[3];
  _Atomic int n;
  int attempts;     // made, up to the first in order
  bool in_order;    // the last attempt woke 1, 2, 3
  int64_t extra[4]; // by milliseconds asked: how much longer it slept
  int64_t shortest; // the least extra over all attempts
  escrt_waitgroup wg;
} sleeps;

static void sleeper(void *arg) {
  ESCRT_STACK_CHECK();
  int ms = (int)(intptr_t)arg;
  escrt_chan_recv(sleeps.start, NULL); // all start together
  int64_t t0 = now();
  escrt_sleep((int64_t)ms * MS);
  sleeps.extra[ms] = now() - t0 - (int64_t)ms * MS;
  sleeps.order[atomic_fetch_add(&sleeps.n, 1)] = ms;
  escrt_waitgroup_done(&sleeps.wg);
}

static void sleep_main(void *arg) {
  ESCRT_STACK_CHECK();
  sleeps.shortest = INT64_MAX;
  while (!sleeps.in_order && sleeps.attempts < SLEEP_ATTEMPTS) {
    sleeps.attempts++;
    atomic_store(&sleeps.n, 0);
    sleeps.start = escrt_chan_make(0, 0);
    escrt_waitgroup_add(&sleeps.wg, 3);
    escrt_go(sleeper, (void *)(intptr_t)3);
    escrt_go(sleeper, (void *)(intptr_t)1);
    escrt_go(sleeper, (void *)(intptr_t)2);
    await_queued(sleeps.start, false, 3);
    escrt_chan_close(sleeps.start);
    escrt_waitgroup_wait(&sleeps.wg);
    for (int ms = 1; ms <= 3; ms++)
      if (sleeps.extra[ms] < sleeps.shortest)
        sleeps.shortest = sleeps.extra[ms];
    sleeps.in_order =
        sleeps.order[0] == 1 && sleeps.order[1] == 2 && sleeps.order[2] == 3;
  }
}

// Goroutines that sleep 3, 1 and 2 ms from the same moment wake in the
// order 1, 2, 3, each after at least what it asked.
START_TEST(sleep_wakes_in_order) {
  escrt_run(sleep_main, NULL);
  ck_assert_msg(sleeps.in_order, "woke in the order %d, %d, %d (attempt %d)",
                sleeps.order[0], sleeps.order[1], sleeps.order[2],
                sleeps.attempts);
  ck_assert_msg(sleeps.shortest >= 0, "a sleep ended %ld ns early",
                (long)-sleeps.shortest);
}
END_TEST

enum { SLEEPERS = 1000 };

static struct {
  _Atomic int woken, early;
  _Atomic int forever_woke;
  g *forever; // the goroutine that sleeps for ever
  escrt_waitgroup wg;
} crowd;

static void sleep_some(void *arg) {
  ESCRT_STACK_CHECK();
  int64_t ns = (int64_t)(intptr_t)arg;
  int64_t t0 = now();
  escrt_sleep(ns);
  if (now() - t0 < ns)
    atomic_fetch_add(&crowd.early, 1);
  atomic_fetch_add(&crowd.woken, 1);
  escrt_waitgroup_done(&crowd.wg);
}

static void sleep_forever(void *arg) {
  ESCRT_STACK_CHECK();
  crowd.forever = tls_g;
  escrt_sleep(INT64_MAX);
  atomic_store(&crowd.forever_woke, 1);
}

static void crowd_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_add(&crowd.wg, SLEEPERS);
  for (long i = 0; i < SLEEPERS; i++)
    escrt_go(sleep_some, (void *)(intptr_t)((i * 7919) % 5000 * 1000));
  escrt_waitgroup_wait(&crowd.wg);
}

// A thousand goroutines sleep up to 5 ms each, all at once: each wakes,
// none early.
START_TEST(many_sleepers_all_wake) {
  escrt_run(crowd_main, NULL);
  ck_assert_int_eq(atomic_load(&crowd.woken), SLEEPERS);
  ck_assert_int_eq(atomic_load(&crowd.early), 0);
}
END_TEST

static void forever_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_go(sleep_forever, NULL);
  escrt_sleep(20 * MS);
}

// A goroutine that sleeps for the longest time there is (Go's
// time.Sleep(math.MaxInt64), whose deadline Go clamps) does not wake while
// main sleeps 20 ms: it is still parked.
START_TEST(sleep_of_max_duration_does_not_wake) {
  escrt_run(forever_main, NULL);
  ck_assert_int_eq(atomic_load(&crowd.forever_woke), 0);
  ck_assert_ptr_nonnull(crowd.forever);
  ck_assert_uint_eq(atomic_load(&crowd.forever->status), G_WAITING);
}
END_TEST

static struct { int64_t zero, negative; } quick;

static void quick_main(void *arg) {
  ESCRT_STACK_CHECK();
  int64_t t0 = now();
  escrt_sleep(0);
  int64_t t1 = now();
  escrt_sleep(-MS);
  quick.negative = now() - t1;
  quick.zero = t1 - t0;
}

// Sleep of zero or less returns at once.
START_TEST(sleep_of_zero_returns) {
  escrt_run(quick_main, NULL);
  ck_assert_int_lt(quick.zero, 500 * MS);
  ck_assert_int_lt(quick.negative, 500 * MS);
}
END_TEST

static struct {
  _Atomic int flag;
  long spins;
  _Atomic int steps[2];
  escrt_waitgroup wg;
} sched;

static void raise_flag(void *arg) {
  ESCRT_STACK_CHECK();
  atomic_store(&sched.flag, 1);
}

static void stepper(void *arg) {
  ESCRT_STACK_CHECK();
  int me = (int)(intptr_t)arg;
  for (int i = 0; i < 1000; i++) {
    atomic_fetch_add(&sched.steps[me], 1);
    escrt_gosched();
  }
  escrt_waitgroup_done(&sched.wg);
}

static void gosched_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_go(raise_flag, NULL);
  while (atomic_load(&sched.flag) == 0) {
    sched.spins++;
    escrt_gosched();
  }
  escrt_waitgroup_add(&sched.wg, 2);
  escrt_go(stepper, (void *)(intptr_t)0);
  escrt_go(stepper, (void *)(intptr_t)1);
  escrt_waitgroup_wait(&sched.wg);
}

// Gosched lets a goroutine that spins on a flag be overtaken by the one
// that raises it, even on one P; two goroutines that yield after every
// step both finish. Outside goroutines Gosched just returns.
START_TEST(gosched_lets_others_run) {
  escrt_gosched();
  escrt_run(gosched_main, NULL);
  ck_assert_int_eq(atomic_load(&sched.flag), 1);
  ck_assert_int_eq(atomic_load(&sched.steps[0]), 1000);
  ck_assert_int_eq(atomic_load(&sched.steps[1]), 1000);
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("sync");
  suite_add_test(s, "mutex-excludes", mutex_excludes, 30);
  suite_add_test(s, "mutex-trylock", mutex_trylock, 30);
  suite_add_test(s, "mutex-parked-waiters-all-acquire",
                 mutex_parked_waiters_all_acquire, 30);
  suite_add_test(s, "mutex-unlocked-by-another-goroutine",
                 mutex_unlocked_by_another_goroutine, 30);
  suite_add_test(s, "unlock-of-unlocked-mutex-stops",
                 unlock_of_unlocked_mutex_stops, 30);
  suite_add_test(s, "relock-deadlocks", relock_deadlocks, 30);
  suite_add_test(s, "waitgroup-waits-for-all", waitgroup_waits_for_all, 30);
  suite_add_test(s, "waitgroup-wait-on-zero-returns",
                 waitgroup_wait_on_zero_returns, 30);
  suite_add_test(s, "waitgroup-releases-every-waiter",
                 waitgroup_releases_every_waiter, 30);
  suite_add_test(s, "waitgroup-wait-forever-deadlocks",
                 waitgroup_wait_forever_deadlocks, 30);
  suite_add_test(s, "waitgroup-negative-counter-panics",
                 waitgroup_negative_counter_panics, 30);
  suite_add_test(s, "once-runs-exactly-once", once_runs_exactly_once, 30);
  suite_add_test(s, "sleep-wakes-in-order", sleep_wakes_in_order, 30);
  suite_add_test(s, "many-sleepers-all-wake", many_sleepers_all_wake, 30);
  suite_add_test(s, "sleep-of-max-duration-does-not-wake",
                 sleep_of_max_duration_does_not_wake, 30);
  suite_add_test(s, "sleep-of-zero-returns", sleep_of_zero_returns, 30);
  suite_add_test(s, "gosched-lets-others-run", gosched_lets_others_run, 30);
  return suite_main(s, argc, argv);
}

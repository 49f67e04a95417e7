// check_proc: the goroutine scheduler (runtime/proc.c, runtime/time.c).
//
// Every test runs goroutines under escrt_run in its own child process, with
// the GOMAXPROCS that ctest gives the suite (1 and 2: runtime/proc/P1 and
// runtime/proc/P2). Goroutines record what they see in static memory and
// the test asserts after escrt_run returns: Check's assertions need more
// stack than a goroutine has. The tests hold the scheduler to Go's
// behaviour: every goroutine runs, main's return ends escrt_run, Gosched
// and Sleep, parallelism with two Ps, the deadlock message when every
// goroutine is blocked (and not while one sleeps or is in a system call),
// goroutines that call the C library through escrt_systemstack staying at
// 2 KB, and the stack accounting after 100,000 goroutines come and go.
#include "runtime.h"

#include "harness.h"

#include "escape/go.h"

#include <check.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int procs(void) {
  const char *env = getenv("GOMAXPROCS");
  return env != NULL ? atoi(env) : escrt_gomaxprocs();
}

static uint64_t stack_inuse(void) {
  escrt_memstats st;
  escrt_read_memstats(&st);
  return st.stack_inuse;
}

// goroutines_after_exit returns how many goroutines exist once those that
// were finishing have finished: one that has signalled its WaitGroup may
// still be on its way out when the main goroutine returns (as in Go).
static int64_t goroutines_after_exit(void) {
  for (int i = 0; i < 2000 && escrt_numgoroutine() != 0; i++)
    usleep(1000);
  return escrt_numgoroutine();
}

// ---------------------------------------------------------------------------
// Running goroutines
// ---------------------------------------------------------------------------

static struct {
  _Atomic long ran;
  int64_t main_goid;
  int64_t main_goid2;
  escrt_waitgroup wg;
} counts;

static void count_one(void *arg) {
  atomic_fetch_add(&counts.ran, (long)(intptr_t)arg);
  escrt_waitgroup_done(&counts.wg);
}

static void spawn_many(void *arg) {
  long n = (long)(intptr_t)arg;
  counts.main_goid = escrt_goid();
  escrt_waitgroup_add(&counts.wg, (int)n);
  for (long i = 0; i < n; i++)
    escrt_go(count_one, (void *)(intptr_t)1);
  escrt_waitgroup_wait(&counts.wg);
}

// The first main goroutine is goroutine 1; each of 10,000 goroutines runs
// exactly once; escrt_run returns when main returns.
START_TEST(every_goroutine_runs) {
  ck_assert_int_eq(escrt_goid(), 0);
  escrt_run(spawn_many, (void *)(intptr_t)10000);
  ck_assert_int_eq(counts.main_goid, 1);
  ck_assert_int_eq(atomic_load(&counts.ran), 10000);
  ck_assert_int_eq(goroutines_after_exit(), 0);
}
END_TEST

static void record_goid(void *arg) { *(int64_t *)arg = escrt_goid(); }

// escrt_run may be called again; goroutine ids go on counting.
START_TEST(run_twice) {
  escrt_run(record_goid, &counts.main_goid);
  escrt_run(record_goid, &counts.main_goid2);
  ck_assert_int_eq(counts.main_goid, 1);
  ck_assert_int_eq(counts.main_goid2, 2);
}
END_TEST

static void *run_on_thread(void *arg) {
  escrt_run(spawn_many, arg);
  return NULL;
}

// Two threads run a main goroutine each at the same time.
START_TEST(run_from_two_threads) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    ck_assert_int_eq(
        pthread_create(&t[i], NULL, run_on_thread, (void *)(intptr_t)5000), 0);
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  ck_assert_int_eq(atomic_load(&counts.ran), 10000);
}
END_TEST

START_TEST(gomaxprocs_from_environment) {
  const char *env = getenv("GOMAXPROCS");
  if (env != NULL)
    ck_assert_int_eq(escrt_gomaxprocs(), atoi(env));
  else
    ck_assert_int_ge(escrt_gomaxprocs(), 1);
}
END_TEST

static void sleep_long(void *arg) { escrt_sleep(10 * 1000000000LL); }

static void main_that_returns(void *arg) {
  escrt_go(sleep_long, NULL); // never waited for
  *(int *)arg = 42;
}

static void call_escrt_main(void *arg) { escrt_main(main_that_returns, arg); }

// escrt_main ends the program with status 0 when main returns, as Go does.
START_TEST(escrt_main_exits_zero) {
  fflush(stdout);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    static int seen;
    call_escrt_main(&seen);
    _exit(3); // escrt_main returned
  }
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

// ---------------------------------------------------------------------------
// Gosched, Sleep, parallelism
// ---------------------------------------------------------------------------

enum { TRACE = 200 };

static struct {
  char trace[TRACE + 1];
  _Atomic int n;
  escrt_waitgroup wg;
} yields;

static void yielder(void *arg) {
  char me = (char)(intptr_t)arg;
  for (int i = 0; i < TRACE / 2; i++) {
    yields.trace[atomic_fetch_add(&yields.n, 1)] = me;
    escrt_gosched();
  }
  escrt_waitgroup_done(&yields.wg);
}

static void two_yielders(void *arg) {
  escrt_waitgroup_add(&yields.wg, 2);
  escrt_go(yielder, (void *)(intptr_t)'a');
  escrt_go(yielder, (void *)(intptr_t)'b');
  escrt_waitgroup_wait(&yields.wg);
}

// With one P, two goroutines that yield after every step alternate.
START_TEST(gosched_alternates) {
  escrt_run(two_yielders, NULL);
  ck_assert_int_eq(atomic_load(&yields.n), TRACE);
  if (procs() != 1)
    return;
  for (int i = 2; i < TRACE; i++)
    ck_assert_msg(yields.trace[i] != yields.trace[i - 1],
                  "trace %.*s: no alternation at %d", TRACE, yields.trace, i);
}
END_TEST

static struct {
  _Atomic int flag[2];
  _Atomic long spins;
  escrt_waitgroup wg;
} spin;

// spinner raises its flag, then waits for the other's without yielding
// when two Ps run them (with one P it must yield).
static void spinner(void *arg) {
  int me = (int)(intptr_t)arg;
  atomic_store(&spin.flag[me], 1);
  while (atomic_load(&spin.flag[1 - me]) == 0) {
    atomic_fetch_add(&spin.spins, 1);
    if (escrt_gomaxprocs() == 1)
      escrt_gosched();
  }
  escrt_waitgroup_done(&spin.wg);
}

static void two_spinners(void *arg) {
  escrt_waitgroup_add(&spin.wg, 2);
  escrt_go(spinner, (void *)(intptr_t)0);
  escrt_go(spinner, (void *)(intptr_t)1);
  escrt_waitgroup_wait(&spin.wg);
}

// With two Ps, two goroutines run at the same time: each sees the other's
// flag while never yielding.
START_TEST(two_ps_run_in_parallel) {
  escrt_run(two_spinners, NULL);
  ck_assert_int_eq(spin.flag[0] + spin.flag[1], 2);
}
END_TEST

static struct {
  _Atomic int flag;
  _Atomic long calls;
  escrt_waitgroup wg;
} hog;

static NOINLINE void checked_call(void) {
  ESCRT_STACK_CHECK();
  atomic_fetch_add_explicit(&hog.calls, 1, memory_order_relaxed);
}

// hogger never blocks or yields: it calls a checked function until the
// flag is up.
static void hogger(void *arg) {
  while (atomic_load(&hog.flag) == 0)
    checked_call();
  escrt_waitgroup_done(&hog.wg);
}

static void flag_raiser(void *arg) {
  atomic_store(&hog.flag, 1);
  escrt_waitgroup_done(&hog.wg);
}

static void hog_main(void *arg) {
  escrt_waitgroup_add(&hog.wg, 2);
  escrt_go(hogger, NULL);
  escrt_sleep(1000000); // the hogger takes the P (with one P, for good)
  escrt_go(flag_raiser, NULL);
  escrt_waitgroup_wait(&hog.wg);
}

// A goroutine that never yields is preempted at its stack checks (sysmon,
// every 10 ms), so that others run: with one P, main could not wake from
// its sleep to start the flag's raiser otherwise.
START_TEST(busy_goroutine_is_preempted) {
  escrt_run(hog_main, NULL);
  ck_assert_int_eq(atomic_load(&hog.flag), 1);
}
END_TEST

static struct {
  int64_t slept[4];
  int order[3];
  _Atomic int n;
  escrt_waitgroup wg;
} sleeps;

static void sleeper(void *arg) {
  int ms = (int)(intptr_t)arg;
  escrt_sleep((int64_t)ms * 1000000);
  sleeps.order[atomic_fetch_add(&sleeps.n, 1)] = ms;
  escrt_waitgroup_done(&sleeps.wg);
}

static void sleep_main(void *arg) {
  int64_t t0 = nanotime();
  escrt_sleep(20 * 1000000);
  sleeps.slept[0] = nanotime() - t0;
  escrt_sleep(0);
  escrt_sleep(-5);
  escrt_waitgroup_add(&sleeps.wg, 3);
  escrt_go(sleeper, (void *)(intptr_t)110);
  escrt_go(sleeper, (void *)(intptr_t)10);
  escrt_go(sleeper, (void *)(intptr_t)60);
  escrt_waitgroup_wait(&sleeps.wg);
}

// Sleep lasts at least as long as asked; sleepers wake in order (50 ms
// apart, so that a loaded machine does not make two due at once, when two
// Ps may run them in either order).
START_TEST(sleep_wakes_in_order) {
  escrt_run(sleep_main, NULL);
  ck_assert_int_ge(sleeps.slept[0], 20 * 1000000);
  ck_assert_int_eq(sleeps.order[0], 10);
  ck_assert_int_eq(sleeps.order[1], 60);
  ck_assert_int_eq(sleeps.order[2], 110);
}
END_TEST

// ---------------------------------------------------------------------------
// The C library on the system stack
// ---------------------------------------------------------------------------

static int compare_ints(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

static struct {
  char text[256];
  int sorted[64];
  int resolved;
  uintptr_t stack_size[2];
  escrt_chan *c;
} libc;

static void call_libc(void *arg) {
  (void)arg;
  snprintf(libc.text, sizeof libc.text, "%s %d %.3f %lx", "printf", 42, 2.5,
           0xbeefUL);
  for (int i = 0; i < 64; i++)
    libc.sorted[i] = (i * 37) % 64;
  qsort(libc.sorted, 64, sizeof(int), compare_ints);
  struct addrinfo *res = NULL;
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  if (getaddrinfo("localhost", "80", &hints, &res) == 0 && res != NULL) {
    libc.resolved = 1;
    freeaddrinfo(res);
  }
}

static void libc_caller(void *arg) {
  (void)arg;
  escrt_systemstack(call_libc, NULL);
  libc.stack_size[0] = tls_g->sched.stk.hi - tls_g->sched.stk.lo;
  int v = 1;
  for (int i = 0; i < 1000; i++) {
    escrt_chan_send(libc.c, &v);
    escrt_chan_recv(libc.c, &v);
  }
  libc.stack_size[1] = tls_g->sched.stk.hi - tls_g->sched.stk.lo;
}

static void libc_main(void *arg) {
  libc.c = escrt_chan_make(sizeof(int), 1);
  escrt_go(libc_caller, arg);
  escrt_sleep(1000000);
  while (escrt_numgoroutine() > 1)
    escrt_sleep(1000000);
}

// printf, qsort and getaddrinfo run on the thread's stack; the goroutine
// that calls them, and does a thousand channel operations, stays at 2 KB.
START_TEST(libc_through_systemstack) {
  escrt_run(libc_main, NULL);
  ck_assert_str_eq(libc.text, "printf 42 2.500 beef");
  for (int i = 0; i < 64; i++)
    ck_assert_int_eq(libc.sorted[i], i);
  ck_assert_int_eq(libc.resolved, 1);
  ck_assert_uint_eq(libc.stack_size[0], STARTING_STACK);
  ck_assert_uint_eq(libc.stack_size[1], STARTING_STACK);
}
END_TEST

// ---------------------------------------------------------------------------
// Stack accounting
// ---------------------------------------------------------------------------

enum { WAVES = 100, WAVE = 1000 };

static struct { uint64_t inuse[3]; } churn;

static void churn_wave(void) {
  for (int w = 0; w < WAVES; w++) {
    escrt_waitgroup_add(&counts.wg, WAVE);
    for (int i = 0; i < WAVE; i++)
      escrt_go(count_one, (void *)(intptr_t)1);
    escrt_waitgroup_wait(&counts.wg);
  }
}

static void read_inuse(void *arg) { *(uint64_t *)arg = stack_inuse(); }

static void churn_main(void *arg) {
  (void)arg;
  escrt_systemstack(read_inuse, &churn.inuse[0]);
  churn_wave();
  escrt_systemstack(read_inuse, &churn.inuse[1]);
  churn_wave();
  escrt_systemstack(read_inuse, &churn.inuse[2]);
}

// 100,000 goroutines come and go, twice. What the first round leaves in use
// is bounded by the dead goroutines kept for reuse (Go's gFree lists) and
// the threads' stack caches; the second round reuses it, adding at most
// what one more P's worth of caches holds (with two Ps, which M frees a
// stack into varies from run to run). A leak of one stack in a hundred
// would add 1,000 stacks a round.
START_TEST(hundred_thousand_goroutines_leave_nothing) {
  escrt_run(churn_main, NULL);
  ck_assert_int_eq(atomic_load(&counts.ran), 2 * WAVES * WAVE);
  ck_assert_int_eq(goroutines_after_exit(), 0);
  // Per P: 64 dead Gs; per thread, a stackcache of up to 32 KB per order,
  // whose spans are 32 KB; globally 4096 dead Gs.
  uint64_t caches = (uint64_t)64 * procs() * STARTING_STACK +
                    (uint64_t)(procs() + 2) * 2 * STACK_CACHE_SIZE;
  uint64_t bound = (uint64_t)4096 * STARTING_STACK + caches;
  uint64_t kept = churn.inuse[1] - churn.inuse[0];
  ck_assert_msg(kept <= bound, "%lu bytes of stack kept, more than %lu",
                (unsigned long)kept, (unsigned long)bound);
  ck_assert_msg(churn.inuse[2] <= churn.inuse[1] + caches,
                "stack in use grew from %lu to %lu bytes in the second round",
                (unsigned long)churn.inuse[1], (unsigned long)churn.inuse[2]);
}
END_TEST

// ---------------------------------------------------------------------------
// Fatal errors
// ---------------------------------------------------------------------------

static void recv_forever(void *arg) {
  escrt_chan *c = escrt_chan_make(sizeof(int), 0);
  int v;
  escrt_chan_recv(c, &v);
}

static void run_recv_forever(void *arg) { escrt_run(recv_forever, arg); }

START_TEST(deadlock_main_alone) {
  expect_fatal(run_recv_forever, NULL,
               "fatal error: all goroutines are asleep - deadlock!\n");
}
END_TEST

static escrt_chan *never;

static void block_on_never(void *arg) {
  int v;
  escrt_chan_recv(never, &v);
}

static void many_blocked(void *arg) {
  never = escrt_chan_make(sizeof(int), 0);
  for (int i = 0; i < 100; i++)
    escrt_go(block_on_never, NULL);
  escrt_sleep(5000000); // the deadlock comes after this sleep, not during it
  block_on_never(NULL);
}

static void run_many_blocked(void *arg) { escrt_run(many_blocked, arg); }

START_TEST(deadlock_after_sleep_with_many_blocked) {
  expect_fatal(run_many_blocked, NULL,
               "fatal error: all goroutines are asleep - deadlock!\n");
}
END_TEST

static void slow_syscall(void *arg) { usleep(50000); }

static void syscall_then_send(void *arg) {
  escrt_systemstack(slow_syscall, NULL);
  int v = 7;
  escrt_chan_send(never, &v);
}

static struct { int got; } sys;

static void wait_for_syscall(void *arg) {
  never = escrt_chan_make(sizeof(int), 0);
  escrt_go(syscall_then_send, NULL);
  escrt_chan_recv(never, &sys.got);
}

// A goroutine in a system call is not asleep: no deadlock is reported
// while main waits for it.
START_TEST(no_deadlock_during_syscall) {
  escrt_run(wait_for_syscall, NULL);
  ck_assert_int_eq(sys.got, 7);
}
END_TEST

static void clobber_guard(void *arg) {
  *(uintptr_t *)tls_g->sched.stk.lo = 0;
  escrt_gosched();
}

static void run_clobber_guard(void *arg) { escrt_run(clobber_guard, arg); }

START_TEST(clobbered_guard_word_stops) {
  expect_fatal(run_clobber_guard, NULL,
               "fatal error: goroutine stack overflow: the guard word at the "
               "stack's end was overwritten\n");
}
END_TEST

static void go_nil(void *arg) { escrt_go(NULL, NULL); }

static void run_go_nil(void *arg) { escrt_run(go_nil, arg); }

START_TEST(go_of_nil_func_panics) {
  expect_fatal(run_go_nil, NULL,
               "panic: go of nil func value\n\ngoroutine 1 [running]:\n");
}
END_TEST

static void block_outside(void *arg) {
  escrt_chan *c = escrt_chan_make(sizeof(int), 0);
  int v;
  escrt_chan_recv(c, &v);
}

START_TEST(blocking_outside_goroutine_stops) {
  expect_fatal(
      block_outside, NULL,
      "fatal error: blocking operation outside a goroutine (use escrt_run)\n");
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("proc");
  suite_add_test(s, "every-goroutine-runs", every_goroutine_runs, 60);
  suite_add_test(s, "run-twice", run_twice, 30);
  suite_add_test(s, "run-from-two-threads", run_from_two_threads, 60);
  suite_add_test(s, "gomaxprocs-from-environment", gomaxprocs_from_environment,
                 30);
  suite_add_test(s, "escrt-main-exits-zero", escrt_main_exits_zero, 30);
  suite_add_test(s, "gosched-alternates", gosched_alternates, 30);
  suite_add_test(s, "two-ps-run-in-parallel", two_ps_run_in_parallel, 30);
  suite_add_test(s, "sleep-wakes-in-order", sleep_wakes_in_order, 30);
  suite_add_test(s, "busy-goroutine-is-preempted", busy_goroutine_is_preempted,
                 30);
  suite_add_test(s, "libc-through-systemstack", libc_through_systemstack, 30);
  suite_add_test(s, "hundred-thousand-goroutines-leave-nothing",
                 hundred_thousand_goroutines_leave_nothing, 120);
  suite_add_test(s, "deadlock-main-alone", deadlock_main_alone, 30);
  suite_add_test(s, "deadlock-after-sleep-with-many-blocked",
                 deadlock_after_sleep_with_many_blocked, 30);
  suite_add_test(s, "no-deadlock-during-syscall", no_deadlock_during_syscall,
                 30);
  suite_add_test(s, "clobbered-guard-word-stops", clobbered_guard_word_stops,
                 30);
  suite_add_test(s, "go-of-nil-func-panics", go_of_nil_func_panics, 30);
  suite_add_test(s, "blocking-outside-goroutine-stops",
                 blocking_outside_goroutine_stops, 30);
  return suite_main(s, argc, argv);
}

// check_goblock: goroutines from clang Blocks (runtime/goblock.c).
//
// Built by clang with -fblocks, whatever compiles the rest
// (tests/runtime/CMakeLists.txt), and run with GOMAXPROCS 1 and 2. Each
// test runs a block as the main goroutine (escrt_run_block) that starts
// goroutine blocks: captures by value and __block captures by reference,
// a block per turn of a loop capturing the loop variable, goroutine blocks
// that start goroutine blocks, channels, select with a timeout made of a
// sleeping block, and the collector: an object (or a slice's backing
// array) whose only pointer is a goroutine block's capture lives through
// collections while the goroutine is blocked, and is freed once the
// goroutine has returned. As in
// goroutines.h, code on goroutines records and the test asserts after
// escrt_run_block returns; every block starts with ESCRT_STACK_CHECK(), as
// escape-cc would write it.
#include "goroutines.h"

#include "escape/gc.h"
#include "escape/slice.h"

#include <check.h>
#include <stdint.h>

static escrt_waitgroup wg;
static escrt_mutex mu;

// Captured values are the ones the block literal saw: a later assignment
// to the variable does not reach the goroutine.
START_TEST(capture_by_value) {
  static long got;
  static int target = 7;
  escrt_run_block(^{
    ESCRT_STACK_CHECK();
    long a = 40;
    int *p = &target;
    escrt_waitgroup_add(&wg, 1);
    escrt_go_block(^{
      ESCRT_STACK_CHECK();
      got = a + *p;
      escrt_waitgroup_done(&wg);
    });
    a = 0;
    p = NULL;
    escrt_waitgroup_wait(&wg);
    check_eq("a and p after the goroutine", 0, a + (p == NULL), 1);
  });
  assert_no_failures();
  ck_assert_int_eq(got, 47);
}
END_TEST

// A __block variable is shared: ten goroutines add to it under a mutex,
// and the main block reads their sum after the waitgroup's wait, through
// the same variable.
START_TEST(byref_shared) {
  static long got;
  escrt_run_block(^{
    ESCRT_STACK_CHECK();
    __block long sum = 0;
    escrt_waitgroup_add(&wg, 10);
    for (int i = 1; i <= 10; i++)
      escrt_go_block(^{
        ESCRT_STACK_CHECK();
        escrt_mutex_lock(&mu);
        sum += i;
        escrt_mutex_unlock(&mu);
        escrt_waitgroup_done(&wg);
      });
    escrt_waitgroup_wait(&wg);
    got = sum;
  });
  assert_no_failures();
  ck_assert_int_eq(got, 55);
}
END_TEST

// Each turn of a loop makes a block that captures that turn's i.
START_TEST(loop_variable) {
  enum { N = 1000 };
  static long slots[N];
  escrt_run_block(^{
    ESCRT_STACK_CHECK();
    escrt_waitgroup_add(&wg, N);
    for (int i = 0; i < N; i++)
      escrt_go_block(^{
        ESCRT_STACK_CHECK();
        slots[i] += (long)i * i + 1;
        escrt_waitgroup_done(&wg);
      });
    escrt_waitgroup_wait(&wg);
  });
  for (int i = 0; i < N; i++)
    ck_assert_msg(slots[i] == (long)i * i + 1, "slots[%d] = %ld", i, slots[i]);
}
END_TEST

// Goroutine blocks start goroutine blocks that capture their creator's
// captures and their own loop variable; a __block waitgroup is shared
// through both levels.
START_TEST(nested_blocks) {
  enum { N = 8 };
  static long grid[N][N];
  escrt_run_block(^{
    ESCRT_STACK_CHECK();
    __block escrt_waitgroup all = {0};
    escrt_waitgroup_add(&all, N * N);
    for (int i = 0; i < N; i++)
      escrt_go_block(^{
        ESCRT_STACK_CHECK();
        for (int j = 0; j < N; j++)
          escrt_go_block(^{
            ESCRT_STACK_CHECK();
            grid[i][j] += i * 100 + j + 1;
            escrt_waitgroup_done(&all);
          });
      });
    escrt_waitgroup_wait(&all);
  });
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      ck_assert_msg(grid[i][j] == i * 100 + j + 1, "grid[%d][%d] = %ld", i, j,
                    grid[i][j]);
}
END_TEST

// Producers send on an unbuffered channel; the last one to finish closes
// it; the main block receives until the channel is closed and drained.
START_TEST(channels) {
  enum { PRODUCERS = 16, EACH = 100 };
  static long sum, count;
  escrt_run_block(^{
    ESCRT_STACK_CHECK();
    escrt_chan *c = escrt_chan_make(sizeof(long), 0);
    __block int left = PRODUCERS;
    for (int p = 0; p < PRODUCERS; p++)
      escrt_go_block(^{
        ESCRT_STACK_CHECK();
        for (long k = 0; k < EACH; k++) {
          long v = p * EACH + k;
          escrt_chan_send(c, &v);
        }
        escrt_mutex_lock(&mu);
        bool last = --left == 0;
        escrt_mutex_unlock(&mu);
        if (last)
          escrt_chan_close(c);
      });
    long v;
    while (escrt_chan_recv(c, &v)) {
      sum += v;
      count++;
    }
  });
  assert_no_failures();
  ck_assert_int_eq(count, PRODUCERS * EACH);
  ck_assert_int_eq(sum, (long)PRODUCERS * EACH * (PRODUCERS * EACH - 1) / 2);
}
END_TEST

// after returns a channel that receives a byte once ns have passed (Go's
// time.After): a block that sleeps, then sends.
static escrt_chan *after(int64_t ns) {
  ESCRT_STACK_CHECK();
  escrt_chan *c = escrt_chan_make(1, 1);
  escrt_go_block(^{
    ESCRT_STACK_CHECK();
    escrt_sleep(ns);
    char tick = 1;
    escrt_chan_send(c, &tick);
  });
  return c;
}

// A select whose data never comes takes the timeout; one whose data comes
// first takes the data, with its value.
START_TEST(select_with_timeout) {
  static int timed_out, got_data;
  static long value;
  escrt_run_block(^{
    ESCRT_STACK_CHECK();
    escrt_chan *never = escrt_chan_make(sizeof(long), 0);
    escrt_select_case cases[2] = {
        {never, ESCRT_SELECT_RECV, &value, false},
        {after(10 * 1000 * 1000), ESCRT_SELECT_RECV, NULL, false},
    };
    timed_out = escrt_select(cases, 2, true);

    escrt_chan *data = escrt_chan_make(sizeof(long), 0);
    escrt_go_block(^{
      ESCRT_STACK_CHECK();
      long v = 42;
      escrt_chan_send(data, &v);
    });
    cases[0].chan = data;
    cases[1].chan = after(10LL * 1000 * 1000 * 1000);
    got_data = escrt_select(cases, 2, true);
  });
  ck_assert_int_eq(timed_out, 1);
  ck_assert_int_eq(got_data, 0);
  ck_assert_int_eq(value, 42);
}
END_TEST

// ---------------------------------------------------------------------------
// The collector
// ---------------------------------------------------------------------------

enum { OBJ_BYTES = 1 << 20 };

static uint64_t heap_live(void) {
  ESCRT_STACK_CHECK();
  escrt_gcstats st;
  escrt_read_gcstats(&st);
  return st.heap_live;
}

static long checksum(const long *v) {
  ESCRT_STACK_CHECK();
  unsigned long sum = 0;
  for (size_t i = 0; i < OBJ_BYTES / sizeof(long); i++)
    sum = sum * 31 + (unsigned long)v[i];
  return (long)sum;
}

static void fill(long *v, long seed) {
  ESCRT_STACK_CHECK();
  for (size_t i = 0; i < OBJ_BYTES / sizeof(long); i++)
    v[i] = seed + (long)i;
}

// A collected object of 1 MB whose only pointer is what a goroutine block
// captured survives three collections (and a garbage object allocated
// after them, which would take its memory if it had been freed)
// while the goroutine waits on a channel; then the goroutine reads it
// intact. The object is made by a goroutine that has returned, so no
// other stack holds its address; once the reader has returned too, a
// collection frees it: the live heap, which shows it alive, would show it
// dead. With as_slice, the object is a slice's backing array (Go's
// make([]int64, n)) and the block captures the slice's header.
typedef ESCRT_SLICE(long) long_slice;

static void gc_keeps(bool as_slice) {
  static long want, got;
  static uint64_t live_while_blocked, live_after;
  escrt_run_block(^{
    ESCRT_STACK_CHECK();
    escrt_chan *go = escrt_chan_make(1, 0);
    escrt_chan *done = escrt_chan_make(sizeof(long), 0);
    escrt_go_block(^{
      ESCRT_STACK_CHECK();
      long_slice s = as_slice ? escrt_make(long_slice, OBJ_BYTES / sizeof(long))
                              : escrt_nil(long_slice);
      long *obj = as_slice ? s.array : escrt_new_noscan(OBJ_BYTES);
      fill(obj, 12345);
      want = checksum(obj);
      if (as_slice)
        obj = NULL; // only the slice's header holds the array
      escrt_go_block(^{
        ESCRT_STACK_CHECK();
        escrt_chan_recv(go, NULL);
        long sum = checksum(as_slice ? &escrt_at(s, 0) : obj);
        escrt_chan_send(done, &sum);
      });
    });
    await_queued(go, false, 1);
    while (escrt_numgoroutine() > 2) // the maker is on its way out
      escrt_gosched();
    for (int i = 0; i < 3; i++)
      escrt_gc();
    live_while_blocked = heap_live();
    escrt_waitgroup_add(&wg, 1);
    escrt_go_block(^{
      ESCRT_STACK_CHECK();
      long *garbage = escrt_new_noscan(3 * OBJ_BYTES);
      fill(garbage, -1);
      escrt_waitgroup_done(&wg);
    });
    escrt_waitgroup_wait(&wg);
    char tick = 1;
    escrt_chan_send(go, &tick);
    escrt_chan_recv(done, &got);
    while (escrt_numgoroutine() > 1)
      escrt_gosched();
    escrt_gc();
    live_after = heap_live();
  });
  assert_no_failures();
  ck_assert_uint_ge(live_while_blocked, OBJ_BYTES);
  ck_assert_int_eq(got, want);
  // The object is gone. The collector is conservative: a stale word on a
  // reused stack (the portable switch leaves them) may keep the garbage's
  // 3 MB, which is then not counted.
  uint64_t rest =
      live_after >= 3 * OBJ_BYTES ? live_after - 3 * OBJ_BYTES : live_after;
  ck_assert_uint_lt(rest, OBJ_BYTES);
}

START_TEST(gc_keeps_captures) { gc_keeps(false); }
END_TEST

// A slice held only by a closure survives collections.
START_TEST(gc_keeps_captured_slice) { gc_keeps(true); }
END_TEST

// A nil block is Go's nil func value.
static void go_nil(void *arg) {
  (void)arg;
  escrt_go_block(NULL);
}

START_TEST(go_of_nil_block_panics) {
  expect_fatal_run(go_nil, NULL,
                   "panic: go of nil func value\n\ngoroutine 1 [running]:\n");
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("goblock");
  suite_add_test(s, "capture-by-value", capture_by_value, 30);
  suite_add_test(s, "byref-shared", byref_shared, 30);
  suite_add_test(s, "loop-variable", loop_variable, 30);
  suite_add_test(s, "nested-blocks", nested_blocks, 30);
  suite_add_test(s, "channels", channels, 30);
  suite_add_test(s, "select-with-timeout", select_with_timeout, 30);
  suite_add_test(s, "gc-keeps-captures", gc_keeps_captures, 60);
  suite_add_test(s, "gc-keeps-captured-slice", gc_keeps_captured_slice, 60);
  suite_add_test(s, "go-of-nil-block-panics", go_of_nil_block_panics, 30);
  return suite_main(s, argc, argv);
}

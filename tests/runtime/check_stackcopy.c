// check_stackcopy: growing and shrinking goroutine stacks by copying
// (runtime/stackcopy.c).
//
// A goroutine recurses to 1,000,000 frames; every frame holds locals that
// deeper frames and other locals of its own point at. Each frame checks its
// caller's frame through those pointers; whenever the stack has moved (it
// grew), the deepest frame walks the whole chain back to the root and
// checks every pointer and value; and after the recursion returns and the
// goroutine yields, the stack has shrunk back and the root's pointers are
// checked again. Other tests grow several goroutines at once, reserve a
// large region at once, carry pointers to stack locals across a channel
// handoff and a growth, and stop at the stack limit with Go's message.
#include "runtime.h"

#include "harness.h"

#include "escape/go.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static uintptr_t stack_size(void) {
  return tls_g->sched.stk.hi - tls_g->sched.stk.lo;
}

// ---------------------------------------------------------------------------
// A million frames
// ---------------------------------------------------------------------------

// frame is one level of the recursion: its depth, its caller's frame, a
// pointer to one of its own locals, and a buffer touched at each level.
typedef struct frame {
  long depth;
  struct frame *up;
  long *self; // &value
  long value;
  char buf[32];
} frame;

typedef struct chain {
  long max;          // deepest level
  long errors;       // pointers or values found wrong
  long grows;        // times the stack was seen to have moved
  long walks;        // full-chain checks
  uintptr_t lo;      // the stack's lowest address as last seen
  uintptr_t largest; // the largest stack seen
  uintptr_t after;   // the stack's size once the recursion is over
  uintptr_t start;   // the stack's size at the start
} chain;

static long value_at(long depth) { return depth * 7919 + 13; }

static bool frame_ok(const frame *f, long depth) {
  return f->depth == depth && f->self == &f->value &&
         *f->self == value_at(depth) && f->buf[depth % 32] == (char)depth;
}

// walk checks every frame from f back to the root.
static void walk(chain *c, const frame *f) {
  c->walks++;
  for (long d = f->depth; f != NULL; f = f->up, d--)
    if (!frame_ok(f, d))
      c->errors++;
}

static long recurse(chain *c, frame *up, long depth) {
  ESCRT_STACK_CHECK();
  frame f;
  f.depth = depth;
  f.up = up;
  f.value = value_at(depth);
  f.self = &f.value;
  memset(f.buf, 0, sizeof f.buf);
  f.buf[depth % 32] = (char)depth;
  if (up != NULL && !frame_ok(up, depth - 1))
    c->errors++;
  if (tls_g->sched.stk.lo != c->lo) { // moved: check everything
    c->lo = tls_g->sched.stk.lo;
    c->grows++;
    if (stack_size() > c->largest)
      c->largest = stack_size();
    walk(c, &f);
  }
  long sum = depth == c->max ? 0 : recurse(c, &f, depth + 1);
  if (!frame_ok(&f, depth) || (up != NULL && f.up != up))
    c->errors++;
  return sum + 1;
}

static chain deep;

static void deep_main(void *arg) {
  (void)arg;
  deep.start = stack_size();
  deep.lo = tls_g->sched.stk.lo;
  frame root = {.depth = -1, .value = value_at(-1)};
  root.self = &root.value;
  root.buf[31] = (char)-1;
  long n = recurse(&deep, &root, 0);
  if (n != deep.max + 1 || !frame_ok(&root, -1))
    deep.errors++;
  escrt_gosched(); // the stack shrinks when the goroutine resumes
  deep.after = stack_size();
  if (!frame_ok(&root, -1) || root.self != &root.value)
    deep.errors++;
}

// A million frames: the stack grows by doubling to hold them, every
// pointer into it stays right through every move, and it shrinks back.
START_TEST(million_frames_with_live_pointers) {
  deep.max = 1000000 - 1;
  escrt_run(deep_main, NULL);
  ck_assert_int_eq(deep.errors, 0);
  ck_assert_uint_eq(deep.start, STARTING_STACK);
  // Each doubling from the starting size to the largest is a move seen.
  ck_assert_int_ge(deep.grows, __builtin_ctzl((unsigned long)(deep.largest /
                                                              STARTING_STACK)));
  ck_assert_int_eq(deep.walks, deep.grows);
  ck_assert_uint_ge(deep.largest, 1000000 * sizeof(frame));
  ck_assert_msg(deep.after <= 8 * STARTING_STACK,
                "the stack is %lu bytes after the recursion returned",
                (unsigned long)deep.after);
}
END_TEST

// ---------------------------------------------------------------------------
// Several goroutines growing at once
// ---------------------------------------------------------------------------

enum { GROWERS = 8 };

static struct {
  chain c[GROWERS];
  escrt_waitgroup wg;
} many;

static void grower(void *arg) {
  chain *c = arg;
  c->lo = tls_g->sched.stk.lo;
  frame root = {.depth = -1, .value = value_at(-1)};
  root.self = &root.value;
  root.buf[31] = (char)-1;
  for (int round = 0; round < 3; round++) {
    if (recurse(c, &root, 0) != c->max + 1)
      c->errors++;
    escrt_gosched();
  }
  if (!frame_ok(&root, -1))
    c->errors++;
  escrt_waitgroup_done(&many.wg);
}

static void growers_main(void *arg) {
  escrt_waitgroup_add(&many.wg, GROWERS);
  for (int i = 0; i < GROWERS; i++) {
    many.c[i].max = 5000 + 3000 * i;
    escrt_go(grower, &many.c[i]);
  }
  escrt_waitgroup_wait(&many.wg);
}

// Eight goroutines recurse, return and yield three times each, on one or
// two Ps: their stacks grow, shrink and grow again independently.
START_TEST(goroutines_grow_and_shrink_together) {
  escrt_run(growers_main, NULL);
  for (int i = 0; i < GROWERS; i++) {
    ck_assert_msg(many.c[i].errors == 0, "goroutine %d: %ld errors", i,
                  many.c[i].errors);
    ck_assert_int_ge(many.c[i].grows, 3);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// Reserving, and pointers across a handoff
// ---------------------------------------------------------------------------

static struct {
  uintptr_t before, after;
  long sum;
  long got;
  escrt_chan *c;
} reserve;

// big_frame's frame is allocated before any check in it could run: its
// caller reserves the room.
static NOINLINE void big_frame(void) {
  char buf[100000];
  memset(buf, 1, sizeof buf);
  for (size_t i = 0; i < sizeof buf; i += 4096)
    reserve.sum += buf[i];
}

static void reserve_main(void *arg) {
  reserve.before = stack_size();
  ESCRT_STACK_RESERVE(100000 + ESCRT_STACK_SMALL);
  big_frame();
  reserve.after = stack_size();
}

// ESCRT_STACK_RESERVE grows the stack once, far enough for a 100 KB frame.
START_TEST(reserve_grows_for_a_large_frame) {
  escrt_run(reserve_main, NULL);
  ck_assert_uint_eq(reserve.before, STARTING_STACK);
  ck_assert_uint_ge(reserve.after, 128 * 1024);
  ck_assert_int_eq(reserve.sum, 25);
}
END_TEST

static long grow_by(long n) {
  ESCRT_STACK_CHECK();
  volatile char pad[64];
  pad[n % 64] = 1;
  return n == 0 ? 0 : grow_by(n - 1) + pad[n % 64];
}

// A reserve that lands on a preemption request yields; the goroutine's
// stack may be halved as it resumes (it uses little of it), so the room
// must be checked again: without that, frame_16k wrote through the guard
// word into the stacks below (seen as check_gc's rare "guard word was
// overwritten" in survives-deep-goroutine-frame, whose scrub does this
// under a 10 ms preemption).
static struct {
  uintptr_t grown, after;
  long sum;
} preempted;

static NOINLINE void frame_16k(void) {
  char buf[16384];
  memset(buf, 1, sizeof buf);
  for (size_t i = 0; i < sizeof buf; i += 1024)
    preempted.sum += buf[i];
}

static void preempted_reserve_main(void *arg) {
  (void)arg;
  grow_by(3000); // the stack grows, and the frames are gone again
  preempted.grown = stack_size();
  escrt_stackguard = UINTPTR_MAX; // sysmon's request (STACK_PREEMPT)
  ESCRT_STACK_RESERVE(16384 + ESCRT_STACK_SMALL);
  frame_16k();
  preempted.after = stack_size();
}

START_TEST(reserve_survives_preemption_and_shrink) {
  escrt_run(preempted_reserve_main, NULL);
  ck_assert_uint_ge(preempted.grown, 128 * 1024);
  ck_assert_uint_ge(preempted.after, 32 * 1024);
  ck_assert_int_eq(preempted.sum, 16);
}
END_TEST

static void receiver(void *arg) {
  long v;
  escrt_chan_recv(reserve.c, &v);
  reserve.got = v;
}

static void handoff_main(void *arg) {
  reserve.c = escrt_chan_make(sizeof(long), 0);
  escrt_go(receiver, NULL);
  long local = 1234;
  long *p = &local; // a pointer into this stack, across the growth
  grow_by(20000);
  *p += 1;
  escrt_chan_send(reserve.c, p); // the value is copied out, not the pointer
  while (escrt_numgoroutine() > 1)
    escrt_gosched();
}

// A local reached through a pointer held across a growth, sent by value.
START_TEST(pointer_to_local_survives_growth) {
  escrt_run(handoff_main, NULL);
  ck_assert_int_eq(reserve.got, 1235);
}
END_TEST

// ---------------------------------------------------------------------------
// The limit
// ---------------------------------------------------------------------------

static volatile long forever_depth = -1; // never reached: no end

static long forever(long n) {
  ESCRT_STACK_CHECK();
  volatile char pad[256];
  pad[n % 256] = 1;
  if (n == forever_depth)
    return 0;
  return forever(n + 1) + pad[n % 256];
}

static void overflow_main(void *arg) {
  escrt_set_max_stack(1 << 20);
  forever(0);
}

static void run_overflow(void *arg) { escrt_run(overflow_main, arg); }

START_TEST(limit_stops_with_go_message) {
  expect_fatal(run_overflow, NULL,
               "runtime: goroutine stack exceeds 1048576-byte limit\n"
               "fatal error: stack overflow\n");
}
END_TEST

START_TEST(max_stack_default_is_go_s) {
  size_t old = escrt_set_max_stack(12345);
  ck_assert_uint_eq(old, 1000000000);
  ck_assert_uint_eq(escrt_set_max_stack(old), 12345);
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("stackcopy");
  suite_add_test(s, "million-frames-with-live-pointers",
                 million_frames_with_live_pointers, 300);
  suite_add_test(s, "goroutines-grow-and-shrink-together",
                 goroutines_grow_and_shrink_together, 120);
  suite_add_test(s, "reserve-grows-for-a-large-frame",
                 reserve_grows_for_a_large_frame, 30);
  suite_add_test(s, "reserve-survives-preemption-and-shrink",
                 reserve_survives_preemption_and_shrink, 30);
  suite_add_test(s, "pointer-to-local-survives-growth",
                 pointer_to_local_survives_growth, 30);
  suite_add_test(s, "limit-stops-with-go-message", limit_stops_with_go_message,
                 60);
  suite_add_test(s, "max-stack-default-is-go-s", max_stack_default_is_go_s, 30);
  return suite_main(s, argc, argv);
}

// check_gobuf: execution contexts (runtime/gobuf.c, runtime/asm_amd64.S).
//
// The switch the goroutine scheduler will be built on: contexts on stacks
// from stackalloc, switched to and from the thread's own stack and between
// each other. The tests check that control goes where it should, in order,
// many times; that each context keeps its own floating-point control state
// (the callee-saved MXCSR) across switches; that a context may use its whole
// stack; and that a context function returning stops the program. The suite
// runs under AddressSanitizer, which reports any switch it was not told of.
#include "runtime.h"

#include "harness.h"

#include <check.h>
#include <fenv.h>
#include <stdint.h>
#include <string.h>

static gobuf main_ctx;

// ---------------------------------------------------------------------------
// Ping-pong
// ---------------------------------------------------------------------------

typedef struct pingpong {
  gobuf ctx;
  long rounds;   // switches to make
  long seen;     // the context's count
  long expected; // what the main side expects next
  int failures;
} pingpong;

static void pong(void *arg) {
  pingpong *pp = arg;
  for (;;) {
    if (pp->seen++ != pp->expected)
      pp->failures++;
    gobuf_switch(&pp->ctx, &main_ctx);
  }
}

START_TEST(ping_pong_100000) {
  pingpong pp = {.rounds = 100000};
  stack stk = stackalloc(16 << 10);
  gobuf_init(&pp.ctx, stk, pong, &pp);
  for (long i = 0; i < pp.rounds; i++) {
    pp.expected = i;
    gobuf_switch(&main_ctx, &pp.ctx);
    ck_assert_msg(pp.seen == i + 1, "round %ld: the context counted %ld", i,
                  pp.seen);
  }
  ck_assert_int_eq(pp.failures, 0);
  stackfree(stk);
}
END_TEST

// ---------------------------------------------------------------------------
// A ring of contexts
// ---------------------------------------------------------------------------

enum { RING = 8, LAPS = 1000 };

typedef struct ring {
  gobuf ctx[RING];
  int trace[RING * LAPS];
  int n;
} ring;

static ring the_ring;

static void ring_member(void *arg) {
  int me = (int)(intptr_t)arg;
  for (;;) {
    the_ring.trace[the_ring.n++] = me;
    gobuf *next = me + 1 < RING ? &the_ring.ctx[me + 1] : &main_ctx;
    gobuf_switch(&the_ring.ctx[me], next);
  }
}

// Control passes 0, 1, ..., 7 and back to the thread, a thousand times.
START_TEST(ring_of_eight_in_order) {
  stack stk[RING];
  for (int i = 0; i < RING; i++) {
    stk[i] = stackalloc(FIXED_STACK << (i % 4));
    gobuf_init(&the_ring.ctx[i], stk[i], ring_member, (void *)(intptr_t)i);
  }
  for (int lap = 0; lap < LAPS; lap++)
    gobuf_switch(&main_ctx, &the_ring.ctx[0]);
  ck_assert_int_eq(the_ring.n, RING * LAPS);
  for (int i = 0; i < RING * LAPS; i++)
    ck_assert_msg(the_ring.trace[i] == i % RING, "step %d ran context %d", i,
                  the_ring.trace[i]);
  for (int i = 0; i < RING; i++)
    stackfree(stk[i]);
}
END_TEST

// ---------------------------------------------------------------------------
// Per-context floating-point state
// ---------------------------------------------------------------------------

static gobuf fp_ctx;
static int fp_round_seen[3];

static void fp_member(void *arg) {
  fp_round_seen[0] = fegetround(); // a new context starts at the default
  fesetround(FE_DOWNWARD);
  gobuf_switch(&fp_ctx, &main_ctx);
  fp_round_seen[1] = fegetround(); // its own mode survived the switches
  gobuf_switch(&fp_ctx, &main_ctx);
  for (;;)
    gobuf_switch(&fp_ctx, &main_ctx);
}

START_TEST(rounding_mode_is_per_context) {
  stack stk = stackalloc(8 << 10);
  gobuf_init(&fp_ctx, stk, fp_member, NULL);
  fesetround(FE_UPWARD);
  gobuf_switch(&main_ctx, &fp_ctx);
  ck_assert_msg(fegetround() == FE_UPWARD, "the thread's mode changed");
  gobuf_switch(&main_ctx, &fp_ctx);
  fesetround(FE_TONEAREST);
  ck_assert_msg(fp_round_seen[0] == FE_TONEAREST,
                "a new context started in mode %d", fp_round_seen[0]);
  ck_assert_msg(fp_round_seen[1] == FE_DOWNWARD, "the context's mode became %d",
                fp_round_seen[1]);
  stackfree(stk);
}
END_TEST

// ---------------------------------------------------------------------------
// Using the whole stack
// ---------------------------------------------------------------------------

static gobuf deep_ctx;
static long deep_result;

// depth recurses n frames, each with a local array the next frame points
// into, and checks every value on the way back.
static long depth(long n, volatile long *above) {
  volatile long local[8];
  for (int i = 0; i < 8; i++)
    local[i] = n * 8 + i;
  long below = n > 0 ? depth(n - 1, local) : 0;
  for (int i = 0; i < 8; i++)
    if (local[i] != n * 8 + i)
      return -1;
  if (above != NULL && above[0] != (n + 1) * 8)
    return -1;
  return below < 0 ? -1 : below + 1;
}

static void deep_member(void *arg) {
  deep_result = depth((long)(intptr_t)arg, NULL);
  for (;;)
    gobuf_switch(&deep_ctx, &main_ctx);
}

// 1 MB of stack, filled by a recursion of thousands of frames.
START_TEST(deep_recursion_on_a_large_stack) {
  stack stk = stackalloc(1 << 20);
  gobuf_init(&deep_ctx, stk, deep_member, (void *)(intptr_t)5000);
  gobuf_switch(&main_ctx, &deep_ctx);
  ck_assert_msg(deep_result == 5001, "depth returned %ld", deep_result);
  stackfree(stk);
}
END_TEST

// ---------------------------------------------------------------------------
// A context function that returns
// ---------------------------------------------------------------------------

static void returns(void *arg) { (void)arg; }

static void run_returning_context(void *arg) {
  static gobuf ctx;
  gobuf_init(&ctx, stackalloc(8 << 10), returns, NULL);
  gobuf_switch(&main_ctx, &ctx);
}

START_TEST(function_return_is_fatal) {
  expect_fatal(run_returning_context, NULL,
               "fatal error: runtime: context function returned\n");
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("gobuf");
  suite_add_test(s, "ping-pong-100000", ping_pong_100000, 60);
  suite_add_test(s, "ring-of-eight-in-order", ring_of_eight_in_order, 60);
  suite_add_test(s, "rounding-mode-is-per-context",
                 rounding_mode_is_per_context, 60);
  suite_add_test(s, "deep-recursion-on-a-large-stack",
                 deep_recursion_on_a_large_stack, 60);
  suite_add_test(s, "function-return-is-fatal", function_return_is_fatal, 60);
  return suite_main(s, argc, argv);
}

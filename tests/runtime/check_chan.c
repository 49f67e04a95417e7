// check_chan: channels (runtime/chan.c).
//
// The Go specification's rules for channels, case by case, as Go's
// chan_test.go checks them: values arrive in the order they were sent,
// from one sender or several, through an unbuffered channel and buffers of
// 1, 3 and 100; blocked senders and receivers are served first come, first
// served; len and cap (0 and 0 for a nil channel); a receive reports
// whether it got a value (ok); a closed channel gives its buffered values,
// then zero values with ok false as often as asked, and close wakes every
// blocked receiver; a receive may drop its value. Elements of 1, 8, 24 and
// 1000 bytes are copied, not shared, and elements of no bytes (chan
// struct{}) are counted. Values go to and from locals of a goroutine whose
// stack grows and shrinks between its operations. A thousand producers
// feed ten consumers, and channels are freed.
//
// Misuse stops the program in a child with Go's words: a send on a closed
// channel (also one blocked when the channel closes), a close of a closed
// or nil channel, a buffer or an element too large; a nil channel blocks
// forever, which is a deadlock when nothing else can run.
//
// Operations that cannot block run on the test's own thread; the others in
// goroutines, which record what they see (goroutines.h).
#include "goroutines.h"

#include <check.h>
#include <stdint.h>

// The capacities of Go's TestChan that matter: unbuffered, a buffer of
// one, a small ring that wraps, and a large one.
static const size_t caps[] = {0, 1, 3, 100};
#define NCAPS (sizeof caps / sizeof caps[0])

enum { VALUES = 1000 };

// triple is a 24-byte element, to check that all of it is copied and
// zeroed.
typedef struct triple {
  long a, b, c;
} triple;

#define POISON 0x5a5a5a5a5a5a5a5aL

// one is the channel send_one and recv_one use; tests set it before they
// start them.
static struct {
  escrt_chan *c;
  long got[8];
  escrt_waitgroup wg;
} one;

static void send_one(void *arg) {
  ESCRT_STACK_CHECK();
  long v = (long)(intptr_t)arg;
  escrt_chan_send(one.c, &v);
}

static void recv_one(void *arg) {
  ESCRT_STACK_CHECK();
  long i = (long)(intptr_t)arg;
  long v = -1;
  check_eq("ok of a receive", i, escrt_chan_recv(one.c, &v), true);
  one.got[i] = v;
  escrt_waitgroup_done(&one.wg);
}

// ---------------------------------------------------------------------------
// Order
// ---------------------------------------------------------------------------

static struct {
  escrt_chan *c;
  escrt_waitgroup wg;
  _Atomic int seen[4 * VALUES];
} fan;

static void send_values(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan *c = arg;
  for (long i = 0; i < VALUES; i++)
    escrt_chan_send(c, &i);
  escrt_waitgroup_done(&fan.wg);
}

static void one_sender_main(void *arg) {
  ESCRT_STACK_CHECK();
  for (size_t k = 0; k < NCAPS; k++) {
    escrt_chan *c = escrt_chan_make(sizeof(long), caps[k]);
    escrt_waitgroup_add(&fan.wg, 1);
    escrt_go(send_values, c);
    for (long i = 0; i < VALUES; i++) {
      long v = -1;
      bool ok = escrt_chan_recv(c, &v);
      check_eq("ok of a receive", (long)caps[k], ok, true);
      check_eq("value received", (long)caps[k], v, i);
    }
    escrt_waitgroup_wait(&fan.wg);
    check_eq("len after all received", (long)caps[k], escrt_chan_len(c), 0);
  }
}

// One sender, one receiver: a thousand values arrive in the order sent,
// each with ok true, whatever the capacity.
START_TEST(fifo_one_sender) {
  escrt_run(one_sender_main, NULL);
  assert_no_failures();
}
END_TEST

enum { SENDERS = 4, RECEIVERS = 4 };

typedef struct tagged {
  long from, seq;
} tagged;

static void send_tagged(void *arg) {
  ESCRT_STACK_CHECK();
  tagged t = {(long)(intptr_t)arg, 0};
  for (; t.seq < VALUES; t.seq++)
    escrt_chan_send(fan.c, &t);
  escrt_waitgroup_done(&fan.wg);
}

static void several_senders_main(void *arg) {
  ESCRT_STACK_CHECK();
  for (size_t k = 0; k < NCAPS; k++) {
    fan.c = escrt_chan_make(sizeof(tagged), caps[k]);
    escrt_waitgroup_add(&fan.wg, SENDERS);
    for (long s = 0; s < SENDERS; s++)
      escrt_go(send_tagged, (void *)(intptr_t)s);
    long next[SENDERS] = {0};
    for (long i = 0; i < SENDERS * VALUES; i++) {
      tagged t = {-1, -1};
      escrt_chan_recv(fan.c, &t);
      if (t.from < 0 || t.from >= SENDERS) {
        record_failure("sender of a value", (long)caps[k], t.from, 0);
        continue;
      }
      check_eq("a sender's next value", t.from, t.seq, next[t.from]);
      next[t.from] = t.seq + 1;
    }
    escrt_waitgroup_wait(&fan.wg);
  }
}

// Four senders interleave, but each one's values arrive in its order.
START_TEST(fifo_several_senders) {
  escrt_run(several_senders_main, NULL);
  assert_no_failures();
}
END_TEST

static void recv_increasing(void *arg) {
  ESCRT_STACK_CHECK();
  long last = -1;
  for (int i = 0; i < VALUES; i++) {
    long v = -1;
    escrt_chan_recv(fan.c, &v);
    if (v <= last)
      record_failure("a receiver's values increase", last, v, last + 1);
    last = v;
    if (v >= 0 && v < RECEIVERS * VALUES)
      atomic_fetch_add(&fan.seen[v], 1);
  }
  escrt_waitgroup_done(&fan.wg);
}

static void several_receivers_main(void *arg) {
  ESCRT_STACK_CHECK();
  for (size_t k = 0; k < NCAPS; k++) {
    for (long v = 0; v < RECEIVERS * VALUES; v++)
      atomic_store(&fan.seen[v], 0);
    fan.c = escrt_chan_make(sizeof(long), caps[k]);
    escrt_waitgroup_add(&fan.wg, RECEIVERS);
    for (int r = 0; r < RECEIVERS; r++)
      escrt_go(recv_increasing, NULL);
    for (long v = 0; v < RECEIVERS * VALUES; v++)
      escrt_chan_send(fan.c, &v);
    escrt_waitgroup_wait(&fan.wg);
    for (long v = 0; v < RECEIVERS * VALUES; v++)
      check_eq("times a value was received", v, atomic_load(&fan.seen[v]), 1);
  }
}

// Four receivers share one sender's values: each value goes to exactly one
// of them, and each sees its values in increasing order.
START_TEST(fifo_several_receivers) {
  escrt_run(several_receivers_main, NULL);
  assert_no_failures();
}
END_TEST

// The buffer is a ring: filled and partly drained over and over, from
// every starting slot, it keeps its order and its length.
START_TEST(buffer_ring_wraps_in_order) {
  for (size_t k = 1; k < NCAPS; k++) {
    size_t cap = caps[k];
    escrt_chan *c = escrt_chan_make(sizeof(long), cap);
    long sent = 0, received = 0;
    for (size_t round = 0; round < 4 * cap + 3; round++) {
      for (; escrt_chan_len(c) < cap; sent++)
        escrt_chan_send(c, &sent);
      ck_assert_uint_eq(escrt_chan_len(c), cap);
      for (size_t i = 0; i <= round % cap; i++) {
        long v = -1;
        ck_assert(escrt_chan_recv(c, &v));
        ck_assert_int_eq(v, received);
        received++;
      }
      ck_assert_uint_eq(escrt_chan_len(c), (size_t)(sent - received));
    }
    while (received < sent) {
      long v = -1;
      ck_assert(escrt_chan_recv(c, &v));
      ck_assert_int_eq(v, received);
      received++;
    }
    ck_assert_uint_eq(escrt_chan_len(c), 0);
    escrt_chan_free(c);
  }
}
END_TEST

enum { WAITERS = 5 };

static void blocked_senders_main(void *arg) {
  ESCRT_STACK_CHECK();
  for (size_t k = 0; k < 3; k++) { // unbuffered, 1 and 3
    long cap = (long)caps[k];
    one.c = escrt_chan_make(sizeof(long), (size_t)cap);
    for (long i = 0; i < cap; i++)
      escrt_chan_send(one.c, &i);
    for (long w = 0; w < WAITERS; w++) {
      escrt_go(send_one, (void *)(intptr_t)(cap + w));
      await_queued(one.c, true, (int)w + 1);
    }
    check_eq("len with senders blocked", cap, escrt_chan_len(one.c), cap);
    for (long i = 0; i < cap + WAITERS; i++) {
      long v = -1;
      escrt_chan_recv(one.c, &v);
      check_eq("value received", cap, v, i);
    }
    check_eq("senders left blocked", cap, queued(one.c, true), 0);
    check_eq("len at the end", cap, escrt_chan_len(one.c), 0);
  }
}

// Senders blocked on a full channel are served in the order they came,
// after the buffer: each one's value takes the slot a receive frees.
START_TEST(blocked_senders_served_in_order) {
  escrt_run(blocked_senders_main, NULL);
  assert_no_failures();
}
END_TEST

static void blocked_receivers_main(void *arg) {
  ESCRT_STACK_CHECK();
  static const size_t these[] = {0, 3};
  for (size_t k = 0; k < 2; k++) {
    one.c = escrt_chan_make(sizeof(long), these[k]);
    escrt_waitgroup_add(&one.wg, WAITERS);
    for (long w = 0; w < WAITERS; w++) {
      escrt_go(recv_one, (void *)(intptr_t)w);
      await_queued(one.c, false, (int)w + 1);
    }
    for (long w = 0; w < WAITERS; w++) {
      long v = 100 + w;
      escrt_chan_send(one.c, &v);
    }
    escrt_waitgroup_wait(&one.wg);
    for (long w = 0; w < WAITERS; w++)
      check_eq("value of the w-th receiver", w, one.got[w], 100 + w);
  }
}

// Receivers blocked on an empty channel get values in the order they came.
START_TEST(blocked_receivers_served_in_order) {
  escrt_run(blocked_receivers_main, NULL);
  assert_no_failures();
}
END_TEST

// ---------------------------------------------------------------------------
// len and cap
// ---------------------------------------------------------------------------

// len counts the buffered values, cap is the buffer's size; both are 0 for
// a nil channel and for an unbuffered one; close changes neither.
START_TEST(len_and_cap) {
  ck_assert_uint_eq(escrt_chan_len(NULL), 0);
  ck_assert_uint_eq(escrt_chan_cap(NULL), 0);
  for (size_t k = 0; k < NCAPS; k++) {
    escrt_chan *c = escrt_chan_make(sizeof(long), caps[k]);
    ck_assert_uint_eq(escrt_chan_len(c), 0);
    ck_assert_uint_eq(escrt_chan_cap(c), caps[k]);
    for (long i = 0; i < (long)caps[k]; i++) {
      escrt_chan_send(c, &i);
      ck_assert_uint_eq(escrt_chan_len(c), (size_t)i + 1);
    }
    escrt_chan_close(c);
    ck_assert_uint_eq(escrt_chan_len(c), caps[k]);
    ck_assert_uint_eq(escrt_chan_cap(c), caps[k]);
    if (caps[k] > 0) {
      ck_assert(escrt_chan_recv(c, NULL));
      ck_assert_uint_eq(escrt_chan_len(c), caps[k] - 1);
    }
  }
}
END_TEST

// ---------------------------------------------------------------------------
// Close
// ---------------------------------------------------------------------------

// A closed channel still gives its buffered values, in order and with ok
// true; then a zero value with ok false, every time (and a receive that
// drops the value says so too).
START_TEST(close_drains_then_zero) {
  for (size_t k = 0; k < NCAPS; k++) {
    escrt_chan *c = escrt_chan_make(sizeof(triple), caps[k]);
    for (long i = 0; i < (long)caps[k]; i++) {
      triple t = {i, -i, i * i};
      escrt_chan_send(c, &t);
    }
    escrt_chan_close(c);
    for (long i = 0; i < (long)caps[k]; i++) {
      triple t = {POISON, POISON, POISON};
      ck_assert(escrt_chan_recv(c, &t));
      ck_assert_int_eq(t.a, i);
      ck_assert_int_eq(t.b, -i);
      ck_assert_int_eq(t.c, i * i);
    }
    for (int again = 0; again < 5; again++) {
      triple t = {POISON, POISON, POISON};
      ck_assert(!escrt_chan_recv(c, &t));
      ck_assert_int_eq(t.a, 0);
      ck_assert_int_eq(t.b, 0);
      ck_assert_int_eq(t.c, 0);
      ck_assert(!escrt_chan_recv(c, NULL));
      ck_assert_uint_eq(escrt_chan_len(c), 0);
    }
  }
}
END_TEST

enum { SLEEPERS = 10 };

static struct {
  escrt_chan *c;
  escrt_waitgroup wg;
  _Atomic int woken;
} closing;

// recv_until_closed receives into a poisoned element, or drops the value
// (odd i), and checks that close woke it with a zero value and ok false.
static void recv_until_closed(void *arg) {
  ESCRT_STACK_CHECK();
  long i = (long)(intptr_t)arg;
  triple t = {POISON, POISON, POISON};
  bool ok = escrt_chan_recv(closing.c, i % 2 == 0 ? &t : NULL);
  check_eq("ok of a receive woken by close", i, ok, false);
  if (i % 2 == 0) {
    check_eq("element a after close", i, t.a, 0);
    check_eq("element b after close", i, t.b, 0);
    check_eq("element c after close", i, t.c, 0);
  } else {
    check_eq("dropped element untouched", i, t.a, POISON);
  }
  atomic_fetch_add(&closing.woken, 1);
  escrt_waitgroup_done(&closing.wg);
}

static void close_wakes_main(void *arg) {
  ESCRT_STACK_CHECK();
  static const size_t these[] = {0, 3};
  for (size_t k = 0; k < 2; k++) {
    closing.c = escrt_chan_make(sizeof(triple), these[k]);
    escrt_waitgroup_add(&closing.wg, SLEEPERS);
    for (long i = 0; i < SLEEPERS; i++)
      escrt_go(recv_until_closed, (void *)(intptr_t)i);
    await_queued(closing.c, false, SLEEPERS);
    check_eq("woken before close", (long)k, atomic_load(&closing.woken),
             (long)k * SLEEPERS);
    escrt_chan_close(closing.c);
    escrt_waitgroup_wait(&closing.wg);
    check_eq("receivers left blocked", (long)k, queued(closing.c, false), 0);
  }
}

// Close wakes every receiver blocked on the channel, each with a zero
// value and ok false.
START_TEST(close_wakes_all_blocked_receivers) {
  escrt_run(close_wakes_main, NULL);
  ck_assert_int_eq(atomic_load(&closing.woken), 2 * SLEEPERS);
  assert_no_failures();
}
END_TEST

// ---------------------------------------------------------------------------
// Receiving without a place for the value
// ---------------------------------------------------------------------------

static void recv_null_main(void *arg) {
  ESCRT_STACK_CHECK();
  // Buffered: the value dropped is the head's; the next one follows.
  escrt_chan *c = escrt_chan_make(sizeof(long), 3);
  for (long i = 1; i <= 3; i++)
    escrt_chan_send(c, &i);
  check_eq("ok of a dropped receive", 3, escrt_chan_recv(c, NULL), true);
  check_eq("len after a drop", 3, escrt_chan_len(c), 2);
  long v = -1;
  escrt_chan_recv(c, &v);
  check_eq("value after a drop", 3, v, 2);
  // Unbuffered: the blocked sender is released by the dropping receive.
  one.c = escrt_chan_make(sizeof(long), 0);
  escrt_go(send_one, (void *)(intptr_t)5);
  await_queued(one.c, true, 1);
  check_eq("ok of a dropped receive", 0, escrt_chan_recv(one.c, NULL), true);
  check_eq("senders left blocked", 0, queued(one.c, true), 0);
  escrt_go(send_one, (void *)(intptr_t)6);
  v = -1;
  escrt_chan_recv(one.c, &v);
  check_eq("value after a drop", 0, v, 6);
  // Closed: ok false.
  escrt_chan_close(one.c);
  check_eq("ok of a dropped receive on closed", 0, escrt_chan_recv(one.c, NULL),
           false);
}

// A receive into NULL takes the value and drops it.
START_TEST(recv_null_drops_value) {
  escrt_run(recv_null_main, NULL);
  assert_no_failures();
}
END_TEST

// ---------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------

static const size_t sizes[] = {1, 8, 24, 1000};
#define NSIZES (sizeof sizes / sizeof sizes[0])
enum { ELEM_MAX = 1000 };

// elem_case is one size and capacity; the sender reads it as its argument
// (static memory, not a stack).
typedef struct elem_case {
  escrt_chan *c;
  size_t size, cap;
  long count;
} elem_case;

static elem_case elem_cases[NSIZES * NCAPS];

static unsigned char pattern(long seq, size_t byte) {
  return (unsigned char)(seq * 31 + (long)byte * 7 + 1);
}

// send_patterns sends count elements, each a pattern of its sequence
// number, and overwrites its copy as soon as the send returns: what the
// receiver gets must be what was sent.
static NOINLINE void send_patterns(elem_case *e) {
  ESCRT_STACK_CHECK();
  unsigned char buf[ELEM_MAX];
  for (long seq = 0; seq < e->count; seq++) {
    for (size_t b = 0; b < e->size; b++)
      buf[b] = pattern(seq, b);
    escrt_chan_send(e->c, buf);
    for (size_t b = 0; b < e->size; b++)
      buf[b] = 0xee;
  }
}

static void pattern_sender(void *arg) {
  ESCRT_STACK_CHECK();
  ESCRT_STACK_RESERVE(2 * ELEM_MAX);
  send_patterns(arg);
}

// recv_patterns checks every byte of every element, and that the bytes
// after the element were not written.
static NOINLINE void recv_patterns(elem_case *e, long where) {
  ESCRT_STACK_CHECK();
  unsigned char buf[ELEM_MAX + 8];
  for (long seq = 0; seq < e->count; seq++) {
    for (size_t b = 0; b < sizeof buf; b++)
      buf[b] = 0xcc;
    escrt_chan_recv(e->c, buf);
    for (size_t b = 0; b < e->size; b++)
      if (buf[b] != pattern(seq, b)) {
        record_failure("byte of an element", where, buf[b], pattern(seq, b));
        break;
      }
    for (size_t b = e->size; b < sizeof buf; b++)
      if (buf[b] != 0xcc) {
        record_failure("byte after an element", where, buf[b], 0xcc);
        break;
      }
  }
}

static void elem_sizes_main(void *arg) {
  ESCRT_STACK_CHECK();
  ESCRT_STACK_RESERVE(2 * ELEM_MAX);
  for (size_t i = 0; i < NSIZES; i++)
    for (size_t k = 0; k < NCAPS; k++) {
      elem_case *e = &elem_cases[i * NCAPS + k];
      *e = (elem_case){escrt_chan_make(sizes[i], caps[k]), sizes[i], caps[k],
                       4 * (long)caps[k] + 50};
      escrt_go(pattern_sender, e);
      recv_patterns(e, (long)(sizes[i] * 1000 + caps[k]));
    }
}

// Elements of 1, 8, 24 and 1000 bytes, through every capacity, enough of
// them to reuse every buffer slot four times: each arrives whole, as it
// was when sent, and nothing past it is written. (The failure's case is
// size * 1000 + cap.)
START_TEST(element_sizes_copied_by_value) {
  escrt_run(elem_sizes_main, NULL);
  assert_no_failures();
}
END_TEST

static struct {
  escrt_chan *sem;
  _Atomic int inside, most;
  escrt_waitgroup wg;
} sem;

// limited holds one of the semaphore's three units while it yields.
static void limited(void *arg) {
  ESCRT_STACK_CHECK();
  char token = 0;
  escrt_chan_send(sem.sem, &token);
  int n = atomic_fetch_add(&sem.inside, 1) + 1;
  int most = atomic_load(&sem.most);
  while (n > most && !atomic_compare_exchange_weak(&sem.most, &most, n))
    ;
  escrt_gosched();
  atomic_fetch_sub(&sem.inside, 1);
  check_eq("ok of a receive", 0, escrt_chan_recv(sem.sem, &token), true);
  escrt_waitgroup_done(&sem.wg);
}

static void semaphore_main(void *arg) {
  ESCRT_STACK_CHECK();
  sem.sem = escrt_chan_make(0, 3);
  escrt_waitgroup_add(&sem.wg, 20);
  for (int i = 0; i < 20; i++)
    escrt_go(limited, NULL);
  escrt_waitgroup_wait(&sem.wg);
}

// Elements of no bytes (Go's chan struct{}): a buffer of three counts
// them, as a semaphore that lets at most three goroutines in at once.
START_TEST(zero_size_elements) {
  char token = 0;
  escrt_chan *c = escrt_chan_make(0, 3);
  for (int i = 0; i < 3; i++)
    escrt_chan_send(c, &token);
  ck_assert_uint_eq(escrt_chan_len(c), 3);
  ck_assert(escrt_chan_recv(c, &token));
  ck_assert(escrt_chan_recv(c, NULL));
  ck_assert_uint_eq(escrt_chan_len(c), 1);
  escrt_chan_close(c);
  ck_assert(escrt_chan_recv(c, &token));
  ck_assert(!escrt_chan_recv(c, &token));
  escrt_run(semaphore_main, NULL);
  assert_no_failures();
  ck_assert_int_le(atomic_load(&sem.most), 3);
  ck_assert_int_ge(atomic_load(&sem.most), 1);
}
END_TEST

// ---------------------------------------------------------------------------
// Stacks that move
// ---------------------------------------------------------------------------

enum { ROUNDS = 12, DEPTH_STEP = 400 };

// The stack's size at the deepest frames: the largest, and the smallest
// once it had grown past GROWN.
#define GROWN (64 * 1024)

static struct {
  escrt_chan *to_deep, *from_deep;
  uintptr_t largest, smallest;
  escrt_waitgroup wg;
} moving;

static void note_stack_size(void) {
  ESCRT_STACK_CHECK();
  uintptr_t size = tls_g->sched.stk.hi - tls_g->sched.stk.lo;
  if (size > moving.largest)
    moving.largest = size;
  if (moving.largest >= GROWN &&
      (moving.smallest == 0 || size < moving.smallest))
    moving.smallest = size;
}

// at_depth recurses depth frames (growing the stack), then receives into a
// local of the deepest frame, or sends one from it; every frame checks its
// own local afterwards.
static long at_depth(long depth, bool send, long v) {
  ESCRT_STACK_CHECK();
  volatile long pad[16];
  pad[depth % 16] = depth;
  long r;
  if (depth > 0) {
    r = at_depth(depth - 1, send, v);
  } else if (send) {
    note_stack_size();
    escrt_chan_send(moving.from_deep, &v);
    r = v;
  } else {
    long got = -1;
    note_stack_size();
    escrt_chan_recv(moving.to_deep, &got);
    r = got;
  }
  check_eq("a frame's local after the stack moved", depth, pad[depth % 16],
           depth);
  return r;
}

static void deep_echo(void *arg) {
  ESCRT_STACK_CHECK();
  for (long round = 0; round < ROUNDS; round++) {
    long v = at_depth((round + 1) % 4 * DEPTH_STEP, false, 0);
    check_eq("value received deep", round, v, 1000 + round);
    at_depth((round + 3) % 4 * DEPTH_STEP, true, v + 1);
    escrt_gosched(); // the stack may shrink when it resumes
  }
  escrt_waitgroup_done(&moving.wg);
}

static void moving_main(void *arg) {
  ESCRT_STACK_CHECK();
  moving.to_deep = escrt_chan_make(sizeof(long), 0);
  moving.from_deep = escrt_chan_make(sizeof(long), 0);
  escrt_waitgroup_add(&moving.wg, 1);
  escrt_go(deep_echo, NULL);
  for (long round = 0; round < ROUNDS; round++) {
    long v = 1000 + round, back = -1;
    escrt_chan_send(moving.to_deep, &v);
    escrt_chan_recv(moving.from_deep, &back);
    check_eq("value sent from deep", round, back, v + 1);
  }
  escrt_waitgroup_wait(&moving.wg);
}

// A goroutine receives into, and sends from, locals at the bottom of deep
// recursions of varying depth, so that its stack grows, shrinks and grows
// again between blocking operations: every value arrives, and every frame
// keeps its locals.
START_TEST(values_survive_stack_moves) {
  escrt_run(moving_main, NULL);
  assert_no_failures();
  ck_assert_uint_ge(moving.largest, GROWN);
  ck_assert_uint_ne(moving.smallest, 0);
  ck_assert_uint_le(moving.smallest, 16 * 1024);
}
END_TEST

// ---------------------------------------------------------------------------
// Many goroutines
// ---------------------------------------------------------------------------

enum { PRODUCERS = 1000, PER_PRODUCER = 100, CONSUMERS = 10 };

static struct {
  escrt_chan *work;
  escrt_waitgroup producers, consumers;
  _Atomic unsigned char seen[PRODUCERS * PER_PRODUCER];
  _Atomic long sum, count;
} farm;

static void produce(void *arg) {
  ESCRT_STACK_CHECK();
  long base = (long)(intptr_t)arg * PER_PRODUCER;
  for (long i = 0; i < PER_PRODUCER; i++) {
    long v = base + i;
    escrt_chan_send(farm.work, &v);
  }
  escrt_waitgroup_done(&farm.producers);
}

static void consume(void *arg) {
  ESCRT_STACK_CHECK();
  long v, sum = 0, count = 0;
  while (escrt_chan_recv(farm.work, &v)) {
    if (v >= 0 && v < PRODUCERS * PER_PRODUCER)
      atomic_fetch_add(&farm.seen[v], 1);
    else
      record_failure("value in range", count, v, 0);
    sum += v;
    count++;
  }
  atomic_fetch_add(&farm.sum, sum);
  atomic_fetch_add(&farm.count, count);
  escrt_waitgroup_done(&farm.consumers);
}

static void farm_main(void *arg) {
  ESCRT_STACK_CHECK();
  static const size_t these[] = {0, 10};
  for (size_t k = 0; k < 2; k++) {
    const long n = PRODUCERS * PER_PRODUCER;
    for (long v = 0; v < n; v++)
      atomic_store(&farm.seen[v], 0);
    atomic_store(&farm.sum, 0);
    atomic_store(&farm.count, 0);
    farm.work = escrt_chan_make(sizeof(long), these[k]);
    escrt_waitgroup_add(&farm.consumers, CONSUMERS);
    escrt_waitgroup_add(&farm.producers, PRODUCERS);
    for (int i = 0; i < CONSUMERS; i++)
      escrt_go(consume, NULL);
    for (long p = 0; p < PRODUCERS; p++)
      escrt_go(produce, (void *)(intptr_t)p);
    escrt_waitgroup_wait(&farm.producers);
    escrt_chan_close(farm.work);
    escrt_waitgroup_wait(&farm.consumers);
    check_eq("values received", (long)these[k], atomic_load(&farm.count), n);
    check_eq("sum of values", (long)these[k], atomic_load(&farm.sum),
             n * (n - 1) / 2);
    for (long v = 0; v < n; v++)
      if (atomic_load(&farm.seen[v]) != 1) {
        record_failure("times a value was received", v,
                       atomic_load(&farm.seen[v]), 1);
        break;
      }
  }
}

// A thousand producers send a hundred values each to ten consumers, which
// receive until the channel is closed: every value once, unbuffered and
// with a buffer of ten.
START_TEST(thousand_producers_ten_consumers) {
  escrt_run(farm_main, NULL);
  assert_no_failures();
}
END_TEST

// ---------------------------------------------------------------------------
// Freeing
// ---------------------------------------------------------------------------

static struct { uint64_t objects[2]; } freeing;

static void read_objects(void *arg) {
  escrt_memstats st;
  escrt_read_memstats(&st);
  *(uint64_t *)arg = st.heap_objects;
}

static void free_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_systemstack(read_objects, &freeing.objects[0]);
  for (int i = 0; i < 1000; i++) {
    escrt_chan *c[4] = {
        escrt_chan_make(sizeof(long), 0), escrt_chan_make(sizeof(long), 3),
        escrt_chan_make(sizeof(triple), 1000), // 24 KB: a small object
        escrt_chan_make(sizeof(long), i % 10 == 0 ? 100000 : 1), // 800 KB
    };
    long v = i;
    triple t = {i, i, i};
    escrt_chan_send(c[1], &v);
    escrt_chan_send(c[2], &t);
    escrt_chan_send(c[3], &v);
    escrt_chan_close(c[2]);
    for (int j = 0; j < 4; j++)
      escrt_chan_free(c[j]);
  }
  escrt_chan_free(NULL);
  escrt_systemstack(read_objects, &freeing.objects[1]);
}

// Channels of every size, empty, holding values or closed, freed by a
// goroutine: the heap holds as many objects as before; freeing nil does
// nothing.
START_TEST(free_returns_memory) {
  escrt_run(free_main, NULL);
  ck_assert_msg(freeing.objects[1] == freeing.objects[0],
                "%lu heap objects after, %lu before",
                (unsigned long)freeing.objects[1],
                (unsigned long)freeing.objects[0]);
}
END_TEST

// ---------------------------------------------------------------------------
// Nil channels
// ---------------------------------------------------------------------------

static struct {
  _Atomic int passed;
  long echoed;
} nils;

static void send_to_nil(void *arg) {
  ESCRT_STACK_CHECK();
  long v = 1;
  escrt_chan_send(NULL, &v);
  atomic_fetch_add(&nils.passed, 1);
}

static void recv_from_nil(void *arg) {
  ESCRT_STACK_CHECK();
  long v;
  escrt_chan_recv(NULL, &v);
  atomic_fetch_add(&nils.passed, 1);
}

static void echo(void *arg) {
  ESCRT_STACK_CHECK();
  long v;
  while (escrt_chan_recv(one.c, &v))
    nils.echoed += v;
}

static void nil_blocks_main(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_go(send_to_nil, NULL);
  escrt_go(recv_from_nil, NULL);
  one.c = escrt_chan_make(sizeof(long), 0);
  escrt_go(echo, NULL);
  for (long i = 1; i <= 100; i++) {
    escrt_chan_send(one.c, &i);
    escrt_gosched();
  }
  escrt_chan_close(one.c);
  escrt_sleep(2000000);
  while (escrt_numgoroutine() > 3)
    escrt_gosched();
}

// Goroutines blocked on a nil channel stay blocked while others work, and
// do not keep main from returning.
START_TEST(nil_channel_blocks_forever) {
  escrt_run(nil_blocks_main, NULL);
  ck_assert_int_eq(atomic_load(&nils.passed), 0);
  ck_assert_int_eq(nils.echoed, 5050);
  ck_assert_int_eq(escrt_numgoroutine(), 2);
}
END_TEST

static const char deadlock[] =
    "fatal error: all goroutines are asleep - deadlock!\n";

START_TEST(nil_send_deadlocks) {
  expect_fatal_run(send_to_nil, NULL, deadlock);
}
END_TEST

START_TEST(nil_recv_deadlocks) {
  expect_fatal_run(recv_from_nil, NULL, deadlock);
}
END_TEST

// ---------------------------------------------------------------------------
// Misuse
// ---------------------------------------------------------------------------

static void send_on_closed(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan *c = escrt_chan_make(sizeof(long), (size_t)(intptr_t)arg);
  escrt_chan_close(c);
  long v = 1;
  escrt_chan_send(c, &v);
}

START_TEST(send_on_closed_panics) {
  const char *want = "panic: send on closed channel\n\n"
                     "goroutine 1 [running]:\n";
  expect_fatal_run(send_on_closed, (void *)(intptr_t)0, want);
  expect_fatal_run(send_on_closed, (void *)(intptr_t)3, want);
}
END_TEST

static void send_forever(void *arg) {
  ESCRT_STACK_CHECK();
  long v = 7;
  escrt_chan_send(one.c, &v);
}

static void close_under_sender(void *arg) {
  ESCRT_STACK_CHECK();
  long cap = (long)(intptr_t)arg;
  one.c = escrt_chan_make(sizeof(long), (size_t)cap);
  for (long i = 0; i < cap; i++)
    escrt_chan_send(one.c, &i);
  escrt_go(send_forever, NULL);
  await_queued(one.c, true, 1);
  escrt_chan_close(one.c);
  escrt_chan_recv(NULL, NULL); // goroutine 2 panics meanwhile
}

// A sender blocked when the channel is closed panics, in its goroutine.
START_TEST(blocked_sender_panics_on_close) {
  const char *want = "panic: send on closed channel\n\n"
                     "goroutine 2 [running]:\n";
  expect_fatal_run(close_under_sender, (void *)(intptr_t)0, want);
  expect_fatal_run(close_under_sender, (void *)(intptr_t)1, want);
}
END_TEST

static void close_twice(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan *c = escrt_chan_make(sizeof(long), 1);
  escrt_chan_close(c);
  escrt_chan_close(c);
}

START_TEST(close_of_closed_panics) {
  expect_fatal_run(close_twice, NULL,
                   "panic: close of closed channel\n\n"
                   "goroutine 1 [running]:\n");
}
END_TEST

static void close_nil(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan_close(NULL);
}

START_TEST(close_of_nil_panics) {
  expect_fatal_run(close_nil, NULL,
                   "panic: close of nil channel\n\n"
                   "goroutine 1 [running]:\n");
}
END_TEST

static void make_too_large(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan_make(sizeof(long), SIZE_MAX / 4);
}

static void make_huge_element(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan_make(1 << 16, 1);
}

// Go's limits on make(chan T, n): a buffer too large to allocate panics;
// an element of 64 KB or more is a fatal error.
START_TEST(make_beyond_limits_stops) {
  expect_fatal_run(make_too_large, NULL,
                   "panic: makechan: size out of range\n\n"
                   "goroutine 1 [running]:\n");
  expect_fatal_run(make_huge_element, NULL,
                   "fatal error: makechan: invalid channel element type\n");
}
END_TEST

static void free_under_receiver(void *arg) {
  ESCRT_STACK_CHECK();
  one.c = escrt_chan_make(sizeof(long), 0);
  escrt_waitgroup_add(&one.wg, 1);
  escrt_go(recv_one, NULL);
  await_queued(one.c, false, 1);
  escrt_chan_free(one.c);
}

START_TEST(free_with_waiters_stops) {
  expect_fatal_run(free_under_receiver, NULL,
                   "fatal error: escrt_chan_free: goroutines are waiting on "
                   "the channel\n");
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("chan");
  suite_add_test(s, "fifo-one-sender", fifo_one_sender, 30);
  suite_add_test(s, "fifo-several-senders", fifo_several_senders, 30);
  suite_add_test(s, "fifo-several-receivers", fifo_several_receivers, 30);
  suite_add_test(s, "buffer-ring-wraps-in-order", buffer_ring_wraps_in_order,
                 30);
  suite_add_test(s, "blocked-senders-served-in-order",
                 blocked_senders_served_in_order, 30);
  suite_add_test(s, "blocked-receivers-served-in-order",
                 blocked_receivers_served_in_order, 30);
  suite_add_test(s, "len-and-cap", len_and_cap, 30);
  suite_add_test(s, "close-drains-then-zero", close_drains_then_zero, 30);
  suite_add_test(s, "close-wakes-all-blocked-receivers",
                 close_wakes_all_blocked_receivers, 30);
  suite_add_test(s, "recv-null-drops-value", recv_null_drops_value, 30);
  suite_add_test(s, "element-sizes-copied-by-value",
                 element_sizes_copied_by_value, 30);
  suite_add_test(s, "zero-size-elements", zero_size_elements, 30);
  suite_add_test(s, "values-survive-stack-moves", values_survive_stack_moves,
                 30);
  suite_add_test(s, "thousand-producers-ten-consumers",
                 thousand_producers_ten_consumers, 30);
  suite_add_test(s, "free-returns-memory", free_returns_memory, 30);
  suite_add_test(s, "nil-channel-blocks-forever", nil_channel_blocks_forever,
                 30);
  suite_add_test(s, "nil-send-deadlocks", nil_send_deadlocks, 30);
  suite_add_test(s, "nil-recv-deadlocks", nil_recv_deadlocks, 30);
  suite_add_test(s, "send-on-closed-panics", send_on_closed_panics, 30);
  suite_add_test(s, "blocked-sender-panics-on-close",
                 blocked_sender_panics_on_close, 30);
  suite_add_test(s, "close-of-closed-panics", close_of_closed_panics, 30);
  suite_add_test(s, "close-of-nil-panics", close_of_nil_panics, 30);
  suite_add_test(s, "make-beyond-limits-stops", make_beyond_limits_stops, 30);
  suite_add_test(s, "free-with-waiters-stops", free_with_waiters_stops, 30);
  return suite_main(s, argc, argv);
}

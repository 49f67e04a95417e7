// check_select: select statements (runtime/select.c).
//
// The Go specification's select, case by case: with a default case
// (block false) a select that finds nothing ready returns -1 and changes
// nothing; a ready send or receive proceeds, whether it meets a buffer or
// a goroutine waiting on the other side; a nil channel's case is never
// ready, so a select of nil cases only (or of none) blocks forever; a
// closed channel's receive is ready, with ok false once drained, and its
// send panics; one channel may appear in several cases. A blocked select
// is woken by another goroutine's send, receive or close (or by a close
// and a send at once, of which one wins), and takes its sudogs out of
// every other queue. Selects run in loops by many goroutines (a fan-in of
// eight producers, senders and receivers that select over four channels,
// two goroutines selecting on one channel both ways), over 100 and 2000
// channels, over 100 cases that share seven channels, and over cases that
// are locals of a stack the select itself moves. Among ready cases the
// choice is uniform: over 20,000 selects each of two, three or four
// always-ready cases is chosen within five standard deviations of its
// share, and only the chosen case proceeds.
//
// Selects that cannot block run on the test's own thread; the others in
// goroutines, which record what they see (goroutines.h).
#include "goroutines.h"

#include <check.h>
#include <stdint.h>

#define POISON 0x5a5a5a5a5a5a5a5aL

static escrt_select_case recv_case(escrt_chan *c, void *elem) {
  return (escrt_select_case){c, ESCRT_SELECT_RECV, elem, false};
}

static escrt_select_case send_case(escrt_chan *c, const void *elem) {
  return (escrt_select_case){c, ESCRT_SELECT_SEND, (void *)elem, false};
}

static escrt_chan *make_filled(size_t cap, long first) {
  escrt_chan *c = escrt_chan_make(sizeof(long), cap);
  for (long i = 0; i < (long)cap; i++) {
    long v = first + i;
    escrt_chan_send(c, &v);
  }
  return c;
}

// ---------------------------------------------------------------------------
// Default case
// ---------------------------------------------------------------------------

// Every case here is not ready: receives from empty channels, sends to
// full ones or to an unbuffered one nobody receives from, and nil
// channels. Any subset of them, with a default, selects the default and
// touches no channel and no element.
START_TEST(nothing_ready_selects_default) {
  escrt_chan *unbuffered = escrt_chan_make(sizeof(long), 0);
  escrt_chan *empty = escrt_chan_make(sizeof(long), 3);
  escrt_chan *full = make_filled(1, 7);
  long v[6] = {POISON, POISON, POISON, POISON, POISON, POISON};
  escrt_select_case all[6] = {
      recv_case(unbuffered, &v[0]), recv_case(empty, &v[1]),
      send_case(full, &v[2]),       send_case(unbuffered, &v[3]),
      recv_case(NULL, &v[4]),       send_case(NULL, &v[5]),
  };
  ck_assert_int_eq(escrt_select(all, 0, false), -1);
  for (int mask = 1; mask < 64; mask++) {
    escrt_select_case cases[6];
    int n = 0;
    for (int i = 0; i < 6; i++)
      if (mask & (1 << i))
        cases[n++] = all[i];
    ck_assert_msg(escrt_select(cases, n, false) == -1,
                  "cases %#x: a case was ready", mask);
  }
  for (int i = 0; i < 6; i++)
    ck_assert_int_eq(v[i], POISON);
  ck_assert_uint_eq(escrt_chan_len(unbuffered), 0);
  ck_assert_uint_eq(escrt_chan_len(empty), 0);
  ck_assert_uint_eq(escrt_chan_len(full), 1);
}
END_TEST

// The one ready case among not-ready ones proceeds, with or without a
// default: a receive from a buffer (ok true), a send into one.
START_TEST(ready_case_proceeds) {
  for (int block = 0; block < 2; block++) {
    escrt_chan *unbuffered = escrt_chan_make(sizeof(long), 0);
    escrt_chan *full = make_filled(1, 7);
    escrt_chan *ready = make_filled(3, 40);
    escrt_chan *room = escrt_chan_make(sizeof(long), 2);
    long got = POISON, out = 99;
    escrt_select_case cases[4] = {
        recv_case(unbuffered, &got),
        send_case(full, &out),
        recv_case(NULL, &got),
        recv_case(ready, &got),
    };
    ck_assert_int_eq(escrt_select(cases, 4, block), 3);
    ck_assert_int_eq(got, 40);
    ck_assert(cases[3].ok);
    ck_assert_uint_eq(escrt_chan_len(ready), 2);
    ck_assert_uint_eq(escrt_chan_len(full), 1);
    cases[3] = send_case(room, &out);
    ck_assert_int_eq(escrt_select(cases, 4, block), 3);
    ck_assert_uint_eq(escrt_chan_len(room), 1);
    ck_assert(escrt_chan_recv(room, &got));
    ck_assert_int_eq(got, 99);
  }
}
END_TEST

static struct {
  escrt_chan *c;
  long got;
  escrt_waitgroup wg;
} partner;

static void partner_send(void *arg) {
  ESCRT_STACK_CHECK();
  long v = (long)(intptr_t)arg;
  escrt_chan_send(partner.c, &v);
  escrt_waitgroup_done(&partner.wg);
}

static void partner_recv(void *arg) {
  ESCRT_STACK_CHECK();
  long v = POISON;
  escrt_chan_recv(partner.c, &v);
  partner.got = v;
  escrt_waitgroup_done(&partner.wg);
}

static void partner_main(void *arg) {
  ESCRT_STACK_CHECK();
  long got = POISON, out = 5;
  escrt_chan *never = escrt_chan_make(sizeof(long), 0);
  // A receive meets a blocked sender on an unbuffered channel.
  partner.c = escrt_chan_make(sizeof(long), 0);
  escrt_waitgroup_add(&partner.wg, 1);
  escrt_go(partner_send, (void *)(intptr_t)11);
  await_queued(partner.c, true, 1);
  escrt_select_case cases[2] = {recv_case(never, &got),
                                recv_case(partner.c, &got)};
  check_eq("case chosen", 0, escrt_select(cases, 2, false), 1);
  check_eq("value received", 0, got, 11);
  check_eq("ok", 0, cases[1].ok, true);
  escrt_waitgroup_wait(&partner.wg);
  // A send meets a blocked receiver.
  escrt_waitgroup_add(&partner.wg, 1);
  escrt_go(partner_recv, NULL);
  await_queued(partner.c, false, 1);
  cases[1] = send_case(partner.c, &out);
  check_eq("case chosen", 1, escrt_select(cases, 2, false), 1);
  escrt_waitgroup_wait(&partner.wg);
  check_eq("value sent", 1, partner.got, 5);
  // A receive from a full buffer with a sender blocked behind it takes
  // the head; the sender's value goes in at the tail.
  partner.c = make_filled(2, 20);
  escrt_waitgroup_add(&partner.wg, 1);
  escrt_go(partner_send, (void *)(intptr_t)22);
  await_queued(partner.c, true, 1);
  cases[1] = recv_case(partner.c, &got);
  check_eq("case chosen", 2, escrt_select(cases, 2, false), 1);
  check_eq("value received", 2, got, 20);
  escrt_waitgroup_wait(&partner.wg);
  for (long want = 21; want <= 22; want++) {
    escrt_chan_recv(partner.c, &got);
    check_eq("value after", 2, got, want);
  }
}

// A case is ready when a goroutine waits on the other side: the select
// completes the waiter's operation and wakes it.
START_TEST(ready_with_waiting_partner) {
  escrt_run(partner_main, NULL);
  assert_no_failures();
}
END_TEST

// ---------------------------------------------------------------------------
// Nil channels, no cases
// ---------------------------------------------------------------------------

// A nil channel's case is never ready: alone it gives the default; beside
// a ready case it is never chosen.
START_TEST(nil_cases_never_ready) {
  long v = POISON;
  escrt_select_case cases[3] = {recv_case(NULL, &v), send_case(NULL, &v),
                                recv_case(NULL, NULL)};
  ck_assert_int_eq(escrt_select(cases, 1, false), -1);
  ck_assert_int_eq(escrt_select(cases, 3, false), -1);
  escrt_chan *ready = escrt_chan_make(sizeof(long), 1);
  cases[1] = recv_case(ready, &v);
  for (long i = 0; i < 100; i++) {
    escrt_chan_send(ready, &i);
    ck_assert_int_eq(escrt_select(cases, 3, true), 1);
    ck_assert_int_eq(v, i);
  }
}
END_TEST

static const char deadlock[] =
    "fatal error: all goroutines are asleep - deadlock!\n";

static void select_nil_only(void *arg) {
  ESCRT_STACK_CHECK();
  long v;
  escrt_select_case cases[2] = {recv_case(NULL, &v), send_case(NULL, &v)};
  escrt_select(cases, 2, true);
}

START_TEST(nil_cases_only_deadlock) {
  expect_fatal_run(select_nil_only, NULL, deadlock);
}
END_TEST

static void select_nothing(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_select(NULL, 0, true);
}

// select {} blocks forever; with a default it returns at once.
START_TEST(empty_select_blocks_forever) {
  ck_assert_int_eq(escrt_select(NULL, 0, false), -1);
  expect_fatal_run(select_nothing, NULL, deadlock);
}
END_TEST

static void select_alone(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan *c = escrt_chan_make(sizeof(long), 0);
  escrt_chan *d = escrt_chan_make(sizeof(long), 1);
  escrt_chan_send(d, &(long){1});
  long v;
  escrt_select_case cases[2] = {recv_case(c, &v), send_case(d, &v)};
  escrt_select(cases, 2, true);
}

// A select that nothing can ever wake is a deadlock.
START_TEST(blocked_select_alone_deadlocks) {
  expect_fatal_run(select_alone, NULL, deadlock);
}
END_TEST

static void select_bad_direction(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_select_case cases[1] = {{NULL, 0, NULL, false}};
  escrt_select(cases, 1, false);
}

static void select_negative_count(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_select(NULL, -1, false);
}

// Cases that are neither sends nor receives, and a negative count, stop
// the program.
START_TEST(bad_cases_stop) {
  expect_fatal_run(select_bad_direction, NULL,
                   "fatal error: select: case direction is neither send nor "
                   "receive\n");
  expect_fatal_run(select_negative_count, NULL,
                   "fatal error: select: bad number of cases\n");
}
END_TEST

// ---------------------------------------------------------------------------
// Closed channels
// ---------------------------------------------------------------------------

// A receive from a closed channel is ready: first its buffered values with
// ok true, then zero values with ok false, with or without a default.
START_TEST(closed_recv_case_ready) {
  for (int block = 0; block < 2; block++) {
    escrt_chan *never = escrt_chan_make(sizeof(long), 0);
    escrt_chan *closed = make_filled(2, 30);
    escrt_chan_close(closed);
    long v = POISON;
    escrt_select_case cases[2] = {recv_case(never, &v), recv_case(closed, &v)};
    for (long want = 30; want <= 31; want++) {
      ck_assert_int_eq(escrt_select(cases, 2, block), 1);
      ck_assert_int_eq(v, want);
      ck_assert(cases[1].ok);
    }
    for (int again = 0; again < 3; again++) {
      v = POISON;
      ck_assert_int_eq(escrt_select(cases, 2, block), 1);
      ck_assert_int_eq(v, 0);
      ck_assert(!cases[1].ok);
    }
    cases[1].elem = NULL;
    ck_assert_int_eq(escrt_select(cases, 2, block), 1);
    ck_assert(!cases[1].ok);
  }
}
END_TEST

static void select_send_closed(void *arg) {
  ESCRT_STACK_CHECK();
  bool block = arg != NULL;
  escrt_chan *never = escrt_chan_make(sizeof(long), 0);
  escrt_chan *closed = escrt_chan_make(sizeof(long), 1);
  escrt_chan_close(closed);
  long v = 1;
  escrt_select_case cases[2] = {recv_case(never, &v), send_case(closed, &v)};
  escrt_select(cases, 2, block);
}

// A send case on a closed channel panics, even with a default.
START_TEST(send_case_on_closed_panics) {
  const char *want = "panic: send on closed channel\n\n"
                     "goroutine 1 [running]:\n";
  expect_fatal_run(select_send_closed, NULL, want);
  expect_fatal_run(select_send_closed, (void *)1, want);
}
END_TEST

static escrt_chan *victim;

static void select_send_forever(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan *never = escrt_chan_make(sizeof(long), 0);
  long v = 1, w;
  escrt_select_case cases[2] = {send_case(victim, &v), recv_case(never, &w)};
  escrt_select(cases, 2, true);
}

static void close_under_select(void *arg) {
  ESCRT_STACK_CHECK();
  victim = escrt_chan_make(sizeof(long), 0);
  escrt_go(select_send_forever, NULL);
  await_queued(victim, true, 1);
  escrt_chan_close(victim);
  escrt_chan_recv(NULL, NULL); // goroutine 2 panics meanwhile
}

// A select blocked with a send case panics when that channel is closed.
START_TEST(blocked_send_case_panics_on_close) {
  expect_fatal_run(close_under_select, NULL,
                   "panic: send on closed channel\n\n"
                   "goroutine 2 [running]:\n");
}
END_TEST

// ---------------------------------------------------------------------------
// One channel in several cases
// ---------------------------------------------------------------------------

// Three receives from one channel holding one value: one of them takes
// it, and the next select finds nothing. A send and a receive on one
// buffer of one: whichever the buffer allows, alternately.
START_TEST(same_channel_in_several_cases) {
  escrt_chan *c = escrt_chan_make(sizeof(long), 1);
  for (long i = 0; i < 100; i++) {
    long v[3] = {POISON, POISON, POISON};
    escrt_select_case cases[3] = {recv_case(c, &v[0]), recv_case(c, &v[1]),
                                  recv_case(c, &v[2])};
    escrt_chan_send(c, &i);
    int k = escrt_select(cases, 3, false);
    ck_assert_int_ge(k, 0);
    ck_assert_int_lt(k, 3);
    for (int j = 0; j < 3; j++)
      ck_assert_int_eq(v[j], j == k ? i : POISON);
    ck_assert_uint_eq(escrt_chan_len(c), 0);
    ck_assert_int_eq(escrt_select(cases, 3, false), -1);
  }
  for (long i = 0; i < 100; i++) {
    long out = i, in = POISON;
    escrt_select_case cases[2] = {send_case(c, &out), recv_case(c, &in)};
    ck_assert_int_eq(escrt_select(cases, 2, true), 0);
    ck_assert_uint_eq(escrt_chan_len(c), 1);
    ck_assert_int_eq(escrt_select(cases, 2, true), 1);
    ck_assert_int_eq(in, i);
    ck_assert_uint_eq(escrt_chan_len(c), 0);
  }
}
END_TEST

static struct {
  escrt_chan *c, *d, *e;
  long got;
  escrt_waitgroup wg;
} dup;

static void dup_select(void *arg) {
  ESCRT_STACK_CHECK();
  long v = POISON;
  escrt_select_case cases[3] = {recv_case(dup.c, NULL), recv_case(dup.c, NULL),
                                recv_case(dup.d, &v)};
  check_eq("case chosen", 0, escrt_select(cases, 3, true), 2);
  check_eq("value received", 0, v, 7);
  long nine = 9;
  escrt_chan_send(dup.e, &nine);
}

static void dup_recv(void *arg) {
  ESCRT_STACK_CHECK();
  long v = POISON;
  escrt_chan_recv(dup.c, &v);
  dup.got = v;
  escrt_waitgroup_done(&dup.wg);
}

static void dup_main(void *arg) {
  ESCRT_STACK_CHECK();
  dup.c = escrt_chan_make(sizeof(long), 0);
  dup.d = escrt_chan_make(sizeof(long), 0);
  dup.e = escrt_chan_make(sizeof(long), 0);
  escrt_go(dup_select, NULL);
  await_queued(dup.c, false, 2); // the select waits on c twice
  escrt_waitgroup_add(&dup.wg, 1);
  escrt_go(dup_recv, NULL);
  await_queued(dup.c, false, 3);
  long v = 7;
  escrt_chan_send(dup.d, &v); // wakes the select, which leaves c's queue
  escrt_chan_recv(dup.e, &v);
  check_eq("value from the select", 0, v, 9);
  check_eq("receivers left on c", 0, queued(dup.c, false), 1);
  v = 8;
  escrt_chan_send(dup.c, &v); // must reach the plain receiver
  escrt_waitgroup_wait(&dup.wg);
  check_eq("value of the plain receiver", 0, dup.got, 8);
}

// Go's TestSelectDuplicateChannel: a select queued twice on c, and a
// receiver behind it; woken through d, the select leaves c's queue whole,
// and a send on c reaches the receiver.
START_TEST(duplicate_channel_leaves_queue_intact) {
  escrt_run(dup_main, NULL);
  assert_no_failures();
}
END_TEST

static void dup_select_closed(void *arg) {
  ESCRT_STACK_CHECK();
  long v[2] = {POISON, POISON};
  escrt_select_case cases[2] = {recv_case(dup.c, &v[0]),
                                recv_case(dup.c, &v[1])};
  int k = escrt_select(cases, 2, true);
  if (k < 0 || k > 1) {
    record_failure("case chosen", 0, k, 0);
    return;
  }
  check_eq("ok of the case woken by close", k, cases[k].ok, false);
  check_eq("element of the case woken by close", k, v[k], 0);
  check_eq("element of the other case", k, v[1 - k], POISON);
  escrt_waitgroup_done(&dup.wg);
}

static void dup_close_main(void *arg) {
  ESCRT_STACK_CHECK();
  dup.c = escrt_chan_make(sizeof(long), 0);
  escrt_waitgroup_add(&dup.wg, 1);
  escrt_go(dup_select_closed, NULL);
  await_queued(dup.c, false, 2);
  escrt_chan_close(dup.c);
  escrt_waitgroup_wait(&dup.wg);
  check_eq("receivers left on c", 0, queued(dup.c, false), 0);
}

// A select queued twice on one channel, which is closed: one case wakes
// with ok false, the other is left alone.
START_TEST(close_wakes_select_queued_twice) {
  escrt_run(dup_close_main, NULL);
  assert_no_failures();
}
END_TEST

enum { SELF_ROUNDS = 1000 };

static struct {
  escrt_chan *c;
  long cap;
  escrt_waitgroup wg;
} self;

static void self_selector(void *arg) {
  ESCRT_STACK_CHECK();
  long p = (long)(intptr_t)arg;
  for (int i = 0; i < SELF_ROUNDS; i++) {
    long mine = p, v = POISON;
    escrt_select_case cases[2] = {send_case(self.c, &mine),
                                  recv_case(self.c, &v)};
    if (p == 1 && i % 2 == 1) {
      escrt_select_case t = cases[0];
      cases[0] = cases[1];
      cases[1] = t;
    }
    int k = escrt_select(cases, 2, true);
    if (cases[k].dir == ESCRT_SELECT_RECV && self.cap == 0 && v == p)
      record_failure("self receive", p, v, 1 - p);
  }
  escrt_waitgroup_done(&self.wg);
}

static void self_main(void *arg) {
  ESCRT_STACK_CHECK();
  static const long these[] = {0, 10};
  for (int k = 0; k < 2; k++) {
    self.cap = these[k];
    self.c = escrt_chan_make(sizeof(long), (size_t)self.cap);
    escrt_waitgroup_add(&self.wg, 2);
    escrt_go(self_selector, (void *)(intptr_t)0);
    escrt_go(self_selector, (void *)(intptr_t)1);
    escrt_waitgroup_wait(&self.wg);
  }
}

// Go's TestSelfSelect: two goroutines select a send and a receive on one
// channel a thousand times each: no deadlock, and on an unbuffered channel
// no goroutine receives its own value.
START_TEST(self_select_send_and_recv) {
  escrt_run(self_main, NULL);
  assert_no_failures();
}
END_TEST

// ---------------------------------------------------------------------------
// Blocking, woken
// ---------------------------------------------------------------------------

enum { BY_SEND, BY_RECV, BY_CLOSE };

static struct {
  escrt_chan *a, *b, *s; // receive, receive, send
  int chosen;
  long got;
  bool ok;
  escrt_waitgroup wg;
} wake;

static void blocked_selector(void *arg) {
  ESCRT_STACK_CHECK();
  long v = POISON, out = 42;
  escrt_select_case cases[3] = {recv_case(wake.a, &v), recv_case(wake.b, &v),
                                send_case(wake.s, &out)};
  wake.chosen = escrt_select(cases, 3, true);
  wake.got = v;
  wake.ok = cases[wake.chosen].ok;
  escrt_waitgroup_done(&wake.wg);
}

// wake_one blocks a select on a and b (receives) and s (a send), and
// wakes it by how; where names the case for failures.
static void wake_one(size_t cap, int how, long where) {
  ESCRT_STACK_CHECK();
  wake.a = escrt_chan_make(sizeof(long), cap);
  wake.b = escrt_chan_make(sizeof(long), cap);
  wake.s = make_filled(cap, 100);
  escrt_waitgroup_add(&wake.wg, 1);
  escrt_go(blocked_selector, NULL);
  await_queued(wake.a, false, 1);
  await_queued(wake.b, false, 1);
  await_queued(wake.s, true, 1);
  long v = 7;
  switch (how) {
  case BY_SEND:
    escrt_chan_send(wake.b, &v);
    escrt_waitgroup_wait(&wake.wg);
    check_eq("case chosen by a send", where, wake.chosen, 1);
    check_eq("value received", where, wake.got, 7);
    check_eq("ok", where, wake.ok, true);
    break;
  case BY_RECV:
    // The buffer's head first; the select's value goes in at the tail.
    for (long i = 0; i <= (long)cap; i++) {
      escrt_chan_recv(wake.s, &v);
      check_eq("value received", where, v, i == (long)cap ? 42 : 100 + i);
    }
    escrt_waitgroup_wait(&wake.wg);
    check_eq("case chosen by a receive", where, wake.chosen, 2);
    break;
  case BY_CLOSE:
    escrt_chan_close(wake.a);
    escrt_waitgroup_wait(&wake.wg);
    check_eq("case chosen by a close", where, wake.chosen, 0);
    check_eq("value received", where, wake.got, 0);
    check_eq("ok", where, wake.ok, false);
    break;
  }
  check_eq("left on a's queue", where, queued(wake.a, false), 0);
  check_eq("left on b's queue", where, queued(wake.b, false), 0);
  check_eq("left on s's queue", where, queued(wake.s, true), 0);
}

static void woken_main(void *arg) {
  ESCRT_STACK_CHECK();
  for (size_t cap = 0; cap <= 2; cap += 2)
    for (int how = BY_SEND; how <= BY_CLOSE; how++)
      wake_one(cap, how, (long)cap * 10 + how);
}

// A select blocked on two receives and a send is woken by a send, a
// receive or a close on one of its channels, unbuffered or buffered; it
// leaves the other queues empty. (The failure's case is cap * 10 + 0 for
// a send, 1 for a receive, 2 for a close.)
START_TEST(blocked_select_woken) {
  escrt_run(woken_main, NULL);
  assert_no_failures();
}
END_TEST

enum { RACES = 1000 };

static struct {
  escrt_chan *a, *b; // a is closed, b is sent to, at the same time
  int chosen;
  _Atomic int by_close, by_send;
  escrt_waitgroup wg;
} race;

static void race_selector(void *arg) {
  ESCRT_STACK_CHECK();
  long round = (long)(intptr_t)arg;
  long v = POISON;
  escrt_select_case cases[2] = {recv_case(race.a, &v), recv_case(race.b, &v)};
  int k = race.chosen = escrt_select(cases, 2, true);
  if (k == 0) {
    check_eq("ok of the closed case", round, cases[0].ok, false);
    check_eq("value of the closed case", round, v, 0);
    atomic_fetch_add(&race.by_close, 1);
  } else {
    check_eq("ok of the sent case", round, cases[1].ok, true);
    check_eq("value of the sent case", round, v, round);
    atomic_fetch_add(&race.by_send, 1);
  }
  escrt_waitgroup_done(&race.wg);
}

static void race_closer(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan_close(race.a);
  escrt_waitgroup_done(&race.wg);
}

static void race_sender(void *arg) {
  ESCRT_STACK_CHECK();
  long v = (long)(intptr_t)arg;
  escrt_chan_send(race.b, &v); // lands in the buffer if it lost
  escrt_waitgroup_done(&race.wg);
}

static void race_main(void *arg) {
  ESCRT_STACK_CHECK();
  for (long round = 0; round < RACES; round++) {
    race.a = escrt_chan_make(sizeof(long), 0);
    race.b = escrt_chan_make(sizeof(long), 1);
    escrt_waitgroup_add(&race.wg, 1);
    escrt_go(race_selector, (void *)(intptr_t)round);
    await_queued(race.a, false, 1);
    // Which starts first alternates (with one P, the later one runs
    // first); with two they run at once.
    escrt_waitgroup_add(&race.wg, 2);
    if (round % 2 == 0)
      escrt_go(race_closer, NULL);
    escrt_go(race_sender, (void *)(intptr_t)round);
    if (round % 2 == 1)
      escrt_go(race_closer, NULL);
    escrt_waitgroup_wait(&race.wg);
    check_eq("values left in b", round, escrt_chan_len(race.b),
             race.chosen == 0 ? 1 : 0);
  }
}

// A blocked select is woken by a close on one channel and a send on the
// other at the same time (on two Ps, truly at once): exactly one of them
// completes it; the send that lost leaves its value in b's buffer.
START_TEST(close_races_with_send) {
  escrt_run(race_main, NULL);
  assert_no_failures();
  ck_assert_int_eq(race.by_close + race.by_send, RACES);
  ck_assert_int_gt(race.by_close, 0);
  ck_assert_int_gt(race.by_send, 0);
}
END_TEST

// ---------------------------------------------------------------------------
// Selects in loops
// ---------------------------------------------------------------------------

enum { FAN = 8, EACH = 2000 };

typedef struct tagged {
  long from, seq;
} tagged;

static struct {
  escrt_chan *c[FAN];
  long next[FAN];
  long closes;
} fanin;

static void produce_and_close(void *arg) {
  ESCRT_STACK_CHECK();
  long p = (long)(intptr_t)arg;
  tagged t = {p, 0};
  for (; t.seq < EACH; t.seq++)
    escrt_chan_send(fanin.c[p], &t);
  escrt_chan_close(fanin.c[p]);
}

static void fanin_main(void *arg) {
  ESCRT_STACK_CHECK();
  static const size_t these[] = {0, 1, 3, 100};
  tagged t;
  escrt_select_case cases[FAN];
  for (long p = 0; p < FAN; p++) {
    fanin.c[p] = escrt_chan_make(sizeof(tagged), these[p % 4]);
    cases[p] = recv_case(fanin.c[p], &t);
    escrt_go(produce_and_close, (void *)(intptr_t)p);
  }
  for (int open = FAN; open > 0;) {
    t = (tagged){-1, -1};
    int i = escrt_select(cases, FAN, true);
    if (!cases[i].ok) { // closed: a nil channel from now on
      check_eq("values before close", i, fanin.next[i], EACH);
      cases[i].chan = NULL;
      fanin.closes++;
      open--;
      continue;
    }
    check_eq("sender of the case's value", i, t.from, i);
    check_eq("a sender's next value", i, t.seq, fanin.next[i]);
    fanin.next[i]++;
  }
}

// Eight producers send 2000 values each on their own channels and close
// them; one select loop receives them all, each channel's in order, and
// drops each channel from the select once it is closed.
START_TEST(fan_in_of_eight_producers) {
  escrt_run(fanin_main, NULL);
  assert_no_failures();
  ck_assert_int_eq(fanin.closes, FAN);
  for (int p = 0; p < FAN; p++)
    ck_assert_int_eq(fanin.next[p], EACH);
}
END_TEST

enum { STRESS_CHANS = 4, STRESS_SIDES = 2, STRESS_N = 2000 };

static struct {
  escrt_chan *c[STRESS_CHANS];
  _Atomic int seen[STRESS_CHANS][STRESS_SIDES * STRESS_N];
  escrt_waitgroup wg;
} stress;

static void stress_sender(void *arg) {
  ESCRT_STACK_CHECK();
  long s = (long)(intptr_t)arg;
  long sent[STRESS_CHANS] = {0}, out[STRESS_CHANS];
  escrt_select_case cases[STRESS_CHANS];
  for (int i = 0; i < STRESS_CHANS; i++)
    cases[i] = send_case(stress.c[i], &out[i]);
  for (int open = STRESS_CHANS; open > 0;) {
    for (int i = 0; i < STRESS_CHANS; i++)
      out[i] = s * STRESS_N + sent[i];
    int i = escrt_select(cases, STRESS_CHANS, true);
    if (++sent[i] == STRESS_N) {
      cases[i].chan = NULL;
      open--;
    }
  }
  escrt_waitgroup_done(&stress.wg);
}

static void stress_receiver(void *arg) {
  ESCRT_STACK_CHECK();
  long got[STRESS_CHANS] = {0}, v;
  escrt_select_case cases[STRESS_CHANS];
  for (int i = 0; i < STRESS_CHANS; i++)
    cases[i] = recv_case(stress.c[i], &v);
  for (int open = STRESS_CHANS; open > 0;) {
    v = -1;
    int i = escrt_select(cases, STRESS_CHANS, true);
    if (v >= 0 && v < STRESS_SIDES * STRESS_N)
      atomic_fetch_add(&stress.seen[i][v], 1);
    else
      record_failure("value in range", i, v, 0);
    if (++got[i] == STRESS_N) {
      cases[i].chan = NULL;
      open--;
    }
  }
  escrt_waitgroup_done(&stress.wg);
}

static void stress_main(void *arg) {
  ESCRT_STACK_CHECK();
  static const size_t these[STRESS_CHANS] = {0, 1, 0, 5};
  for (int i = 0; i < STRESS_CHANS; i++)
    stress.c[i] = escrt_chan_make(sizeof(long), these[i]);
  escrt_waitgroup_add(&stress.wg, 2 * STRESS_SIDES);
  for (long s = 0; s < STRESS_SIDES; s++) {
    escrt_go(stress_sender, (void *)(intptr_t)s);
    escrt_go(stress_receiver, NULL);
  }
  escrt_waitgroup_wait(&stress.wg);
}

// Go's TestSelectStress: two goroutines send 2000 values on each of four
// channels, two receive 2000 from each, all through selects: every value
// arrives once, on the channel it was sent on.
START_TEST(select_stress) {
  escrt_run(stress_main, NULL);
  assert_no_failures();
  for (int i = 0; i < STRESS_CHANS; i++)
    for (int v = 0; v < STRESS_SIDES * STRESS_N; v++)
      ck_assert_msg(stress.seen[i][v] == 1,
                    "channel %d: value %d received %d times", i, v,
                    stress.seen[i][v]);
}
END_TEST

// ---------------------------------------------------------------------------
// Many cases
// ---------------------------------------------------------------------------

enum { MANY_MAX = 2000, FEW = 7 };

static struct {
  escrt_chan *c[MANY_MAX];
  escrt_select_case cases[MANY_MAX];
  long vals[MANY_MAX];
  int n, chosen;
  escrt_waitgroup wg;
} many;

static void many_selector(void *arg) {
  ESCRT_STACK_CHECK();
  many.chosen = escrt_select(many.cases, many.n, true);
  escrt_waitgroup_done(&many.wg);
}

// check_queues_empty checks that no channel of the cases holds a waiter.
static void check_queues_empty(long where) {
  ESCRT_STACK_CHECK();
  for (int i = 0; i < many.n; i++)
    if (many.c[i] != NULL)
      check_eq("waiters left", where,
               queued(many.c[i], true) + queued(many.c[i], false), 0);
}

static void fill_recv_cases(void) {
  ESCRT_STACK_CHECK();
  for (int i = 0; i < many.n; i++) {
    many.vals[i] = POISON;
    many.cases[i] = recv_case(many.c[i], &many.vals[i]);
  }
}

static void many_cases_main(void *arg) {
  ESCRT_STACK_CHECK();
  static const int these[] = {100, MANY_MAX};
  for (int k = 0; k < 2; k++) {
    int n = many.n = these[k];
    // Unbuffered and buffered channels alternate; every tenth is nil.
    for (int i = 0; i < n; i++)
      many.c[i] = i % 10 == 9 ? NULL : escrt_chan_make(sizeof(long), i % 2);
    fill_recv_cases();
    check_eq("nothing ready", n, escrt_select(many.cases, n, false), -1);
    // One buffered value, near the end.
    int ready = n - 3;
    long v = 1000 + ready;
    escrt_chan_send(many.c[ready], &v);
    check_eq("the ready case", n, escrt_select(many.cases, n, false), ready);
    check_eq("its value", n, many.vals[ready], v);
    // Blocked on all of them, woken by a send in the middle.
    int target = n / 2;
    fill_recv_cases();
    escrt_waitgroup_add(&many.wg, 1);
    escrt_go(many_selector, NULL);
    await_queued(many.c[target], false, 1);
    v = 2000 + target;
    escrt_chan_send(many.c[target], &v);
    escrt_waitgroup_wait(&many.wg);
    check_eq("the case woken", n, many.chosen, target);
    check_eq("its value", n, many.vals[target], v);
    check_queues_empty(n);
  }
}

// Selects over 100 and 2000 channels (some nil): the default when none is
// ready, the one ready case, and a blocked select woken through one
// channel that leaves no sudog on any other.
START_TEST(many_cases) {
  escrt_run(many_cases_main, NULL);
  assert_no_failures();
}
END_TEST

static void few_channels_main(void *arg) {
  ESCRT_STACK_CHECK();
  int n = many.n = 100;
  escrt_chan *few[FEW];
  for (int j = 0; j < FEW; j++)
    few[j] = escrt_chan_make(sizeof(long), 0);
  // Case i is on channel i % 7: a send for odd i, a receive for even i.
  for (int i = 0; i < n; i++) {
    many.c[i] = few[i % FEW];
    many.vals[i] = i;
    many.cases[i] = i % 2 == 1 ? send_case(many.c[i], &many.vals[i])
                               : recv_case(many.c[i], &many.vals[i]);
  }
  for (int round = 0; round < 20; round++) {
    int j = round % FEW;
    escrt_waitgroup_add(&many.wg, 1);
    escrt_go(many_selector, NULL);
    await_queued(few[j], false, 1);
    long v = POISON;
    if (round % 2 == 0) { // take from one of the sends on few[j]
      escrt_chan_recv(few[j], &v);
      escrt_waitgroup_wait(&many.wg);
      check_eq("channel of the case", round, many.chosen % FEW, j);
      check_eq("a send case", round, many.chosen % 2, 1);
      check_eq("value sent", round, v, many.chosen);
    } else { // give to one of the receives
      v = 500 + round;
      escrt_chan_send(few[j], &v);
      escrt_waitgroup_wait(&many.wg);
      check_eq("channel of the case", round, many.chosen % FEW, j);
      check_eq("a receive case", round, many.chosen % 2, 0);
      check_eq("value received", round, many.vals[many.chosen], v);
      many.vals[many.chosen] = many.chosen;
    }
    check_queues_empty(round);
  }
}

// A hundred cases, sends and receives, share seven unbuffered channels:
// the channels are locked once each, in address order, and the select is
// woken through each of them in turn by a receive or a send.
START_TEST(many_cases_over_few_channels) {
  escrt_run(few_channels_main, NULL);
  assert_no_failures();
}
END_TEST

enum { ON_STACK = 200, ON_STACK_TARGET = 137 };

static struct {
  escrt_chan *c[ON_STACK];
  int chosen;
  long got;
  uintptr_t before, after; // the stack's size around the select
  escrt_waitgroup wg;
} adjust;

static uintptr_t stack_size(void) {
  return tls_g->sched.stk.hi - tls_g->sched.stk.lo;
}

// select_local_cases selects over cases and elements in its own frame;
// escrt_select grows the stack for its sudogs, moving them all.
static NOINLINE void select_local_cases(void) {
  ESCRT_STACK_CHECK();
  escrt_select_case cases[ON_STACK];
  long vals[ON_STACK];
  for (int i = 0; i < ON_STACK; i++) {
    vals[i] = POISON;
    cases[i] = recv_case(adjust.c[i], &vals[i]);
  }
  adjust.before = stack_size();
  adjust.chosen = escrt_select(cases, ON_STACK, true);
  adjust.after = stack_size();
  if (adjust.chosen >= 0 && adjust.chosen < ON_STACK)
    adjust.got = vals[adjust.chosen];
  for (int i = 0; i < ON_STACK; i++)
    if (i != adjust.chosen)
      check_eq("element of a case not chosen", i, vals[i], POISON);
}

static void local_cases_selector(void *arg) {
  ESCRT_STACK_CHECK();
  ESCRT_STACK_RESERVE(ON_STACK * (sizeof(escrt_select_case) + sizeof(long)) +
                      1024);
  select_local_cases();
  escrt_waitgroup_done(&adjust.wg);
}

static void stack_adjust_main(void *arg) {
  ESCRT_STACK_CHECK();
  for (int i = 0; i < ON_STACK; i++)
    adjust.c[i] = escrt_chan_make(sizeof(long), 0);
  escrt_waitgroup_add(&adjust.wg, 1);
  escrt_go(local_cases_selector, NULL);
  await_queued(adjust.c[ON_STACK_TARGET], false, 1);
  long v = 4242;
  escrt_chan_send(adjust.c[ON_STACK_TARGET], &v);
  escrt_waitgroup_wait(&adjust.wg);
}

// Go's TestSelectStackAdjust: the cases and the elements they receive into
// are locals of the selecting frame, and the select itself moves the stack
// (to make room for 200 sudogs) before it blocks: the value still lands
// in the right local.
START_TEST(select_on_moving_stack) {
  escrt_run(stack_adjust_main, NULL);
  assert_no_failures();
  ck_assert_int_eq(adjust.chosen, ON_STACK_TARGET);
  ck_assert_int_eq(adjust.got, 4242);
  ck_assert_msg(adjust.after > adjust.before,
                "the stack did not grow in the select (%lu bytes, then %lu)",
                (unsigned long)adjust.before, (unsigned long)adjust.after);
}
END_TEST

// ---------------------------------------------------------------------------
// Fairness
// ---------------------------------------------------------------------------

enum { TRIALS = 20000, MAX_WAYS = 4 };

static struct { long count[MAX_WAYS]; } fair;

// fair_recv selects over ways buffered channels that always hold a value
// (each is refilled once chosen), TRIALS times, and checks each time that
// only the chosen case took its value.
static void fair_recv(void *arg) {
  ESCRT_STACK_CHECK();
  int ways = (int)(intptr_t)arg;
  escrt_chan *c[MAX_WAYS];
  escrt_select_case cases[MAX_WAYS];
  long v;
  for (long i = 0; i < ways; i++) {
    c[i] = escrt_chan_make(sizeof(long), 1);
    escrt_chan_send(c[i], &i);
    cases[i] = recv_case(c[i], &v);
  }
  for (int t = 0; t < TRIALS; t++) {
    v = -1;
    int k = escrt_select(cases, ways, true);
    if (k < 0 || k >= ways) {
      record_failure("case chosen", t, k, 0);
      return;
    }
    fair.count[k]++;
    check_eq("value of the chosen case", k, v, k);
    for (int i = 0; i < ways; i++)
      check_eq("values left in a case's channel", i, escrt_chan_len(c[i]),
               i == k ? 0 : 1);
    escrt_chan_send(c[k], &v);
  }
}

// fair_send is fair_recv with sends into empty buffers of one.
static void fair_send(void *arg) {
  ESCRT_STACK_CHECK();
  int ways = (int)(intptr_t)arg;
  escrt_chan *c[MAX_WAYS];
  escrt_select_case cases[MAX_WAYS];
  long out[MAX_WAYS];
  for (long i = 0; i < ways; i++) {
    c[i] = escrt_chan_make(sizeof(long), 1);
    out[i] = i;
    cases[i] = send_case(c[i], &out[i]);
  }
  for (int t = 0; t < TRIALS; t++) {
    int k = escrt_select(cases, ways, true);
    if (k < 0 || k >= ways) {
      record_failure("case chosen", t, k, 0);
      return;
    }
    fair.count[k]++;
    for (int i = 0; i < ways; i++)
      check_eq("values sent into a case's channel", i, escrt_chan_len(c[i]),
               i == k ? 1 : 0);
    long v = -1;
    escrt_chan_recv(c[k], &v);
    check_eq("value of the chosen case", k, v, k);
  }
}

// assert_fair checks that each of ways counts is within five standard
// deviations of TRIALS / ways: the binomial's variance is n p (1 - p), so
// (count - n p)^2 <= 25 n p (1 - p). A fair select fails this about once
// in two million runs.
static void assert_fair(int ways) {
  double p = 1.0 / ways, mean = TRIALS * p, var = TRIALS * p * (1 - p);
  long total = 0;
  for (int i = 0; i < ways; i++) {
    double d = (double)fair.count[i] - mean;
    ck_assert_msg(d * d <= 25 * var,
                  "%d ways: case %d chosen %ld times in %d, expected %.0f "
                  "(variance %.0f)",
                  ways, i, fair.count[i], TRIALS, mean, var);
    total += fair.count[i];
  }
  ck_assert_int_eq(total, TRIALS);
}

START_TEST(fair_among_two_receives) {
  escrt_run(fair_recv, (void *)(intptr_t)2);
  assert_no_failures();
  assert_fair(2);
}
END_TEST

START_TEST(fair_among_four_receives) {
  escrt_run(fair_recv, (void *)(intptr_t)4);
  assert_no_failures();
  assert_fair(4);
}
END_TEST

START_TEST(fair_among_three_sends) {
  escrt_run(fair_send, (void *)(intptr_t)3);
  assert_no_failures();
  assert_fair(3);
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("select");
  suite_add_test(s, "nothing-ready-selects-default",
                 nothing_ready_selects_default, 30);
  suite_add_test(s, "ready-case-proceeds", ready_case_proceeds, 30);
  suite_add_test(s, "ready-with-waiting-partner", ready_with_waiting_partner,
                 30);
  suite_add_test(s, "nil-cases-never-ready", nil_cases_never_ready, 30);
  suite_add_test(s, "nil-cases-only-deadlock", nil_cases_only_deadlock, 30);
  suite_add_test(s, "empty-select-blocks-forever", empty_select_blocks_forever,
                 30);
  suite_add_test(s, "blocked-select-alone-deadlocks",
                 blocked_select_alone_deadlocks, 30);
  suite_add_test(s, "bad-cases-stop", bad_cases_stop, 30);
  suite_add_test(s, "closed-recv-case-ready", closed_recv_case_ready, 30);
  suite_add_test(s, "send-case-on-closed-panics", send_case_on_closed_panics,
                 30);
  suite_add_test(s, "blocked-send-case-panics-on-close",
                 blocked_send_case_panics_on_close, 30);
  suite_add_test(s, "same-channel-in-several-cases",
                 same_channel_in_several_cases, 30);
  suite_add_test(s, "duplicate-channel-leaves-queue-intact",
                 duplicate_channel_leaves_queue_intact, 30);
  suite_add_test(s, "close-wakes-select-queued-twice",
                 close_wakes_select_queued_twice, 30);
  suite_add_test(s, "self-select-send-and-recv", self_select_send_and_recv, 30);
  suite_add_test(s, "blocked-select-woken", blocked_select_woken, 30);
  suite_add_test(s, "close-races-with-send", close_races_with_send, 30);
  suite_add_test(s, "fan-in-of-eight-producers", fan_in_of_eight_producers, 30);
  suite_add_test(s, "select-stress", select_stress, 30);
  suite_add_test(s, "many-cases", many_cases, 30);
  suite_add_test(s, "many-cases-over-few-channels",
                 many_cases_over_few_channels, 30);
  suite_add_test(s, "select-on-moving-stack", select_on_moving_stack, 30);
  suite_add_test(s, "fair-among-two-receives", fair_among_two_receives, 30);
  suite_add_test(s, "fair-among-four-receives", fair_among_four_receives, 30);
  suite_add_test(s, "fair-among-three-sends", fair_among_three_sends, 30);
  return suite_main(s, argc, argv);
}

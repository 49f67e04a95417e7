// fanin.c: fan-in with select and a timeout, from Rob Pike's "Go
// Concurrency Patterns":
//
//   func fanIn(a, b <-chan Message) <-chan Message {
//       c := make(chan Message)
//       go func() {
//           for a != nil || b != nil {
//               select {
//               case m, ok := <-a: if !ok { a = nil; continue }; c <- m
//               case m, ok := <-b: if !ok { b = nil; continue }; c <- m
//               }
//           }
//           close(c)
//       }()
//       return c
//   }
//   func main() {
//       c := fanIn(talk("joe", 5, 0), talk("ann", 5, 0))
//       timeout := time.After(10 * time.Second)
//       for { select {
//           case m, ok := <-c: if !ok { break loop }; said[m.from] += ...
//           case <-timeout: fmt.Println("timed out"); return
//       } }
//       select {
//       case m := <-talk("bob", 1, 10 * time.Second): fmt.Println(m)
//       case <-time.After(50 * time.Millisecond): fmt.Println("bob: too slow")
//       }
//   }
//
// Two talkers send five messages each and close their channels; fanIn
// merges them into one, dropping a closed input from its select by setting
// it to nil (a nil channel's case is never ready, in Go and here). How the
// two interleave changes from run to run, but each talker's messages keep
// their order through both channels: main prints what each said, in the
// order received. Then a third talker waits 10 s before it speaks, and a
// 50 ms timer wins the select.
//
// There is no timer channel in the runtime: after is Go's time.After
// written with what it is made of, a goroutine that sleeps and then sends
// on a channel with room for one value (so that it never blocks, even when
// nobody listens any more).
//
// A select's receive targets are collected objects (escrt_new), not
// locals: escrt_select's annotation cannot say that it keeps the elem
// pointers inside its cases only until it returns (escape/go.h), so
// escape-check takes a local received into as escaping.
//
// Every function that runs on a goroutine starts with ESCRT_STACK_CHECK(),
// the prologue check that escape-cc inserts (escape/go.h): the samples are
// built by the plain compiler.
#include "fmt.h"

#include <escape/gc.h>
#include <escape/go.h>
#include <escape/slice.h>

#include <stdbool.h>

#define MILLISECOND ((int64_t)1000 * 1000)
#define SECOND (1000 * MILLISECOND)

// message is what a talker sends: who, and its count so far.
struct message {
  int from; // index into talkers
  long seq;
};

static const char *const talkers[] = {"joe", "ann", "bob"};

// talk is what a talker's goroutine captures.
struct talk {
  int from;
  long count;
  int64_t pause; // before each message
  escrt_chan *out;
};

static void talking(void *arg) {
  ESCRT_STACK_CHECK();
  struct talk *t = arg;
  for (long i = 0; i < t->count; i++) {
    escrt_sleep(t->pause); // time.Sleep(pause)
    struct message m = {t->from, i};
    escrt_chan_send(t->out, &m);
  }
  escrt_chan_close(t->out);
}

// talk starts a talker that sends count messages, pause apart.
static escrt_chan *talk(int from, long count, int64_t pause) {
  ESCRT_STACK_CHECK();
  struct talk *t = escrt_new(sizeof *t);
  *t = (struct talk){from, count, pause,
                     escrt_chan_make(sizeof(struct message), 0)};
  escrt_go(talking, t);
  return t->out;
}

// merge is what fanIn's goroutine captures.
struct merge {
  escrt_chan *in[2], *out;
};

static void merging(void *arg) {
  ESCRT_STACK_CHECK();
  struct merge *f = arg;
  struct message *m = escrt_new(sizeof *m); // the select's target
  escrt_select_case cases[2] = {
      {.chan = f->in[0], .dir = ESCRT_SELECT_RECV, .elem = m}, // m, ok := <-a
      {.chan = f->in[1], .dir = ESCRT_SELECT_RECV, .elem = m}, // m, ok := <-b
  };

  while (cases[0].chan != NULL || cases[1].chan != NULL) {
    int i = escrt_select(cases, 2, true);
    if (!cases[i].ok) {
      cases[i].chan = NULL; // a = nil: the case is never ready again
      continue;
    }
    escrt_chan_send(f->out, m); // c <- m
  }
  escrt_chan_close(f->out);
}

// fan_in is Go's fanIn(a, b): one channel with what both send.
static escrt_chan *fan_in(escrt_chan *a, escrt_chan *b) {
  ESCRT_STACK_CHECK();
  struct merge *f = escrt_new(sizeof *f);
  *f = (struct merge){{a, b}, escrt_chan_make(sizeof(struct message), 0)};
  escrt_go(merging, f);
  return f->out;
}

// alarm is what after's goroutine captures.
struct alarm {
  int64_t delay;
  escrt_chan *c;
};

static void ringing(void *arg) {
  ESCRT_STACK_CHECK();
  struct alarm *a = arg;
  escrt_sleep(a->delay);
  bool now = true;
  escrt_chan_send(a->c, &now); // fits in the buffer: never blocks
}

// after is Go's time.After(delay): a channel that receives once, delay
// from now.
static escrt_chan *after(int64_t delay) {
  ESCRT_STACK_CHECK();
  struct alarm *a = escrt_new(sizeof *a);
  *a = (struct alarm){delay, escrt_chan_make(sizeof(bool), 1)};
  escrt_go(ringing, a);
  return a->c;
}

typedef ESCRT_SLICE(long) long_slice;

// print_said prints a talker's messages: "joe said 0 1 2 3 4".
static void print_said(int from, long_slice said) {
  ESCRT_STACK_CHECK();
  fmt_printf("%s said", talkers[from]);
  for (ptrdiff_t i = 0; i < escrt_len(said); i++)
    fmt_printf(" %ld", escrt_at(said, i));
  fmt_printf("\n");
}

static void gomain(void *arg) {
  ESCRT_STACK_CHECK();
  escrt_chan *c = fan_in(talk(0, 5, 0), talk(1, 5, 0));
  long_slice said[2] = {escrt_nil(long_slice), escrt_nil(long_slice)};
  struct message *m = escrt_new(sizeof *m);
  escrt_select_case cases[2] = {
      {.chan = c, .dir = ESCRT_SELECT_RECV, .elem = m},       // m, ok := <-c
      {.chan = after(10 * SECOND), .dir = ESCRT_SELECT_RECV}, // <-timeout
  };

  for (;;) {
    if (escrt_select(cases, 2, true) == 1) {
      fmt_printf("timed out\n");
      return;
    }
    if (!cases[0].ok)
      break; // fanIn closed c: both talkers are done
    said[m->from] = escrt_append(said[m->from], m->seq);
  }
  print_said(0, said[0]);
  print_said(1, said[1]);

  escrt_select_case slow[2] = {
      {.chan = talk(2, 1, 10 * SECOND), .dir = ESCRT_SELECT_RECV, .elem = m},
      {.chan = after(50 * MILLISECOND), .dir = ESCRT_SELECT_RECV},
  };
  if (escrt_select(slow, 2, true) == 0)
    fmt_printf("%s said %ld\n", talkers[m->from], m->seq);
  else
    fmt_printf("%s: too slow\n", talkers[2]);
}

int main(void) { escrt_main(gomain, NULL); }

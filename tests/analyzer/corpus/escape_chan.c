// escape-check -m -- -Iruntime/include
// Channels, select and go statements on the runtime (<escape/go.h>), after
// the chan and go cases of Go's test/escape2.go and escape.go, then C's own
// cases. A value sent on a channel escapes (Go's ch <- p: to whichever
// goroutine receives it); a received value is heap memory the caller did
// not see; the argument of a goroutine escapes to another thread.
//
// Go's cases without a meaning here: go and defer of calls with several
// arguments (escrt_go takes one: foo82's pair becomes a struct), boxing an
// int into an interface (foo121's "i escapes to heap": an int passed as
// escrt_go's void * carries no address), and closures (escape_closure.c).
#include <escape/go.h>

#include <stdint.h>
#include <stdlib.h>

void *sink;

// Go's foo93: a receive loop returns what it received.
int *foo93(escrt_chan *c) { // ERROR "c does not escape$"
  int *v;
  while (escrt_chan_recv(c, &v))
    return v;
  return NULL;
}

// Go's foo125 (without its closure): the pointer sent escapes.
void foo125(escrt_chan *ch) { // ERROR "ch does not escape$"
  int i = 0;                  // ERROR "moved to heap: i$"
  int *p = &i;
  escrt_chan_send(ch, &p);
}

// escape.go's send: an int sent carries no address.
void send_int(escrt_chan *c, int x) { // ERROR "c does not escape$"
  escrt_chan_send(c, &x);
}

static void noop(void *arg) { // ERROR "arg does not escape$"
  (void)arg;
}

struct pair {
  int *x, *y;
};

// Go's foo82: go noop(&x, &y), the arguments packed in a struct.
void foo82(void) {
  int x = 0, y = 0;           // ERROR "moved to heap: x$" "moved to heap: y$"
  struct pair pr = {&x, &y}; // ERROR "moved to heap: pr$"
  escrt_go(noop, &pr);
}

// Go's foo121: an int passed to a goroutine carries no address.
void foo121(void) {
  for (int i = 0; i < 10; i++)
    escrt_go(noop, (void *)(intptr_t)i);
}

// C's own cases.

// A received pointer is heap memory: what is stored through it escapes.
void store_through_received(escrt_chan *c) { // ERROR "c does not escape$"
  int **pp = NULL;
  escrt_chan_recv(c, &pp);
  int y = 0; // ERROR "moved to heap: y$"
  *pp = &y;
}

struct msg {
  int *data;
  int n;
};

// A struct sent by value: the pointers it holds escape, not the struct.
void send_struct(escrt_chan *c) { // ERROR "c does not escape$"
  int v = 0;                      // ERROR "moved to heap: v$"
  struct msg m = {&v, 1};
  escrt_chan_send(c, &m);
}

// Each iteration's local is sent.
void send_in_loop(escrt_chan *c, int n) { // ERROR "c does not escape$"
  for (int k = 0; k < n; k++) {
    int v = k; // ERROR "moved to heap: v$"
    int *p = &v;
    escrt_chan_send(c, &p);
  }
}

// A goroutine's argument escapes to another thread.
void go_local(void) {
  int w = 0; // ERROR "moved to heap: w$"
  escrt_go(noop, &w);
}

// The send case of a select sends what its elem points to, and a receive
// case stores a heap value into it. The cases are one array, so the
// channels' content is taken as sent too.
void select_send(escrt_chan *a, escrt_chan *b) { // ERROR "leaking param content: a$" "leaking param content: b$"
  int s = 0; // ERROR "moved to heap: s$"
  int *p = &s;
  int *q = NULL;
  escrt_select_case cases[2] = {{a, ESCRT_SELECT_SEND, &p, false},
                                {b, ESCRT_SELECT_RECV, &q, false}};
  escrt_select(cases, 2, true);
  int r = 0; // ERROR "moved to heap: r$"
  *(int **)q = &r;
}

// The channel itself is heap memory; handing it to a goroutine is fine.
escrt_chan *make_chan(void) {
  escrt_chan *c = escrt_chan_make(sizeof(int *), 4);
  escrt_go(noop, c);
  return c;
}

// Negatives: a received pointer read, not stored through; heap data sent;
// len, cap and close; a pointer to a local received into but not sent.
int read_received(escrt_chan *c) { // ERROR "c does not escape$"
  int *p = NULL;
  if (!escrt_chan_recv(c, &p))
    return 0;
  return *p;
}

void send_heap(escrt_chan *c) { // ERROR "c does not escape$"
  int *h = malloc(sizeof *h);  // ERROR "malloc\(sizeof \*h\) escapes to heap$"
  escrt_chan_send(c, &h);
}

size_t measure(escrt_chan *c) { // ERROR "c does not escape$"
  size_t n = escrt_chan_len(c) + escrt_chan_cap(c);
  escrt_chan_close(c);
  return n;
}

int sync_locals(void) {
  escrt_mutex mu = {0};
  escrt_waitgroup wg = {0};
  escrt_mutex_lock(&mu);
  escrt_waitgroup_add(&wg, 1);
  escrt_waitgroup_done(&wg);
  escrt_waitgroup_wait(&wg);
  escrt_mutex_unlock(&mu);
  return 0;
}

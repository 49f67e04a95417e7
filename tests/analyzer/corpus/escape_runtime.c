// escape-check -m -- -I runtime/include
// The runtime's public functions (escape/go.h, gc.h, malloc.h) used as
// documented: each carries the annotation that says what it keeps, so that
// waitgroups, mutexes, channels' receive buffers, statistics and
// posix_memalign's result live in their frames, and only what escrt_go
// hands to another goroutine leaks. (ESC_ARG_OF and ESC_SEND, of
// escrt_systemstack, escrt_once_do, escrt_run, escrt_main, escrt_chan_send
// and select's send cases, are another file's.)
#include <escape/gc.h>
#include <escape/go.h>
#include <escape/malloc.h>

#include <stdbool.h>
#include <string.h>

struct job {
  escrt_waitgroup *wg;
  long *out;
  long n;
};

static void work(void *arg) { // ERROR "arg does not escape$"
  struct job *j = arg;
  *j->out = j->n * 2;
  escrt_waitgroup_done(j->wg);
}

void start_workers(escrt_waitgroup *wg, long *out, int n) { // ERROR "leaking param: wg$" "leaking param: out$"
  for (int i = 0; i < n; i++) {
    struct job *j = escrt_new(sizeof *j); // ERROR "escrt_new\(sizeof \*j\) escapes to heap$"
    j->wg = wg;
    j->out = out + i;
    j->n = i;
    escrt_go(work, j);
  }
}

long wait_all(void) {
  escrt_waitgroup wg = {0};
  escrt_waitgroup_add(&wg, 1);
  escrt_waitgroup_done(&wg);
  escrt_waitgroup_wait(&wg);
  return 0;
}

long locked_add(escrt_mutex *m, long *total, long v) { // ERROR "m does not escape$" "total does not escape$"
  escrt_mutex_lock(m);
  *total += v;
  escrt_mutex_unlock(m);
  return *total;
}

bool try_lock_local(void) {
  escrt_mutex m = {0};
  bool ok = escrt_mutex_trylock(&m);
  if (ok)
    escrt_mutex_unlock(&m);
  return ok;
}

long recv_local(escrt_chan *c) { // ERROR "c does not escape$"
  long v = 0;
  if (!escrt_chan_recv(c, &v))
    return -1;
  return v + (long)escrt_chan_len(c) + (long)escrt_chan_cap(c);
}

void drain_and_close(escrt_chan *c) { // ERROR "c does not escape$"
  long v;
  escrt_chan_close(c);
  while (escrt_chan_recv(c, &v))
    ;
  escrt_chan_free(c);
}

escrt_chan *make_chan(void) { return escrt_chan_make(sizeof(long), 4); }

void *grow(void *p, size_t n) { return escrt_realloc(p, n); } // ERROR "leaking param: p to result ~r0 level=0$" "escrt_realloc\(p, n\) escapes to heap$"

size_t usable_then_free(void *p) { // ERROR "p does not escape$"
  size_t n = escrt_usable_size(p);
  escrt_free(p);
  return n;
}

void *aligned(size_t n) {
  void *p = NULL;
  if (escrt_posix_memalign(&p, 64, n) != 0) // ERROR "escrt_posix_memalign\(&p, 64, n\) escapes to heap$"
    return NULL;
  return p;
}

unsigned long long gc_cycles(void) {
  escrt_gcstats st;
  escrt_read_gcstats(&st);
  escrt_gc();
  return st.cycles;
}

unsigned long long heap_objects(void) {
  escrt_memstats st;
  escrt_read_memstats(&st);
  return st.heap_objects;
}

// A local handed to another goroutine is moved to the heap.
static void count(void *arg) { ++*(long *)arg; } // ERROR "arg does not escape$"

void go_local(void) {
  long n = 0; // ERROR "moved to heap: n$"
  escrt_go(count, &n);
}

// Sleeping goroutines.
//
// A small part of Go's time.go: escrt_sleep parks the goroutine with a
// wake-up time in one binary min-heap of timers under one lock, and the
// scheduler readies those that are due. Every M that looks for work checks
// the earliest time first (one atomic load when nobody sleeps, a clock read
// otherwise), and the last M to go idle sleeps on its futex only until
// then (proc.c, stopm). Go keeps a heap per P; one heap is enough for
// sleeping, which is all that timers do here.
//
// The heap's array grows on the system stack, outside the lock: nothing
// holding a runtime lock allocates.
#include "runtime.h"

#include "escape/go.h"

#include <errno.h>
#include <string.h>
#include <time.h>

typedef struct timer {
  int64_t when;
  g *g;
} timer;

static struct {
  mutex lock;
  timer *heap;
  uint32_t len, cap;
  _Atomic int64_t next; // heap[0].when, or 0 when empty
} timers;

static void sift_up(uint32_t i) {
  timer t = timers.heap[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (timers.heap[parent].when <= t.when)
      break;
    timers.heap[i] = timers.heap[parent];
    i = parent;
  }
  timers.heap[i] = t;
}

static void sift_down(uint32_t i) {
  timer t = timers.heap[i];
  for (;;) {
    uint32_t child = 2 * i + 1;
    if (child >= timers.len)
      break;
    if (child + 1 < timers.len &&
        timers.heap[child + 1].when < timers.heap[child].when)
      child++;
    if (t.when <= timers.heap[child].when)
      break;
    timers.heap[i] = timers.heap[child];
    i = child;
  }
  timers.heap[i] = t;
}

static void set_next(void) {
  atomic_store(&timers.next, timers.len > 0 ? timers.heap[0].when : 0);
}

int64_t timers_next(void) {
  return atomic_load_explicit(&timers.next, memory_order_relaxed);
}

// timers_run readies the sleepers due by now, in the order of their
// deadlines, at the tail of the run queue.
int64_t timers_run(int64_t now) {
  g *due = NULL, **tail = &due;
  mutex_lock(&timers.lock);
  while (timers.len > 0 && timers.heap[0].when <= now) {
    g *gp = timers.heap[0].g;
    timers.heap[0] = timers.heap[--timers.len];
    if (timers.len > 0)
      sift_down(0);
    gp->schedlink = NULL;
    *tail = gp;
    tail = &gp->schedlink;
  }
  set_next();
  int64_t next = atomic_load(&timers.next);
  mutex_unlock(&timers.lock);
  while (due != NULL) {
    g *gp = due;
    due = gp->schedlink;
    goready_tail(gp);
  }
  return next;
}

// grow doubles the heap's array; on the system stack, without the lock.
static void grow(void *arg) {
  (void)arg;
  mutex_lock(&timers.lock);
  uint32_t cap = timers.cap;
  mutex_unlock(&timers.lock);
  uint32_t newcap = cap == 0 ? 64 : cap * 2;
  timer *heap = escrt_malloc(sizeof(timer) * newcap);
  if (heap == NULL)
    fatal("out of memory");
  mutex_lock(&timers.lock);
  timer *old = NULL;
  if (timers.cap == cap) {
    if (timers.len > 0)
      memcpy(heap, timers.heap, sizeof(timer) * timers.len);
    old = timers.heap;
    timers.heap = heap;
    timers.cap = newcap;
  } else {
    old = heap; // another goroutine grew it first
  }
  mutex_unlock(&timers.lock);
  escrt_free(old);
}

void escrt_sleep(int64_t ns) {
  if (ns <= 0)
    return;
  g *gp = tls_g;
  if (gp == NULL) { // a thread of its own: the OS sleeps it
    struct timespec ts = {ns / 1000000000, ns % 1000000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
      ;
    return;
  }
  int64_t now = nanotime();
  int64_t when = ns > INT64_MAX - now ? INT64_MAX : now + ns; // Go clamps too
  mutex_lock(&timers.lock);
  while (timers.len == timers.cap) {
    mutex_unlock(&timers.lock);
    escrt_systemstack(grow, NULL);
    mutex_lock(&timers.lock);
  }
  timers.heap[timers.len] = (timer){when, gp};
  sift_up(timers.len++);
  set_next();
  gp->sleeping = true; // the collector may shrink its stack
  gopark(mutex_unlockf, &timers.lock);
  gp->sleeping = false;
}

// Synchronization for goroutines: Mutex, WaitGroup, Once.
//
// Go's sync package on a semaphore of its own (Go's sema.go): an escrt_sema
// is a count and a FIFO of parked goroutines under a runtime lock;
// semacquire takes a unit or parks, semrelease wakes the first waiter
// (handing it the unit) or adds one. Each waiter is a node on its own
// stack, which cannot move while it is parked.
//
// Mutex: state holds a locked bit and a count of waiters. Lock is one
// compare-and-swap when free; otherwise it spins briefly (only when other
// threads run goroutines, which could unlock it meanwhile), then counts
// itself as a waiter and parks on the semaphore. Unlock with waiters hands
// the lock directly to the first one (the locked bit stays set), which is
// Go's starvation mode always: FIFO and no barging.
//
// WaitGroup: state holds the counter (high 32 bits) and the number of
// waiters (low 32 bits), as Go's. When Add brings the counter to zero,
// every waiter is released.
//
// Once: a done flag read with acquire, and a Mutex for the first call.
#include "runtime.h"

#include "escape/go.h"

#include <assert.h>

#define MUTEX_LOCKED 1u
#define MUTEX_WAITER 2u
// Spins before a contended Lock parks.
#define MUTEX_SPIN 64

static_assert(sizeof(mutex) == sizeof(uint32_t), "escrt_sema.lock is a mutex");

typedef struct semwaiter {
  g *g;
  struct semwaiter *next;
} semwaiter;

static mutex *sema_lock(escrt_sema *s) { return (mutex *)(void *)&s->lock; }

static void semacquire(escrt_sema *s) {
  mutex *l = sema_lock(s);
  mutex_lock(l);
  if (s->count > 0) {
    s->count--;
    mutex_unlock(l);
    return;
  }
  semwaiter w = {getg_blocking(), NULL};
  if (s->tail != NULL)
    ((semwaiter *)s->tail)->next = &w;
  else
    s->head = &w;
  s->tail = &w;
  gopark(mutex_unlockf, l);
}

static void semrelease(escrt_sema *s) {
  mutex *l = sema_lock(s);
  mutex_lock(l);
  semwaiter *w = s->head;
  if (w == NULL) {
    s->count++;
    mutex_unlock(l);
    return;
  }
  s->head = w->next;
  if (s->head == NULL)
    s->tail = NULL;
  g *gp = w->g;
  mutex_unlock(l);
  goready(gp);
}

// ---------------------------------------------------------------------------
// Mutex
// ---------------------------------------------------------------------------

static bool cas(uint32_t *p, uint32_t old, uint32_t new) {
  return __atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_RELAXED);
}

static void mutex_lock_slow(escrt_mutex *m) {
  if (escrt_gomaxprocs() > 1) {
    for (int i = 0; i < MUTEX_SPIN; i++) {
      cpu_relax();
      uint32_t s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
      if ((s & MUTEX_LOCKED) == 0 && cas(&m->state, s, s | MUTEX_LOCKED))
        return;
    }
  }
  for (;;) {
    uint32_t s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
    if ((s & MUTEX_LOCKED) == 0) {
      if (cas(&m->state, s, s | MUTEX_LOCKED))
        return;
    } else if (cas(&m->state, s, s + MUTEX_WAITER)) {
      semacquire(&m->sema); // woken as the owner
      return;
    }
  }
}

void escrt_mutex_lock(escrt_mutex *m) {
  if (likely(cas(&m->state, 0, MUTEX_LOCKED)))
    return;
  mutex_lock_slow(m);
}

bool escrt_mutex_trylock(escrt_mutex *m) {
  uint32_t s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
  return (s & MUTEX_LOCKED) == 0 && cas(&m->state, s, s | MUTEX_LOCKED);
}

void escrt_mutex_unlock(escrt_mutex *m) {
  for (;;) {
    uint32_t s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
    if ((s & MUTEX_LOCKED) == 0)
      fatal("sync: unlock of unlocked mutex");
    if (s == MUTEX_LOCKED) {
      if (cas(&m->state, s, 0))
        return;
    } else if (cas(&m->state, s, s - MUTEX_WAITER)) {
      semrelease(&m->sema); // hand the lock to the first waiter
      return;
    }
  }
}

// ---------------------------------------------------------------------------
// WaitGroup
// ---------------------------------------------------------------------------

void escrt_waitgroup_add(escrt_waitgroup *wg, int delta) {
  uint64_t v = __atomic_add_fetch(&wg->state, (uint64_t)(int64_t)delta << 32,
                                  __ATOMIC_SEQ_CST);
  int32_t counter = (int32_t)(v >> 32);
  uint32_t waiters = (uint32_t)v;
  if (counter < 0)
    panic_goroutine("sync: negative WaitGroup counter");
  if (counter > 0 || waiters == 0)
    return;
  // The counter is zero with waiters: nobody else may change the state now.
  __atomic_store_n(&wg->state, 0, __ATOMIC_SEQ_CST);
  for (; waiters > 0; waiters--)
    semrelease(&wg->sema);
}

void escrt_waitgroup_done(escrt_waitgroup *wg) { escrt_waitgroup_add(wg, -1); }

void escrt_waitgroup_wait(escrt_waitgroup *wg) {
  for (;;) {
    uint64_t v = __atomic_load_n(&wg->state, __ATOMIC_SEQ_CST);
    if ((v >> 32) == 0)
      return;
    if (__atomic_compare_exchange_n(&wg->state, &v, v + 1, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
      semacquire(&wg->sema);
      return;
    }
  }
}

// ---------------------------------------------------------------------------
// Once
// ---------------------------------------------------------------------------

void escrt_once_do(escrt_once *o, void (*fn)(void *), void *arg) {
  if (__atomic_load_n(&o->done, __ATOMIC_ACQUIRE))
    return;
  escrt_mutex_lock(&o->m);
  if (!o->done) {
    fn(arg);
    __atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
  }
  escrt_mutex_unlock(&o->m);
}

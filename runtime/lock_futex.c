// Futex-based mutex.
//
// Go's lock_futex.go, which is Drepper's "Futexes Are Tricky" mutex 2: the
// key is 0 when unlocked, 1 when locked, 2 when locked and some thread may
// sleep on it. An uncontended lock and unlock are one atomic instruction
// each; a contended lock spins briefly (the holder of a heap lock keeps it
// for a few hundred instructions) before it sleeps in the kernel.
//
// The heap's locks are taken around span and page-run changes only, never on
// the allocation fast path, and nothing holding one allocates from the heap.
// A thread holding a lock is never stopped for a collection (nostop_enter,
// runtime.h): the collector may take any lock while the world is stopped.
#include "runtime.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// Spins before sleeping: enough to outlast a critical section of the mheap.
#define ACTIVE_SPIN 100

// futexsleep sleeps while *addr == val, for at most ns (ns < 0: no limit);
// it may return early (a signal, a spurious wake-up). Async-signal-safe.
void futexsleep(_Atomic uint32_t *addr, uint32_t val, int64_t ns) {
  struct timespec ts, *tsp = NULL;
  if (ns >= 0) {
    ts.tv_sec = ns / 1000000000;
    ts.tv_nsec = ns % 1000000000;
    tsp = &ts;
  }
  syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, tsp, NULL, 0);
}

// futexwakeup wakes up to n threads sleeping on addr. Async-signal-safe.
void futexwakeup(_Atomic uint32_t *addr, int n) {
  syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

void mutex_lock(mutex *l) {
  uint32_t v = 0;
  if (likely(atomic_compare_exchange_strong_explicit(
          &l->key, &v, 1, memory_order_acquire, memory_order_relaxed))) {
    nostop_enter();
    return;
  }
  for (int i = 0; i < ACTIVE_SPIN; i++) {
    cpu_relax();
    v = 0;
    if (atomic_load_explicit(&l->key, memory_order_relaxed) == 0 &&
        atomic_compare_exchange_weak_explicit(
            &l->key, &v, 1, memory_order_acquire, memory_order_relaxed)) {
      nostop_enter();
      return;
    }
  }
  // Sleep, announcing a waiter: whoever unlocks a 2 must wake someone.
  while (atomic_exchange_explicit(&l->key, 2, memory_order_acquire) != 0)
    futexsleep(&l->key, 2, -1);
  nostop_enter();
}

void mutex_unlock(mutex *l) {
  uint32_t v = atomic_exchange_explicit(&l->key, 0, memory_order_release);
  if (unlikely(v == 2))
    futexwakeup(&l->key, 1);
  else if (unlikely(v == 0))
    throw("unlock of unlocked lock");
  nostop_leave();
}

// Growing and shrinking goroutine stacks by copying.
//
// The other half of Go's stack.go (stack.c allocates). A goroutine starts
// on a STARTING_STACK (2 KB) stack. Code compiled for goroutines checks, on
// function entry, that the stack pointer is above the goroutine's guard:
//
//	if (sp - need < escrt_stackguard) escrt_morestack(need);  //
// ESCRT_STACK_CHECK
//
// The guard is STACK_GUARD bytes above the stack's lowest address: enough
// for the frame that made the check, for the runtime functions a goroutine
// calls without checks (channel operations, parking) and for the switch to
// g0, which pushes the goroutine's registers onto its own stack.
//
// escrt_morestack switches to g0 (ACT_MORESTACK), whose scheduler calls
// newstack: a stack twice the size (or more, for a large request) is
// allocated, the used part [sp, hi) copied to the top of it, and every word
// of the copy that points into the old stack moved by the distance between
// the two (copystack); the old stack is freed and the goroutine resumed on
// the new one. The saved registers are words of the copy: the switch left
// them on the stack. Go adjusts pointers precisely, frame by frame, with
// the compiler's stack maps; C has none, so the copy is conservative: any
// word whose value lies in [lo, hi) of the old stack is taken for a
// pointer. This is sound because no pointer into a goroutine stack exists
// outside that stack (the contract in escape/go.h, which escape-check
// enforces): not in the heap, not in a global, not on another stack. The
// one exception is the runtime's own: while a goroutine is parked, its
// sudogs (on its stack) are linked from channels, and a waker writes into
// its stack; a stack never moves while its goroutine is parked or in a
// select (g.waiting).
//
// Shrinking: when the scheduler resumes a goroutine that uses less than a
// quarter of its stack, the stack is halved (as often as that stays true
// and the half leaves the guard's room free, never below the starting
// size), by the same copy. A collection also halves, once, the stack of
// every goroutine that waits to run or sleeps and uses less than a quarter
// of it (gc_shrinkstack), as Go shrinks at garbage collection.
//
// A stack larger than max_stack_size (escrt_set_max_stack, 1,000,000,000
// by default as Go's) stops the program: "runtime: goroutine stack exceeds
// 1000000000-byte limit" and "fatal error: stack overflow". Since stacks
// are powers of two, the largest is 512 MB.
#include "runtime.h"

#include "escape/go.h"

#include <string.h>

#ifdef ESCRT_ASAN
#include <sanitizer/asan_interface.h>
#define NO_SANITIZE_ADDRESS __attribute__((no_sanitize_address))
#else
#define NO_SANITIZE_ADDRESS
#endif

size_t max_stack_size = 1000000000;

// copy_words copies n words from src to dst, moving by delta every word
// that lies in [lo, hi). It reads the old stack's AddressSanitizer
// redzones, so it is not instrumented.
NO_SANITIZE_ADDRESS static void copy_words(uintptr_t *dst, const uintptr_t *src,
                                           uintptr_t n, uintptr_t lo,
                                           uintptr_t hi, uintptr_t delta) {
  uintptr_t size = hi - lo;
  for (uintptr_t i = 0; i < n; i++) {
    uintptr_t w = src[i];
    if (w - lo < size)
      w += delta;
    dst[i] = w;
  }
}

// copystack moves gp's stack to a new one of newsize bytes. gp is not
// running and not parked; it runs on g0.
static void copystack(g *gp, uintptr_t newsize) {
  nostop_enter(); // a collection sees the stack before or after the move
  stack old = gp->sched.stk;
  uintptr_t used = old.hi - gp->sched.sp;
  stack stk = stackalloc(newsize);
  uintptr_t delta = stk.hi - old.hi; // modulo 2^64: a move down is fine
  // 1. Copy the used part, moving pointers into the old stack.
  copy_words((uintptr_t *)(stk.hi - used), (const uintptr_t *)gp->sched.sp,
             used / sizeof(uintptr_t), old.lo, old.hi, delta);
  // 2. Move the goroutine's own pointers into its stack.
  gp->sched.sp += delta;
  if ((uintptr_t)gp->param - old.lo < old.hi - old.lo)
    gp->param = (char *)gp->param + delta;
  // 3. Switch to the new stack.
  gp->sched.stk = stk;
  gp->stackguard = stk.lo + STACK_GUARD;
  *(uintptr_t *)stk.lo = STACK_GUARD_WORD;
  // 4. Free the old one, with its redzones cleared for whoever gets it.
#ifdef ESCRT_ASAN
  ASAN_UNPOISON_MEMORY_REGION((void *)old.lo, old.hi - old.lo);
#endif
  stackfree(old);
  nostop_leave();
}

// newstack grows gp's stack so that gp->need bytes and the guard fit below
// its stack pointer. Called on g0 when gp asked for more (ACT_MORESTACK).
void newstack(g *gp) {
  uintptr_t oldsize = gp->sched.stk.hi - gp->sched.stk.lo;
  uintptr_t used = gp->sched.stk.hi - gp->sched.sp;
  uintptr_t newsize = oldsize * 2;
  // Room below sp for the request, the guard, and the frame that checks.
  while (newsize - used < gp->need + STACK_GUARD + ESCRT_STACK_SMALL) {
    if (newsize > max_stack_size)
      break;
    newsize *= 2;
  }
  if (newsize > max_stack_size)
    fatal_stack_limit(max_stack_size);
  copystack(gp, newsize);
}

// shrinkstack halves gp's stack while it uses less than a quarter of it.
// Called on g0 before gp resumes; gp is in no wait queue.
// can_halve reports whether a stack of size bytes holding gp's used part
// may be halved: above the starting size, less than a quarter used, and
// the half leaves the guard's room free.
static bool can_halve(const g *gp, uintptr_t size) {
  uintptr_t used = gp->sched.stk.hi - gp->sched.sp;
  return size > STARTING_STACK && used < size / 4 &&
         used + STACK_GUARD + ESCRT_STACK_SMALL <= size / 2;
}

void shrinkstack(g *gp) {
  uintptr_t size = gp->sched.stk.hi - gp->sched.stk.lo;
  uintptr_t newsize = size;
  while (can_halve(gp, newsize))
    newsize /= 2;
  if (newsize != size)
    copystack(gp, newsize);
}

// gc_shrinkstack halves gp's stack once if it uses less than a quarter of
// it (Go's shrinkstack at a collection), never below the starting size.
// The world is stopped and gp is runnable or asleep, with no sudog on its
// stack: nothing outside the stack points into it.
bool gc_shrinkstack(g *gp) {
  uintptr_t size = gp->sched.stk.hi - gp->sched.stk.lo;
  if (!can_halve(gp, size))
    return false;
  copystack(gp, size / 2);
  return true;
}

size_t escrt_set_max_stack(size_t bytes) {
  size_t old = max_stack_size;
  max_stack_size = bytes;
  return old;
}

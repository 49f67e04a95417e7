// Execution contexts, portably: the fallback for machines without an
// asm_ARCH.S (and, for testing it, x86-64 built with ESCRT_PORTABLE_SWITCH).
//
// See gobuf.c for what a context is. Here the switch is the C library's
// swapcontext, which saves every register and the signal mask (a system
// call: some hundreds of nanoseconds a switch, against a few for the
// assembly). What stack copying needs of a switch still holds: the
// suspended context's registers are saved on its own stack, in a
// ucontext_t that is a local of gobuf_switch, so that copystack moves them
// with the rest of the stack and rewrites the stack pointer, frame pointer
// and any callee-saved register that points into it. gobuf.sp is the
// lowest address of the suspended context that is live: UC_BELOW bytes
// under that ucontext_t, room for gobuf_switch's own frame and the call.
//
// A new context (gobuf_init) starts from a ucontext_t made by makecontext
// at the top of its stack, with the function and its argument beside it;
// the context runs below them. The system stack (gobuf_systemstack) is
// entered the same way, from contexts built on g0's stack below where g0 is
// suspended.
//
// A ucontext_t is 1 KB on x86-64 and 4.5 KB on arm64: with this fallback,
// goroutines start at 16 KB and the guard grows by one ucontext_t
// (runtime.h). AddressSanitizer is told of every switch (fiber.c).
#include "runtime.h"

#include <stdalign.h>

#ifdef ESCRT_ASAN
#include <dlfcn.h>
#endif

// The system stack's room for escrt_systemstack's function, below where g0
// is suspended: thread stacks are megabytes.
#define SYSTEMSTACK_ROOM ((size_t)256 << 10)

// start is what a new context runs, kept beside its first ucontext_t.
typedef struct start {
  void (*fn)(void *);
  void *arg;
} start;

// The top of a new context's stack: its first registers and what it runs.
typedef struct first {
  ucontext_t uc;
  start st;
} first;

// switching_to is the gobuf of the switch in progress on this thread: a
// new context finds what to run through it.
static __thread gobuf *switching_to;

#ifdef ESCRT_ASAN
// AddressSanitizer intercepts swapcontext, and warns once on standard
// error that it does not fully support it. The hooks here tell it of every
// switch, as with the assembly, so the C library's own is called.
static int swap(ucontext_t *save, const ucontext_t *to) {
  static int (*libc_swapcontext)(ucontext_t *, const ucontext_t *);
  if (libc_swapcontext == NULL) {
    void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    if (libc != NULL)
      *(void **)&libc_swapcontext = dlsym(libc, "swapcontext");
    if (libc_swapcontext == NULL)
      throw("cannot find the C library's swapcontext");
  }
  return libc_swapcontext(save, to);
}
#else
#define swap swapcontext
#endif

static first *first_of(stack stk) {
  return (first *)((stk.hi - sizeof(first)) & ~(uintptr_t)(alignof(first) - 1) &
                   ~(uintptr_t)15);
}

static ucontext_t *uc_of(gobuf *b) { return (ucontext_t *)(b->sp + UC_BELOW); }

static void context_entry(void) {
  first *f = first_of(switching_to->stk);
  start st = f->st;
  fiber_switch_finish(NULL);
  st.fn(st.arg);
  throw("context function returned");
}

void gobuf_init(gobuf *b, stack stk, void (*fn)(void *), void *arg) {
  first *f = first_of(stk);
  f->st = (start){fn, arg};
  if (getcontext(&f->uc) != 0)
    throw("getcontext failed");
  f->uc.uc_link = NULL;
  f->uc.uc_stack.ss_sp = (void *)stk.lo;
  f->uc.uc_stack.ss_size = (uintptr_t)f - UC_BELOW - stk.lo;
  makecontext(&f->uc, context_entry, 0);
  b->sp = (uintptr_t)&f->uc - UC_BELOW;
  b->stk = stk;
  b->asan_fake = NULL;
}

// gobuf_switch keeps its registers in a local: uninstrumented, so that the
// local is on the stack itself, where UC_BELOW expects it, and not in
// AddressSanitizer's fake frames.
__attribute__((no_sanitize_address)) void gobuf_switch(gobuf *from, gobuf *to) {
  ucontext_t uc; // this context's registers, on its own stack
  switching_to = to;
  from->sp = (uintptr_t)&uc - UC_BELOW;
  fiber_switch_start(&from->asan_fake, from, to->stk);
  if (swap(&uc, uc_of(to)) != 0)
    throw("swapcontext failed");
  fiber_switch_finish(from->asan_fake);
}

// A call to make on g0's stack, and the contexts it goes by.
typedef struct call_on {
  void (*fn)(void *);
  void *arg;
  gobuf *cur, *g0;
  ucontext_t there, back;
} call_on;

static __thread call_on *calling;

static void call_on_entry(void) {
  call_on *c = calling;
  fiber_switch_finish(c->g0->asan_fake);
  c->fn(c->arg);
  fiber_switch_start(&c->g0->asan_fake, NULL, c->cur->stk);
} // returns to c->back (uc_link)

void gobuf_systemstack(gobuf *cur, gobuf *g0, void (*fn)(void *), void *arg) {
  // The call and both contexts live on g0's stack, below where it is
  // suspended (and its red zone): the goroutine's stack holds nothing new.
  uintptr_t top = (g0->sp - 256) & ~(uintptr_t)63;
  call_on *c = (call_on *)(top - sizeof(call_on));
  c->fn = fn;
  c->arg = arg;
  c->cur = cur;
  c->g0 = g0;
  calling = c;
  if (getcontext(&c->there) != 0)
    throw("getcontext failed");
  c->there.uc_link = &c->back;
  c->there.uc_stack.ss_size = SYSTEMSTACK_ROOM;
  c->there.uc_stack.ss_sp = (void *)((uintptr_t)c - SYSTEMSTACK_ROOM);
  makecontext(&c->there, call_on_entry, 0);
  void *fake = NULL;
  fiber_switch_start(&fake, NULL, g0->stk);
  if (swap(&c->back, &c->there) != 0)
    throw("swapcontext failed");
  fiber_switch_finish(fake);
}

// Execution contexts.
//
// The scheduler (proc.c) runs goroutines on stacks from stack.c and
// switches between them and each thread's own stack. A context is a gobuf,
// as in Go: a suspended context's registers live on its own stack, so the
// gobuf holds its stack pointer and, for the sanitizers, its stack's bounds.
// gobuf_switch saves the running context into one gobuf and resumes
// another: escrt_switch in asm_amd64.S, a dozen instructions, saving only
// what the System V ABI makes callee-saved (rbx, rbp, r12-r15, MXCSR and the
// x87 control word), since the switch is an ordinary call for the compiler.
// Never ucontext, which saves the signal mask with a system call.
//
// A new context (gobuf_init) starts with a frame that escrt_switch pops: its
// return address is escrt_context_entry, which calls escrt_context_start(fn,
// arg). That function must never return: a goroutine ends by switching away
// for good; if fn returns, the program stops with "fatal error: runtime:
// context function returned", rather than running off its stack (libaco's
// exit trampoline).
//
// Every switch is announced to AddressSanitizer (fiber.c).
#include "runtime.h"

// The initial frame of a context, as escrt_switch pops it (asm_amd64.S).
typedef struct context_frame {
  uint32_t mxcsr;
  uint16_t fpucw;
  uint16_t pad;
  uintptr_t r15, r14, r13, r12, rbx, rbp;
  uintptr_t ret;
} context_frame;

// The control words a new context starts with: the ABI's defaults (all
// exceptions masked, round to nearest; x87 extended precision).
#define MXCSR_DEFAULT 0x1f80
#define FPUCW_DEFAULT 0x037f

void escrt_switch(uintptr_t *save_sp, uintptr_t new_sp);
void escrt_context_entry(void);
_Noreturn void escrt_context_start(void (*fn)(void *), void *arg);

// gobuf_init makes b a new context that runs fn(arg) on stack stk when first
// switched to. stk is at least FIXED_STACK bytes.
void gobuf_init(gobuf *b, stack stk, void (*fn)(void *), void *arg) {
  // The return address slot sits 8 bytes below a 16-byte boundary, so that
  // escrt_context_entry's call finds the stack aligned as the ABI wants;
  // the 16 bytes above it stay zero, the end of a backtrace.
  uintptr_t top = (stk.hi & ~(uintptr_t)15) - 16;
  context_frame *f = (context_frame *)(top - sizeof(context_frame));
  *f = (context_frame){.mxcsr = MXCSR_DEFAULT,
                       .fpucw = FPUCW_DEFAULT,
                       .r12 = (uintptr_t)fn,
                       .r13 = (uintptr_t)arg,
                       .ret = (uintptr_t)escrt_context_entry};
  *(uintptr_t *)top = 0;
  *(uintptr_t *)(top + 8) = 0;
  b->sp = (uintptr_t)f;
  b->stk = stk;
  b->asan_fake = NULL;
}

// gobuf_switch saves the running context in from and resumes to. It returns
// when some context switches back to from.
void gobuf_switch(gobuf *from, gobuf *to) {
  fiber_switch_start(&from->asan_fake, from, to->stk);
  escrt_switch(&from->sp, to->sp);
  fiber_switch_finish(from->asan_fake);
}

void escrt_call_on(void (*fn)(void *), void *arg, uintptr_t sp);

// A call to make on another context's stack.
typedef struct call_on {
  void (*fn)(void *);
  void *arg;
  gobuf *cur, *g0;
} call_on;

static void call_on_trampoline(void *arg) {
  call_on *c = arg;
  fiber_switch_finish(c->g0->asan_fake);
  c->fn(c->arg);
  fiber_switch_start(&c->g0->asan_fake, NULL, c->cur->stk);
}

// gobuf_systemstack runs fn(arg) on g0's stack, below where g0 is
// suspended, and returns on cur's stack (Go's systemstack). cur is the
// running context; g0 has been switched away from at least once.
void gobuf_systemstack(gobuf *cur, gobuf *g0, void (*fn)(void *), void *arg) {
  call_on c = {fn, arg, cur, g0};
  // Below g0's saved registers and the red zone of the frame it is in.
  uintptr_t sp = (g0->sp - 256) & ~(uintptr_t)15;
  void *fake = NULL;
  fiber_switch_start(&fake, NULL, g0->stk);
  escrt_call_on(call_on_trampoline, &c, sp);
  fiber_switch_finish(fake);
}

void escrt_context_start(void (*fn)(void *), void *arg) {
  fiber_switch_finish(NULL);
  fn(arg);
  throw("context function returned");
}

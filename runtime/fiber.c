// Telling AddressSanitizer of context switches.
//
// AddressSanitizer keeps one stack per thread; a program that switches
// stacks itself must say so, as boost.context's fiber_ucontext does: before
// a switch, which stack comes next (__sanitizer_start_switch_fiber, which
// also saves the leaving context's fake stack), and once there, that the
// switch is done (__sanitizer_finish_switch_fiber, which restores the
// arriving context's fake stack and reports the stack just left). A
// thread's own stack (g0) has no bounds in its gobuf until the first switch
// away from it reports them here. Both context switches (gobuf.c,
// gobuf_ucontext.c) call these around every switch; without the sanitizer
// they are empty inline functions (runtime.h).
#include "runtime.h"

#ifdef ESCRT_ASAN
#include <sanitizer/common_interface_defs.h>

// switching_from is the gobuf being left by the switch in progress on this
// thread, or NULL when it is not a gobuf's (a call on the system stack).
static __thread gobuf *switching_from;

void fiber_switch_start(void **fake_save, gobuf *from, stack to) {
  switching_from = from;
  __sanitizer_start_switch_fiber(fake_save, (const void *)to.lo, to.hi - to.lo);
}

void fiber_switch_finish(void *fake) {
  const void *bottom;
  size_t size;
  __sanitizer_finish_switch_fiber(fake, &bottom, &size);
  gobuf *from = switching_from;
  if (from != NULL && from->stk.lo == 0) { // a thread's own stack
    from->stk.lo = (uintptr_t)bottom;
    from->stk.hi = (uintptr_t)bottom + size;
  }
}
#endif

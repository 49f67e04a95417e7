// fmt.h: Go's fmt.Printf for the Go-style samples (pipeline.c, workers.c,
// fanin.c, sieve.c, stack.c, closures.c).
//
// printf is C library code, compiled without stack checks, and it wants
// more stack than a goroutine starts with (2 KB). go.h's stack contract
// says how to call such code from a goroutine: on the thread's own stack,
// through escrt_systemstack. fmt_printf does that for a whole printf call:
// it packs the format and the va_list into a local and has vprintf run on
// the system stack. Pointers into the goroutine's stack (the va_list's)
// may go along: the call is synchronous, and the runtime moves only the
// stacks of goroutines that are not running.
//
// Each sample is one translation unit: everything here is static.
#ifndef SAMPLES_FMT_H
#define SAMPLES_FMT_H

#include <escape/go.h>

#include <stdarg.h>
#include <stdio.h>

// fmt_call is one printf call, handed to the system stack.
typedef struct fmt_call {
  const char *format;
  va_list args;
} fmt_call;

static void fmt_vprintf_(void *arg) {
  fmt_call *c = arg;
  vprintf(c->format, c->args);
}

// fmt_printf is fmt.Printf: printf from a goroutine (or from anywhere).
static __attribute__((format(printf, 1, 2))) void fmt_printf(const char *format,
                                                             ...) {
  ESCRT_STACK_CHECK();
  fmt_call c = {.format = format};
  va_start(c.args, format);
  escrt_systemstack(fmt_vprintf_, &c);
  va_end(c.args);
}

#endif

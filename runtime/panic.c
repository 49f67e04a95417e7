// Fatal errors and panics.
//
// The runtime's error triad (see HACKING.md): throw for runtime bugs, fatal
// for user faults the program cannot recover from, and Go's panic texts for
// the goroutines' misuse (a send on a closed channel, an index out of
// range: die_panic, which proc.c's panic_goroutine calls; there is no
// recover, so a panic ends the program too). throw prints "fatal error:
// runtime: MSG", fatal "fatal error: MSG", die_panic "panic: MSG", a blank
// line and "goroutine N [running]:", each to standard error, and all exit
// with status 2, as Go does.
//
// They run when the heap may be corrupt or its locks held, so they allocate
// nothing: messages are assembled in a buffer on the stack and written with
// one write(2), and the process ends with _exit, skipping atexit handlers
// that could call back into the heap.
//
// Bounds errors (escrt_panic_bounds) are Go's boundsError (error.go): a
// code saying which check of an index or slice expression failed, and the
// two values it compared, formatted by Go's table of messages; the panic
// itself is panic_goroutine's (proc.c), which knows the goroutine.
#include "runtime.h"

#include "escape/slice.h"

#include <string.h>
#include <unistd.h>

// A message under construction in a fixed buffer; overflow truncates.
typedef struct message {
  char buf[256];
  size_t len;
} message;

static void put(message *m, const char *s) {
  size_t n = strlen(s);
  if (n > sizeof m->buf - m->len)
    n = sizeof m->buf - m->len;
  memcpy(m->buf + m->len, s, n);
  m->len += n;
}

static void put_hex(message *m, uintptr_t v) {
  char tmp[2 + 16 + 1];
  char *p = tmp + sizeof tmp - 1;
  *p = '\0';
  do {
    *--p = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v != 0);
  *--p = 'x';
  *--p = '0';
  put(m, p);
}

static void put_dec(message *m, uintptr_t v) {
  char tmp[21];
  char *p = tmp + sizeof tmp - 1;
  *p = '\0';
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  put(m, p);
}

// put_int appends v as a signed or an unsigned decimal.
static void put_int(message *m, int64_t v, bool is_signed) {
  if (is_signed && v < 0) {
    put(m, "-");
    put_dec(m, -(uint64_t)v);
    return;
  }
  put_dec(m, (uint64_t)v);
}

static _Noreturn void die(message *m) {
  put(m, "\n");
  if (m->buf[m->len - 1] != '\n')
    m->buf[m->len - 1] = '\n';
  ssize_t ignored = write(STDERR_FILENO, m->buf, m->len);
  (void)ignored;
  _exit(2);
}

void throw(const char *msg) {
  message m = {.len = 0};
  put(&m, "fatal error: runtime: ");
  put(&m, msg);
  die(&m);
}

void fatal(const char *msg) {
  message m = {.len = 0};
  put(&m, "fatal error: ");
  put(&m, msg);
  die(&m);
}

void fatal_free(const char *verb, const void *p, const char *why, uintptr_t obj,
                uintptr_t size) {
  message m = {.len = 0};
  put(&m, "fatal error: ");
  put(&m, verb);
  put(&m, " of ");
  put_hex(&m, (uintptr_t)p);
  put(&m, ": ");
  put(&m, why);
  if (obj != 0) {
    put(&m, " (object ");
    put_hex(&m, obj);
    put(&m, ", size ");
    put_dec(&m, size);
    put(&m, ")");
  }
  die(&m);
}

void die_panic(const char *msg, int64_t goid) {
  message m = {.len = 0};
  put(&m, "panic: ");
  put(&m, msg);
  put(&m, "\n\ngoroutine ");
  put_dec(&m, (uintptr_t)goid);
  put(&m, " [running]:");
  die(&m);
}

void fatal_stack_limit(uintptr_t limit) {
  message m = {.len = 0};
  put(&m, "runtime: goroutine stack exceeds ");
  put_dec(&m, limit);
  put(&m, "-byte limit\nfatal error: stack overflow");
  die(&m);
}

// Go's boundsErrorFmts, by escrt_bounds_code, and boundsNegErrorFmts, for a
// negative signed x, which leave y out.
static const char *const bounds_formats[] = {
    [ESCRT_BOUNDS_INDEX] = "index out of range [%x] with length %y",
    [ESCRT_BOUNDS_SLICE_ALEN] =
        "slice bounds out of range [:%x] with length %y",
    [ESCRT_BOUNDS_SLICE_ACAP] =
        "slice bounds out of range [:%x] with capacity %y",
    [ESCRT_BOUNDS_SLICE_B] = "slice bounds out of range [%x:%y]",
    [ESCRT_BOUNDS_SLICE3_ALEN] =
        "slice bounds out of range [::%x] with length %y",
    [ESCRT_BOUNDS_SLICE3_ACAP] =
        "slice bounds out of range [::%x] with capacity %y",
    [ESCRT_BOUNDS_SLICE3_B] = "slice bounds out of range [:%x:%y]",
    [ESCRT_BOUNDS_SLICE3_C] = "slice bounds out of range [%x:%y:]",
};
static const char *const bounds_negative_formats[] = {
    [ESCRT_BOUNDS_INDEX] = "index out of range [%x]",
    [ESCRT_BOUNDS_SLICE_ALEN] = "slice bounds out of range [:%x]",
    [ESCRT_BOUNDS_SLICE_ACAP] = "slice bounds out of range [:%x]",
    [ESCRT_BOUNDS_SLICE_B] = "slice bounds out of range [%x:]",
    [ESCRT_BOUNDS_SLICE3_ALEN] = "slice bounds out of range [::%x]",
    [ESCRT_BOUNDS_SLICE3_ACAP] = "slice bounds out of range [::%x]",
    [ESCRT_BOUNDS_SLICE3_B] = "slice bounds out of range [:%x:]",
    [ESCRT_BOUNDS_SLICE3_C] = "slice bounds out of range [%x::]",
};

// escrt_panic_bounds runs on the goroutine that failed the check, from the
// cold path of a macro in escape/slice.h: its frame is the message (Go's
// longest is 99 bytes) and it calls nothing deep before panic_goroutine
// moves to the system stack.
void escrt_panic_bounds(escrt_bounds_code code, int64_t x, bool x_signed,
                        ptrdiff_t y) {
  if ((unsigned)code > ESCRT_BOUNDS_SLICE3_C)
    throw("bounds error with an unknown code");
  const char *f =
      x_signed && x < 0 ? bounds_negative_formats[code] : bounds_formats[code];
  message m = {.len = 0};
  put(&m, "runtime error: ");
  for (; *f != '\0'; f++) {
    if (f[0] == '%' && f[1] == 'x')
      put_int(&m, x, x_signed);
    else if (f[0] == '%' && f[1] == 'y')
      put_int(&m, y, true);
    else {
      m.buf[m.len++] = *f; // the longest message leaves room to spare
      continue;
    }
    f++;
  }
  m.buf[m.len] = '\0';
  panic_goroutine(m.buf);
}

void escrt_panic_index(ptrdiff_t x, ptrdiff_t len) {
  escrt_panic_bounds(ESCRT_BOUNDS_INDEX, x, true, len);
}

// escape-check
// Check mode through interface calls (iface.c): a call through a
// function-pointer field or parameter whose every value is known is no
// -Wescape-call warning, unless a target keeps the pointer; then the
// warning says where the target keeps it, through the call. Calls through
// ESC_ARG_OF behave the same.
#include <stddef.h>

#define ESC_ARG_OF(n) __attribute__((annotate("escape:arg-of:" #n)))

int *kept;

struct sink_ops {
  void (*put)(int *p);
};

static void put_quiet(int *p) { (void)p; }

static void put_keep(int *p) { kept = p; }

static const struct sink_ops quiet_ops = {put_quiet};
static const struct sink_ops keep_ops = {.put = put_keep};

const struct sink_ops *pick(int c) { return c ? &quiet_ops : &keep_ops; }

struct quiet_only {
  void (*put)(int *p);
};

static const struct quiet_only only = {put_quiet};

void resolved_quiet(const struct quiet_only *q) {
  int x = 0;
  q->put(&x);
}

void resolved_keeps(const struct sink_ops *ops) {
  int x = 0;
  ops->put(&x); // ERROR "^warning: address of local variable 'x' escapes: stored in global 'kept' \(through 'ops->put'\) \[-Wescape-global\]$"
}

static void each(void (*fn)(int *), int *p) { fn(p); }

static void each_quiet(void (*fn)(int *), int *p) { fn(p); }

// A parameter holds the union of what every call passes: each's fn may be
// put_keep, so each keeps p whatever this call passes; each_quiet's may not.
void through_param(void) {
  int x = 0;
  each(put_quiet, &x); // ERROR "^warning: address of local variable 'x' escapes: stored in global 'kept' \(through 'each'\) \[-Wescape-global\]$"
  int z = 0;
  each_quiet(put_quiet, &z);
  int y = 0;
  each(put_keep, &y); // ERROR "^warning: address of local variable 'y' escapes: stored in global 'kept' \(through 'each'\) \[-Wescape-global\]$"
}

void run_with(void (*fn)(int *), int *arg ESC_ARG_OF(1));

void arg_of(void (*unknown)(int *)) {
  int x = 0;
  run_with(put_quiet, &x);
  int y = 0;
  run_with(unknown, &y); // ERROR "^warning: address of local variable 'y' escapes: passed to unknown function 'unknown' \[-Wescape-call\]$"
}

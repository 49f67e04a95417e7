// asan: stack-use-after-return
#include <stdio.h>

/* LOGV(x) evaluates x once, logs its text and value, and yields it;
   the log keeps the address of the macro's own temporary. */
struct entry {
  const char *expr;
  const long *val;
};
static struct entry entries[8];
static int nentries;

static void log_value(const char *expr, const long *val) {
  entries[nentries++] = (struct entry){expr, val};
}

#define LOGV(x) ({ long v_ = (x); log_value(#x, &v_); v_; })

static long poly(long a, long b) {
  long x = LOGV(a * a);
  long y = LOGV(LOGV(2 * a) * b);
  long z = LOGV(x + y + LOGV(b * b));
  return z;
}

static void scrub(void) {
  volatile long junk[90];
  for (int i = 0; i < 90; i++) junk[i] = 0x0badf00d;
}

int main(void) {
  long r = poly(3, 4);
  scrub();
  printf("poly=%ld\n", r);
  for (int i = 0; i < nentries; i++)
    printf("%s = %ld\n", entries[i].expr, *entries[i].val);
  return 0;
}

// asan: stack-use-after-return
#include <stdio.h>

/* Formatters that return a pointer into their own buffer: right-aligned
   output with the padding skipped, and hex digits filled from the end. */
static const char *fmt_money(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%12.2f", v);
  const char *p = buf;
  while (*p == ' ') p++;
  return p;
}

static const char *fmt_hex(unsigned v) {
  char buf[64];
  char *p = buf + sizeof buf;
  *--p = 0;
  do {
    *--p = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v);
  *--p = 'x';
  *--p = '0';
  return p;
}

int main(void) {
  const char *a = fmt_money(1234.5);
  const char *b = fmt_money(-7);
  const char *h = fmt_hex(48879);
  printf("%s + %s\n", a, b);
  const char *f = fmt_hex(255);
  printf("%s %s\n", h, f);
  return 0;
}

// asan: stack-use-after-return
// A formatting helper that returns its local buffer.
#include <stdio.h>
#include <stdlib.h>

static char *fmt_money(long cents) {
  char buf[32];
  snprintf(buf, sizeof buf, "%s$%ld.%02ld", cents < 0 ? "-" : "",
           labs(cents) / 100, labs(cents) % 100);
  char *s = buf;
  return s;
}

static void scribble(void) {
  char junk[128];
  for (int i = 0; i < 127; i++)
    junk[i] = 'A' + i % 26;
  junk[127] = 0;
  (void)junk;
}

int main(void) {
  const char *a = fmt_money(12345);
  const char *b = fmt_money(-705);
  const char *c = fmt_money(9);
  scribble();
  printf("%s | %s | %s\n", a, b, c);
  return 0;
}

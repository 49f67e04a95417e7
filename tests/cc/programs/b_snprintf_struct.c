// asan: stack-use-after-return
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A config checker whose error reporter formats into a local buffer
   and stores the pointer in the caller's context. */
struct ctx {
  int line;
  const char *errmsg;
};

static void set_error(struct ctx *c, const char *fmt, ...) {
  char msg[64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  c->errmsg = msg;
}

static int check_line(struct ctx *c, const char *line) {
  const char *eq = strchr(line, '=');
  if (!eq) {
    set_error(c, "line %d: missing '=' in \"%s\"", c->line, line);
    return -1;
  }
  if (eq == line) {
    set_error(c, "line %d: empty key", c->line);
    return -1;
  }
  return 0;
}

static void scrub(void) {
  volatile char junk[512];
  for (int i = 0; i < 512; i++) junk[i] = '@';
}

int main(void) {
  const char *lines[] = {"port=80", "verbose", "=3", "name=x"};
  struct ctx errors[4];
  int nerr = 0;
  for (int i = 0; i < 4; i++) {
    struct ctx c = {i + 1, NULL};
    if (check_line(&c, lines[i]) != 0) errors[nerr++] = c;
  }
  scrub();
  printf("%d errors\n", nerr);
  for (int i = 0; i < nerr; i++)
    printf("%s\n", errors[i].errmsg);
  return 0;
}

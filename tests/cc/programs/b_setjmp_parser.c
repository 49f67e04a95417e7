// asan: stack-use-after-return
#include <setjmp.h>
#include <stdio.h>

/* Recursive-descent calculator; syntax errors longjmp back to run(). */
struct parser {
  const char *s, *start;
  const char *err_msg;
  jmp_buf fail;
};
struct result { int ok; long value; const char *msg, *rest; };

static _Noreturn void error(struct parser *p, const char *expected) {
  char what[48];
  snprintf(what, sizeof what, "expected %s at column %d", expected, (int)(p->s - p->start));
  p->err_msg = what;
  longjmp(p->fail, 1);
}

static long expr(struct parser *p);

static long term(struct parser *p) {
  if (*p->s >= '0' && *p->s <= '9')
    return *p->s++ - '0';
  if (*p->s != '(') error(p, "digit or '('");
  p->s++;
  long v = expr(p);
  if (*p->s != ')') error(p, "')'");
  p->s++;
  return v;
}

static long expr(struct parser *p) {
  long v = term(p);
  while (*p->s == '+' || *p->s == '*') {
    char op = *p->s++;
    long r = term(p);
    v = op == '+' ? v + r : v * r;
  }
  return v;
}

static int run(struct parser *p, long *value) {
  if (setjmp(p->fail)) return 0;
  *value = expr(p);
  return 1;
}

static void parse_line(const char *line, struct result *out) {
  char copy[64];
  size_t n = 0;
  for (; *line && n < sizeof copy - 1; line++)
    if (*line != ' ') copy[n++] = *line;
  copy[n] = 0;
  struct parser p = {copy, copy, NULL};
  out->ok = run(&p, &out->value);
  out->msg = p.err_msg;
  out->rest = p.s; /* the unparsed remainder, inside 'copy' */
}

int main(void) {
  const char *lines[] = {"1 + (2*3)", "(4+5", "2*(3+x)"};
  struct result r[3];
  for (int i = 0; i < 3; i++) parse_line(lines[i], &r[i]);
  for (int i = 0; i < 3; i++) {
    if (r[i].ok) printf("%d: = %ld, rest [%s]\n", i, r[i].value, r[i].rest);
    else printf("%d: %s, rest [%s]\n", i, r[i].msg, r[i].rest);
  }
  return 0;
}

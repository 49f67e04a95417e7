// asan: stack-use-after-return
#include <stdio.h>

/* Bracket matcher: 's' sits between two cases, so it is only ever
   reached through the label after it; each ')' gets a new one. */
struct span {
  int open, close;
};
static const struct span *spans[8];
static int nspans;

static void clobber(void) {
  volatile int junk[128];
  for (int i = 0; i < 128; i++) junk[i] = -1;
}

static int match(const char *text) {
  int stack[8], depth = 0;
  for (int i = 0; text[i]; i++) {
    switch (text[i]) {
    case '(':
      stack[depth++] = i;
      break;
      struct span s;
    case ')':
      if (depth == 0)
        return -1;
      s.open = stack[--depth];
      s.close = i;
      spans[nspans++] = &s;
      break;
    default:
      break;
    }
  }
  return depth;
}

int main(void) {
  int r = match("(a(b)c)(d)");
  clobber();
  printf("unclosed=%d spans=%d\n", r, nspans);
  for (int i = 0; i < nspans; i++)
    printf("[%d,%d]\n", spans[i]->open, spans[i]->close);
  return 0;
}

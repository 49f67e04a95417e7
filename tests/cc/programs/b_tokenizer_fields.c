// asan: stack-use-after-return
#include <stdio.h>
#include <string.h>

/* A CSV field splitter with its own lexer state; the fields point into
   the lexer's buffer, which lives in fields()'s frame. */
struct lexer {
  char buf[64];
  char *cur;
};

static int fields(const char *csv, const char **out, int max) {
  struct lexer lx;
  snprintf(lx.buf, sizeof lx.buf, "%s", csv);
  lx.cur = lx.buf;
  int n = 0;
  while (lx.cur && n < max) {
    char *start = lx.cur;
    while (*start == ' ') start++;
    char *comma = strchr(start, ',');
    if (comma) {
      *comma = 0;
      lx.cur = comma + 1;
    } else {
      lx.cur = NULL;
    }
    out[n++] = start;
  }
  return n;
}

static void scrub(void) {
  volatile char junk[300];
  for (int i = 0; i < 300; i++) junk[i] = ',';
}

int main(void) {
  const char *header[8], *row[8];
  int nh = fields("name, age,city", header, 8);
  int nr = fields("Ada,36, London", row, 8);
  scrub();
  for (int i = 0; i < nh && i < nr; i++)
    printf("%s=%s\n", header[i], row[i]);
  return 0;
}

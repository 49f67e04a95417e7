// asan: stack-use-after-return
// A cursor (a local pointer) handed out by address and advanced by the caller.
#include <stdio.h>

static const char **open_cursor(const char *text) {
  const char *pos = text;
  while (*pos == ' ')
    pos++;
  const char **cur = &pos;
  return cur;
}

static int next_word(const char **cur, char *word, int cap) {
  const char *p = *cur;
  int n = 0;
  while (*p == ' ')
    p++;
  while (*p && *p != ' ' && n < cap - 1)
    word[n++] = *p++;
  word[n] = 0;
  *cur = p;
  return n;
}

static void scribble(void) {
  const char *junk[24];
  for (int i = 0; i < 24; i++)
    junk[i] = "junk";
  (void)junk;
}

int main(void) {
  const char **c1 = open_cursor("  alpha beta");
  const char **c2 = open_cursor(" one two three");
  scribble();
  char w[16];
  while (next_word(c1, w, sizeof w))
    printf("c1: %s\n", w);
  while (next_word(c2, w, sizeof w))
    printf("c2: %s\n", w);
  printf("c1 at end: %d, c2 at end: %d\n", **c1 == 0, **c2 == 0);
  return 0;
}

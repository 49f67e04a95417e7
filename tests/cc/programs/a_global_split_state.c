// asan: stack-use-after-return
// A strtok-like splitter keeps its position in a global, but the text it
// splits is a copy in the first call's local buffer.
#include <stdio.h>
#include <string.h>

static char *state;

static char *split_next(void) {
  if (!state || !*state)
    return NULL;
  char *start = state;
  char *comma = strchr(state, ',');
  if (comma) {
    *comma = 0;
    state = comma + 1;
  } else {
    state += strlen(state);
  }
  return start;
}

static char *split_first(const char *text) {
  char copy[64];
  strncpy(copy, text, sizeof copy - 1);
  copy[sizeof copy - 1] = 0;
  state = copy;
  return split_next();
}

static void scribble(void) {
  char junk[200];
  memset(junk, ',', sizeof junk);
  junk[199] = 0;
}

int main(void) {
  char *f = split_first("red,green,blue");
  scribble();
  while (f) {
    printf("[%s]\n", f);
    f = split_next();
  }
  return 0;
}

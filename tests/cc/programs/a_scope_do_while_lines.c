// asan: stack-use-after-scope
// A do-while loop copies each line into a body-local buffer and keeps a
// pointer to every buffer.
#include <stdio.h>
#include <string.h>

static void scribble(void) {
  char junk[64];
  memset(junk, '#', sizeof junk - 1);
  junk[63] = 0;
  printf("%zu\n", strlen(junk));
}

int main(void) {
  const char *src = "alpha\nbeta\ngamma\n";
  const char *lines[4];
  int n = 0;
  do {
    char line[16];
    int len = 0;
    while (*src && *src != '\n' && len < 15)
      line[len++] = *src++;
    line[len] = 0;
    if (*src == '\n')
      src++;
    lines[n++] = line;
  } while (*src && n < 4);
  scribble();
  for (int i = n - 1; i >= 0; i--)
    printf("%d: %s\n", i, lines[i]);
  return 0;
}

// asan: stack-use-after-return
// A parser hands back the key and value it copied into its own local
// buffers through two out-parameters.
#include <stdio.h>
#include <string.h>

static int parse_pair(const char *line, char **key, char **val) {
  char k[16], v[16];
  if (sscanf(line, "%15[^=]=%15s", k, v) != 2)
    return 0;
  *key = k;
  *val = v;
  return 1;
}

static void scribble(void) {
  char junk[4][64];
  for (int i = 0; i < 4; i++)
    memset(junk[i], '0' + i, sizeof junk[i]);
}

int main(void) {
  const char *lines[] = { "name=ada", "lang=c", "bogus", "year=1972" };
  char *keys[4], *vals[4];
  int n = 0;
  for (int i = 0; i < 4; i++)
    if (parse_pair(lines[i], &keys[n], &vals[n]))
      n++;
  scribble();
  for (int i = 0; i < n; i++)
    printf("%s -> %s\n", keys[i], vals[i]);
  return 0;
}

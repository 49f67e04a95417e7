// asan: stack-use-after-return
#include <stdio.h>
#include <string.h>

/* Splits a command line with strtok_r on a private copy, and hands back
   pointers into that copy. */
static int split(const char *line, const char **tokens, int max) {
  char copy[128];
  snprintf(copy, sizeof copy, "%s", line);
  int n = 0;
  char *save;
  for (char *tok = strtok_r(copy, " ,", &save); tok && n < max;
       tok = strtok_r(NULL, " ,", &save))
    tokens[n++] = tok;
  return n;
}

static void scrub(void) {
  volatile char junk[512];
  for (int i = 0; i < 512; i++) junk[i] = 0;
}

static void show(const char *const *argv, int argc) {
  printf("argc=%d", argc);
  for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
  printf("\n");
}

int main(void) {
  const char *cmd1[8], *cmd2[8];
  int n1 = split("cp -r src, dst", cmd1, 8);
  int n2 = split("ls  -l", cmd2, 8);
  scrub();
  show(cmd1, n1);
  show(cmd2, n2);
  return 0;
}

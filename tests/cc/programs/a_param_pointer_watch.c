// asan: stack-use-after-return
// The address of a pointer parameter (not what it points to) is stored in
// a global table after the parameter has been advanced.
#include <stdio.h>

static const char **watch[3];
static int nwatch;

static void watch_arg(const char *s) {
  while (*s == '-')
    s++;
  watch[nwatch++] = &s;
}

static void scribble(void) {
  const char *junk[20];
  for (int i = 0; i < 20; i++)
    junk[i] = "scribbled";
  (void)junk;
}

int main(void) {
  watch_arg("--verbose");
  watch_arg("-q");
  watch_arg("file.txt");
  scribble();
  (*watch[2]) += 5; /* advance the third parameter past "file." */
  for (int i = 0; i < nwatch; i++)
    printf("%d: %s\n", i, *watch[i]);
  return 0;
}

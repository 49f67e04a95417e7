// asan: stack-use-after-return
// A char array initialized from a string literal, filled in and returned.
#include <stdio.h>
#include <string.h>

static char *make_code(int n) {
  char code[] = "ID-000";
  for (int i = 5; i >= 3 && n > 0; i--, n /= 10)
    code[i] = '0' + n % 10;
  printf("made %s (sizeof %zu, strlen %zu)\n", code, sizeof code, strlen(code));
  char *r = code;
  return r;
}

static void scribble(void) {
  char junk[] = "################################";
  memset(junk, '?', sizeof junk - 1);
}

int main(void) {
  char *a = make_code(7);
  char *b = make_code(42);
  char *c = make_code(305);
  scribble();
  a[0] = 'i';
  printf("%s %s %s\n", a, b, c);
  return 0;
}

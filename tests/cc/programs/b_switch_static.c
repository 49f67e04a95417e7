// asan: none
#include <stdio.h>

/* Static locals declared where switch labels and goto jump past them:
   they are initialized once, before the program starts, and never die. */
static const int *seen[2];

static int count_event(int kind) {
  switch (kind) {
    static int clicks, keys;
  case 0:
    seen[0] = &clicks;
    return ++clicks;
  case 1:
    seen[1] = &keys;
    return ++keys;
  default:
    return -1;
  }
}

static const char *describe(int code) {
  if (code < 0)
    goto unknown;
  {
    static char buf[24];
    snprintf(buf, sizeof buf, "code %d", code);
    return buf;
  unknown:
    snprintf(buf, sizeof buf, "unknown (%d)", code);
    return buf;
  }
}

int main(void) {
  int kinds[] = {0, 1, 0, 2, 0, 1};
  for (int i = 0; i < 6; i++)
    count_event(kinds[i]);
  printf("clicks %d keys %d\n", *seen[0], *seen[1]);
  const char *a = describe(7);
  printf("%s\n", a);
  const char *b = describe(-3);
  printf("%s, same buffer: %s\n", b, a == b ? "yes" : "no");
  return 0;
}

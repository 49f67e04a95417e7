// asan: none
// Static and extern block-scope variables live for the whole program:
// returning their addresses is correct (if not reentrant).
#include <stdio.h>

static int *next_id(void) {
  static int id = 100;
  id++;
  return &id;
}

static const char *ordinal(int n) {
  static char buf[16];
  const char *suffix = "th";
  if (n % 100 < 11 || n % 100 > 13)
    suffix = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  snprintf(buf, sizeof buf, "%d%s", n, suffix);
  return buf;
}

static int *total_ref(void) {
  extern int grand_total;
  return &grand_total;
}

int grand_total = 5;

int main(void) {
  int *a = next_id();
  int *b = next_id();
  printf("ids %d %d same=%d\n", *a, *b, a == b);
  printf("%s ", ordinal(1));
  printf("%s ", ordinal(22));
  printf("%s ", ordinal(13));
  printf("%s\n", ordinal(103));
  *total_ref() += 10;
  printf("total %d\n", grand_total);
  return 0;
}

// asan: none
// exit: 3
// A validator counts errors through pointers to main's locals kept in a
// checker struct, and main returns the error count as its exit status.
#include <stdio.h>

struct checker {
  int *errors;
  int *warnings;
};

static void check(const struct checker *c, const char *field, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    ++*c->errors;
    printf("error: %s=%d not in [%d,%d]\n", field, value, lo, hi);
  } else if (value == lo || value == hi) {
    ++*c->warnings;
    printf("warning: %s=%d at limit\n", field, value);
  }
}

int main(void) {
  int errors = 0, warnings = 0;
  struct checker c = { &errors, &warnings };
  check(&c, "age", 130, 0, 120);
  check(&c, "month", 12, 1, 12);
  check(&c, "day", 0, 1, 31);
  check(&c, "hour", 7, 0, 23);
  check(&c, "minute", 60, 0, 59);
  printf("%d errors, %d warnings\n", errors, warnings);
  return errors;
}

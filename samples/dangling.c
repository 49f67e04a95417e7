// dangling.c: the classic dangling pointers: the address of a local
// returned to the caller, and kept in a global after the function returns.
#include <stdio.h>

static int *last_seen;

int *counter(void) {
  int count = 0;
  return &count; // returned to caller: dangling
}

void remember(int value) {
  int copy = value;
  last_seen = &copy; // stored in a global: dangling
}

int *pick(int *a, int *b, int first) { return first ? a : b; }

int main(void) {
  int x = 1, y = 2;
  printf("%d\n", *pick(&x, &y, 1)); // pick returns its arguments: no escape
  remember(3);
  return *counter();
}

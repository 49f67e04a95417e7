// growslice.c: the capacities escrt_append gives a slice grown one element
// at a time (growslice.h), one line per element size, as
// bench/growslice.go prints Go's; bench/growslice.sh compares the two.
// Exits 1 if a slice lost an element on the way.
#include "growslice.h"

#include <stdio.h>

int main(void) {
  int status = 0;
  for (size_t i = 0; i < GROWSLICE_NSIZES; i++) {
    char line[512];
    if (!growslice_line(i, line, sizeof line))
      status = 1;
    printf("%s\n", line);
  }
  return status;
}

// A shared library linked as escape-cc links one: against libescrt.so,
// whose symbols the executable that loads it (cgo-child) exports too, so
// that its escrt_ calls reach the executable's runtime.
#include "escape/gc.h"

#include <string.h>

void *lib_escrt_new(void) { return (void *)escrt_new; }

void *lib_allocate(void) {
  char *o = escrt_new(64);
  strcpy(o, "allocated");
  return o;
}

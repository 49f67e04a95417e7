// What linking a program or shared library with escape-cc adds: the
// runtime, which the rewritten units call (escrt_new) and which collects
// what they allocate, and what the runtime needs from the link.
#include "escape-cc.h"

#include <stdio.h>
#include <stdlib.h>

void link_flags(const command *c, const char *libdir, strlist *out);

void link_flags(const command *c, const char *libdir, strlist *out) {
  char *lib = NULL;
  if (asprintf(&lib, "%s/libescrt.a", libdir) < 0)
    abort();
  strlist_push(out, lib);
  free(lib);
  strlist_push(out, "-pthread");
  strlist_push(out, "-Wl,-z,now");
}

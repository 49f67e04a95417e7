// What linking a program or shared library with escape-cc adds: the
// runtime, which the rewritten units call (escrt_new) and which collects
// what they allocate, and what the runtime needs from the link.
//
// An executable gets libescrt-cc.a whole (runtime/cgo.c): the runtime, the
// registration of every thread with the collector, and C's malloc family
// on the span heap. Under a sanitizer that keeps its own allocator
// (-fsanitize=address, thread, memory, leak) it gets
// libescrt-cc-nomalloc.a instead. The runtime's symbols are exported, so
// that shared libraries built by escape-cc and loaded into the program use
// its one runtime. A shared library links the same archive without the
// malloc family and exports nothing of it: loaded into a program escape-cc
// did not link, it brings its own runtime, whose escrt_ symbols are found
// only when no other runtime is there. -z now: the lazy binder needs more
// stack than a goroutine has.
#include "escape-cc.h"

#include <stdio.h>
#include <stdlib.h>

void link_flags(const command *c, const char *libdir, strlist *out);

void link_flags(const command *c, const char *libdir, strlist *out) {
  char *lib = NULL;
  const char *name = c->sanitizer || c->shared ? "escrt-cc-nomalloc" : "escrt-cc";
  if (asprintf(&lib, "%s/lib%s.a", libdir, name) < 0)
    abort();
  strlist_push(out, "-Wl,--whole-archive");
  strlist_push(out, lib);
  strlist_push(out, "-Wl,--no-whole-archive");
  free(lib);
  if (!c->shared)
    strlist_push(out, "-Wl,--export-dynamic-symbol=escrt_*");
  strlist_push(out, "-pthread");
  strlist_push(out, "-ldl");
  strlist_push(out, "-Wl,-z,now");
}

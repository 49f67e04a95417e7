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
// its one runtime. A shared library carries no runtime: it is linked
// against libescrt-cc.so (with an rpath), which is what its escrt_ calls
// bind to only when no program runtime is there. -z now: the lazy binder
// needs more stack than a goroutine has. A command with -fblocks also gets
// libBlocksRuntime, as needed and shared (Debian's archive of it is not
// position-independent): the blocks it makes refer to it, and the
// runtime runs them as goroutines (escrt_go_block) without it.
#include "escape-cc.h"

#include <stdio.h>
#include <stdlib.h>

void link_flags(const command *c, const char *libdir, strlist *out);

// blocks_flags links libBlocksRuntime where the command makes blocks.
static void blocks_flags(const command *c, strlist *out) {
  if (!c->blocks)
    return;
  strlist_push(out, "-Wl,--push-state,--as-needed,-Bdynamic");
  strlist_push(out, "-lBlocksRuntime");
  strlist_push(out, "-Wl,--pop-state");
}

void link_flags(const command *c, const char *libdir, strlist *out) {
  char *arg = NULL;
  blocks_flags(c, out);
  if (c->shared) {
    if (asprintf(&arg, "%s/libescrt-cc.so", libdir) < 0)
      abort();
    strlist_push(out, arg);
    free(arg);
    if (asprintf(&arg, "-Wl,-rpath,%s", libdir) < 0)
      abort();
    strlist_push(out, arg);
    free(arg);
    strlist_push(out, "-Wl,-z,now");
    return;
  }
  const char *name = c->sanitizer ? "escrt-cc-nomalloc" : "escrt-cc";
  if (asprintf(&arg, "%s/lib%s.a", libdir, name) < 0)
    abort();
  strlist_push(out, "-Wl,--whole-archive");
  strlist_push(out, arg);
  strlist_push(out, "-Wl,--no-whole-archive");
  free(arg);
  strlist_push(out, "-Wl,--export-dynamic-symbol=escrt_*");
  strlist_push(out, "-Wl,-z,now");
  strlist_push(out, "-pthread");
  strlist_push(out, "-ldl");
}

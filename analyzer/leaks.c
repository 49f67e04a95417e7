// Parameter summaries: leaks.go's job, for C.
//
// A summary says, for one parameter, with how few dereferences its value
// reaches each place a caller must know about: the heap (leaking param:
// derefs 0; leaking param content: derefs 1 or more), the result (leaking
// param: p to result ~r0 level=N), or what another parameter points to
// (a C addition: void set(struct s *o, char *v) { o->v = v; } stores v into
// *o, which the caller sees as a store through its first argument). -1
// means "does not reach it". Call sites turn summaries back into edges
// (call.c), so that a callee's body is lowered and solved once.
//
// Summaries of functions without bodies come from annotations on their
// declarations (see README.md), written with clang's annotate attribute:
//
//   void keep(void *p __attribute__((annotate("escape:leak"))));
//
// escape:noescape, escape:leak, escape:leak-content, escape:result,
// escape:thread and escape:arg-of:N (the callee calls its parameter N with
// this pointer and keeps it no longer than that function does: call.c
// links a call to N's targets), or clang's own __attribute__((noescape)). A
// declaration with any annotated parameter is taken as fully annotated: its
// other parameters do not escape.
#include "escape.h"

#include <stdlib.h>
#include <string.h>

void leaks_init(leaks *l) {
  l->heap = -1;
  l->heap_kind = ESC_NONE;
  l->heap_name = NULL;
  l->result = -1;
  for (int i = 0; i < MAX_LEAK_PARAMS; i++)
    l->content[i] = -1;
  l->receives = false;
  l->arg_of = -1;
}

bool leaks_empty(const leaks *l) {
  if (l->heap >= 0 || l->result >= 0)
    return false;
  for (int i = 0; i < MAX_LEAK_PARAMS; i++)
    if (l->content[i] >= 0)
      return false;
  return true;
}

// The leaks_add_* functions keep the minimal derefs and report whether the
// summary changed.
static bool add(int *slot, int derefs) {
  if (*slot >= 0 && derefs >= *slot)
    return false;
  *slot = derefs;
  return true;
}

bool leaks_add_heap(leaks *l, int derefs, escape_kind kind, const char *name) {
  if (!add(&l->heap, derefs))
    return false;
  l->heap_kind = kind;
  l->heap_name = name;
  return true;
}

bool leaks_add_result(leaks *l, int derefs) { return add(&l->result, derefs); }

bool leaks_add_content(leaks *l, int param, int derefs) {
  return add(&l->content[param], derefs);
}

// leaks_optimize drops flows that a heap leak already implies: if the value
// reaches the heap with no more dereferences than it reaches the result,
// the result flow adds nothing (leaks.go's Optimize).
void leaks_optimize(leaks *l) {
  if (l->heap < 0)
    return;
  if (l->result >= l->heap)
    l->result = -1;
  for (int i = 0; i < MAX_LEAK_PARAMS; i++)
    if (l->content[i] >= l->heap)
      l->content[i] = -1;
}

typedef struct {
  unit *u;
  leaks *l;
  bool *found;
} ann_scan;

static enum CXChildVisitResult scan_attr(CXCursor c, CXCursor parent,
                                         CXClientData data) {
  ann_scan *s = data;
  if (c.kind != CXCursor_AnnotateAttr && c.kind != CXCursor_UnexposedAttr)
    return CXChildVisit_Continue;
  const char *text;
  CXString str = {0};
  if (c.kind == CXCursor_AnnotateAttr) {
    str = clang_getCursorSpelling(c);
    text = clang_getCString(str);
  } else {
    text = cursor_text(s->u, c, 0);
  }
  if (!text)
    text = "";
  bool hit = true;
  if (!strcmp(text, "escape:noescape") || !strcmp(text, "noescape"))
    ; // nothing flows anywhere
  else if (!strcmp(text, "escape:leak"))
    leaks_add_heap(s->l, 0, ESC_HEAP, NULL);
  else if (!strcmp(text, "escape:leak-content"))
    leaks_add_heap(s->l, 1, ESC_HEAP, NULL);
  else if (!strcmp(text, "escape:thread"))
    leaks_add_heap(s->l, 0, ESC_THREAD, NULL);
  else if (!strcmp(text, "escape:send"))
    leaks_add_heap(s->l, 1, ESC_SEND, NULL);
  else if (!strcmp(text, "escape:recv"))
    s->l->receives = true;
  else if (!strcmp(text, "escape:result"))
    leaks_add_result(s->l, 0);
  else if (!strncmp(text, "escape:arg-of:", 14)) {
    // Flows only into the function it is handed to (call.c's arg_of);
    // counted from 1, as GCC's nonnull and format attributes count.
    char *end;
    long n = strtol(text + 14, &end, 10);
    if (end != text + 14 && !*end && n >= 1 && n <= 4096)
      s->l->arg_of = (int)n - 1;
  } else
    hit = false;
  *s->found |= hit;
  if (str.data)
    clang_disposeString(str);
  return CXChildVisit_Continue;
}

void leaks_from_annotations(unit *u, CXCursor param, leaks *l, bool *found) {
  leaks_init(l);
  *found = false;
  ann_scan s = {u, l, found};
  clang_visitChildren(param, scan_attr, &s);
}

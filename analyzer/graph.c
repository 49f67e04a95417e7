// Locations, edges and holes: the one intermediate form (see escape.c).
//
// A location is anything that can hold a value: a variable, a parameter, a
// function's result, an allocation, a temporary. An edge dst <- src with
// derefs d says that src's value, dereferenced d times, flows into dst
// (d = -1 means src's address). Edges are stored on their destination,
// because the solver walks from roots backwards to everything that flows in.
//
// A hole is a context for evaluating an expression: "the value computed
// here flows to dst, after derefs dereferences". Lowering an expression
// means calling flow(k, src) for the locations its value comes from,
// adjusting k on the way through & (hole_addr) and * (hole_deref), which
// also record why, as graph.go's hole.addr and hole.deref do.
//
// Field sensitivity: a local struct variable gets one child location per
// member path that the code reads or writes (s.f, s.f.g). A field's value
// is read from the field and from every enclosing location, since whole-
// struct assignments write the parent. Once the address of the variable or
// of any field is taken, every field also flows into its parent
// (collapse_fields in solve.c), so that reads through pointers see them.
//
// In check mode, the holes and edges that carry an assignment's value are
// tagged with it (held_store), so that held.c can take the assignment out
// of the graph when it is undone before anything sees it.
#include "escape.h"

#include <stdlib.h>
#include <string.h>

location *new_location(unit *u, func *fn, loc_kind kind, const char *name) {
  location *l = arena_alloc(&u->arena, sizeof(location));
  l->kind = kind;
  l->name = name;
  l->fn = fn;
  l->scope = fn ? fn->top : NULL;
  l->decl = clang_getNullCursor();
  l->where = clang_getNullCursor();
  l->param_index = -2;
  if (fn)
    vec_push(&fn->locations, l);
  return l;
}

// heap_sink returns the sink of the current batch for kind and name: one per
// global variable (so that check mode can name it), one per other kind.
static bool same(const char *a, const char *b) {
  return a == b || (a && b && !strcmp(a, b));
}

location *heap_sink(unit *u, escape_kind kind, const char *name) {
  return heap_sink_via(u, kind, name, NULL);
}

static unsigned hash_str(unsigned h, const char *s) {
  for (; s && *s; s++)
    h = h * 31 + (unsigned char)*s;
  return h * 17 + (s != NULL);
}

location *heap_sink_via(unit *u, escape_kind kind, const char *name,
                        const char *via) {
  unsigned h = hash_str(hash_str(kind, name), via);
  for (int i = 0; i < u->sinks->len; i++) {
    location *l = u->sinks->items[i];
    if (l->sink_hash == h && l->sink == kind && same(name, l->sink_name) &&
        same(via, l->via))
      return l;
  }
  location *l = new_location(u, NULL, LOC_HEAP, "{heap}");
  l->sink = kind;
  l->escapes = true;
  l->why = kind;
  l->sink_name = name ? arena_strdup(&u->arena, name) : NULL;
  l->via = via;
  l->sink_hash = h;
  vec_push(u->sinks, l);
  return l;
}

void add_edge(unit *u, location *dst, location *src, int derefs, note *notes) {
  add_held_edge(u, dst, src, derefs, notes, NULL);
}

// add_held_edge adds an edge that assignment held made (check mode, held.c):
// it is pruned if the assignment is undone, so it is never merged into
// an edge of another assignment.
void add_held_edge(unit *u, location *dst, location *src, int derefs,
                   note *notes, held_store *held) {
  if (dst == src && derefs >= 0)
    return; // x = x, x = *x do not change what escapes
  if (derefs < 0)
    root_of(src)->addrtaken = true;
  // Look for a duplicate among the latest edges only: lowering repeats
  // itself locally (x = a; x = a;), and a full scan would be quadratic on
  // the heap sinks.
  for (int i = dst->nedges - 1; i >= 0 && i >= dst->nedges - 4; i--) {
    edge *e = &dst->edges[i];
    if (e->src == src && e->derefs <= derefs && (!e->held || e->held == held))
      return;
  }
  if (dst->nedges == dst->edges_cap) {
    dst->edges_cap = dst->edges_cap ? dst->edges_cap * 2 : 2;
    edge *n = must_realloc(dst->edges, dst->edges_cap * sizeof(edge));
    dst->edges = n;
  }
  dst->edges[dst->nedges++] = (edge){src, derefs, notes, held};
}

void flow(unit *u, hole k, location *src) {
  if (!k.dst || !src)
    return;
  if (k.store) {
    store *s = arena_alloc(&u->arena, sizeof(store));
    *s = (store){k.dst, src, k.derefs, k.notes, false};
    vec_push(&u->fn->stores, s);
    if (k.held)
      held_store_record(u, u->fn->stores.len - 1, k.held);
    held_deref(u, k.dst, k.notes);
    return;
  }
  add_held_edge(u, k.dst, src, k.derefs, k.notes, k.held);
}

hole hole_of(location *l) { return (hole){.dst = l}; }

hole hole_discard(void) { return (hole){0}; }

hole hole_note(unit *u, hole k, CXCursor where, const char *why) {
  if (!k.dst || !u->opt->explain)
    return k;
  note *n = arena_alloc(&u->arena, sizeof(note));
  *n = (note){k.notes, where, why, k.held};
  k.notes = n;
  return k;
}

hole hole_shift(hole k, int delta) {
  k.derefs += delta;
  return k;
}

hole hole_addr(unit *u, hole k, CXCursor where, const char *why) {
  return hole_note(u, hole_shift(k, -1), where, why);
}

hole hole_deref(unit *u, hole k, CXCursor where, const char *why) {
  return hole_note(u, hole_shift(k, 1), where, why);
}

location *root_of(location *l) {
  while (l->parent)
    l = l->parent;
  return l;
}

location *field_location(unit *u, location *parent, CXCursor field,
                         const char *name) {
  for (location *f = parent->fields; f; f = f->next_field)
    if (clang_equalCursors(f->decl, field))
      return f;
  size_t n = strlen(parent->name) + strlen(name) + 2;
  char *label = arena_alloc(&u->arena, n);
  snprintf(label, n, "%s.%s", parent->name, name);
  location *f = new_location(u, parent->fn, LOC_FIELD, label);
  f->parent = parent;
  f->scope = parent->scope;
  f->decl = field;
  f->where = parent->where;
  f->has_pointers = true;
  f->next_field = parent->fields;
  parent->fields = f;
  return f;
}

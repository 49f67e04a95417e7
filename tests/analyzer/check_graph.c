// check_graph: unit tests of analyzer/graph.c, locations, edges and holes.
//
// Edges are stored on their destination and deduplicated against the
// latest ones; a self-flow of a value changes nothing, a self-flow of an
// address marks the variable address-taken. Holes shift derefs through &
// and * and record why only when flows are explained. A discard hole drops
// the value; a store hole becomes a store record for the solver. Heap sinks
// are shared per (kind, name) within a batch, and a struct variable gets
// one child location per field. A scope strictly encloses exactly the
// scopes opened and closed inside it (scope_encloses), a backward goto's
// loop included, and a scope's end offset is its block's.
#include "unit.h"

#include <stdlib.h>

// A fixture: a unit with an arena, options, a function being lowered and a
// list for heap sinks, as lowering has them. The snippet supplies cursors
// for notes and fields.
static snippet snip;
static unit u;
static options opt;
static func fn;
static vec sinks;

static const char source[] =
    "struct s { int *f; int *g; struct { int *h; } in; };\n"
    "int *g(int *p) { return &*p; }\n";

static void setup(void) {
  snippet_open(&snip, "t.c", source);
  memset(&u, 0, sizeof u);
  memset(&fn, 0, sizeof fn);
  u.tu = snip.tu;
  opt = (options){.m = 1, .explain = false};
  u.opt = &opt;
  u.fn = &fn;
  sinks = (vec){0};
  u.sinks = &sinks;
}

// teardown frees what graph.c allocated outside the arena, as free_graph
// does: each location's edge array, and the function's lists.
static void teardown(void) {
  for (int i = 0; i < fn.locations.len; i++)
    free(((location *)fn.locations.items[i])->edges);
  for (int i = 0; i < sinks.len; i++)
    free(((location *)sinks.items[i])->edges);
  vec_free(&fn.locations);
  vec_free(&fn.stores);
  vec_free(&sinks);
  arena_free(&u.arena);
  snippet_close(&snip);
}

static location *var(const char *name) {
  return new_location(&u, &fn, LOC_VAR, name);
}

// ---------------------------------------------------------------------------
// Locations and edges
// ---------------------------------------------------------------------------

START_TEST(new_location_defaults) {
  scope top = {0};
  fn.top = &top;
  location *l = new_location(&u, &fn, LOC_PARAM, "p");
  ck_assert_int_eq(l->kind, LOC_PARAM);
  ck_assert_str_eq(l->name, "p");
  ck_assert_ptr_eq(l->fn, &fn);
  ck_assert_ptr_eq(l->scope, &top);
  ck_assert(clang_Cursor_isNull(l->decl));
  ck_assert(clang_Cursor_isNull(l->where));
  ck_assert_int_eq(l->param_index, -2);
  ck_assert_int_eq(l->alloc, ALLOC_NONE);
  ck_assert_int_eq(l->nedges, 0);
  ck_assert_ptr_null(l->edges);
  ck_assert_ptr_null(l->parent);
  ck_assert_ptr_null(l->fields);
  ck_assert(!l->addrtaken);
  ck_assert(!l->escapes);
  ck_assert(!l->has_pointers);
  ck_assert_int_eq(fn.locations.len, 1);
  ck_assert_ptr_eq(fn.locations.items[0], l);
}
END_TEST

START_TEST(new_location_without_a_function) {
  location *l = new_location(&u, NULL, LOC_UNKNOWN, "{heap}");
  ck_assert_ptr_null(l->fn);
  ck_assert_ptr_null(l->scope);
  ck_assert_int_eq(fn.locations.len, 0); // belongs to no function's list
}
END_TEST

START_TEST(add_edge_records_on_the_destination) {
  location *p = var("p"), *x = var("x"), *q = var("q");
  add_edge(&u, p, x, -1, NULL);
  add_edge(&u, p, q, 1, NULL);
  ck_assert_int_eq(p->nedges, 2);
  ck_assert_ptr_eq(p->edges[0].src, x);
  ck_assert_int_eq(p->edges[0].derefs, -1);
  ck_assert_ptr_eq(p->edges[1].src, q);
  ck_assert_int_eq(p->edges[1].derefs, 1);
  ck_assert_int_eq(x->nedges, 0);
  ck_assert_int_eq(q->nedges, 0);
}
END_TEST

START_TEST(add_edge_drops_a_repeated_edge) {
  location *p = var("p"), *x = var("x");
  add_edge(&u, p, x, 0, NULL);
  add_edge(&u, p, x, 0, NULL);
  ck_assert_int_eq(p->nedges, 1);
  add_edge(&u, p, x, 2, NULL); // more derefs than an existing edge: implied
  ck_assert_int_eq(p->nedges, 1);
  add_edge(&u, p, x, -1, NULL); // fewer: a new edge
  ck_assert_int_eq(p->nedges, 2);
  ck_assert_int_eq(p->edges[1].derefs, -1);
  ck_assert(x->addrtaken);
}
END_TEST

START_TEST(add_edge_ignores_self_flows_of_values) {
  location *x = var("x");
  add_edge(&u, x, x, 0, NULL); // x = x
  add_edge(&u, x, x, 1, NULL); // x = *x
  ck_assert_int_eq(x->nedges, 0);
  ck_assert(!x->addrtaken);
}
END_TEST

START_TEST(add_edge_keeps_a_self_flow_of_an_address) {
  location *x = var("x");
  add_edge(&u, x, x, -1, NULL); // x = &x
  ck_assert_int_eq(x->nedges, 1);
  ck_assert_ptr_eq(x->edges[0].src, x);
  ck_assert_int_eq(x->edges[0].derefs, -1);
  ck_assert(x->addrtaken);
}
END_TEST

START_TEST(add_edge_of_an_address_marks_the_root_addrtaken) {
  CXCursor f = snippet_get(&snip, CXCursor_FieldDecl, "f");
  location *s = var("s"), *p = var("p");
  location *sf = field_location(&u, s, f, "f");
  add_edge(&u, p, sf, 0, NULL); // p = s.f: no address taken
  ck_assert(!s->addrtaken);
  add_edge(&u, p, sf, -1, NULL); // p = &s.f
  ck_assert(s->addrtaken);
  ck_assert(!sf->addrtaken); // the variable is marked, not the field
  ck_assert(!p->addrtaken);
}
END_TEST

// ---------------------------------------------------------------------------
// Holes
// ---------------------------------------------------------------------------

START_TEST(hole_of_and_discard) {
  location *x = var("x");
  hole k = hole_of(x);
  ck_assert_ptr_eq(k.dst, x);
  ck_assert_int_eq(k.derefs, 0);
  ck_assert(!k.store);
  ck_assert_ptr_null(k.notes);
  hole d = hole_discard();
  ck_assert_ptr_null(d.dst);
  ck_assert_int_eq(d.derefs, 0);
  ck_assert(!d.store);
}
END_TEST

START_TEST(hole_addr_and_deref_shift_derefs) {
  CXCursor where = snippet_get(&snip, CXCursor_ReturnStmt, "");
  location *p = var("p");
  hole k = hole_of(p);
  hole a = hole_addr(&u, k, where, "address-of");
  ck_assert_int_eq(a.derefs, -1);
  ck_assert_ptr_eq(a.dst, p);
  hole d = hole_deref(&u, k, where, "indirection");
  ck_assert_int_eq(d.derefs, 1);
  hole both = hole_deref(&u, hole_addr(&u, k, where, "address-of"), where,
                         "indirection"); // &*x
  ck_assert_int_eq(both.derefs, 0);
  ck_assert_int_eq(hole_shift(k, 3).derefs, 3);
  ck_assert_int_eq(k.derefs, 0); // holes are values
}
END_TEST

START_TEST(hole_notes_are_not_recorded_without_explain) {
  CXCursor where = snippet_get(&snip, CXCursor_ReturnStmt, "");
  hole k = hole_of(var("p"));
  arena_mark before = arena_top(&u.arena);
  k = hole_addr(&u, k, where, "address-of");
  k = hole_deref(&u, k, where, "indirection");
  k = hole_note(&u, k, where, "return");
  ck_assert_ptr_null(k.notes);
  ck_assert_int_eq(k.derefs, 0);
  // Nothing was allocated for them either.
  ck_assert_ptr_eq(u.arena.chunk, before.chunk);
  ck_assert_uint_eq(u.arena.used, before.used);
}
END_TEST

START_TEST(hole_notes_are_recorded_with_explain) {
  opt.explain = true;
  CXCursor ret = snippet_get(&snip, CXCursor_ReturnStmt, "");
  CXCursor addr = snippet_get(&snip, CXCursor_UnaryOperator, "");
  hole k = hole_of(var("r"));
  k = hole_note(&u, k, ret, "return");
  k = hole_addr(&u, k, addr, "address-of");
  k = hole_deref(&u, k, addr, "indirection");
  ck_assert_int_eq(k.derefs, 0);
  // Newest first: the notes read from the value back to the destination.
  note *n = k.notes;
  ck_assert_ptr_nonnull(n);
  ck_assert_str_eq(n->why, "indirection");
  ck_assert(clang_equalCursors(n->where, addr));
  n = n->next;
  ck_assert_ptr_nonnull(n);
  ck_assert_str_eq(n->why, "address-of");
  n = n->next;
  ck_assert_ptr_nonnull(n);
  ck_assert_str_eq(n->why, "return");
  ck_assert(clang_equalCursors(n->where, ret));
  ck_assert_ptr_null(n->next);
}
END_TEST

START_TEST(hole_notes_are_not_recorded_on_a_discard_hole) {
  opt.explain = true;
  CXCursor where = snippet_get(&snip, CXCursor_ReturnStmt, "");
  hole k = hole_addr(&u, hole_discard(), where, "address-of");
  ck_assert_ptr_null(k.dst);
  ck_assert_int_eq(k.derefs, -1);
  ck_assert_ptr_null(k.notes);
}
END_TEST

START_TEST(flow_adds_the_hole_s_edge) {
  opt.explain = true;
  CXCursor where = snippet_get(&snip, CXCursor_ReturnStmt, "");
  location *p = var("p"), *x = var("x");
  hole k = hole_addr(&u, hole_of(p), where, "address-of");
  flow(&u, k, x);
  ck_assert_int_eq(p->nedges, 1);
  ck_assert_ptr_eq(p->edges[0].src, x);
  ck_assert_int_eq(p->edges[0].derefs, -1);
  ck_assert_ptr_eq(p->edges[0].notes, k.notes);
  ck_assert(x->addrtaken);
  ck_assert_int_eq(fn.stores.len, 0);
}
END_TEST

START_TEST(flow_into_a_discard_hole_does_nothing) {
  location *x = var("x");
  flow(&u, hole_discard(), x);
  flow(&u, hole_shift(hole_discard(), -1), x); // (void)&x
  ck_assert_int_eq(x->nedges, 0);
  ck_assert(!x->addrtaken);
  ck_assert_int_eq(fn.stores.len, 0);
}
END_TEST

START_TEST(flow_of_no_location_does_nothing) {
  location *p = var("p");
  flow(&u, hole_of(p), NULL);
  ck_assert_int_eq(p->nedges, 0);
  ck_assert_int_eq(fn.stores.len, 0);
}
END_TEST

START_TEST(flow_into_a_store_hole_records_a_store) {
  location *p = var("p"), *x = var("x");
  hole k = hole_shift(hole_of(p), -1); // *p = &x
  k.store = true;
  flow(&u, k, x);
  ck_assert_int_eq(fn.stores.len, 1);
  store *s = fn.stores.items[0];
  ck_assert_ptr_eq(s->ptr, p);
  ck_assert_ptr_eq(s->src, x);
  ck_assert_int_eq(s->derefs, -1);
  ck_assert_ptr_null(s->notes);
  ck_assert(!s->to_heap);
  // No edge yet: the solver resolves what p points to first.
  ck_assert_int_eq(p->nedges, 0);
  ck_assert_int_eq(x->nedges, 0);
}
END_TEST

// ---------------------------------------------------------------------------
// Heap sinks and fields
// ---------------------------------------------------------------------------

START_TEST(heap_sink_is_shared_per_kind_and_name) {
  location *g = heap_sink(&u, ESC_GLOBAL, "g");
  char same_name[] = "g"; // equal text in another buffer
  ck_assert_ptr_eq(heap_sink(&u, ESC_GLOBAL, same_name), g);
  ck_assert_ptr_ne(heap_sink(&u, ESC_GLOBAL, "h"), g);
  ck_assert_ptr_ne(heap_sink(&u, ESC_HEAP, "g"), g);
  location *heap = heap_sink(&u, ESC_HEAP, NULL);
  ck_assert_ptr_eq(heap_sink(&u, ESC_HEAP, NULL), heap);
  ck_assert_ptr_ne(heap_sink(&u, ESC_CALL, NULL), heap);
  ck_assert_ptr_ne(heap_sink(&u, ESC_HEAP, ""), heap); // "" is a name
  ck_assert_int_eq(sinks.len, 6);
}
END_TEST

START_TEST(heap_sink_via_a_callee_is_its_own_sink) {
  location *direct = heap_sink(&u, ESC_GLOBAL, "g");
  location *via = heap_sink_via(&u, ESC_GLOBAL, "g", "keep");
  ck_assert_ptr_ne(via, direct);
  ck_assert_ptr_eq(heap_sink_via(&u, ESC_GLOBAL, "g", "keep"), via);
  ck_assert_ptr_eq(heap_sink_via(&u, ESC_GLOBAL, "g", NULL), direct);
  ck_assert_ptr_ne(heap_sink_via(&u, ESC_GLOBAL, "g", "other"), via);
  ck_assert_str_eq(via->via, "keep");
  ck_assert_int_eq(sinks.len, 3);
}
END_TEST

START_TEST(heap_sink_fields) {
  char name[] = "counter";
  location *l = heap_sink(&u, ESC_GLOBAL, name);
  name[0] = 'C'; // the sink keeps its own copy
  ck_assert_int_eq(l->kind, LOC_HEAP);
  ck_assert_str_eq(l->name, "{heap}");
  ck_assert_ptr_null(l->fn);
  ck_assert(l->escapes);
  ck_assert_int_eq(l->sink, ESC_GLOBAL);
  ck_assert_int_eq(l->why, ESC_GLOBAL);
  ck_assert_str_eq(l->sink_name, "counter");
  ck_assert_ptr_null(l->via);
  ck_assert_ptr_eq(sinks.items[0], l);
  ck_assert_int_eq(fn.locations.len, 0); // sinks belong to the batch
  ck_assert_ptr_null(heap_sink(&u, ESC_THREAD, NULL)->sink_name);
}
END_TEST

START_TEST(field_location_names_and_links_the_field) {
  scope top = {0};
  fn.top = &top;
  CXCursor f = snippet_get(&snip, CXCursor_FieldDecl, "f");
  CXCursor where = snippet_get(&snip, CXCursor_ParmDecl, "p");
  location *s = var("s");
  s->where = where;
  location *sf = field_location(&u, s, f, "f");
  ck_assert_str_eq(sf->name, "s.f");
  ck_assert_int_eq(sf->kind, LOC_FIELD);
  ck_assert_ptr_eq(sf->parent, s);
  ck_assert_ptr_eq(sf->fn, &fn);
  ck_assert_ptr_eq(sf->scope, &top);
  ck_assert(clang_equalCursors(sf->decl, f));
  ck_assert(clang_equalCursors(sf->where, where));
  ck_assert(sf->has_pointers);
  ck_assert_ptr_eq(s->fields, sf);
  ck_assert_ptr_null(sf->next_field);
  ck_assert_ptr_eq(root_of(sf), s);
  ck_assert_ptr_eq(root_of(s), s);
}
END_TEST

START_TEST(field_location_returns_the_same_child_for_the_same_field) {
  CXCursor f = snippet_get(&snip, CXCursor_FieldDecl, "f");
  CXCursor g = snippet_get(&snip, CXCursor_FieldDecl, "g");
  location *s = var("s");
  location *sf = field_location(&u, s, f, "f");
  location *sg = field_location(&u, s, g, "g");
  ck_assert_ptr_ne(sg, sf);
  ck_assert_str_eq(sg->name, "s.g");
  ck_assert_ptr_eq(field_location(&u, s, f, "f"), sf);
  ck_assert_ptr_eq(field_location(&u, s, g, "g"), sg);
  // Siblings are chained, newest first; no duplicate was added.
  ck_assert_ptr_eq(s->fields, sg);
  ck_assert_ptr_eq(sg->next_field, sf);
  ck_assert_ptr_null(sf->next_field);
  ck_assert_int_eq(fn.locations.len, 3);
}
END_TEST

START_TEST(field_location_nests) {
  CXCursor in = snippet_get(&snip, CXCursor_FieldDecl, "in");
  CXCursor h = snippet_get(&snip, CXCursor_FieldDecl, "h");
  location *s = var("s");
  location *sin = field_location(&u, s, in, "in");
  location *sinh = field_location(&u, sin, h, "h");
  ck_assert_str_eq(sinh->name, "s.in.h");
  ck_assert_ptr_eq(sinh->parent, sin);
  ck_assert_ptr_eq(root_of(sinh), s);
  ck_assert_ptr_eq(s->fields, sin);
  ck_assert_ptr_eq(sin->fields, sinh);
}
END_TEST

// ---------------------------------------------------------------------------
// Scopes
// ---------------------------------------------------------------------------

START_TEST(scope_encloses_what_opens_and_closes_inside_it) {
  CXCursor body = snippet_get(&snip, CXCursor_CompoundStmt, "");
  scope *top = push_scope(&u, body);
  scope *a = push_scope(&u, body);
  pop_scope(&u);
  scope *b = push_scope(&u, body);
  scope *c = push_scope(&u, body);
  pop_scope(&u);
  pop_scope(&u);
  pop_scope(&u);
  ck_assert_ptr_null(u.scope);
  ck_assert(scope_encloses(top, a) && scope_encloses(top, b));
  ck_assert(scope_encloses(top, c) && scope_encloses(b, c));
  ck_assert(!scope_encloses(a, c) && !scope_encloses(c, b)); // siblings, inner
  ck_assert(!scope_encloses(a, b) && !scope_encloses(b, a));
  ck_assert(!scope_encloses(top, top) && !scope_encloses(c, c)); // strictly
  // A backward goto's loop is no block: it is inside its parent's ancestors.
  scope loop = {.parent = b, .depth = b->depth + 1, .loop = true};
  ck_assert(scope_encloses(b, &loop) && scope_encloses(top, &loop));
  ck_assert(!scope_encloses(a, &loop) && !scope_encloses(c, &loop));
}
END_TEST

START_TEST(scope_end_is_the_block_s_end_offset) {
  CXCursor body = snippet_get(&snip, CXCursor_CompoundStmt, "");
  scope *s = push_scope(&u, body);
  pop_scope(&u);
  // "int *g(int *p) { return &*p; }\n" is the source's second line.
  unsigned want = (unsigned)(strchr(source, '\n') - source) + 1 +
                  (unsigned)strlen("int *g(int *p) { return &*p; }");
  ck_assert_uint_eq(scope_end(s), want);
  ck_assert_uint_eq(scope_end(s), want); // asked again: the same
}
END_TEST

int main(void) {
  Suite *s = suite_create("graph");
  TCase *tc = tcase_create("edges");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, new_location_defaults);
  tcase_add_test(tc, new_location_without_a_function);
  tcase_add_test(tc, add_edge_records_on_the_destination);
  tcase_add_test(tc, add_edge_drops_a_repeated_edge);
  tcase_add_test(tc, add_edge_ignores_self_flows_of_values);
  tcase_add_test(tc, add_edge_keeps_a_self_flow_of_an_address);
  tcase_add_test(tc, add_edge_of_an_address_marks_the_root_addrtaken);
  suite_add_tcase(s, tc);
  tc = tcase_create("holes");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, hole_of_and_discard);
  tcase_add_test(tc, hole_addr_and_deref_shift_derefs);
  tcase_add_test(tc, hole_notes_are_not_recorded_without_explain);
  tcase_add_test(tc, hole_notes_are_recorded_with_explain);
  tcase_add_test(tc, hole_notes_are_not_recorded_on_a_discard_hole);
  tcase_add_test(tc, flow_adds_the_hole_s_edge);
  tcase_add_test(tc, flow_into_a_discard_hole_does_nothing);
  tcase_add_test(tc, flow_of_no_location_does_nothing);
  tcase_add_test(tc, flow_into_a_store_hole_records_a_store);
  suite_add_tcase(s, tc);
  tc = tcase_create("sinks and fields");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, heap_sink_is_shared_per_kind_and_name);
  tcase_add_test(tc, heap_sink_via_a_callee_is_its_own_sink);
  tcase_add_test(tc, heap_sink_fields);
  tcase_add_test(tc, field_location_names_and_links_the_field);
  tcase_add_test(tc, field_location_returns_the_same_child_for_the_same_field);
  tcase_add_test(tc, field_location_nests);
  suite_add_tcase(s, tc);
  tc = tcase_create("scopes");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, scope_encloses_what_opens_and_closes_inside_it);
  tcase_add_test(tc, scope_end_is_the_block_s_end_offset);
  suite_add_tcase(s, tc);
  return unit_suite_run(s);
}

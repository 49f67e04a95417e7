// Blocks: clang's closures, lowered as Go lowers func literals (expr.go's
// OCLOSURE, escape.go's flowClosure).
//
// A block literal ^{ ... } is two things. At the literal, it is an object
// with the automatic storage of its block, as a compound literal is: an
// allocation site (ALLOC_BLOCK) that -m reports as "block literal escapes
// to heap" or "block literal does not escape", and whose value is its
// address. What it captures is copied into it there:
//
//     int *p; __block int x;
//     b = ^{ use(p, &x); };   // {block} = p   (by value: a copy,  0)
//                             // {block} = &x  (__block: a reference, -1)
//
// Its body is a function of its own (a func with block set), lowered where
// the literal is, nested literals and literals in loops too: params[0] is
// the block itself, the rest are the block's parameters, ~r0 its result.
// Inside the body a captured variable reads what the block holds, through
// params[0]: by value *block (the copy), by reference **block (the variable
// itself), so that x = v in the body stores into what *block points to.
// No location of the enclosing function is used by the body (local_of
// answers only for the function being lowered).
//
// Who calls a block is not always known, so, as Go uses the enclosing
// function's locations in a closure's body, the body's effect on what the
// block holds is applied at the literal: the literal is a call of its body
// with the block as params[0] and nothing else (a CALLEE_BLOCK callsite).
// Then:
//
//   - a call b(args) where b is the literal, or a local block variable
//     assigned only literals (note_fn_target), applies the body's summary
//     as a direct call does: args[0] is the block, args flow to params;
//   - a call of any other block is a call of an unknown function: its
//     arguments leak; the block itself leaks only when the call's result
//     is used (Go's calleeHole: the result may be what the block holds);
//   - the block escapes as any address does: returned, stored in a global
//     or heap memory, passed to an unknown function, handed to another
//     thread (escrt_go_block's ESC_THREAD parameter). Then what it holds
//     escapes: a __block variable is moved to heap, and the pointees of
//     the pointers it copied escape. A block that does not escape makes
//     nothing it captures escape.
//
// Block_copy (_Block_copy) is modelled precisely, not as Go's "escapes to
// heap": the copy is a fresh heap allocation that holds a copy of what the
// block holds (libc.c's word d0). The literal does not escape by being
// copied; what it captured escapes when the copy does. escrt_go_block runs
// such a copy on another goroutine (word D0): what the block holds goes to
// another thread, the literal stays. Check mode does not report a __block
// variable that escapes as a capture (report.c): the Blocks runtime moves
// it to the heap when it copies the block.
#include "escape.h"

#include <stdio.h>
#include <string.h>

// A capture is a variable of an enclosing function (or block) that a block
// literal's body names.
typedef struct capture {
  CXCursor decl;
  CXCursor ref; // its first mention in the body
  bool byref;   // a __block variable: the block holds its address
} capture;

struct block_body {
  block_body *outer; // the block whose body encloses this literal, or NULL
  location *self;    // params[0] of the body: the block
  capture *captures;
  int ncaptures, cap;
};

bool type_is_block_pointer(CXType t) {
  return clang_getCanonicalType(t).kind == CXType_BlockPointer;
}

// libclang does not name the __block attribute: it is read from the source,
// as call.c reads a cleanup attribute.
bool is_block_byref(unit *u, CXCursor d) {
  int n;
  CXCursor *k = unit_children(u, d, &n);
  for (int i = 0; i < n; i++) {
    if (k[i].kind != CXCursor_UnexposedAttr)
      continue;
    const char *t = cursor_text(u, k[i], 32);
    if (!strncmp(t, "__block", 7) || strstr(t, "__blocks__"))
      return true;
  }
  return false;
}

static bool has_local_storage(CXCursor d) {
  if (d.kind == CXCursor_ParmDecl)
    return true;
  return d.kind == CXCursor_VarDecl &&
         clang_Cursor_hasVarDeclGlobalStorage(d) != 1;
}

static capture *find_capture(block_body *b, CXCursor d) {
  for (int i = 0; b && i < b->ncaptures; i++)
    if (clang_equalCursors(b->captures[i].decl, d))
      return &b->captures[i];
  return NULL;
}

// inside says whether declaration d lies in the literal's text: a local of
// the body, not a capture.
static bool inside(CXCursor d, CXCursor literal) {
  CXSourceRange r = clang_getCursorExtent(literal);
  unsigned start, end, at;
  clang_getExpansionLocation(clang_getRangeStart(r), NULL, NULL, NULL, &start);
  clang_getExpansionLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &end);
  clang_getExpansionLocation(clang_getCursorLocation(d), NULL, NULL, NULL, &at);
  return start <= at && at < end;
}

typedef struct {
  unit *u;
  block_body *b;
  CXCursor literal;
} capture_walk;

static enum CXChildVisitResult find_captures(CXCursor c, CXCursor parent,
                                             CXClientData data) {
  capture_walk *w = data;
  if (c.kind != CXCursor_DeclRefExpr)
    return CXChildVisit_Recurse;
  CXCursor d = clang_getCursorReferenced(c);
  if (!has_local_storage(d) || inside(d, w->literal) || find_capture(w->b, d))
    return CXChildVisit_Recurse;
  block_body *b = w->b;
  if (b->ncaptures == b->cap) {
    b->cap = b->cap ? b->cap * 2 : 8;
    capture *grown = arena_alloc(&w->u->arena, b->cap * sizeof(capture));
    if (b->ncaptures)
      memcpy(grown, b->captures, b->ncaptures * sizeof(capture));
    b->captures = grown;
  }
  b->captures[b->ncaptures++] = (capture){d, c, is_block_byref(w->u, d)};
  return CXChildVisit_Recurse;
}

// block_func returns the func of literal c's body, made (not yet lowered)
// the first time it is asked for: note_fn_target asks before the literal
// is lowered. u->funcs holds it under the literal's cursor.
func *block_func(unit *u, CXCursor c) {
  func *f = cursor_map_get(&u->funcs, c);
  if (f)
    return f;
  f = arena_alloc(&u->arena, sizeof(func));
  f->block = true;
  f->decl = c;
  f->unit = u;
  func *outer = u->fn;
  int nth = 1;
  for (int i = 0; i < u->all_funcs.len; i++) {
    func *g = u->all_funcs.items[i];
    nth += g->block && g->outer == outer;
  }
  const char *base = outer ? outer->name : "?";
  size_t n = strlen(base) + 24;
  char *name = arena_alloc(&u->arena, n);
  snprintf(name, n, "%s.block%d", base, nth);
  f->name = name;
  f->outer = outer;
  f->in_main_file = outer && outer->in_main_file;
  cursor_map_put(&u->funcs, c, f);
  vec_push(&u->all_funcs, f);
  return f;
}

// lower_body lowers the body of literal c into f, as lower_function lowers
// a function's: the enclosing function's lowering state (and check mode's
// flow-sensitive pass over it) is put aside meanwhile.
static void lower_body(unit *u, func *f, CXCursor c, block_body *b) {
  func *fn = u->fn;
  scope *sc = u->scope;
  held *h = u->held;
  vec *sinks = u->sinks;
  u->fn = f;
  u->scope = NULL;
  u->held = NULL;
  u->sinks = &f->sinks;
  u->block = b;
  f->top = push_scope(u, c);
  CXType ft = clang_getPointeeType(clang_getCursorType(c));
  if (type_has_pointers(u, clang_getResultType(ft))) {
    f->result = new_location(u, f, LOC_RESULT, "~r0");
    f->result->decl = f->result->where = c;
    f->result->has_pointers = true;
  }
  f->variadic = clang_isFunctionTypeVariadic(ft) != 0;
  int n;
  CXCursor *x = unit_children(u, c, &n);
  CXCursor decl = n > 0 ? x[0] : clang_getNullCursor();
  CXCursor *y = cursor_children(&u->arena, decl, &n);
  int np = 1;
  for (int i = 0; i < n; i++)
    np += y[i].kind == CXCursor_ParmDecl;
  f->nparams = np;
  f->params = arena_alloc(&u->arena, (np + 1) * sizeof(location *));
  f->params[0] = b->self = lower_param(u, f, 0, c, "block");
  for (int i = 0, j = 1; i < n; i++)
    if (y[i].kind == CXCursor_ParmDecl)
      lower_param(u, f, j++, y[i], NULL);
  if (f->variadic)
    f->varargs = lower_param(u, f, -1, c, "...");
  held_begin(u, f);
  for (int i = 0; i < n; i++)
    if (y[i].kind == CXCursor_CompoundStmt)
      lower_stmt(u, y[i]);
  finish_fields(u, f);
  pop_scope(u);
  held_end(u, f);
  u->block = b->outer;
  u->fn = fn;
  u->scope = sc;
  u->held = h;
  u->sinks = sinks;
}

// literal_call applies the body's effect on what the block holds at the
// literal, whoever calls it.
static void literal_call(unit *u, func *f, CXCursor c, location *block) {
  callsite *cs = arena_alloc(&u->arena, sizeof(callsite));
  cs->call = c;
  cs->caller = u->fn;
  cs->scope = u->scope;
  cs->kind = CALLEE_BLOCK;
  cs->block = f;
  cs->callee_decl = clang_getNullCursor();
  cs->callee_name = f->name;
  cs->nargs = 1;
  cs->args = arena_alloc(&u->arena, 2 * sizeof(location *));
  cs->args[0] = new_location(u, u->fn, LOC_TEMP, "{temp}");
  cs->args[0]->has_pointers = true;
  add_edge(u, cs->args[0], block, -1, call_note(u, cs, "block literal"));
  cs->next = u->fn->calls;
  u->fn->calls = cs;
}

void lower_block(unit *u, hole k, CXCursor c) {
  location *l = new_location(u, u->fn, LOC_ALLOC, "{storage for block}");
  l->alloc = ALLOC_BLOCK;
  l->scope = u->scope;
  held_local(u);
  l->decl = l->where = c;
  l->has_pointers = true;
  l->addrtaken = true;
  block_body *b = arena_alloc(&u->arena, sizeof(block_body));
  b->outer = u->block;
  capture_walk w = {u, b, c};
  clang_visitChildren(c, find_captures, &w);
  // The captures are read here, in the enclosing function, into the block.
  for (int i = 0; i < b->ncaptures; i++) {
    capture *cap = &b->captures[i];
    hole into = hole_note(u, hole_of(l), cap->ref, "captured by a block");
    if (cap->byref)
      into = hole_addr(u, into, cap->ref, "reference");
    lower_expr(u, into, cap->ref);
  }
  func *f = block_func(u, c);
  if (!f->top) // lowered once, however often it is asked for
    lower_body(u, f, c, b);
  literal_call(u, f, c, l);
  flow(u, hole_addr(u, k, c, "block literal"), l);
}

// captured returns the capture of the block being lowered that names d,
// or NULL.
static capture *captured(unit *u, CXCursor d) {
  return u->block ? find_capture(u->block, d) : NULL;
}

bool block_read(unit *u, hole k, CXCursor c, CXCursor d) {
  capture *cap = captured(u, d);
  if (!cap)
    return false;
  k = hole_deref(u, k, c, "captured variable");
  if (cap->byref)
    k = hole_deref(u, k, c, "__block variable");
  flow(u, k, u->block->self);
  return true;
}

bool block_lvalue(unit *u, CXCursor c, CXCursor d, hole *k) {
  capture *cap = captured(u, d);
  if (!cap)
    return false;
  *k = hole_discard(); // a copy is const: C forbids assigning it
  if (cap->byref) {
    location *ref = new_location(u, u->fn, LOC_TEMP, "{temp}");
    ref->has_pointers = true;
    add_edge(u, ref, u->block->self, 1, NULL);
    *k = hole_note(u, (hole){.dst = ref, .store = true}, c, "__block variable");
  }
  return true;
}

void lower_block_callee(unit *u, callsite *cs, CXCursor callee) {
  cs->block_call = true;
  cs->callee_name = cursor_text(u, callee, 40);
  if (!*cs->callee_name)
    cs->callee_name = "block";
  CXCursor s = strip_implicit(u, callee);
  while (s.kind == CXCursor_ParenExpr || s.kind == CXCursor_CStyleCastExpr)
    s = strip_implicit(u, last_expr(u, s));
  cs->args[0] = new_location(u, u->fn, LOC_TEMP, "{temp}");
  cs->args[0]->has_pointers = true;
  lower_expr(u, hole_of(cs->args[0]), callee);
  if (s.kind == CXCursor_BlockExpr) {
    cs->kind = CALLEE_BLOCK;
    cs->block = block_func(u, s);
    return;
  }
  if (s.kind != CXCursor_DeclRefExpr)
    return;
  location *l = local_of(u, clang_getCursorReferenced(s));
  if (l && l->kind == LOC_VAR) {
    cs->kind = CALLEE_LOCAL;
    cs->callee_var = l;
  }
}

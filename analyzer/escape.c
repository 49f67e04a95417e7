// Escape analysis for C, after Go's cmd/compile/internal/escape.
//
// The analysis decides, for every local variable, parameter and allocation
// of a C translation unit, whether its address can outlive it: be returned,
// stored where the caller, another thread or a global can reach it, or
// kept in a pointer that lives longer than the variable's block. Go's
// compiler asks that question to choose between stack and heap; in C a
// "yes" for a stack variable is a dangling pointer, and a "no" for a malloc
// means the allocation could live on the stack.
//
// The two invariants are Go's: (1) a pointer to a stack object cannot be
// stored in the heap, and (2) a pointer to a stack object cannot outlive
// that object.
//
// The model is Go's too. Each function is lowered (stmt.c, expr.c,
// call.c) into a directed graph of locations (graph.c): variables,
// parameters, the result ~r0, allocation sites, temporaries, and heap
// sinks. An edge dst <- src carries derefs, the number of dereferences
// minus the number of address-ofs on the way:
//
//     p = &q    // -1
//     p = q     //  0
//     p = *q    //  1
//     p = q->f  //  1 (p->f and p[i] are dereferences; s.f, casts,
//               //     pointer arithmetic, ?: and comma are not)
//
// The solver (solve.c) walks backwards from each root, keeping the
// minimal derefs: a location whose address (derefs < 0) reaches a root
// that outlives it escapes: "moved to heap". Parameters reached from the
// heap or the result get summaries (leaks.c) that call sites in callers
// apply, so each function is solved once, bottom-up over the call graph's
// strongly connected components (callgraph.c).
//
// Where C differs from Go, and what we do about it:
//
//   - Lifetimes are blocks, not loop depths. A local lives in its block;
//     a pointer declared in an enclosing block outlives it. Loops need no
//     special rule: their bodies are blocks.
//   - Stores through pointers are resolved, not sent to the heap. Go
//     treats *p = v as a heap store; C initializes structs through
//     pointers everywhere, so we find what p may point to first (solve.c)
//     and summarize stores into a parameter's pointee (leaks.c).
//   - Struct variables are field-sensitive: s.a and s.b are separate
//     locations until the address of s is taken. Unions are not split.
//   - Values whose types hold no pointers carry nothing, as in Go. Casting
//     a pointer to an integer hides it, as uintptr does in Go.
//   - Functions without bodies get annotations, a model of the C library
//     (libc.c), or the conservative answer: every argument escapes.
//   - String literals, globals and static locals have static storage and
//     never escape; stores into them escape.
//
// This file drives one translation unit: it finds the functions and the
// const tables of function pointers, lowers every body, then solves the
// batches in bottom-up order.
#include "escape.h"

#include <stdlib.h>
#include <string.h>

static enum CXChildVisitResult collect_fn_refs(CXCursor c, CXCursor parent,
                                               CXClientData data) {
  void **env = data;
  unit *u = env[0];
  vec *v = env[1];
  if (c.kind == CXCursor_DeclRefExpr) {
    CXCursor d = clang_getCursorReferenced(c);
    if (d.kind == CXCursor_FunctionDecl) {
      func *f = cursor_map_get(&u->funcs, clang_getCanonicalCursor(d));
      if (f)
        vec_push(v, f);
      else
        vec_push(v, NULL); // a function without a body: unknown
    }
  }
  return CXChildVisit_Recurse;
}

// const_storage reports whether an object of type t cannot change. libclang
// keeps an array's const on the canonical type, not on its element type.
static bool const_storage(CXType t) {
  return clang_isConstQualifiedType(clang_getCanonicalType(t)) ||
         clang_isConstQualifiedType(t);
}

// note_table records which functions a const global holds. A call through
// it can only reach those functions.
static void note_table(unit *u, CXCursor d) {
  if (!const_storage(clang_getCursorType(d)))
    return;
  CXCursor init = clang_Cursor_getVarDeclInitializer(d);
  if (clang_Cursor_isNull(init))
    return;
  vec *v = arena_alloc(&u->arena, sizeof(vec));
  void *env[2] = {u, v};
  clang_visitChildren(init, collect_fn_refs, env);
  for (int i = 0; i < v->len; i++)
    if (!v->items[i]) {
      vec_free(v);
      return;
    }
  if (v->len)
    cursor_map_put(&u->tables, d, v);
  else
    vec_free(v);
}

static void collect_functions(unit *u, CXCursor *top, int n) {
  for (int i = 0; i < n; i++) {
    CXCursor c = top[i];
    if (c.kind != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
      continue;
    func *f = arena_alloc(&u->arena, sizeof(func));
    f->decl = c;
    f->name = cursor_name(u, c);
    f->in_main_file =
        clang_Location_isFromMainFile(clang_getCursorLocation(c)) != 0;
    f->variadic = clang_Cursor_isVariadic(c) != 0;
    cursor_map_put(&u->funcs, clang_getCanonicalCursor(c), f);
    vec_push(&u->all_funcs, f);
  }
}

static void free_location(location *l) {
  free(l->edges);
  vec_free(&l->fn_targets);
  vec_free(&l->fn_bodyless);
}

// free_graph frees the edges and lists of f's graph; the locations
// themselves live in the unit's arena, and the summary stays.
void free_graph(func *f) {
  if (f->freed)
    return;
  f->freed = true;
  for (int j = 0; j < f->locations.len; j++)
    free_location(f->locations.items[j]);
  for (int j = 0; j < f->sinks.len; j++)
    free_location(f->sinks.items[j]);
  for (callsite *cs = f->calls; cs; cs = cs->next)
    vec_free(&cs->targets);
  vec_free(&f->locations);
  vec_free(&f->stores);
  vec_free(&f->sinks);
  vec_free(&f->copies);
}

static void free_unit(unit *u) {
  for (int i = 0; i < u->all_funcs.len; i++) {
    func *f = u->all_funcs.items[i];
    free_graph(f);
    vec_free(&f->callees);
  }
  vec_free(&u->all_funcs);
  vec_free(&u->batch_sinks);
  vec_free(&u->table_list);
  vec_free(&u->walk_todo);
  free(u->pts_todo);
  cursor_map_free(&u->funcs);
  cursor_map_free(&u->locals);
  cursor_map_free(&u->labels);
  cursor_map_free(&u->tables);
  free(u->types);
  u->types = NULL;
  if (u->unknown)
    free_location(u->unknown);
  arena_free(&u->arena);
  arena_free(&u->scratch);
}

void analyze_unit(unit *u) {
  CXCursor root = clang_getTranslationUnitCursor(u->tu);
  CXString name = clang_getTranslationUnitSpelling(u->tu);
  u->main_file = clang_getFile(u->tu, clang_getCString(name));
  clang_disposeString(name);
  int n;
  CXCursor *top = cursor_children(&u->arena, root, &n);
  collect_functions(u, top, n);
  for (int i = 0; i < n; i++)
    if (top[i].kind == CXCursor_VarDecl) {
      size_t before = u->tables.len;
      note_table(u, top[i]);
      if (u->tables.len != before)
        vec_push(&u->table_list, cursor_map_get(&u->tables, top[i]));
    }
  u->unknown = new_location(u, NULL, LOC_UNKNOWN, "{heap}");
  for (int i = 0; i < u->all_funcs.len; i++) {
    func *f = u->all_funcs.items[i];
    u->sinks = &f->sinks;
    lower_function(u, f);
  }
  compute_sccs(u, solve_batch);
  for (int i = 0; i < u->table_list.len; i++)
    vec_free(u->table_list.items[i]);
  free_unit(u);
}

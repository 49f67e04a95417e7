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
// The model is Go's too. Each function, and each block literal's body
// (block.c), is lowered (stmt.c, expr.c, call.c) into a directed graph of
// locations (graph.c): variables, parameters, the result ~r0, allocation
// sites, temporaries, and heap sinks. An edge dst <- src carries derefs,
// the number of dereferences minus the number of address-ofs on the way:
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
// This file drives a program of one or more translation units: for each
// unit it finds the functions and the const tables of function pointers
// and lowers every body (lower_unit, one unit at a time, on any thread);
// then it indexes the external functions, so that a call in one unit
// reaches a definition in another, and solves the batches of the whole
// program in bottom-up order (solve_program), as if the units had been
// concatenated into one.
#include "escape.h"

#include <stdlib.h>
#include <string.h>

static enum CXChildVisitResult collect_fn_refs(CXCursor c, CXCursor parent,
                                               CXClientData data) {
  void **env = data;
  unit *u = env[0];
  fn_table *t = env[1];
  if (c.kind == CXCursor_DeclRefExpr) {
    CXCursor d = clang_getCursorReferenced(c);
    if (d.kind == CXCursor_FunctionDecl) {
      func *f = cursor_map_get(&u->funcs, clang_getCanonicalCursor(d));
      if (f) {
        vec_push(&t->funcs, f);
      } else {
        CXCursor *copy = arena_alloc(&u->arena, sizeof(CXCursor));
        *copy = d;
        vec_push(&t->bodyless, copy);
      }
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
  fn_table *t = arena_alloc(&u->arena, sizeof(fn_table));
  t->name = cursor_name(u, d);
  t->external = clang_getCursorLinkage(d) == CXLinkage_External;
  void *env[2] = {u, t};
  clang_visitChildren(init, collect_fn_refs, env);
  if (t->funcs.len + t->bodyless.len == 0)
    return;
  cursor_map_put(&u->tables, d, t);
  vec_push(&u->table_list, t);
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && !strcmp(s + n - k, suffix);
}

// reported says whether the function defined at c is reported: one in the
// unit's main file, or, with report_c_includes, in a .c file it includes.
static bool reported(unit *u, CXCursor c) {
  CXSourceLocation at = clang_getCursorLocation(c);
  if (clang_Location_isFromMainFile(at))
    return true;
  if (!u->opt->report_c_includes)
    return false;
  CXFile f;
  clang_getSpellingLocation(at, &f, NULL, NULL, NULL);
  if (!f)
    return false;
  CXString name = clang_getFileName(f);
  bool c_file = ends_with(clang_getCString(name), ".c");
  clang_disposeString(name);
  return c_file;
}

static void collect_functions(unit *u, CXCursor *top, int n) {
  for (int i = 0; i < n; i++) {
    CXCursor c = top[i];
    if (c.kind != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
      continue;
    func *f = arena_alloc(&u->arena, sizeof(func));
    f->decl = c;
    f->name = cursor_name(u, c);
    f->unit = u;
    f->in_main_file = reported(u, c);
    f->external = clang_getCursorLinkage(c) == CXLinkage_External;
    f->variadic = clang_Cursor_isVariadic(c) != 0;
    cursor_map_put(&u->funcs, clang_getCanonicalCursor(c), f);
    vec_push(&u->all_funcs, f);
  }
}

static void free_location(location *l) {
  free(l->edges);
  fn_set_free(&l->holds);
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
  for (callsite *cs = f->calls; cs; cs = cs->next) {
    vec_free(&cs->targets);
    vec_free(&cs->bodyless);
  }
  vec_free(&f->locations);
  vec_free(&f->stores);
  vec_free(&f->sinks);
  vec_free(&f->copies);
}

void free_unit(unit *u) {
  for (int i = 0; i < u->all_funcs.len; i++) {
    func *f = u->all_funcs.items[i];
    free_graph(f);
    vec_free(&f->callees);
    vec_free(&f->weak_callees);
  }
  for (int i = 0; i < u->table_list.len; i++) {
    fn_table *t = u->table_list.items[i];
    vec_free(&t->funcs);
    vec_free(&t->bodyless);
  }
  vec_free(&u->all_funcs);
  for (int i = 0; i < u->imports.len; i++)
    free(u->imports.items[i]);
  vec_free(&u->imports);
  vec_free(&u->tables_wanted);
  vec_free(&u->table_list);
  vec_free(&u->walk_todo);
  free(u->pts_todo);
  cursor_map_free(&u->funcs);
  cursor_map_free(&u->locals);
  cursor_map_free(&u->labels);
  cursor_map_free(&u->tables);
  cursor_map_free(&u->arg_of);
  free_field_facts(u);
  free(u->types);
  u->types = NULL;
  if (u->unknown)
    free_location(u->unknown);
  arena_free(&u->arena);
  arena_free(&u->scratch);
}

void lower_unit(unit *u) {
  CXCursor root = clang_getTranslationUnitCursor(u->tu);
  CXString name = clang_getTranslationUnitSpelling(u->tu);
  u->main_file = clang_getFile(u->tu, clang_getCString(name));
  clang_disposeString(name);
  int n;
  CXCursor *top = cursor_children(&u->arena, root, &n);
  collect_functions(u, top, n);
  for (int i = 0; i < n; i++)
    if (top[i].kind == CXCursor_VarDecl) {
      note_table(u, top[i]);
      arena_mark mark = arena_top(&u->scratch);
      scan_global_init(u, top[i]);
      arena_release(&u->scratch, mark);
      unit_children_reset(u);
    }
  u->unknown = new_location(u, NULL, LOC_UNKNOWN, "{heap}");
  for (int i = 0; i < u->all_funcs.len; i++) {
    func *f = u->all_funcs.items[i];
    if (f->block) // lowered where its literal is (block.c)
      continue;
    u->sinks = &f->sinks;
    lower_function(u, f);
  }
  resolve_params(u);
}

static int by_extern_name(const void *a, const void *b) {
  const struct extern_fn *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  if (c)
    return c;
  if (x->fn->rank != y->fn->rank)
    return x->fn->rank - y->fn->rank;
  return x->fn < y->fn ? -1 : x->fn > y->fn;
}

fn_table *program_table(program *p, const char *name) {
  for (int i = 0; i < p->ntables; i++)
    if (!strcmp(p->tables[i].name, name))
      return p->tables[i].table;
  return NULL;
}

func *program_extern(program *p, const char *name) {
  int lo = 0, hi = p->nexterns;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(p->externs[mid].name, name);
    if (c == 0)
      return p->externs[mid].fn;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

// index_externs lists the program's external functions by name. When two
// units define one (a non-static function in a header, or one file
// included by another), the first unit's definition is the one, as a
// linker takes the first.
static void index_externs(program *p) {
  int n = 0;
  for (int i = 0; i < p->units.len; i++)
    n += ((unit *)p->units.items[i])->all_funcs.len;
  n += p->cached.len;
  p->externs = must_malloc(n * sizeof(struct extern_fn));
  p->nexterns = 0;
  for (int i = 0; i < p->units.len; i++) {
    unit *u = p->units.items[i];
    for (int j = 0; j < u->all_funcs.len; j++) {
      func *f = u->all_funcs.items[j];
      f->rank = u->rank;
      if (f->external)
        p->externs[p->nexterns++] = (struct extern_fn){f->name, f};
    }
  }
  for (int i = 0; i < p->cached.len; i++) {
    func *f = p->cached.items[i];
    p->externs[p->nexterns++] = (struct extern_fn){f->name, f};
  }
  qsort(p->externs, p->nexterns, sizeof(struct extern_fn), by_extern_name);
  // Tables: in unit order, so that the first definition of a name is found
  // first by program_table's scan.
  int nt = 0;
  for (int i = 0; i < p->units.len; i++)
    nt += ((unit *)p->units.items[i])->table_list.len;
  p->tables = must_malloc(nt * sizeof(struct extern_table));
  p->ntables = 0;
  for (int i = 0; i < p->units.len; i++) {
    unit *u = p->units.items[i];
    for (int j = 0; j < u->table_list.len; j++) {
      fn_table *t = u->table_list.items[j];
      if (t->external)
        p->tables[p->ntables++] = (struct extern_table){t->name, t};
    }
  }
  int kept = 0;
  for (int i = 0; i < p->nexterns; i++)
    if (kept == 0 || strcmp(p->externs[kept - 1].name, p->externs[i].name))
      p->externs[kept++] = p->externs[i];
  p->nexterns = kept;
}

void solve_program(program *p) {
  index_externs(p);
  index_fields(p);
  compute_sccs(p, solve_batch);
}

void program_free(program *p) {
  for (int i = 0; i < p->units.len; i++)
    free_unit(p->units.items[i]);
  free(p->externs);
  p->externs = NULL;
  p->nexterns = 0;
  free(p->tables);
  p->tables = NULL;
  p->ntables = 0;
  free(p->fields);
  p->fields = NULL;
  p->nfields = 0;
}

void analyze_unit(unit *u) {
  program p = {0};
  vec_push(&p.units, u);
  u->prog = &p;
  lower_unit(u);
  solve_program(&p);
  program_free(&p);
  u->prog = NULL;
  vec_free(&p.units);
}

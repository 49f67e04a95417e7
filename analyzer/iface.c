// Interface calls: what a function-pointer struct field or parameter may
// hold, so that a call through it uses its targets' summaries.
//
// Go devirtualizes an interface call only when it knows the concrete type;
// anything else is an unknown call, whose arguments leak. C's interfaces
// are function pointers (ops tables, callbacks, vtables), and escape-check
// sees the whole program, so it can often know every value one may have:
//
//   struct ops { int (*read)(void *, char *); };
//   static const struct ops file_ops = {.read = file_read};
//   ...
//   p->ops->read(p, buf);   // file_read's summary, if no other value
//
// Fields. A field is keyed by its struct's USR and its name, across files.
// It resolves when every store into it (x->f = fn, x.f = fn, through any
// pointer) and every initializer of its struct (designated or positional,
// global or local, nested, compound literals) names functions or NULL.
// These make it unknown, each unit deciding for what it sees:
//
//   - any other stored value: a parameter, a call's result, a local, a
//     load of another field (a load of the same field keeps the fact);
//   - its address taken (&p->f), other than to call it;
//   - the struct written raw: a pointer to it converted to a non-const
//     void * or char * for a function without a body in the unit, except
//     memset with 0, memcpy and memmove from the same struct, free,
//     realloc and qsort, which only move the struct's own values;
//   - a cast to a pointer to the struct from a pointer to anything but
//     void or the struct (from void * it is harmless: the object was built
//     where it was seen, and a struct copy only moves such values);
//   - a struct declared in a system header (code that is not analyzed
//     fills it) or a union (another member writes the same bytes).
//
// The world is closed: a struct declared outside system headers is taken
// to be filled only by the analyzed code (a library analyzed alone, whose
// users register their own tables of it, is the case this gets wrong).
// Not seen either, and so known gaps: a function with a body that writes
// raw bytes through its void * parameter (a memcpy wrapper), and type
// punning through unions that contain the struct.
//
// Parameters. A function-pointer parameter of a static function resolves
// when every call passes a named function, NULL, or a parameter of the
// caller that resolves (transitively), and the function is never used as
// a value (then calls through pointers reach it with arguments not seen).
// Functions with external linkage keep unknown parameters: a library's
// callers are not all in the program, and escape-check cannot tell a
// library from a program. Assignments to the parameter in the body add
// their values (note_fn_value), as for a local.
//
// Both facts are syntactic: they are known once every unit is lowered, so
// the call graph includes the edges they add from the start and the SCC
// fixpoint needs nothing more. Those edges are weak (callgraph.c): a cycle
// of more than MAX_BATCH functions that only they close is split, and its
// pieces are iterated to a fixpoint (solve.c). Across files, each unit's
// field facts are united by key (index_fields); a file read from the cache
// contributes the facts its entry lists (cache.c), and a call through a field
// imports the fact ("field:KEY", hashed with its targets' summaries by
// cache.c), so that a cached verdict goes stale when another file changes what
// the field may hold or what one of its functions does.
#include "escape.h"

#include <stdlib.h>
#include <string.h>

void fn_set_free(fn_set *s) {
  vec_free(&s->funcs);
  vec_free(&s->bodyless);
}

static bool has_item(const vec *v, void *item) {
  for (int i = 0; i < v->len; i++)
    if (v->items[i] == item)
      return true;
  return false;
}

static bool has_decl(const vec *v, CXCursor d) {
  for (int i = 0; i < v->len; i++)
    if (clang_equalCursors(*(CXCursor *)v->items[i], d))
      return true;
  return false;
}

// fn_set_add_decl adds function d, named in unit u.
static void fn_set_add_decl(unit *u, fn_set *s, CXCursor d) {
  func *f = cursor_map_get(&u->funcs, clang_getCanonicalCursor(d));
  if (f) {
    if (!has_item(&s->funcs, f))
      vec_push(&s->funcs, f);
    return;
  }
  if (has_decl(&s->bodyless, d))
    return;
  CXCursor *copy = arena_alloc(&u->arena, sizeof(CXCursor));
  *copy = d;
  vec_push(&s->bodyless, copy);
}

// fn_set_merge adds what src holds to dst and says whether dst grew.
static bool fn_set_merge(fn_set *dst, const fn_set *src) {
  bool grew = src->unknown && !dst->unknown;
  dst->unknown |= src->unknown;
  for (int i = 0; i < src->funcs.len; i++)
    if (!has_item(&dst->funcs, src->funcs.items[i])) {
      vec_push(&dst->funcs, src->funcs.items[i]);
      grew = true;
    }
  for (int i = 0; i < src->bodyless.len; i++) {
    CXCursor *d = src->bodyless.items[i];
    if (!has_decl(&dst->bodyless, *d)) {
      vec_push(&dst->bodyless, d);
      grew = true;
    }
  }
  return grew;
}

static bool is_null_constant(CXCursor e) {
  CXEvalResult ev = clang_Cursor_Evaluate(e);
  bool null = ev && clang_EvalResult_getKind(ev) == CXEval_Int &&
              clang_EvalResult_getAsLongLong(ev) == 0;
  if (ev)
    clang_EvalResult_dispose(ev);
  return null;
}

// fn_leaf strips what does not change a function pointer's value: casts,
// parentheses, &f.
static CXCursor fn_leaf(unit *u, CXCursor e) {
  CXCursor r = strip_implicit(u, e);
  while (r.kind == CXCursor_CStyleCastExpr || r.kind == CXCursor_ParenExpr)
    r = strip_implicit(u, last_expr(u, r));
  if (r.kind == CXCursor_UnaryOperator &&
      clang_getCursorUnaryOperatorKind(r) == CXUnaryOperator_AddrOf)
    r = strip_implicit(u, last_expr(u, r));
  return r;
}

// fn_values calls other for each leaf of e that is neither a function nor
// NULL; a leaf other does not accept makes s unknown.
static void fn_values(unit *u, fn_set *s, CXCursor e,
                      bool (*other)(unit *, void *, CXCursor), void *arg) {
  if (clang_Cursor_isNull(e)) {
    s->unknown = true;
    return;
  }
  CXCursor r = fn_leaf(u, e);
  if (r.kind == CXCursor_ConditionalOperator) {
    int n;
    CXCursor *x = unit_children(u, r, &n);
    CXCursor a = n >= 2 ? x[n - 2] : clang_getNullCursor();
    CXCursor b = n >= 2 ? x[n - 1] : clang_getNullCursor();
    fn_values(u, s, a, other, arg);
    fn_values(u, s, b, other, arg);
    return;
  }
  if (r.kind == CXCursor_DeclRefExpr &&
      clang_getCursorReferenced(r).kind == CXCursor_FunctionDecl) {
    fn_set_add_decl(u, s, clang_getCursorReferenced(r));
    return;
  }
  if (r.kind == CXCursor_BlockExpr) { // a block variable's literal
    vec_push(&s->funcs, block_func(u, r));
    return;
  }
  if (is_null_constant(r))
    return;
  if (!other || !other(u, arg, r))
    s->unknown = true;
}

void note_fn_value(unit *u, fn_set *s, CXCursor e) {
  fn_values(u, s, e, NULL, NULL);
}

//
// Fields
//

static bool fn_pointer_or_array(CXType t) {
  t = clang_getCanonicalType(t);
  while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
    t = clang_getCanonicalType(clang_getArrayElementType(t));
  return type_is_function_pointer(t);
}

bool fn_field(unit *u, CXCursor e, CXCursor *field) {
  CXCursor s = strip_implicit(u, e);
  if (s.kind == CXCursor_ArraySubscriptExpr) {
    int n;
    CXCursor *k = unit_children(u, s, &n);
    if (n != 2)
      return false;
    s = strip_implicit(u, k[0]);
    int m;
    CXCursor *d = unit_children(u, s, &m);
    if (s.kind == CXCursor_UnexposedExpr && m == 1) // the array's decay
      s = strip_implicit(u, d[0]);
    if (s.kind != CXCursor_MemberRefExpr ||
        !type_is_array(clang_getCursorType(s)))
      return false;
  }
  if (s.kind != CXCursor_MemberRefExpr)
    return false;
  CXCursor f = clang_getCursorReferenced(s);
  if (f.kind != CXCursor_FieldDecl ||
      !fn_pointer_or_array(clang_getCursorType(f)))
    return false;
  *field = f;
  return true;
}

// field_fact_of returns u's fact for field, made on first use.
static field_fact *field_fact_of(unit *u, CXCursor field) {
  field_fact *ff = cursor_map_get(&u->field_facts, field);
  if (ff)
    return ff;
  ff = arena_alloc(&u->arena, sizeof(field_fact));
  ff->unit = u;
  ff->rank = u->rank;
  CXCursor rec = clang_getCursorSemanticParent(field);
  CXString usr = clang_getCursorUSR(rec);
  const char *name = cursor_name(u, field);
  const char *us = clang_getCString(usr);
  size_t len = strlen(us) + strlen(name) + 8;
  char *key = arena_alloc(&u->arena, len);
  snprintf(key, len, "field:%s.%s", us, name);
  clang_disposeString(usr);
  ff->key = key;
  ff->set.unknown =
      rec.kind == CXCursor_UnionDecl ||
      clang_Location_isInSystemHeader(clang_getCursorLocation(rec));
  cursor_map_put(&u->field_facts, field, ff);
  vec_push(&u->field_list, ff);
  return ff;
}

// same_field accepts a load of the field being stored into.
static bool same_field(unit *u, void *arg, CXCursor leaf) {
  CXCursor f;
  return fn_field(u, leaf, &f) && clang_equalCursors(f, *(CXCursor *)arg);
}

void note_field_store(unit *u, CXCursor field, CXCursor rhs) {
  field_fact *ff = field_fact_of(u, field);
  fn_values(u, &ff->set, rhs, same_field, &field);
}

void note_field_address(unit *u, CXCursor e) {
  CXCursor f;
  if (fn_field(u, e, &f))
    field_fact_of(u, f)->set.unknown = true;
}

// note_init_value notes the value v of an element of type t initialized
// from an initializer list: a field's value, or a nested list.
static void note_init_value(unit *u, CXCursor field, CXCursor v) {
  CXCursor s = strip_implicit(u, v);
  if (s.kind == CXCursor_InitListExpr) {
    note_init_list(u, s);
    return;
  }
  if (!clang_Cursor_isNull(field) &&
      fn_pointer_or_array(clang_getCursorType(field)))
    note_field_store(u, field, v); // .f = v, or .fns[i] = v
}

void note_init_list(unit *u, CXCursor list) {
  CXType t = clang_getCanonicalType(clang_getCursorType(list));
  if (t.kind != CXType_Invalid && !type_has_pointers(u, t))
    return; // a table of numbers holds no function (nor its address)
  int n;
  CXCursor *x = unit_children(u, list, &n);
  bool record = t.kind == CXType_Record;
  field_list fields = {.len = 0};
  if (record)
    list_fields(t, &fields);
  int next = 0;
  for (int i = 0; i < n; i++) {
    CXCursor val = x[i], field = clang_getNullCursor();
    int m;
    CXCursor *d = unit_children(u, x[i], &m);
    if (x[i].kind == CXCursor_UnexposedExpr && m >= 2 &&
        (d[0].kind == CXCursor_MemberRef ||
         clang_isExpression(d[0].kind))) { // a designated initializer
      val = d[m - 1];
      // The field is the last member named: .f = v, .fns[1] = v, [2].f = v.
      for (int j = m - 2; j >= 0 && clang_Cursor_isNull(field); j--)
        if (d[j].kind == CXCursor_MemberRef)
          field = clang_getCursorReferenced(d[j]);
    } else if (!clang_isExpression(x[i].kind)) {
      continue;
    } else if (record && next < fields.len) {
      field = fields.items[next];
    }
    for (int j = 0; record && j < fields.len && !clang_Cursor_isNull(field);
         j++)
      if (clang_equalCursors(fields.items[j], field))
        next = j + 1;
    if (!record) {
      note_init_value(u, field, val); // an array's element, or [i].f = v
      continue;
    }
    // A field that is an array of function pointers: its list holds the
    // field's values.
    CXCursor sv = strip_implicit(u, val);
    if (!clang_Cursor_isNull(field) &&
        fn_pointer_or_array(clang_getCursorType(field)) &&
        sv.kind == CXCursor_InitListExpr) {
      int k;
      CXCursor *e = unit_children(u, sv, &k);
      for (int j = 0; j < k; j++) {
        int m2;
        CXCursor *d2 = unit_children(u, e[j], &m2);
        if (e[j].kind == CXCursor_UnexposedExpr && m2 >= 2) // [i] = f
          note_field_store(u, field, d2[m2 - 1]);
        else if (clang_isExpression(e[j].kind))
          note_field_store(u, field, e[j]);
      }
      continue;
    }
    note_init_value(u, field, val);
  }
}

// mark_unknown makes every function-pointer field of record type t, and
// of the structs and arrays of structs inside it, unknown.
typedef struct {
  unit *u;
  int depth;
} mark_env;

static enum CXVisitorResult mark_field(CXCursor field, CXClientData data) {
  mark_env *env = data;
  CXType t = clang_getCanonicalType(clang_getCursorType(field));
  while (t.kind == CXType_ConstantArray)
    t = clang_getCanonicalType(clang_getArrayElementType(t));
  if (type_is_function_pointer(t))
    field_fact_of(env->u, field)->set.unknown = true;
  else if (t.kind == CXType_Record && env->depth < 16) {
    env->depth++;
    clang_Type_visitFields(t, mark_field, env);
    env->depth--;
  }
  return CXVisit_Continue;
}

static void mark_unknown(unit *u, CXType t) {
  mark_env env = {u, 0};
  clang_Type_visitFields(clang_getCanonicalType(t), mark_field, &env);
}

// record_pointee returns the record type t points to, or an invalid type.
static CXType record_pointee(CXType t) {
  t = clang_getCanonicalType(t);
  if (t.kind != CXType_Pointer)
    return (CXType){.kind = CXType_Invalid};
  CXType p = clang_getCanonicalType(clang_getPointeeType(t));
  return p.kind == CXType_Record ? p : (CXType){.kind = CXType_Invalid};
}

static bool same_record(CXType a, CXType b) {
  return clang_equalCursors(clang_getTypeDeclaration(a),
                            clang_getTypeDeclaration(b));
}

void note_pointer_cast(unit *u, CXType from, CXType to) {
  CXType rec = record_pointee(to);
  if (rec.kind == CXType_Invalid)
    return;
  CXType f = clang_getCanonicalType(from);
  if (f.kind != CXType_Pointer)
    return;
  CXType p = clang_getCanonicalType(clang_getPointeeType(f));
  if (p.kind == CXType_Void || (p.kind == CXType_Record && same_record(p, rec)))
    return;
  mark_unknown(u, rec);
}

//
// Call arguments
//

// A param_arg is what one call passes for a function-pointer parameter of
// a static function of the unit.
typedef struct {
  func *callee;
  int index;
  fn_set set;
  vec from; // location*: the caller's parameters it passes on
} param_arg;

static bool caller_param(unit *u, void *arg, CXCursor leaf) {
  if (leaf.kind != CXCursor_DeclRefExpr)
    return false;
  CXCursor d = clang_getCursorReferenced(leaf);
  location *l = d.kind == CXCursor_ParmDecl ? local_of(u, d) : NULL;
  if (!l || l->kind != LOC_PARAM)
    return false;
  vec_push(&((param_arg *)arg)->from, l);
  return true;
}

// raw_pointee returns the struct an argument converted to void * or char *
// points to, or an invalid type.
static CXType raw_pointee(unit *u, CXCursor arg) {
  CXType none = {.kind = CXType_Invalid};
  CXCursor s = arg;
  while (s.kind == CXCursor_ParenExpr)
    s = last_expr(u, s);
  if (s.kind != CXCursor_UnexposedExpr && s.kind != CXCursor_CStyleCastExpr)
    return none;
  CXType to = clang_getCanonicalType(clang_getCursorType(s));
  if (to.kind != CXType_Pointer)
    return none;
  CXType tp = clang_getPointeeType(to);
  CXType tpc = clang_getCanonicalType(tp);
  if ((tpc.kind != CXType_Void && tpc.kind != CXType_Char_S &&
       tpc.kind != CXType_Char_U && tpc.kind != CXType_UChar &&
       tpc.kind != CXType_SChar) ||
      clang_isConstQualifiedType(tp) || clang_isConstQualifiedType(tpc))
    return none;
  CXCursor e = strip_implicit(u, last_expr(u, s));
  CXType from = clang_getCanonicalType(clang_getCursorType(e));
  if (from.kind == CXType_ConstantArray) {
    CXType el = clang_getCanonicalType(clang_getArrayElementType(from));
    return el.kind == CXType_Record ? el : none;
  }
  return record_pointee(from);
}

static bool is_named(const char *name, const char *base) {
  if (!strncmp(name, "__builtin_", 10))
    name += 10;
  return !strcmp(name, base);
}

// raw_writes notes the structs bodyless callee d may write bytes into.
static void raw_writes(unit *u, callsite *cs, CXCursor c) {
  const char *name = cs->callee_name;
  if (is_named(name, "free") || is_named(name, "realloc") ||
      is_named(name, "qsort"))
    return;
  int nargs = clang_Cursor_getNumArguments(c);
  for (int i = 0; i < nargs; i++) {
    CXType rec = raw_pointee(u, clang_Cursor_getArgument(c, i));
    if (rec.kind == CXType_Invalid)
      continue;
    if (is_named(name, "memset") && i == 0 && cs->nargs >= 2 &&
        is_null_constant(clang_Cursor_getArgument(c, 1)))
      continue;
    if ((is_named(name, "memcpy") || is_named(name, "memmove")) && i == 0 &&
        cs->nargs >= 2) {
      CXCursor src = strip_implicit(u, clang_Cursor_getArgument(c, 1));
      while (src.kind == CXCursor_CStyleCastExpr)
        src = strip_implicit(u, last_expr(u, src));
      CXType sr = record_pointee(clang_getCursorType(src));
      if (sr.kind != CXType_Invalid && same_record(sr, rec))
        continue;
    }
    mark_unknown(u, rec);
  }
}

void note_call_args(unit *u, callsite *cs, CXCursor c) {
  if (cs->kind != CALLEE_DIRECT) {
    raw_writes(u, cs, c); // a function pointer may be one without a body
    return;
  }
  func *f = cursor_map_get(&u->funcs, cs->callee_decl);
  if (!f) {
    raw_writes(u, cs, c);
    return;
  }
  if (f->external)
    return;
  int np = clang_Cursor_getNumArguments(f->decl);
  for (int i = 0; i < cs->nargs && i < np; i++) {
    CXCursor p = clang_Cursor_getArgument(f->decl, i);
    if (!type_is_function_pointer(clang_getCursorType(p)))
      continue;
    param_arg *pa = arena_alloc(&u->arena, sizeof(param_arg));
    pa->callee = f;
    pa->index = i;
    fn_values(u, &pa->set, clang_Cursor_getArgument(c, i), caller_param, pa);
    vec_push(&u->param_args, pa);
  }
}

void note_fn_use(unit *u, CXCursor decl) {
  func *f = cursor_map_get(&u->funcs, clang_getCanonicalCursor(decl));
  if (f)
    f->value_used = true;
}

static enum CXChildVisitResult scan_init(CXCursor c, CXCursor parent,
                                         CXClientData data) {
  unit *u = data;
  if (c.kind == CXCursor_DeclRefExpr) {
    CXCursor d = clang_getCursorReferenced(c);
    if (d.kind == CXCursor_FunctionDecl)
      note_fn_use(u, d);
  } else if (c.kind == CXCursor_InitListExpr &&
             parent.kind != CXCursor_InitListExpr) {
    note_init_list(u, c); // nested lists: note_init_list's own recursion
  } else if (c.kind == CXCursor_CStyleCastExpr) {
    CXCursor e = last_expr(u, c);
    if (!clang_Cursor_isNull(e))
      note_pointer_cast(u, clang_getCursorType(e), clang_getCursorType(c));
  }
  return CXChildVisit_Recurse;
}

void scan_global_init(unit *u, CXCursor var) {
  CXCursor init = clang_Cursor_getVarDeclInitializer(var);
  // A global of numbers holds no function: an address converted to an
  // integer there carries nothing (expr.c's rule for global integers).
  if (clang_Cursor_isNull(init) ||
      !type_has_pointers(u, clang_getCursorType(var)))
    return;
  scan_init(init, var, u);
  clang_visitChildren(init, scan_init, u);
}

// param_of returns f's LOC_PARAM for parameter i when it may hold a
// function pointer, or NULL.
static location *param_of(func *f, int i) {
  if (i >= f->nparams || !f->params[i])
    return NULL;
  return f->params[i];
}

void resolve_params(unit *u) {
  // Functions reached by callers not seen: every function-pointer
  // parameter is unknown.
  for (int i = 0; i < u->all_funcs.len; i++) {
    func *f = u->all_funcs.items[i];
    for (int j = 0; j < f->nparams; j++)
      if (f->params[j] && (f->external || f->value_used))
        f->params[j]->holds.unknown = true;
  }
  for (int i = 0; i < u->param_args.len; i++) {
    param_arg *pa = u->param_args.items[i];
    location *p = param_of(pa->callee, pa->index);
    if (p)
      fn_set_merge(&p->holds, &pa->set);
  }
  // Parameters passed on: a fixpoint, each round O(arguments). Sets only
  // grow, so it ends; in practice after a round or two.
  for (bool grew = true; grew;) {
    grew = false;
    for (int i = 0; i < u->param_args.len; i++) {
      param_arg *pa = u->param_args.items[i];
      location *p = param_of(pa->callee, pa->index);
      for (int j = 0; p && j < pa->from.len; j++) {
        location *from = pa->from.items[j];
        if (from != p)
          grew |= fn_set_merge(&p->holds, &from->holds);
      }
    }
  }
  for (int i = 0; i < u->param_args.len; i++) {
    param_arg *pa = u->param_args.items[i];
    fn_set_free(&pa->set);
    vec_free(&pa->from);
  }
  vec_free(&u->param_args);
}

//
// The program's view
//

static int by_key(const void *a, const void *b) {
  const struct field_entry *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c)
    return c;
  return x->fact->rank - y->fact->rank;
}

void index_fields(program *p) {
  int n = p->cached_fields.len;
  for (int i = 0; i < p->units.len; i++)
    n += ((unit *)p->units.items[i])->field_list.len;
  p->fields = must_malloc((n ? n : 1) * sizeof(struct field_entry));
  p->nfields = 0;
  for (int i = 0; i < p->units.len; i++) {
    unit *u = p->units.items[i];
    for (int j = 0; j < u->field_list.len; j++) {
      field_fact *ff = u->field_list.items[j];
      ff->rank = u->rank;
      p->fields[p->nfields++] = (struct field_entry){ff->key, ff};
    }
  }
  for (int i = 0; i < p->cached_fields.len; i++) {
    field_fact *ff = p->cached_fields.items[i];
    p->fields[p->nfields++] = (struct field_entry){ff->key, ff};
  }
  qsort(p->fields, p->nfields, sizeof(struct field_entry), by_key);
}

int field_first(program *p, const char *key) {
  int lo = 0, hi = p->nfields;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (strcmp(p->fields[mid].key, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < p->nfields && !strcmp(p->fields[lo].key, key) ? lo : -1;
}

void field_targets(unit *u, callsite *cs, fn_set *out) {
  field_fact *own = field_fact_of(u, cs->callee_field);
  unit_import(u, own->key, NULL); // cache.c hashes field_fact_text
  program *p = u->prog;
  int i = field_first(p, own->key);
  if (i < 0) { // no file stores into it: it holds nothing known
    out->unknown = true;
    return;
  }
  for (; i < p->nfields && !strcmp(p->fields[i].key, own->key); i++) {
    field_fact *ff = p->fields[i].fact;
    if (ff->unit) {
      fn_set_merge(out, &ff->set);
      continue;
    }
    out->unknown |= ff->set.unknown;
    if (ff->local) { // the file must be parsed: its targets are static
      vec_push(&u->tables_wanted, (void *)own->key);
      out->unknown = true;
    }
    for (int j = 0; j < ff->names.len; j++) {
      func *f = program_extern(p, ff->names.items[j]);
      if (f && !has_item(&out->funcs, f))
        vec_push(&out->funcs, f);
      else if (!f)
        out->unknown = true; // no body in the program: not tracked
    }
  }
}

void free_field_facts(unit *u) {
  for (int i = 0; i < u->field_list.len; i++)
    fn_set_free(&((field_fact *)u->field_list.items[i])->set);
  vec_free(&u->field_list);
  cursor_map_free(&u->field_facts);
  for (int i = 0; i < u->param_args.len; i++) {
    param_arg *pa = u->param_args.items[i];
    fn_set_free(&pa->set);
    vec_free(&pa->from);
  }
  vec_free(&u->param_args);
}

// Calls: call.go's job, for C.
//
// Lowering a call evaluates each argument into a temporary and records a
// callsite; what the callee does with the arguments is decided later, when
// the callee's batch has been solved (escape.c analyzes functions bottom-up
// over the call graph's SCCs). link_call then connects the temporaries:
//
//   - a callee in the same batch (recursion): arguments flow straight into
//     its parameters, its result into the call's value, as in Go;
//   - a solved callee: its parameter summaries (leaks.c) become edges:
//     heap leaks to a sink, result leaks into the call's value, and leaks
//     into another parameter's pointee become stores through that argument;
//   - a function without a body: annotations on its declaration, and the
//     built-in model of the C library and the runtime (libc.c) when it has
//     one, else the conservative answer: every argument leaks, and the
//     result is unknown memory;
//   - a call of a block passes the block itself first, as its body's
//     params[0]; a known literal's body is its target (block.c);
//   - a call through a function pointer: the union over its possible
//     targets when they are all known (a local assigned only from named
//     functions, a const table of functions, a struct field or a static
//     function's parameter that only ever holds named functions: iface.c),
//     else an unknown callee;
//   - a bodyless callee with a parameter annotated ESC_ARG_OF(n) calls its
//     argument n with that parameter's argument: a call of its own,
//     through whatever argument n is (lower_arg_of).
#include "escape.h"

#include <stdlib.h>
#include <string.h>

// callee_root strips what stands between a call and the variable holding
// its target: parentheses, casts, *fp, tbl[i], ops.f.
static CXCursor callee_root(unit *u, CXCursor c) {
  for (;;) {
    c = strip_implicit(u, c);
    int n;
    CXCursor *k = unit_children(u, c, &n);
    if (n < 1)
      return c;
    if (c.kind == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_Deref)
      c = k[n - 1];
    else if (c.kind == CXCursor_CStyleCastExpr)
      c = k[n - 1];
    else if (c.kind == CXCursor_MemberRefExpr &&
             type_is_record(clang_getCursorType(k[0])))
      c = k[0];
    else if (c.kind == CXCursor_ArraySubscriptExpr && n == 2)
      c = type_is_pointer(clang_getCursorType(k[0])) ||
                  type_is_array(clang_getCursorType(k[0]))
              ? k[0]
              : k[1];
    else if (c.kind == CXCursor_UnexposedExpr && n == 1)
      c = k[0];
    else
      return c;
  }
}

// extern_const says whether d declares a const global with external
// linkage and no initializer here: a table another unit may define.
static bool extern_const(CXCursor d) {
  CXType t = clang_getCanonicalType(clang_getCursorType(d));
  return clang_getCursorLinkage(d) == CXLinkage_External &&
         clang_isConstQualifiedType(t) &&
         clang_Cursor_isNull(clang_Cursor_getVarDeclInitializer(d));
}

void callee_of(unit *u, callsite *cs, CXCursor callee) {
  CXCursor s = strip_implicit(u, callee);
  if (s.kind == CXCursor_DeclRefExpr) {
    CXCursor d = clang_getCursorReferenced(s);
    if (d.kind == CXCursor_FunctionDecl) {
      cs->kind = CALLEE_DIRECT;
      cs->callee_decl = clang_getCanonicalCursor(d);
      cs->callee_ref = d;
      cs->callee_name = cursor_name(u, d);
      return;
    }
  }
  CXCursor r = callee_root(u, callee);
  cs->callee_name = cursor_text(u, s, 40);
  if (!*cs->callee_name)
    cs->callee_name = "function pointer";
  CXCursor d = r.kind == CXCursor_DeclRefExpr ? clang_getCursorReferenced(r)
                                              : clang_getNullCursor();
  location *l = clang_Cursor_isNull(d) ? NULL : local_of(u, d);
  if (l && (l->kind == LOC_VAR || l->kind == LOC_PARAM) &&
      type_is_function_pointer(clang_getCursorType(d))) {
    cs->kind = CALLEE_LOCAL;
    cs->callee_var = l;
    return;
  }
  if (!l && d.kind == CXCursor_VarDecl &&
      (cursor_map_get(&u->tables, d) || extern_const(d))) {
    cs->kind = CALLEE_TABLE; // the table may be defined in another unit
    cs->callee_decl = d;
    return;
  }
  // p->ops->read, s.cb, (*p->f): a function-pointer field (iface.c).
  CXCursor f = s;
  while (f.kind == CXCursor_UnaryOperator &&
         clang_getCursorUnaryOperatorKind(f) == CXUnaryOperator_Deref)
    f = strip_implicit(u, last_expr(u, f));
  if (fn_field(u, f, &cs->callee_field))
    cs->kind = CALLEE_FIELD;
}

// new_callsite makes the record of call c in the function being lowered,
// to an unknown callee until told otherwise.
static callsite *new_callsite(unit *u, CXCursor c) {
  callsite *cs = arena_alloc(&u->arena, sizeof(callsite));
  cs->call = c;
  cs->caller = u->fn;
  cs->scope = u->scope;
  cs->kind = CALLEE_UNKNOWN;
  cs->callee_decl = clang_getNullCursor();
  return cs;
}

static void resolve_callee(unit *u, callsite *cs, CXCursor callee) {
  callee_of(u, cs, callee);
  if (cs->kind != CALLEE_DIRECT)
    lower_expr(u, hole_discard(), callee);
}

// arg_of_param finds the parameter of bodyless callee d annotated
// ESC_ARG_OF(n): *n receives n; -1 when none is.
static int arg_of_param(unit *u, CXCursor d, int *n) {
  intptr_t memo = (intptr_t)cursor_map_get(&u->arg_of, d);
  if (!memo) {
    memo = 1; // none
    int np = clang_Cursor_getNumArguments(d);
    CXCursor canon = clang_getCanonicalCursor(d);
    for (int i = 0; i < np && i < 0x7fff && memo == 1; i++) {
      leaks l;
      bool found;
      leaks_from_annotations(u, clang_Cursor_getArgument(d, i), &l, &found);
      if (l.arg_of < 0 && !clang_equalCursors(canon, d))
        leaks_from_annotations(u, clang_Cursor_getArgument(canon, i), &l,
                               &found);
      if (l.arg_of >= 0)
        memo = 2 + ((intptr_t)i << 16 | l.arg_of);
    }
    cursor_map_put(&u->arg_of, d, (void *)memo);
  }
  if (memo == 1)
    return -1;
  *n = (int)((memo - 2) & 0xffff);
  return (int)((memo - 2) >> 16);
}

// lower_arg_of records the call that a callee annotated ESC_ARG_OF(n)
// makes: fn(arg), fn being its argument n, arg the annotated one. It is a
// call of its own, through whatever fn is (a function, a local, a field),
// so that fn's summary decides what happens to arg.
static void lower_arg_of(unit *u, callsite *cs, CXCursor c) {
  if (cs->kind != CALLEE_DIRECT || cursor_map_get(&u->funcs, cs->callee_decl))
    return;
  int n, i = arg_of_param(u, cs->callee_ref, &n);
  if (i < 0 || i >= cs->nargs || n >= cs->nargs || !cs->args[i])
    return;
  callsite *fc = new_callsite(u, c);
  callee_of(u, fc, clang_Cursor_getArgument(c, n));
  fc->nargs = 1;
  fc->args = arena_alloc(&u->arena, 2 * sizeof(location *));
  fc->args[0] = cs->args[i];
  fc->next = u->fn->calls;
  u->fn->calls = fc;
}

void lower_call(unit *u, hole k, CXCursor c) {
  int n;
  CXCursor *x = unit_children(u, c, &n);
  callsite *cs = new_callsite(u, c);
  // A block's call passes the block first (block.c), as params[0].
  int first = n > 0 && type_is_block_pointer(clang_getCursorType(x[0]));
  if (n > 0 && !first)
    resolve_callee(u, cs, x[0]);
  int nargs = clang_Cursor_getNumArguments(c);
  cs->nargs = (nargs < 0 ? 0 : nargs) + first;
  cs->args = arena_alloc(&u->arena, (cs->nargs + 1) * sizeof(location *));
  if (first)
    lower_block_callee(u, cs, x[0]);
  for (int i = first; i < cs->nargs; i++) {
    CXCursor a = clang_Cursor_getArgument(c, i - first);
    CXType t = clang_getCursorType(a);
    if (!type_has_pointers(u, t)) {
      lower_expr(u, hole_discard(), a);
      continue;
    }
    cs->args[i] = new_location(u, u->fn, LOC_TEMP, "{temp}");
    cs->args[i]->has_pointers = true;
    lower_expr(u, hole_note(u, hole_of(cs->args[i]), c, "call parameter"), a);
  }
  if (k.dst && type_has_pointers(u, clang_getCursorType(c))) {
    cs->result = new_location(u, u->fn, LOC_TEMP, "{temp}");
    cs->result->has_pointers = true;
    flow(u, k, cs->result);
  }
  cs->next = u->fn->calls;
  u->fn->calls = cs;
  note_call_args(u, cs, c);
  lower_arg_of(u, cs, c);
}

// cleanup_function finds the function a cleanup attribute of decl names:
// clang's CleanupAttr is not exposed, so its text is read and the name
// looked up among the unit's functions. Null when decl has no cleanup.
static CXCursor cleanup_function(unit *u, CXCursor decl) {
  int n;
  CXCursor *k = unit_children(u, decl, &n);
  for (int i = 0; i < n; i++) {
    if (k[i].kind != CXCursor_UnexposedAttr)
      continue;
    // Where the attribute is written: in the file, or in a macro's body.
    CXFile f;
    unsigned at;
    size_t size;
    clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(k[i])),
                              &f, NULL, NULL, &at);
    const char *file = f ? clang_getFileContents(u->tu, f, &size) : NULL;
    if (!file || at >= size)
      continue;
    const char *text = file + at;
    const char *open = strchr(text, '(');
    if (!open ||
        (strncmp(text, "cleanup", 7) && strncmp(text, "__cleanup__", 11)))
      continue;
    while (*++open == ' ')
      ;
    size_t len = strcspn(open, " )");
    CXCursor root = clang_getTranslationUnitCursor(u->tu);
    int nt;
    CXCursor *top = unit_children(u, root, &nt);
    for (int j = nt - 1; j >= 0; j--)
      if (top[j].kind == CXCursor_FunctionDecl) {
        const char *name = cursor_name(u, top[j]);
        if (strlen(name) == len && !strncmp(name, open, len))
          return top[j];
      }
  }
  return clang_getNullCursor();
}

// lower_cleanup records the call that __attribute__((cleanup(f))) makes
// when l's block ends: f(&l).
void lower_cleanup(unit *u, location *l, CXCursor decl) {
  CXCursor f = cleanup_function(u, decl);
  if (clang_Cursor_isNull(f))
    return;
  callsite *cs = new_callsite(u, decl);
  cs->kind = CALLEE_DIRECT;
  cs->callee_decl = clang_getCanonicalCursor(f);
  cs->callee_ref = f;
  cs->callee_name = cursor_name(u, f);
  cs->nargs = 1;
  cs->args = arena_alloc(&u->arena, 2 * sizeof(location *));
  cs->args[0] = new_location(u, u->fn, LOC_TEMP, "{temp}");
  cs->args[0]->has_pointers = true;
  l->addrtaken = true;
  add_edge(u, cs->args[0], l, -1, NULL);
  cs->next = u->fn->calls;
  u->fn->calls = cs;
}

// defined_elsewhere returns the function another unit of the program
// defines for d, a declaration without a body here, or NULL.
static func *defined_elsewhere(unit *u, CXCursor d) {
  if (clang_getCursorLinkage(d) != CXLinkage_External)
    return NULL;
  return program_extern(u->prog, cursor_name(u, d));
}

void unit_import(unit *u, const char *name, func *fn) {
  import *im = must_malloc(sizeof(import));
  *im = (import){name, fn};
  vec_push(&u->imports, im);
}

// add_bodyless_targets adds to out the functions other units define for
// the bodyless declarations in v; false when one of them has no body
// anywhere in the program (then u's verdicts depend on none defining it).
static bool add_bodyless_targets(unit *u, const vec *v, vec *out) {
  bool all = true;
  for (int i = 0; i < v->len; i++) {
    CXCursor d = *(CXCursor *)v->items[i];
    func *f = defined_elsewhere(u, d);
    if (f) {
      vec_push(out, f);
    } else {
      all = false;
      if (clang_getCursorLinkage(d) == CXLinkage_External)
        unit_import(u, cursor_name(u, d), NULL);
    }
  }
  return all;
}

// set_targets lists what a function pointer holding set may call: the
// functions with bodies in out, the others, defined nowhere in the
// program, in cs->bodyless (link_call applies their annotations or the C
// library's model). Nothing known, or anything unknown: *unknown.
static void set_targets(unit *u, callsite *cs, const fn_set *set, bool unseen,
                        vec *out, bool *unknown) {
  if (set->unknown || unseen || set->funcs.len + set->bodyless.len == 0) {
    *unknown = true;
    return;
  }
  for (int i = 0; i < set->funcs.len; i++)
    vec_push(out, set->funcs.items[i]);
  for (int i = 0; i < set->bodyless.len; i++) {
    CXCursor *d = set->bodyless.items[i];
    func *f = defined_elsewhere(u, *d);
    if (f) {
      vec_push(out, f);
    } else {
      vec_push(&cs->bodyless, d);
      if (clang_getCursorLinkage(*d) == CXLinkage_External)
        unit_import(u, cursor_name(u, *d), NULL);
    }
  }
}

// callsite_targets lists the functions with bodies that cs may call; unknown
// is set when it may also call something else.
void callsite_targets(unit *u, callsite *cs, vec *out, bool *unknown) {
  *unknown = false;
  switch (cs->kind) {
  case CALLEE_DIRECT: {
    func *f = cursor_map_get(&u->funcs, cs->callee_decl);
    if (!f)
      f = defined_elsewhere(u, cs->callee_ref);
    if (f)
      vec_push(out, f);
    else
      *unknown = true;
    return;
  }
  case CALLEE_LOCAL:
    cs->weak = cs->callee_var->kind == LOC_PARAM;
    set_targets(u, cs, &cs->callee_var->holds, cs->callee_var->addrtaken, out,
                unknown);
    return;
  case CALLEE_FIELD: {
    cs->weak = true;
    fn_set set = {0};
    field_targets(u, cs, &set);
    set_targets(u, cs, &set, false, out, unknown);
    fn_set_free(&set);
    return;
  }
  case CALLEE_TABLE: {
    fn_table *t = cursor_map_get(&u->tables, cs->callee_decl);
    if (!t && extern_const(cs->callee_decl)) {
      const char *name = cursor_name(u, cs->callee_decl);
      t = program_table(u->prog, name);
      if (!t)
        vec_push(&u->tables_wanted, (void *)name);
    }
    if (!t) {
      *unknown = true;
      return;
    }
    vec all = {0};
    for (int i = 0; i < t->funcs.len; i++)
      vec_push(&all, t->funcs.items[i]);
    if (!add_bodyless_targets(u, &t->bodyless, &all))
      *unknown = true;
    int nargs = cs->nargs;
    for (int i = 0; i < all.len; i++) {
      func *f = all.items[i];
      if (f->nparams == nargs || (f->variadic && f->nparams <= nargs))
        vec_push(out, f);
    }
    vec_free(&all);
    if (out->len == 0)
      *unknown = true;
    return;
  }
  case CALLEE_BLOCK:
    vec_push(out, cs->block);
    return;
  case CALLEE_UNKNOWN:
    *unknown = true;
    return;
  }
}

void add_store(unit *u, callsite *cs, location *ptr, location *src, int derefs,
               note *n) {
  store *s = arena_alloc(&u->arena, sizeof(store));
  *s = (store){ptr, src, derefs, n, false};
  vec_push(&cs->caller->stores, s);
}

note *call_note(unit *u, callsite *cs, const char *why) {
  if (!u->opt->explain)
    return NULL;
  note *n = arena_alloc(&u->arena, sizeof(note));
  n->where = cs->call;
  n->why = why;
  return n;
}

// apply_summary connects cs's arguments as f's summaries say.
static void apply_summary(unit *u, callsite *cs, const leaks *summary,
                          int nsummary, bool variadic) {
  note *n = call_note(u, cs, "call parameter");
  for (int i = 0; i < cs->nargs; i++) {
    location *a = cs->args[i];
    if (!a)
      continue;
    int p = i < nsummary ? i : (variadic ? nsummary : -1);
    if (p < 0)
      continue;
    const leaks *l = &summary[p];
    if (l->heap >= 0)
      add_edge(u, heap_sink_via(u, l->heap_kind, l->heap_name, cs->callee_name),
               a, l->heap,
               l->heap_kind == ESC_SEND ? call_note(u, cs, "send") : n);
    if (l->receives && i < cs->nargs)
      add_store(u, cs, a, u->unknown, 0, call_note(u, cs, "receive"));
    if (l->result >= 0 && cs->result)
      add_edge(u, cs->result, a, l->result, n);
    for (int j = 0; j < cs->nargs && j < MAX_LEAK_PARAMS; j++)
      if (l->content[j] >= 0 && cs->args[j])
        add_store(u, cs, cs->args[j], a, l->content[j], n);
  }
}

void link_unknown(unit *u, callsite *cs) {
  note *n = call_note(u, cs, "call to unknown function");
  location *sink = heap_sink(u, ESC_CALL, cs->callee_name);
  for (int i = 0; i < cs->nargs; i++) {
    // Calling a block it does not know leaks the block only when the
    // result is used, as Go's calleeHole: the body's effect on what the
    // block holds was applied at the literal (block.c).
    if (i == 0 && cs->block_call && !cs->result)
      continue;
    if (cs->args[i])
      add_edge(u, sink, cs->args[i], 0, n);
  }
  if (cs->result)
    add_edge(u, cs->result, u->unknown, 0, NULL);
}

// annotations reads the escape annotations of parameter i of a function
// declared as d, from the declaration the call names and from the first
// one: an annotation may sit on either.
static bool annotations(unit *u, CXCursor d, int i, leaks *l) {
  bool found = false;
  leaks_from_annotations(u, clang_Cursor_getArgument(d, i), l, &found);
  CXCursor c = clang_getCanonicalCursor(d);
  if (!found && !clang_equalCursors(c, d))
    leaks_from_annotations(u, clang_Cursor_getArgument(c, i), l, &found);
  return found;
}

// link_bodyless handles a call to function d, which has no body: by its
// annotations, its model (libc.c), or as unknown. A function with both
// (the runtime's, as escrt_slicecopy) gets both: the annotations say what
// it keeps, the model what it does besides (a copy between its arguments).
static void link_bodyless(unit *u, callsite *cs, CXCursor d, const char *name) {
  if (!strncmp(name, "__builtin_", 10))
    name += 10;
  const libc_model *m = libc_lookup(name);
  int np = clang_Cursor_getNumArguments(d);
  if (np > 0 && np <= MAX_LEAK_PARAMS) {
    leaks ann[MAX_LEAK_PARAMS + 1];
    bool any = false;
    for (int i = 0; i < np; i++)
      any |= annotations(u, d, i, &ann[i]);
    if (any) {
      leaks_init(&ann[np]);
      ann[np].heap = 0;
      ann[np].heap_kind = ESC_CALL;
      ann[np].heap_name = name;
      apply_summary(u, cs, ann, np, true);
      if (m)
        apply_libc_model(u, cs, m);
      else if (cs->result)
        add_edge(u, cs->result, u->unknown, 0, NULL);
      return;
    }
  }
  if (m) {
    apply_libc_model(u, cs, m);
    return;
  }
  link_unknown(u, cs);
}

void link_func(unit *u, callsite *cs, func *f) {
  if (f->summary) {
    apply_summary(u, cs, f->summary, f->nparams, f->variadic);
    if (cs->result && f->result_unknown)
      add_edge(u, cs->result, u->unknown, 0, NULL);
    return;
  }
  // Same batch, no summary (the fixpoint gave up): connect directly, as Go
  // does within an SCC.
  note *n = call_note(u, cs, "call parameter");
  for (int i = 0; i < cs->nargs; i++) {
    location *p = i < f->nparams ? f->params[i] : f->varargs;
    if (cs->args[i] && p)
      add_edge(u, p, cs->args[i], 0, n);
  }
  if (cs->result && f->result)
    add_edge(u, cs->result, f->result, 0, call_note(u, cs, "call part"));
}

// link_call connects cs to its targets; with in_batch_only, only to the
// targets in the current batch (the next round of the fixpoint).
void link_call(unit *u, callsite *cs, bool in_batch_only) {
  bool unknown = cs->unknown_target;
  for (int i = 0; i < cs->targets.len; i++) {
    func *f = cs->targets.items[i];
    if (!f->summary && !f->in_batch)
      unknown = true; // not solved yet: never so in bottom-up order
    else if (!in_batch_only || f->in_batch)
      link_func(u, cs, f);
  }
  for (int i = 0; !in_batch_only && !unknown && i < cs->bodyless.len; i++) {
    CXCursor *d = cs->bodyless.items[i];
    link_bodyless(u, cs, *d, cursor_name(u, *d));
  }
  if (unknown && !in_batch_only) {
    if (cs->kind == CALLEE_DIRECT)
      link_bodyless(u, cs, cs->callee_ref, cs->callee_name);
    else
      link_unknown(u, cs);
  }
}

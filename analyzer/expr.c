// Lowering expressions: expr.go's job, for C.
//
// lower_expr(k, e) evaluates e for its value and flows that value into the
// hole k. The derefs rules of escape.c fall out of three cases:
//
//     &e      hole_addr:  k shifted by -1   (p = &x)
//     *e      hole_deref: k shifted by +1   (p = *q, p->f, p[i])
//     others  k unchanged: casts, pointer arithmetic, ?:, comma, s.f
//
// lower_addr(e) is the other direction, for the left side of an assignment:
// it returns the hole that a value stored into lvalue e flows to. Storing
// through a pointer (*p = v, p->f = v, p[i] = v) gives a store hole, which
// the solver resolves once it knows what p points to.
//
// Arrays are their own storage: a[i] on an array reads the array, and an
// array used as a value decays to its address, which libclang shows as an
// implicit cast from an array type to a pointer type. Values whose type
// holds no pointers are discarded (types.c), but their subexpressions are
// still lowered, since they may contain calls and assignments. Constructs
// the lowering does not know flow to the heap, as DESIGN §3 asks: input
// must never crash the analyzer, and an unknown construct must not hide an
// escape.
//
// In check mode, lowering also tells held.c what each expression does to
// the places it names (held_read, held_assign, held_version): reads,
// assignments, and the operands that are evaluated only sometimes.
#include "escape.h"

#include <string.h>

static CXCursor *kids(unit *u, CXCursor c, int *n) {
  return unit_children(u, c, n);
}

// last_expr returns c's last child that is an expression (a cast's operand
// comes after the TypeRef of its target type).
static CXCursor last_expr(unit *u, CXCursor c) {
  int n;
  CXCursor *k = kids(u, c, &n);
  for (int i = n - 1; i >= 0; i--)
    if (clang_isExpression(k[i].kind))
      return k[i];
  return clang_getNullCursor();
}

static CXType type_of(CXCursor c) { return clang_getCursorType(c); }

// is_array_expr reports whether c is an array object. A parameter declared
// with an array type is a pointer in C, whatever libclang says its type is.
static bool is_array_expr(unit *u, CXCursor c) {
  if (!type_is_array(type_of(c)))
    return false;
  CXCursor s = strip_implicit(u, c);
  switch (s.kind) {
  case CXCursor_DeclRefExpr:
    return clang_getCursorReferenced(s).kind != CXCursor_ParmDecl;
  case CXCursor_MemberRefExpr:
  case CXCursor_ArraySubscriptExpr:
  case CXCursor_CompoundLiteralExpr:
  case CXCursor_StringLiteral:
  case CXCursor_InitListExpr:
  case CXCursor_StmtExpr:
  case CXCursor_UnaryOperator:
    return true;
  default:
    // a + 1 on an array parameter: libclang keeps the declared type.
    return false;
  }
}

// strip_implicit skips parentheses and implicit casts that do not change
// what a value points to (not array decay).
CXCursor strip_implicit(unit *u, CXCursor c) {
  for (;;) {
    if (c.kind != CXCursor_ParenExpr && c.kind != CXCursor_UnexposedExpr)
      return c;
    int n;
    CXCursor *k = kids(u, c, &n);
    if (n != 1 || !clang_isExpression(k[0].kind))
      return c;
    if (type_is_array(type_of(k[0])) && !type_is_array(type_of(c)))
      return c;
    c = k[0];
  }
}

location *local_of(unit *u, CXCursor decl) {
  if (clang_Cursor_isNull(decl))
    return NULL;
  return cursor_map_get(&u->locals, decl);
}

static location *global_of(unit *u, CXCursor decl) {
  if (decl.kind != CXCursor_VarDecl)
    return NULL;
  return heap_sink(u, ESC_GLOBAL, cursor_name(u, decl));
}

// read_location flows the value held in l into k: a field's value is also
// in every enclosing location (whole-struct writes), and a whole struct's
// value is in every field.
//
// Fields may be created after a whole read is lowered (a loop's next
// iteration writes s.f): so a whole read flows from l->whole, a temporary
// that finish_fields connects to l and all of its fields at the end.
static void read_location(unit *u, hole k, location *l) {
  if (k.derefs < 0) {
    flow(u, k, l);
    return;
  }
  for (location *a = l->parent; a; a = a->parent)
    flow(u, k, a);
  if (!l->aggregate) {
    flow(u, k, l);
    return;
  }
  if (!l->whole) {
    l->whole = new_location(u, u->fn, LOC_TEMP, l->name);
    l->whole->has_pointers = true;
  }
  flow(u, k, l->whole);
}

static CXCursor array_base(unit *u, CXCursor c, CXCursor *ptr, CXCursor *index);

// member_location returns the child of parent for member field.
static location *member_location(unit *u, location *parent, CXCursor field) {
  location *f = field_location(u, parent, field, cursor_name(u, field));
  CXType ft = clang_getCursorType(field);
  f->aggregate = type_is_record(ft) || type_is_array(ft);
  return f;
}

// member_base returns the object expression of member expression c (s in
// s.f, p in p->f), or a null cursor.
static CXCursor member_base(unit *u, CXCursor c) {
  int n;
  CXCursor *k = c.kind == CXCursor_MemberRefExpr ? kids(u, c, &n) : NULL;
  return k && n >= 1 ? k[0] : clang_getNullCursor();
}

// element_array returns the array that subscript c indexes, stripped, or a
// null cursor when c is not a subscript of an array object.
static CXCursor element_array(unit *u, CXCursor c) {
  CXCursor ptr, index;
  if (c.kind != CXCursor_ArraySubscriptExpr)
    return clang_getNullCursor();
  CXCursor arr = array_base(u, c, &ptr, &index);
  return clang_Cursor_isNull(arr) ? arr : strip_implicit(u, arr);
}

// field_of returns the location of member expression c when it names a
// member path of a local struct variable (s.f, s.f.g), or NULL. Members of
// unions share their union's location.
static location *field_of(unit *u, CXCursor c) {
  if (c.kind == CXCursor_ArraySubscriptExpr) {
    // The elements of an array are one location, their members are not:
    // a[0].p and a[1].q stay apart.
    CXCursor arr = element_array(u, c);
    return clang_Cursor_isNull(arr) ? NULL : field_of(u, arr);
  }
  if (c.kind == CXCursor_DeclRefExpr) {
    location *l = local_of(u, clang_getCursorReferenced(c));
    return l && (l->kind == LOC_VAR || l->kind == LOC_PARAM) ? l : NULL;
  }
  CXCursor b = member_base(u, c);
  if (clang_Cursor_isNull(b))
    return NULL;
  CXCursor base = strip_implicit(u, b);
  CXType bt = type_of(base);
  if (!type_is_record(bt))
    return NULL; // p->f
  location *parent = field_of(u, base);
  if (!parent)
    return NULL;
  if (type_is_union(bt))
    return parent;
  CXCursor field = clang_getCursorReferenced(c);
  if (clang_Cursor_isNull(field))
    return parent;
  return member_location(u, parent, field);
}

// store_through returns the hole for *base = value.
static hole store_through(unit *u, CXCursor base, CXCursor where) {
  CXCursor s = strip_implicit(u, base);
  location *ptr = NULL;
  if (s.kind == CXCursor_DeclRefExpr) {
    location *l = local_of(u, clang_getCursorReferenced(s));
    if (l && !l->is_array && !l->fields)
      ptr = l;
  }
  if (!ptr) {
    ptr = new_location(u, u->fn, LOC_TEMP, "{temp}");
    lower_expr(u, hole_of(ptr), base);
  }
  hole k = {.dst = ptr, .store = true};
  return hole_note(u, k, where, "indirection");
}

// array_base returns the array that subscript c indexes into, or a null
// cursor when it indexes through a pointer; *index receives the other side.
static CXCursor array_base(unit *u, CXCursor c, CXCursor *ptr,
                           CXCursor *index) {
  int n;
  CXCursor *k = kids(u, c, &n);
  *ptr = *index = clang_getNullCursor();
  if (n != 2)
    return clang_getNullCursor();
  int p =
      type_is_pointer(type_of(k[0])) || type_is_array(type_of(k[0])) ? 0 : 1;
  *ptr = k[p];
  *index = k[1 - p];
  // The base is the array itself, or its decay (which strip_implicit keeps).
  CXCursor s = strip_implicit(u, *ptr);
  if (is_array_expr(u, s))
    return s;
  int m;
  CXCursor *d = kids(u, s, &m);
  bool implicit =
      s.kind == CXCursor_UnexposedExpr || s.kind == CXCursor_ParenExpr;
  if (implicit && m == 1 && is_array_expr(u, d[0]))
    return d[0];
  return clang_getNullCursor();
}

hole lower_addr(unit *u, CXCursor c) {
  switch (c.kind) {
  case CXCursor_DeclRefExpr: {
    CXCursor d = clang_getCursorReferenced(c);
    location *l = local_of(u, d);
    if (l)
      return hole_of(l);
    l = global_of(u, d);
    return l ? hole_of(l) : hole_discard();
  }
  case CXCursor_MemberRefExpr: {
    location *f = field_of(u, c);
    if (f)
      return hole_of(f);
    int n;
    CXCursor *k = kids(u, c, &n);
    if (n < 1)
      return hole_discard();
    if (type_is_pointer(type_of(k[0])))
      return store_through(u, k[0], c);
    return lower_addr(u, k[0]);
  }
  case CXCursor_ArraySubscriptExpr: {
    CXCursor ptr, index;
    CXCursor arr = array_base(u, c, &ptr, &index);
    lower_expr(u, hole_discard(), index);
    if (!clang_Cursor_isNull(arr))
      return lower_addr(u, arr);
    if (clang_Cursor_isNull(ptr))
      return hole_discard();
    return store_through(u, ptr, c);
  }
  case CXCursor_UnaryOperator:
    if (clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_Deref) {
      CXCursor e = last_expr(u, c);
      return store_through(u, e, c);
    }
    break;
  case CXCursor_ParenExpr:
  case CXCursor_UnexposedExpr:
  case CXCursor_CStyleCastExpr: {
    CXCursor e = last_expr(u, c);
    if (!clang_Cursor_isNull(e))
      return lower_addr(u, e);
    return hole_discard();
  }
  default:
    break;
  }
  // An lvalue we cannot follow: whatever is stored there may go anywhere.
  lower_expr(u, hole_discard(), c);
  return hole_note(u, hole_of(heap_sink(u, ESC_HEAP, NULL)), c,
                   "unhandled lvalue");
}

// note_fn_target records what a local function-pointer variable may hold,
// so that calls through it use the summaries of known functions.
void note_fn_target(unit *u, location *l, CXCursor rhs) {
  if (!l || !type_is_function_pointer(clang_getCursorType(l->decl)))
    return;
  CXCursor r = strip_implicit(u, rhs);
  while (r.kind == CXCursor_CStyleCastExpr || r.kind == CXCursor_ParenExpr)
    r = strip_implicit(u, last_expr(u, r));
  if (r.kind == CXCursor_ConditionalOperator) {
    int n;
    CXCursor *x = kids(u, r, &n);
    for (int i = n - 2; i < n && i >= 0; i++)
      note_fn_target(u, l, x[i]);
    return;
  }
  if (r.kind == CXCursor_UnaryOperator &&
      clang_getCursorUnaryOperatorKind(r) == CXUnaryOperator_AddrOf)
    r = strip_implicit(u, last_expr(u, r));
  if (r.kind == CXCursor_DeclRefExpr &&
      clang_getCursorReferenced(r).kind == CXCursor_FunctionDecl) {
    CXCursor canon = clang_getCanonicalCursor(clang_getCursorReferenced(r));
    func *f = cursor_map_get(&u->funcs, canon);
    if (f) {
      vec_push(&l->fn_targets, f);
    } else {
      // No body: its annotations or the C library model decide (call.c).
      CXCursor *d = arena_alloc(&u->arena, sizeof(CXCursor));
      *d = clang_getCursorReferenced(r);
      vec_push(&l->fn_bodyless, d);
    }
    return;
  }
  CXEvalResult ev = clang_Cursor_Evaluate(r);
  bool null = ev && clang_EvalResult_getKind(ev) == CXEval_Int &&
              clang_EvalResult_getAsLongLong(ev) == 0;
  if (ev)
    clang_EvalResult_dispose(ev);
  if (!null)
    l->fn_targets_unknown = true;
}

// copy_fields lowers t = s between struct locals member by member, so that
// t.f receives s.f only and field sensitivity survives the copy.
static void copy_fields(unit *u, hole k, location *t, location *s) {
  for (location *f = s->fields; f; f = f->next_field) {
    location *tf = member_location(u, t, f->decl);
    k.dst = tf;
    flow(u, k, f);
    copy_fields(u, k, tf, f);
  }
}

typedef struct {
  hole k;
  location *t, *s;
} struct_copy_rec;

// struct_copy lowers t = s for struct locals t and s. The member-wise part
// waits for the end of the function (finish_fields): s may get fields later.
static bool struct_copy(unit *u, location *t, CXCursor c, CXCursor rhs) {
  if (!t || !type_is_record(type_of(rhs)) || type_is_union(type_of(rhs)))
    return false;
  location *s = field_of(u, strip_implicit(u, rhs));
  if (!s || t == s)
    return false;
  held_copy(u, rhs);
  hole k = hole_note(u, hole_of(t), c, "assign");
  flow(u, k, s);
  for (location *a = s->parent; a; a = a->parent)
    flow(u, k, a);
  struct_copy_rec *r = arena_alloc(&u->arena, sizeof(struct_copy_rec));
  *r = (struct_copy_rec){k, t, s};
  vec_push(&u->fn->copies, r);
  return true;
}

static int count_fields(location *l) {
  int n = 0;
  for (location *f = l->fields; f; f = f->next_field)
    n += 1 + count_fields(f);
  return n;
}

static void connect_whole(unit *u, location *w, location *l) {
  add_edge(u, w, l, 0, NULL);
  for (location *f = l->fields; f; f = f->next_field)
    connect_whole(u, w, f);
}

// finish_fields does what needs every field of fn's struct locals: the
// member-wise copies (repeated until no copy creates a field), then the
// whole-value reads.
void finish_fields(unit *u, func *fn) {
  for (bool grew = true; grew;) {
    grew = false;
    for (int i = 0; i < fn->copies.len; i++) {
      struct_copy_rec *r = fn->copies.items[i];
      int before = count_fields(r->t);
      copy_fields(u, r->k, r->t, r->s);
      grew |= count_fields(r->t) != before;
    }
  }
  for (int i = 0; i < fn->locations.len; i++) {
    location *l = fn->locations.items[i];
    if (l->whole)
      connect_whole(u, l->whole, l);
  }
}

// self_base returns the text of the object whose member e selects (p->a,
// s.a, p->a[i]), or NULL.
static const char *self_base(unit *u, CXCursor e) {
  e = strip_implicit(u, e);
  if (e.kind == CXCursor_ArraySubscriptExpr)
    e = element_array(u, e);
  CXCursor b = member_base(u, e);
  if (clang_Cursor_isNull(b))
    return NULL;
  const char *t = cursor_text(u, b, 0);
  // Only side-effect-free paths: no calls, no assignments, no ++/--.
  if (!*t || strpbrk(t, "(=") || strstr(t, "++") || strstr(t, "--"))
    return NULL;
  return t;
}

// is_self_assign reports Go's self-assignment, val.x = val.y: storing into
// an object a value it already holds changes nothing (escape/utils.go).
static bool is_self_assign(unit *u, CXCursor lhs, CXCursor rhs) {
  const char *a = self_base(u, lhs);
  const char *b = a ? self_base(u, rhs) : NULL;
  return b && !strcmp(a, b);
}

static void assign(unit *u, hole k, CXCursor c, CXCursor lhs, CXCursor rhs) {
  bool ptrs = type_has_pointers(u, type_of(lhs));
  if (ptrs && is_self_assign(u, lhs, rhs)) {
    lower_expr(u, hole_discard(), rhs);
    lower_expr(u, k, lhs);
    return;
  }
  if (ptrs && type_is_record(type_of(lhs)) && !type_is_union(type_of(lhs)) &&
      struct_copy(u, field_of(u, strip_implicit(u, lhs)), c, rhs)) {
    if (k.dst)
      lower_expr(u, k, lhs);
    return;
  }
  // In check mode the store into a place held.c names is tagged, and the
  // place's own parts are not reads of it.
  held_store *held = ptrs ? held_assign(u, lhs, rhs) : NULL;
  held_path(u, held != NULL);
  hole dst = lower_addr(u, lhs);
  held_path(u, -(held != NULL));
  dst.held = held;
  if (ptrs) {
    CXCursor s = strip_implicit(u, lhs);
    if (s.kind == CXCursor_DeclRefExpr)
      note_fn_target(u, local_of(u, clang_getCursorReferenced(s)), rhs);
    lower_expr(u, hole_note(u, dst, c, "assign"), rhs);
  } else {
    lower_expr(u, hole_discard(), rhs);
  }
  held_stored(u, held);
  if (k.dst)
    lower_expr(u, k, lhs);
}

// literal lowers a compound literal: an object with the automatic storage
// of its block, initialized from its initializer list.
static location *literal(unit *u, CXCursor c, CXCursor display) {
  location *l = new_location(u, u->fn, LOC_ALLOC, "{storage for literal}");
  l->alloc = ALLOC_LITERAL;
  l->scope = u->scope;
  held_local(u);
  l->decl = c;
  l->where = display;
  l->has_pointers = type_has_pointers(u, type_of(c));
  l->is_array = type_is_array(type_of(c));
  CXCursor init = last_expr(u, c);
  if (!clang_Cursor_isNull(init))
    lower_expr(u, l->has_pointers ? hole_of(l) : hole_discard(), init);
  return l;
}

static void unary(unit *u, hole k, CXCursor c) {
  CXCursor e = last_expr(u, c);
  if (clang_Cursor_isNull(e))
    return;
  switch (clang_getCursorUnaryOperatorKind(c)) {
  case CXUnaryOperator_AddrOf: {
    CXCursor s = strip_implicit(u, e);
    hole a = hole_addr(u, k, c, "address-of");
    if (s.kind == CXCursor_CompoundLiteralExpr) {
      location *l = literal(u, s, c);
      l->addrtaken = true; // &(T){...} is reported even when *& cancels
      flow(u, a, l);
      return;
    }
    lower_expr(u, a, e);
    return;
  }
  case CXUnaryOperator_Deref:
    lower_expr(u, hole_deref(u, k, c, "indirection"), e);
    return;
  case CXUnaryOperator_PostInc:
  case CXUnaryOperator_PostDec:
  case CXUnaryOperator_PreInc:
  case CXUnaryOperator_PreDec:
    held_shift(u, e);
    lower_expr(u, k, e);
    return;
  case CXUnaryOperator_Extension:
    lower_expr(u, k, e);
    return;
  default:
    lower_expr(u, hole_discard(), e);
    return;
  }
}

static void binary(unit *u, hole k, CXCursor c) {
  int n;
  CXCursor *x = kids(u, c, &n);
  if (n != 2) {
    for (int i = 0; i < n; i++)
      lower_expr(u, hole_discard(), x[i]);
    return;
  }
  switch (clang_getCursorBinaryOperatorKind(c)) {
  case CXBinaryOperator_Assign:
    assign(u, k, c, x[0], x[1]);
    return;
  case CXBinaryOperator_LAnd:
  case CXBinaryOperator_LOr:
    lower_expr(u, hole_discard(), x[0]);
    held_cond(u, 1);
    lower_expr(u, hole_discard(), x[1]);
    held_cond(u, -1);
    return;
  case CXBinaryOperator_Comma:
    lower_expr(u, hole_discard(), x[0]);
    lower_expr(u, k, x[1]);
    return;
  case CXBinaryOperator_Add:
  case CXBinaryOperator_Sub:
    // Pointer arithmetic keeps pointing into the same object.
    for (int i = 0; i < 2; i++) {
      CXType t = type_of(x[i]);
      bool ptr = type_is_pointer(t) || type_is_array(t);
      lower_expr(u, ptr ? k : hole_discard(), x[i]);
    }
    return;
  default:
    lower_expr(u, hole_discard(), x[0]);
    lower_expr(u, hole_discard(), x[1]);
    return;
  }
}

static void member(unit *u, hole k, CXCursor c) {
  int n;
  CXCursor *x = kids(u, c, &n);
  if (n < 1)
    return;
  if (type_is_pointer(type_of(x[0]))) {
    lower_expr(u, hole_deref(u, k, c, "dot of pointer"), x[0]);
    return;
  }
  location *f = field_of(u, c);
  if (f) {
    read_location(u, hole_note(u, k, c, "dot"), f);
    return;
  }
  lower_expr(u, hole_note(u, k, c, "dot"), x[0]);
}

static void subscript(unit *u, hole k, CXCursor c) {
  CXCursor ptr, index;
  CXCursor arr = array_base(u, c, &ptr, &index);
  lower_expr(u, hole_discard(), index);
  if (!clang_Cursor_isNull(arr))
    lower_expr(u, hole_note(u, k, c, "index"), arr);
  else if (!clang_Cursor_isNull(ptr))
    lower_expr(u, hole_deref(u, k, c, "dot of pointer"), ptr);
}

static void decl_ref(unit *u, hole k, CXCursor c) {
  CXCursor d = clang_getCursorReferenced(c);
  location *l = local_of(u, d);
  if (l) {
    read_location(u, k, held_version(u, l, k, c));
    return;
  }
  location *g = global_of(u, d);
  if (g)
    flow(u, k, g);
}

// unexposed handles what libclang does not name: implicit casts (array
// decay among them), va_arg, GNU's a ?: b, atomics.
static void unexposed(unit *u, hole k, CXCursor c) {
  int n;
  CXCursor *x = kids(u, c, &n);
  // va_arg(ap, T) has its type as a second child: count expressions only.
  int exprs = 0, first = 0;
  for (int i = n - 1; i >= 0; i--)
    if (clang_isExpression(x[i].kind))
      exprs++, first = i;
  if (exprs == 1) {
    x += first;
    CXType from = type_of(x[0]), to = type_of(c);
    bool same = clang_equalTypes(clang_getCanonicalType(from),
                                 clang_getCanonicalType(to));
    if (!same && type_is_va_list(from) && !type_is_va_list(to)) {
      lower_expr(u, hole_deref(u, k, c, "va_arg"), x[0]);
      return;
    }
    if (type_is_array(from) && !type_is_array(to)) {
      if (is_array_expr(u, x[0]))
        lower_expr(u, hole_addr(u, k, c, "address-of"), x[0]);
      else
        lower_expr(u, k, x[0]); // an array parameter is a pointer
      return;
    }
    lower_expr(u, k, x[0]);
    return;
  }
  if (lower_atomic(u, k, c))
    return;
  held_cond(u, 1); // a ?: b evaluates b only sometimes
  for (int i = 0; i < n; i++)
    if (clang_isExpression(x[i].kind))
      lower_expr(u, k, x[i]);
  held_cond(u, -1);
}

static void stmt_expr(unit *u, hole k, CXCursor c) {
  int n;
  CXCursor *x = kids(u, c, &n);
  if (n != 1 || x[0].kind != CXCursor_CompoundStmt) {
    for (int i = 0; i < n; i++)
      lower_stmt(u, x[i]);
    return;
  }
  int m;
  CXCursor *s = kids(u, x[0], &m);
  push_scope(u, c);
  for (int i = 0; i < m; i++) {
    if (i == m - 1 && clang_isExpression(s[i].kind))
      lower_expr(u, k, s[i]);
    else
      lower_stmt(u, s[i]);
  }
  pop_scope(u);
}

static enum CXChildVisitResult capture(CXCursor c, CXCursor parent,
                                       CXClientData data) {
  void **env = data;
  unit *u = env[0];
  location *block = env[1];
  if (c.kind == CXCursor_DeclRefExpr) {
    location *l = local_of(u, clang_getCursorReferenced(c));
    if (l)
      add_edge(u, block, l, -1, NULL);
  }
  return CXChildVisit_Recurse;
}

// block lowers a clang block literal: an object holding what it captures.
// Captures are taken by reference here, which is what __block variables
// are and an over-approximation for the others.
static void block(unit *u, hole k, CXCursor c) {
  location *l = new_location(u, u->fn, LOC_ALLOC, "{storage for block}");
  l->alloc = ALLOC_BLOCK;
  l->decl = l->where = c;
  l->has_pointers = true;
  void *env[2] = {u, l};
  clang_visitChildren(c, capture, env);
  flow(u, hole_addr(u, k, c, "block literal"), l);
}

static void lower_expr1(unit *u, hole k, CXCursor c);

// lower_expr guards the recursion: past MAX_NESTING levels the function is
// given up on (too_deep), soundly, instead of running out of stack.
// value_hole is k for evaluating c: a value with no pointers carries
// nothing. An expression without a type (a designated initializer) keeps its
// hole, and so does an array parameter, whose declared array type libclang
// keeps.
static hole value_hole(unit *u, hole k, CXCursor c) {
  if (k.dst && k.derefs >= 0) {
    CXType t = type_of(c);
    if (t.kind != CXType_Invalid && t.kind != CXType_Void &&
        !type_has_pointers(u, t) && !(type_is_array(t) && !is_array_expr(u, c)))
      return hole_discard();
  }
  return k;
}

void lower_expr(unit *u, hole k, CXCursor c) {
  if (u->depth >= MAX_NESTING) {
    u->fn->too_deep = true;
    return;
  }
  u->depth++;
  k = value_hole(u, k, c);
  bool place = held_read(u, c, k); // check mode: a read of a place
  lower_expr1(u, k, c);
  if (place)
    held_path(u, -1);
  u->depth--;
}

static void lower_expr1(unit *u, hole k, CXCursor c) {
  switch (c.kind) {
  case CXCursor_DeclRefExpr:
    decl_ref(u, k, c);
    return;
  case CXCursor_MemberRefExpr:
    member(u, k, c);
    return;
  case CXCursor_ArraySubscriptExpr:
    subscript(u, k, c);
    return;
  case CXCursor_UnaryOperator:
    unary(u, k, c);
    return;
  case CXCursor_BinaryOperator:
    binary(u, k, c);
    return;
  case CXCursor_CompoundAssignOperator: {
    int n;
    CXCursor *x = kids(u, c, &n);
    if (n > 0)
      held_shift(u, x[0]);
    for (int i = 0; i < n; i++)
      lower_expr(u, i == 0 ? k : hole_discard(), x[i]);
    return;
  }
  case CXCursor_ConditionalOperator: {
    int n;
    CXCursor *x = kids(u, c, &n);
    for (int i = 0; i < n; i++) {
      held_cond(u, i == 1); // the branches run only sometimes
      lower_expr(u, i == 0 && n == 3 ? hole_discard() : k, x[i]);
    }
    held_cond(u, -(n > 1));
    return;
  }
  case CXCursor_CStyleCastExpr:
  case CXCursor_ParenExpr: {
    CXCursor e = last_expr(u, c);
    if (!clang_Cursor_isNull(e))
      lower_expr(u, k, e);
    return;
  }
  case CXCursor_UnexposedExpr:
    unexposed(u, k, c);
    return;
  case CXCursor_CallExpr:
    if (!lower_atomic(u, k, c))
      lower_call(u, k, c);
    held_call(u, c);
    return;
  case CXCursor_CompoundLiteralExpr:
    flow(u, k, literal(u, c, c));
    return;
  case CXCursor_InitListExpr:
  case CXCursor_GenericSelectionExpr: {
    int n;
    CXCursor *x = kids(u, c, &n);
    bool generic = c.kind == CXCursor_GenericSelectionExpr;
    held_cond(u, generic); // one association of many is evaluated
    for (int i = 0; i < n; i++)
      if (clang_isExpression(x[i].kind))
        lower_expr(u, k, x[i]);
    held_cond(u, -(int)generic);
    return;
  }
  case CXCursor_StmtExpr:
    stmt_expr(u, k, c);
    return;
  case CXCursor_BlockExpr:
    block(u, k, c);
    return;
  case CXCursor_UnaryExpr: // sizeof, _Alignof: not evaluated
  case CXCursor_IntegerLiteral:
  case CXCursor_FloatingLiteral:
  case CXCursor_ImaginaryLiteral:
  case CXCursor_StringLiteral: // static storage: never escapes
  case CXCursor_CharacterLiteral:
  case CXCursor_FixedPointLiteral:
  case CXCursor_AddrLabelExpr:
  case CXCursor_TypeRef:
    return;
  default:
    break;
  }
  // An unknown construct: its parts flow to the heap.
  int n;
  CXCursor *x = kids(u, c, &n);
  hole h = hole_note(u, hole_of(heap_sink(u, ESC_HEAP, NULL)), c,
                     "unhandled construct");
  held_cond(u, 1);
  for (int i = 0; i < n; i++) {
    if (clang_isExpression(x[i].kind))
      lower_expr(u, h, x[i]);
    else if (clang_isStatement(x[i].kind))
      lower_stmt(u, x[i]);
  }
  held_cond(u, -1);
}

typedef struct {
  CXCursor items[256];
  int len;
} field_list;

static enum CXVisitorResult list_field(CXCursor field, CXClientData data) {
  field_list *l = data;
  if (l->len == 256)
    return CXVisit_Break;
  l->items[l->len++] = field;
  return CXVisit_Continue;
}

// init_fields lowers the initializer list of a struct local member by
// member: positional elements take the next field, designated ones
// (.f = v, an unexposed DesignatedInitExpr) the field they name. Anything
// else (array designators, nested designators, fields libclang does not
// list) flows into the whole variable, which every field read includes.
static void init_fields(unit *u, location *l, CXCursor list, CXCursor where) {
  field_list fields = {.len = 0};
  clang_Type_visitFields(clang_getCanonicalType(type_of(list)), list_field,
                         &fields);
  int n, next = 0;
  CXCursor *x = kids(u, list, &n);
  for (int i = 0; i < n; i++) {
    CXCursor val = x[i], field = clang_getNullCursor();
    int m;
    CXCursor *d = kids(u, x[i], &m);
    bool designated = x[i].kind == CXCursor_UnexposedExpr && m >= 2 &&
                      d[0].kind == CXCursor_MemberRef;
    if (designated) {
      val = d[m - 1];
      if (m == 2)
        field = clang_getCursorReferenced(d[0]);
    } else if (!clang_isExpression(x[i].kind)) {
      continue;
    } else if (next < fields.len) {
      field = fields.items[next];
    }
    int at = -1;
    for (int j = 0; j < fields.len && !clang_Cursor_isNull(field); j++)
      if (clang_equalCursors(fields.items[j], field))
        at = j;
    hole k = hole_note(u, hole_of(l), where, "assign");
    if (at < 0) {
      lower_expr(u, k, val);
      continue;
    }
    next = at + 1;
    location *f = member_location(u, l, field);
    CXCursor sv = strip_implicit(u, val);
    CXType ft = clang_getCursorType(field);
    if (sv.kind == CXCursor_InitListExpr && type_is_record(ft) &&
        !type_is_union(ft))
      init_fields(u, f, sv, where);
    else {
      k.dst = f;
      lower_expr(u, k, val);
    }
  }
}

// lower_var_init lowers the initializer of local l declared by decl.
void lower_var_init(unit *u, location *l, CXCursor decl, CXCursor init) {
  CXType t = clang_getCursorType(decl);
  CXCursor s = strip_implicit(u, init);
  if (type_is_record(t) && !type_is_union(t)) {
    if (s.kind == CXCursor_InitListExpr) {
      init_fields(u, l, s, decl);
      return;
    }
    if (struct_copy(u, l, decl, init))
      return;
  }
  note_fn_target(u, l, init);
  hole k = hole_of(l);
  k.held = held_init(u, decl, init);
  lower_expr(u, hole_note(u, k, decl, "assign"), init);
  held_stored(u, k.held);
}

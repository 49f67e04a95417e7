// Lowering expressions: expr.go's job, for C.
//
// lower_expr(k, e) evaluates e for its value and flows that value into the
// hole k. The derefs rules of escape.c fall out of three cases:
//
//     &e      hole_addr:  k shifted by -1   (p = &x)
//     *e      hole_deref: k shifted by +1   (p = *q, p->f, p[i])
//     others  k unchanged: casts, pointer arithmetic, ?:, comma, s.f
//
// Assignments and the left side of them are assign.c's; struct members of
// locals are field.c's.
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

CXCursor last_expr(unit *u, CXCursor c) {
  int n;
  CXCursor *k = kids(u, c, &n);
  for (int i = n - 1; i >= 0; i--)
    if (clang_isExpression(k[i].kind))
      return k[i];
  return clang_getNullCursor();
}

static CXType type_of(CXCursor c) { return clang_getCursorType(c); }

bool is_array_expr(unit *u, CXCursor c) {
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

// local_of returns the location of local variable decl. While a function
// is lowered, only its own: a block's body reads the enclosing function's
// variables through the block (block.c).
location *local_of(unit *u, CXCursor decl) {
  if (clang_Cursor_isNull(decl))
    return NULL;
  location *l = cursor_map_get(&u->locals, decl);
  return l && u->fn && l->fn != u->fn ? NULL : l;
}

location *global_of(unit *u, CXCursor decl) {
  if (decl.kind != CXCursor_VarDecl)
    return NULL;
  return heap_sink(u, ESC_GLOBAL, cursor_name(u, decl));
}

CXCursor array_base(unit *u, CXCursor c, CXCursor *ptr, CXCursor *index) {
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

// Integers that hold addresses. As Go's unsafe.Pointer(uintptr(p) + off),
// a pointer converted to an integer and back within one expression, or
// through one integer local (uintptr_t a = (uintptr_t)p; ... (T *)a) or
// an integer place it is stored in (hdr->data = (uintptr_t)p, Go's
// reflect.SliceHeader rule), keeps its flow: while int_carry is set, integers
// are values that carry what they were computed from, through +, -, &, |, ^ and
// casts. Any other integer (a hash of a pointer, a second local copied from the
// first) holds no address, as in Go.
static bool carry_operator(CXCursor c) {
  if (c.kind != CXCursor_BinaryOperator)
    return false;
  switch (clang_getCursorBinaryOperatorKind(c)) {
  case CXBinaryOperator_Add:
  case CXBinaryOperator_Sub:
  case CXBinaryOperator_And:
  case CXBinaryOperator_Or:
  case CXBinaryOperator_Xor:
    return true;
  default:
    return false;
  }
}

// carry_node reports whether c passes on an address that an integer holds.
static bool carry_node(CXCursor c) {
  switch (c.kind) {
  case CXCursor_ParenExpr:
  case CXCursor_CStyleCastExpr:
  case CXCursor_UnexposedExpr:
  case CXCursor_DeclRefExpr:
  case CXCursor_MemberRefExpr: // an integer field: hdr->data
  case CXCursor_ArraySubscriptExpr:
  case CXCursor_ConditionalOperator:
    return true;
  default:
    return carry_operator(c);
  }
}

bool carries_address(unit *u, CXCursor c) {
  c = strip_implicit(u, c);
  if (!type_is_integer(type_of(c)))
    return false;
  if (carry_operator(c)) {
    int n;
    CXCursor *x = kids(u, c, &n);
    return n == 2 && (carries_address(u, x[0]) || carries_address(u, x[1]));
  }
  if (c.kind == CXCursor_ConditionalOperator) {
    int n;
    CXCursor *x = kids(u, c, &n);
    return n == 3 && (carries_address(u, x[1]) || carries_address(u, x[2]));
  }
  if (c.kind == CXCursor_CStyleCastExpr || c.kind == CXCursor_UnexposedExpr ||
      c.kind == CXCursor_ParenExpr) {
    CXCursor e = last_expr(u, c);
    if (clang_Cursor_isNull(e))
      return false;
    CXType from = type_of(e);
    return type_is_pointer(from) || type_is_array(from) ||
           carries_address(u, e);
  }
  return false;
}

void lower_int_address(unit *u, hole k, CXCursor c) {
  bool saved = u->int_carry;
  u->int_carry = true;
  lower_expr(u, k, c);
  u->int_carry = saved;
}

static void unary(unit *u, hole k, CXCursor c) {
  CXCursor e = last_expr(u, c);
  if (clang_Cursor_isNull(e))
    return;
  switch (clang_getCursorUnaryOperatorKind(c)) {
  case CXUnaryOperator_AddrOf: {
    CXCursor s = strip_implicit(u, e);
    hole a = hole_addr(u, k, c, "address-of");
    note_field_address(u, s);
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
    lower_assign(u, k, c, x[0], x[1]);
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
  case CXBinaryOperator_And:
  case CXBinaryOperator_Or:
  case CXBinaryOperator_Xor:
    // Pointer arithmetic keeps pointing into the same object; so does
    // integer arithmetic on an address that becomes a pointer again.
    for (int i = 0; i < 2; i++) {
      CXType t = type_of(x[i]);
      bool ptr = type_is_pointer(t) || type_is_array(t) ||
                 (u->int_carry && type_is_integer(t));
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
  if (block_read(u, k, c, d))
    return;
  location *l = local_of(u, d);
  if (l) {
    read_location(u, k, held_version(u, l, k, c));
    return;
  }
  location *g = global_of(u, d);
  if (g)
    flow(u, k, g);
  else if (d.kind == CXCursor_FunctionDecl)
    note_fn_use(u, d); // its address: callers not seen (iface.c)
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
    if (u->int_carry && (type_is_integer(t) || type_is_array(t)))
      return k; // an integer, or the array of them it is read from
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
  bool carry = u->int_carry;
  if (carry && !carry_node(c))
    u->int_carry = false; // a call's arguments, an index: integers again
  k = value_hole(u, k, c);
  bool place = held_read(u, c, k); // check mode: a read of a place
  lower_expr1(u, k, c);
  if (place)
    held_path(u, -1);
  u->int_carry = carry;
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
    if (n == 2 && lower_int_store(u, k, c, x[0], x[1]))
      return; // a += (uintptr_t)p
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
    if (clang_Cursor_isNull(e))
      return;
    if (c.kind == CXCursor_CStyleCastExpr)
      note_pointer_cast(u, type_of(e), type_of(c));
    if (!u->int_carry && type_is_pointer(type_of(c)) &&
        type_is_integer(type_of(e))) {
      lower_int_address(u, k, e); // (T *)(uintptr_t)p, (T *)a
      return;
    }
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
    if (c.kind == CXCursor_InitListExpr)
      note_init_list(u, c);
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
    lower_block(u, k, c);
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

// Assignments and stores: assign.go's job, for C.
//
// lower_addr(e) is the other direction of lower_expr, for the left side of
// an assignment: it returns the hole that a value stored into lvalue e
// flows to. A local's or a field's location is its own hole; a global is a
// heap sink; storing through a pointer (*p = v, p->f = v, p[i] = v) gives a
// store hole, which the solver resolves once it knows what p points to
// (solve.c). An lvalue it cannot follow sends the value to the heap.
//
// lower_assign lowers lhs = rhs: Go's self-assignment (val.x = val.y) changes
// nothing; a struct copy between locals goes member by member (field.c);
// otherwise the value of rhs flows into lower_addr(lhs). Each assignment to
// a function-pointer or block local, parameter or struct field also
// records which functions or block literals it may hold (note_fn_target;
// iface.c for fields), so that calls through it use their summaries
// (call.c).
// In check mode the store into a place held.c follows is tagged with its
// held_store.
#include "escape.h"

#include <string.h>

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

hole lower_addr(unit *u, CXCursor c) {
  switch (c.kind) {
  case CXCursor_DeclRefExpr: {
    CXCursor d = clang_getCursorReferenced(c);
    hole k;
    if (block_lvalue(u, c, d, &k))
      return k;
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
    CXCursor *k = unit_children(u, c, &n);
    if (n < 1)
      return hole_discard();
    if (type_is_pointer(clang_getCursorType(k[0])))
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
  CXType t = l ? clang_getCursorType(l->decl) : (CXType){0};
  if (l && (type_is_function_pointer(t) || type_is_block_pointer(t)))
    note_fn_value(u, &l->holds, rhs);
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

bool lower_int_store(unit *u, hole k, CXCursor c, CXCursor lhs, CXCursor rhs) {
  if (type_has_pointers(u, clang_getCursorType(lhs)) ||
      !carries_address(u, rhs))
    return false;
  CXCursor s = strip_implicit(u, lhs);
  location *l = s.kind == CXCursor_DeclRefExpr
                    ? local_of(u, clang_getCursorReferenced(s))
                    : NULL;
  // An integer local, element or field given an address keeps it
  // (hdr->data = (uintptr_t)p, as Go's reflect.SliceHeader rule says); a
  // global integer does not, as Go's uintptr does not.
  if (!l && s.kind == CXCursor_DeclRefExpr)
    return false;
  hole dst = lower_addr(u, lhs);
  if (dst.dst && !dst.store) // the place now holds an address
    dst.dst->has_pointers = root_of(dst.dst)->has_pointers = true;
  lower_int_address(u, hole_note(u, dst, c, "assign"), rhs);
  if (k.dst)
    lower_expr(u, k, lhs);
  return true;
}

void lower_assign(unit *u, hole k, CXCursor c, CXCursor lhs, CXCursor rhs) {
  bool ptrs = type_has_pointers(u, clang_getCursorType(lhs));
  if (lower_int_store(u, k, c, lhs, rhs))
    return;
  if (ptrs && is_self_assign(u, lhs, rhs)) {
    lower_expr(u, hole_discard(), rhs);
    lower_expr(u, k, lhs);
    return;
  }
  if (ptrs && type_is_record(clang_getCursorType(lhs)) &&
      !type_is_union(clang_getCursorType(lhs)) &&
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
    CXCursor s = strip_implicit(u, lhs), field;
    if (s.kind == CXCursor_DeclRefExpr)
      note_fn_target(u, local_of(u, clang_getCursorReferenced(s)), rhs);
    else if (fn_field(u, s, &field))
      note_field_store(u, field, rhs);
    lower_expr(u, hole_note(u, dst, c, "assign"), rhs);
  } else {
    lower_expr(u, hole_discard(), rhs);
  }
  held_stored(u, held);
  if (k.dst)
    lower_expr(u, k, lhs);
}

// lower_var_init lowers the initializer of local l declared by decl.
void lower_var_init(unit *u, location *l, CXCursor decl, CXCursor init) {
  CXType t = clang_getCursorType(decl);
  CXCursor s = strip_implicit(u, init);
  if (s.kind == CXCursor_InitListExpr)
    note_init_list(u, s); // what its function-pointer fields get (iface.c)
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

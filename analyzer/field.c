// Struct fields: field sensitivity for struct locals (Go's escape analysis
// has none; C code keeps pointers in locals' members all the time).
//
// A member path of a local struct variable (s.f, s.f.g, a[i].f) is a
// location of its own (graph.c's LOC_FIELD), a child of the variable's, so
// that storing &x into s.f and returning s.g do not meet. Reads and writes
// of the whole struct reach every field: a whole read flows from the
// variable's `whole`, a temporary that finish_fields connects, once the
// function is lowered, to the variable and every field made by then. A
// struct assignment t = s between locals is done member by member
// (struct_copy) so that sensitivity survives the copy, and an initializer
// list (init_fields) gives each named or positional member its value.
// Members of unions share their union's location; so do the elements of an
// array, whose members stay apart (a[0].p and a[1].q).
#include "escape.h"

// read_location flows the value held in l into k: a field's value is also
// in every enclosing location (whole-struct writes), and a whole struct's
// value is in every field.
//
// Fields may be created after a whole read is lowered (a loop's next
// iteration writes s.f): so a whole read flows from l->whole, a temporary
// that finish_fields connects to l and all of its fields at the end.
void read_location(unit *u, hole k, location *l) {
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

// member_location returns the child of parent for member field.
location *member_location(unit *u, location *parent, CXCursor field) {
  location *f = field_location(u, parent, field, cursor_name(u, field));
  CXType ft = clang_getCursorType(field);
  f->aggregate = type_is_record(ft) || type_is_array(ft);
  return f;
}

// member_base returns the object expression of member expression c (s in
// s.f, p in p->f), or a null cursor.
CXCursor member_base(unit *u, CXCursor c) {
  int n;
  CXCursor *k =
      c.kind == CXCursor_MemberRefExpr ? unit_children(u, c, &n) : NULL;
  return k && n >= 1 ? k[0] : clang_getNullCursor();
}

// element_array returns the array that subscript c indexes, stripped, or a
// null cursor when c is not a subscript of an array object.
CXCursor element_array(unit *u, CXCursor c) {
  CXCursor ptr, index;
  if (c.kind != CXCursor_ArraySubscriptExpr)
    return clang_getNullCursor();
  CXCursor arr = array_base(u, c, &ptr, &index);
  return clang_Cursor_isNull(arr) ? arr : strip_implicit(u, arr);
}

// field_of returns the location of member expression c when it names a
// member path of a local struct variable (s.f, s.f.g), or NULL. Members of
// unions share their union's location.
location *field_of(unit *u, CXCursor c) {
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
  CXType bt = clang_getCursorType(base);
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
bool struct_copy(unit *u, location *t, CXCursor c, CXCursor rhs) {
  if (!t || !type_is_record(clang_getCursorType(rhs)) ||
      type_is_union(clang_getCursorType(rhs)))
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

static enum CXVisitorResult list_field(CXCursor field, CXClientData data) {
  field_list *l = data;
  if (l->len == 256)
    return CXVisit_Break;
  l->items[l->len++] = field;
  return CXVisit_Continue;
}

void list_fields(CXType t, field_list *out) {
  out->len = 0;
  clang_Type_visitFields(clang_getCanonicalType(t), list_field, out);
}

// init_fields lowers the initializer list of a struct local member by
// member: positional elements take the next field, designated ones
// (.f = v, an unexposed DesignatedInitExpr) the field they name. Anything
// else (array designators, nested designators, fields libclang does not
// list) flows into the whole variable, which every field read includes.
void init_fields(unit *u, location *l, CXCursor list, CXCursor where) {
  field_list fields;
  list_fields(clang_getCursorType(list), &fields);
  int n, next = 0;
  CXCursor *x = unit_children(u, list, &n);
  for (int i = 0; i < n; i++) {
    CXCursor val = x[i], field = clang_getNullCursor();
    int m;
    CXCursor *d = unit_children(u, x[i], &m);
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

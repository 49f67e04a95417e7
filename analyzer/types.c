// What a C type means to the analysis.
//
// Go's escape analysis ignores values whose types hold no pointers: copying
// bytes out of a buffer does not leak the buffer. We follow it: a value of
// type int, double or char[16] carries no address, so the lowering discards
// its flows. A struct or array carries one when any member does. Integers
// wide enough to hold an address are not treated as carriers, as Go treats
// uintptr; casting a pointer to intptr_t and back hides it from the analysis.
//
// type_has_pointers is asked for nearly every expression, so its answers are
// cached by the canonical type's identity (libclang's CXType.data pair).
#include "escape.h"

#include <stdlib.h>
#include <string.h>

struct type_cache {
  void *k0, *k1;
  bool used, value;
};

static CXType canon(CXType t) { return clang_getCanonicalType(t); }

bool type_is_array(CXType t) {
  switch (canon(t).kind) {
  case CXType_ConstantArray:
  case CXType_IncompleteArray:
  case CXType_VariableArray:
  case CXType_DependentSizedArray:
    return true;
  default:
    return false;
  }
}

bool type_is_pointer(CXType t) {
  enum CXTypeKind k = canon(t).kind;
  return k == CXType_Pointer || k == CXType_BlockPointer;
}

bool type_is_record(CXType t) { return canon(t).kind == CXType_Record; }

bool type_is_union(CXType t) {
  CXType c = canon(t);
  if (c.kind != CXType_Record)
    return false;
  return clang_getTypeDeclaration(c).kind == CXCursor_UnionDecl;
}

bool type_is_function_pointer(CXType t) {
  CXType c = canon(t);
  if (c.kind != CXType_Pointer)
    return false;
  enum CXTypeKind k = canon(clang_getPointeeType(c)).kind;
  return k == CXType_FunctionProto || k == CXType_FunctionNoProto;
}

bool type_is_integer(CXType t) {
  t = clang_getCanonicalType(t);
  return (t.kind >= CXType_Bool && t.kind <= CXType_Int128) ||
         t.kind == CXType_Enum;
}

bool type_is_va_list(CXType t) {
  CXString s = clang_getTypeSpelling(t);
  const char *n = clang_getCString(s);
  bool yes = n && (strstr(n, "va_list") || strstr(n, "__va_list_tag"));
  clang_disposeString(s);
  return yes;
}

typedef struct {
  unit *u;
  bool found;
} field_scan;

static enum CXVisitorResult scan_field(CXCursor field, CXClientData data) {
  field_scan *s = data;
  if (type_has_pointers(s->u, clang_getCursorType(field))) {
    s->found = true;
    return CXVisit_Break;
  }
  return CXVisit_Continue;
}

static bool compute(unit *u, CXType c) {
  switch (c.kind) {
  case CXType_Pointer:
  case CXType_BlockPointer:
  case CXType_ObjCObjectPointer:
  case CXType_MemberPointer:
  case CXType_Unexposed:
    return true;
  case CXType_ConstantArray:
  case CXType_IncompleteArray:
  case CXType_VariableArray:
  case CXType_DependentSizedArray:
    return type_has_pointers(u, clang_getArrayElementType(c));
  case CXType_Atomic:
    return type_has_pointers(u, clang_Type_getValueType(c));
  case CXType_Record: {
    if (clang_Type_getSizeOf(c) < 0) // incomplete: assume the worst
      return true;
    field_scan s = {u, false};
    clang_Type_visitFields(c, scan_field, &s);
    return s.found;
  }
  default:
    return false;
  }
}

static size_t hash2(void *a, void *b) {
  uintptr_t h = (uintptr_t)a * 0x9E3779B97F4A7C15u ^ (uintptr_t)b;
  return (size_t)(h ^ (h >> 29));
}

bool type_has_pointers(unit *u, CXType t) {
  CXType c = canon(t);
  if (c.kind == CXType_Invalid)
    return false;
  if (u->ntypes * 2 >= u->types_cap) {
    struct type_cache *old = u->types;
    size_t oldcap = u->types_cap;
    u->types_cap = oldcap ? oldcap * 2 : 1024;
    u->types = must_calloc(u->types_cap, sizeof(*u->types));
    u->ntypes = 0;
    for (size_t i = 0; i < oldcap; i++)
      if (old[i].used) {
        size_t j = hash2(old[i].k0, old[i].k1) & (u->types_cap - 1);
        while (u->types[j].used)
          j = (j + 1) & (u->types_cap - 1);
        u->types[j] = old[i];
        u->ntypes++;
      }
    free(old);
  }
  size_t mask = u->types_cap - 1;
  size_t i = hash2(c.data[0], c.data[1]) & mask;
  for (; u->types[i].used; i = (i + 1) & mask)
    if (u->types[i].k0 == c.data[0] && u->types[i].k1 == c.data[1])
      return u->types[i].value;
  // Mark the slot before recursing: a struct that points to itself holds
  // pointers, and the recursion must end.
  u->types[i] = (struct type_cache){c.data[0], c.data[1], true, true};
  u->ntypes++;
  bool v = compute(u, c);
  // compute may have grown the table; look the slot up again.
  mask = u->types_cap - 1;
  for (i = hash2(c.data[0], c.data[1]) & mask; u->types[i].used;
       i = (i + 1) & mask)
    if (u->types[i].k0 == c.data[0] && u->types[i].k1 == c.data[1]) {
      u->types[i].value = v;
      break;
    }
  return v;
}

// check_types: unit tests of analyzer/types.c, what a C type means to the
// analysis.
//
// type_has_pointers decides which values can carry an address: pointers
// and aggregates holding one do, scalars, enums and pointer-free aggregates
// do not, an incomplete struct is assumed to. The type predicates answer
// for the canonical type, so typedefs see through to what they name. Every
// type comes from a variable of one snippet, declared for the purpose.
#include "unit.h"

#include <stdlib.h>

static const char decls[] =
    "struct flat { int a; double b; char c[4]; };\n"
    "struct ptr { int a; char *p; };\n"
    "struct nested_ptr { struct flat f; struct ptr p; };\n"
    "struct nested_flat { struct flat f; struct flat g[2]; };\n"
    "struct deep { struct nested_flat n; struct { struct { int *p; } y; } x; "
    "};\n"
    "struct self { struct self *next; int v; };\n"
    "struct self_only { struct self_only *next; };\n"
    "union flat_union { int i; float f; };\n"
    "union ptr_union { int i; char *p; };\n"
    "struct incomplete;\n"
    "enum color { RED, GREEN };\n"
    "typedef int *int_ptr;\n"
    "typedef int (*callback)(int);\n"
    "typedef union ptr_union ptr_union_t;\n"
    "typedef int four[4];\n"
    "typedef __builtin_va_list va_list;\n"
    "int v_int;\n"
    "double v_double;\n"
    "char v_chars[16];\n"
    "enum color v_enum;\n"
    "int *v_ptr;\n"
    "int **v_ptr_ptr;\n"
    "void *v_void_ptr;\n"
    "int_ptr v_typedef_ptr;\n"
    "char *v_ptrs[4];\n"
    "struct flat v_flat;\n"
    "struct ptr v_ptr_struct;\n"
    "struct nested_ptr v_nested_ptr;\n"
    "struct nested_flat v_nested_flat;\n"
    "struct deep v_deep;\n"
    "struct flat v_flats[3];\n"
    "struct ptr v_ptr_structs[3];\n"
    "struct ptr v_ptr_structs2[2][3];\n"
    "union flat_union v_flat_union;\n"
    "union ptr_union v_ptr_union;\n"
    "ptr_union_t v_typedef_union;\n"
    "struct self v_self;\n"
    "struct self_only v_self_only;\n"
    "struct flat *v_flat_ptr;\n"
    "int (*v_fp)(int);\n"
    "int (*v_fp_noproto)();\n"
    "callback v_typedef_fp;\n"
    "int (**v_fp_ptr)(int);\n"
    "extern struct incomplete v_incomplete;\n"
    "struct incomplete *v_incomplete_ptr;\n"
    "four v_four;\n"
    "const char *const v_const_ptr;\n"
    "_Atomic(int *) v_atomic_ptr;\n"
    "_Atomic int v_atomic_int;\n"
    "va_list v_va_list;\n"
    "__builtin_va_list v_builtin_va_list;\n"
    "extern int v_open[];\n"
    "int f(int x);\n";

// A fixture: the snippet and a unit holding its translation unit, the
// rest zeroed, as type_has_pointers needs (its cache lives in the unit).
static snippet snip;
static unit u;

static void setup(void) {
  snippet_open(&snip, "t.c", decls);
  memset(&u, 0, sizeof u);
  u.tu = snip.tu;
}

static void teardown(void) {
  free(u.types);
  arena_free(&u.arena);
  snippet_close(&snip);
}

static CXType type_of(const char *var) {
  return clang_getCursorType(snippet_get(&snip, CXCursor_VarDecl, var));
}

static bool pointers(const char *var) {
  return type_has_pointers(&u, type_of(var));
}

// ---------------------------------------------------------------------------
// type_has_pointers
// ---------------------------------------------------------------------------

START_TEST(scalars_carry_no_pointers) {
  ck_assert(!pointers("v_int"));
  ck_assert(!pointers("v_double"));
  ck_assert(!pointers("v_enum"));
  ck_assert(!pointers("v_atomic_int"));
}
END_TEST

START_TEST(char_array_carries_no_pointers) {
  ck_assert(!pointers("v_chars"));
  ck_assert(!pointers("v_four"));
  ck_assert(!pointers("v_open"));
}
END_TEST

START_TEST(pointers_carry_pointers) {
  ck_assert(pointers("v_ptr"));
  ck_assert(pointers("v_ptr_ptr"));
  ck_assert(pointers("v_void_ptr"));
  ck_assert(pointers("v_typedef_ptr"));
  ck_assert(pointers("v_const_ptr"));
  ck_assert(pointers("v_atomic_ptr"));
  ck_assert(pointers("v_flat_ptr")); // a pointer to a pointer-free struct
  ck_assert(pointers("v_ptrs"));
}
END_TEST

START_TEST(struct_with_and_without_pointer_members) {
  ck_assert(!pointers("v_flat"));
  ck_assert(pointers("v_ptr_struct"));
}
END_TEST

START_TEST(nested_structs) {
  ck_assert(pointers("v_nested_ptr"));
  ck_assert(!pointers("v_nested_flat"));
  ck_assert(pointers("v_deep")); // a pointer three anonymous levels down
}
END_TEST

START_TEST(arrays_of_structs) {
  ck_assert(!pointers("v_flats"));
  ck_assert(pointers("v_ptr_structs"));
  ck_assert(pointers("v_ptr_structs2"));
}
END_TEST

START_TEST(unions) {
  ck_assert(!pointers("v_flat_union"));
  ck_assert(pointers("v_ptr_union"));
  ck_assert(pointers("v_typedef_union"));
}
END_TEST

START_TEST(self_referential_struct_terminates) {
  ck_assert(pointers("v_self"));
  ck_assert(pointers("v_self_only"));
  // The cached answer is the same.
  ck_assert(pointers("v_self_only"));
}
END_TEST

START_TEST(function_pointers_carry_pointers) {
  ck_assert(pointers("v_fp"));
  ck_assert(pointers("v_fp_noproto"));
  ck_assert(pointers("v_typedef_fp"));
}
END_TEST

START_TEST(incomplete_struct_is_assumed_to_carry_pointers) {
  ck_assert(pointers("v_incomplete"));
}
END_TEST

START_TEST(invalid_type_carries_no_pointers) {
  ck_assert(!type_has_pointers(&u, clang_getCursorType(clang_getNullCursor())));
}
END_TEST

// collect_var_types gathers the types of the top-level variables, in order.
static enum CXChildVisitResult collect_var_types(CXCursor c, CXCursor parent,
                                                 CXClientData data) {
  vec *types = data;
  if (c.kind == CXCursor_VarDecl) {
    CXType *t = malloc(sizeof *t);
    *t = clang_getCursorType(c);
    vec_push(types, t);
  }
  return CXChildVisit_Continue;
}

START_TEST(answers_survive_the_cache_growing) {
  // Each array length is a distinct type: enough of them to grow the cache
  // several times, while the answers for earlier types are kept.
  enum { N = 3000 };
  size_t cap = (size_t)N * 48;
  char *text = malloc(cap);
  size_t n = 0;
  for (int i = 1; i <= N; i++)
    n += (size_t)snprintf(text + n, cap - n, "char *p%d[%d];\nint i%d[%d];\n",
                          i, i, i, i);
  snippet big;
  snippet_open(&big, "big.c", text);
  vec types = {0};
  clang_visitChildren(clang_getTranslationUnitCursor(big.tu), collect_var_types,
                      &types);
  ck_assert_int_eq(types.len, 2 * N);
  unit bu = {0};
  bu.tu = big.tu;
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < types.len; i++)
      ck_assert_msg(type_has_pointers(&bu, *(CXType *)types.items[i]) ==
                        (i % 2 == 0),
                    "variable %d, pass %d", i, pass);
  ck_assert_uint_eq(bu.ntypes, 2 * N + 2); // the arrays, char * and int
  for (int i = 0; i < types.len; i++)
    free(types.items[i]);
  vec_free(&types);
  free(bu.types);
  snippet_close(&big);
  free(text);
}
END_TEST

// ---------------------------------------------------------------------------
// Predicates
// ---------------------------------------------------------------------------

START_TEST(type_is_array_answers) {
  ck_assert(type_is_array(type_of("v_chars")));
  ck_assert(type_is_array(type_of("v_ptrs")));
  ck_assert(type_is_array(type_of("v_flats")));
  ck_assert(type_is_array(type_of("v_four"))); // through the typedef
  ck_assert(type_is_array(type_of("v_open"))); // incomplete array
  ck_assert(!type_is_array(type_of("v_ptr")));
  ck_assert(!type_is_array(type_of("v_int")));
  ck_assert(!type_is_array(type_of("v_flat")));
}
END_TEST

START_TEST(type_is_pointer_answers) {
  ck_assert(type_is_pointer(type_of("v_ptr")));
  ck_assert(type_is_pointer(type_of("v_typedef_ptr")));
  ck_assert(type_is_pointer(type_of("v_fp")));
  ck_assert(type_is_pointer(type_of("v_const_ptr")));
  ck_assert(!type_is_pointer(type_of("v_chars")));
  ck_assert(!type_is_pointer(type_of("v_int")));
  ck_assert(!type_is_pointer(type_of("v_ptr_struct")));
}
END_TEST

START_TEST(type_is_record_answers) {
  ck_assert(type_is_record(type_of("v_flat")));
  ck_assert(type_is_record(type_of("v_ptr_union"))); // unions are records
  ck_assert(type_is_record(type_of("v_typedef_union")));
  ck_assert(!type_is_record(type_of("v_flat_ptr")));
  ck_assert(!type_is_record(type_of("v_flats")));
  ck_assert(!type_is_record(type_of("v_enum")));
  ck_assert(!type_is_record(type_of("v_int")));
}
END_TEST

START_TEST(type_is_union_answers) {
  ck_assert(type_is_union(type_of("v_flat_union")));
  ck_assert(type_is_union(type_of("v_ptr_union")));
  ck_assert(type_is_union(type_of("v_typedef_union")));
  ck_assert(!type_is_union(type_of("v_flat")));
  ck_assert(!type_is_union(type_of("v_int")));
  ck_assert(!type_is_union(type_of("v_ptr")));
}
END_TEST

START_TEST(type_is_function_pointer_answers) {
  ck_assert(type_is_function_pointer(type_of("v_fp")));
  ck_assert(type_is_function_pointer(type_of("v_fp_noproto")));
  ck_assert(type_is_function_pointer(type_of("v_typedef_fp")));
  ck_assert(!type_is_function_pointer(type_of("v_fp_ptr")));
  ck_assert(!type_is_function_pointer(type_of("v_ptr")));
  ck_assert(!type_is_function_pointer(type_of("v_void_ptr")));
  // A function's own type is not a pointer to one.
  CXCursor f = snippet_get(&snip, CXCursor_FunctionDecl, "f");
  ck_assert(!type_is_function_pointer(clang_getCursorType(f)));
}
END_TEST

START_TEST(type_is_va_list_answers) {
  ck_assert(type_is_va_list(type_of("v_va_list")));
  ck_assert(type_is_va_list(type_of("v_builtin_va_list")));
  ck_assert(!type_is_va_list(type_of("v_ptr")));
  ck_assert(!type_is_va_list(type_of("v_chars")));
  ck_assert(!type_is_va_list(type_of("v_flat")));
}
END_TEST

int main(void) {
  Suite *s = suite_create("types");
  TCase *tc = tcase_create("pointers");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, scalars_carry_no_pointers);
  tcase_add_test(tc, char_array_carries_no_pointers);
  tcase_add_test(tc, pointers_carry_pointers);
  tcase_add_test(tc, struct_with_and_without_pointer_members);
  tcase_add_test(tc, nested_structs);
  tcase_add_test(tc, arrays_of_structs);
  tcase_add_test(tc, unions);
  tcase_add_test(tc, self_referential_struct_terminates);
  tcase_add_test(tc, function_pointers_carry_pointers);
  tcase_add_test(tc, incomplete_struct_is_assumed_to_carry_pointers);
  tcase_add_test(tc, invalid_type_carries_no_pointers);
  tcase_add_test(tc, answers_survive_the_cache_growing);
  suite_add_tcase(s, tc);
  tc = tcase_create("predicates");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, type_is_array_answers);
  tcase_add_test(tc, type_is_pointer_answers);
  tcase_add_test(tc, type_is_record_answers);
  tcase_add_test(tc, type_is_union_answers);
  tcase_add_test(tc, type_is_function_pointer_answers);
  tcase_add_test(tc, type_is_va_list_answers);
  suite_add_tcase(s, tc);
  return unit_suite_run(s);
}

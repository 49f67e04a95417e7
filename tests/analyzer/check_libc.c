// check_libc: unit tests of analyzer/libc.c's table of C library models.
//
// libc_lookup is a binary search by exact name, so the table must stay
// sorted (libc_models_sorted checks the order) and a prefix or an extension
// of a name must not match. libc_model_frees tells the rewriter which calls
// free their argument.
#include "unit.h"

// Defined in analyzer/libc.c for this test; escape.h does not declare it.
extern bool libc_models_sorted(void);

START_TEST(libc_table_is_sorted) { ck_assert(libc_models_sorted()); }
END_TEST

START_TEST(libc_lookup_finds_modelled_functions) {
  // Entries from the old table and from the enumerated headers.
  static const char *const names[] = {
      "memcpy", "printf",  "pthread_create", "malloc",
      "free",   "realloc", "__assert_fail",  "write",
  };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    ck_assert_msg(libc_lookup(names[i]) != NULL, "no model for %s", names[i]);
}
END_TEST

START_TEST(libc_lookup_gives_each_function_its_own_model) {
  const libc_model *memcpy_model = libc_lookup("memcpy");
  ck_assert_ptr_eq(libc_lookup("memcpy"), memcpy_model); // stable
  ck_assert_ptr_ne(libc_lookup("printf"), memcpy_model);
  ck_assert_ptr_ne(libc_lookup("pthread_create"), memcpy_model);
  ck_assert_ptr_ne(libc_lookup("printf"), libc_lookup("pthread_create"));
}
END_TEST

START_TEST(libc_lookup_unknown_names) {
  static const char *const names[] = {
      "", "no_such_function", "my_memcpy", "MEMCPY", "aaa", "zzz", "~",
  };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    ck_assert_msg(libc_lookup(names[i]) == NULL, "a model for '%s'", names[i]);
}
END_TEST

START_TEST(libc_lookup_needs_the_whole_name) {
  static const char *const names[] = {
      "mem", "memc", "memcp", "print", "pthread_", "pthread_create_", "mallocx",
  };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    ck_assert_msg(libc_lookup(names[i]) == NULL, "a model for '%s'", names[i]);
}
END_TEST

START_TEST(libc_model_frees_free_and_realloc) {
  ck_assert(libc_model_frees(libc_lookup("free")));
  ck_assert(libc_model_frees(libc_lookup("realloc")));
}
END_TEST

START_TEST(libc_model_frees_not_malloc_or_printf) {
  ck_assert(!libc_model_frees(libc_lookup("malloc")));
  ck_assert(!libc_model_frees(libc_lookup("printf")));
  ck_assert(!libc_model_frees(libc_lookup("memcpy")));
}
END_TEST

int main(void) {
  Suite *s = suite_create("libc");
  TCase *tc = tcase_create("table");
  tcase_add_test(tc, libc_table_is_sorted);
  tcase_add_test(tc, libc_lookup_finds_modelled_functions);
  tcase_add_test(tc, libc_lookup_gives_each_function_its_own_model);
  tcase_add_test(tc, libc_lookup_unknown_names);
  tcase_add_test(tc, libc_lookup_needs_the_whole_name);
  tcase_add_test(tc, libc_model_frees_free_and_realloc);
  tcase_add_test(tc, libc_model_frees_not_malloc_or_printf);
  suite_add_tcase(s, tc);
  return unit_suite_run(s);
}

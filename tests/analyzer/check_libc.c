// check_libc: unit tests of analyzer/libc.c's table of C library models.
//
// libc_lookup is a binary search by exact name, so the table must stay
// sorted (libc_models_sorted checks the order) and a prefix or an extension
// of a name must not match. libc_model_frees tells the rewriter which calls
// free their argument. The table covers every function of
// tests/analyzer/libc-functions.txt (ESCAPE_LIBC_FUNCTIONS), the list
// scripts/libc-functions.sh makes from glibc's headers.
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

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

// listed_names reads the names of the list, one a line before a tab, and
// returns how many; comment lines start with '#'.
static int listed_names(char names[][64], int max) {
  FILE *f = fopen(ESCAPE_LIBC_FUNCTIONS, "r");
  ck_assert_msg(f != NULL, "cannot open %s", ESCAPE_LIBC_FUNCTIONS);
  char line[512];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#')
      continue;
    line[strcspn(line, "\t\n")] = '\0';
    ck_assert_msg(strlen(line) < 64 && n < max, "line '%s'", line);
    strcpy(names[n++], line);
  }
  fclose(f);
  return n;
}

START_TEST(libc_models_cover_the_listed_functions) {
  static char names[4096][64];
  int n = listed_names(names, 4096);
  static char missing[8192];
  size_t len = 0;
  int nmissing = 0;
  for (int i = 0; i < n; i++)
    if (!libc_lookup(names[i])) {
      nmissing++;
      len += snprintf(missing + len,
                      len < sizeof missing ? sizeof missing - len : 0, " %s",
                      names[i]);
    }
  ck_assert_msg(nmissing == 0, "%d listed functions have no model:%s", nmissing,
                missing);
}
END_TEST

// The list holds what a model must cover, each kind of name once.
START_TEST(libc_list_holds_each_kind_of_name) {
  static char names[4096][64];
  int n = listed_names(names, 4096);
  static const char *const kinds[] = {
      "memcpy",           // a function of a header
      "__fprintf_chk",    // a _FORTIFY_SOURCE function a header declares
      "__memcpy_chk",     // one a clang builtin reaches
      "__isoc99_sscanf",  // an asm label
      "__errno_location", // an internal function errno's macro calls
      "ioctl",            // variadic, with no pointer parameter
      "assume_aligned",   // a clang builtin, without __builtin_
  };
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
    int i = 0;
    while (i < n && strcmp(names[i], kinds[k]))
      i++;
    ck_assert_msg(i < n, "%s is not listed", kinds[k]);
  }
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
  tcase_add_test(tc, libc_models_cover_the_listed_functions);
  tcase_add_test(tc, libc_list_holds_each_kind_of_name);
  tcase_add_test(tc, libc_model_frees_free_and_realloc);
  tcase_add_test(tc, libc_model_frees_not_malloc_or_printf);
  suite_add_tcase(s, tc);
  return unit_suite_run(s);
}

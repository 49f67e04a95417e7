// suite.c: how every test program runs its Check suite.
//
// Tests run in forked children (Check's CK_FORK default, which the CK_FORK
// environment variable may override), so a crash in one test is a failure of
// that test, not of the program. The program's exit status is what ctest
// reads: 0 when every test passed.
#include "harness.h"

#include <check.h>
#include <stdio.h>

// suite_run runs the test case named tcase of s, or all of them if tcase is
// NULL, with verbosity from CK_VERBOSITY, and frees s. It returns the exit
// status for main.
int suite_run(Suite *s, const char *tcase) {
  check_set_max_msg_size(SUITE_MAX_MESSAGE);
  SRunner *sr = srunner_create(s);
  srunner_run(sr, NULL, tcase, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  int run = srunner_ntests_run(sr);
  srunner_free(sr);
  return failed == 0 && run > 0 ? 0 : 1;
}

// suite_add_test adds fn as a test case of its own named name, so that
// "check_SUITE NAME" (or CK_RUN_CASE) runs it alone; timeout is in seconds.
TCase *suite_add_test(Suite *s, const char *name, const TTest *fn,
                      double timeout) {
  TCase *tc = tcase_create(name);
  tcase_set_timeout(tc, timeout);
  tcase_add_test(tc, fn);
  suite_add_tcase(s, tc);
  return tc;
}

// suite_main is main for a suite of one test case per test: with no
// argument it runs them all, with one it runs the test case so named.
int suite_main(Suite *s, int argc, char **argv) {
  if (argc > 2) {
    fprintf(stderr, "usage: %s [TEST]\n", argv[0]);
    return 2;
  }
  return suite_run(s, argc == 2 ? argv[1] : NULL);
}

// clip shortens b to at most max bytes, saying so, so that it fits in one
// Check failure message.
void clip(strbuf *b, size_t max) {
  static const char more[] = "\n[... report cut here ...]\n";
  if (b->len <= max || max < sizeof more)
    return;
  b->len = max - sizeof more;
  b->s[b->len] = '\0';
  strbuf_puts(b, more);
}

// suite.c: how every test program runs its Check suite.
//
// Tests run in forked children (Check's CK_FORK default, which the CK_FORK
// environment variable may override), so a crash in one test is a failure of
// that test, not of the program. The program's exit status is what ctest
// reads: 0 when every test passed.
#include "harness.h"

#include <check.h>

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

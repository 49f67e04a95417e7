// check_samples: the Go-style samples (samples/*.c with a samples/NAME.out),
// built and run.
//
//   check_samples run PROGRAM EXPECTED
//   check_samples check ESCAPE_CHECK SAMPLE [FLAG...]
//
// "run" runs a built sample (with the GOMAXPROCS and sanitizer settings
// ctest gives it) and asserts that it exits 0, writes nothing to standard
// error, and writes exactly the file EXPECTED to standard output. "check"
// runs escape-check in check mode on the sample, with the FLAGs after
// "--", and asserts that it is clean: status 0, no output. Run from the
// project root, so that the paths in a failure read samples/NAME.c.
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// A sample runs in well under a second; the sieve's and the collector's
// work take longest under the sanitizers. fanin waits 50 ms on purpose.
enum { RUN_TIMEOUT_MS = 60000, CHECK_TIMEOUT_MS = 120000 };

static char **args; // what follows the mode on the command line
static int nargs;

START_TEST(output_is_expected) {
  const char *program = args[0], *expected = args[1];
  strbuf want = {0};
  ck_assert_msg(read_file(expected, &want), "cannot read %s", expected);
  char *const argv[] = {(char *)program, NULL};
  spawn_opts o = {.timeout_ms = RUN_TIMEOUT_MS};
  spawn_result r;
  spawn_run(argv, &o, &r);
  ck_assert_msg(spawn_exited(&r) && r.status == 0, "%s:%s", program,
                spawn_report(&r));
  ck_assert_msg(!strbuf_str(&r.err)[0], "%s wrote to stderr:%s", program,
                spawn_report(&r));
  ck_assert_msg(!strcmp(strbuf_str(&r.out), strbuf_str(&want)),
                "%s: stdout differs from %s\nwant:\n%s\ngot:\n%s", program,
                expected, strbuf_str(&want), strbuf_str(&r.out));
  strbuf_free(&want);
  spawn_result_free(&r);
}
END_TEST

START_TEST(escape_check_is_clean) {
  strvec argv = {0};
  strvec_push(&argv, args[0]); // escape-check
  strvec_push(&argv, args[1]); // the sample
  strvec_push(&argv, "--");
  for (int i = 2; i < nargs; i++)
    strvec_push(&argv, args[i]);
  spawn_opts o = {.timeout_ms = CHECK_TIMEOUT_MS};
  spawn_result r;
  spawn_run(argv.v, &o, &r);
  ck_assert_msg(spawn_exited(&r) && r.status == 0 && !strbuf_str(&r.out)[0] &&
                    !strbuf_str(&r.err)[0],
                "escape-check %s:%s", args[1], spawn_report(&r));
  strvec_free(&argv);
  spawn_result_free(&r);
}
END_TEST

int main(int argc, char **argv) {
  bool run = argc == 4 && !strcmp(argv[1], "run");
  bool check = argc >= 4 && !strcmp(argv[1], "check");
  if (!run && !check) {
    fprintf(stderr, "usage: check_samples run PROGRAM EXPECTED\n"
                    "       check_samples check ESCAPE_CHECK SAMPLE "
                    "[FLAG...]\n");
    return 2;
  }
  args = argv + 2;
  nargs = argc - 2;
  Suite *s = suite_create("samples");
  TCase *tc = tcase_create(argv[1]);
  tcase_set_timeout(tc, (run ? RUN_TIMEOUT_MS : CHECK_TIMEOUT_MS) / 1000 + 30);
  tcase_add_test(tc, run ? output_is_expected : escape_check_is_clean);
  suite_add_tcase(s, tc);
  return suite_run(s, NULL);
}

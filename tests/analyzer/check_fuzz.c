// check_fuzz: a bounded run of escape-fuzz (tests/fuzz/escape_fuzz.c), the
// analyzer in-process on mutants of the corpus, the samples and slices of
// sqlite3.c, under the sanitizers of the test build.
//
// usage: check_fuzz ESCAPE_FUZZ INPUTS FILE...
//
// The run is deterministic (seed 1): the same INPUTS inputs every time. It
// passes when escape-fuzz ran every one of them and none failed: no crash,
// no hang past escape-fuzz's per-input alarm, no sanitizer report (the
// sanitizers exit 99, which escape-fuzz counts as a failure). Failing
// inputs are kept in ESCAPE_FUZZ_FAILURES with the command that replays
// them. A missing sqlite3.c is a failure, as for robust/sqlite.
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ESCAPE_SQLITE_C
#error "define ESCAPE_SQLITE_C to the path of third_party/sqlite/sqlite3.c"
#endif
#ifndef ESCAPE_FUZZ_FAILURES
#define ESCAPE_FUZZ_FAILURES "fuzz-failures"
#endif

// Seconds the whole run may take: a few times what it takes under ASan on
// two busy cores, so that only a hang that escapes the alarm ends it here.
enum { RUN_TIMEOUT = 600 };

static const char *escape_fuzz, *inputs;
static char **files;
static int nfiles;

START_TEST(bounded) {
  ck_assert_msg(file_exists(ESCAPE_SQLITE_C),
                "%s is missing: run scripts/fetch-sqlite.sh (scripts/setup.sh "
                "test does it before ctest)",
                ESCAPE_SQLITE_C);
  strvec argv = {0};
  const char *fixed[] = {
      escape_fuzz,          "-n",       inputs,         "-s", "1", "-o",
      ESCAPE_FUZZ_FAILURES, "--slices", ESCAPE_SQLITE_C};
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
    strvec_push(&argv, fixed[i]);
  for (int i = 0; i < nfiles; i++)
    strvec_push(&argv, files[i]);
  char **env = env_with_sanitizer_exitcode();
  spawn_opts o = {
      .envp = env, .timeout_ms = RUN_TIMEOUT * 1000, .max_capture = 1 << 20};
  spawn_result r;
  spawn_run(argv.v, &o, &r);
  char how[128], want[128];
  snprintf(want, sizeof want, "escape-fuzz: %s inputs ", inputs);
  const char *out = strbuf_str(&r.out);
  strbuf err = {0};
  strbuf_append(&err, strbuf_str(&r.err), r.err.len);
  clip(&err, SUITE_MAX_MESSAGE - 512);
  ck_assert_msg(spawn_exited(&r) && r.status == 0 && strstr(out, want) &&
                    strstr(out, " 0 failures"),
                "escape-fuzz: %s; want status 0 and \"%s... 0 failures\"; "
                "stdout:\n%s\nstderr:\n%s",
                spawn_describe(&r, how, sizeof how), want, out,
                strbuf_str(&err));
  printf("%s", out);
  strbuf_free(&err);
  spawn_result_free(&r);
  env_free(env);
  strvec_free(&argv);
}
END_TEST

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: check_fuzz ESCAPE_FUZZ INPUTS FILE...\n");
    return 2;
  }
  escape_fuzz = argv[1];
  inputs = argv[2];
  files = argv + 3;
  nfiles = argc - 3;
  Suite *s = suite_create("fuzz");
  TCase *tc = tcase_create("bounded");
  tcase_set_timeout(tc, RUN_TIMEOUT + 30);
  tcase_add_test(tc, bounded);
  suite_add_tcase(s, tc);
  return suite_run(s, NULL);
}

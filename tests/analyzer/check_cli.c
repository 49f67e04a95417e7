// check_cli: the command-line contract of escape-check, one test per option
// or exit status, each asserting stdout, stderr and the status exactly, as
// Go's test/driver.sh does for the go command.
//
// usage: check_cli ESCAPE_CHECK
//
// The contract under test (README.md, "Usage"):
//
//   - -h/--help prints a usage starting "usage: escape-check" on stdout and
//     exits 0; --version prints "escape-check 0.1.0 (libclang 19...)".
//   - a usage error is one line on stderr, "escape-check: error: ...", and
//     exit status 2: unknown option, bad -m value, no input; a missing path
//     also exits 2 but the other paths are still analyzed.
//   - reports go to stdout as "PATH:LINE:COL: MESSAGE" with PATH as given
//     (for a directory: DIR/relative path, in path order).
//   - a file that does not compile gets clang's diagnostics on stderr and
//     exit status 1; check-mode warnings give 1; otherwise 0.
//
// Each test writes small C files into its own scratch directory and runs
// escape-check there with relative paths, so the expected output is exact.
#include "harness.h"

#include <check.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *escape_check; // the binary under test

// The returned-address case whose -m output is pinned by the contract:
// "moved to heap: x" at the column of x in its declaration.
static const char returns_local[] = "int *f(void) {\n"
                                    "  int x = 0;\n"
                                    "  return &x;\n"
                                    "}\n";
static const char moved_x[] = "r.c:2:7: moved to heap: x\n";

static const char clean[] = "int add(int a, int b) {\n"
                            "  int sum = a + b;\n"
                            "  return sum;\n"
                            "}\n";

// Missing ';' after "return 0": clang reports bad.c:2:11.
static const char syntax_error[] = "int f(void) {\n"
                                   "  return 0\n"
                                   "}\n";

static const char flag_dependent[] = "int *f(void) {\n"
                                     "  int x = 0;\n"
                                     "#ifdef ESCAPE\n"
                                     "  return &x;\n"
                                     "#else\n"
                                     "  return 0;\n"
                                     "#endif\n"
                                     "}\n";

// fixture makes a scratch directory holding r.c, clean.c and bad.c.
static char *fixture(void) {
  char *dir = scratch_dir("cli");
  static const char *const files[][2] = {
      {"r.c", returns_local}, {"clean.c", clean}, {"bad.c", syntax_error}};
  for (size_t i = 0; i < 3; i++) {
    char *p = path_join(dir, files[i][0]);
    write_text(p, files[i][1]);
    free(p);
  }
  return dir;
}

// run executes escape-check in dir with the arguments that follow, up to a
// NULL.
static spawn_result run(const char *dir, ...) {
  strvec argv = {0};
  strvec_push(&argv, escape_check);
  va_list ap;
  va_start(ap, dir);
  for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
    strvec_push(&argv, a);
  va_end(ap);
  spawn_opts o = {.cwd = dir, .timeout_ms = 60000};
  spawn_result r;
  spawn_run(argv.v, &o, &r);
  strvec_free(&argv);
  return r;
}

// describe renders what the child did for a failure message.
static const char *describe(const spawn_result *r) {
  static strbuf b;
  char how[128];
  strbuf_free(&b);
  strbuf_printf(&b, "\n  %s\n  stdout: \"%s\"\n  stderr: \"%s\"",
                spawn_describe(r, how, sizeof how), strbuf_str(&r->out),
                strbuf_str(&r->err));
  return strbuf_str(&b);
}

// expect asserts the exact status, stdout and stderr of r.
static void expect(const spawn_result *r, int status, const char *out,
                   const char *err) {
  ck_assert_msg(spawn_exited(r) && r->status == status &&
                    strcmp(strbuf_str(&r->out), out) == 0 &&
                    strcmp(strbuf_str(&r->err), err) == 0,
                "want status %d, stdout \"%s\", stderr \"%s\"; got:%s", status,
                out, err, describe(r));
}

// matches reports whether the extended regexp re matches s.
static bool matches(const char *re, const char *s) {
  regex_t rx;
  ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE), 0);
  bool ok = regexec(&rx, s, 0, NULL, 0) == 0;
  regfree(&rx);
  return ok;
}

// usage_error asserts the one-line stderr and status 2 of a usage error.
static void usage_error(const spawn_result *r, const char *line) {
  expect(r, 2, "", line);
}

// ---------------------------------------------------------------------------
// Informational options
// ---------------------------------------------------------------------------

START_TEST(help) {
  static const char *const opts[] = {"-h", "--help"};
  char *dir = fixture();
  for (size_t i = 0; i < 2; i++) {
    spawn_result r = run(dir, opts[i], NULL);
    ck_assert_msg(spawn_exited(&r) && r.status == 0 && r.err.len == 0 &&
                      strncmp(strbuf_str(&r.out), "usage: escape-check", 19) ==
                          0,
                  "%s: want status 0, stdout \"usage: escape-check...\", "
                  "empty stderr; got:%s",
                  opts[i], describe(&r));
    spawn_result_free(&r);
  }
  free(dir);
}
END_TEST

START_TEST(version) {
  char *dir = fixture();
  spawn_result r = run(dir, "--version", NULL);
  ck_assert_msg(
      spawn_exited(&r) && r.status == 0 && r.err.len == 0 &&
          matches("^escape-check 0\\.1\\.0 \\(libclang 19[^\n]*\\)\n$",
                  strbuf_str(&r.out)) &&
          strchr(strbuf_str(&r.out), '\n') == r.out.s + r.out.len - 1,
      "want status 0 and one line \"escape-check 0.1.0 (libclang "
      "19...)\"; got:%s",
      describe(&r));
  spawn_result_free(&r);
  free(dir);
}
END_TEST

// ---------------------------------------------------------------------------
// Usage errors: exit status 2
// ---------------------------------------------------------------------------

START_TEST(unknown_option) {
  char *dir = fixture();
  spawn_result r = run(dir, "--foo", "r.c", NULL);
  usage_error(&r, "escape-check: error: unknown option '--foo' (see --help)\n");
  spawn_result_free(&r);
  free(dir);
}
END_TEST

START_TEST(bad_m_value) {
  static const char *const vals[] = {"3", "x"};
  char *dir = fixture();
  for (size_t i = 0; i < 2; i++) {
    strbuf opt = {0}, line = {0};
    strbuf_printf(&opt, "-m=%s", vals[i]);
    strbuf_printf(&line,
                  "escape-check: error: invalid value '%s' for -m "
                  "(expected 1 or 2)\n",
                  vals[i]);
    spawn_result r = run(dir, opt.s, "r.c", NULL);
    usage_error(&r, line.s);
    spawn_result_free(&r);
    strbuf_free(&opt);
    strbuf_free(&line);
  }
  free(dir);
}
END_TEST

START_TEST(no_input) {
  static const char line[] =
      "escape-check: error: no input files (see --help)\n";
  char *dir = fixture();
  spawn_result r = run(dir, NULL);
  usage_error(&r, line);
  spawn_result_free(&r);
  r = run(dir, "-m", NULL);
  usage_error(&r, line);
  spawn_result_free(&r);
  r = run(dir, "-m", "--", "-DFOO", NULL);
  usage_error(&r, line);
  spawn_result_free(&r);
  free(dir);
}
END_TEST

START_TEST(missing_file) {
  char *dir = fixture();
  spawn_result r = run(dir, "-m", "nope.c", "r.c", NULL);
  expect(&r, 2, moved_x,
         "escape-check: error: no such file or directory: 'nope.c'\n");
  spawn_result_free(&r);
  free(dir);
}
END_TEST

START_TEST(missing_file_beats_warnings) {
  char *dir = fixture();
  spawn_result r = run(dir, "r.c", "nope.c", NULL);
  ck_assert_msg(
      spawn_exited(&r) && r.status == 2 &&
          strcmp(strbuf_str(&r.err),
                 "escape-check: error: no such file or directory: "
                 "'nope.c'\n") == 0 &&
          matches("^r\\.c:[0-9]+:[0-9]+: warning: ", strbuf_str(&r.out)),
      "want status 2, the missing file on stderr and r.c's warning "
      "on stdout; got:%s",
      describe(&r));
  spawn_result_free(&r);
  free(dir);
}
END_TEST

// ---------------------------------------------------------------------------
// -m reports: exit status 0
// ---------------------------------------------------------------------------

START_TEST(m_moved_to_heap) {
  char *dir = fixture();
  spawn_result r = run(dir, "-m", "r.c", NULL);
  expect(&r, 0, moved_x, "");
  spawn_result_free(&r);
  r = run(dir, "-m=1", "r.c", NULL);
  expect(&r, 0, moved_x, "");
  spawn_result_free(&r);
  free(dir);
}
END_TEST

START_TEST(m_path_as_given) {
  char *dir = fixture();
  spawn_result r = run(dir, "-m", "./r.c", NULL);
  expect(&r, 0, "./r.c:2:7: moved to heap: x\n", "");
  spawn_result_free(&r);
  char *abs = path_join(dir, "r.c");
  strbuf want = {0};
  strbuf_printf(&want, "%s:2:7: moved to heap: x\n", abs);
  r = run("/", "-m", abs, NULL);
  expect(&r, 0, want.s, "");
  spawn_result_free(&r);
  strbuf_free(&want);
  free(abs);
  free(dir);
}
END_TEST

START_TEST(m2_flow) {
  char *dir = fixture();
  spawn_result r = run(dir, "-m=2", "r.c", NULL);
  const char *out = strbuf_str(&r.out);
  size_t n = strlen(moved_x);
  ck_assert_msg(spawn_exited(&r) && r.status == 0 && r.err.len == 0 &&
                    strstr(out, "r.c:2:7: x escapes to heap:\n") != NULL &&
                    strstr(out, "r.c:2:7:   flow: ~r0 = &x:\n") != NULL &&
                    strstr(out, "r.c:2:7:     from &x (address-of) at "
                                "r.c:3:10\n") != NULL &&
                    r.out.len > n && strcmp(out + r.out.len - n, moved_x) == 0,
                "want the flow of x (Go's -m=2 form) then \"%s\"; got:%s",
                moved_x, describe(&r));
  spawn_result_free(&r);
  free(dir);
}
END_TEST

START_TEST(compiler_flags) {
  char *dir = fixture();
  char *p = path_join(dir, "flag.c");
  write_text(p, flag_dependent);
  spawn_result r = run(dir, "-m", "flag.c", NULL);
  expect(&r, 0, "", "");
  spawn_result_free(&r);
  r = run(dir, "-m", "flag.c", "--", "-DESCAPE", NULL);
  expect(&r, 0, "flag.c:2:7: moved to heap: x\n", "");
  spawn_result_free(&r);
  free(p);
  free(dir);
}
END_TEST

START_TEST(directory_recursive) {
  char *dir = scratch_dir("cli-dir");
  static const char *const files[] = {
      "d/b.c",    "d/sub/a.c",   "d/sub/deeper/c.c",
      "d/skip.h", "d/notes.txt", "d/sub/a.c.orig"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char *p = path_join(dir, files[i]);
    *strrchr(p, '/') = '\0';
    make_dirs(p);
    p[strlen(p)] = '/';
    write_text(p, returns_local);
    free(p);
  }
  spawn_result r = run(dir, "-m", "d", NULL);
  expect(&r, 0,
         "d/b.c:2:7: moved to heap: x\n"
         "d/sub/a.c:2:7: moved to heap: x\n"
         "d/sub/deeper/c.c:2:7: moved to heap: x\n",
         "");
  spawn_result_free(&r);
  free(dir);
}
END_TEST

// ---------------------------------------------------------------------------
// Check mode and failures: exit status 0 and 1
// ---------------------------------------------------------------------------

START_TEST(clean_exit_0) {
  char *dir = fixture();
  spawn_result r = run(dir, "clean.c", NULL);
  expect(&r, 0, "", "");
  spawn_result_free(&r);
  free(dir);
}
END_TEST

// warning_then_notes reports whether out is a line matching first followed
// only by "r.c:LINE:COL: note: " lines, every line ending in a newline.
static bool warning_then_notes(const char *out, const char *first) {
  const char *re = first;
  bool ok = *out != '\0';
  for (const char *p = out; ok && *p;) {
    const char *nl = strchr(p, '\n');
    if (nl == NULL)
      return false;
    char *line = xstrndup(p, (size_t)(nl - p));
    ok = matches(re, line);
    free(line);
    re = "^r\\.c:[0-9]+:[0-9]+: note: ";
    p = nl + 1;
  }
  return ok;
}

START_TEST(warning_exit_1) {
  char *dir = fixture();
  spawn_result r = run(dir, "r.c", NULL);
  ck_assert_msg(
      spawn_exited(&r) && r.status == 1 && r.err.len == 0 &&
          warning_then_notes(strbuf_str(&r.out),
                             "^r\\.c:[0-9]+:[0-9]+: warning: address of local "
                             "variable 'x' escapes: returned to caller "
                             "\\[-Wescape-return\\]$"),
      "want one -Wescape-return warning then only notes; got:%s", describe(&r));
  spawn_result_free(&r);
  free(dir);
}
END_TEST

START_TEST(syntax_error_exit_1) {
  char *dir = fixture();
  spawn_result r = run(dir, "-m", "bad.c", "r.c", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 1 &&
                    strcmp(strbuf_str(&r.out), moved_x) == 0 &&
                    matches("^bad\\.c:2:11: error: ", strbuf_str(&r.err)),
                "want clang's bad.c:2:11: error: on stderr and r.c still "
                "reported; got:%s",
                describe(&r));
  spawn_result_free(&r);
  free(dir);
}
END_TEST

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: check_cli ESCAPE_CHECK\n");
    return 2;
  }
  escape_check = argv[1];
  Suite *s = suite_create("cli");
  TCase *tc = tcase_create("cli");
  tcase_add_unchecked_fixture(tc, scratch_init, scratch_cleanup);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, help);
  tcase_add_test(tc, version);
  tcase_add_test(tc, unknown_option);
  tcase_add_test(tc, bad_m_value);
  tcase_add_test(tc, no_input);
  tcase_add_test(tc, missing_file);
  tcase_add_test(tc, missing_file_beats_warnings);
  tcase_add_test(tc, m_moved_to_heap);
  tcase_add_test(tc, m_path_as_given);
  tcase_add_test(tc, m2_flow);
  tcase_add_test(tc, compiler_flags);
  tcase_add_test(tc, directory_recursive);
  tcase_add_test(tc, clean_exit_0);
  tcase_add_test(tc, warning_exit_1);
  tcase_add_test(tc, syntax_error_exit_1);
  suite_add_tcase(s, tc);
  return suite_run(s, NULL);
}

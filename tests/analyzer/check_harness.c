// check_harness: unit tests for the test harness itself.
//
// The corpus, CLI and robustness suites are only as trustworthy as the code
// that reads annotations, splits output lines and runs children, so that
// code is tested here on its own, without escape-check: the annotation
// parser (several regexps, escaped quotes, lines without annotations,
// malformed ones), the header line, whole corpus files, the output line
// parser, and spawn's capture, exit status, signal and timeout paths and
// its failure report.
#include "corpus_annotations.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

// parse runs annotation_parse on a C string.
static int parse(const char *line, strvec *res, strbuf *err) {
  return annotation_parse(line, strlen(line), res, err);
}

// ---------------------------------------------------------------------------
// Annotations
// ---------------------------------------------------------------------------

START_TEST(annotation_absent) {
  strvec res = {0};
  strbuf err = {0};
  ck_assert_int_eq(parse("  int x = 0;", &res, &err), 0);
  ck_assert_int_eq(parse("// ERRORS are not annotations", &res, &err), 0);
  ck_assert_int_eq(parse("", &res, &err), 0);
  ck_assert_uint_eq(res.n, 0);
  ck_assert_uint_eq(err.len, 0);
}
END_TEST

START_TEST(annotation_one) {
  strvec res = {0};
  strbuf err = {0};
  ck_assert_int_eq(
      parse("  int x = 0; // ERROR \"moved to heap: x$\"", &res, &err), 1);
  ck_assert_uint_eq(res.n, 1);
  ck_assert_str_eq(res.v[0], "moved to heap: x$");
  ck_assert_ptr_null(res.v[1]);
  strvec_free(&res);
}
END_TEST

START_TEST(annotation_several) {
  strvec res = {0};
  strbuf err = {0};
  const char *line = "int *f(int *p, int *q) { // ERROR \"leaking param: p "
                     "to result ~r0 level=0\"\t\"q does not escape\"  \"a\"  ";
  ck_assert_int_eq(parse(line, &res, &err), 1);
  ck_assert_uint_eq(res.n, 3);
  ck_assert_str_eq(res.v[0], "leaking param: p to result ~r0 level=0");
  ck_assert_str_eq(res.v[1], "q does not escape");
  ck_assert_str_eq(res.v[2], "a");
  strvec_free(&res);
}
END_TEST

START_TEST(annotation_escapes) {
  strvec res = {0};
  strbuf err = {0};
  // \" is a quote; \. and \\ stay as the regexp wrote them.
  const char *line = "x; // ERROR \"say \\\"hi\\\"\" \"a\\.b\" \"c\\\\\"";
  ck_assert_int_eq(parse(line, &res, &err), 1);
  ck_assert_uint_eq(res.n, 3);
  ck_assert_str_eq(res.v[0], "say \"hi\"");
  ck_assert_str_eq(res.v[1], "a\\.b");
  ck_assert_str_eq(res.v[2], "c\\\\");
  strvec_free(&res);
}
END_TEST

START_TEST(annotation_malformed) {
  static const char *const bad[] = {
      "x; // ERROR",               // no regexp
      "x; // ERROR moved to heap", // not quoted
      "x; // ERROR \"abc",         // unterminated
      "x; // ERROR \"abc\\\"",     // the only quote is escaped
      "x; // ERROR \"a\" junk",    // text after the regexps
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    strvec res = {0};
    strbuf err = {0};
    ck_assert_msg(parse(bad[i], &res, &err) == -1, "accepted: %s", bad[i]);
    ck_assert_msg(err.len > 0, "no reason given for: %s", bad[i]);
    strvec_free(&res);
    strbuf_free(&err);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// Header and whole files
// ---------------------------------------------------------------------------

START_TEST(header_args) {
  strvec args = {0};
  const char *h = "// escape-check -m=2  -- -DFOO\t-I inc";
  ck_assert(corpus_header_parse(h, strlen(h), &args));
  ck_assert_uint_eq(args.n, 5);
  ck_assert_str_eq(args.v[0], "-m=2");
  ck_assert_str_eq(args.v[1], "--");
  ck_assert_str_eq(args.v[2], "-DFOO");
  ck_assert_str_eq(args.v[4], "inc");
  strvec_free(&args);
  ck_assert(corpus_header_parse("// escape-check", 15, &args));
  ck_assert_uint_eq(args.n, 0);
  ck_assert(!corpus_header_parse("// escape-checker -m", 20, &args));
  ck_assert(!corpus_header_parse("int x;", 6, &args));
}
END_TEST

START_TEST(spec_file) {
  const char *text = "// escape-check -m\r\n"
                     "int *f(void) {\r\n"
                     "  int x = 0; // ERROR \"moved to heap: x$\"\r\n"
                     "  return &x;\n"
                     "}\n"
                     "void g(int *p) {} // ERROR \"p does not escape\" \"b\"";
  corpus_spec s;
  corpus_spec_parse(&s, text);
  ck_assert(s.has_header);
  ck_assert_uint_eq(s.args.n, 1);
  ck_assert_str_eq(s.args.v[0], "-m");
  ck_assert_uint_eq(s.errors.n, 0);
  ck_assert_uint_eq(s.nanns, 2);
  ck_assert_int_eq(s.anns[0].line, 3);
  ck_assert_str_eq(s.anns[0].res.v[0], "moved to heap: x$");
  ck_assert_int_eq(s.anns[1].line, 6);
  ck_assert_uint_eq(s.anns[1].res.n, 2);
  ck_assert_ptr_eq(corpus_spec_find(&s, 6), &s.anns[1]);
  ck_assert_ptr_null(corpus_spec_find(&s, 4));
  corpus_spec_free(&s);
}
END_TEST

START_TEST(spec_errors) {
  corpus_spec s;
  corpus_spec_parse(&s,
                    "int x;\nint y; // ERROR oops\nint z; // ERROR \"z\"\n");
  ck_assert(!s.has_header);
  ck_assert_uint_eq(s.errors.n, 2);
  ck_assert_int_eq(atoi(s.errors.v[0]), 2);
  ck_assert_int_eq(atoi(s.errors.v[1]), 1);
  ck_assert_uint_eq(s.nanns, 1);
  ck_assert_int_eq(s.anns[0].line, 3);
  corpus_spec_free(&s);
}
END_TEST

// ---------------------------------------------------------------------------
// Output lines
// ---------------------------------------------------------------------------

START_TEST(diag_lines) {
  diag_line d;
  ck_assert(diag_line_parse("f.c:3:6: moved to heap: x", "f.c", &d));
  ck_assert_int_eq(d.line, 3);
  ck_assert_int_eq(d.col, 6);
  ck_assert_str_eq(d.message, "moved to heap: x");
  ck_assert(diag_line_parse("f.c:3:6:   flow: ~r0 = &x:", "f.c", &d));
  ck_assert_str_eq(d.message, "  flow: ~r0 = &x:");
  ck_assert(diag_line_parse("a:b.c:12:1: m", "a:b.c", &d));
  ck_assert_int_eq(d.line, 12);
  ck_assert(!diag_line_parse("g.c:3:6: moved", "f.c", &d));
  ck_assert(!diag_line_parse("f.cc:3:6: moved", "f.c", &d));
  ck_assert(!diag_line_parse("f.c:3: moved", "f.c", &d));
  ck_assert(!diag_line_parse("f.c:0:1: moved", "f.c", &d));
  ck_assert(!diag_line_parse("f.c:3:6:moved", "f.c", &d));
}
END_TEST

// ---------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------

// sh runs a fixed shell script (never built from input) and returns what
// it did.
static spawn_result sh(const char *script, int timeout_ms, size_t max) {
  char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
  spawn_opts o = {.timeout_ms = timeout_ms, .max_capture = max};
  spawn_result r;
  spawn_run(argv, &o, &r);
  return r;
}

START_TEST(spawn_capture) {
  spawn_result r = sh("echo out; echo err >&2; exit 3", 0, 0);
  ck_assert(spawn_exited(&r));
  ck_assert_int_eq(r.status, 3);
  ck_assert_str_eq(strbuf_str(&r.out), "out\n");
  ck_assert_str_eq(strbuf_str(&r.err), "err\n");
  spawn_result_free(&r);
}
END_TEST

START_TEST(spawn_report_text) {
  spawn_result r = sh("echo out; echo err >&2; exit 3", 0, 0);
  ck_assert_str_eq(spawn_report(&r), "\n  exit status 3\n  stdout: \"out\n\"\n"
                                     "  stderr: \"err\n\"");
  spawn_result_free(&r);
  // Output longer than half a Check message is cut, saying so.
  r = sh("head -c 100000 /dev/zero | tr '\\0' x", 0, 0);
  const char *text = spawn_report(&r);
  ck_assert_uint_eq(strlen(text), SUITE_MAX_MESSAGE / 2 - 1);
  ck_assert_str_eq(text + strlen(text) - 27, "\n[... report cut here ...]\n");
  spawn_result_free(&r);
}
END_TEST

START_TEST(spawn_both_streams_full) {
  // More than a pipe holds on both streams: reading one at a time deadlocks.
  spawn_result r = sh("head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2;"
                      "head -c 300000 /dev/zero",
                      10000, 1000);
  ck_assert(spawn_exited(&r));
  ck_assert_uint_eq(r.out_total, 600000);
  ck_assert_uint_eq(r.err_total, 300000);
  ck_assert_uint_eq(r.out.len, 1000);
  spawn_result_free(&r);
}
END_TEST

START_TEST(spawn_signal) {
  char buf[128];
  spawn_result r = sh("kill -SEGV $$", 0, 0);
  ck_assert(!spawn_exited(&r));
  ck_assert_int_eq(r.signal, 11);
  ck_assert_str_eq(spawn_describe(&r, buf, sizeof buf),
                   "killed by signal 11 (Segmentation fault)");
  spawn_result_free(&r);
}
END_TEST

START_TEST(spawn_timeout) {
  spawn_result r = sh("echo started; exec sleep 30", 300, 0);
  ck_assert(r.timed_out);
  ck_assert(!spawn_exited(&r));
  ck_assert(r.seconds < 10);
  ck_assert_str_eq(strbuf_str(&r.out), "started\n");
  spawn_result_free(&r);
}
END_TEST

START_TEST(spawn_missing_program) {
  char *argv[] = {"/nonexistent/escape-check", NULL};
  spawn_result r;
  spawn_run(argv, NULL, &r);
  ck_assert(!spawn_exited(&r));
  ck_assert_int_ne(r.spawn_errno, 0);
  spawn_result_free(&r);
}
END_TEST

START_TEST(sanitizer_env) {
  setenv("ASAN_OPTIONS", "halt_on_error=1", 1);
  unsetenv("UBSAN_OPTIONS");
  char **env = env_with_sanitizer_exitcode();
  bool asan = false, ubsan = false;
  for (char **e = env; *e; e++) {
    asan |= strcmp(*e, "ASAN_OPTIONS=halt_on_error=1:exitcode=99") == 0;
    ubsan |= strcmp(*e, "UBSAN_OPTIONS=exitcode=99") == 0;
  }
  env_free(env);
  ck_assert(asan && ubsan);
}
END_TEST

int main(void) {
  Suite *s = suite_create("harness");
  TCase *tc = tcase_create("annotations");
  tcase_add_test(tc, annotation_absent);
  tcase_add_test(tc, annotation_one);
  tcase_add_test(tc, annotation_several);
  tcase_add_test(tc, annotation_escapes);
  tcase_add_test(tc, annotation_malformed);
  tcase_add_test(tc, header_args);
  tcase_add_test(tc, spec_file);
  tcase_add_test(tc, spec_errors);
  tcase_add_test(tc, diag_lines);
  suite_add_tcase(s, tc);
  tc = tcase_create("spawn");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, spawn_capture);
  tcase_add_test(tc, spawn_report_text);
  tcase_add_test(tc, spawn_both_streams_full);
  tcase_add_test(tc, spawn_signal);
  tcase_add_test(tc, spawn_timeout);
  tcase_add_test(tc, spawn_missing_program);
  tcase_add_test(tc, sanitizer_env);
  suite_add_tcase(s, tc);
  return suite_run(s, NULL);
}

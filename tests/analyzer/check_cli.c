// check_cli: the command-line contract of escape-check, one test per option
// or exit status, each asserting stdout, stderr and the status exactly, as
// Go's test/driver.sh does for the go command.
//
// usage: check_cli ESCAPE_CHECK
//
// The contract under test (README.md, "Usage"):
//
//   - -h/--help prints a usage starting "usage: escape-check" on stdout and
//     exits 0; --version prints "escape-check VERSION (libclang 19...)",
//     VERSION the project's (ESCAPE_VERSION, from CMake).
//   - a usage error is one line on stderr, "escape-check: error: ...", and
//     exit status 2: unknown option, bad -m value, no input.
//   - reports go to stdout as "PATH:LINE:COL: MESSAGE" with PATH as given
//     (for a directory: DIR/relative path, in path order).
//   - a path that cannot be analyzed (missing, unreadable, not a regular
//     file, rejected by clang, crashing libclang) gets one line on stderr,
//     "escape-check: error: PATH: REASON" (after clang's own diagnostics)
//     and exit status 3, and every other file is still reported;
//     check-mode warnings give 1; otherwise 0.
//   - the files are one program: a call into another file's function uses
//     what that function does, and the verdicts equal those on the files
//     #included into one (a unity build); -j, the cache and a compilation
//     database change nothing in them.
//   - a run over more than one file ends with a summary line on stderr.
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
#include <sys/stat.h>
#include <unistd.h>

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

// expect asserts the exact status, stdout and stderr of r.
static void expect(const spawn_result *r, int status, const char *out,
                   const char *err) {
  ck_assert_msg(spawn_exited(r) && r->status == status &&
                    strcmp(strbuf_str(&r->out), out) == 0 &&
                    strcmp(strbuf_str(&r->err), err) == 0,
                "want status %d, stdout \"%s\", stderr \"%s\"; got:%s", status,
                out, err, spawn_report(r));
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
                  opts[i], spawn_report(&r));
    spawn_result_free(&r);
  }
  free(dir);
}
END_TEST

START_TEST(version) {
  char *dir = fixture();
  spawn_result r = run(dir, "--version", NULL);
  strbuf re = {0};
  strbuf_puts(&re, "^escape-check ");
  for (const char *v = ESCAPE_VERSION; *v; v++)
    strbuf_printf(&re, *v == '.' ? "\\%c" : "%c", *v);
  strbuf_puts(&re, " \\(libclang 19[^\n]*\\)\n$");
  ck_assert_msg(spawn_exited(&r) && r.status == 0 && r.err.len == 0 &&
                    matches(re.s, strbuf_str(&r.out)) &&
                    strchr(strbuf_str(&r.out), '\n') == r.out.s + r.out.len - 1,
                "want status 0 and one line \"escape-check %s (libclang "
                "19...)\"; got:%s",
                ESCAPE_VERSION, spawn_report(&r));
  strbuf_free(&re);
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
      "escape-check: error: no input files and no compile_commands.json here "
      "or in build/ (see --help)\n";
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

START_TEST(bad_option_values) {
  static const char *const cases[][3] = {
      {"-j0", "r.c",
       "escape-check: error: invalid value '0' for -j (expected 1 to 1024)\n"},
      {"--format=xml", "r.c",
       "escape-check: error: invalid value 'xml' for --format (expected "
       "text, json or sarif)\n"},
      {"-Wno-escape-bogus", "r.c",
       "escape-check: error: unknown warning option '-Wno-escape-bogus' (the "
       "kinds: return, global, heap, param, call, thread, scope)\n"},
      {"-json=1,out", "r.c",
       "escape-check: error: invalid value '1,out' for -json (expected "
       "0,DIR)\n"},
      {"r.c", "--exclude",
       "escape-check: error: option '--exclude' needs a value\n"},
  };
  char *dir = fixture();
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    spawn_result r = run(dir, cases[i][0], cases[i][1], NULL);
    usage_error(&r, cases[i][2]);
    spawn_result_free(&r);
  }
  free(dir);
}
END_TEST

// ---------------------------------------------------------------------------
// Files that cannot be analyzed: exit status 3, the others still reported
// ---------------------------------------------------------------------------

START_TEST(missing_file) {
  char *dir = fixture();
  spawn_result r = run(dir, "-m", "-q", "nope.c", "r.c", NULL);
  expect(&r, 3, moved_x,
         "escape-check: error: nope.c: No such file or directory\n");
  spawn_result_free(&r);
  free(dir);
}
END_TEST

START_TEST(missing_file_beats_warnings) {
  char *dir = fixture();
  spawn_result r = run(dir, "-q", "r.c", "nope.c", NULL);
  ck_assert_msg(
      spawn_exited(&r) && r.status == 3 &&
          strcmp(strbuf_str(&r.err),
                 "escape-check: error: nope.c: No such file or directory\n") ==
              0 &&
          matches("^r\\.c:[0-9]+:[0-9]+: warning: ", strbuf_str(&r.out)),
      "want status 3, the missing file on stderr and r.c's warning "
      "on stdout; got:%s",
      spawn_report(&r));
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
                moved_x, spawn_report(&r));
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

// Blocks parse without -fblocks (escape-check adds it); -fno-blocks gets
// clang's own error, which says to compile with -fblocks.
static const char uses_blocks[] = "void (^g)(void);\n"
                                  "void f(void) {\n"
                                  "  __block int n = 0;\n"
                                  "  g = ^{ n++; };\n"
                                  "}\n";

START_TEST(blocks_enabled) {
  char *dir = fixture();
  char *p = path_join(dir, "b.c");
  write_text(p, uses_blocks);
  spawn_result r = run(dir, "-m", "b.c", NULL);
  expect(&r, 0,
         "b.c:3:15: moved to heap: n\n"
         "b.c:4:7: block literal escapes to heap\n",
         "");
  spawn_result_free(&r);
  r = run(dir, "-m", "b.c", "--", "-fno-blocks", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 3 && r.out.len == 0 &&
                    matches("^b.c:1:7: error: blocks support disabled - "
                            "compile with -fblocks",
                            strbuf_str(&r.err)) &&
                    matches("^escape-check: error: b.c: clang reported "
                            "errors$",
                            strbuf_str(&r.err)),
                "want clang's 'blocks support disabled' and status 3; got:%s",
                spawn_report(&r));
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
  spawn_result r = run(dir, "-m", "-q", "d", NULL);
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
      "want one -Wescape-return warning then only notes; got:%s",
      spawn_report(&r));
  spawn_result_free(&r);
  free(dir);
}
END_TEST

START_TEST(syntax_error_exit_3) {
  char *dir = fixture();
  spawn_result r = run(dir, "-m", "-q", "bad.c", "r.c", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 3 &&
                    strcmp(strbuf_str(&r.out), moved_x) == 0 &&
                    matches("^bad\\.c:2:11: error: ", strbuf_str(&r.err)) &&
                    matches("^escape-check: error: bad\\.c: clang reported "
                            "errors$",
                            strbuf_str(&r.err)),
                "want clang's bad.c:2:11: error: and escape-check's line on "
                "stderr, and r.c still reported; got:%s",
                spawn_report(&r));
  spawn_result_free(&r);
  free(dir);
}
END_TEST

// ---------------------------------------------------------------------------
// Trees: files analyzed as one program
// ---------------------------------------------------------------------------

// A tree of three files whose verdicts depend on each other: keep.c's
// functions keep or return what they are given, use.c and ops.c call them,
// ops.c calls through a table of keep.c's functions, and even() and odd()
// recurse across two files. unity.c #includes them all, as Lua's onelua.c
// and SQLite's amalgamation do.
static const char *const tree_files[][2] = {
    {"t/keep.h", "#ifndef KEEP_H\n"
                 "#define KEEP_H\n"
                 "extern int *kept;\n"
                 "void keep(int *p);\n"
                 "int look(int *p);\n"
                 "int *pass(int *p);\n"
                 "int even(int n, int *p);\n"
                 "int odd(int n, int *p);\n"
                 "struct ops { int (*get)(int *); void (*put)(int *); };\n"
                 "extern const struct ops table;\n"
                 "#endif\n"},
    {"t/keep.c", "#include \"keep.h\"\n"
                 "int *kept;\n"
                 "void keep(int *p) { kept = p; }\n"
                 "int look(int *p) { return *p; }\n"
                 "int *pass(int *p) { return p; }\n"
                 "int even(int n, int *p) { return n ? odd(n - 1, p) : *p; }\n"
                 "const struct ops table = {look, keep};\n"},
    {"t/use.c", "#include \"keep.h\"\n"
                "int odd(int n, int *p) { return n ? even(n - 1, p) : 0; }\n"
                "int *give(void) {\n"
                "  int a = 1, b = 2, c = 3;\n"
                "  keep(&a);\n"
                "  int s = look(&b) + even(3, &c);\n"
                "  return pass(&s);\n"
                "}\n"},
    {"t/ops.c", "#include \"keep.h\"\n"
                "int via_table(void) {\n"
                "  int d = 4;\n"
                "  return table.get(&d);\n"
                "}\n"},
};

// The table holds look and keep, either of which get may be: d escapes.
static const char tree_m[] = "t/keep.c:3:16: leaking param: p\n"
                             "t/keep.c:4:15: p does not escape\n"
                             "t/keep.c:5:16: leaking param: p to result ~r0 "
                             "level=0\n"
                             "t/keep.c:6:22: p does not escape\n"
                             "t/ops.c:3:7: moved to heap: d\n"
                             "t/use.c:2:21: p does not escape\n"
                             "t/use.c:4:7: moved to heap: a\n"
                             "t/use.c:6:7: moved to heap: s\n";

// files_fixture writes n files, {path, text}, under a new scratch directory
// named name, in its subdirectory sub, and returns the directory.
static char *files_fixture(const char *name, const char *sub,
                           const char *const (*files)[2], size_t n) {
  char *dir = scratch_dir(name);
  char *t = path_join(dir, sub);
  make_dirs(t);
  free(t);
  for (size_t i = 0; i < n; i++) {
    char *p = path_join(dir, files[i][0]);
    write_text(p, files[i][1]);
    free(p);
  }
  return dir;
}

static char *tree_fixture(void) {
  return files_fixture("tree", "t", tree_files,
                       sizeof tree_files / sizeof *tree_files);
}

// write_unity writes t/unity.c, which includes the tree's .c files.
static void write_unity(const char *dir) {
  char *p = path_join(dir, "t/unity.c");
  write_text(p,
             "#include \"keep.c\"\n#include \"use.c\"\n#include \"ops.c\"\n");
  free(p);
}

START_TEST(tree_cross_file) {
  char *dir = tree_fixture();
  spawn_result r = run(dir, "-m", "-q", "t", NULL);
  expect(&r, 0, tree_m, "");
  spawn_result_free(&r);
  free(dir);
}
END_TEST

START_TEST(tree_equals_unity) {
  static const char *const modes[] = {"-m=2", "-m", NULL};
  char *dir = tree_fixture();
  write_unity(dir);
  for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
    const char *mode = modes[i] ? modes[i] : "-q";
    spawn_result tree = run(dir, mode, "-q", "--exclude", "unity.c", "t", NULL);
    spawn_result one = run(dir, mode, "-q", "t/unity.c", NULL);
    bool same = spawn_exited(&tree) && spawn_exited(&one) &&
                tree.status == one.status && tree.out.len > 0 &&
                strcmp(strbuf_str(&tree.out), strbuf_str(&one.out)) == 0;
    char *t = same ? NULL : xstrdup(spawn_report(&tree));
    ck_assert_msg(same,
                  "%s: the tree's report differs from unity.c's:\ntree:%s\n"
                  "unity:%s",
                  mode, t, spawn_report(&one));
    spawn_result_free(&tree);
    spawn_result_free(&one);
  }
  free(dir);
}
END_TEST

START_TEST(tree_jobs_same) {
  char *dir = tree_fixture();
  spawn_result one = run(dir, "-m=2", "-q", "-j1", "--no-cache", "t", NULL);
  spawn_result two = run(dir, "-m=2", "-q", "-j3", "--no-cache", "t", NULL);
  bool same = spawn_exited(&one) && spawn_exited(&two) && one.status == 0 &&
              two.status == 0 &&
              strcmp(strbuf_str(&one.out), strbuf_str(&two.out)) == 0;
  char *d1 = same ? NULL : xstrdup(spawn_report(&one));
  ck_assert_msg(same, "-j1 and -j3 differ:%s%s", d1, spawn_report(&two));
  spawn_result_free(&one);
  spawn_result_free(&two);
  free(dir);
}
END_TEST

START_TEST(tree_summary_line) {
  char *dir = tree_fixture();
  spawn_result r = run(dir, "t", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 1 &&
                    matches("^escape-check: 3 files, 3 warnings \\(1 return, "
                            "2 global\\), [0-9]+\\.[0-9][0-9] s$",
                            strbuf_str(&r.err)),
                "want the summary line; got:%s", spawn_report(&r));
  spawn_result_free(&r);
  free(dir);
}
END_TEST

// The cache gives the same verdicts, and an edit that changes what a
// function does changes the verdicts of the files that call it.
START_TEST(tree_cache) {
  char *dir = tree_fixture();
  char *cache = path_join(dir, "cache");
  spawn_result r = run(dir, "-m", "-q", "--cache-dir", cache, "t", NULL);
  expect(&r, 0, tree_m, "");
  spawn_result_free(&r);
  r = run(dir, "-m", "-q", "--cache-dir", cache, "t", NULL);
  expect(&r, 0, tree_m, "");
  spawn_result_free(&r);
  // keep() no longer keeps: a in use.c stays on the stack.
  char *keep = path_join(dir, "t/keep.c");
  strbuf text = {0};
  ck_assert(read_file(keep, &text));
  char *at = strstr(text.s, "kept = p;");
  ck_assert_ptr_nonnull(at);
  memcpy(at, "kept = 0;", 9);
  write_text(keep, text.s);
  r = run(dir, "-m", "-q", "--cache-dir", cache, "t", NULL);
  spawn_result fresh = run(dir, "-m", "-q", "--no-cache", "t", NULL);
  bool ok = spawn_exited(&r) && r.status == 0 &&
            strcmp(strbuf_str(&r.out), strbuf_str(&fresh.out)) == 0 &&
            strstr(strbuf_str(&r.out), "moved to heap: a") == NULL &&
            strstr(strbuf_str(&r.out), "t/keep.c:3:16: p does not "
                                       "escape\n") != NULL;
  char *d1 = ok ? NULL : xstrdup(spawn_report(&r));
  ck_assert_msg(ok,
                "after the edit, want the fresh run's report, with a no "
                "longer moved; got:%s\nfresh:%s",
                d1, spawn_report(&fresh));
  spawn_result_free(&r);
  spawn_result_free(&fresh);
  strbuf_free(&text);
  free(keep);
  free(cache);
  free(dir);
}
END_TEST

// replace_in edits one occurrence of from into to in dir/path.
static void replace_in(const char *dir, const char *path, const char *from,
                       const char *to) {
  char *p = path_join(dir, path);
  strbuf text = {0}, out = {0};
  ck_assert(read_file(p, &text));
  char *at = strstr(text.s, from);
  ck_assert_msg(at != NULL, "%s: no \"%s\"", path, from);
  strbuf_printf(&out, "%.*s%s%s", (int)(at - text.s), text.s, to,
                at + strlen(from));
  write_text(p, out.s);
  strbuf_free(&text);
  strbuf_free(&out);
  free(p);
}

// A call through a function-pointer field in one file, the table that
// fills the field in another (iface.c), with the cache: the field's static
// target in disk.c decides x in use.c, an edit of it changes x's verdict,
// and so does a store of a parameter into the field.
static const char *const field_files[][2] = {
    {"f/dev.h", "struct dev_ops { int (*read)(int *p); };\n"
                "struct dev { const struct dev_ops *ops; };\n"
                "void disk_attach(struct dev *d);\n"},
    {"f/disk.c", "#include \"dev.h\"\n"
                 "int *saved;\n"
                 "static int disk_read(int *p) { return *p; }\n"
                 "static const struct dev_ops disk_ops = {.read = disk_read};\n"
                 "void disk_attach(struct dev *d) { d->ops = &disk_ops; }\n"},
    {"f/use.c", "#include \"dev.h\"\n"
                "int dev_read(struct dev *d) {\n"
                "  int x = 1;\n"
                "  return d->ops->read(&x);\n"
                "}\n"},
};

static const char field_m[] = "f/disk.c:3:27: p does not escape\n"
                              "f/disk.c:5:30: d does not escape\n"
                              "f/use.c:2:26: d does not escape\n";

// expect_fresh runs with the cache and without, and wants both to print
// want.
static void expect_fresh(const char *dir, const char *cache, const char *want) {
  spawn_result r = run(dir, "-m", "-q", "--cache-dir", cache, "f", NULL);
  spawn_result fresh = run(dir, "-m", "-q", "--no-cache", "f", NULL);
  expect(&r, 0, want, "");
  expect(&fresh, 0, want, "");
  spawn_result_free(&r);
  spawn_result_free(&fresh);
}

START_TEST(field_calls_across_files_and_the_cache) {
  char *dir = files_fixture("field", "f", field_files,
                            sizeof field_files / sizeof *field_files);
  char *cache = path_join(dir, "cache");
  expect_fresh(dir, cache, field_m);
  expect_fresh(dir, cache, field_m); // from the cache
  replace_in(dir, "f/use.c", "int x = 1;", "int x = 2;");
  expect_fresh(dir, cache, field_m); // disk.c cached, use.c parsed
  replace_in(dir, "f/disk.c", "{ return *p; }", "{ saved = p; return *p; }");
  expect_fresh(dir, cache,
               "f/disk.c:3:27: leaking param: p\n"
               "f/disk.c:5:30: d does not escape\n"
               "f/use.c:2:26: d does not escape\n"
               "f/use.c:3:7: moved to heap: x\n");
  replace_in(dir, "f/disk.c", "{ saved = p; return *p; }", "{ return *p; }");
  expect_fresh(dir, cache, field_m);
  // Any function may be in the field now: x escapes again.
  replace_in(dir, "f/disk.c", "int *saved;",
             "int *saved;\n"
             "void set_read(struct dev_ops *o, int (*r)(int *)) "
             "{ o->read = r; }");
  expect_fresh(dir, cache,
               "f/disk.c:3:31: o does not escape\n"
               "f/disk.c:3:40: leaking param: r to content of o level=0\n"
               "f/disk.c:4:27: p does not escape\n"
               "f/disk.c:6:30: d does not escape\n"
               "f/use.c:2:26: d does not escape\n"
               "f/use.c:3:7: moved to heap: x\n");
  free(cache);
  free(dir);
}
END_TEST

// even() and odd() recurse across two files. While even() keeps p, both
// leak; once the edit takes that away, neither does, though odd()'s cached
// summary alone would keep the leak alive.
START_TEST(tree_cache_cycle) {
  char *dir = tree_fixture();
  char *cache = path_join(dir, "cache");
  replace_in(dir, "t/keep.c", "int even(int n, int *p) { return",
             "int even(int n, int *p) { kept = p; return");
  spawn_result r = run(dir, "-m", "-q", "--cache-dir", cache, "t", NULL);
  ck_assert_msg(strstr(strbuf_str(&r.out), "t/use.c:2:21: leaking param: p\n"),
                "want odd's p leaking; got:%s", spawn_report(&r));
  spawn_result_free(&r);
  replace_in(dir, "t/keep.c", "kept = p; return", "return");
  r = run(dir, "-m", "-q", "--cache-dir", cache, "t", NULL);
  expect(&r, 0, tree_m, "");
  spawn_result_free(&r);
  free(cache);
  free(dir);
}
END_TEST

// The distributed protocol (cache.c): rounds of one --step per file, each
// parsing its own file and taking the others from the cache, then one
// final run, give what one run from scratch gives.
START_TEST(tree_distributed_steps) {
  static const char *const files[] = {"t/keep.c", "t/ops.c", "t/use.c"};
  char *dir = tree_fixture();
  char *cache = path_join(dir, "cache");
  strbuf db = {0};
  strbuf_puts(&db, "[");
  for (size_t i = 0; i < 3; i++)
    strbuf_printf(&db,
                  "%s{\"directory\": \"%s\", \"command\": \"cc -c %s\", "
                  "\"file\": \"%s\"}",
                  i ? ",\n " : "", dir, files[i], files[i]);
  strbuf_puts(&db, "]\n");
  char *p = path_join(dir, "compile_commands.json");
  write_text(p, db.s);
  for (int round = 0; round < 3; round++)
    for (size_t i = 0; i < 3; i++) {
      spawn_result r = run(dir, "-m", "-q", "--step", "-p", ".", "--cache-dir",
                           cache, files[i], NULL);
      ck_assert_msg(spawn_exited(&r) && r.status == 0, "step %s:%s", files[i],
                    spawn_report(&r));
      spawn_result_free(&r);
    }
  spawn_result r = run(dir, "-m", "-q", "-p", ".", "--cache-dir", cache, NULL);
  expect(&r, 0, tree_m, "");
  spawn_result_free(&r);
  r = run(dir, "-m", "--step", "t/use.c", NULL);
  usage_error(&r, "escape-check: error: --step needs the cache (--cache-dir "
                  "DIR)\n");
  spawn_result_free(&r);
  strbuf_free(&db);
  free(p);
  free(cache);
  free(dir);
}
END_TEST

// A compilation database: `command` and `arguments` entries, paths relative
// to `directory`, a response file, an option clang does not know, an entry
// for C++; PATHs select what is reported, the rest still counts.
START_TEST(compile_commands) {
  char *dir = tree_fixture();
  char *b = path_join(dir, "b");
  make_dirs(b);
  char *inc = path_join(dir, "inc");
  make_dirs(inc);
  char *p = path_join(dir, "inc/flag.h");
  write_text(p, "#define FROM_INC 1\n");
  free(p);
  p = path_join(dir, "b/use.rsp");
  write_text(p, "-DFROM_RSP=1\n");
  free(p);
  // use.c must see both macros, or it does not compile.
  p = path_join(dir, "t/use.c");
  strbuf text = {0};
  ck_assert(read_file(p, &text));
  strbuf_puts(&text, "#include \"flag.h\"\n#if !FROM_INC || !FROM_RSP\n#error "
                     "flags\n#endif\n");
  write_text(p, text.s);
  free(p);
  strbuf db = {0};
  strbuf_printf(
      &db,
      "[{\"directory\": \"%s/b\", \"command\": \"gcc -c "
      "-fconserve-stack -o keep.o ../t/keep.c\", \"file\": "
      "\"../t/keep.c\"},\n"
      " {\"directory\": \"%s/b\", \"command\": \"gcc -c ../t/ops.c\", "
      "\"file\": \"%s/t/ops.c\"},\n"
      " {\"directory\": \"%s/b\", \"arguments\": [\"gcc\", \"-I\", "
      "\"../inc\", \"@use.rsp\", \"-MD\", \"-MF\", \"use.d\", "
      "\"-c\", \"../t/use.c\"], \"file\": \"../t/use.c\"},\n"
      " {\"directory\": \"%s/b\", \"command\": \"g++ -c x.cc\", "
      "\"file\": \"x.cc\"}]\n",
      dir, dir, dir, dir, dir);
  p = path_join(dir, "b/compile_commands.json");
  write_text(p, db.s);
  free(p);
  spawn_result r = run(dir, "-m", "-q", "-p", "b", NULL);
  expect(&r, 0, tree_m,
         "escape-check: note: b/compile_commands.json: 1 entry for files "
         "other than C skipped\n"
         "escape-check: note: t/keep.c: dropped option clang does not know: "
         "-fconserve-stack\n");
  spawn_result_free(&r);
  // Found in build/ without -p; a PATH selects use.c, whose verdicts still
  // know keep.c's functions.
  char *build = path_join(dir, "build");
  ck_assert_int_eq(rename(b, build), 0);
  p = path_join(dir, "build/compile_commands.json");
  strbuf moved = {0};
  ck_assert(read_file(p, &moved));
  for (char *q; (q = strstr(moved.s, "/b\"")) != NULL;)
    memmove(q + 6, q + 2, strlen(q + 2) + 1), memcpy(q, "/build", 6);
  write_text(p, moved.s);
  free(p);
  r = run(dir, "-m", "-q", "t/use.c", NULL);
  expect(&r, 0,
         "t/use.c:2:21: p does not escape\n"
         "t/use.c:4:7: moved to heap: a\n"
         "t/use.c:6:7: moved to heap: s\n",
         "escape-check: note: using build/compile_commands.json (-p DIR to "
         "choose)\n"
         "escape-check: note: build/compile_commands.json: 1 entry for files "
         "other than C skipped\n"
         "escape-check: note: t/keep.c: dropped option clang does not know: "
         "-fconserve-stack\n");
  spawn_result_free(&r);
  strbuf_free(&moved);
  strbuf_free(&db);
  strbuf_free(&text);
  free(build);
  free(inc);
  free(b);
  free(dir);
}
END_TEST

// A build's -Werror does not stop a file on a warning clang has and GCC
// does not: files are parsed without warnings.
START_TEST(build_werror_ignored) {
  char *dir = fixture();
  char *p = path_join(dir, "proto.c");
  write_text(p, "int g();\nint *f(void) {\n  int x = 0;\n  return &x;\n}\n");
  spawn_result r =
      run(dir, "-m", "proto.c", "--", "-Werror", "-Wstrict-prototypes", NULL);
  expect(&r, 0, "proto.c:3:7: moved to heap: x\n", "");
  spawn_result_free(&r);
  free(p);
  free(dir);
}
END_TEST

START_TEST(bad_compile_commands) {
  char *dir = fixture();
  char *p = path_join(dir, "cc.json");
  write_text(p, "[{\"directory\": ");
  free(p);
  spawn_result r = run(dir, "--compile-commands", "cc.json", NULL);
  usage_error(&r, "escape-check: error: cc.json: not a compilation database: "
                  "Expected string as value. (a JSON array of entries with "
                  "\"directory\", \"file\" and \"command\" or "
                  "\"arguments\")\n");
  spawn_result_free(&r);
  free(dir);
}
END_TEST

// ---------------------------------------------------------------------------
// Which warnings are shown
// ---------------------------------------------------------------------------

static const char two_kinds[] = "int *g;\n"
                                "int *ret(void) {\n"
                                "  int x = 0;\n"
                                "  return &x;\n"
                                "}\n"
                                "void glob(void) {\n"
                                "  int y = 0;\n"
                                "  g = &y;\n"
                                "}\n";

// warning_lines returns the warning lines of out, one per line.
static char *warning_lines(const char *out) {
  strbuf b = {0};
  for (const char *p = out; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
    if (strstr(p, ": warning: ") && (!nl || strstr(p, ": warning: ") < nl))
      strbuf_append(&b, p, n);
    if (strstr(p, ": error: ") && (!nl || strstr(p, ": error: ") < nl))
      strbuf_append(&b, p, n);
    p += n;
  }
  return b.s ? b.s : xstrdup("");
}

static void expect_warnings(const spawn_result *r, int status,
                            const char *want) {
  char *got = warning_lines(strbuf_str(&r->out));
  ck_assert_msg(spawn_exited(r) && r->status == status && !strcmp(got, want),
                "want status %d and warnings:\n%s\ngot:%s", status, want,
                spawn_report(r));
  free(got);
}

static const char ret_warning[] =
    "k.c:4:10: warning: address of local variable 'x' escapes: returned to "
    "caller [-Wescape-return]\n";
static const char glob_warning[] =
    "k.c:8:7: warning: address of local variable 'y' escapes: stored in "
    "global 'g' [-Wescape-global]\n";

START_TEST(warning_switches) {
  char *dir = fixture();
  char *p = path_join(dir, "k.c");
  write_text(p, two_kinds);
  spawn_result r = run(dir, "k.c", NULL);
  strbuf both = {0};
  strbuf_printf(&both, "%s%s", ret_warning, glob_warning);
  expect_warnings(&r, 1, both.s);
  spawn_result_free(&r);
  r = run(dir, "-Wno-escape-global", "k.c", NULL);
  expect_warnings(&r, 1, ret_warning);
  spawn_result_free(&r);
  r = run(dir, "-Wno-escape", "-Wescape-global", "k.c", NULL);
  expect_warnings(&r, 1, glob_warning);
  spawn_result_free(&r);
  r = run(dir, "-Wno-escape-global", "-Wno-escape-return", "k.c", NULL);
  expect(&r, 0, "", "");
  spawn_result_free(&r);
  r = run(dir, "-Werror", "-Wno-escape-global", "k.c", NULL);
  expect_warnings(&r, 1,
                  "k.c:4:10: error: address of local variable 'x' escapes: "
                  "returned to caller [-Werror,-Wescape-return]\n");
  spawn_result_free(&r);
  strbuf_free(&both);
  free(p);
  free(dir);
}
END_TEST

START_TEST(inline_suppression) {
  static const char *const marks[][2] = {
      {"  return &x; // NOLINT(escape-return)\n", ""},
      {"  return &x; // NOLINT\n", ""},
      {"  // NOLINTNEXTLINE(escape-*)\n  return &x;\n", ""},
      {"  return &x; // escape-check: ignore[return]\n", ""},
      {"  // escape-check: ignore\n  return &x;\n", ""},
      {"  return &x; // NOLINT(escape-global)\n", "warn"},
      {"  return &x; // NOLINTNEXTLINE(escape-return)\n", "warn"},
      {"  return &x; // escape-check: ignore[call, global]\n", "warn"},
  };
  char *dir = fixture();
  char *p = path_join(dir, "s.c");
  for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
    strbuf src = {0};
    strbuf_printf(&src, "int *ret(void) {\n  int x = 0;\n%s}\n", marks[i][0]);
    write_text(p, src.s);
    spawn_result r = run(dir, "s.c", NULL);
    bool warned = strstr(strbuf_str(&r.out), ": warning: ") != NULL;
    ck_assert_msg(spawn_exited(&r) && r.status == (*marks[i][1] ? 1 : 0) &&
                      warned == (*marks[i][1] != 0),
                  "%s: want %s; got:%s", marks[i][0],
                  *marks[i][1] ? "the warning" : "it suppressed",
                  spawn_report(&r));
    spawn_result_free(&r);
    strbuf_free(&src);
  }
  free(p);
  free(dir);
}
END_TEST

START_TEST(baseline) {
  char *dir = fixture();
  char *p = path_join(dir, "k.c");
  write_text(p, two_kinds);
  spawn_result r = run(dir, "--write-baseline", "base.txt", "k.c", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 1, "got:%s", spawn_report(&r));
  spawn_result_free(&r);
  char *b = path_join(dir, "base.txt");
  strbuf text = {0};
  ck_assert(read_file(b, &text));
  ck_assert_str_eq(text.s,
                   "# escape-check baseline: FILE<TAB>KIND<TAB>MESSAGE, one "
                   "line per warning\n"
                   "k.c\treturn\taddress of local variable 'x' escapes: "
                   "returned to caller\n"
                   "k.c\tglobal\taddress of local variable 'y' escapes: "
                   "stored in global 'g'\n");
  r = run(dir, "--baseline", "base.txt", "k.c", NULL);
  expect(&r, 0, "", "");
  spawn_result_free(&r);
  // Lines moved and a new warning: only the new one is reported.
  strbuf more = {0};
  strbuf_printf(&more,
                "\n\n%sint *ret2(void) {\n  int z = 0;\n  return "
                "&z;\n}\n",
                two_kinds);
  write_text(p, more.s);
  r = run(dir, "--baseline", "base.txt", "k.c", NULL);
  expect_warnings(&r, 1,
                  "k.c:14:10: warning: address of local variable 'z' "
                  "escapes: returned to caller [-Wescape-return]\n");
  spawn_result_free(&r);
  r = run(dir, "--baseline", "nothere.txt", "k.c", NULL);
  usage_error(&r, "escape-check: error: --baseline nothere.txt: No such file "
                  "or directory\n");
  spawn_result_free(&r);
  strbuf_free(&more);
  strbuf_free(&text);
  free(b);
  free(p);
  free(dir);
}
END_TEST

// ---------------------------------------------------------------------------
// Bad input: a reason each, and the run goes on
// ---------------------------------------------------------------------------

START_TEST(bad_paths) {
  char *dir = fixture();
  char *d = path_join(dir, "d");
  char *sub = path_join(dir, "d/sub/empty");
  make_dirs(sub);
  char *p = path_join(dir, "d/sub/r.c");
  write_text(p, returns_local);
  free(p);
  p = path_join(dir, "d/sub/loop");
  ck_assert_int_eq(symlink(".", p), 0);
  free(p);
  p = path_join(dir, "d/sub/up");
  ck_assert_int_eq(symlink("..", p), 0);
  free(p);
  p = path_join(dir, "d/dangling.c");
  ck_assert_int_eq(symlink("nowhere.c", p), 0);
  free(p);
  p = path_join(dir, "d/fifo.c");
  ck_assert_int_eq(mkfifo(p, 0600), 0);
  free(p);
  p = path_join(dir, "-");
  write_text(p, returns_local);
  free(p);
  spawn_result r = run(dir, "-m", "-q", "d", "-", NULL);
  expect(&r, 3,
         "d/sub/r.c:2:7: moved to heap: x\n"
         "-:2:7: moved to heap: x\n",
         "escape-check: note: d/sub/loop: skipped, a symbolic link to a "
         "directory above it\n"
         "escape-check: note: d/sub/up: skipped, a symbolic link to a "
         "directory above it\n"
         "escape-check: error: d/dangling.c: cannot read: No such file or "
         "directory\n"
         "escape-check: error: d/fifo.c: not a regular file\n");
  free(d);
  free(sub);
  spawn_result_free(&r);
  free(dir);
}
END_TEST

// libclang's parser overflows its stack on a 300,000-deep expression: that
// file is named, and the others are still analyzed.
START_TEST(crash_isolated) {
  char *dir = fixture();
  char *p = path_join(dir, "deep.c");
  strbuf src = {0};
  strbuf_puts(&src, "int f(int x) { return ");
  for (int i = 0; i < 300000; i++)
    strbuf_puts(&src, "!");
  strbuf_puts(&src, "x; }\n");
  write_text(p, src.s);
  spawn_result r =
      run(dir, "-m", "-q", "-j2", "r.c", "deep.c", "clean.c", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 3 &&
                    !strcmp(strbuf_str(&r.out), moved_x) &&
                    matches("^escape-check: error: deep\\.c: libclang or the "
                            "analysis crashed on it \\(",
                            strbuf_str(&r.err)),
                "want deep.c named and r.c reported; got:%s", spawn_report(&r));
  spawn_result_free(&r);
  strbuf_free(&src);
  free(p);
  free(dir);
}
END_TEST

static void add_tree_tests(TCase *tc) {
  tcase_add_test(tc, tree_cross_file);
  tcase_add_test(tc, tree_equals_unity);
  tcase_add_test(tc, tree_jobs_same);
  tcase_add_test(tc, tree_summary_line);
  tcase_add_test(tc, tree_cache);
  tcase_add_test(tc, tree_cache_cycle);
  tcase_add_test(tc, field_calls_across_files_and_the_cache);
  tcase_add_test(tc, tree_distributed_steps);
  tcase_add_test(tc, compile_commands);
  tcase_add_test(tc, bad_compile_commands);
  tcase_add_test(tc, build_werror_ignored);
  tcase_add_test(tc, warning_switches);
  tcase_add_test(tc, inline_suppression);
  tcase_add_test(tc, baseline);
  tcase_add_test(tc, bad_paths);
  tcase_add_test(tc, crash_isolated);
}

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
  tcase_add_test(tc, blocks_enabled);
  tcase_add_test(tc, directory_recursive);
  tcase_add_test(tc, clean_exit_0);
  tcase_add_test(tc, warning_exit_1);
  tcase_add_test(tc, syntax_error_exit_3);
  tcase_add_test(tc, bad_option_values);
  add_tree_tests(tc);
  suite_add_tcase(s, tc);
  return suite_run(s, NULL);
}

// check_programs: the dangling-program corpus, built and run.
//
//   check_programs ESCAPE-CC PROGRAM.c
//
// Each program under tests/cc/programs/ has a main, a first line that says
// what AddressSanitizer finds in it as written
//
//   // asan: stack-use-after-return | stack-use-after-scope | none
//
// optional "// cflags: FLAGS" and "// exit: N" lines, and beside it
// PROGRAM.out, what it prints when its locals live forever. For each real
// compiler (gcc, clang) the suite checks three builds:
//   original  the real compiler, -fsanitize=address, run with
//             detect_stack_use_after_return=1: ASan reports the kind the
//             first line names, or, for "none", the program runs clean and
//             prints PROGRAM.out;
//   asan      escape-cc (strict) with the same flags: it runs clean under the
//             same options, prints PROGRAM.out and exits as expected;
//   plain     escape-cc (strict), -O2, no sanitizer: the same output.
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *escape_cc, *program;
static char *expected_out, *asan_kind, *cflags;
static int expected_exit;

static char *line_value(const char *text, const char *key) {
  const char *p = strstr(text, key);
  if (!p)
    return NULL;
  p += strlen(key);
  return xstrndup(p, strcspn(p, "\n"));
}

static void load(void) {
  strbuf src = {0}, out = {0};
  ck_assert_msg(read_file(program, &src), "cannot read %s", program);
  asan_kind = line_value(strbuf_str(&src), "// asan: ");
  ck_assert_msg(asan_kind, "%s: no '// asan:' line", program);
  cflags = line_value(strbuf_str(&src), "// cflags: ");
  char *exit_line = line_value(strbuf_str(&src), "// exit: ");
  expected_exit = exit_line ? atoi(exit_line) : 0;
  free(exit_line);
  strbuf name = {0};
  strbuf_printf(&name, "%.*s.out", (int)strlen(program) - 2, program);
  char *out_path = xstrdup(strbuf_str(&name));
  strbuf_free(&name);
  ck_assert_msg(read_file(out_path, &out), "cannot read %s", out_path);
  expected_out = xstrdup(strbuf_str(&out));
  free(out_path);
  strbuf_free(&src);
  strbuf_free(&out);
}

// env_for builds the environment of a child: ours, with its ASAN_OPTIONS
// and the real compiler named.
static char **env_for(const char *cc, bool program_env) {
  extern char **environ;
  strvec env = {0};
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "ASAN_OPTIONS=", 13) && strncmp(*e, "ESCAPE_REAL_CC=", 15) &&
        strncmp(*e, "ESCAPE_CC_STRICT=", 17))
      strvec_push(&env, *e);
  strbuf b = {0};
  strbuf_printf(&b, "ESCAPE_REAL_CC=%s", cc);
  strvec_push(&env, strbuf_str(&b));
  strvec_push(&env, "ESCAPE_CC_STRICT=1");
  strvec_push(&env, program_env ? "ASAN_OPTIONS=detect_stack_use_after_return=1:"
                                  "detect_leaks=0"
                                : "ASAN_OPTIONS=detect_leaks=0");
  strbuf_free(&b);
  return env.v;
}

static void push_words(strvec *argv, const char *words) {
  if (!words)
    return;
  char *copy = xstrdup(words), *save = NULL;
  for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
    strvec_push(argv, w);
  free(copy);
}

// build compiles the program with driver (a real compiler or escape-cc)
// into exe; it fails the test with the compiler's stderr.
static void build(const char *driver, const char *cc, const char *opt,
                  bool asan, const char *exe) {
  strvec argv = {0};
  strvec_push(&argv, driver);
  strvec_push(&argv, opt);
  strvec_push(&argv, "-g");
  if (asan) {
    strvec_push(&argv, "-fsanitize=address");
    strvec_push(&argv, "-fno-omit-frame-pointer");
  }
  push_words(&argv, cflags);
  strvec_push(&argv, program);
  strvec_push(&argv, "-o");
  strvec_push(&argv, exe);
  char **env = env_for(cc, false);
  spawn_opts o = {.envp = env, .timeout_ms = 120000};
  spawn_result r;
  spawn_run(argv.v, &o, &r);
  char why[128];
  ck_assert_msg(spawn_exited(&r) && r.status == 0,
                "%s %s (%s): build failed: %s\n%s", driver, program, cc,
                spawn_describe(&r, why, sizeof why), strbuf_str(&r.err));
  ck_assert_msg(r.err.len == 0 || strcmp(driver, escape_cc),
                "%s (%s): escape-cc printed on stderr:\n%s", program, cc,
                strbuf_str(&r.err));
  spawn_result_free(&r);
  env_free(env);
  strvec_free(&argv);
}

static void run(const char *exe, spawn_result *r) {
  char *argv[] = {(char *)exe, NULL};
  char **env = env_for("cc", true);
  spawn_opts o = {.envp = env, .timeout_ms = 60000};
  spawn_run(argv, &o, r);
  env_free(env);
}

static void check_clean(const char *what, const char *cc, spawn_result *r) {
  char why[128];
  ck_assert_msg(spawn_exited(r) && r->status == expected_exit,
                "%s, %s build with %s: %s (expected exit %d)\n%s", program,
                what, cc, spawn_describe(r, why, sizeof why), expected_exit,
                strbuf_str(&r->err));
  ck_assert_msg(!strstr(strbuf_str(&r->err), "AddressSanitizer"),
                "%s, %s build with %s: ASan reported:\n%s", program, what, cc,
                strbuf_str(&r->err));
  ck_assert_msg(!strcmp(strbuf_str(&r->out), expected_out),
                "%s, %s build with %s: stdout differs.\n--- got\n%s--- "
                "expected\n%s",
                program, what, cc, strbuf_str(&r->out), expected_out);
}


static void check_compiler(const char *name) {
  load();
  char *cc = find_program(name);
  ck_assert_msg(cc, "%s is not in $PATH", name);
  char *dir = scratch_dir("program");
  char *orig = path_join(dir, "original"), *asan = path_join(dir, "asan"),
       *plain = path_join(dir, "plain");
  spawn_result r;

  build(cc, cc, "-O0", true, orig);
  run(orig, &r);
  if (!strcmp(asan_kind, "none")) {
    check_clean("original", cc, &r);
  } else {
    strbuf want = {0};
    strbuf_printf(&want, "AddressSanitizer: %s", asan_kind);
    ck_assert_msg(strstr(strbuf_str(&r.err), strbuf_str(&want)),
                  "%s as written, built by %s: ASan did not report %s:\n%s",
                  program, cc, asan_kind, strbuf_str(&r.err));
    strbuf_free(&want);
  }
  spawn_result_free(&r);

  build(escape_cc, cc, "-O0", true, asan);
  run(asan, &r);
  check_clean("escape-cc -fsanitize=address", cc, &r);
  spawn_result_free(&r);

  build(escape_cc, cc, "-O2", false, plain);
  run(plain, &r);
  check_clean("escape-cc -O2", cc, &r);
  spawn_result_free(&r);
  free(orig);
  free(asan);
  free(plain);
  free(dir);
  free(cc);
}

START_TEST(with_gcc) { check_compiler("gcc"); }
END_TEST

START_TEST(with_clang) { check_compiler("clang"); }
END_TEST

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: check_programs ESCAPE-CC PROGRAM.c\n");
    return 2;
  }
  escape_cc = argv[1];
  program = argv[2];
  Suite *s = suite_create("programs");
  TCase *gcc = suite_add_test(s, "gcc", with_gcc, 300);
  TCase *clang = suite_add_test(s, "clang", with_clang, 300);
  tcase_add_unchecked_fixture(gcc, scratch_init, scratch_cleanup);
  tcase_add_unchecked_fixture(clang, scratch_init, scratch_cleanup);
  return suite_main(s, 1, argv);
}

// check_driver: escape-cc as a drop-in C compiler, against the real one.
//
//   check_driver ESCAPE-CC [gcc|clang]
//
// To a build system escape-cc is the compiler it wraps (cc/main.c): same
// exit status, same stdout, nothing extra on stderr, the same output files,
// dependency files, __FILE__, debug information and diagnostics that name
// the user's source, never the rewritten copy it compiles instead. Every
// test here runs a command twice, once with the real compiler and once
// with escape-cc standing in for it, in two copies of one scratch tree
// (real/ and escape/), and compares what a build system would see: status,
// stdout, stderr, the list of files left behind (so a temporary left over
// or an output named differently shows), and the contents of the files
// that must not differ. The sources hold a local whose address escapes
// (keep's x below), so that escape-cc really rewrites them; the tests check
// that it did (-m reports "moved to heap", or the program's output, or the
// object calls the runtime), since a unit compiled as written would pass
// every comparison trivially.
//
// Each test runs once per real compiler: the test cases "gcc" and "clang"
// hold the same tests, ESCAPE_REAL_CC naming that compiler and
// ESCAPE_CC_STRICT=1 making any fallback of escape-cc's an error.
//
//   deps_files     -MD, -MMD, -MF, -MT, -MQ, -MP, -Wp,-MMD: the .d files are
//                  the real ones, byte for byte (a loop test: one case each)
//   passthrough_*  -E, -M, queries, -v, assembly, C++, stdin: handed on
//                  unchanged; verbose_compile_rewrites: -v -c still rewrites
//   outputs_*      -c/-S/link without -o, several sources and inputs,
//                  -save-temps, @file, -x c
//   diag_*         errors, warnings, __FILE__/__LINE__, DW_AT_name, the
//                  object's names, temporaries removed or kept
//   unwritable_source_dir   the $TMPDIR fallback (as nobody when root)
//   quiet_*        nothing on stderr; -m prints exactly the analyzer's lines
//   shared_library, configure, make_parallel, ccache
//
// The configure test needs autoconf, the ccache test ccache
// (scripts/setup.sh test installs both); the C++ test is skipped without
// g++ or clang++.
#define _GNU_SOURCE
#include "harness.h"

#include <check.h>
#include <dirent.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DRIVER_CONFIGURE_DIR
#define DRIVER_CONFIGURE_DIR "tests/cc/driver_configure"
#endif

extern char **environ;

static const char *escape_cc; // the driver under test (absolute path)
static const char *real;      // the real compiler of this test case
static char **env;            // the environment of every command run

// ---------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------

// a.c's keep returns the address of its local x (through a static, so that
// no compiler warns): escape-cc moves x to heap, src/a.c:2:24.
static const char a_h[] = "#include <stdio.h>\n"
                          "int *keep(int v);\n";
static const char a_c[] = "#include \"a.h\"\n"
                          "int *keep(int v) { int x = v; static int *p; "
                          "p = &x; return p; }\n";
// b.c's main prints what two calls of keep returned: "1 2" when each x
// lives on in the heap.
static const char b_c[] = "#include \"a.h\"\n"
                          "int main(void) {\n"
                          "  int *a = keep(1);\n"
                          "  int *b = keep(2);\n"
                          "  printf(\"%d %d\\n\", *a, *b);\n"
                          "  return 0;\n"
                          "}\n";
// p.c is a.c and b.c in one unit, with no quoted include.
static const char p_c[] = "#include <stdio.h>\n"
                          "int *keep(int v) { int x = v; static int *p; "
                          "p = &x; return p; }\n"
                          "int main(void) {\n"
                          "  int *a = keep(1);\n"
                          "  int *b = keep(2);\n"
                          "  printf(\"%d %d\\n\", *a, *b);\n"
                          "  return 0;\n"
                          "}\n";
static const char p_out[] = "1 2\n";

// An assembly source.
static const char f_s[] = "\t.text\n\t.globl f\nf:\n\tret\n"
                          "\t.section .note.GNU-stack,\"\",@progbits\n";

typedef struct {
  const char *path, *text;
} file;

// The tree most tests start from: sources in src/, with a header beside
// them, and output directories both at the top and in src/ (the tests run
// from either).
static const file tree_files[] = {
    {"src/a.c", a_c},        {"src/a.h", a_h},        {"src/b.c", b_c},
    {"src/p.c", p_c},        {"src/f.s", f_s},        {"obj/.keep", ""},
    {"deps/.keep", ""},      {"src/obj/.keep", ""},   {"src/deps/.keep", ""},
    {"src/my dir/a.c", a_c}, {"src/my dir/a.h", a_h}, {NULL, NULL}};

// ---------------------------------------------------------------------------
// Running commands
// ---------------------------------------------------------------------------

// use sets up a test case for the real compiler cc: a checked fixture, so
// it runs in the test's own process.
static void use(const char *cc) {
  real = cc;
  strvec e = {0};
  for (char **p = environ; *p; p++)
    if (strncmp(*p, "ESCAPE_CC_STRICT=", 17) &&
        strncmp(*p, "ESCAPE_REAL_CC=", 15) && strncmp(*p, "ASAN_OPTIONS=", 13))
      strvec_push(&e, *p);
  strbuf b = {0};
  strbuf_printf(&b, "ESCAPE_REAL_CC=%s", cc);
  strvec_push(&e, b.s);
  strbuf_free(&b);
  strvec_push(&e, "ESCAPE_CC_STRICT=1");
  // escape-cc is instrumented in the test build: its reports still stop it
  // with status 99, but what it keeps at exit is not what is tested here.
  const char *asan = getenv("ASAN_OPTIONS");
  strbuf_printf(&b, "ASAN_OPTIONS=%s%sdetect_leaks=0", asan ? asan : "",
                asan && *asan ? ":" : "");
  strvec_push(&e, b.s);
  strbuf_free(&b);
  env = e.v;
}
static void use_gcc(void) { use("gcc"); }
static void use_clang(void) { use("clang"); }

// env_plus is env with the assignments in extra (NULL-terminated) added.
static char **env_plus(const char *const *extra) {
  strvec e = {0};
  for (char **p = env; *p; p++)
    strvec_push(&e, *p);
  for (size_t i = 0; extra[i]; i++)
    strvec_push(&e, extra[i]);
  return e.v;
}

// in_path reports whether command is found in $PATH.
static bool in_path(const char *command) {
  const char *path = getenv("PATH");
  char *copy = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL;
  bool found = false;
  for (char *d = strtok_r(copy, ":", &save); d && !found;
       d = strtok_r(NULL, ":", &save)) {
    char *p = path_join(d, command);
    found = access(p, X_OK) == 0;
    free(p);
  }
  free(copy);
  return found;
}

// run_argv runs argv in dir through the shell's exec, so that argv[0] is
// found in $PATH and passed as written (gcc prints it back: --version,
// COLLECT_GCC), with standard input from the file in when given.
static spawn_result run_argv(const char *dir, const char *in, char **envp,
                             int timeout_s, char *const *argv) {
  strvec v = {0};
  strvec_push(&v, "/bin/sh");
  strvec_push(&v, "-c");
  strvec_push(&v, in ? "f=$1; shift; exec \"$@\" <\"$f\"" : "exec \"$@\"");
  strvec_push(&v, "sh");
  if (in)
    strvec_push(&v, in);
  for (size_t i = 0; argv[i]; i++)
    strvec_push(&v, argv[i]);
  spawn_opts o = {
      .cwd = dir, .envp = envp ? envp : env, .timeout_ms = timeout_s * 1000};
  spawn_result r;
  spawn_run(v.v, &o, &r);
  strvec_free(&v);
  return r;
}

// run runs the command that follows, up to a NULL, in dir.
static spawn_result run(const char *dir, ...) {
  strvec argv = {0};
  va_list ap;
  va_start(ap, dir);
  for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
    strvec_push(&argv, a);
  va_end(ap);
  spawn_result r = run_argv(dir, NULL, NULL, 300, argv.v);
  strvec_free(&argv);
  return r;
}

typedef enum { REAL, ESCAPE } side;
static const char *const side_dir[] = {"real", "escape"};

// compiler is the command of a side: the real compiler's name, or escape-cc.
static const char *compiler(side s) { return s == REAL ? real : escape_cc; }

static const char *const *as_user; // a prefix that runs a command as nobody

// cc runs a side's compiler in dir with args (NULL-terminated), standard
// input from in if not NULL (as nobody while as_user is set).
static spawn_result cc(const char *dir, side s, const char *in,
                       const char *const *args) {
  strvec argv = {0};
  for (size_t i = 0; as_user && as_user[i]; i++)
    strvec_push(&argv, as_user[i]);
  strvec_push(&argv, compiler(s));
  for (size_t i = 0; args[i]; i++)
    strvec_push(&argv, args[i]);
  spawn_result r = run_argv(dir, in, NULL, 120, argv.v);
  strvec_free(&argv);
  return r;
}

// ccl is cc with the arguments given inline.
static spawn_result ccl(const char *dir, side s, ...) {
  strvec argv = {0};
  va_list ap;
  va_start(ap, s);
  for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
    strvec_push(&argv, a);
  va_end(ap);
  spawn_result r = cc(dir, s, NULL, (const char *const *)argv.v);
  strvec_free(&argv);
  return r;
}

// command renders args as one line for messages.
static char *command(const char *const *args) {
  strbuf b = {0};
  strbuf_puts(&b, "escape-cc");
  for (size_t i = 0; args[i]; i++)
    strbuf_printf(&b, strpbrk(args[i], " $'\"") ? " '%s'" : " %s", args[i]);
  return b.s;
}

// show renders what a child did, for a failure message (a static buffer
// per slot, so that two can appear in one message).
static const char *show(const spawn_result *r, int slot) {
  static strbuf b[2];
  char how[128];
  strbuf_free(&b[slot]);
  strbuf_printf(&b[slot], "%s\n    stdout: \"%s\"\n    stderr: \"%s\"",
                spawn_describe(r, how, sizeof how), strbuf_str(&r->out),
                strbuf_str(&r->err));
  clip(&b[slot], SUITE_MAX_MESSAGE / 3);
  return strbuf_str(&b[slot]);
}

// ok asserts that r exited 0 with nothing on stderr.
static void ok(const char *what, const spawn_result *r) {
  ck_assert_msg(spawn_exited(r) && r->status == 0 && r->err.len == 0,
                "[%s] %s: want status 0 and an empty stderr; got %s", real,
                what, show(r, 0));
}

// same_run asserts that escape-cc's run e did what the real compiler's r
// did: status, stdout and (when err) stderr identical.
static void same_run(const char *what, const spawn_result *r,
                     const spawn_result *e, bool err) {
  ck_assert_msg(spawn_exited(r), "[%s] %s: the real compiler: %s", real, what,
                show(r, 0));
  ck_assert_msg(
      spawn_exited(e) && e->status == r->status &&
          strcmp(strbuf_str(&e->out), strbuf_str(&r->out)) == 0 &&
          (!err || strcmp(strbuf_str(&e->err), strbuf_str(&r->err)) == 0),
      "[%s] %s: escape-cc differs from the real compiler\n"
      "  real:      %s\n  escape-cc: %s",
      real, what, show(r, 0), show(e, 1));
}

// matches reports whether the extended regexp re matches s.
static bool matches(const char *re, const char *s) {
  regex_t rx;
  ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE), 0);
  bool ok = regexec(&rx, s, 0, NULL, 0) == 0;
  regfree(&rx);
  return ok;
}

// ---------------------------------------------------------------------------
// Trees
// ---------------------------------------------------------------------------

static void write_files(const char *dir, const file *files) {
  for (size_t i = 0; files[i].path; i++) {
    char *p = path_join(dir, files[i].path);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    make_dirs(p);
    *slash = '/';
    write_text(p, files[i].text);
    free(p);
  }
}

// twins is a scratch directory holding two copies of one tree: dir[REAL]
// where the real compiler runs, dir[ESCAPE] where escape-cc does.
typedef struct {
  char *root, *dir[2];
} twins;

static twins twin(const char *prefix, const file *files) {
  twins t;
  t.root = scratch_dir(prefix);
  for (int s = 0; s < 2; s++) {
    t.dir[s] = path_join(t.root, side_dir[s]);
    make_dirs(t.dir[s]);
    write_files(t.dir[s], files);
  }
  return t;
}

static void twins_free(twins *t) {
  free(t->root);
  free(t->dir[0]);
  free(t->dir[1]);
}

// sub is dir/rel, or dir when rel is NULL.
static char *sub(const char *dir, const char *rel) {
  return rel ? path_join(dir, rel) : xstrdup(dir);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *dir, const char *rel, strvec *out) {
  char *path = rel ? path_join(dir, rel) : xstrdup(dir);
  DIR *d = opendir(path);
  ck_assert_msg(d != NULL, "opendir %s", path);
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    char *r = rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
    char *full = path_join(dir, r);
    struct stat st;
    if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
      strbuf b = {0};
      strbuf_printf(&b, "%s/", r);
      strvec_push(out, b.s);
      strbuf_free(&b);
      walk(dir, r, out);
    } else {
      strvec_push(out, r);
    }
    free(full);
    free(r);
  }
  closedir(d);
  free(path);
}

// listing is every path under dir, hidden ones included, one a line, in
// order, directories with a trailing slash.
static char *listing(const char *dir) {
  strvec v = {0};
  walk(dir, NULL, &v);
  if (v.n)
    qsort(v.v, v.n, sizeof *v.v, by_name);
  strbuf b = {0};
  strbuf_puts(&b, "");
  for (size_t i = 0; i < v.n; i++)
    strbuf_printf(&b, "%s\n", v.v[i]);
  strvec_free(&v);
  return b.s;
}

// same_tree asserts that both copies now hold the same files.
static void same_tree(const char *what, const twins *t) {
  char *r = listing(t->dir[REAL]), *e = listing(t->dir[ESCAPE]);
  ck_assert_msg(strcmp(r, e) == 0,
                "[%s] %s: the files left differ\n  real:\n%s  escape-cc:\n%s",
                real, what, r, e);
  free(r);
  free(e);
}

// no_temporaries asserts that nothing under dir is named like escape-cc's
// rewritten units.
static void no_temporaries(const char *what, const char *dir) {
  char *l = listing(dir);
  ck_assert_msg(strstr(l, ".escape-cc") == NULL,
                "[%s] %s: a rewritten unit was left behind:\n%s", real, what,
                l);
  free(l);
}

static char *slurp(const char *path) {
  strbuf b = {0};
  ck_assert_msg(read_file(path, &b), "[%s] cannot read %s", real, path);
  strbuf_puts(&b, "");
  return b.s;
}

// slurp_bin reads a file that may hold NUL bytes.
static strbuf slurp_bin(const char *path) {
  strbuf b = {0};
  ck_assert_msg(read_file(path, &b), "[%s] cannot read %s", real, path);
  strbuf_puts(&b, "");
  return b;
}

// contains reports whether the n bytes at s contain needle.
static bool contains(const strbuf *b, const char *needle) {
  return b->len > 0 && memmem(b->s, b->len, needle, strlen(needle)) != NULL;
}

// same_file asserts that rel is byte-identical in both copies.
static void same_file(const char *what, const twins *t, const char *rel) {
  char *rp = path_join(t->dir[REAL], rel), *ep = path_join(t->dir[ESCAPE], rel);
  strbuf r = slurp_bin(rp), e = slurp_bin(ep);
  bool same = r.len == e.len && memcmp(r.s, e.s, r.len) == 0;
  if (!same && !memchr(r.s, 0, r.len) && !memchr(e.s, 0, e.len)) {
    clip(&r, SUITE_MAX_MESSAGE / 3);
    clip(&e, SUITE_MAX_MESSAGE / 3);
    ck_abort_msg("[%s] %s: %s differs\n--- real\n%s--- escape-cc\n%s", real,
                 what, rel, r.s, e.s);
  }
  ck_assert_msg(same, "[%s] %s: %s differs (%zu bytes, escape-cc's %zu)", real,
                what, rel, r.len, e.len);
  strbuf_free(&r);
  strbuf_free(&e);
  free(rp);
  free(ep);
}

// same_files_ending compares every file of the real copy whose name ends
// with one of the suffixes (NULL-terminated); it returns how many.
static int same_files_ending(const char *what, const twins *t,
                             const char *const *suffixes) {
  char *l = listing(t->dir[REAL]);
  int n = 0;
  for (char *line = l, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
    *nl = '\0';
    size_t len = strlen(line);
    for (size_t i = 0; suffixes[i]; i++) {
      size_t sl = strlen(suffixes[i]);
      if (len > sl && !strcmp(line + len - sl, suffixes[i])) {
        same_file(what, t, line);
        n++;
        break;
      }
    }
  }
  free(l);
  return n;
}

// rewritten asserts that the object or assembly at path calls the runtime's
// allocator, as a unit with a moved local does once rewritten.
static void rewritten(const char *what, const char *path) {
  strbuf b = slurp_bin(path);
  ck_assert_msg(contains(&b, "escrt_new"),
                "[%s] %s: %s does not call escrt_new: the unit was not "
                "rewritten",
                real, what, path);
  strbuf_free(&b);
}

// expect_moved asserts that escape-cc -m reports line (PATH:L:C: moved to
// heap: x) for source, compiled in dir: the rewrite happens.
static void expect_moved(const char *dir, const char *source,
                         const char *line) {
  spawn_result r =
      ccl(dir, ESCAPE, "-m", "-S", source, "-o", "/dev/null", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 0 &&
                    strstr(strbuf_str(&r.err), line) != NULL,
                "[%s] escape-cc -m -S %s: want \"%s\" on stderr; got %s", real,
                source, line, show(&r, 0));
  spawn_result_free(&r);
}

// run_program runs ./name in dir and asserts what it prints.
static void run_program(const char *what, const char *dir, const char *name,
                        const char *want) {
  char *exe = path_join(dir, name);
  char *argv[] = {exe, NULL};
  spawn_opts o = {.cwd = dir, .envp = env, .timeout_ms = 60000};
  spawn_result r;
  spawn_run(argv, &o, &r);
  ck_assert_msg(spawn_exited(&r) && r.status == 0 &&
                    !strcmp(strbuf_str(&r.out), want),
                "[%s] %s: ./%s: want status 0 and \"%s\"; got %s", real, what,
                name, want, show(&r, 0));
  spawn_result_free(&r);
  free(exe);
}

// Argument templates: %A, %B, %P, %S and %M stand for a.c, b.c, p.c, f.s
// and "my dir/a.c", with the directory prefix src/ when the command runs from
// the top of the tree, or without when it runs in src/.
static strvec expand(const char *const *tmpl, bool prefixed) {
  strvec v = {0};
  for (size_t i = 0; tmpl[i]; i++) {
    const char *a = tmpl[i];
    if (a[0] == '%' && a[1] && !a[2]) {
      const char *name = a[1] == 'A'   ? "a.c"
                         : a[1] == 'B' ? "b.c"
                         : a[1] == 'S' ? "f.s"
                         : a[1] == 'M' ? "my dir/a.c"
                                       : "p.c";
      strbuf b = {0};
      strbuf_printf(&b, "%s%s", prefixed ? "src/" : "", name);
      strvec_push(&v, b.s);
      strbuf_free(&b);
    } else {
      strvec_push(&v, a);
    }
  }
  return v;
}

// twice runs args with both compilers (from the top of the tree or from
// src/, in a fresh pair of trees), asserts the same status, stdout and
// stderr (unless !err), the same files left behind, and the same contents
// for the files ending with one of the suffixes. The pair is returned for
// more checks.
static twins twice(const char *const *tmpl, bool prefixed, bool err,
                   const char *const *suffixes, const char *in) {
  twins t = twin("twice", tree_files);
  strvec args = expand(tmpl, prefixed);
  char *what = command((const char *const *)args.v);
  if (!prefixed) {
    char *w = xstrdup(what);
    free(what);
    strbuf b = {0};
    strbuf_printf(&b, "(in src/) %s", w);
    what = b.s;
    free(w);
  }
  spawn_result r[2];
  for (int s = 0; s < 2; s++) {
    char *dir = sub(t.dir[s], prefixed ? NULL : "src");
    r[s] = cc(dir, (side)s, in, (const char *const *)args.v);
    free(dir);
  }
  same_run(what, &r[REAL], &r[ESCAPE], err);
  same_tree(what, &t);
  if (suffixes)
    same_files_ending(what, &t, suffixes);
  spawn_result_free(&r[0]);
  spawn_result_free(&r[1]);
  strvec_free(&args);
  free(what);
  return t;
}

// ---------------------------------------------------------------------------
// 1. Dependency files
// ---------------------------------------------------------------------------

// Every combination of the dependency options a build system uses; the .d
// files escape-cc leaves must be the real compiler's, byte for byte.
static const char *const dep_cases[][16] = {
    {"-c", "-MD", "%A", NULL},
    {"-c", "-MMD", "%A", "-o", "obj/a.o", NULL},
    {"-c", "-MD", "-MF", "deps/a.dep", "%A", "-o", "obj/a.o", NULL},
    {"-c", "-MMD", "-MT", "my target", "%A", NULL},
    {"-c", "-MD", "-MQ", "$(OBJ)/a.o", "-MP", "%A", "-o", "a.o", NULL},
    {"-c", "-MMD", "-MP", "-MFdeps/joined.d", "-MT", "t1", "-MQ", "t2", "%A",
     NULL},
    {"-c", "-MD", "-MP", "%A", "%B", NULL},
    {"-S", "-MMD", "%A", NULL},
    {"-MMD", "%A", "%B", "-o", "prog", NULL},
    // A source whose path has a space: make's escape, "my\\ dir/a.c".
    {"-c", "-MMD", "%M", "-o", "obj/m.o", NULL},
    // Through the preprocessor's own option, as Kbuild writes it.
    {"-c", "-Wp,-MMD,deps/wp.d", "%A", "-o", "obj/a.o", NULL},
};

static const char *const dep_suffixes[] = {".d", ".dep", NULL};

enum { NDEPS = sizeof dep_cases / sizeof *dep_cases };

// deps_files runs dep_cases[_i / 2], from the top of the tree (src/a.c) for
// an even _i, from src/ (a.c) for an odd one.
START_TEST(deps_files) {
  if (_i == 0) {
    char *top = scratch_dir("moved");
    write_files(top, tree_files);
    expect_moved(top, "src/a.c", "src/a.c:2:24: moved to heap: x\n");
    free(top);
  }
  twins t = twice(dep_cases[_i / 2], _i % 2 == 0, true, dep_suffixes, NULL);
  // The real compiler wrote some dependency file (same_files_ending
  // compared them all with escape-cc's).
  char *l = listing(t.dir[REAL]);
  ck_assert_msg(strstr(l, ".d\n") || strstr(l, ".dep\n"),
                "case %d: no dependency file written:\n%s", _i, l);
  free(l);
  twins_free(&t);
}
END_TEST

// ---------------------------------------------------------------------------
// 2. Passed through unchanged
// ---------------------------------------------------------------------------

// An assembly source that needs the preprocessor.
static const char g_S[] = "#define RET ret\n\t.text\n\t.globl g\ng:\n\tRET\n"
                          "\t.section .note.GNU-stack,\"\",@progbits\n";
// Valid C++ (and C) whose x would move in C.
static const char k_cc[] = "int *keep(int v) { int x = v; static int *p; "
                           "p = &x; return p; }\n";

static const char *const same_suffixes[] = {".o", ".s", ".i", NULL};

static void passthrough(const char *const *tmpl) {
  twins t = twice(tmpl, true, true, same_suffixes, NULL);
  twins_free(&t);
}

START_TEST(passthrough_preprocess) {
  static const char *const cases[][12] = {
      {"-E", "%A", NULL},
      {"-E", "-dM", "%A", NULL},
      {"-M", "%A", NULL},
      {"-MM", "%A", NULL},
      {"-MM", "-MP", "-MT", "t", "%B", NULL},
      {"-fsyntax-only", "-Wall", "%A", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    passthrough(cases[i]);
    twins t = twice(cases[i], false, true, same_suffixes, NULL);
    twins_free(&t);
  }
}
END_TEST

// Queries write no file, and some print the working directory (clang -###
// does): both compilers run in one directory.
START_TEST(passthrough_queries) {
  static const char *const cases[][12] = {
      {"--version", NULL},
      {"-v", NULL},
      {"-dumpmachine", NULL},
      {"-dumpversion", NULL},
      {"-print-search-dirs", NULL},
      {"-print-file-name=libc.so", NULL},
      {"-print-prog-name=ld", NULL},
      // -S, not -c: gcc -### names the assembler's input with a random
      // temporary, which differs between two runs of gcc itself.
      {"-###", "-S", "%A", "-o", "a.s", NULL},
  };
  char *top = scratch_dir("queries");
  write_files(top, tree_files);
  char *before = listing(top);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    strvec args = expand(cases[i], true);
    char *what = command((const char *const *)args.v);
    spawn_result r = cc(top, REAL, NULL, (const char *const *)args.v);
    spawn_result e = cc(top, ESCAPE, NULL, (const char *const *)args.v);
    same_run(what, &r, &e, true);
    char *after = listing(top);
    ck_assert_msg(!strcmp(before, after), "[%s] %s: files were written:\n%s",
                  real, what, after);
    free(after);
    spawn_result_free(&r);
    spawn_result_free(&e);
    free(what);
    strvec_free(&args);
  }
  free(before);
  free(top);
}
END_TEST

// A compile with -v: the commands on stderr name the compiler's own
// temporaries, so only the status, stdout and the files left compare.
START_TEST(passthrough_verbose_compile) {
  static const char *const args[] = {"-v", "-c", "%A", "-o", "obj/a.o", NULL};
  twins t = twice(args, true, false, NULL, NULL);
  twins_free(&t);
}
END_TEST

// -v asks the compiler to show its commands; it still compiles, and
// escape-cc's compile is still the rewritten unit's: a build with CFLAGS=-v
// must not get different code.
START_TEST(verbose_compile_rewrites) {
  char *top = scratch_dir("verbose");
  write_files(top, tree_files);
  spawn_result r =
      ccl(top, ESCAPE, "-v", "-c", "src/a.c", "-o", "obj/a.o", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 0, "[%s] escape-cc -v -c: %s",
                real, show(&r, 0));
  spawn_result_free(&r);
  char *obj = path_join(top, "obj/a.o");
  rewritten("escape-cc -v -c src/a.c -o obj/a.o", obj);
  free(obj);
  free(top);
}
END_TEST

START_TEST(passthrough_assembly) {
  static const file asm_files[] = {{"f.s", f_s}, {"g.S", g_S}, {NULL, NULL}};
  static const char *const cases[][12] = {
      {"-c", "f.s", "-o", "f.o", NULL},
      {"-c", "g.S", NULL},
      {"-c", "f.s", "g.S", NULL},
      {"-E", "g.S", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    twins t = twin("asm", asm_files);
    char *what = command(cases[i]);
    spawn_result r = cc(t.dir[REAL], REAL, NULL, cases[i]);
    spawn_result e = cc(t.dir[ESCAPE], ESCAPE, NULL, cases[i]);
    same_run(what, &r, &e, true);
    same_tree(what, &t);
    same_files_ending(what, &t, same_suffixes);
    spawn_result_free(&r);
    spawn_result_free(&e);
    free(what);
    twins_free(&t);
  }
}
END_TEST

// C++ goes to the real compiler as it is: the objects are identical (were
// keep rewritten, it would call escrt_new).
START_TEST(passthrough_cplusplus) {
  if (!in_path(strcmp(real, "gcc") ? "clang++" : "g++"))
    return; // no C++ compiler beside this one: nothing to compare
  static const file cc_files[] = {{"k.cc", k_cc}, {"k.c", k_cc}, {NULL, NULL}};
  static const char *const cases[][12] = {
      {"-c", "k.cc", NULL},
      {"-x", "c++", "-c", "k.c", "-o", "k.o", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    twins t = twin("cxx", cc_files);
    char *what = command(cases[i]);
    spawn_result r = cc(t.dir[REAL], REAL, NULL, cases[i]);
    spawn_result e = cc(t.dir[ESCAPE], ESCAPE, NULL, cases[i]);
    same_run(what, &r, &e, true);
    same_tree(what, &t);
    ck_assert_int_eq(same_files_ending(what, &t, same_suffixes), 1);
    spawn_result_free(&r);
    spawn_result_free(&e);
    free(what);
    twins_free(&t);
  }
}
END_TEST

// -x c - compiles standard input: escape-cc hands it on.
START_TEST(passthrough_stdin) {
  static const char *const cases[][12] = {
      {"-x", "c", "-c", "-", "-o", "stdin.o", NULL},
      {"-x", "c", "-E", "-", NULL},
      {"-x", "c", "-S", "-", "-o", "-", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    twins t = twin("stdin", tree_files);
    char *what = command(cases[i]);
    spawn_result r[2];
    for (int s = 0; s < 2; s++) {
      char *in = path_join(t.dir[s], "src/p.c");
      r[s] = cc(t.dir[s], (side)s, in, cases[i]);
      free(in);
    }
    same_run(what, &r[REAL], &r[ESCAPE], true);
    same_tree(what, &t);
    same_files_ending(what, &t, same_suffixes);
    spawn_result_free(&r[0]);
    spawn_result_free(&r[1]);
    free(what);
    twins_free(&t);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// 3. Output files
// ---------------------------------------------------------------------------

// Commands and the outputs of escape-cc's that hold a rewritten unit.
static const struct {
  const char *args[12];
  const char *rewritten[4];
} output_cases[] = {
    {{"-c", "%A"}, {"a.o"}},
    {{"-c", "%A", "-o", "obj/x.o"}, {"obj/x.o"}},
    {{"-c", "-o", "obj/x.o", "%A"}, {"obj/x.o"}},
    {{"-S", "%A"}, {"a.s"}},
    {{"-S", "%A", "-o", "obj/a.asm"}, {"obj/a.asm"}},
    {{"-c", "-save-temps=obj", "%A", "-o", "obj/t.o"}, {"obj/t.o"}},
    {{"-c", "-save-temps", "%A"}, {"a.o"}},
    // Several sources: a.c moves x, b.c moves nothing.
    {{"-c", "%A", "%B"}, {"a.o"}},
    {{"-c", "%B", "%A", "%P"}, {"a.o", "p.o"}},
    {{"-S", "%A", "%B"}, {"a.s"}},
    // A C source with an input of another kind, in one command.
    {{"-c", "%A", "%S"}, {"a.o"}},
    {{"-c", "%S", "%A", "%B"}, {"a.o"}},
    // -o with several outputs is an error of the real compiler's.
    {{"-c", "%A", "%B", "-o", "obj/x.o"}, {NULL}},
    {{"-S", "%A", "%P", "-o", "obj/x.s"}, {NULL}},
};
enum { NOUTPUTS = sizeof output_cases / sizeof *output_cases };

// outputs_files runs output_cases[_i / 2] from the top of the tree (even
// _i) or from src/ (odd), and checks that the outputs named were
// rewritten.
START_TEST(outputs_files) {
  bool prefixed = _i % 2 == 0;
  const char *const *tmpl = output_cases[_i / 2].args;
  twins t = twice(tmpl, prefixed, true, NULL, NULL);
  char *dir = sub(t.dir[ESCAPE], prefixed ? NULL : "src");
  const char *const *outs = output_cases[_i / 2].rewritten;
  for (size_t i = 0; outs[i]; i++) {
    char *p = path_join(dir, outs[i]);
    strvec args = expand(tmpl, prefixed);
    char *what = command((const char *const *)args.v);
    rewritten(what, p);
    free(what);
    strvec_free(&args);
    free(p);
  }
  free(dir);
  twins_free(&t);
}
END_TEST

START_TEST(outputs_link) {
  for (int prefixed = 1; prefixed >= 0; prefixed--) {
    static const char *const one[] = {"%P", NULL};
    twins t = twice(one, prefixed, true, NULL, NULL);
    char *dir = sub(t.dir[ESCAPE], prefixed ? NULL : "src");
    run_program("escape-cc p.c", dir, "a.out", p_out);
    free(dir);
    twins_free(&t);

    static const char *const two[] = {"%A", "%B", "-o", "prog", NULL};
    t = twice(two, prefixed, true, NULL, NULL);
    dir = sub(t.dir[ESCAPE], prefixed ? NULL : "src");
    run_program("escape-cc a.c b.c -o prog", dir, "prog", p_out);
    free(dir);
    twins_free(&t);

    // Objects and sources mixed.
    static const char *const obj[] = {"-c", "%B", NULL};
    t = twice(obj, prefixed, true, NULL, NULL);
    static const char *const mixed[] = {"b.o", "%A", "-o", "prog", NULL};
    strvec args = expand(mixed, prefixed);
    spawn_result r[2];
    char *dirs[2];
    for (int s = 0; s < 2; s++) {
      dirs[s] = sub(t.dir[s], prefixed ? NULL : "src");
      r[s] = cc(dirs[s], (side)s, NULL, (const char *const *)args.v);
    }
    same_run("escape-cc b.o a.c -o prog", &r[REAL], &r[ESCAPE], true);
    same_tree("escape-cc b.o a.c -o prog", &t);
    run_program("escape-cc b.o a.c -o prog", dirs[ESCAPE], "prog", p_out);
    free(dirs[0]);
    free(dirs[1]);
    spawn_result_free(&r[0]);
    spawn_result_free(&r[1]);
    strvec_free(&args);
    twins_free(&t);
  }
}
END_TEST

// @file: escape-cc reads response files as GCC does (quotes, escapes,
// nested @file), here with a source in a directory whose name has a space.
START_TEST(outputs_response_file) {
  static const file files[] = {
      {"my src/a.c", a_c},
      {"my src/a.h", a_h},
      {"my src/b.c", b_c},
      {"out dir/.keep", ""},
      {"args.rsp", "-c \"my src/a.c\" -o 'out dir/a b.o'\n"
                   "-DGREETING=\\\"hi\\\" @more.rsp\n"},
      {"more.rsp", "-Wall -g\n"},
      {"link.rsp", "'my src/a.c' \"my src/b.c\"\n-o \"out dir/prog\"\n"},
      {NULL, NULL}};
  twins t = twin("rsp", files);
  spawn_result r[2];
  for (int s = 0; s < 2; s++)
    r[s] = ccl(t.dir[s], (side)s, "@args.rsp", NULL);
  same_run("escape-cc @args.rsp", &r[REAL], &r[ESCAPE], true);
  same_tree("escape-cc @args.rsp", &t);
  char *obj = path_join(t.dir[ESCAPE], "out dir/a b.o");
  rewritten("escape-cc @args.rsp", obj);
  free(obj);
  spawn_result_free(&r[0]);
  spawn_result_free(&r[1]);

  for (int s = 0; s < 2; s++)
    r[s] = ccl(t.dir[s], (side)s, "@link.rsp", NULL);
  same_run("escape-cc @link.rsp", &r[REAL], &r[ESCAPE], true);
  same_tree("escape-cc @link.rsp", &t);
  char *dir = path_join(t.dir[ESCAPE], "out dir");
  run_program("escape-cc @link.rsp", dir, "prog", p_out);
  free(dir);
  spawn_result_free(&r[0]);
  spawn_result_free(&r[1]);
  twins_free(&t);
}
END_TEST

// -x c makes a C source of a file with another suffix.
START_TEST(outputs_x_c) {
  static const file files[] = {
      {"k.txt", a_c}, {"a.h", a_h}, {"b.c", b_c}, {NULL, NULL}};
  static const char *const cases[][12] = {
      {"-x", "c", "-c", "k.txt", NULL},
      {"-x", "c", "-S", "k.txt", NULL},
      {"-x", "c", "-c", "k.txt", "-o", "k.obj", NULL},
      {"-x", "c", "k.txt", "-x", "none", "b.c", "-o", "prog", NULL},
  };
  static const char *const outs[] = {"k.o", "k.s", "k.obj", NULL};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    twins t = twin("x-c", files);
    char *what = command(cases[i]);
    spawn_result r = cc(t.dir[REAL], REAL, NULL, cases[i]);
    spawn_result e = cc(t.dir[ESCAPE], ESCAPE, NULL, cases[i]);
    same_run(what, &r, &e, true);
    same_tree(what, &t);
    if (outs[i]) {
      char *p = path_join(t.dir[ESCAPE], outs[i]);
      rewritten(what, p);
      free(p);
    } else {
      run_program(what, t.dir[ESCAPE], "prog", p_out);
    }
    spawn_result_free(&r);
    spawn_result_free(&e);
    free(what);
    twins_free(&t);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// 4. Diagnostics and names
// ---------------------------------------------------------------------------

// Units that do not compile, each with a local that would move.
static const char bad_syntax[] = "int *keep(int v) { int x = v; static int *p; "
                                 "p = &x; return p }\n";
static const char bad_semantic[] = "int *keep(int v) { int x = v; static int "
                                   "*p; p = &x; return p; }\n"
                                   "int g(void) { return undeclared; }\n";
static const char bad_type[] = "struct s { int a; };\n"
                               "int *keep(int v) { int x = v; static int *p; "
                               "p = &x; return p; }\n"
                               "int g(struct s *q) { return q->b; }\n";

static const char undefined_call[] = "int missing(int);\n"
                                     "int *keep(int v) { int x = missing(v); "
                                     "static int *p; p = &x; return p; }\n"
                                     "int main(void) { return *keep(1); }\n";

static const file bad_files[] = {{"src/syntax.c", bad_syntax},
                                 {"src/semantic.c", bad_semantic},
                                 {"src/type.c", bad_type},
                                 {"src/undef.c", undefined_call},
                                 {"src/a.c", a_c},
                                 {"src/a.h", a_h},
                                 {NULL, NULL}};

static const char *const bad_cases[][12] = {
    {"-c", "src/syntax.c"},
    {"-c", "src/semantic.c", "-o", "x.o"},
    {"-Wall", "-c", "src/type.c"},
    {"-c", "src/a.c", "src/type.c"},
    {"src/syntax.c", "-o", "prog"},
    // Compiles, does not link.
    {"src/undef.c", "-o", "prog"},
    {"src/a.c", "nosuch.o", "-o", "prog"},
    // Inputs that are not there.
    {"-c", "src/nosuch.c"},
    {"src/nosuch.c", "-o", "prog"},
};
enum { NBAD = sizeof bad_cases / sizeof *bad_cases };

// link_noise normalizes what differs between two runs of the same failed
// link: the compiler's temporary objects (/tmp/ccXXXXXX.o, /tmp/a-1a2b3c.o)
// and, since escape-cc's code differs, offsets in the text (+0x1f).
static void link_noise(strbuf *b) {
  regex_t rx;
  ck_assert_int_eq(regcomp(&rx, "/tmp/[^ :]*\\.o|\\+0x[0-9a-f]+", REG_EXTENDED),
                   0);
  strbuf out = {0};
  strbuf_puts(&out, "");
  regmatch_t m;
  const char *p = strbuf_str(b);
  while (regexec(&rx, p, 1, &m, 0) == 0) {
    strbuf_append(&out, p, (size_t)m.rm_so);
    strbuf_puts(&out, p[m.rm_so] == '+' ? "+0x?" : "/tmp/TEMP.o");
    p += m.rm_eo;
  }
  strbuf_puts(&out, p);
  regfree(&rx);
  strbuf_free(b);
  *b = out;
}

// diag_does_not_compile: a command the real compiler rejects gets exactly
// its diagnostics and status from escape-cc (link errors up to the names of
// the compiler's temporary objects).
START_TEST(diag_does_not_compile) {
  twins t = twin("bad", bad_files);
  char *what = command(bad_cases[_i]);
  spawn_result r = cc(t.dir[REAL], REAL, NULL, bad_cases[_i]);
  spawn_result e = cc(t.dir[ESCAPE], ESCAPE, NULL, bad_cases[_i]);
  ck_assert_msg(r.status != 0, "[%s] %s: the real compiler accepted it", real,
                what);
  link_noise(&r.err);
  link_noise(&e.err);
  same_run(what, &r, &e, true);
  same_tree(what, &t);
  spawn_result_free(&r);
  spawn_result_free(&e);
  free(what);
  twins_free(&t);
}
END_TEST

// A unit with a moved local and warnings, one of them (y) on the moved
// local's own line, which the rewrite changes.
static const char warn_c[] = "#include <stdio.h>\n"
                             "int *keep(int v) {\n"
                             "  int x = v, y;\n"
                             "  static int *p;\n"
                             "  p = &x;\n"
                             "  return p;\n"
                             "}\n"
                             "int main(void) {\n"
                             "  int unused;\n"
                             "  printf(\"%d\\n\", *keep(3));\n"
                             "  return 0;\n"
                             "}\n";

// diag_lines keeps, of a compiler's stderr, the diagnostics' locations and
// messages without the column: "FILE:LINE: KIND: MESSAGE" a line.
static char *diag_lines(const char *err) {
  regex_t rx;
  ck_assert_int_eq(regcomp(&rx,
                           "^([^ :]+):([0-9]+):[0-9]+: "
                           "(warning|error|note|fatal error): (.*)$",
                           REG_EXTENDED | REG_NEWLINE),
                   0);
  strbuf b = {0};
  strbuf_puts(&b, "");
  regmatch_t m[5];
  for (const char *p = err; regexec(&rx, p, 5, m, 0) == 0; p += m[0].rm_eo) {
    static const char *const after[] = {"", ":", ": ", ": ", "\n"};
    for (int g = 1; g <= 4; g++)
      strbuf_printf(&b, "%.*s%s", (int)(m[g].rm_eo - m[g].rm_so),
                    p + m[g].rm_so, after[g]);
    if (p[m[0].rm_eo] == '\0')
      break;
  }
  regfree(&rx);
  return b.s;
}

START_TEST(diag_warnings_name_the_source) {
  static const file files[] = {{"src/w.c", warn_c}, {NULL, NULL}};
  for (int prefixed = 1; prefixed >= 0; prefixed--) {
    twins t = twin("warn", files);
    const char *src = prefixed ? "src/w.c" : "w.c";
    if (prefixed)
      expect_moved(t.dir[ESCAPE], src, "src/w.c:3:7: moved to heap: x\n");
    spawn_result r[2];
    for (int s = 0; s < 2; s++) {
      char *dir = sub(t.dir[s], prefixed ? NULL : "src");
      r[s] = ccl(dir, (side)s, "-Wall", "-c", src, NULL);
      free(dir);
    }
    char *rl = diag_lines(strbuf_str(&r[REAL].err));
    char *el = diag_lines(strbuf_str(&r[ESCAPE].err));
    ck_assert_msg(strstr(rl, ":3: warning: ") && strstr(rl, ":9: warning: "),
                  "[%s] the real compiler's warnings are not the expected "
                  "ones:\n%s",
                  real, strbuf_str(&r[REAL].err));
    ck_assert_msg(spawn_exited(&r[ESCAPE]) &&
                      r[ESCAPE].status == r[REAL].status &&
                      r[ESCAPE].out.len == 0 && !strcmp(rl, el),
                  "[%s] escape-cc -Wall -c %s: the diagnostics differ from the "
                  "real compiler's (compared as FILE:LINE: KIND: MESSAGE)\n"
                  "--- real\n%s--- escape-cc\n%s--- escape-cc's stderr\n%s",
                  real, src, rl, el, strbuf_str(&r[ESCAPE].err));
    // Lines the rewrite does not touch are reported exactly as written.
    ck_assert_msg(strstr(strbuf_str(&r[ESCAPE].err), ":9:7: warning: unused "
                                                     "variable"),
                  "[%s] escape-cc: want w.c:9:7 for 'unused'; got:\n%s", real,
                  strbuf_str(&r[ESCAPE].err));
    free(rl);
    free(el);
    same_tree("escape-cc -Wall -c w.c", &t);
    spawn_result_free(&r[0]);
    spawn_result_free(&r[1]);
    twins_free(&t);
  }
}
END_TEST

// __FILE__ and __LINE__, in the main file, in a header, after the moved
// local, equal the real compiler's.
static const char where_h[] = "static const char *header_file = __FILE__;\n"
                              "static int header_line = __LINE__;\n";
static const char where_c[] = "#include <stdio.h>\n"
                              "#include \"where.h\"\n"
                              "int *keep(int v) {\n"
                              "  int x = v;\n"
                              "  static int *p;\n"
                              "  p = &x;\n"
                              "  printf(\"%s:%d\\n\", __FILE__, __LINE__);\n"
                              "  return p;\n"
                              "}\n"
                              "int main(void) {\n"
                              "  keep(1);\n"
                              "  printf(\"%s:%d %s:%d %s\\n\", __FILE__,\n"
                              "         __LINE__, header_file, header_line,\n"
                              "         __func__);\n"
                              "  return 0;\n"
                              "}\n";

START_TEST(diag_file_and_line) {
  static const file files[] = {
      {"src/where.c", where_c}, {"src/where.h", where_h}, {NULL, NULL}};
  for (int prefixed = 1; prefixed >= 0; prefixed--) {
    twins t = twin("where", files);
    const char *src = prefixed ? "src/where.c" : "where.c";
    char *dirs[2];
    for (int s = 0; s < 2; s++) {
      dirs[s] = sub(t.dir[s], prefixed ? NULL : "src");
      spawn_result r = ccl(dirs[s], (side)s, src, "-o", "where", NULL);
      ok(s == REAL ? "the real compiler" : "escape-cc", &r);
      spawn_result_free(&r);
    }
    expect_moved(dirs[ESCAPE], src, ":4:7: moved to heap: x\n");
    spawn_result out[2];
    for (int s = 0; s < 2; s++)
      out[s] = run(dirs[s], "./where", NULL);
    same_run("./where", &out[REAL], &out[ESCAPE], true);
    ck_assert_msg(strstr(strbuf_str(&out[REAL].out), "where.c:7\n"),
                  "[%s] unexpected output of the real build: %s", real,
                  show(&out[REAL], 0));
    spawn_result_free(&out[0]);
    spawn_result_free(&out[1]);
    free(dirs[0]);
    free(dirs[1]);
    twins_free(&t);
  }
}
END_TEST

// cu_attr returns the value of the compile unit's attribute (DW_AT_name or
// DW_AT_comp_dir) in readelf's dump of object, in dir.
static char *cu_attr(const char *dir, const char *object, const char *attr) {
  spawn_result r = run(dir, "readelf", "--debug-dump=info", object, NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 0, "readelf %s: %s", object,
                show(&r, 0));
  const char *cu = strstr(strbuf_str(&r.out), "DW_TAG_compile_unit");
  ck_assert_msg(cu != NULL, "[%s] %s: no compile unit in the debug info", real,
                object);
  const char *at = strstr(cu, attr);
  ck_assert_msg(at != NULL, "[%s] %s: no %s", real, object, attr);
  // "DW_AT_name : (indirect line string, offset: 0): src/a.c": the value
  // follows the last ": " of the line.
  const char *eol = strchr(at, '\n');
  const char *colon = NULL;
  for (const char *p = at; p < eol; p++)
    if (p[0] == ':' && p[1] == ' ')
      colon = p;
  char *value = xstrndup(colon + 2, (size_t)(eol - colon - 2));
  spawn_result_free(&r);
  return value;
}

START_TEST(diag_debug_info_names_the_source) {
  for (int prefixed = 1; prefixed >= 0; prefixed--) {
    char *top = scratch_dir("debug");
    write_files(top, tree_files);
    char *dir = sub(top, prefixed ? NULL : "src");
    const char *src = prefixed ? "src/a.c" : "a.c";
    static const char *const objs[] = {"real.o", "escape.o"};
    for (int s = 0; s < 2; s++) {
      spawn_result r = ccl(dir, (side)s, "-g", "-c", src, "-o", objs[s], NULL);
      ok(s == REAL ? "the real compiler -g" : "escape-cc -g", &r);
      spawn_result_free(&r);
    }
    char *obj = path_join(dir, "escape.o");
    rewritten("escape-cc -g -c", obj);
    free(obj);
    static const char *const attrs[] = {"DW_AT_name", "DW_AT_comp_dir"};
    for (size_t a = 0; a < 2; a++) {
      char *rv = cu_attr(dir, "real.o", attrs[a]);
      char *ev = cu_attr(dir, "escape.o", attrs[a]);
      ck_assert_msg(!strcmp(rv, ev),
                    "[%s] escape-cc -g -c %s: the compile unit's %s is \"%s\", "
                    "the real compiler's \"%s\"",
                    real, src, attrs[a], ev, rv);
      if (a == 0)
        ck_assert_str_eq(rv, src);
      free(rv);
      free(ev);
    }
    no_temporaries("escape-cc -g -c", top);
    free(dir);
    free(top);
  }
}
END_TEST

// An object names the source, not the rewritten unit, anywhere in it (its
// symbol table's FILE entry, the debug info): so two builds of one source
// give the same object, as they do with the real compiler.
START_TEST(diag_object_names_no_temporary) {
  char *top = scratch_dir("repro");
  write_files(top, tree_files);
  static const char *const flags[][2] = {{"-O2", NULL}, {"-g", "-O0"}};
  for (size_t f = 0; f < 2; f++) {
    strbuf objs[2] = {{0}, {0}};
    for (int i = 0; i < 2; i++) {
      char out[16];
      snprintf(out, sizeof out, "%d.o", i);
      spawn_result r = ccl(top, ESCAPE, flags[f][0], "-c", "src/a.c", "-o", out,
                           flags[f][1], NULL);
      ok("escape-cc -c src/a.c", &r);
      spawn_result_free(&r);
      char *p = path_join(top, out);
      objs[i] = slurp_bin(p);
      free(p);
    }
    ck_assert_msg(!contains(&objs[0], "escape-cc"),
                  "[%s] escape-cc %s -c src/a.c: the object names the "
                  "rewritten unit (.escape-cc-PID-N/a.c), e.g. in its "
                  "symbol table's FILE symbol",
                  real, flags[f][0]);
    ck_assert_msg(objs[0].len == objs[1].len &&
                      !memcmp(objs[0].s, objs[1].s, objs[0].len),
                  "[%s] escape-cc %s -c src/a.c twice: the two objects differ",
                  real, flags[f][0]);
    strbuf_free(&objs[0]);
    strbuf_free(&objs[1]);
  }
  free(top);
}
END_TEST

// The rewritten unit is removed after the compile, whatever its outcome,
// and kept with --escape-keep-temps, which says where.
START_TEST(diag_temporaries) {
  char *top = scratch_dir("temps");
  write_files(top, tree_files);
  char *bad = path_join(top, "src/type.c");
  write_text(bad, bad_type);
  free(bad);
  spawn_result r = ccl(top, ESCAPE, "-c", "src/a.c", "-o", "obj/a.o", NULL);
  ok("escape-cc -c src/a.c", &r);
  spawn_result_free(&r);
  r = ccl(top, ESCAPE, "src/a.c", "src/b.c", "-o", "prog", NULL);
  ok("escape-cc src/a.c src/b.c -o prog", &r);
  spawn_result_free(&r);
  r = ccl(top, ESCAPE, "-c", "src/type.c", NULL);
  ck_assert_int_ne(r.status, 0);
  spawn_result_free(&r);
  no_temporaries("after three compiles", top);

  r = ccl(top, ESCAPE, "--escape-keep-temps", "-c", "src/a.c", "-o", "obj/a.o",
          NULL);
  const char *err = strbuf_str(&r.err);
  ck_assert_msg(spawn_exited(&r) && r.status == 0 &&
                    matches("^escape-cc: kept src/\\.escape-cc-[0-9]+-[0-9]+/a\\.c\n$",
                            err),
                "[%s] --escape-keep-temps: want status 0 and \"escape-cc: kept "
                "src/.escape-cc-PID-N/a.c\"; got %s",
                real, show(&r, 0));
  char *kept = xstrndup(err + strlen("escape-cc: kept "),
                        strlen(err) - strlen("escape-cc: kept ") - 1);
  char *kp = path_join(top, kept);
  ck_assert_msg(file_exists(kp), "[%s] --escape-keep-temps: %s is not there",
                real, kept);
  char *text = slurp(kp);
  ck_assert_msg(
      strstr(text, "#line 1 \"src/a.c\"") && strstr(text, "escrt_new"),
      "[%s] the kept unit is not a rewrite of src/a.c:\n%s", real, text);
  free(text);
  free(kp);
  free(kept);
  spawn_result_free(&r);
  free(top);
}
END_TEST

// A source directory escape-cc cannot write: the rewritten unit goes to
// $TMPDIR, with -iquote naming the source's directory for its quoted
// includes; what the build sees is the same, and $TMPDIR is left empty.
// Root writes anywhere, so as root the compilers run as nobody (setpriv).
START_TEST(unwritable_source_dir) {
  static const char *const nobody[] = {"setpriv", "--reuid=65534",
                                       "--regid=65534", "--clear-groups", NULL};
  static const file files[] = {
      {"src/a.c", a_c},         {"src/a.h", a_h},
      {"src/b.c", b_c},         {"src/where.c", where_c},
      {"src/where.h", where_h}, {"out/.keep", ""},
      {"tmp/.keep", ""},        {NULL, NULL}};
  if (getuid() == 0) {
    if (!in_path("setpriv"))
      return; // no way to drop root's right to write anywhere
    as_user = nobody;
  }
  twins t = twin("readonly", files);
  ck_assert_int_eq(chmod(scratch_root(), 0711), 0);
  ck_assert_int_eq(chmod(t.root, 0755), 0);
  char *tmp[2];
  for (int s = 0; s < 2; s++) {
    static const char *const modes[][2] = {
        {"", "0755"}, {"src", "0555"}, {"out", "0777"}, {"tmp", "0777"}};
    for (size_t m = 0; m < 4; m++) {
      char *p = sub(t.dir[s], *modes[m][0] ? modes[m][0] : NULL);
      ck_assert_int_eq(chmod(p, (mode_t)strtol(modes[m][1], NULL, 8)), 0);
      free(p);
    }
    tmp[s] = path_join(t.dir[s], "tmp");
  }
  char **saved = env;
  static const char *const cases[][12] = {
      {"-c", "-MMD", "src/a.c", "-o", "out/a.o"},
      {"-g", "src/where.c", "-o", "out/where"},
      {"src/a.c", "src/b.c", "-o", "out/prog"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *what = command(cases[i]);
    spawn_result r[2];
    for (int s = 0; s < 2; s++) {
      strbuf tv = {0};
      strbuf_printf(&tv, "TMPDIR=%s", tmp[s]);
      env = env_plus((const char *const[]){tv.s, NULL});
      r[s] = cc(t.dir[s], (side)s, NULL, cases[i]);
      env_free(env);
      env = saved;
      strbuf_free(&tv);
    }
    same_run(what, &r[REAL], &r[ESCAPE], true);
    same_tree(what, &t);
    same_files_ending(what, &t, dep_suffixes);
    spawn_result_free(&r[0]);
    spawn_result_free(&r[1]);
    free(what);
  }
  as_user = NULL;
  char *obj = path_join(t.dir[ESCAPE], "out/a.o");
  rewritten("escape-cc -c src/a.c (read-only src/)", obj);
  free(obj);
  spawn_result out[2];
  for (int s = 0; s < 2; s++) {
    char *dir = path_join(t.dir[s], "out");
    out[s] = run(t.dir[s], "out/where", NULL);
    free(dir);
  }
  same_run("out/where", &out[REAL], &out[ESCAPE], true);
  spawn_result_free(&out[0]);
  spawn_result_free(&out[1]);
  char *prog = path_join(t.dir[ESCAPE], "out");
  run_program("escape-cc src/a.c src/b.c (read-only src/)", prog, "prog",
              p_out);
  free(prog);
  for (int s = 0; s < 2; s++) {
    char *src = path_join(t.dir[s], "src");
    chmod(src, 0755);
    free(src);
    free(tmp[s]);
  }
  twins_free(&t);
}
END_TEST

// ---------------------------------------------------------------------------
// 5. Nothing extra on stderr
// ---------------------------------------------------------------------------

START_TEST(quiet_clean_compile) {
  char *top = scratch_dir("quiet");
  write_files(top, tree_files);
  static const char *const cases[][12] = {
      {"-c", "src/a.c", NULL},
      {"-Wall", "-Wextra", "-O2", "-c", "src/p.c", "-o", "obj/p.o", NULL},
      {"src/p.c", "-o", "p", NULL},
      {"-S", "src/a.c", "-o", "obj/a.s", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *what = command(cases[i]);
    spawn_result r = cc(top, ESCAPE, NULL, cases[i]);
    ck_assert_msg(spawn_exited(&r) && r.status == 0 && r.out.len == 0 &&
                      r.err.len == 0,
                  "[%s] %s: want status 0, nothing on stdout or stderr; got %s",
                  real, what, show(&r, 0));
    spawn_result_free(&r);
    free(what);
  }
  run_program("escape-cc src/p.c -o p", top, "p", p_out);
  free(top);
}
END_TEST

// -m prints exactly the analyzer's lines, with the path as given; the
// compile is otherwise the same.
START_TEST(quiet_m_report) {
  char *top = scratch_dir("m");
  write_files(top, tree_files);
  char *src = path_join(top, "src");
  static const struct {
    const char *dir, *opt, *path, *want;
  } cases[] = {
      {NULL, "-m", "src/a.c", "src/a.c:2:24: moved to heap: x\n"},
      {NULL, "-m=1", "src/p.c", "src/p.c:2:24: moved to heap: x\n"},
      {"src", "-m", "a.c", "a.c:2:24: moved to heap: x\n"},
      {"src", "-m", "./a.c", "./a.c:2:24: moved to heap: x\n"},
      {NULL, "-m", "src/b.c", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *dir = cases[i].dir ? src : top;
    spawn_result r =
        ccl(dir, ESCAPE, cases[i].opt, "-c", cases[i].path, "-o", "x.o", NULL);
    ck_assert_msg(spawn_exited(&r) && r.status == 0 && r.out.len == 0 &&
                      !strcmp(strbuf_str(&r.err), cases[i].want),
                  "[%s] escape-cc %s -c %s: want status 0 and exactly \"%s\" "
                  "on stderr; got %s",
                  real, cases[i].opt, cases[i].path, cases[i].want,
                  show(&r, 0));
    spawn_result_free(&r);
  }
  // -m=2: the flow first, then the same decision.
  spawn_result r = ccl(top, ESCAPE, "-m=2", "-c", "src/a.c", "-o", "x.o", NULL);
  const char *want = "src/a.c:2:24: moved to heap: x\n";
  size_t n = strlen(want);
  ck_assert_msg(spawn_exited(&r) && r.status == 0 && r.err.len > n &&
                    !strcmp(r.err.s + r.err.len - n, want) &&
                    strstr(r.err.s, "src/a.c:2:24: x escapes to heap:\n"),
                "[%s] escape-cc -m=2: want the flow of x then \"%s\"; got %s",
                real, want, show(&r, 0));
  spawn_result_free(&r);
  // --escape-report-only: the report, and the object the real compiler
  // makes of the unit as written.
  twins t = twin("report", tree_files);
  spawn_result rr = ccl(t.dir[REAL], REAL, "-c", "src/a.c", NULL);
  spawn_result er =
      ccl(t.dir[ESCAPE], ESCAPE, "--escape-report-only", "-c", "src/a.c", NULL);
  ck_assert_msg(
      spawn_exited(&er) && er.status == 0 &&
          !strcmp(strbuf_str(&er.err), "src/a.c:2:24: moved to heap: x\n"),
      "[%s] --escape-report-only: want the report alone; got %s", real,
      show(&er, 0));
  same_tree("escape-cc --escape-report-only -c src/a.c", &t);
  same_file("escape-cc --escape-report-only -c src/a.c", &t, "a.o");
  spawn_result_free(&rr);
  spawn_result_free(&er);
  twins_free(&t);
  free(src);
  free(top);
}
END_TEST

// ---------------------------------------------------------------------------
// 6. A shared library
// ---------------------------------------------------------------------------

static const char lib_c[] = "int *kaddr(int v) {\n"
                            "  int x = v;\n"
                            "  static int *p;\n"
                            "  p = &x;\n"
                            "  return p;\n"
                            "}\n";
static const char use_lib_c[] = "#include <stdio.h>\n"
                                "int *kaddr(int v);\n"
                                "int main(void) {\n"
                                "  int *a = kaddr(5);\n"
                                "  int *b = kaddr(6);\n"
                                "  printf(\"%d %d\\n\", *a, *b);\n"
                                "  return 0;\n"
                                "}\n";

START_TEST(shared_library) {
  static const file files[] = {
      {"lib.c", lib_c}, {"main.c", use_lib_c}, {NULL, NULL}};
  char *top = scratch_dir("shared");
  write_files(top, files);
  expect_moved(top, "lib.c", "lib.c:2:7: moved to heap: x\n");
  spawn_result r =
      ccl(top, ESCAPE, "-shared", "-fPIC", "lib.c", "-o", "libk.so", NULL);
  ok("escape-cc -shared -fPIC lib.c -o libk.so", &r);
  spawn_result_free(&r);
  strbuf rpath = {0};
  strbuf_printf(&rpath, "-Wl,-rpath,%s", top);
  r = ccl(top, ESCAPE, "main.c", "-L.", "-lk", rpath.s, "-o", "prog", NULL);
  ok("escape-cc main.c -L. -lk -o prog", &r);
  spawn_result_free(&r);
  run_program("a program linked with libk.so", top, "prog", "5 6\n");
  // The same library linked into a program the real compiler links.
  r = ccl(top, REAL, "main.c", "-L.", "-lk", rpath.s, "-o", "prog2", NULL);
  ok("the real compiler: main.c -L. -lk -o prog2", &r);
  spawn_result_free(&r);
  run_program("a program of the real compiler's linked with libk.so", top,
              "prog2", "5 6\n");
  no_temporaries("-shared", top);
  strbuf_free(&rpath);
  free(top);
}
END_TEST

// ---------------------------------------------------------------------------
// 7. A configure run
// ---------------------------------------------------------------------------

// replace_all replaces every from in s (in place, to being no longer).
static void replace_all(strbuf *s, const char *from, const char *to) {
  strbuf out = {0};
  strbuf_puts(&out, "");
  size_t fl = strlen(from);
  const char *p = strbuf_str(s);
  for (const char *q; (q = strstr(p, from)) != NULL; p = q + fl) {
    strbuf_append(&out, p, (size_t)(q - p));
    strbuf_puts(&out, to);
  }
  strbuf_puts(&out, p);
  strbuf_free(s);
  *s = out;
}

START_TEST(configure) {
  ck_assert_msg(
      in_path("autoconf") && in_path("autoheader"),
      "autoconf is not installed (scripts/setup.sh test installs it)");
  char *top = scratch_dir("configure");
  char *gen = path_join(top, "gen");
  make_dirs(gen);
  static const char *const inputs[] = {"configure.ac", "config.h.in"};
  for (size_t i = 0; i < 2; i++) {
    char *from = path_join(DRIVER_CONFIGURE_DIR, inputs[i]);
    char *to = path_join(gen, inputs[i]);
    char *text = slurp(from);
    write_text(to, text);
    free(text);
    free(from);
    free(to);
  }
  spawn_result r = run(gen, "autoconf", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 0, "autoconf: %s", show(&r, 0));
  spawn_result_free(&r);
  r = run(gen, "autoheader", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 0, "autoheader: %s",
                show(&r, 0));
  spawn_result_free(&r);

  twins t = {.root = NULL};
  spawn_result out[2];
  for (int s = 0; s < 2; s++) {
    t.dir[s] = path_join(top, side_dir[s]);
    r = run(top, "cp", "-R", "gen", side_dir[s], NULL);
    ck_assert_msg(spawn_exited(&r) && r.status == 0, "cp: %s", show(&r, 0));
    spawn_result_free(&r);
    strbuf cc_var = {0};
    strbuf_printf(&cc_var, "CC=%s", compiler((side)s));
    out[s] = run(t.dir[s], "./configure", cc_var.s, NULL);
    strbuf_free(&cc_var);
  }
  char *log = path_join(t.dir[ESCAPE], "config.log");
  char *log_text = file_exists(log) ? slurp(log) : xstrdup("");
  strbuf lt = {0};
  strbuf_puts(&lt, log_text);
  clip(&lt, SUITE_MAX_MESSAGE / 2);
  ck_assert_msg(spawn_exited(&out[ESCAPE]) && out[ESCAPE].status == 0,
                "[%s] ./configure CC=escape-cc: %s\n--- config.log\n%s", real,
                show(&out[ESCAPE], 0), strbuf_str(&lt));
  strbuf_free(&lt);
  free(log_text);
  free(log);
  // What configure printed, escape-cc's path read as the real compiler's
  // name ("checking whether gcc accepts -g... yes").
  replace_all(&out[ESCAPE].out, escape_cc, real);
  if (strcmp(strbuf_str(&out[REAL].out), strbuf_str(&out[ESCAPE].out))) {
    // Which checks went differently, with escape-cc's config.log.
    char *lp = path_join(t.dir[ESCAPE], "config.log");
    strbuf lb = {0};
    read_file(lp, &lb);
    clip(&lb, SUITE_MAX_MESSAGE / 2);
    ck_abort_msg("[%s] ./configure CC=escape-cc decided differently\n"
                 "--- real\n%s--- escape-cc\n%s--- escape-cc's config.log\n%s",
                 real, strbuf_str(&out[REAL].out), strbuf_str(&out[ESCAPE].out),
                 strbuf_str(&lb));
  }
  same_run("./configure", &out[REAL], &out[ESCAPE], true);
  same_file("./configure", &t, "config.h");
  same_tree("./configure", &t);
  spawn_result_free(&out[0]);
  spawn_result_free(&out[1]);
  free(t.dir[0]);
  free(t.dir[1]);
  free(gen);
  free(top);
}
END_TEST

// ---------------------------------------------------------------------------
// 8. make -j
// ---------------------------------------------------------------------------

START_TEST(make_parallel) {
  char *top = scratch_dir("make");
  enum { N = 8 };
  strbuf mk = {0};
  strbuf_puts(&mk, "OBJS =");
  for (int i = 0; i < N; i++)
    strbuf_printf(&mk, " src/m%d.o", i);
  strbuf_puts(&mk, "\n"
                   "prog: $(OBJS)\n"
                   "\t$(CC) $(CFLAGS) -o $@ $(OBJS)\n"
                   "src/%.o: src/%.c src/keep.h\n"
                   "\t$(CC) $(CFLAGS) -c $< -o $@\n");
  char *p = path_join(top, "Makefile");
  write_text(p, mk.s);
  free(p);
  strbuf_free(&mk);
  strbuf h = {0};
  for (int i = 0; i < N; i++)
    strbuf_printf(&h, "int *keep%d(int v);\n", i);
  char *srcdir = path_join(top, "src");
  make_dirs(srcdir);
  p = path_join(srcdir, "keep.h");
  write_text(p, h.s);
  free(p);
  strbuf_free(&h);
  for (int i = 0; i < N; i++) {
    strbuf c = {0};
    strbuf_printf(&c,
                  "#include \"keep.h\"\n"
                  "int *keep%d(int v) {\n"
                  "  int x = v + %d;\n"
                  "  static int *p;\n"
                  "  p = &x;\n"
                  "  return p;\n"
                  "}\n",
                  i, i);
    if (i == 0) {
      strbuf_puts(&c, "#include <stdio.h>\n"
                      "int main(void) {\n"
                      "  int *p[8];\n");
      for (int j = 0; j < N; j++)
        strbuf_printf(&c, "  p[%d] = keep%d(0);\n", j, j);
      strbuf_puts(&c, "  for (int i = 0; i < 8; i++)\n"
                      "    printf(\"%d%c\", *p[i], i == 7 ? '\\n' : ' ');\n"
                      "  return 0;\n"
                      "}\n");
    }
    char name[16];
    snprintf(name, sizeof name, "m%d.c", i);
    p = path_join(srcdir, name);
    write_text(p, c.s);
    free(p);
    strbuf_free(&c);
  }
  strbuf cc_var = {0};
  strbuf_printf(&cc_var, "CC=%s", escape_cc);
  spawn_result r = run(top, "make", "-j4", cc_var.s, "CFLAGS=-O2 -Wall", NULL);
  ck_assert_msg(spawn_exited(&r) && r.status == 0 && r.err.len == 0,
                "[%s] make -j4 CC=escape-cc: want status 0 and nothing on "
                "stderr; got %s",
                real, show(&r, 0));
  spawn_result_free(&r);
  run_program("make -j4 CC=escape-cc", top, "prog", "0 1 2 3 4 5 6 7\n");
  no_temporaries("make -j4 CC=escape-cc", top);
  strbuf_free(&cc_var);
  free(srcdir);
  free(top);
}
END_TEST

// ---------------------------------------------------------------------------
// ccache
// ---------------------------------------------------------------------------

// stat_value returns the counter named key in ccache --print-stats output.
static long stat_value(const char *stats, const char *key) {
  size_t kl = strlen(key);
  for (const char *p = stats; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
    if (!strncmp(p, key, kl) && p[kl] == '\t')
      return strtol(p + kl + 1, NULL, 10);
  return -1;
}

START_TEST(ccache) {
  ck_assert_msg(in_path("ccache"),
                "ccache is not installed (scripts/setup.sh test installs it)");
  char *top = scratch_dir("ccache");
  write_files(top, tree_files);
  char *cache = path_join(top, "cache");
  strbuf dirvar = {0};
  strbuf_printf(&dirvar, "CCACHE_DIR=%s", cache);
  char **cenv = env_plus((const char *const[]){dirvar.s, NULL});
  strbuf objs[2] = {{0}, {0}};
  for (int i = 0; i < 2; i++) {
    char out[16];
    snprintf(out, sizeof out, "obj/a%d.o", i);
    char *argv[] = {"ccache", (char *)escape_cc, "-c", "src/a.c", "-o", out,
                    NULL};
    spawn_result r = run_argv(top, NULL, cenv, 120, argv);
    ok("ccache escape-cc -c src/a.c", &r);
    spawn_result_free(&r);
    char *p = path_join(top, out);
    objs[i] = slurp_bin(p);
    free(p);
  }
  char *argv[] = {"ccache", "--print-stats", NULL};
  spawn_result r = run_argv(top, NULL, cenv, 60, argv);
  const char *stats = strbuf_str(&r.out);
  long hits = stat_value(stats, "direct_cache_hit") +
              stat_value(stats, "preprocessed_cache_hit");
  ck_assert_msg(stat_value(stats, "cache_miss") == 1 && hits == 1,
                "[%s] ccache escape-cc, twice: want one miss then one hit; "
                "stats:\n%s",
                real, stats);
  spawn_result_free(&r);
  ck_assert_msg(objs[0].len == objs[1].len &&
                    !memcmp(objs[0].s, objs[1].s, objs[0].len),
                "[%s] the cached object differs from the first", real);
  char *obj = path_join(top, "obj/a1.o");
  rewritten("ccache escape-cc -c src/a.c", obj);
  free(obj);
  no_temporaries("ccache escape-cc", top);
  strbuf_free(&objs[0]);
  strbuf_free(&objs[1]);
  env_free(cenv);
  strbuf_free(&dirvar);
  free(cache);
  free(top);
}
END_TEST

// ---------------------------------------------------------------------------

static TCase *compiler_case(Suite *s, const char *name, void (*setup)(void)) {
  TCase *tc = tcase_create(name);
  tcase_add_unchecked_fixture(tc, scratch_init, scratch_cleanup);
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, deps_files, 0, 2 * NDEPS);
  tcase_add_test(tc, passthrough_preprocess);
  tcase_add_test(tc, passthrough_queries);
  tcase_add_test(tc, passthrough_verbose_compile);
  tcase_add_test(tc, verbose_compile_rewrites);
  tcase_add_test(tc, passthrough_assembly);
  tcase_add_test(tc, passthrough_cplusplus);
  tcase_add_test(tc, passthrough_stdin);
  tcase_add_loop_test(tc, outputs_files, 0, 2 * NOUTPUTS);
  tcase_add_test(tc, outputs_link);
  tcase_add_test(tc, outputs_response_file);
  tcase_add_test(tc, outputs_x_c);
  tcase_add_loop_test(tc, diag_does_not_compile, 0, NBAD);
  tcase_add_test(tc, diag_warnings_name_the_source);
  tcase_add_test(tc, diag_file_and_line);
  tcase_add_test(tc, diag_debug_info_names_the_source);
  tcase_add_test(tc, diag_object_names_no_temporary);
  tcase_add_test(tc, diag_temporaries);
  tcase_add_test(tc, unwritable_source_dir);
  tcase_add_test(tc, quiet_clean_compile);
  tcase_add_test(tc, quiet_m_report);
  tcase_add_test(tc, shared_library);
  tcase_add_test(tc, configure);
  tcase_add_test(tc, make_parallel);
  tcase_add_test(tc, ccache);
  suite_add_tcase(s, tc);
  return tc;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: check_driver ESCAPE-CC [gcc|clang]\n");
    return 2;
  }
  // Absolute, since the commands run in scratch directories.
  char *abs = realpath(argv[1], NULL);
  if (abs == NULL) {
    fprintf(stderr, "check_driver: %s: not found\n", argv[1]);
    return 2;
  }
  escape_cc = abs;
  Suite *s = suite_create("driver");
  compiler_case(s, "gcc", use_gcc);
  compiler_case(s, "clang", use_clang);
  int status = suite_run(s, argc == 3 ? argv[2] : NULL);
  free(abs);
  return status;
}

// check_preload: real programs on the runtime heap, through LD_PRELOAD.
//
// usage: check_preload LIBESCRT_MALLOC_SO
//
// build/lib/libescrt-malloc.so exports the heap under C's names (malloc,
// free, realloc, posix_memalign, malloc_usable_size, ...), so LD_PRELOAD
// moves every allocation of a program, and of every program it starts, onto
// it. The programs here were not written with this heap in mind, and they
// allocate in the patterns real code does: ls -lR builds and sorts many small
// strings, Python (with PYTHONMALLOC=malloc, so that pymalloc's arenas do not
// hide its objects) grows and shrinks a dict of a million keys, and gcc runs
// cc1, as and ld, each a large allocating program of its own.
//
// Each test checks the program's output, against the same program run
// without the library or against a value computed here, its exit status,
// and that its stderr is empty: the heap's "fatal error: ..." and ld.so's
// "object ... cannot be preloaded" would both show there. preload-in-use and
// malloc-interposed check that the library really was loaded and that C's
// allocation functions resolve to it, so that no other test can pass by
// running on glibc's heap. A program that is not installed is a failure,
// not a skip: CI installs them all.
#define _GNU_SOURCE
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

// Seconds one child may take; gcc -O2 on the generated program is the
// slowest, a few seconds.
enum { CHILD_TIMEOUT_MS = 120 * 1000 };

static char *preload_so; // the library under test, as an absolute path

// ---------------------------------------------------------------------------
// Running programs
// ---------------------------------------------------------------------------

// which returns the absolute path of the program name as PATH finds it, or
// fails the test: every program used here is one CI installs.
static char *which(const char *name) {
  if (strchr(name, '/') != NULL)
    return xstrdup(name);
  const char *path = getenv("PATH");
  char *dirs = xstrdup(path ? path : "/usr/bin:/bin");
  char *found = NULL, *save = NULL;
  for (char *d = strtok_r(dirs, ":", &save); d && !found;
       d = strtok_r(NULL, ":", &save)) {
    char *p = path_join(*d ? d : ".", name);
    if (access(p, X_OK) == 0)
      found = p;
    else
      free(p);
  }
  free(dirs);
  ck_assert_msg(found != NULL,
                "%s is not installed (not found in PATH=%s); this test needs "
                "it and CI installs it",
                name, path ? path : "");
  return found;
}

// child_env returns a copy of the environment with LD_PRELOAD set to the
// library (if preload) or removed, and with the NAME=VALUE entries of
// extra, a NULL-terminated list, replacing any earlier setting.
static strvec child_env(bool preload, const char *const *extra) {
  strvec env = {0};
  for (char **e = environ; *e; e++) {
    bool replaced = strncmp(*e, "LD_PRELOAD=", 11) == 0;
    for (const char *const *x = extra; x && *x && !replaced; x++) {
      size_t n = strcspn(*x, "=") + 1;
      replaced = strncmp(*e, *x, n) == 0;
    }
    if (!replaced)
      strvec_push(&env, *e);
  }
  if (preload) {
    strbuf b = {0};
    strbuf_printf(&b, "LD_PRELOAD=%s", preload_so);
    strvec_push(&env, b.s);
    strbuf_free(&b);
  }
  for (const char *const *x = extra; x && *x; x++)
    strvec_push(&env, *x);
  return env;
}

// run executes the program and arguments that follow, up to a NULL, in dir
// (NULL: here), on the library if preload, with extra added to the
// environment.
static spawn_result run(const char *dir, bool preload, const char *const *extra,
                        const char *prog, ...) {
  strvec argv = {0};
  char *exe = which(prog);
  strvec_push(&argv, exe);
  free(exe);
  va_list ap;
  va_start(ap, prog);
  for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
    strvec_push(&argv, a);
  va_end(ap);
  strvec env = child_env(preload, extra);
  spawn_opts o = {.cwd = dir, .envp = env.v, .timeout_ms = CHILD_TIMEOUT_MS};
  spawn_result r;
  spawn_run(argv.v, &o, &r);
  strvec_free(&env);
  strvec_free(&argv);
  return r;
}

// describe renders what the child did for a failure message, its output
// clipped so that several fit in one report.
static const char *describe(const spawn_result *r) {
  static strbuf b;
  char how[128];
  strbuf out = {0}, err = {0};
  strbuf_puts(&out, strbuf_str(&r->out));
  strbuf_puts(&err, strbuf_str(&r->err));
  clip(&out, 4096);
  clip(&err, 8192);
  strbuf_free(&b);
  strbuf_printf(&b, "\n  %s after %.1f s\n  stdout: \"%s\"\n  stderr: \"%s\"",
                spawn_describe(r, how, sizeof how), r->seconds,
                strbuf_str(&out), strbuf_str(&err));
  strbuf_free(&out);
  strbuf_free(&err);
  return strbuf_str(&b);
}

// expect_clean asserts that the child what exited with status 0 and wrote
// nothing to stderr.
static void expect_clean(const spawn_result *r, const char *what) {
  ck_assert_msg(spawn_exited(r) && r->status == 0 && r->err.len == 0,
                "%s: want status 0 and an empty stderr; got:%s", what,
                describe(r));
}

// expect_output asserts a clean exit with exactly want on stdout.
static void expect_output(const spawn_result *r, const char *what,
                          const char *want) {
  expect_clean(r, what);
  ck_assert_msg(strcmp(strbuf_str(&r->out), want) == 0,
                "%s: want stdout \"%s\"; got:%s", what, want, describe(r));
}

// first_difference describes the first line where a and b differ.
static const char *first_difference(const char *a, const char *b) {
  static strbuf d;
  size_t line = 1, start = 0, i = 0;
  for (; a[i] && a[i] == b[i]; i++)
    if (a[i] == '\n') {
      line++;
      start = i + 1;
    }
  strbuf_free(&d);
  strbuf_printf(&d, "line %zu: \"%.*s\" vs \"%.*s\"", line,
                (int)strcspn(a + start, "\n"), a + start,
                (int)strcspn(b + start, "\n"), b + start);
  return strbuf_str(&d);
}

// ---------------------------------------------------------------------------
// The library is in use
// ---------------------------------------------------------------------------

// A shell lists its own mappings: the library must be one of them.
START_TEST(preload_in_use) {
  spawn_result r = run(NULL, true, NULL, "sh", "-c", "cat /proc/$$/maps", NULL);
  expect_clean(&r, "sh -c 'cat /proc/$$/maps'");
  ck_assert_msg(strstr(strbuf_str(&r.out), preload_so) != NULL,
                "%s is not mapped in a shell run with LD_PRELOAD; got:%s",
                preload_so, describe(&r));
  spawn_result_free(&r);
}
END_TEST

// The probe prints the file that defines each allocation function, as the
// dynamic linker resolves it for the program.
static const char probe_c[] =
    "#define _GNU_SOURCE\n"
    "#include <dlfcn.h>\n"
    "#include <limits.h>\n"
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "\n"
    "static const char *const names[] = {\n"
    "    \"malloc\", \"calloc\", \"realloc\", \"free\", \"aligned_alloc\",\n"
    "    \"memalign\", \"posix_memalign\", \"malloc_usable_size\"};\n"
    "\n"
    "int main(void) {\n"
    "  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {\n"
    "    void *f = dlsym(RTLD_DEFAULT, names[i]);\n"
    "    Dl_info info;\n"
    "    char path[PATH_MAX];\n"
    "    if (f && dladdr(f, &info) && realpath(info.dli_fname, path))\n"
    "      printf(\"%s: %s\\n\", names[i], path);\n"
    "    else\n"
    "      printf(\"%s: unresolved\\n\", names[i]);\n"
    "  }\n"
    "  return 0;\n"
    "}\n";

// The probe is compiled without the library, so that only the part under
// test, the run, depends on it.
START_TEST(malloc_interposed) {
  static const char *const names[] = {
      "malloc",        "calloc",   "realloc",        "free",
      "aligned_alloc", "memalign", "posix_memalign", "malloc_usable_size"};
  char *dir = scratch_dir("probe");
  char *src = path_join(dir, "probe.c");
  write_text(src, probe_c);
  spawn_result r =
      run(dir, false, NULL, "gcc", "-o", "probe", "probe.c", "-ldl", NULL);
  expect_output(&r, "gcc probe.c (without the library)", "");
  spawn_result_free(&r);
  strbuf want = {0};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    strbuf_printf(&want, "%s: %s\n", names[i], preload_so);
  char *probe = path_join(dir, "probe");
  r = run(dir, true, NULL, probe, NULL);
  expect_output(&r, "probe (which file defines each function)", want.s);
  spawn_result_free(&r);
  strbuf_free(&want);
  free(probe);
  free(src);
  free(dir);
}
END_TEST

// ---------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------

// ls -lR /usr/include prints the same on either heap.
START_TEST(ls_usr_include) {
  spawn_result plain =
      run(NULL, false, NULL, "ls", "-lR", "/usr/include", NULL);
  expect_clean(&plain, "ls -lR /usr/include (without the library)");
  ck_assert_msg(plain.out.len > 0, "ls -lR /usr/include printed nothing");
  spawn_result r = run(NULL, true, NULL, "ls", "-lR", "/usr/include", NULL);
  expect_clean(&r, "ls -lR /usr/include");
  ck_assert_msg(r.out.len == plain.out.len &&
                    memcmp(r.out.s, plain.out.s, r.out.len) == 0,
                "ls -lR /usr/include: %zu bytes on the library, %zu without; "
                "first difference at %s",
                r.out.len, plain.out.len,
                first_difference(strbuf_str(&r.out), strbuf_str(&plain.out)));
  spawn_result_free(&plain);
  spawn_result_free(&r);
}
END_TEST

// The dict script inserts DICT_KEYS keys "k0", "k1", ..., deletes the even
// ones, and prints what is left: the count, the sum of the values, the total
// length of the keys and the three smallest keys (after sorting them all).
enum { DICT_KEYS = 1000000 };
static const char dict_py[] =
    "d = {}\n"
    "for i in range(1000000):\n"
    "    d['k%d' % i] = i\n"
    "for i in range(0, 1000000, 2):\n"
    "    del d['k%d' % i]\n"
    "keys = sorted(d)\n"
    "print(len(d), sum(d.values()), sum(map(len, d)), *keys[:3])\n";

// dict_expected computes what dict_py prints, independently of Python.
static char *dict_expected(void) {
  unsigned long long count = 0, sum = 0, len = 0;
  char least[3][16] = {"~", "~", "~"}, k[16]; // '~' sorts after "k..."
  for (unsigned i = 1; i < DICT_KEYS; i += 2) {
    int n = snprintf(k, sizeof k, "k%u", i);
    count++, sum += i, len += (unsigned)n;
    for (int j = 0; j < 3; j++)
      if (strcmp(k, least[j]) < 0) {
        memmove(least[j + 1], least[j], (size_t)(2 - j) * sizeof *least);
        strcpy(least[j], k);
        break;
      }
  }
  strbuf b = {0};
  strbuf_printf(&b, "%llu %llu %llu %s %s %s\n", count, sum, len, least[0],
                least[1], least[2]);
  return b.s;
}

// PYTHONMALLOC=malloc sends every Python object to malloc: by default,
// objects up to 512 bytes live in pymalloc's own mmap'd arenas.
START_TEST(python_dict) {
  static const char *const env[] = {"PYTHONMALLOC=malloc", NULL};
  char *want = dict_expected();
  spawn_result r = run(NULL, true, env, "python3", "-c", dict_py, NULL);
  expect_output(&r, "python3 (a dict of a million keys)", want);
  spawn_result_free(&r);
  free(want);
}
END_TEST

START_TEST(cmake_version) {
  spawn_result r = run(NULL, true, NULL, "cmake", "--version", NULL);
  expect_clean(&r, "cmake --version");
  ck_assert_msg(strncmp(strbuf_str(&r.out), "cmake version ", 14) == 0,
                "cmake --version: want stdout \"cmake version ...\"; got:%s",
                describe(&r));
  spawn_result_free(&r);
}
END_TEST

static const char hello_c[] =
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "#include <string.h>\n"
    "\n"
    "static int cmp(const void *a, const void *b) {\n"
    "  return strcmp(*(char *const *)a, *(char *const *)b);\n"
    "}\n"
    "\n"
    "int main(void) {\n"
    "  const char *words[] = {\"heap\", \"the\", \"from\", \"hello\"};\n"
    "  char **copy = malloc(4 * sizeof *copy);\n"
    "  for (int i = 0; i < 4; i++)\n"
    "    copy[i] = strdup(words[i]);\n"
    "  qsort(copy, 4, sizeof *copy, cmp);\n"
    "  for (int i = 0; i < 4; i++) {\n"
    "    printf(\"%s%c\", copy[i], i < 3 ? ' ' : '\\n');\n"
    "    free(copy[i]);\n"
    "  }\n"
    "  free(copy);\n"
    "  return 0;\n"
    "}\n";

// gcc, and the cc1, as and ld it runs, all on the library; then the program
// they made, on the library too.
START_TEST(gcc_hello) {
  char *dir = scratch_dir("hello");
  char *src = path_join(dir, "hello.c");
  write_text(src, hello_c);
  spawn_result r =
      run(dir, true, NULL, "gcc", "-Wall", "-o", "hello", "hello.c", NULL);
  expect_output(&r, "gcc -o hello hello.c", "");
  spawn_result_free(&r);
  char *hello = path_join(dir, "hello");
  r = run(dir, true, NULL, hello, NULL);
  expect_output(&r, "./hello", "from heap hello the\n");
  spawn_result_free(&r);
  free(hello);
  free(src);
  free(dir);
}
END_TEST

// The generated program has GEN_FUNCS functions, called in turn GEN_ROUNDS
// times through a table; each result goes into a malloc'd node of a size
// that depends on it, and the list is folded and freed at the end.
enum { GEN_FUNCS = 300, GEN_ROUNDS = 100 };

// gen_f is what generated function i computes (the constants are printed
// into its text by gen_program).
static unsigned gen_f(unsigned i, unsigned x) {
  unsigned a = i * 2654435761u | 1, b = i * 40503u + 7, s = i % 29 + 1;
  switch (x % 3) {
  case 0:
    return x * a + b;
  case 1:
    return (x ^ b) + (x >> s);
  default:
    return (x << 3) - x + i;
  }
}

static char *gen_program(void) {
  strbuf b = {0};
  strbuf_puts(&b, "#include <stdio.h>\n#include <stdlib.h>\n\n");
  for (unsigned i = 0; i < GEN_FUNCS; i++)
    strbuf_printf(&b,
                  "static unsigned f%u(unsigned x) {\n"
                  "  switch (x %% 3) {\n"
                  "  case 0:\n    return x * %uu + %uu;\n"
                  "  case 1:\n    return (x ^ %uu) + (x >> %u);\n"
                  "  default:\n    return (x << 3) - x + %uu;\n"
                  "  }\n}\n\n",
                  i, i * 2654435761u | 1, i * 40503u + 7, i * 40503u + 7,
                  i % 29 + 1, i);
  strbuf_puts(&b, "static unsigned (*const fs[])(unsigned) = {");
  for (unsigned i = 0; i < GEN_FUNCS; i++)
    strbuf_printf(&b, "%sf%u", i ? ", " : "", i);
  strbuf_printf(&b,
                "};\n\n"
                "struct node {\n  struct node *next;\n  unsigned v;\n};\n\n"
                "int main(void) {\n"
                "  struct node *list = NULL;\n"
                "  unsigned h = 1;\n"
                "  for (int r = 0; r < %d; r++)\n"
                "    for (int i = 0; i < %d; i++) {\n"
                "      h = fs[i](h);\n"
                "      struct node *n = malloc(sizeof *n + h %% 256);\n"
                "      n->v = h;\n"
                "      n->next = list;\n"
                "      list = n;\n"
                "    }\n"
                "  unsigned sum = 0, count = 0;\n"
                "  while (list != NULL) {\n"
                "    struct node *n = list;\n"
                "    list = n->next;\n"
                "    sum = sum * 31 + n->v;\n"
                "    count++;\n"
                "    free(n);\n"
                "  }\n"
                "  printf(\"%%u %%u %%u\\n\", h, sum, count);\n"
                "  return 0;\n"
                "}\n",
                GEN_ROUNDS, GEN_FUNCS);
  return b.s;
}

// gen_expected computes what the generated program prints.
static char *gen_expected(void) {
  enum { N = GEN_FUNCS * GEN_ROUNDS };
  unsigned *vs = xmalloc(N * sizeof *vs), h = 1, sum = 0;
  for (unsigned k = 0; k < N; k++)
    vs[k] = h = gen_f(k % GEN_FUNCS, h);
  for (unsigned k = N; k-- > 0;) // the list holds the last value first
    sum = sum * 31 + vs[k];
  free(vs);
  strbuf b = {0};
  strbuf_printf(&b, "%u %u %u\n", h, sum, (unsigned)N);
  return b.s;
}

START_TEST(gcc_O2_program) {
  char *dir = scratch_dir("gen");
  char *src = path_join(dir, "gen.c"), *text = gen_program();
  write_text(src, text);
  spawn_result r = run(dir, true, NULL, "gcc", "-O2", "-Wall", "-Wextra", "-o",
                       "gen", "gen.c", NULL);
  expect_output(&r, "gcc -O2 -o gen gen.c", "");
  spawn_result_free(&r);
  char *gen = path_join(dir, "gen"), *want = gen_expected();
  r = run(dir, true, NULL, gen, NULL);
  expect_output(&r, "./gen (built by gcc -O2 on the library)", want);
  spawn_result_free(&r);
  free(want);
  free(gen);
  free(text);
  free(src);
  free(dir);
}
END_TEST

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: check_preload LIBESCRT_MALLOC_SO\n");
    return 2;
  }
  // The maps and dladdr show the library's real path; LD_PRELOAD must not
  // depend on the directory a child runs in.
  preload_so = realpath(argv[1], NULL);
  if (preload_so == NULL) {
    fprintf(stderr, "check_preload: %s: %s\n", argv[1], strerror(errno));
    return 2;
  }
  Suite *s = suite_create("preload");
  TCase *tc = tcase_create("preload");
  tcase_add_unchecked_fixture(tc, scratch_init, scratch_cleanup);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, preload_in_use);
  tcase_add_test(tc, malloc_interposed);
  tcase_add_test(tc, ls_usr_include);
  tcase_add_test(tc, python_dict);
  tcase_add_test(tc, cmake_version);
  tcase_add_test(tc, gcc_hello);
  tcase_add_test(tc, gcc_O2_program);
  suite_add_tcase(s, tc);
  int rc = suite_run(s, NULL);
  free(preload_so);
  return rc;
}

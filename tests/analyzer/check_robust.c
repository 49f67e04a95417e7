// check_robust: escape-check must survive any input, under the sanitizers.
//
// usage: check_robust ESCAPE_CHECK mutations FILE...
//        check_robust ESCAPE_CHECK sqlite
//
// "mutations" takes each FILE (tests/analyzer/corpus/*.c and samples/*.c) and
// derives broken versions of it: TRUNCATIONS cuts at evenly spaced byte
// offsets (from the empty file up), and MUTATIONS copies each edited by one
// to four operations drawn from a linear congruential generator seeded with
// the file's name (tests/support/mutate.c): flip a bit, insert a byte, delete
// a run, duplicate a run, insert a token such as "{", "}", "*", "&", "(" or
// ";". The same file always gets the same variants, so a failure reproduces.
// escape-check runs on all variants of a file at once, in -m=2 and in check
// mode; it must exit by itself with 0, 1, 2 or 3 — never a signal, a
// time-out, a crash that its supervising process caught and named, or exit
// status 99, the code the sanitizers are told to use
// (env_with_sanitizer_exitcode). Running 80 files per process keeps the whole
// suite within a couple of minutes on two cores; when a batch fails, each
// variant is re-run alone to name the culprits, which are copied to
// ESCAPE_ROBUST_FAILURES for replay.
//
// "sqlite" runs escape-check -m=2 and check mode on the SQLite amalgamation
// (ESCAPE_SQLITE_C, fetched by scripts/fetch-sqlite.sh): a 270,000-line
// real program. It must parse without errors, exit normally with 0 or 1, and
// report something. A missing amalgamation is a failure, not a skip: CI must
// not pass by not running the largest test.
#include "harness.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ESCAPE_SQLITE_C
#error "define ESCAPE_SQLITE_C to the path of third_party/sqlite/sqlite3.c"
#endif
#ifndef ESCAPE_ROBUST_FAILURES
#define ESCAPE_ROBUST_FAILURES "robust-failures"
#endif

// Variants per file. 40 truncations make every cut fall in a different
// declaration of a 40-line sample; 40 mutations of 1-4 edits each give ~100
// edits per file. Raise both freely: the cost is one more parse per variant.
enum { TRUNCATIONS = 40, MUTATIONS = 40, VARIANTS = TRUNCATIONS + MUTATIONS };

// Seconds allowed: a batch of VARIANTS files (normally a few seconds under
// ASan), one variant alone, all the re-runs that isolate a failing batch's
// culprits (so that a hang on every variant still ends with a report), and
// one sqlite run.
enum {
  BATCH_TIMEOUT = 120,
  SINGLE_TIMEOUT = 30,
  ISOLATE_BUDGET = 120,
  SQLITE_TIMEOUT = 420
};

static const char *escape_check; // the binary under test
static char **inputs;            // the files to mutate

// The two modes every variant is run in; NULL means check mode.
static const char *const modes[] = {"-m=2", NULL};

// ---------------------------------------------------------------------------
// Variants
// ---------------------------------------------------------------------------

// variant is one broken copy of an input file.
typedef struct variant {
  char *path; // where it was written
  char *what; // how it was made, e.g. "truncated at byte 120 of 845"
} variant;

// seed is the mutation k of the file at path (tests/support/lcg.c).
static lcg seed(const char *path, int k) {
  return lcg_for_file(path, (uint64_t)k << 32);
}

// add_variant writes data as dir/name and appends it to vs.
static void add_variant(variant *v, const char *dir, const char *name,
                        const strbuf *data, const strbuf *what) {
  v->path = path_join(dir, name);
  v->what = xstrdup(strbuf_str(what));
  write_file(v->path, strbuf_str(data), data->len);
}

// make_variants writes the VARIANTS broken copies of src into dir.
static void make_variants(const char *path, const strbuf *src, const char *dir,
                          variant *vs) {
  char name[32];
  for (int k = 0; k < TRUNCATIONS; k++) {
    size_t cut = src->len * (size_t)k / TRUNCATIONS;
    strbuf data = {0}, what = {0};
    strbuf_append(&data, strbuf_str(src), cut);
    strbuf_printf(&what, "truncated at byte %zu of %zu", cut, src->len);
    snprintf(name, sizeof name, "t%02d.c", k);
    add_variant(&vs[k], dir, name, &data, &what);
    strbuf_free(&data);
    strbuf_free(&what);
  }
  for (int k = 0; k < MUTATIONS; k++) {
    lcg r = seed(path, k);
    strbuf data = {0}, what = {0};
    strbuf_append(&data, strbuf_str(src), src->len);
    strbuf_printf(&what, "mutation %d:", k);
    for (int n = 1 + (int)lcg_below(&r, 4); n > 0; n--)
      mutate_edit(&r, &data, &what);
    snprintf(name, sizeof name, "m%02d.c", k);
    add_variant(&vs[TRUNCATIONS + k], dir, name, &data, &what);
    strbuf_free(&data);
    strbuf_free(&what);
  }
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

// run_escape_check runs the binary in mode on paths[0..n) with the
// sanitizers' exit code set to SANITIZER_EXITCODE.
static spawn_result run_escape_check(const char *mode, char *const *paths,
                                     size_t n, int timeout) {
  strvec argv = {0};
  strvec_push(&argv, escape_check);
  if (mode != NULL)
    strvec_push(&argv, mode);
  for (size_t i = 0; i < n; i++)
    strvec_push(&argv, paths[i]);
  char **env = env_with_sanitizer_exitcode();
  spawn_opts o = {
      .envp = env, .timeout_ms = timeout * 1000, .max_capture = 1 << 20};
  spawn_result r;
  spawn_run(argv.v, &o, &r);
  env_free(env);
  strvec_free(&argv);
  return r;
}

// sanitizer_report reports whether stderr holds a sanitizer's report, in
// case one was made with an exit status other than SANITIZER_EXITCODE.
static bool sanitizer_report(const spawn_result *r) {
  static const char *const marks[] = {
      "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
      "ERROR: UndefinedBehaviorSanitizer", ": runtime error: "};
  for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
    if (strstr(strbuf_str(&r->err), marks[i]) != NULL)
      return true;
  return false;
}

// survived reports whether escape-check ended the way any input allows:
// by itself, with a status of its own (3 for a file clang rejects), and
// without a crash that its supervising process caught and reported.
static bool survived(const spawn_result *r) {
  return spawn_exited(r) && r->status <= 3 && !sanitizer_report(r) &&
         !strstr(strbuf_str(&r->err), "crashed on it (") &&
         !strstr(strbuf_str(&r->err), "the analysis crashed (");
}

// excerpt appends up to max lines of stderr that name a sanitizer error
// (its first line, its stack, its summary), or the start of stderr if none
// does.
static void excerpt(strbuf *b, const spawn_result *r, int max) {
  const char *e = strbuf_str(&r->err);
  int shown = 0;
  for (const char *p = e; *p && shown < max;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char *line = xstrndup(p, n);
    if (strstr(line, "ERROR") || strstr(line, "SUMMARY") ||
        strstr(line, "runtime error") || (max > 1 && strstr(line, "    #"))) {
      strbuf_printf(b, "      %s\n", line);
      shown++;
    }
    free(line);
    p += nl ? n + 1 : n;
  }
  if (shown == 0 && r->err.len > 0)
    strbuf_printf(b, "      %.300s\n", e);
}

// keep copies a failing variant to ESCAPE_ROBUST_FAILURES and returns the
// copy's path.
static char *keep(const char *input, const variant *v) {
  make_dirs(ESCAPE_ROBUST_FAILURES);
  const char *base = strrchr(input, '/') ? strrchr(input, '/') + 1 : input;
  const char *vname = strrchr(v->path, '/') + 1;
  strbuf dst = {0}, data = {0};
  size_t stem = strlen(base) > 2 ? strlen(base) - 2 : strlen(base);
  strbuf_printf(&dst, "%s/%.*s.%s", ESCAPE_ROBUST_FAILURES, (int)stem, base,
                vname);
  if (read_file(v->path, &data))
    write_file(dst.s, strbuf_str(&data), data.len);
  strbuf_free(&data);
  return dst.s;
}

// isolate re-runs each variant alone after its batch failed and reports
// those that fail alone, for at most ISOLATE_BUDGET seconds. It returns how
// many it reported.
static int isolate(const char *input, const char *mode, const variant *vs,
                   strbuf *problems) {
  int failed = 0;
  double spent = 0;
  char how[128];
  for (int i = 0; i < VARIANTS; i++) {
    if (spent > ISOLATE_BUDGET) {
      strbuf_printf(problems, "  (%d variants not re-run: out of time)\n",
                    VARIANTS - i);
      return failed + 1;
    }
    spawn_result r = run_escape_check(mode, &vs[i].path, 1, SINGLE_TIMEOUT);
    spent += r.seconds;
    if (!survived(&r)) {
      char *kept = keep(input, &vs[i]);
      strbuf_printf(problems, "  %s [%s]: %s\n    replay: %s %s %s\n",
                    vs[i].what, mode ? mode : "check mode",
                    spawn_describe(&r, how, sizeof how), escape_check,
                    mode ? mode : "", kept);
      excerpt(problems, &r, failed < 3 ? 8 : 1); // details for the first few
      free(kept);
      failed++;
    }
    spawn_result_free(&r);
  }
  return failed;
}

// run_batch runs all variants in one mode and adds what failed to problems.
static void run_batch(const char *input, const char *mode, const variant *vs,
                      strbuf *problems) {
  char *paths[VARIANTS];
  for (int i = 0; i < VARIANTS; i++)
    paths[i] = vs[i].path;
  spawn_result r = run_escape_check(mode, paths, VARIANTS, BATCH_TIMEOUT);
  if (!survived(&r) && isolate(input, mode, vs, problems) == 0) {
    char how[128];
    strbuf_printf(problems,
                  "  all %d variants at once [%s]: %s, though each alone "
                  "passes\n",
                  VARIANTS, mode ? mode : "check mode",
                  spawn_describe(&r, how, sizeof how));
    excerpt(problems, &r, 8);
  }
  spawn_result_free(&r);
}

START_TEST(mutations) {
  const char *input = inputs[_i];
  strbuf src = {0}, problems = {0};
  ck_assert_msg(read_file(input, &src), "cannot read %s", input);
  char *dir = scratch_dir("robust");
  variant vs[VARIANTS];
  make_variants(input, &src, dir, vs);
  for (size_t m = 0; m < sizeof modes / sizeof *modes; m++)
    run_batch(input, modes[m], vs, &problems);
  for (int i = 0; i < VARIANTS; i++) {
    free(vs[i].path);
    free(vs[i].what);
  }
  free(dir);
  strbuf_free(&src);
  clip(&problems, SUITE_MAX_MESSAGE - 256);
  ck_assert_msg(problems.len == 0, "escape-check failed on variants of %s:\n%s",
                input, strbuf_str(&problems));
  strbuf_free(&problems);
}
END_TEST

// ---------------------------------------------------------------------------
// SQLite
// ---------------------------------------------------------------------------

// sqlite_run checks one run of escape-check on the amalgamation.
static void sqlite_run(const char *mode) {
  char *path = ESCAPE_SQLITE_C;
  spawn_result r = run_escape_check(mode, &path, 1, SQLITE_TIMEOUT);
  char how[128];
  strbuf err = {0};
  excerpt(&err, &r, 12);
  bool clean = strstr(strbuf_str(&r.err), "error:") == NULL;
  ck_assert_msg(survived(&r) && r.status <= 1 && clean && r.out_total > 0,
                "escape-check %s %s: %s after %.0f s, %zu bytes on stdout "
                "(want exit status 0 or 1, a clean parse, some output); "
                "stderr:\n%s",
                mode ? mode : "(check mode)", path,
                spawn_describe(&r, how, sizeof how), r.seconds, r.out_total,
                strbuf_str(&err));
  printf("escape-check %s sqlite3.c: %s, %zu bytes of reports, %.1f s\n",
         mode ? mode : "(check mode)", spawn_describe(&r, how, sizeof how),
         r.out_total, r.seconds);
  strbuf_free(&err);
  spawn_result_free(&r);
}

START_TEST(sqlite) {
  ck_assert_msg(file_exists(ESCAPE_SQLITE_C),
                "%s is missing: run scripts/fetch-sqlite.sh (scripts/setup.sh "
                "test does it before ctest)",
                ESCAPE_SQLITE_C);
  for (size_t m = 0; m < sizeof modes / sizeof *modes; m++)
    sqlite_run(modes[m]);
}
END_TEST

// ---------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------

// nested_source writes a C function of the given shape, nested n deep.
static char *nested_source(const char *dir, const char *shape, int n) {
  strbuf b = {0};
  if (strcmp(shape, "else-if") == 0) {
    strbuf_printf(&b, "int f(int a) {\n  if (a == 0) return 0;\n");
    for (int i = 1; i < n; i++)
      strbuf_printf(&b, "  else if (a == %d) return %d;\n", i, i);
    strbuf_printf(&b, "  return -1;\n}\n");
  } else {
    strbuf_printf(&b, "int f(int a) {\n  return a");
    for (int i = 1; i < n; i++)
      strbuf_printf(&b, " + a");
    strbuf_printf(&b, ";\n}\n");
  }
  size_t len = strlen(dir) + strlen(shape) + 4;
  char *path = malloc(len);
  ck_assert_ptr_nonnull(path);
  snprintf(path, len, "%s/%s.c", dir, shape);
  FILE *f = fopen(path, "w");
  ck_assert_msg(f != NULL, "cannot write %s", path);
  fputs(strbuf_str(&b), f);
  fclose(f);
  strbuf_free(&b);
  return path;
}

// nesting: code nested far deeper than any stack frame per level allows
// (a 30,000-arm else-if chain, a 50,000-term sum) is analyzed, the function
// given up on soundly with a note, never a crash.
START_TEST(nesting) {
  static const char *const shapes[] = {"else-if", "sum"};
  static const int depth[] = {30000, 50000};
  char *dir = scratch_dir("nesting");
  for (int i = 0; i < 2; i++) {
    char *path = nested_source(dir, shapes[i], depth[i]);
    spawn_result r = run_escape_check("-m", &path, 1, SQLITE_TIMEOUT);
    char how[128];
    strbuf err = {0};
    excerpt(&err, &r, 12);
    ck_assert_msg(survived(&r) && r.status == 0 &&
                      strstr(strbuf_str(&r.err), "escape-check: note: 'f' "
                                                 "nests deeper than") != NULL,
                  "%s nested %d deep: %s; want status 0 and the nesting "
                  "note; stderr:\n%s",
                  shapes[i], depth[i], spawn_describe(&r, how, sizeof how),
                  strbuf_str(&err));
    strbuf_free(&err);
    spawn_result_free(&r);
    free(path);
  }
  free(dir);
}
END_TEST

int main(int argc, char **argv) {
  bool muts = argc >= 4 && strcmp(argv[2], "mutations") == 0;
  bool lite = argc == 3 && strcmp(argv[2], "sqlite") == 0;
  bool deep = argc == 3 && strcmp(argv[2], "nesting") == 0;
  if (!muts && !lite && !deep) {
    fprintf(stderr, "usage: check_robust ESCAPE_CHECK mutations FILE...\n"
                    "       check_robust ESCAPE_CHECK sqlite\n"
                    "       check_robust ESCAPE_CHECK nesting\n");
    return 2;
  }
  escape_check = argv[1];
  inputs = argv + 3;
  Suite *s = suite_create("robust");
  TCase *tc = tcase_create(argv[2]);
  tcase_add_unchecked_fixture(tc, scratch_init, scratch_cleanup);
  if (muts) {
    tcase_set_timeout(
        tc, 2 * (BATCH_TIMEOUT + ISOLATE_BUDGET + SINGLE_TIMEOUT) + 60);
    tcase_add_loop_test(tc, mutations, 0, argc - 3);
  } else if (lite) {
    tcase_set_timeout(tc, 2 * SQLITE_TIMEOUT + 40);
    tcase_add_test(tc, sqlite);
  } else {
    tcase_set_timeout(tc, 2 * SQLITE_TIMEOUT + 40);
    tcase_add_test(tc, nesting);
  }
  suite_add_tcase(s, tc);
  return suite_run(s, NULL);
}

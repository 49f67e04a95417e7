// check_sqlite: escape-cc on the SQLite amalgamation.
//
//   check_sqlite ESCAPE-CC
//
// sqlite3.c (scripts/fetch-sqlite.sh) is one 250,000-line unit whose
// analysis moves hundreds of locals to heap. Built by escape-cc, strict,
// with each real compiler, it must compile with nothing on stderr, and a
// program running SQL on it (tables, a recursive CTE, an index, joins,
// aggregates, printf) must print exactly what the same program prints
// built by the real compiler alone.
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ESCAPE_SQLITE_DIR
#error "ESCAPE_SQLITE_DIR must name the directory of sqlite3.c"
#endif

static const char *escape_cc;

static const char program[] =
    "#include \"sqlite3.h\"\n"
    "#include <stdio.h>\n"
    "static int row(void *u, int n, char **v, char **c) {\n"
    "  (void)u; (void)c;\n"
    "  for (int i = 0; i < n; i++)\n"
    "    printf(\"%s%s\", i ? \"|\" : \"\", v[i] ? v[i] : \"NULL\");\n"
    "  printf(\"\\n\");\n"
    "  return 0;\n"
    "}\n"
    "int main(void) {\n"
    "  sqlite3 *db;\n"
    "  if (sqlite3_open(\":memory:\", &db)) return 1;\n"
    "  const char *sql =\n"
    "    \"create table t(a integer primary key, b text, c real);\"\n"
    "    \"with recursive n(x) as (select 1 union all select x + 1 from n\"\n"
    "    \" where x < 2000) insert into t select x, printf('row %05d', x),\"\n"
    "    \" x * 0.5 from n;\"\n"
    "    \"select count(*), sum(a), max(b), total(c) from t;\"\n"
    "    \"create index tb on t(b);\"\n"
    "    \"select a, c from t where b = 'row 01777';\"\n"
    "    \"create table u(k integer, v text);\"\n"
    "    \"insert into u select a % 7, upper(b) from t where a % 13 = 0;\"\n"
    "    \"select k, count(*), group_concat(v, ',') from u group by k\"\n"
    "    \" order by k limit 3;\"\n"
    "    \"select t.a, u.v from t join u on t.a = u.k * 100 order by 1;\"\n"
    "    \"update t set b = b || '!' where a between 10 and 12;\"\n"
    "    \"select b from t where a between 9 and 13 order by a desc;\"\n"
    "    \"delete from t where a > 100;\"\n"
    "    \"select count(*), avg(c) from t;\";\n"
    "  char *err = 0;\n"
    "  if (sqlite3_exec(db, sql, row, 0, &err)) {\n"
    "    printf(\"error: %s\\n\", err);\n"
    "    return 1;\n"
    "  }\n"
    "  sqlite3_close(db);\n"
    "  return 0;\n"
    "}\n";

static char **env_for(const char *cc) {
  extern char **environ;
  strvec env = {0};
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "ESCAPE_REAL_CC=", 15) && strncmp(*e, "ESCAPE_CC_STRICT=", 17))
      strvec_push(&env, *e);
  strbuf b = {0};
  strbuf_printf(&b, "ESCAPE_REAL_CC=%s", cc);
  strvec_push(&env, strbuf_str(&b));
  strvec_push(&env, "ESCAPE_CC_STRICT=1");
  strbuf_free(&b);
  return env.v;
}

// build runs driver (a real compiler or escape-cc) on the amalgamation and
// the program, and returns its stderr (owned by the caller).
static char *build(const char *driver, const char *cc, const char *dir,
                   const char *exe, bool report) {
  char *main_c = path_join(dir, "main.c");
  write_text(main_c, program);
  strvec argv = {0};
  strvec_push(&argv, driver);
  if (report)
    strvec_push(&argv, "-m");
  const char *flags[] = {"-O0", "-DSQLITE_THREADSAFE=0",
                         "-DSQLITE_OMIT_LOAD_EXTENSION", "-I" ESCAPE_SQLITE_DIR,
                         ESCAPE_SQLITE_DIR "/sqlite3.c", NULL};
  for (int i = 0; flags[i]; i++)
    strvec_push(&argv, flags[i]);
  strvec_push(&argv, main_c);
  strvec_push(&argv, "-o");
  strvec_push(&argv, exe);
  strvec_push(&argv, "-lm");
  char **env = env_for(cc);
  spawn_opts o = {.envp = env, .timeout_ms = 600000, .cwd = dir};
  spawn_result r;
  spawn_run(argv.v, &o, &r);
  char why[128];
  ck_assert_msg(spawn_exited(&r) && r.status == 0, "%s (%s): %s\n%.4000s",
                driver, cc, spawn_describe(&r, why, sizeof why),
                strbuf_str(&r.err));
  char *err = xstrdup(strbuf_str(&r.err));
  spawn_result_free(&r);
  env_free(env);
  strvec_free(&argv);
  free(main_c);
  return err;
}

static char *run(const char *exe) {
  char *argv[] = {(char *)exe, NULL};
  spawn_opts o = {.timeout_ms = 120000};
  spawn_result r;
  spawn_run(argv, &o, &r);
  char why[128];
  ck_assert_msg(spawn_exited(&r) && r.status == 0, "%s: %s\n%s", exe,
                spawn_describe(&r, why, sizeof why), strbuf_str(&r.err));
  char *out = xstrdup(strbuf_str(&r.out));
  spawn_result_free(&r);
  return out;
}


static void check_with(const char *name) {
  char *cc = find_program(name);
  ck_assert_msg(cc, "%s is not in $PATH", name);
  char *dir = scratch_dir("sqlite");
  char *plain = path_join(dir, "plain"), *moved = path_join(dir, "moved");
  free(build(cc, cc, dir, plain, false));
  char *report = build(escape_cc, cc, dir, moved, true);
  // -m reports on stderr, and nothing else is there.
  int heap = 0;
  for (const char *p = report; (p = strstr(p, ": moved to heap: ")); p++)
    heap++;
  ck_assert_msg(!strstr(report, "escape-cc:") && !strstr(report, "error") &&
                    !strstr(report, "warning"),
                "escape-cc printed more than its report:\n%.4000s", report);
  ck_assert_msg(heap >= 100, "only %d locals moved to heap in sqlite3.c", heap);
  char *want = run(plain), *got = run(moved);
  ck_assert_msg(!strcmp(want, got), "output differs.\n--- escape-cc\n%s--- %s\n%s",
                got, cc, want);
  ck_assert_msg(strstr(want, "2000|2001000|row 02000|1000500.0"),
                "unexpected output:\n%s", want);
  free(report);
  free(want);
  free(got);
  free(plain);
  free(moved);
  free(dir);
  free(cc);
}

START_TEST(with_gcc) { check_with("gcc"); }
END_TEST

START_TEST(with_clang) { check_with("clang"); }
END_TEST

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: check_sqlite ESCAPE-CC [TEST]\n");
    return 2;
  }
  escape_cc = argv[1];
  Suite *s = suite_create("sqlite");
  TCase *g = suite_add_test(s, "gcc", with_gcc, 900);
  TCase *c = suite_add_test(s, "clang", with_clang, 900);
  tcase_add_unchecked_fixture(g, scratch_init, scratch_cleanup);
  tcase_add_unchecked_fixture(c, scratch_init, scratch_cleanup);
  return suite_main(s, argc - 1, argv + 1);
}

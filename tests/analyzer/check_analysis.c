// check_analysis: the analyzer end to end, through the library, without
// the command line.
//
// Each test parses a snippet held in memory as t.c, runs analyze_unit on
// it, and compares what flush_reports prints with the exact text, in -m
// (Go's verdicts), -m=2 (with the flows that prove them) and check mode
// (warnings, whose count flush_reports returns). The batch order is tested
// on its own: compute_sccs must hand over callees before callers, and the
// functions of a recursive cycle together.
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

// analyze runs the analysis on text as t.c with options m and explain, and
// returns what flush_reports printed (to be freed); *warnings is its count.
static char *analyze(const char *text, int m, bool explain, int *warnings) {
  snippet s;
  snippet_open(&s, "t.c", text);
  options opt = {.m = m, .explain = explain};
  unit u = {0};
  u.tu = s.tu;
  u.path = "t.c";
  u.opt = &opt;
  analyze_unit(&u); // frees everything of u but its reports
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  ck_assert_ptr_nonnull(f);
  *warnings = flush_reports(&u, f);
  fclose(f);
  ck_assert_ptr_null(u.reports);
  snippet_close(&s);
  return out;
}

// expect_m checks the -m output for text, and that it holds no warning.
static void expect_m(const char *text, const char *want) {
  int warnings = -1;
  char *got = analyze(text, 1, false, &warnings);
  ck_assert_str_eq(got, want);
  ck_assert_int_eq(warnings, 0);
  free(got);
}

// ---------------------------------------------------------------------------
// -m
// ---------------------------------------------------------------------------

START_TEST(returned_address_moves_to_heap) {
  expect_m("int *f(void) {\n"
           "  int x;\n"
           "  return &x;\n"
           "}\n",
           "t.c:2:7: moved to heap: x\n");
}
END_TEST

START_TEST(address_stored_in_global_moves_to_heap) {
  expect_m("int *g;\n"
           "void f(void) {\n"
           "  int x;\n"
           "  g = &x;\n"
           "}\n",
           "t.c:3:7: moved to heap: x\n");
}
END_TEST

START_TEST(address_used_locally_stays) {
  expect_m("int f(void) {\n"
           "  int x = 1;\n"
           "  int *p = &x;\n"
           "  return *p;\n"
           "}\n",
           "");
}
END_TEST

START_TEST(returned_param_leaks_to_result) {
  expect_m("int *id(int *p) { return p; }\n",
           "t.c:1:14: leaking param: p to result ~r0 level=0\n");
}
END_TEST

START_TEST(param_written_through_does_not_escape) {
  expect_m("void g(int *p) { *p = 1; }\n", "t.c:1:13: p does not escape\n");
}
END_TEST

START_TEST(callee_summary_applies_at_the_call) {
  expect_m("int *id(int *p) { return p; }\n"
           "int *f(void) {\n"
           "  int x;\n"
           "  return id(&x);\n"
           "}\n",
           "t.c:1:14: leaking param: p to result ~r0 level=0\n"
           "t.c:3:7: moved to heap: x\n");
}
END_TEST

START_TEST(annotation_leak_on_a_bodyless_callee) {
  expect_m("void keep(void *p __attribute__((annotate(\"escape:leak\"))));\n"
           "void f(void) {\n"
           "  int x;\n"
           "  keep(&x);\n"
           "}\n",
           "t.c:3:7: moved to heap: x\n");
}
END_TEST

START_TEST(annotation_noescape_on_a_bodyless_callee) {
  expect_m(
      "void look(void *p __attribute__((annotate(\"escape:noescape\"))));\n"
      "void f(void) {\n"
      "  int x;\n"
      "  look(&x);\n"
      "}\n",
      "");
}
END_TEST

START_TEST(malloc_kept_local_and_malloc_returned) {
  expect_m("void *malloc(unsigned long);\n"
           "void f(void) {\n"
           "  int *p = malloc(4);\n"
           "  *p = 1;\n"
           "}\n"
           "int *g(void) {\n"
           "  return malloc(4);\n"
           "}\n",
           "t.c:3:12: malloc(4) does not escape\n"
           "t.c:7:10: malloc(4) escapes to heap\n");
}
END_TEST

START_TEST(memcpy_model_copies_into_the_destination) {
  expect_m("void *memcpy(void *d, const void *s, unsigned long n);\n"
           "void f(int **dst) {\n"
           "  int x;\n"
           "  int *p = &x;\n"
           "  memcpy(dst, &p, sizeof p);\n"
           "}\n",
           "t.c:2:14: dst does not escape\n"
           "t.c:3:7: moved to heap: x\n");
}
END_TEST

START_TEST(analyzing_twice_reports_the_same) {
  static const char text[] = "int *id(int *p) { return p; }\n"
                             "int *f(void) {\n"
                             "  int x;\n"
                             "  return id(&x);\n"
                             "}\n";
  int w1 = -1, w2 = -1;
  char *first = analyze(text, 1, false, &w1);
  char *second = analyze(text, 1, false, &w2);
  ck_assert_str_eq(second, first);
  ck_assert_int_eq(w2, w1);
  free(first);
  free(second);
}
END_TEST

// ---------------------------------------------------------------------------
// -m=2 and check mode
// ---------------------------------------------------------------------------

static const char two_escapes[] = "int *g;\n"
                                  "void f(void) {\n"
                                  "  int x;\n"
                                  "  g = &x;\n"
                                  "}\n"
                                  "int *h(void) {\n"
                                  "  int y;\n"
                                  "  return &y;\n"
                                  "}\n";

START_TEST(m2_explains_each_escape) {
  int warnings = -1;
  char *got = analyze(two_escapes, 2, true, &warnings);
  ck_assert_str_eq(got, "t.c:3:7: x escapes to heap:\n"
                        "t.c:3:7:   flow: {heap} = &x:\n"
                        "t.c:3:7:     from &x (address-of) at t.c:4:7\n"
                        "t.c:3:7:     from g = &x (assign) at t.c:4:3\n"
                        "t.c:3:7: moved to heap: x\n"
                        "t.c:7:7: y escapes to heap:\n"
                        "t.c:7:7:   flow: ~r0 = &y:\n"
                        "t.c:7:7:     from &y (address-of) at t.c:8:10\n"
                        "t.c:7:7:     from return &y (return) at t.c:8:3\n"
                        "t.c:7:7: moved to heap: y\n");
  ck_assert_int_eq(warnings, 0);
  free(got);
}
END_TEST

START_TEST(check_mode_warns_and_counts) {
  int warnings = -1;
  char *got = analyze(two_escapes, 0, true, &warnings);
  ck_assert_str_eq(
      got,
      "t.c:4:7: warning: address of local variable 'x' escapes: stored in "
      "global 'g' [-Wescape-global]\n"
      "t.c:4:7: note: flow: global 'g' = &x, from &x (address-of)\n"
      "t.c:4:3: note: flow: global 'g' = &x, from g = &x (assign)\n"
      "t.c:5:1: note: 'g' still holds the address when 'f' returns\n"
      "t.c:3:7: note: local variable 'x' declared here\n"
      "t.c:8:10: warning: address of local variable 'y' escapes: returned to "
      "caller [-Wescape-return]\n"
      "t.c:8:10: note: flow: the return value = &y, from &y (address-of)\n"
      "t.c:8:3: note: flow: the return value = &y, from return &y (return)\n"
      "t.c:8:3: note: returned here\n"
      "t.c:7:7: note: local variable 'y' declared here\n");
  ck_assert_int_eq(warnings, 2);
  free(got);
}
END_TEST

START_TEST(check_mode_names_the_thread_escape) {
  int warnings = -1;
  char *got = analyze(
      "typedef unsigned long pthread_t;\n"
      "int pthread_create(pthread_t *t, const void *a, void *(*fn)(void *),\n"
      "                   void *arg);\n"
      "void *work(void *arg) { return 0; }\n"
      "void f(void) {\n"
      "  pthread_t t;\n"
      "  int x;\n"
      "  pthread_create(&t, 0, work, &x);\n"
      "}\n",
      0, true, &warnings);
  ck_assert_str_eq(got, "t.c:8:31: warning: address of local variable 'x' "
                        "escapes: handed to another thread [-Wescape-thread]\n"
                        "t.c:8:31: note: flow: a temporary = &x, from &x "
                        "(address-of)\n"
                        "t.c:8:3: note: flow: a temporary = &x, from "
                        "pthread_create(&t, 0, work, &x) (call parameter)\n"
                        "t.c:8:3: note: flow: another thread = a temporary, "
                        "from pthread_create(&t, 0, work, &x) (call "
                        "parameter)\n"
                        "t.c:7:7: note: local variable 'x' declared here\n");
  ck_assert_int_eq(warnings, 1);
  free(got);
}
END_TEST

START_TEST(check_mode_warns_about_a_pointer_outliving_its_block) {
  int warnings = -1;
  char *got = analyze("void f(void) {\n"
                      "  int *p;\n"
                      "  {\n"
                      "    int x;\n"
                      "    p = &x;\n"
                      "  }\n"
                      "  *p = 1;\n"
                      "}\n",
                      0, true, &warnings);
  ck_assert_str_eq(got, "t.c:5:9: warning: address of local variable 'x' "
                        "escapes: stored in 'p', which outlives it "
                        "[-Wescape-scope]\n"
                        "t.c:5:9: note: flow: p = &x, from &x (address-of)\n"
                        "t.c:5:5: note: flow: p = &x, from p = &x (assign)\n"
                        "t.c:6:3: note: 'p' still holds the address when the "
                        "block ends\n"
                        "t.c:4:9: note: local variable 'x' declared here\n");
  ck_assert_int_eq(warnings, 1);
  free(got);
}
END_TEST

// Save, run, restore (Lua's luaD_rawrunprotected), with and without an
// early return that skips the restore.
static const char save_restore[] = "struct jb { struct jb *prev; };\n"
                                   "struct st { struct jb *top; };\n"
                                   "void run(struct st *L);\n"
                                   "int f(struct st *L, int c) {\n"
                                   "  struct jb j;\n"
                                   "  j.prev = L->top;\n"
                                   "  L->top = &j;\n"
                                   "  if (c)\n"
                                   "    return 1;\n"
                                   "  run(L);\n"
                                   "  L->top = j.prev;\n"
                                   "  return 0;\n"
                                   "}\n";

START_TEST(check_mode_points_where_a_store_is_still_held) {
  int warnings = -1;
  char *got = analyze(save_restore, 0, true, &warnings);
  ck_assert_str_eq(got, "t.c:7:12: warning: address of local variable 'j' "
                        "escapes: stored through parameter 'L' "
                        "[-Wescape-param]\n"
                        "t.c:7:12: note: flow: *L = &j, from &j (address-of)\n"
                        "t.c:7:3: note: flow: *L = &j, from L->top = &j "
                        "(assign)\n"
                        "t.c:7:6: note: flow: *L = &j, from L->top "
                        "(indirection)\n"
                        "t.c:9:5: note: 'L->top' still holds the address when "
                        "'f' returns\n"
                        "t.c:5:13: note: local variable 'j' declared here\n");
  ck_assert_int_eq(warnings, 1);
  free(got);
}
END_TEST

START_TEST(check_mode_ignores_a_store_undone_on_every_path) {
  // Without the early return, every path restores L->top; -m keeps Go's
  // flow-insensitive verdict, which escape-cc acts on.
  char text[sizeof save_restore];
  const char *cut = strstr(save_restore, "  if (c)");
  const char *rest = strstr(save_restore, "  run(L)");
  snprintf(text, sizeof text, "%.*s%s", (int)(cut - save_restore), save_restore,
           rest);
  int warnings = -1;
  char *got = analyze(text, 0, true, &warnings);
  ck_assert_str_eq(got, "");
  ck_assert_int_eq(warnings, 0);
  free(got);
  expect_m(text, "t.c:4:18: leaking param: L\n"
                 "t.c:5:13: moved to heap: j\n");
}
END_TEST

START_TEST(check_mode_without_escapes_prints_nothing) {
  int warnings = -1;
  char *got = analyze("int *id(int *p) { return p; }\n"
                      "int f(void) {\n"
                      "  int x = 1;\n"
                      "  return *id(&x);\n"
                      "}\n",
                      0, true, &warnings);
  ck_assert_str_eq(got, "");
  ck_assert_int_eq(warnings, 0);
  free(got);
}
END_TEST

// ---------------------------------------------------------------------------
// Batch order
// ---------------------------------------------------------------------------

// The batches compute_sccs handed over, in order, each as "[names]" with
// the names of one batch sorted: "[c][b][a]".
static char order[512];

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// record_piece appends fns, one piece of a batch, to order.
static void record_piece(vec *fns) {
  const char *names[16];
  ck_assert_int_le(fns->len, 16);
  for (int i = 0; i < fns->len; i++)
    names[i] = ((func *)fns->items[i])->name;
  qsort(names, (size_t)fns->len, sizeof *names, by_name);
  strcat(order, "[");
  for (int i = 0; i < fns->len; i++) {
    if (i)
      strcat(order, " ");
    strcat(order, names[i]);
  }
  strcat(order, "]");
}

// record_batch records a batch as its piece, or a split one as "{pieces}".
static void record_batch(unit *u, vec *pieces) {
  (void)u;
  if (pieces->len > 1)
    strcat(order, "{");
  for (int i = 0; i < pieces->len; i++)
    record_piece(pieces->items[i]);
  if (pieces->len > 1)
    strcat(order, "}");
}

// batch_order lowers every function of text as analyze_unit does, runs
// compute_sccs with record_batch instead of the solver, frees the unit, and
// returns the recorded order.
static const char *batch_order(const char *text) {
  snippet s;
  snippet_open(&s, "t.c", text);
  options opt = {.m = 1};
  unit u = {0};
  u.tu = s.tu;
  u.path = "t.c";
  u.opt = &opt;
  program p = {0};
  vec_push(&p.units, &u);
  u.prog = &p;
  lower_unit(&u);
  order[0] = '\0';
  compute_sccs(&p, record_batch);
  ck_assert_int_eq(u.nreports, 0);
  free_unit(&u);
  vec_free(&p.units);
  snippet_close(&s);
  return order;
}

// text_stream opens a stream that writes *text, a program being made.
static FILE *text_stream(char **text, size_t *len) {
  *text = NULL;
  *len = 0;
  FILE *f = open_memstream(text, len);
  ck_assert_ptr_nonnull(f);
  return f;
}

// walker_program is a tree walker whose n callbacks walk again: walk() and
// the callbacks form one SCC, held together by the call through the
// field w->cb (a weak edge, callgraph.c). With keeper, one more callback
// keeps p in a global. run() passes walk() a local. Malloc'd.
static char *walker_program(int n, bool keeper) {
  char *text;
  size_t len;
  FILE *f = text_stream(&text, &len);
  fputs("struct walker { int (*cb)(struct walker *w, int *p); };\n"
        "int walk(struct walker *w, int *p) { return w->cb(w, p); }\n"
        "int run(struct walker *w) {\n"
        "  int x = 1;\n"
        "  return walk(w, &x);\n"
        "}\n",
        f);
  for (int i = 0; i < n; i++)
    fprintf(f,
            "static int cb%d(struct walker *w, int *p) "
            "{ return *p ? walk(w, p) : 0; }\n",
            i);
  if (keeper)
    fputs("static int *kept;\n"
          "static int keep(struct walker *w, int *p) { kept = p; return 0; }\n",
          f);
  fputs("void install(struct walker *w, int i) {\n", f);
  for (int i = 0; i < n; i++)
    fprintf(f, "  if (i == %d) w->cb = cb%d;\n", i, i);
  if (keeper)
    fputs("  if (i < 0) w->cb = keep;\n", f);
  fputs("}\n", f);
  fclose(f);
  return text;
}

// Up to MAX_BATCH functions, the cycle is one batch and its fixpoint finds
// that nothing escapes; beyond, it is split by its strong edges and walk()
// is solved before its callbacks: its call through w->cb first uses their
// optimistic summaries, and the pieces are solved again until they settle.
// The same verdicts either way; and a callback that keeps p, solved after
// walk(), makes walk's p leak, and so run's x escape, in check mode too.
START_TEST(large_weak_cycle_is_split) {
  static const char quiet[] = "t.c:2:25: w does not escape\n"
                              "t.c:2:33: p does not escape\n"
                              "t.c:3:24: w does not escape\n";
  static const char kept[] = "t.c:2:25: w does not escape\n"
                             "t.c:2:33: leaking param: p\n"
                             "t.c:3:24: w does not escape\n"
                             "t.c:4:7: moved to heap: x\n";
  static const char kept_warning[] =
      "t.c:4:7: warning: address of local variable 'x' escapes: stored in "
      "global 'kept' (through 'walk') [-Wescape-global]\n"
      "t.c:4:7: note: local variable 'x' declared here\n";
  static const struct {
    int n;
    bool keeper;
    const char *want_m;
    const char *want_check;
  } cases[] = {
      {63, false, quiet, ""},
      {64, false, quiet, ""},
      {63, true, kept, kept_warning},
      {64, true, kept, kept_warning},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *text = walker_program(cases[i].n, cases[i].keeper);
    int warnings = -1;
    char *got = analyze(text, 1, false, &warnings);
    ck_assert_msg(strncmp(got, cases[i].want_m, strlen(cases[i].want_m)) == 0,
                  "%d callbacks: want\n%sgot\n%.300s", cases[i].n,
                  cases[i].want_m, got);
    free(got);
    got = analyze(text, 0, false, &warnings);
    ck_assert_str_eq(got, cases[i].want_check);
    ck_assert_int_eq(warnings, cases[i].keeper ? 1 : 0);
    free(got);
    free(text);
  }
}
END_TEST

// chain_program is a cycle of n functions: f(i+1) calls f(i) by name, so
// f(i) is solved first, and f(i) calls f(i+1) through the field s->c(i+1);
// the last keeps p in a global. Each step of that leak back to f0 needs
// one more pass over the split's pieces. run() passes f0 a local.
// Malloc'd.
static char *chain_program(int n) {
  char *text;
  size_t len;
  FILE *f = text_stream(&text, &len);
  fputs("struct s;\n"
        "typedef int fn(struct s *s, int *p);\n"
        "int f0(struct s *s, int *p);\n"
        "int run(struct s *s) {\n"
        "  int x = 1;\n"
        "  return f0(s, &x);\n"
        "}\n"
        "static int *kept;\n"
        "struct s {\n",
        f);
  for (int i = 0; i < n; i++)
    fprintf(f, "  fn *c%d;\n", i);
  fputs("};\n", f);
  for (int i = 0; i < n; i++) {
    fprintf(f, "int f%d(struct s *s, int *p) {\n", i);
    if (i > 0)
      fprintf(f, "  if (*p) return f%d(s, p);\n", i - 1);
    if (i + 1 < n)
      fprintf(f, "  return s->c%d(s, p);\n}\n", i + 1);
    else
      fputs("  kept = p;\n  return 0;\n}\n", f);
  }
  fputs("void install(struct s *s) {\n", f);
  for (int i = 0; i < n; i++)
    fprintf(f, "  s->c%d = f%d;\n", i, i);
  fputs("}\n", f);
  fclose(f);
  return text;
}

// A leak that needs more passes over a split cycle's pieces than the bound
// allows: the calls between pieces then become unknown calls, so f0's p
// still leaks, and run's x escapes, through the field rather than to the
// global the fixpoint would have reached.
START_TEST(split_cycle_past_its_bound_is_unknown) {
  char *text = chain_program(70);
  int warnings = -1;
  char *got = analyze(text, 0, false, &warnings);
  ck_assert_str_eq(got, "t.c:5:7: warning: address of local variable 'x' "
                        "escapes: passed to unknown function 's->c1' (through "
                        "'f0') [-Wescape-call]\n"
                        "t.c:5:7: note: local variable 'x' declared here\n");
  ck_assert_int_eq(warnings, 1);
  free(got);
  free(text);
  text = chain_program(8); // one batch: its fixpoint reaches the global
  got = analyze(text, 0, false, &warnings);
  ck_assert_str_eq(got, "t.c:5:7: warning: address of local variable 'x' "
                        "escapes: stored in global 'kept' (through 'f0') "
                        "[-Wescape-global]\n"
                        "t.c:5:7: note: local variable 'x' declared here\n");
  free(got);
  free(text);
}
END_TEST

START_TEST(batches_are_bottom_up) {
  // Written top-down, so that source order would be wrong.
  ck_assert_str_eq(batch_order("void b(void);\n"
                               "void c(void);\n"
                               "void a(void) { b(); }\n"
                               "void b(void) { c(); }\n"
                               "void c(void) {}\n"),
                   "[c][b][a]");
}
END_TEST

START_TEST(mutual_recursion_is_one_batch) {
  ck_assert_str_eq(batch_order("void p(int n);\n"
                               "void top(void) { p(3); }\n"
                               "void leaf(void) {}\n"
                               "void q(int n) { if (n) p(n - 1); leaf(); }\n"
                               "void p(int n) { if (n) q(n - 1); }\n"),
                   "[leaf][p q][top]");
}
END_TEST

START_TEST(self_recursion_is_its_own_batch) {
  ck_assert_str_eq(batch_order("void r(int n) { if (n) r(n - 1); }\n"
                               "void s(void) { r(1); }\n"),
                   "[r][s]");
}
END_TEST

START_TEST(calls_through_a_local_function_pointer_order_the_target_first) {
  ck_assert_str_eq(batch_order("void y(void);\n"
                               "void x(void) {\n"
                               "  void (*fp)(void) = y;\n"
                               "  fp();\n"
                               "}\n"
                               "void y(void) {}\n"),
                   "[y][x]");
}
END_TEST

START_TEST(bodyless_callees_are_not_batched) {
  ck_assert_str_eq(batch_order("void ext(void);\n"
                               "void f(void) { ext(); }\n"),
                   "[f]");
}
END_TEST

int main(void) {
  Suite *s = suite_create("analysis");
  TCase *tc = tcase_create("m");
  tcase_add_test(tc, returned_address_moves_to_heap);
  tcase_add_test(tc, address_stored_in_global_moves_to_heap);
  tcase_add_test(tc, address_used_locally_stays);
  tcase_add_test(tc, returned_param_leaks_to_result);
  tcase_add_test(tc, param_written_through_does_not_escape);
  tcase_add_test(tc, callee_summary_applies_at_the_call);
  tcase_add_test(tc, annotation_leak_on_a_bodyless_callee);
  tcase_add_test(tc, annotation_noescape_on_a_bodyless_callee);
  tcase_add_test(tc, malloc_kept_local_and_malloc_returned);
  tcase_add_test(tc, memcpy_model_copies_into_the_destination);
  tcase_add_test(tc, analyzing_twice_reports_the_same);
  suite_add_tcase(s, tc);
  tc = tcase_create("explain and check");
  tcase_add_test(tc, m2_explains_each_escape);
  tcase_add_test(tc, check_mode_warns_and_counts);
  tcase_add_test(tc, check_mode_names_the_thread_escape);
  tcase_add_test(tc, check_mode_warns_about_a_pointer_outliving_its_block);
  tcase_add_test(tc, check_mode_points_where_a_store_is_still_held);
  tcase_add_test(tc, check_mode_ignores_a_store_undone_on_every_path);
  tcase_add_test(tc, check_mode_without_escapes_prints_nothing);
  suite_add_tcase(s, tc);
  tc = tcase_create("batches");
  tcase_add_test(tc, batches_are_bottom_up);
  tcase_add_test(tc, large_weak_cycle_is_split);
  tcase_add_test(tc, split_cycle_past_its_bound_is_unknown);
  tcase_add_test(tc, mutual_recursion_is_one_batch);
  tcase_add_test(tc, self_recursion_is_its_own_batch);
  tcase_add_test(tc,
                 calls_through_a_local_function_pointer_order_the_target_first);
  tcase_add_test(tc, bodyless_callees_are_not_batched);
  suite_add_tcase(s, tc);
  return unit_suite_run(s);
}

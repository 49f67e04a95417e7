// check_leaks: unit tests of analyzer/leaks.c, parameter summaries.
//
// A summary keeps, per destination (the heap, the result, what another
// parameter points to), the fewest dereferences with which the parameter's
// value gets there; -1 for never. leaks_optimize drops the flows a heap
// leak already implies, as Go's leaks.Optimize does. Summaries of functions
// without bodies come from annotations on their parameters, tested here on
// the declarations of a parsed snippet.
#include "unit.h"

// ---------------------------------------------------------------------------
// Summaries
// ---------------------------------------------------------------------------

START_TEST(leaks_init_means_nothing_flows) {
  leaks l;
  memset(&l, 0x55, sizeof l); // init must not rely on zeroed memory
  leaks_init(&l);
  ck_assert_int_eq(l.heap, -1);
  ck_assert_int_eq(l.heap_kind, ESC_NONE);
  ck_assert_ptr_null(l.heap_name);
  ck_assert_int_eq(l.result, -1);
  for (int i = 0; i < MAX_LEAK_PARAMS; i++)
    ck_assert_int_eq(l.content[i], -1);
  ck_assert(leaks_empty(&l));
}
END_TEST

START_TEST(leaks_empty_is_false_for_any_flow) {
  leaks l;
  leaks_init(&l);
  l.heap = 0;
  ck_assert(!leaks_empty(&l));
  leaks_init(&l);
  l.result = 3;
  ck_assert(!leaks_empty(&l));
  leaks_init(&l);
  l.content[0] = 1;
  ck_assert(!leaks_empty(&l));
  leaks_init(&l);
  l.content[MAX_LEAK_PARAMS - 1] = 0; // the last slot counts too
  ck_assert(!leaks_empty(&l));
}
END_TEST

START_TEST(leaks_add_heap_keeps_the_minimum_with_its_kind_and_name) {
  leaks l;
  leaks_init(&l);
  leaks_add_heap(&l, 2, ESC_GLOBAL, "g");
  ck_assert_int_eq(l.heap, 2);
  ck_assert_int_eq(l.heap_kind, ESC_GLOBAL);
  ck_assert_str_eq(l.heap_name, "g");
  leaks_add_heap(&l, 1, ESC_THREAD, NULL); // fewer derefs: replaces all three
  ck_assert_int_eq(l.heap, 1);
  ck_assert_int_eq(l.heap_kind, ESC_THREAD);
  ck_assert_ptr_null(l.heap_name);
  leaks_add_heap(&l, 3, ESC_CALL, "h"); // more derefs: ignored
  ck_assert_int_eq(l.heap, 1);
  ck_assert_int_eq(l.heap_kind, ESC_THREAD);
  ck_assert_ptr_null(l.heap_name);
  leaks_add_heap(&l, 1, ESC_GLOBAL, "h"); // as many: the first one stays
  ck_assert_int_eq(l.heap, 1);
  ck_assert_int_eq(l.heap_kind, ESC_THREAD);
  ck_assert_ptr_null(l.heap_name);
  leaks_add_heap(&l, 0, ESC_HEAP, "k");
  ck_assert_int_eq(l.heap, 0);
  ck_assert_int_eq(l.heap_kind, ESC_HEAP);
  ck_assert_str_eq(l.heap_name, "k");
  ck_assert_int_eq(l.result, -1);
}
END_TEST

START_TEST(leaks_add_result_keeps_the_minimum) {
  leaks l;
  leaks_init(&l);
  leaks_add_result(&l, 3);
  ck_assert_int_eq(l.result, 3);
  leaks_add_result(&l, 1);
  ck_assert_int_eq(l.result, 1);
  leaks_add_result(&l, 2);
  ck_assert_int_eq(l.result, 1);
  leaks_add_result(&l, 0);
  ck_assert_int_eq(l.result, 0);
  ck_assert_int_eq(l.heap, -1);
}
END_TEST

START_TEST(leaks_add_content_keeps_the_minimum_per_parameter) {
  leaks l;
  leaks_init(&l);
  leaks_add_content(&l, 5, 2);
  leaks_add_content(&l, 5, 0);
  leaks_add_content(&l, 5, 1);
  leaks_add_content(&l, MAX_LEAK_PARAMS - 1, 4);
  ck_assert_int_eq(l.content[5], 0);
  ck_assert_int_eq(l.content[MAX_LEAK_PARAMS - 1], 4);
  ck_assert_int_eq(l.content[4], -1);
  ck_assert_int_eq(l.content[6], -1);
  ck_assert_int_eq(l.heap, -1);
  ck_assert_int_eq(l.result, -1);
}
END_TEST

START_TEST(leaks_optimize_drops_flows_the_heap_implies) {
  leaks l;
  leaks_init(&l);
  leaks_add_heap(&l, 1, ESC_GLOBAL, "g");
  leaks_add_result(&l, 1);     // as many derefs as the heap: implied
  leaks_add_content(&l, 0, 0); // fewer: kept
  leaks_add_content(&l, 1, 1); // as many: implied
  leaks_add_content(&l, 2, 3); // more: implied
  leaks_optimize(&l);
  ck_assert_int_eq(l.heap, 1);
  ck_assert_int_eq(l.heap_kind, ESC_GLOBAL);
  ck_assert_str_eq(l.heap_name, "g");
  ck_assert_int_eq(l.result, -1);
  ck_assert_int_eq(l.content[0], 0);
  ck_assert_int_eq(l.content[1], -1);
  ck_assert_int_eq(l.content[2], -1);
}
END_TEST

START_TEST(leaks_optimize_keeps_a_result_with_fewer_derefs) {
  leaks l;
  leaks_init(&l);
  leaks_add_heap(&l, 1, ESC_HEAP, NULL); // leaking param content
  leaks_add_result(&l, 0);               // ... and the pointer itself
  leaks_optimize(&l);
  ck_assert_int_eq(l.heap, 1);
  ck_assert_int_eq(l.result, 0);
}
END_TEST

START_TEST(leaks_optimize_without_a_heap_leak_changes_nothing) {
  leaks l;
  leaks_init(&l);
  leaks_add_result(&l, 2);
  leaks_add_content(&l, 3, 5);
  leaks_optimize(&l);
  ck_assert_int_eq(l.heap, -1);
  ck_assert_int_eq(l.result, 2);
  ck_assert_int_eq(l.content[3], 5);
}
END_TEST

// ---------------------------------------------------------------------------
// Annotations
// ---------------------------------------------------------------------------

static const char annotated[] =
    "#define ESC(what) __attribute__((annotate(\"escape:\" what)))\n"
    "void leak(void *p __attribute__((annotate(\"escape:leak\"))));\n"
    "void noesc(void *p __attribute__((annotate(\"escape:noescape\"))));\n"
    "void content(void **p "
    "__attribute__((annotate(\"escape:leak-content\"))));\n"
    "void *result(void *p __attribute__((annotate(\"escape:result\"))));\n"
    "void thread(void *p __attribute__((annotate(\"escape:thread\"))));\n"
    "void clang_noescape(__attribute__((noescape)) void *p);\n"
    "void plain(void *p);\n"
    "void other(void *p __attribute__((annotate(\"something:else\"))));\n"
    "void *two(void **p __attribute__((annotate(\"escape:result\"),\n"
    "                                   annotate(\"escape:leak-content\"))));\n"
    "void macro(void *p ESC(\"leak\"));\n";

// annotation_of runs leaks_from_annotations on the first parameter of fn.
// Callers start *found at the opposite of what they expect, so that a
// function that never sets it fails.
static void annotation_of(const char *fn, leaks *l, bool *found) {
  snippet s;
  snippet_open(&s, "t.c", annotated);
  unit u = {0};
  u.tu = s.tu;
  CXCursor f = snippet_get(&s, CXCursor_FunctionDecl, fn);
  CXCursor p = clang_Cursor_getArgument(f, 0);
  ck_assert_int_eq(p.kind, CXCursor_ParmDecl);
  memset(l, 0x55, sizeof *l);
  leaks_from_annotations(&u, p, l, found);
  arena_free(&u.arena);
  snippet_close(&s);
}

// expect_summary checks the whole of l: the heap leak, the result flow, and
// no flow into another parameter's pointee.
static void expect_summary(const leaks *l, int heap, escape_kind kind,
                           int result) {
  ck_assert_int_eq(l->heap, heap);
  ck_assert_int_eq(l->heap_kind, kind);
  ck_assert_ptr_null(l->heap_name);
  ck_assert_int_eq(l->result, result);
  for (int i = 0; i < MAX_LEAK_PARAMS; i++)
    ck_assert_int_eq(l->content[i], -1);
}

START_TEST(annotation_leak) {
  leaks l;
  bool found = false;
  annotation_of("leak", &l, &found);
  ck_assert(found);
  expect_summary(&l, 0, ESC_HEAP, -1);
}
END_TEST

START_TEST(annotation_noescape) {
  leaks l;
  bool found = false;
  annotation_of("noesc", &l, &found);
  ck_assert(found);
  expect_summary(&l, -1, ESC_NONE, -1);
  ck_assert(leaks_empty(&l));
}
END_TEST

START_TEST(annotation_leak_content) {
  leaks l;
  bool found = false;
  annotation_of("content", &l, &found);
  ck_assert(found);
  expect_summary(&l, 1, ESC_HEAP, -1);
}
END_TEST

START_TEST(annotation_result) {
  leaks l;
  bool found = false;
  annotation_of("result", &l, &found);
  ck_assert(found);
  expect_summary(&l, -1, ESC_NONE, 0);
}
END_TEST

START_TEST(annotation_thread) {
  leaks l;
  bool found = false;
  annotation_of("thread", &l, &found);
  ck_assert(found);
  expect_summary(&l, 0, ESC_THREAD, -1);
}
END_TEST

START_TEST(annotation_clang_noescape) {
  leaks l;
  bool found = false;
  annotation_of("clang_noescape", &l, &found);
  ck_assert(found);
  expect_summary(&l, -1, ESC_NONE, -1);
}
END_TEST

START_TEST(annotation_none) {
  leaks l;
  bool found = true;
  annotation_of("plain", &l, &found);
  ck_assert(!found);
  expect_summary(&l, -1, ESC_NONE, -1);
}
END_TEST

START_TEST(annotation_of_another_tool_is_ignored) {
  leaks l;
  bool found = true;
  annotation_of("other", &l, &found);
  ck_assert(!found);
  expect_summary(&l, -1, ESC_NONE, -1);
}
END_TEST

START_TEST(annotations_combine) {
  leaks l;
  bool found = false;
  annotation_of("two", &l, &found);
  ck_assert(found);
  expect_summary(&l, 1, ESC_HEAP, 0);
}
END_TEST

START_TEST(annotation_through_a_macro) {
  leaks l;
  bool found = false;
  annotation_of("macro", &l, &found);
  ck_assert(found);
  expect_summary(&l, 0, ESC_HEAP, -1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("leaks");
  TCase *tc = tcase_create("summaries");
  tcase_add_test(tc, leaks_init_means_nothing_flows);
  tcase_add_test(tc, leaks_empty_is_false_for_any_flow);
  tcase_add_test(tc, leaks_add_heap_keeps_the_minimum_with_its_kind_and_name);
  tcase_add_test(tc, leaks_add_result_keeps_the_minimum);
  tcase_add_test(tc, leaks_add_content_keeps_the_minimum_per_parameter);
  tcase_add_test(tc, leaks_optimize_drops_flows_the_heap_implies);
  tcase_add_test(tc, leaks_optimize_keeps_a_result_with_fewer_derefs);
  tcase_add_test(tc, leaks_optimize_without_a_heap_leak_changes_nothing);
  suite_add_tcase(s, tc);
  tc = tcase_create("annotations");
  tcase_add_test(tc, annotation_leak);
  tcase_add_test(tc, annotation_noescape);
  tcase_add_test(tc, annotation_leak_content);
  tcase_add_test(tc, annotation_result);
  tcase_add_test(tc, annotation_thread);
  tcase_add_test(tc, annotation_clang_noescape);
  tcase_add_test(tc, annotation_none);
  tcase_add_test(tc, annotation_of_another_tool_is_ignored);
  tcase_add_test(tc, annotations_combine);
  tcase_add_test(tc, annotation_through_a_macro);
  suite_add_tcase(s, tc);
  return unit_suite_run(s);
}

// check_util: unit tests of analyzer/util.c, the containers the analyzer is
// built from.
//
// The arena (zeroed, 16-byte aligned memory; allocations larger than a
// chunk; marks that drop what was allocated after them and keep what came
// before), its string copies, vec and textbuf growth, and the cursor map,
// keyed by real cursors of a parsed snippet: lookups, overwrites, growth,
// and a declaration reached through a reference finding the same entry.
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

static bool all_zero(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i])
      return false;
  return true;
}

// ---------------------------------------------------------------------------
// Arena
// ---------------------------------------------------------------------------

START_TEST(arena_alloc_is_zeroed_even_when_memory_is_reused) {
  arena a = {0};
  (void)arena_alloc(&a, 8); // the arena has a chunk before the mark
  arena_mark m = arena_top(&a);
  unsigned char *p = arena_alloc(&a, 100);
  memset(p, 0xAB, 100);
  arena_release(&a, m);
  unsigned char *q = arena_alloc(&a, 100);
  ck_assert_ptr_eq(q, p);
  ck_assert(all_zero(q, 100));
  arena_free(&a);
}
END_TEST

START_TEST(arena_alloc_is_16_byte_aligned) {
  arena a = {0};
  static const size_t sizes[] = {1, 3, 8, 15, 16, 17, 33, 100, 7};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    void *p = arena_alloc(&a, sizes[i]);
    ck_assert_msg((uintptr_t)p % 16 == 0, "size %zu at %p", sizes[i], p);
  }
  // Small allocations are packed: one byte takes one 16-byte slot.
  char *x = arena_alloc(&a, 1);
  char *y = arena_alloc(&a, 1);
  ck_assert_int_eq(y - x, 16);
  arena_free(&a);
}
END_TEST

START_TEST(arena_alloc_beyond_a_chunk) {
  arena a = {0};
  char *small = arena_alloc(&a, 32);
  memcpy(small, "before the large allocation", 28);
  size_t big = (size_t)3 << 20; // three times the 1 MiB chunk
  unsigned char *p = arena_alloc(&a, big);
  ck_assert_uint_eq((uintptr_t)p % 16, 0);
  ck_assert(all_zero(p, big));
  memset(p, 0x5A, big); // all of it is ours (ASan checks the bounds)
  char *after = arena_alloc(&a, 64);
  ck_assert(all_zero((unsigned char *)after, 64));
  ck_assert(after < (char *)p || after >= (char *)p + big);
  ck_assert_str_eq(small, "before the large allocation");
  ck_assert_uint_eq(p[0], 0x5A);
  ck_assert_uint_eq(p[big - 1], 0x5A);
  arena_free(&a);
  ck_assert_ptr_null(a.chunk);
  ck_assert_uint_eq(a.used, 0);
  ck_assert_uint_eq(a.cap, 0);
}
END_TEST

START_TEST(arena_release_drops_after_the_mark_keeps_before) {
  arena a = {0};
  char *kept = arena_alloc(&a, 16);
  strcpy(kept, "kept");
  arena_mark m = arena_top(&a);
  char *dropped = arena_alloc(&a, 48);
  strcpy(dropped, "dropped");
  arena_release(&a, m);
  ck_assert_ptr_eq(a.chunk, m.chunk);
  ck_assert_uint_eq(a.used, m.used);
  ck_assert_str_eq(kept, "kept");
  // The next allocation takes the dropped memory, not the kept one.
  char *next = arena_alloc(&a, 16);
  ck_assert_ptr_eq(next, dropped);
  ck_assert_ptr_ne(next, kept);
  arena_free(&a);
}
END_TEST

START_TEST(arena_release_frees_chunks_made_after_the_mark) {
  arena a = {0};
  char *kept = arena_alloc(&a, 16);
  strcpy(kept, "kept");
  arena_mark m = arena_top(&a);
  // Each of these needs a chunk of its own; release must free all three
  // (LeakSanitizer fails the test otherwise: arena_free no longer sees them).
  for (int i = 0; i < 3; i++)
    memset(arena_alloc(&a, (size_t)2 << 20), 1, (size_t)2 << 20);
  ck_assert_ptr_ne(a.chunk, m.chunk);
  arena_release(&a, m);
  ck_assert_ptr_eq(a.chunk, m.chunk);
  ck_assert_uint_eq(a.used, m.used);
  ck_assert_str_eq(kept, "kept");
  arena_free(&a);
}
END_TEST

START_TEST(arena_release_to_an_empty_arena) {
  arena a = {0};
  arena_mark m = arena_top(&a);
  ck_assert_ptr_null(m.chunk);
  memset(arena_alloc(&a, 64), 1, 64);
  arena_release(&a, m);
  ck_assert_ptr_null(a.chunk);
  ck_assert_uint_eq(a.used, 0);
  ck_assert_uint_eq(a.cap, 0);
  unsigned char *p = arena_alloc(&a, 64); // usable again
  ck_assert(all_zero(p, 64));
  arena_free(&a);
}
END_TEST

START_TEST(arena_strdup_copies) {
  arena a = {0};
  char src[] = "moved to heap: x";
  char *d = arena_strdup(&a, src);
  ck_assert_ptr_ne(d, src);
  src[0] = 'M';
  ck_assert_str_eq(d, "moved to heap: x");
  char *e = arena_strdup(&a, "");
  ck_assert_str_eq(e, "");
  ck_assert_ptr_ne(e, d);
  arena_free(&a);
}
END_TEST

START_TEST(arena_strndup_copies_n_bytes_and_terminates) {
  arena a = {0};
  ck_assert_str_eq(arena_strndup(&a, "leaking param: p", 7), "leaking");
  ck_assert_str_eq(arena_strndup(&a, "abc", 0), "");
  // The source need not be NUL-terminated: only n bytes are read.
  char unterminated[3] = {'a', 'b', 'c'};
  char *d = arena_strndup(&a, unterminated, 3);
  ck_assert_str_eq(d, "abc");
  ck_assert_uint_eq((uintptr_t)d % 16, 0);
  arena_free(&a);
}
END_TEST

// ---------------------------------------------------------------------------
// vec and textbuf
// ---------------------------------------------------------------------------

START_TEST(vec_push_grows_and_keeps_order) {
  static int items[1000];
  vec v = {0};
  for (int i = 0; i < 1000; i++) {
    vec_push(&v, &items[i]);
    ck_assert_int_eq(v.len, i + 1);
    ck_assert_int_ge(v.cap, v.len);
  }
  for (int i = 0; i < 1000; i++)
    ck_assert_ptr_eq(v.items[i], &items[i]);
  vec_push(&v, NULL); // NULL is an item like any other
  ck_assert_int_eq(v.len, 1001);
  ck_assert_ptr_null(v.items[1000]);
  vec_free(&v);
  ck_assert_ptr_null(v.items);
  ck_assert_int_eq(v.len, 0);
  ck_assert_int_eq(v.cap, 0);
}
END_TEST

START_TEST(strbuf_printf_appends) {
  textbuf b = {0};
  textbuf_printf(&b, "%s:%u:%u: ", "t.c", 2u, 7u);
  textbuf_printf(&b, "moved to heap: %s\n", "x");
  ck_assert_str_eq(b.data, "t.c:2:7: moved to heap: x\n");
  ck_assert_uint_eq(b.len, strlen("t.c:2:7: moved to heap: x\n"));
  ck_assert_uint_gt(b.cap, b.len);
  textbuf_printf(&b, "%s", ""); // appends nothing
  ck_assert_uint_eq(b.len, 26);
  ck_assert_str_eq(b.data, "t.c:2:7: moved to heap: x\n");
  textbuf_free(&b);
  ck_assert_ptr_null(b.data);
  ck_assert_uint_eq(b.len, 0);
  ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(strbuf_printf_empty_output_gives_an_empty_string) {
  textbuf b = {0};
  textbuf_printf(&b, "%s", "");
  ck_assert_uint_eq(b.len, 0);
  ck_assert_ptr_nonnull(b.data);
  ck_assert_str_eq(b.data, "");
  textbuf_free(&b);
}
END_TEST

START_TEST(strbuf_printf_long_strings) {
  enum { N = 10000 };
  char *long_text = malloc(N + 1);
  for (int i = 0; i < N; i++)
    long_text[i] = (char)('a' + i % 26);
  long_text[N] = '\0';
  textbuf b = {0};
  textbuf_printf(&b, "<%s>", long_text); // one write far beyond any capacity
  ck_assert_uint_eq(b.len, N + 2);
  ck_assert_int_eq(b.data[0], '<');
  ck_assert_int_eq(memcmp(b.data + 1, long_text, N), 0);
  ck_assert_str_eq(b.data + N + 1, ">");
  // Many small appends, each possibly crossing the capacity.
  textbuf c = {0};
  for (int i = 0; i < 2000; i++)
    textbuf_printf(&c, "%04d,", i);
  ck_assert_uint_eq(c.len, 2000 * 5);
  ck_assert_int_eq(strncmp(c.data, "0000,0001,0002,", 15), 0);
  ck_assert_str_eq(c.data + c.len - 10, "1998,1999,");
  for (int i = 0; i < 2000; i++) {
    char want[6];
    snprintf(want, sizeof want, "%04d,", i);
    ck_assert_int_eq(memcmp(c.data + i * 5, want, 5), 0);
  }
  textbuf_free(&b);
  textbuf_free(&c);
  free(long_text);
}
END_TEST

// ---------------------------------------------------------------------------
// cursor_map, cursor_text
// ---------------------------------------------------------------------------

enum { NVARS = 200 };

// vars_snippet declares v0 ... v199, then a function that uses v7.
static char *vars_snippet(void) {
  size_t cap = NVARS * 16 + 64;
  char *text = malloc(cap);
  size_t n = 0;
  for (int i = 0; i < NVARS; i++)
    n += (size_t)snprintf(text + n, cap - n, "int v%d;\n", i);
  snprintf(text + n, cap - n, "int use(void) { return v7; }\n");
  return text;
}

typedef struct {
  CXCursor items[NVARS];
  int n;
} var_list;

static enum CXChildVisitResult collect_vars(CXCursor c, CXCursor parent,
                                            CXClientData data) {
  var_list *l = data;
  if (c.kind == CXCursor_VarDecl && l->n < NVARS)
    l->items[l->n++] = c;
  return CXChildVisit_Continue;
}

START_TEST(cursor_map_get_on_an_empty_map) {
  snippet s;
  snippet_open(&s, "t.c", "int g;\n");
  cursor_map m = {0};
  ck_assert_ptr_null(
      cursor_map_get(&m, snippet_get(&s, CXCursor_VarDecl, "g")));
  ck_assert_uint_eq(m.len, 0);
  snippet_close(&s);
}
END_TEST

START_TEST(cursor_map_put_then_get) {
  snippet s;
  snippet_open(&s, "t.c", "int a;\nint b;\nint c;\n");
  CXCursor a = snippet_get(&s, CXCursor_VarDecl, "a");
  CXCursor b = snippet_get(&s, CXCursor_VarDecl, "b");
  CXCursor c = snippet_get(&s, CXCursor_VarDecl, "c");
  int va, vb;
  cursor_map m = {0};
  cursor_map_put(&m, a, &va);
  cursor_map_put(&m, b, &vb);
  ck_assert_uint_eq(m.len, 2);
  ck_assert_ptr_eq(cursor_map_get(&m, a), &va);
  ck_assert_ptr_eq(cursor_map_get(&m, b), &vb);
  ck_assert_ptr_null(cursor_map_get(&m, c));
  ck_assert_ptr_null(cursor_map_get(&m, clang_getNullCursor()));
  cursor_map_free(&m);
  ck_assert_ptr_null(m.slots);
  ck_assert_uint_eq(m.len, 0);
  ck_assert_uint_eq(m.cap, 0);
  snippet_close(&s);
}
END_TEST

START_TEST(cursor_map_put_overwrites) {
  snippet s;
  snippet_open(&s, "t.c", "int a;\n");
  CXCursor a = snippet_get(&s, CXCursor_VarDecl, "a");
  int first, second;
  cursor_map m = {0};
  cursor_map_put(&m, a, &first);
  cursor_map_put(&m, a, &second);
  ck_assert_uint_eq(m.len, 1);
  ck_assert_ptr_eq(cursor_map_get(&m, a), &second);
  cursor_map_free(&m);
  snippet_close(&s);
}
END_TEST

START_TEST(cursor_map_grows) {
  char *text = vars_snippet();
  snippet s;
  snippet_open(&s, "t.c", text);
  var_list vars = {.n = 0};
  clang_visitChildren(clang_getTranslationUnitCursor(s.tu), collect_vars,
                      &vars);
  ck_assert_int_eq(vars.n, NVARS);
  static int values[NVARS];
  cursor_map m = {0};
  for (int i = 0; i < NVARS; i++) {
    cursor_map_put(&m, vars.items[i], &values[i]);
    ck_assert_uint_eq(m.len, (size_t)i + 1);
    ck_assert_uint_ge(m.cap, 2 * m.len); // at most half full
  }
  for (int i = 0; i < NVARS; i++)
    ck_assert_ptr_eq(cursor_map_get(&m, vars.items[i]), &values[i]);
  cursor_map_free(&m);
  snippet_close(&s);
  free(text);
}
END_TEST

START_TEST(cursor_map_finds_a_declaration_through_a_reference) {
  snippet s;
  snippet_open(&s, "t.c", "int g;\nint use(void) { return g; }\n");
  CXCursor decl = snippet_get(&s, CXCursor_VarDecl, "g");
  CXCursor ref = snippet_get(&s, CXCursor_DeclRefExpr, "g");
  int value;
  cursor_map m = {0};
  cursor_map_put(&m, decl, &value);
  ck_assert_ptr_eq(cursor_map_get(&m, clang_getCursorReferenced(ref)), &value);
  ck_assert_ptr_null(cursor_map_get(&m, ref)); // the expression is not the decl
  cursor_map_free(&m);
  snippet_close(&s);
}
END_TEST

START_TEST(cursor_text_collapses_whitespace) {
  snippet s;
  snippet_open(&s, "t.c",
               "int a, b;\nint f(void) {\n  return a  +\n\t   b;\n}\n");
  unit u = {0};
  u.tu = s.tu;
  CXCursor ret = snippet_get(&s, CXCursor_ReturnStmt, "");
  ck_assert_str_eq(cursor_text(&u, ret, 0), "return a + b");
  ck_assert_str_eq(cursor_text(&u, ret, 9), "return...");
  ck_assert_str_eq(cursor_text(&u, ret, 12), "return a + b");
  ck_assert_str_eq(cursor_text(&u, ret, 11), "return a...");
  ck_assert_str_eq(cursor_text(&u, ret, 8), "retur...");
  arena_free(&u.arena);
  snippet_close(&s);
}
END_TEST

START_TEST(cursor_children_in_order) {
  snippet s;
  snippet_open(&s, "t.c", "int f(int p, int q) { return p; }\n");
  arena a = {0};
  int n = -1;
  CXCursor *kids =
      cursor_children(&a, snippet_get(&s, CXCursor_FunctionDecl, "f"), &n);
  ck_assert_int_eq(n, 3);
  ck_assert_int_eq(kids[0].kind, CXCursor_ParmDecl);
  ck_assert_int_eq(kids[1].kind, CXCursor_ParmDecl);
  ck_assert_int_eq(kids[2].kind, CXCursor_CompoundStmt);
  ck_assert(
      clang_equalCursors(kids[1], snippet_get(&s, CXCursor_ParmDecl, "q")));
  arena_free(&a);
  snippet_close(&s);
}
END_TEST

int main(void) {
  Suite *s = suite_create("util");
  TCase *tc = tcase_create("arena");
  tcase_add_test(tc, arena_alloc_is_zeroed_even_when_memory_is_reused);
  tcase_add_test(tc, arena_alloc_is_16_byte_aligned);
  tcase_add_test(tc, arena_alloc_beyond_a_chunk);
  tcase_add_test(tc, arena_release_drops_after_the_mark_keeps_before);
  tcase_add_test(tc, arena_release_frees_chunks_made_after_the_mark);
  tcase_add_test(tc, arena_release_to_an_empty_arena);
  tcase_add_test(tc, arena_strdup_copies);
  tcase_add_test(tc, arena_strndup_copies_n_bytes_and_terminates);
  suite_add_tcase(s, tc);
  tc = tcase_create("buffers");
  tcase_add_test(tc, vec_push_grows_and_keeps_order);
  tcase_add_test(tc, strbuf_printf_appends);
  tcase_add_test(tc, strbuf_printf_empty_output_gives_an_empty_string);
  tcase_add_test(tc, strbuf_printf_long_strings);
  suite_add_tcase(s, tc);
  tc = tcase_create("cursors");
  tcase_add_test(tc, cursor_map_get_on_an_empty_map);
  tcase_add_test(tc, cursor_map_put_then_get);
  tcase_add_test(tc, cursor_map_put_overwrites);
  tcase_add_test(tc, cursor_map_grows);
  tcase_add_test(tc, cursor_map_finds_a_declaration_through_a_reference);
  tcase_add_test(tc, cursor_text_collapses_whitespace);
  tcase_add_test(tc, cursor_children_in_order);
  suite_add_tcase(s, tc);
  return unit_suite_run(s);
}

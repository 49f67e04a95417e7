// check_output: unit tests of analyzer/diag.c, json.c and output.c, the
// reports read back as diagnostics and written in escape-check's formats.
//
// diag_parse is fed blobs escape-check printed (check mode with notes, -m,
// -m=2 explanations), each field asserted, and junk it must refuse. The
// JSON writer's escaping and layout, file URIs and path cleaning are pinned
// byte for byte against what Go writes; then each format (text, json,
// sarif, -json=0's directory) is written for a small set of diagnostics and
// compared with the exact text expected. check_formats runs the formats'
// own consumers on real output.
#include "unit.h"

#include "harness.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

// ---------------------------------------------------------------------------
// Blobs escape-check printed
// ---------------------------------------------------------------------------

// Check mode, tests/analyzer/corpus/check_return.c; the last note moved to
// a header, as a flow through a macro or an inline function reads.
static const char warning_blob[] =
    "tests/analyzer/corpus/check_return.c:34:12: warning: address of local "
    "variable 'x' escapes: returned to caller [-Wescape-return]\n"
    "tests/analyzer/corpus/check_return.c:34:12: note: flow: p = &x, from &x "
    "(address-of)\n"
    "tests/analyzer/corpus/check_return.c:34:8: note: flow: p = &x, from int "
    "*p = &x (assign)\n"
    "include/store.h:36:3: note: flow: ~r0 = q, from return q (return)\n"
    "tests/analyzer/corpus/check_return.c:33:7: note: local variable 'x' "
    "declared here\n";

// -m=2, samples/list.c: a flow with notes after it takes the first one's
// position.
static const char explained_blob[] =
    "samples/list.c:13:20: malloc(sizeof(struct node)) escapes to heap:\n"
    "samples/list.c:13:20:   flow: {temp} = &{storage for malloc(sizeof(struct "
    "node))}:\n"
    "samples/list.c:13:20:     from malloc(sizeof(struct node)) (call "
    "parameter) at samples/list.c:13:20\n"
    "samples/list.c:13:20:   flow: n = {temp}:\n"
    "samples/list.c:13:20:     from struct node *n = malloc(sizeof(struct "
    "node)) (assign) at samples/list.c:13:16\n"
    "samples/list.c:13:20:   flow: ~r0 = n:\n"
    "samples/list.c:13:20:     from return n (return) at samples/list.c:16:3\n";

// -m=2, tests/analyzer/corpus/escape_param.c: a flow with no note stays at
// the blob's position.
static const char leak_blob[] =
    "tests/analyzer/corpus/escape_param.c:68:25: parameter p1 leaks to ~r0 "
    "with derefs=0:\n"
    "tests/analyzer/corpus/escape_param.c:68:25:   flow: r.a = p1:\n"
    "tests/analyzer/corpus/escape_param.c:68:25:     from struct pair r = "
    "{p1, p2} (assign) at tests/analyzer/corpus/escape_param.c:69:15\n"
    "tests/analyzer/corpus/escape_param.c:68:25:   flow: {temp} = r.a:\n"
    "tests/analyzer/corpus/escape_param.c:68:25:   flow: ~r0 = {temp}:\n"
    "tests/analyzer/corpus/escape_param.c:68:25:     from return r (return) at "
    "tests/analyzer/corpus/escape_param.c:70:3\n";

static const char truncated_blob[] =
    "tests/analyzer/corpus/check_kinds.c:177:37: parameter x leaks to x with "
    "derefs=0:\n"
    "tests/analyzer/corpus/check_kinds.c:177:37:   warning: truncated "
    "explanation\n";

static void parse_ok(const char *text, diag *d) {
  ck_assert_msg(diag_parse(text, d), "diag_parse refused:\n%s", text);
  ck_assert_str_eq(d->text, text);
}

static void assert_note(const diag *d, int i, const char *file, unsigned line,
                        unsigned col, const char *message) {
  ck_assert_int_lt(i, d->nnotes);
  ck_assert_str_eq(d->notes[i].file, file);
  ck_assert_uint_eq(d->notes[i].line, line);
  ck_assert_uint_eq(d->notes[i].col, col);
  ck_assert_str_eq(d->notes[i].message, message);
}

// ---------------------------------------------------------------------------
// diag_parse
// ---------------------------------------------------------------------------

START_TEST(parse_check_mode_warning_and_notes) {
  diag d;
  parse_ok(warning_blob, &d);
  ck_assert_str_eq(d.file, "tests/analyzer/corpus/check_return.c");
  ck_assert_uint_eq(d.line, 34);
  ck_assert_uint_eq(d.col, 12);
  ck_assert(d.warning);
  ck_assert_int_eq(d.kind, ESC_RETURN);
  ck_assert_str_eq(d.message, "address of local variable 'x' escapes: "
                              "returned to caller");
  ck_assert_int_eq(d.nnotes, 4);
  const char *c = "tests/analyzer/corpus/check_return.c";
  assert_note(&d, 0, c, 34, 12, "flow: p = &x, from &x (address-of)");
  assert_note(&d, 1, c, 34, 8, "flow: p = &x, from int *p = &x (assign)");
  assert_note(&d, 2, "include/store.h", 36, 3,
              "flow: ~r0 = q, from return q (return)");
  assert_note(&d, 3, c, 33, 7, "local variable 'x' declared here");
  diag_free(&d);
}
END_TEST

START_TEST(parse_every_kind_and_no_notes) {
  static const struct {
    const char *text;
    escape_kind kind;
    const char *message;
  } cases[] = {
      {"f.c:1:2: warning: a (through 'leak') [-Wescape-global]\n", ESC_GLOBAL,
       "a (through 'leak')"},
      {"f.c:1:2: warning: b [-Wescape-heap]\n", ESC_HEAP, "b"},
      {"f.c:1:2: warning: c [-Wescape-param]\n", ESC_PARAM, "c"},
      {"f.c:1:2: warning: d [-Wescape-call]\n", ESC_CALL, "d"},
      {"f.c:1:2: warning: e [-Wescape-thread]\n", ESC_THREAD, "e"},
      {"f.c:1:2: warning: f [-Wescape-x] [-Wescape-scope]\n", ESC_SCOPE,
       "f [-Wescape-x]"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    diag d;
    parse_ok(cases[i].text, &d);
    ck_assert(d.warning);
    ck_assert_int_eq(d.kind, cases[i].kind);
    ck_assert_str_eq(d.message, cases[i].message);
    ck_assert_int_eq(d.nnotes, 0);
    diag_free(&d);
  }
}
END_TEST

START_TEST(parse_m_remarks) {
  static const char *const lines[][2] = {
      {"samples/outparam.c:9:40: w does not escape\n", "w does not escape"},
      {"samples/outparam.c:22:7: moved to heap: local\n",
       "moved to heap: local"},
      {"samples/outparam.c:9:49: leaking param: buf to content of w level=0\n",
       "leaking param: buf to content of w level=0"},
      {"samples/list.c:13:20: malloc(sizeof(struct node)) escapes to heap\n",
       "malloc(sizeof(struct node)) escapes to heap"},
  };
  for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
    diag d;
    parse_ok(lines[i][0], &d);
    ck_assert(!d.warning);
    ck_assert_int_eq(d.kind, ESC_NONE);
    ck_assert_str_eq(d.message, lines[i][1]);
    ck_assert_int_eq(d.nnotes, 0);
    diag_free(&d);
  }
}
END_TEST

START_TEST(parse_m2_explanation) {
  diag d;
  parse_ok(explained_blob, &d);
  ck_assert_str_eq(d.file, "samples/list.c");
  ck_assert_uint_eq(d.line, 13);
  ck_assert_uint_eq(d.col, 20);
  ck_assert(!d.warning);
  ck_assert_int_eq(d.kind, ESC_NONE);
  ck_assert_str_eq(d.message, "malloc(sizeof(struct node)) escapes to heap:");
  ck_assert_int_eq(d.nnotes, 6);
  const char *f = "samples/list.c";
  assert_note(&d, 0, f, 13, 20,
              "flow: {temp} = &{storage for malloc(sizeof(struct node))}:");
  assert_note(&d, 1, f, 13, 20,
              "from malloc(sizeof(struct node)) (call parameter)");
  assert_note(&d, 2, f, 13, 16, "flow: n = {temp}:");
  assert_note(&d, 3, f, 13, 16,
              "from struct node *n = malloc(sizeof(struct node)) (assign)");
  assert_note(&d, 4, f, 16, 3, "flow: ~r0 = n:");
  assert_note(&d, 5, f, 16, 3, "from return n (return)");
  diag_free(&d);
}
END_TEST

START_TEST(parse_m2_flow_without_notes_stays_at_the_blob) {
  diag d;
  parse_ok(leak_blob, &d);
  ck_assert_str_eq(d.message, "parameter p1 leaks to ~r0 with derefs=0:");
  ck_assert_int_eq(d.nnotes, 5);
  const char *f = "tests/analyzer/corpus/escape_param.c";
  assert_note(&d, 0, f, 69, 15, "flow: r.a = p1:");
  assert_note(&d, 1, f, 69, 15, "from struct pair r = {p1, p2} (assign)");
  assert_note(&d, 2, f, 68, 25, "flow: {temp} = r.a:");
  assert_note(&d, 3, f, 70, 3, "flow: ~r0 = {temp}:");
  assert_note(&d, 4, f, 70, 3, "from return r (return)");
  diag_free(&d);

  parse_ok(truncated_blob, &d);
  ck_assert_int_eq(d.nnotes, 1);
  assert_note(&d, 0, "tests/analyzer/corpus/check_kinds.c", 177, 37,
              "warning: truncated explanation");
  diag_free(&d);
}
END_TEST

// A path may hold colons and digits; an expression may hold ") at P".
START_TEST(parse_paths_and_expressions_that_look_like_positions) {
  diag d;
  parse_ok("a:1:2/f.c:3:4: warning: m [-Wescape-call]\n"
           "b:5:x.h:6:7: note: n\n",
           &d);
  ck_assert_str_eq(d.file, "a:1:2/f.c");
  ck_assert_uint_eq(d.line, 3);
  ck_assert_uint_eq(d.col, 4);
  assert_note(&d, 0, "b:5:x.h", 6, 7, "n");
  diag_free(&d);

  parse_ok("f.c:3:4: p escapes to heap:\n"
           "f.c:3:4:   flow: {heap} = p:\n"
           "f.c:3:4:     from g(\") at x.c:1:2\") (call parameter) at f.c:5:6\n"
           "f.c:3:4:     from h(p) (call) at other dir/g.h:7:8\n",
           &d);
  assert_note(&d, 0, "f.c", 5, 6, "flow: {heap} = p:");
  assert_note(&d, 1, "f.c", 5, 6, "from g(\") at x.c:1:2\") (call parameter)");
  assert_note(&d, 2, "other dir/g.h", 7, 8, "from h(p) (call)");
  diag_free(&d);

  // The blob's own file is preferred: its name may hold ") at ".
  parse_ok("a) at b.c:3:4: p escapes to heap:\n"
           "a) at b.c:3:4:     from p (assign) at a) at b.c:5:6\n",
           &d);
  assert_note(&d, 0, "a) at b.c", 5, 6, "from p (assign)");
  diag_free(&d);
}
END_TEST

START_TEST(parse_rejects_what_is_not_a_report) {
  static const char *const junk[] = {
      "",
      "\n",
      "hello\n",
      "f.c:1:2: warning: no flag\n",
      "f.c:1:2: warning: bad kind [-Wescape-bogus]\n",
      "f.c:1:2: warning:  [-Wescape-return]\n",
      "f.c:1:2: warning: [-Wescape-return]\n",
      "f.c:1:2: warning: no newline [-Wescape-return]",
      "f.c:1:2: remark without newline",
      "f.c:1:2: note: a note alone\n",
      "f.c:1:2: error: clang's\n",
      "f.c:1:2: fatal error: clang's\n",
      "f.c:1:2:   flow: an explanation alone:\n",
      "f.c:1:2: \n",
      "f.c:1:2:\n",
      "f.c:1: no column\n",
      "f.c:x:2: not a line\n",
      ":1:2: no path\n",
      "f.c:4294967296:2: line overflows\n",
      "f.c:1:2: warning: m [-Wescape-heap]\nf.c:1:2: not a note\n",
      "f.c:1:2: warning: m [-Wescape-heap]\nf.c:1:2: note: n\nnot a line\n",
      "f.c:1:2: warning: m [-Wescape-heap]\n\n",
      "f.c:1:2: x escapes to heap:\ng.c:1:2:   flow: other prefix:\n",
      "f.c:1:2: x escapes to heap:\nf.c:1:2: one space is a remark\n",
      "f.c:1:2: x escapes to heap:\nf.c:1:2:    \n",
      "f.c:1:2: x escapes to heap:\nf.c:1:2: note: n\n",
      "f.c:1:2: x escapes to heap:\nf.c:1:2:   flow: no newline:",
  };
  for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
    diag d = {.file = (char *)"sentinel"};
    ck_assert_msg(!diag_parse(junk[i], &d), "diag_parse took \"%s\"", junk[i]);
    ck_assert_msg(d.file == NULL && d.notes == NULL && d.text == NULL &&
                      d.nnotes == 0,
                  "a refused blob leaves d zeroed: \"%s\"", junk[i]);
  }
}
END_TEST

START_TEST(kind_names_round_trip) {
  static const char *const names[] = {"return", "global", "heap", "param",
                                      "call",   "thread", "send", "scope"};
  ck_assert_int_eq(sizeof names / sizeof *names, ESC_KINDS - 1);
  for (int k = ESC_NONE + 1; k < ESC_KINDS; k++) {
    ck_assert_str_eq(escape_kind_name(k), names[k - 1]);
    escape_kind back = ESC_NONE;
    ck_assert(escape_kind_parse(names[k - 1], &back));
    ck_assert_int_eq(back, k);
  }
  ck_assert_ptr_null(escape_kind_name(ESC_NONE));
  ck_assert_ptr_null(escape_kind_name(ESC_KINDS));
  escape_kind k = ESC_HEAP;
  ck_assert(!escape_kind_parse("none", &k));
  ck_assert(!escape_kind_parse("", &k));
  ck_assert(!escape_kind_parse("Return", &k));
  ck_assert_int_eq(k, ESC_HEAP);
}
END_TEST

// ---------------------------------------------------------------------------
// Writing into memory
// ---------------------------------------------------------------------------

typedef struct {
  FILE *f;
  char *data;
  size_t len;
} memout;

static FILE *mem_open(memout *m) {
  *m = (memout){0};
  m->f = open_memstream(&m->data, &m->len);
  ck_assert_ptr_nonnull(m->f);
  return m->f;
}

// mem_close returns what was written (malloc'd).
static char *mem_close(memout *m) {
  fclose(m->f);
  return m->data;
}

// replace returns s with every from replaced by to (malloc'd).
static char *replace(const char *s, const char *from, const char *to) {
  textbuf b = {0};
  size_t n = strlen(from);
  for (const char *p; (p = strstr(s, from)); s = p + n)
    textbuf_printf(&b, "%.*s%s", (int)(p - s), s, to);
  textbuf_printf(&b, "%s", s);
  return b.data;
}

// ---------------------------------------------------------------------------
// json.c
// ---------------------------------------------------------------------------

static char *json_of(bool html, const char *s) {
  memout m;
  json j = {.out = mem_open(&m), .html = html};
  json_string(&j, NULL, s);
  return mem_close(&m);
}

// What Go 1.19's encoding/json writes for the same bytes.
START_TEST(json_strings_escape_as_go) {
  static const char *const cases[][3] = {
      // input, Marshal with SetEscapeHTML(false), with html
      {"plain", "\"plain\"", "\"plain\""},
      {"q\"b\\s/", "\"q\\\"b\\\\s/\"", "\"q\\\"b\\\\s/\""},
      {"\n\r\t\b\f\x01\x1f\x7f",
       "\"\\n\\r\\t\\u0008\\u000c\\u0001\\u001f\x7f\"",
       "\"\\n\\r\\t\\u0008\\u000c\\u0001\\u001f\x7f\""},
      {"<a&b>", "\"<a&b>\"", "\"\\u003ca\\u0026b\\u003e\""},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
      {"\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"", "\"\\u2028\\u2029\""},
      // Invalid: a lone continuation, a truncated sequence, '/' overlong
      // in two, three and four bytes, a surrogate, past U+10FFFF, 0xFF.
      {"a\x80z", "\"a\\ufffdz\"", "\"a\\ufffdz\""},
      {"\xe2\x82", "\"\\ufffd\\ufffd\"", "\"\\ufffd\\ufffd\""},
      {"\xc0\xaf", "\"\\ufffd\\ufffd\"", "\"\\ufffd\\ufffd\""},
      {"\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"",
       "\"\\ufffd\\ufffd\\ufffd\""},
      {"\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
       "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
      {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"",
       "\"\\ufffd\\ufffd\\ufffd\""},
      {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
       "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
      {"\xff", "\"\\ufffd\"", "\"\\ufffd\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    for (int html = 0; html < 2; html++) {
      char *got = json_of(html, cases[i][0]);
      ck_assert_str_eq(got, cases[i][1 + html]);
      free(got);
    }
}
END_TEST

START_TEST(json_layout_compact_and_pretty) {
  for (int pretty = 0; pretty < 2; pretty++) {
    memout m;
    json j = {.out = mem_open(&m), .pretty = pretty};
    json_open(&j, NULL, '{');
    json_uint(&j, "n", 18446744073709551615ull);
    json_open(&j, "empty", '[');
    json_close(&j, ']');
    json_open(&j, "list", '[');
    json_bool(&j, NULL, true);
    json_null(&j, NULL);
    json_open(&j, NULL, '{');
    json_string(&j, "k", "v");
    json_close(&j, '}');
    json_close(&j, ']');
    json_close(&j, '}');
    char *got = mem_close(&m);
    ck_assert_str_eq(got, pretty ? "{\n"
                                   "  \"n\": 18446744073709551615,\n"
                                   "  \"empty\": [],\n"
                                   "  \"list\": [\n"
                                   "    true,\n"
                                   "    null,\n"
                                   "    {\n"
                                   "      \"k\": \"v\"\n"
                                   "    }\n"
                                   "  ]\n"
                                   "}"
                                 : "{\"n\":18446744073709551615,\"empty\":[],"
                                   "\"list\":[true,null,{\"k\":\"v\"}]}");
    free(got);
  }
}
END_TEST

// What Go's (&url.URL{Scheme: "file", Path: p}).String() and
// url.PathEscape(p) give.
START_TEST(file_uris_escape_as_go_net_url) {
  static const char *const cases[][3] = {
      {"/src/a.c", "file:///src/a.c", "%2Fsrc%2Fa.c"},
      {"/my dir/x y.c", "file:///my%20dir/x%20y.c", "%2Fmy%20dir%2Fx%20y.c"},
      {"/a/$&+,:;=@-_.~!*'()?#%[]\"<>",
       "file:///a/$&+,:;=@-_.~%21%2A%27%28%29%3F%23%25%5B%5D%22%3C%3E",
       "%2Fa%2F$&+%2C:%3B=@-_.~%21%2A%27%28%29%3F%23%25%5B%5D%22%3C%3E"},
      {"/caf\xc3\xa9/\x01\xff.c", "file:///caf%C3%A9/%01%FF.c",
       "%2Fcaf%C3%A9%2F%01%FF.c"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    textbuf uri = {0}, seg = {0};
    file_uri(&uri, cases[i][0]);
    uri_escape(&seg, cases[i][0], strlen(cases[i][0]), true);
    ck_assert_str_eq(uri.data, cases[i][1]);
    ck_assert_str_eq(seg.data, cases[i][2]);
    textbuf_free(&uri);
    textbuf_free(&seg);
  }
}
END_TEST

// filepath.Clean's cases, made absolute.
START_TEST(path_absolute_cleans_as_go) {
  static const char *const cases[][2] = {
      {"/", "/"},
      {"/a/b/c.c", "/a/b/c.c"},
      {"//a//b//", "/a/b"},
      {"/a/./b/.", "/a/b"},
      {"/a/b/../c.c", "/a/c.c"},
      {"/a/../../..", "/"},
      {"/..a/b..", "/..a/b.."},
      {"/a/b/c/../../d", "/a/d"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *got = path_absolute(cases[i][0]);
    ck_assert_str_eq(got, cases[i][1]);
    free(got);
  }
  char cwd[4096];
  ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
  char want[4200];
  snprintf(want, sizeof want, "%s/y.c", strcmp(cwd, "/") ? cwd : "");
  char *got = path_absolute("./x/../y.c");
  ck_assert_str_eq(got, want);
  free(got);
}
END_TEST

// ---------------------------------------------------------------------------
// The formats
// ---------------------------------------------------------------------------

// A small run: src/a.c with the warning below, an -m remark for the same
// file, and src/bad.c, which failed.
static const char small_warning[] =
    "src/a.c:3:10: warning: address of local variable 'x' escapes: returned "
    "to caller [-Wescape-return]\n"
    "src/a.c:3:3: note: flow: returned, from return &x (return)\n"
    "/usr/include/x.h:2:7: note: local variable 'x' declared here\n";

typedef struct {
  diag d[2];
  file_result files[2];
} small_run;

static void small_open(small_run *r, const char *first, const char *second) {
  parse_ok(first, &r->d[0]);
  int n = 1;
  if (second)
    parse_ok(second, &r->d[n++]);
  r->files[0] = (file_result){"src/a.c", r->d, n, false, NULL};
  r->files[1] = (file_result){"src/bad.c", NULL, 0, true,
                              "src/bad.c:2:11: error: expected ';'"};
}

static void small_close(small_run *r) {
  for (int i = 0; i < r->files[0].ndiags; i++)
    diag_free(&r->d[i]);
}

static char *format(out_format f, int m, const file_result *files, int n) {
  memout out;
  write_results(mem_open(&out), f, m, files, n);
  return mem_close(&out);
}

// version returns the tool version the output carries (malloc'd): the
// build defines it.
static char *version(const char *out, const char *after) {
  const char *p = strstr(out, after);
  ck_assert_ptr_nonnull(p);
  p += strlen(after);
  return strndup(p, strcspn(p, "\""));
}

START_TEST(text_is_the_reports_as_printed) {
  small_run r;
  small_open(&r, small_warning, "src/a.c:9:7: moved to heap: y\n");
  char *got = format(FORMAT_TEXT, 0, r.files, 2);
  char want[1024];
  snprintf(want, sizeof want, "%s%s", small_warning,
           "src/a.c:9:7: moved to heap: y\n");
  ck_assert_str_eq(got, want);
  free(got);
  small_close(&r);
}
END_TEST

static const char json_want[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"tool\": {\n"
    "    \"name\": \"escape-check\",\n"
    "    \"version\": \"@VERSION@\"\n"
    "  },\n"
    "  \"m\": 0,\n"
    "  \"files\": [\n"
    "    {\n"
    "      \"path\": \"src/a.c\",\n"
    "      \"failed\": false,\n"
    "      \"diagnostics\": [\n"
    "        {\n"
    "          \"file\": \"src/a.c\",\n"
    "          \"line\": 3,\n"
    "          \"column\": 10,\n"
    "          \"level\": \"warning\",\n"
    "          \"kind\": \"return\",\n"
    "          \"message\": \"address of local variable 'x' escapes: returned "
    "to caller\",\n"
    "          \"notes\": [\n"
    "            {\n"
    "              \"file\": \"src/a.c\",\n"
    "              \"line\": 3,\n"
    "              \"column\": 3,\n"
    "              \"message\": \"flow: returned, from return &x (return)\"\n"
    "            },\n"
    "            {\n"
    "              \"file\": \"/usr/include/x.h\",\n"
    "              \"line\": 2,\n"
    "              \"column\": 7,\n"
    "              \"message\": \"local variable 'x' declared here\"\n"
    "            }\n"
    "          ]\n"
    "        }\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"path\": \"src/bad.c\",\n"
    "      \"failed\": true,\n"
    "      \"error\": \"src/bad.c:2:11: error: expected ';'\",\n"
    "      \"diagnostics\": []\n"
    "    }\n"
    "  ]\n"
    "}\n";

START_TEST(json_of_a_check_run) {
  small_run r;
  small_open(&r, small_warning, NULL);
  char *got = format(FORMAT_JSON, 0, r.files, 2);
  char *v = version(got, "\"name\": \"escape-check\",\n    \"version\": \"");
  char *want = replace(json_want, "@VERSION@", v);
  ck_assert_str_eq(got, want);
  free(want);
  free(v);
  free(got);
  small_close(&r);
}
END_TEST

START_TEST(json_of_an_m_run) {
  small_run r;
  small_open(&r, "src/a.c:9:7: moved to heap: y\n", NULL);
  char *got = format(FORMAT_JSON, 1, r.files, 1);
  ck_assert_ptr_nonnull(strstr(got, "  \"m\": 1,\n"));
  ck_assert_ptr_nonnull(strstr(got, "      \"diagnostics\": [\n"
                                    "        {\n"
                                    "          \"file\": \"src/a.c\",\n"
                                    "          \"line\": 9,\n"
                                    "          \"column\": 7,\n"
                                    "          \"level\": \"remark\",\n"
                                    "          \"kind\": null,\n"
                                    "          \"message\": \"moved to heap: "
                                    "y\",\n"
                                    "          \"notes\": []\n"
                                    "        }\n"
                                    "      ]\n"));
  free(got);
  small_close(&r);
}
END_TEST

static const char sarif_want[] =
    "{\n"
    "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
    "  \"version\": \"2.1.0\",\n"
    "  \"runs\": [\n"
    "    {\n"
    "      \"tool\": {\n"
    "        \"driver\": {\n"
    "          \"name\": \"escape-check\",\n"
    "          \"version\": \"@VERSION@\",\n"
    "          \"rules\": [\n"
    "@RULES@"
    "          ]\n"
    "        }\n"
    "      },\n"
    "      \"invocations\": [\n"
    "        {\n"
    "          \"executionSuccessful\": false,\n"
    "          \"toolExecutionNotifications\": [\n"
    "            {\n"
    "              \"level\": \"error\",\n"
    "              \"message\": {\n"
    "                \"text\": \"src/bad.c:2:11: error: expected ';'\"\n"
    "              },\n"
    "              \"locations\": [\n"
    "                {\n"
    "                  \"physicalLocation\": {\n"
    "                    \"artifactLocation\": {\n"
    "                      \"uri\": \"src/bad.c\",\n"
    "                      \"uriBaseId\": \"%SRCROOT%\"\n"
    "                    }\n"
    "                  }\n"
    "                }\n"
    "              ]\n"
    "            }\n"
    "          ]\n"
    "        }\n"
    "      ],\n"
    "      \"originalUriBaseIds\": {\n"
    "        \"%SRCROOT%\": {\n"
    "          \"uri\": \"@SRCROOT@\"\n"
    "        }\n"
    "      },\n"
    "      \"results\": [\n"
    "        {\n"
    "          \"ruleId\": \"escape-return\",\n"
    "          \"ruleIndex\": 0,\n"
    "          \"level\": \"warning\",\n"
    "          \"message\": {\n"
    "            \"text\": \"address of local variable 'x' escapes: returned "
    "to caller\"\n"
    "          },\n"
    "          \"locations\": [\n"
    "            {\n"
    "              \"physicalLocation\": {\n"
    "                \"artifactLocation\": {\n"
    "                  \"uri\": \"src/a.c\",\n"
    "                  \"uriBaseId\": \"%SRCROOT%\"\n"
    "                },\n"
    "                \"region\": {\n"
    "                  \"startLine\": 3,\n"
    "                  \"startColumn\": 10\n"
    "                }\n"
    "              }\n"
    "            }\n"
    "          ],\n"
    "          \"codeFlows\": [\n"
    "            {\n"
    "              \"threadFlows\": [\n"
    "                {\n"
    "                  \"locations\": [\n"
    "                    {\n"
    "                      \"location\": {\n"
    "                        \"physicalLocation\": {\n"
    "                          \"artifactLocation\": {\n"
    "                            \"uri\": \"src/a.c\",\n"
    "                            \"uriBaseId\": \"%SRCROOT%\"\n"
    "                          },\n"
    "                          \"region\": {\n"
    "                            \"startLine\": 3,\n"
    "                            \"startColumn\": 3\n"
    "                          }\n"
    "                        },\n"
    "                        \"message\": {\n"
    "                          \"text\": \"flow: returned, from return &x "
    "(return)\"\n"
    "                        }\n"
    "                      }\n"
    "                    },\n"
    "                    {\n"
    "                      \"location\": {\n"
    "                        \"physicalLocation\": {\n"
    "                          \"artifactLocation\": {\n"
    "                            \"uri\": \"file:///usr/include/x.h\"\n"
    "                          },\n"
    "                          \"region\": {\n"
    "                            \"startLine\": 2,\n"
    "                            \"startColumn\": 7\n"
    "                          }\n"
    "                        },\n"
    "                        \"message\": {\n"
    "                          \"text\": \"local variable 'x' declared "
    "here\"\n"
    "                        }\n"
    "                      }\n"
    "                    }\n"
    "                  ]\n"
    "                }\n"
    "              ]\n"
    "            }\n"
    "          ]\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}\n";

// rule_json is one rule as the driver lists it, without its descriptions'
// text, which the test does not pin.
static void rules_want(textbuf *b, const char *const ids[][3], int n) {
  for (int i = 0; i < n; i++)
    textbuf_printf(b,
                   "            {\n"
                   "              \"id\": \"%s\",\n"
                   "              \"name\": \"%s\",\n"
                   "              \"shortDescription\": {\n"
                   "                \"text\": \"@\"\n"
                   "              },\n"
                   "              \"fullDescription\": {\n"
                   "                \"text\": \"@\"\n"
                   "              },\n"
                   "              \"defaultConfiguration\": {\n"
                   "                \"level\": \"%s\"\n"
                   "              }\n"
                   "            }%s\n",
                   ids[i][0], ids[i][1], ids[i][2], i + 1 < n ? "," : "");
}

// blank_descriptions replaces the text of every description in s by "@".
static char *blank_descriptions(const char *s) {
  textbuf b = {0};
  static const char key[] = "Description\": {\n";
  for (const char *p; (p = strstr(s, key)); s = strchr(p, '"')) {
    p = strstr(p, "\"text\": \"") + 9;
    textbuf_printf(&b, "%.*s@", (int)(p - s), s);
  }
  textbuf_printf(&b, "%s", s);
  return b.data;
}

static const char *const check_rules[][3] = {
    {"escape-return", "EscapeReturn", "warning"},
    {"escape-global", "EscapeGlobal", "warning"},
    {"escape-heap", "EscapeHeap", "warning"},
    {"escape-param", "EscapeParam", "warning"},
    {"escape-call", "EscapeCall", "warning"},
    {"escape-thread", "EscapeThread", "warning"},
    {"escape-send", "EscapeSend", "warning"},
    {"escape-scope", "EscapeScope", "warning"},
    {"escape-decision", "EscapeDecision", "note"},
};

// in_scratch runs the test in a scratch directory of a plain name, so that
// %SRCROOT% is exactly "file://DIR/".
static char *in_scratch(char *saved, size_t n) {
  ck_assert_ptr_nonnull(getcwd(saved, n));
  char *dir = scratch_dir("sarif");
  ck_assert_int_eq(chdir(dir), 0);
  return dir;
}

START_TEST(sarif_of_a_check_run) {
  char saved[4096];
  char *dir = in_scratch(saved, sizeof saved);
  small_run r;
  small_open(&r, small_warning, NULL);
  char *got = format(FORMAT_SARIF, 0, r.files, 2);
  textbuf rules = {0}, root = {0};
  rules_want(&rules, check_rules, ESC_KINDS - 1);
  textbuf_printf(&root, "file://%s/", dir);
  char *v =
      version(got, "\"name\": \"escape-check\",\n          \"version\": \"");
  char *w1 = replace(sarif_want, "@RULES@", rules.data);
  char *w2 = replace(w1, "@SRCROOT@", root.data);
  char *want = replace(w2, "@VERSION@", v);
  char *blank = blank_descriptions(got);
  ck_assert_str_eq(blank, want);
  // Each description is a sentence.
  for (const char *p = got; (p = strstr(p, "Description\": {\n"));) {
    p = strstr(p, "\"text\": \"") + 9;
    const char *end = strchr(p, '"');
    ck_assert_msg(end - p > 20 && end[-1] == '.', "%.*s", (int)(end - p), p);
  }
  free(blank), free(want), free(w2), free(w1), free(v), free(got);
  textbuf_free(&rules);
  textbuf_free(&root);
  small_close(&r);
  ck_assert_int_eq(chdir(saved), 0);
  free(dir);
}
END_TEST

// Under -m the remarks are results of level note and the rule
// escape-decision, the eighth; a flow is their codeFlow. A relative path
// whose first segment holds ':' is written "./" first, not as a scheme.
START_TEST(sarif_of_an_m_run) {
  diag d[2];
  parse_ok("c:d.c:9:7: moved to heap: y\n", &d[0]);
  parse_ok(explained_blob, &d[1]);
  file_result f = {"c:d.c", d, 2, false, NULL};
  char *got = format(FORMAT_SARIF, 2, &f, 1);
  textbuf rules = {0};
  rules_want(&rules, check_rules, ESC_KINDS);
  char *blank = blank_descriptions(got);
  ck_assert_ptr_nonnull(strstr(blank, rules.data));
  ck_assert_ptr_nonnull(strstr(got, "          \"executionSuccessful\": true,\n"
                                    "          \"toolExecutionNotifications\": "
                                    "[]\n"));
  ck_assert_ptr_nonnull(strstr(got,
                               "          \"ruleId\": \"escape-decision\",\n"
                               "          \"ruleIndex\": 8,\n"
                               "          \"level\": \"note\",\n"
                               "          \"message\": {\n"
                               "            \"text\": \"moved to heap: "
                               "y\"\n"
                               "          },\n"
                               "          \"locations\": [\n"
                               "            {\n"
                               "              \"physicalLocation\": {\n"
                               "                \"artifactLocation\": {\n"
                               "                  \"uri\": \"./c:d.c\",\n"));
  ck_assert_ptr_nonnull(strstr(got, "\"text\": \"from return n (return)\""));
  const char *second = strstr(got, "malloc(sizeof(struct node)) escapes");
  ck_assert_ptr_nonnull(second);
  ck_assert_ptr_nonnull(strstr(second, "\"codeFlows\""));
  free(blank), free(got);
  textbuf_free(&rules);
  diag_free(&d[0]);
  diag_free(&d[1]);
}
END_TEST

// A check run's SARIF has no -m remarks: they are not warnings.
START_TEST(sarif_of_a_check_run_leaves_out_remarks) {
  small_run r;
  small_open(&r, "src/a.c:9:7: moved to heap: y\n", NULL);
  char *got = format(FORMAT_SARIF, 0, r.files, 1);
  ck_assert_ptr_nonnull(strstr(got, "      \"results\": []\n"));
  ck_assert_ptr_null(strstr(got, "escape-decision"));
  free(got);
  small_close(&r);
}
END_TEST

// ---------------------------------------------------------------------------
// -json=0,DIR
// ---------------------------------------------------------------------------

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
  textbuf b = {0};
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;)
    textbuf_printf(&b, "%.*s", (int)n, buf);
  fclose(f);
  return b.data ? b.data : strdup("");
}

#if defined(__x86_64__)
#define HEADER_ARCH "\"goos\":\"linux\",\"goarch\":\"amd64\""
#else
#define HEADER_ARCH "\"goos\":\"linux\",\"goarch\":\"arm64\""
#endif

static const char lsp_list_want[] =
    "{\"version\":0,\"package\":\"/src/proj\"," HEADER_ARCH
    ",\"gc_version\":\"escape-check @VERSION@\",\"file\":\"/src/proj/"
    "list.c\"}\n"
    "{\"range\":{\"start\":{\"line\":12,\"character\":32},\"end\":{\"line\":12,"
    "\"character\":32}},\"severity\":3,\"code\":\"leak\",\"source\":\"escape-"
    "check\",\"message\":\"leaking param: head\"}\n"
    "{\"range\":{\"start\":{\"line\":13,\"character\":20},\"end\":{\"line\":13,"
    "\"character\":20}},\"severity\":3,\"code\":\"escape\",\"source\":"
    "\"escape-check\",\"message\":\"malloc(sizeof(struct node)) escapes to "
    "heap\",\"relatedInformation\":["
    "{\"location\":{\"uri\":\"file:///src/proj/list.c\",\"range\":{\"start\":"
    "{\"line\":13,\"character\":20},\"end\":{\"line\":13,\"character\":20}}},"
    "\"message\":\"escflow:    flow: {temp} = \\u0026{storage for "
    "malloc(sizeof(struct node))}:\"},"
    "{\"location\":{\"uri\":\"file:///src/proj/list.c\",\"range\":{\"start\":"
    "{\"line\":13,\"character\":20},\"end\":{\"line\":13,\"character\":20}}},"
    "\"message\":\"escflow:      from malloc(sizeof(struct node)) (call "
    "parameter)\"},"
    "{\"location\":{\"uri\":\"file:///src/proj/list.c\",\"range\":{\"start\":"
    "{\"line\":13,\"character\":16},\"end\":{\"line\":13,\"character\":16}}},"
    "\"message\":\"escflow:    flow: n = {temp}:\"},"
    "{\"location\":{\"uri\":\"file:///src/proj/list.c\",\"range\":{\"start\":"
    "{\"line\":13,\"character\":16},\"end\":{\"line\":13,\"character\":16}}},"
    "\"message\":\"escflow:      from struct node *n = malloc(sizeof(struct "
    "node)) (assign)\"},"
    "{\"location\":{\"uri\":\"file:///src/proj/list.c\",\"range\":{\"start\":"
    "{\"line\":16,\"character\":3},\"end\":{\"line\":16,\"character\":3}}},"
    "\"message\":\"escflow:    flow: ~r0 = n:\"},"
    "{\"location\":{\"uri\":\"file:///src/proj/list.c\",\"range\":{\"start\":"
    "{\"line\":16,\"character\":3},\"end\":{\"line\":16,\"character\":3}}},"
    "\"message\":\"escflow:      from return n (return)\"}]}\n"
    "{\"range\":{\"start\":{\"line\":19,\"character\":28},\"end\":{\"line\":19,"
    "\"character\":28}},\"severity\":3,\"code\":\"doesNotEscape\",\"source\":"
    "\"escape-check\",\"message\":\"head does not escape\"}\n";

static const char lsp_header_want[] =
    "{\"version\":0,\"package\":\"/src/proj/in \\u003cc\\u003e\"," HEADER_ARCH
    ",\"gc_version\":\"escape-check @VERSION@\",\"file\":\"/src/proj/in "
    "\\u003cc\\u003e/x.h\"}\n"
    "{\"range\":{\"start\":{\"line\":2,\"character\":5},\"end\":{\"line\":2,"
    "\"character\":5}},\"severity\":2,\"code\":\"escape-heap\",\"source\":"
    "\"escape-check\",\"message\":\"address of local variable 'x' escapes: "
    "stored in heap memory\",\"relatedInformation\":[{\"location\":{\"uri\":"
    "\"file:///src/proj/list.c\",\"range\":{\"start\":{\"line\":40,"
    "\"character\":3},\"end\":{\"line\":40,\"character\":3}}},\"message\":"
    "\"local variable 'x' declared here\"}]}\n";

// Each diagnostic goes to the file of its own position, sorted there by
// position (a header's, from two source files, in one file); a file with
// none gets no file.
START_TEST(lsp_dir_of_two_sources_and_a_header) {
  static const char *const blobs[] = {
      "/src/proj/list.c:12:32: leaking param: head\n",
      "/src/proj/list.c:19:28: head does not escape\n",
      "/src/proj/in <c>/x.h:2:5: warning: address of local variable 'x' "
      "escapes: stored in heap memory [-Wescape-heap]\n"
      "/src/proj/list.c:40:3: note: local variable 'x' declared here\n",
  };
  diag d[5];
  for (int i = 0; i < 3; i++)
    parse_ok(blobs[i], &d[i]);
  char *moved = replace(explained_blob, "samples/", "/src/proj/");
  parse_ok(moved, &d[3]);
  file_result files[3] = {
      {"/src/proj/list.c", d, 2, false, NULL},
      {"/src/proj/other.c", d + 2, 1, false, NULL},
      {"/src/proj/list.c", d + 3, 1, false, NULL},
  };
  char *dir = scratch_dir("lsp");
  char *out = path_join(dir, "deep/out");
  FILE *errors = tmpfile();
  ck_assert_int_eq(write_lsp_dir(out, 2, files, 3, errors), 0);
  ck_assert_int_eq(ftell(errors), 0);
  fclose(errors);

  char *list = path_join(out, "%2Fsrc%2Fproj/list.c.json");
  char *header = path_join(out, "%2Fsrc%2Fproj%2Fin%20%3Cc%3E/x.h.json");
  char *got_list = slurp(list), *got_header = slurp(header);
  char *v = version(got_list, "\"gc_version\":\"escape-check ");
  char *want_list = replace(lsp_list_want, "@VERSION@", v);
  char *want_header = replace(lsp_header_want, "@VERSION@", v);
  ck_assert_str_eq(got_list, want_list);
  ck_assert_str_eq(got_header, want_header);
  char *other = path_join(out, "%2Fsrc%2Fproj/other.c.json");
  ck_assert(!file_exists(other));
  free(other), free(want_header), free(want_list), free(v);
  free(got_header), free(got_list), free(header), free(list);
  free(out), free(dir), free(moved);
  for (int i = 0; i < 4; i++)
    diag_free(&d[i]);
}
END_TEST

START_TEST(lsp_dir_that_cannot_be_made_is_an_error) {
  char *dir = scratch_dir("lsp");
  char *file = path_join(dir, "file");
  write_text(file, "");
  diag d;
  parse_ok("/src/a.c:1:2: moved to heap: y\n", &d);
  file_result f = {"/src/a.c", &d, 1, false, NULL};
  memout m;
  FILE *errors = mem_open(&m);
  ck_assert_int_eq(write_lsp_dir(file, 1, &f, 1, errors), -1);
  char *got = mem_close(&m);
  char want[4096];
  snprintf(want, sizeof want,
           "escape-check: error: cannot write %s/%%2Fsrc: Not a directory\n",
           file);
  ck_assert_str_eq(got, want);
  free(got);
  char *sub = path_join(file, "x");
  errors = mem_open(&m);
  ck_assert_int_eq(write_lsp_dir(sub, 1, &f, 1, errors), -1);
  got = mem_close(&m);
  snprintf(want, sizeof want,
           "escape-check: error: cannot create %s: Not a directory\n", sub);
  ck_assert_str_eq(got, want);
  free(got), free(sub), free(file), free(dir);
  diag_free(&d);
}
END_TEST

int main(void) {
  check_set_max_msg_size(SUITE_MAX_MESSAGE);
  Suite *s = suite_create("output");
  TCase *tc = tcase_create("output");
  tcase_add_unchecked_fixture(tc, scratch_init, scratch_cleanup);
  tcase_add_test(tc, parse_check_mode_warning_and_notes);
  tcase_add_test(tc, parse_every_kind_and_no_notes);
  tcase_add_test(tc, parse_m_remarks);
  tcase_add_test(tc, parse_m2_explanation);
  tcase_add_test(tc, parse_m2_flow_without_notes_stays_at_the_blob);
  tcase_add_test(tc, parse_paths_and_expressions_that_look_like_positions);
  tcase_add_test(tc, parse_rejects_what_is_not_a_report);
  tcase_add_test(tc, kind_names_round_trip);
  tcase_add_test(tc, json_strings_escape_as_go);
  tcase_add_test(tc, json_layout_compact_and_pretty);
  tcase_add_test(tc, file_uris_escape_as_go_net_url);
  tcase_add_test(tc, path_absolute_cleans_as_go);
  tcase_add_test(tc, text_is_the_reports_as_printed);
  tcase_add_test(tc, json_of_a_check_run);
  tcase_add_test(tc, json_of_an_m_run);
  tcase_add_test(tc, sarif_of_a_check_run);
  tcase_add_test(tc, sarif_of_an_m_run);
  tcase_add_test(tc, sarif_of_a_check_run_leaves_out_remarks);
  tcase_add_test(tc, lsp_dir_of_two_sources_and_a_header);
  tcase_add_test(tc, lsp_dir_that_cannot_be_made_is_an_error);
  suite_add_tcase(s, tc);
  return unit_suite_run(s);
}

// check_formats: escape-check's output formats on real output, judged by
// their consumers' own tools.
//
// usage: check_formats ESCAPE_CHECK SARIF_MULTITOOL   (from the project root)
//
// escape-check runs on the corpus and the samples in check mode, -m and
// -m=2; its stdout is cut into report blobs, each read back by diag_parse
// (analyzer/diag.c) and written again (analyzer/output.c):
//   - as text, byte for byte what escape-check printed;
//   - as SARIF, which Microsoft's SARIF Multitool (scripts/fetch-sarif-
//     multitool.sh) validates with no error, and python3's json reads back
//     with one result per warning and one codeFlow location per note;
//   - as escape-check's JSON, which python3 reads back whatever the file
//     names hold;
//   - as Go's -json=0,DIR, which python3 reads back as gopls does: a header
//     naming an existing absolute file, then LSP Diagnostics at 1-based
//     positions inside that file, their flows as relatedInformation.
// A missing multitool or python3 is a failure, not a skip.
#include "unit.h"

#include "harness.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

static const char *escape_check, *multitool;

static const char *const inputs[] = {"tests/analyzer/corpus", "samples"};

// push_inputs adds the inputs to argv, and the compiler flags the samples
// take: the runtime's headers, and clang's Blocks (samples/closures.c).
static void push_inputs(strvec *argv) {
  static const char *const flags[] = {"--", "-Iruntime/include", "-fblocks"};
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
    strvec_push(argv, inputs[i]);
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
    strvec_push(argv, flags[i]);
}

// ---------------------------------------------------------------------------
// Running and reading back
// ---------------------------------------------------------------------------

static spawn_result run(char *const argv[]) {
  spawn_opts o = {.timeout_ms = 300000};
  spawn_result r;
  spawn_run(argv, &o, &r);
  return r;
}

// continues says whether the line at s belongs to the blob before it: a
// check-mode note, or an -m=2 explanation line (indented after its
// position).
static bool continues(const char *s) {
  for (const char *p = s; *p && *p != '\n'; p++) {
    const char *q = p + 1;
    if (*p != ':' || !isdigit((unsigned char)*q))
      continue;
    while (isdigit((unsigned char)*q))
      q++;
    if (*q++ != ':' || !isdigit((unsigned char)*q))
      continue;
    while (isdigit((unsigned char)*q))
      q++;
    if (*q == ':')
      return !strncmp(q + 1, " note: ", 7) || !strncmp(q + 1, "  ", 2);
  }
  return false;
}

// A run is escape-check's output on the inputs, read back.
typedef struct {
  int m;
  spawn_result r;
  diag *diags;
  int n, warnings, notes;
  file_result file;
} real_run;

static void real_open(real_run *rr, int m) {
  strvec argv = {0};
  strvec_push(&argv, escape_check);
  if (m)
    strvec_push(&argv, m == 1 ? "-m" : "-m=2");
  push_inputs(&argv);
  *rr = (real_run){.m = m, .r = run(argv.v)};
  strvec_free(&argv);
  ck_assert_msg(spawn_exited(&rr->r) && rr->r.status == (m == 0),
                "escape-check -m=%d:%s", m, spawn_report(&rr->r));
  const char *out = strbuf_str(&rr->r.out);
  int cap = 0;
  for (const char *s = out; *s;) {
    const char *end = s;
    do {
      end = strchr(end, '\n');
      ck_assert_msg(end != NULL, "-m=%d: output ends without a newline", m);
      end++;
    } while (*end && continues(end));
    if (rr->n == cap)
      rr->diags = xrealloc(rr->diags, (cap = cap * 2 + 64) * sizeof(diag));
    char *blob = xstrndup(s, end - s);
    ck_assert_msg(diag_parse(blob, &rr->diags[rr->n]),
                  "-m=%d: diag_parse refused a report:\n%s", m, blob);
    rr->warnings += rr->diags[rr->n].warning;
    rr->notes += rr->diags[rr->n++].nnotes;
    free(blob);
    s = end;
  }
  ck_assert_int_gt(rr->n, 100);
  rr->file =
      (file_result){"tests/analyzer/corpus", rr->diags, rr->n, false, NULL};
}

static void real_close(real_run *rr) {
  for (int i = 0; i < rr->n; i++)
    diag_free(&rr->diags[i]);
  free(rr->diags);
  spawn_result_free(&rr->r);
}

static char *write_file_of(const real_run *rr, out_format f, const char *dir,
                           const char *name) {
  char *path = path_join(dir, name);
  FILE *out = fopen(path, "w");
  ck_assert_ptr_nonnull(out);
  write_results(out, f, rr->m, &rr->file, 1);
  ck_assert_int_eq(fclose(out), 0);
  return path;
}

// python runs a python3 script with arguments (up to NULL) and returns its
// stdout; the test fails if it does not exit 0.
static char *python(const char *script, ...) {
  strvec argv = {0};
  char *py = find_program("python3");
  ck_assert_msg(py != NULL, "python3 is not on PATH (scripts/setup.sh test "
                            "installs it)");
  strvec_push(&argv, py);
  strvec_push(&argv, "-c");
  strvec_push(&argv, script);
  va_list ap;
  va_start(ap, script);
  for (const char *a; (a = va_arg(ap, const char *));)
    strvec_push(&argv, a);
  va_end(ap);
  spawn_result r = run(argv.v);
  ck_assert_msg(spawn_exited(&r) && r.status == 0, "python3:%s",
                spawn_report(&r));
  char *out = xstrdup(strbuf_str(&r.out));
  spawn_result_free(&r);
  strvec_free(&argv);
  free(py);
  return out;
}

// ---------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------

START_TEST(real_reports_parse_and_print_back) {
  for (int m = 0; m <= 2; m++) {
    real_run rr;
    real_open(&rr, m);
    ck_assert_int_eq(rr.warnings, m == 0 ? rr.n : 0);
    if (m != 1)
      ck_assert_int_gt(rr.notes, rr.n);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    write_results(out, FORMAT_TEXT, m, &rr.file, 1);
    fclose(out);
    ck_assert_msg(!strcmp(text, strbuf_str(&rr.r.out)),
                  "-m=%d: the text written back differs from escape-check's",
                  m);
    free(text);
    real_close(&rr);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// SARIF
// ---------------------------------------------------------------------------

// validate runs the multitool on a SARIF file and returns its error lines
// ("FILE(L,C): error CODE: ..."), "" if there are none.
static char *validate(const char *dir, const char *sarif) {
  ck_assert_msg(access(multitool, X_OK) == 0,
                "%s: no SARIF Multitool (run scripts/fetch-sarif-multitool.sh)",
                multitool);
  char *log = path_join(dir, "validation.sarif");
  char *argv[] = {(char *)multitool, "validate",       (char *)sarif, "-o", log,
                  "--log",           "ForceOverwrite", NULL};
  spawn_result r = run(argv);
  ck_assert_msg(
      spawn_exited(&r) && r.status == 0 &&
          strstr(strbuf_str(&r.out), "Analysis completed successfully"),
      "Sarif.Multitool validate %s:%s", sarif, spawn_report(&r));
  strbuf errors = {0};
  for (const char *s = strbuf_str(&r.out); *s;) {
    size_t n = strcspn(s, "\n");
    char *line = xstrndup(s, n);
    if (strstr(line, "): error ") || strstr(line, ": error "))
      strbuf_printf(&errors, "%s\n", line);
    free(line);
    s += n + (s[n] == '\n');
  }
  spawn_result_free(&r);
  free(log);
  char *out = xstrdup(strbuf_str(&errors));
  strbuf_free(&errors);
  return out;
}

static const char count_results_py[] =
    "import json, sys\n"
    "run = json.load(open(sys.argv[1]))['runs'][0]\n"
    "rules = [r['id'] for r in run['tool']['driver']['rules']]\n"
    "flows = 0\n"
    "for r in run['results']:\n"
    "    assert rules[r['ruleIndex']] == r['ruleId'], r\n"
    "    for f in r.get('codeFlows', []):\n"
    "        flows += len(f['threadFlows'][0]['locations'])\n"
    "print(len(run['results']), flows, len(rules))\n";

START_TEST(sarif_of_real_output_validates) {
  char *dir = scratch_dir("sarif");
  for (int m = 0; m <= 2; m += 2) {
    real_run rr;
    real_open(&rr, m);
    char *sarif = write_file_of(&rr, FORMAT_SARIF, dir, "out.sarif");
    char *errors = validate(dir, sarif);
    ck_assert_msg(!*errors, "-m=%d: the SARIF Multitool finds errors:\n%s", m,
                  errors);
    char *counts = python(count_results_py, sarif, NULL);
    char want[64];
    snprintf(want, sizeof want, "%d %d %d\n", rr.n, rr.notes,
             m ? ESC_KINDS : ESC_KINDS - 1);
    ck_assert_str_eq(counts, want);
    free(counts), free(errors), free(sarif);
    real_close(&rr);
  }
  free(dir);
}
END_TEST

// The command line's own SARIF (--format=sarif), of the corpus and the
// samples analyzed as one tree, validates too, with a result per warning of
// the text run.
START_TEST(sarif_from_the_command_line_validates) {
  char *dir = scratch_dir("sarif-cli");
  strvec argv = {0};
  strvec_push(&argv, escape_check);
  strvec_push(&argv, "-q");
  strvec_push(&argv, "--format=sarif");
  push_inputs(&argv);
  spawn_result r = run(argv.v);
  strvec_free(&argv);
  ck_assert_msg(spawn_exited(&r) && r.status == 1, "escape-check:%s",
                spawn_report(&r));
  char *sarif = path_join(dir, "cli.sarif");
  write_text(sarif, strbuf_str(&r.out));
  char *errors = validate(dir, sarif);
  ck_assert_msg(!*errors, "the SARIF Multitool finds errors:\n%s", errors);
  real_run rr;
  real_open(&rr, 0);
  char *counts = python(count_results_py, sarif, NULL);
  char want[64];
  snprintf(want, sizeof want, "%d %d %d\n", rr.warnings, rr.notes,
           ESC_KINDS - 1);
  ck_assert_str_eq(counts, want);
  real_close(&rr);
  free(counts), free(errors), free(sarif);
  spawn_result_free(&r);
  free(dir);
}
END_TEST

// The validator is not a test that cannot fail: a log without the
// driver's name, or with a result's line 0, has errors.
START_TEST(sarif_multitool_finds_errors) {
  char *dir = scratch_dir("sarif");
  static const char *const broken[][2] = {
      {"\"name\": \"escape-check\"", "\"nam\": \"escape-check\""},
      {"\"startLine\": 5", "\"startLine\": 0"},
  };
  diag d;
  ck_assert(diag_parse("f.c:5:1: warning: m [-Wescape-heap]\n", &d));
  file_result f = {"f.c", &d, 1, false, NULL};
  for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    write_results(out, FORMAT_SARIF, 0, &f, 1);
    fclose(out);
    char *hit = strstr(text, broken[i][0]);
    ck_assert_ptr_nonnull(hit);
    strbuf b = {0};
    strbuf_printf(&b, "%.*s%s%s", (int)(hit - text), text, broken[i][1],
                  hit + strlen(broken[i][0]));
    char *path = path_join(dir, "broken.sarif");
    write_text(path, strbuf_str(&b));
    char *errors = validate(dir, path);
    ck_assert_msg(*errors, "no error found in a log with %s", broken[i][1]);
    free(errors), free(path), free(text);
    strbuf_free(&b);
  }
  diag_free(&d);
  free(dir);
}
END_TEST

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

static const char count_json_py[] =
    "import json, sys\n"
    "doc = json.load(open(sys.argv[1], encoding='utf-8'))\n"
    "assert doc['version'] == 1 and doc['tool']['name'] == 'escape-check'\n"
    "for f in doc['files']:\n"
    "    ds = f['diagnostics']\n"
    "    assert all(d['line'] > 0 and d['column'] > 0 for d in ds)\n"
    "    print(ascii(f['path']), f['failed'], ascii(f.get('error')), len(ds),\n"
    "          sum(d['level'] == 'warning' for d in ds),\n"
    "          sum(len(d['notes']) for d in ds), doc['m'])\n";

START_TEST(json_of_real_output_reads_back) {
  char *dir = scratch_dir("json");
  for (int m = 0; m <= 2; m++) {
    real_run rr;
    real_open(&rr, m);
    char *path = write_file_of(&rr, FORMAT_JSON, dir, "out.json");
    char *got = python(count_json_py, path, NULL);
    char want[256];
    snprintf(want, sizeof want,
             "'tests/analyzer/corpus' False None %d %d %d %d\n", rr.n,
             rr.warnings, rr.notes, m);
    ck_assert_str_eq(got, want);
    free(got), free(path);
    real_close(&rr);
  }
  free(dir);
}
END_TEST

// File names and errors may hold any byte but NUL: quotes, backslashes,
// control characters, bytes that are not UTF-8 (a report's line cannot
// hold a newline; a file's path can).
START_TEST(json_of_any_file_name_is_valid) {
  char *dir = scratch_dir("json");
  const char *name = "a\"b\\c\n\t\x01\x7f\xff\xe2\x80\xa8<&>.c";
  const char *line_name = "a\"b\\c\t\x01\x7f\xff\xe2\x80\xa8<&>.c";
  strbuf blob = {0};
  strbuf_printf(&blob, "%s:1:2: warning: m [-Wescape-heap]\n%s:3:4: note: n\n",
                line_name, line_name);
  diag d;
  ck_assert(diag_parse(strbuf_str(&blob), &d));
  file_result f[2] = {{name, &d, 1, false, NULL},
                      {name, NULL, 0, true, "\x02 \xc3("}};
  char *path = path_join(dir, "odd.json");
  FILE *out = fopen(path, "w");
  write_results(out, FORMAT_JSON, 0, f, 2);
  fclose(out);
  char *got = python(count_json_py, path, NULL);
  const char *py = "'a\"b\\\\c\\n\\t\\x01\\x7f\\ufffd\\u2028<&>.c'";
  strbuf want = {0};
  strbuf_printf(&want,
                "%s False None 1 1 1 0\n%s True '\\x02 \\ufffd(' 0 0 0 0\n", py,
                py);
  ck_assert_str_eq(got, strbuf_str(&want));
  free(got);
  // The same names in SARIF.
  out = fopen(path, "w");
  write_results(out, FORMAT_SARIF, 0, f, 2);
  fclose(out);
  got = python(count_results_py, path, NULL);
  ck_assert_str_eq(got, "1 1 8\n");
  free(got), free(path), free(dir);
  strbuf_free(&want);
  strbuf_free(&blob);
  diag_free(&d);
}
END_TEST

// ---------------------------------------------------------------------------
// -json=0,DIR
// ---------------------------------------------------------------------------

// read_lsp_py reads every DIR/PKG/FILE.json as gopls's parseDetailsFile does
// and prints one line per Diagnostic, "FILE:LINE:COL: CODE: MESSAGE (N)",
// N its related locations, after checking the header and every position
// against the file it names.
static const char read_lsp_py[] =
    "import json, os, sys, urllib.parse\n"
    "def lines_of(path):\n"
    "    with open(path, 'rb') as f:\n"
    "        return f.read().split(b'\\n')\n"
    "def check(path, rng):\n"
    "    s, e = rng['start'], rng['end']\n"
    "    assert s == e, rng\n"
    "    text = lines_of(path)\n"
    "    assert 1 <= s['line'] <= len(text), (path, rng)\n"
    "    assert 1 <= s['character'] <= len(text[s['line'] - 1]) + 1, (path, "
    "rng)\n"
    "out = []\n"
    "for top, dirs, files in os.walk(sys.argv[1]):\n"
    "    for name in files:\n"
    "        assert name.endswith('.json'), name\n"
    "        pkg = urllib.parse.unquote(os.path.basename(top))\n"
    "        rows = [json.loads(l) for l in open(os.path.join(top, name))]\n"
    "        head = rows[0]\n"
    "        assert set(head) == {'version', 'package', 'goos', 'goarch',\n"
    "                             'gc_version', 'file'}, head\n"
    "        assert head['version'] == 0 and head['goos'] and head['goarch']\n"
    "        assert head['gc_version'].startswith('escape-check ')\n"
    "        f = head['file']\n"
    "        assert os.path.isabs(f) and os.path.isfile(f), f\n"
    "        assert head['package'] == pkg == os.path.dirname(f), head\n"
    "        assert urllib.parse.unquote(name) == os.path.basename(f) + "
    "'.json'\n"
    "        assert len(rows) > 1, name\n"
    "        for d in rows[1:]:\n"
    "            assert d['source'] == 'escape-check' and d['severity'] in (2, "
    "3)\n"
    "            check(f, d['range'])\n"
    "            rel = d.get('relatedInformation', [])\n"
    "            for r in rel:\n"
    "                uri = r['location']['uri']\n"
    "                assert uri.startswith('file:///'), uri\n"
    "                check(urllib.parse.unquote(uri[7:]), "
    "r['location']['range'])\n"
    "                assert d['severity'] == 2 or "
    "r['message'].startswith('escflow:    flow: ') or "
    "r['message'].startswith('escflow:      from ') or r['message'] == "
    "'escflow:   warning: truncated explanation', r\n"
    "            out.append('%s:%d:%d: %s: %s (%d)' % (f, "
    "d['range']['start']['line'],\n"
    "                       d['range']['start']['character'], d['code'], "
    "d['message'], len(rel)))\n"
    "print('\\n'.join(sorted(out)))\n";

static int by_string(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

// lsp_expected is what read_lsp_py prints for the diagnostics, by the
// rules output.c documents.
static char *lsp_expected(const real_run *rr) {
  char **lines = xmalloc(rr->n * sizeof *lines);
  for (int i = 0; i < rr->n; i++) {
    const diag *d = &rr->diags[i];
    const char *msg = d->message, *code = "escape";
    size_t len = strlen(msg);
    if (d->nnotes && !d->warning && msg[len - 1] == ':')
      len--;
    if (d->warning)
      code = NULL;
    else if (!strncmp(msg, "leaking param", 13) ||
             !strncmp(msg, "parameter ", 10))
      code = "leak";
    else if (len > 16 && !strcmp(msg + len - 16, " does not escape"))
      code = "doesNotEscape";
    char *abs = path_absolute(d->file);
    strbuf b = {0};
    if (code)
      strbuf_printf(&b, "%s:%u:%u: %s: %.*s (%d)", abs, d->line, d->col, code,
                    (int)len, msg, d->nnotes);
    else
      strbuf_printf(&b, "%s:%u:%u: escape-%s: %s (%d)", abs, d->line, d->col,
                    escape_kind_name(d->kind), msg, d->nnotes);
    lines[i] = b.s;
    free(abs);
  }
  qsort(lines, rr->n, sizeof *lines, by_string);
  strbuf all = {0};
  for (int i = 0; i < rr->n; i++) {
    strbuf_printf(&all, "%s%s", i ? "\n" : "", lines[i]);
    free(lines[i]);
  }
  free(lines);
  strbuf_puts(&all, "\n");
  return all.s;
}

START_TEST(lsp_dir_of_real_output_reads_back) {
  for (int m = 0; m <= 2; m++) {
    real_run rr;
    real_open(&rr, m);
    char *dir = scratch_dir("lsp");
    char *out = path_join(dir, "json");
    ck_assert_int_eq(write_lsp_dir(out, m, &rr.file, 1, stderr), 0);
    char *got = python(read_lsp_py, out, NULL);
    char *want = lsp_expected(&rr);
    ck_assert_msg(!strcmp(got, want),
                  "-m=%d: read back:\n%.4000s\nwant:\n%.4000s", m, got, want);
    free(want), free(got), free(out), free(dir);
    real_close(&rr);
  }
}
END_TEST

// -json=0,DIR on the command line writes what write_lsp_dir writes for the
// same reports.
START_TEST(lsp_dir_from_the_command_line) {
  real_run rr;
  real_open(&rr, 2);
  char *dir = scratch_dir("lsp-cli");
  strbuf flag = {0};
  strbuf_printf(&flag, "-json=0,%s/json", dir);
  strvec argv = {0};
  strvec_push(&argv, escape_check);
  strvec_push(&argv, "-q");
  strvec_push(&argv, "-m=2");
  strvec_push(&argv, flag.s);
  push_inputs(&argv);
  spawn_result r = run(argv.v);
  strvec_free(&argv);
  ck_assert_msg(spawn_exited(&r) && r.status == 0, "escape-check:%s",
                spawn_report(&r));
  char *out = path_join(dir, "json");
  char *got = python(read_lsp_py, out, NULL);
  char *want = lsp_expected(&rr);
  ck_assert_msg(!strcmp(got, want), "read back:\n%.4000s\nwant:\n%.4000s", got,
                want);
  free(want), free(got), free(out);
  strbuf_free(&flag);
  spawn_result_free(&r);
  real_close(&rr);
  free(dir);
}
END_TEST

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: check_formats ESCAPE_CHECK SARIF_MULTITOOL\n");
    return 2;
  }
  escape_check = argv[1];
  multitool = argv[2];
  Suite *s = suite_create("formats");
  TCase *tc = tcase_create("formats");
  tcase_add_unchecked_fixture(tc, scratch_init, scratch_cleanup);
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, real_reports_parse_and_print_back);
  tcase_add_test(tc, sarif_of_real_output_validates);
  tcase_add_test(tc, sarif_multitool_finds_errors);
  tcase_add_test(tc, json_of_real_output_reads_back);
  tcase_add_test(tc, json_of_any_file_name_is_valid);
  tcase_add_test(tc, lsp_dir_of_real_output_reads_back);
  tcase_add_test(tc, sarif_from_the_command_line_validates);
  tcase_add_test(tc, lsp_dir_from_the_command_line);
  suite_add_tcase(s, tc);
  return suite_run(s, NULL);
}

// output.c: escape-check's output formats.
//
// Every format writes the same diagnostics (diag.c): check mode's warnings
// with their notes, or -m's remarks with, under -m=2, their explanations.
//
// text   each report exactly as escape-check has always printed it.
//
// json   one document, ours, for scripts; "version" changes only when a
//        field changes meaning or goes away:
//          {"version": 1,
//           "tool": {"name": "escape-check", "version": "0.3.0"},
//           "m": 0,                        the -m level; 0 is check mode
//           "files": [{"path": "src/a.c",  as the user or the build named it
//                      "failed": false,    true: "error" says why
//                      "diagnostics": [{"file": "src/a.c", "line": 9,
//                        "column": 10,     clang's: bytes, from 1
//                        "level": "warning",          or "remark" (-m)
//                        "kind": "return",            -Wescape-KIND; null
//                        "message": "address of ...", without the flag
//                        "notes": [{"file", "line", "column", "message"}]
//                      }]}]}
//
// sarif  SARIF 2.1.0, one run. Rules: one per kind, "escape-KIND"; under
//        -m also "escape-decision", whose results (level "note") are the
//        remarks, as check mode's are the warnings. A result's notes are
//        its codeFlow, one threadFlow location each. A relative path is a
//        relative URI reference against %SRCROOT%, which
//        originalUriBaseIds sets to the working directory, so that a
//        checkout elsewhere (GitHub code scanning) resolves it; an
//        absolute path (a system header) is a file URI. Columns are
//        clang's byte columns: they equal SARIF's default UTF-16 columns
//        on ASCII lines. A file that could not be analyzed makes the
//        invocation unsuccessful, with its error as a
//        toolExecutionNotification.
//
// -json=0,DIR mirrors Go's compiler (cmd/compile/internal/logopt, read by
//        gopls's gc_annotations.go):
//        1. A diagnostic goes to the file of its own position (a header's
//           to the header's), DIR/PKG/FILE.json: PKG is that file's
//           absolute directory and FILE its name, each escaped as Go's
//           url.PathEscape ("%2Fsrc%2Fproj/a.c.json": Go's packages become
//           directories; the name keeps its ".c", so a.c and a.h differ).
//           A file with no diagnostics gets none, as in Go.
//        2. Its first line is Go's header, {"version":0,"package":PKG
//           unescaped,"goos","goarch","gc_version":"escape-check VERSION",
//           "file":ABSOLUTE PATH}.
//        3. Then one LSP Diagnostic per line, sorted by position, as Go's
//           json.Encoder writes it (<, > and & escaped): a point range at
//           1-based line and column (Go's convention, not LSP's: gopls
//           subtracts one), severity 3 (information) for remarks and 2 for
//           warnings, code as Go names it ("escape" for what escapes or is
//           moved to heap, "leak" for a leaking parameter; ours:
//           "doesNotEscape", and "escape-KIND" for a warning), source
//           "escape-check" (Go's "go compiler" would claim to be Go's, and
//           gopls reads only .go files), the message (an explanation's
//           without its final ':', as Go's), and the notes as
//           relatedInformation at absolute file URIs: under -m=2 Go's
//           "escflow:    flow: ..." and "escflow:      from ...", a
//           warning's notes as they read.
#include "escape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ESCAPE_VERSION
#define ESCAPE_VERSION "unknown"
#endif

// ---------------------------------------------------------------------------
// json
// ---------------------------------------------------------------------------

static void json_position(json *j, const char *file, unsigned line,
                          unsigned col) {
  json_string(j, "file", file);
  json_uint(j, "line", line);
  json_uint(j, "column", col);
}

static void json_diag(json *j, const diag *d) {
  json_open(j, NULL, '{');
  json_position(j, d->file, d->line, d->col);
  json_string(j, "level", d->warning ? "warning" : "remark");
  if (escape_kind_name(d->kind))
    json_string(j, "kind", escape_kind_name(d->kind));
  else
    json_null(j, "kind");
  json_string(j, "message", d->message);
  json_open(j, "notes", '[');
  for (int i = 0; i < d->nnotes; i++) {
    json_open(j, NULL, '{');
    json_position(j, d->notes[i].file, d->notes[i].line, d->notes[i].col);
    json_string(j, "message", d->notes[i].message);
    json_close(j, '}');
  }
  json_close(j, ']');
  json_close(j, '}');
}

static void write_json(FILE *out, int m, const file_result *files, int n) {
  json j = {.out = out, .pretty = true};
  json_open(&j, NULL, '{');
  json_uint(&j, "version", 1);
  json_open(&j, "tool", '{');
  json_string(&j, "name", "escape-check");
  json_string(&j, "version", ESCAPE_VERSION);
  json_close(&j, '}');
  json_uint(&j, "m", m);
  json_open(&j, "files", '[');
  for (int i = 0; i < n; i++) {
    json_open(&j, NULL, '{');
    json_string(&j, "path", files[i].path);
    json_bool(&j, "failed", files[i].failed);
    if (files[i].failed)
      json_string(&j, "error", files[i].error ? files[i].error : "");
    json_open(&j, "diagnostics", '[');
    for (int k = 0; k < files[i].ndiags; k++)
      json_diag(&j, &files[i].diags[k]);
    json_close(&j, ']');
    json_close(&j, '}');
  }
  json_close(&j, ']');
  json_close(&j, '}');
  fputc('\n', out);
}

// ---------------------------------------------------------------------------
// sarif
// ---------------------------------------------------------------------------

// The rules, in the order of escape_kind (ruleIndex is kind - 1), then the
// -m remarks' rule.
static const struct {
  const char *name, *short_text, *full_text;
} rules[ESC_KINDS] = {
    [ESC_RETURN] = {"EscapeReturn",
                    "A local's address is returned to the caller.",
                    "The function returns the address of a local (or of "
                    "storage that dies with its frame): the caller gets a "
                    "dangling pointer."},
    [ESC_GLOBAL] = {"EscapeGlobal", "A local's address is stored in a global.",
                    "The address of a local is stored in a global or static "
                    "variable, which still holds it when the local's "
                    "lifetime has ended."},
    [ESC_HEAP] = {"EscapeHeap", "A local's address is stored in heap memory.",
                  "The address of a local is stored in heap memory, or in "
                  "memory the analysis cannot see, which may outlive it."},
    [ESC_PARAM] = {"EscapeParam",
                   "A local's address is stored through a parameter.",
                   "The address of a local is stored through a pointer "
                   "parameter (an out-parameter): the caller holds it after "
                   "the function has returned."},
    [ESC_CALL] = {"EscapeCall",
                  "A local's address is passed to an unknown function.",
                  "The address of a local is passed to a function whose body, "
                  "model and annotations the analysis does not have, or "
                  "through a function pointer: the callee may keep it."},
    [ESC_THREAD] = {"EscapeThread",
                    "A local's address is handed to another thread.",
                    "The address of a local is handed to another thread "
                    "(pthread_create, go), which may use it after the "
                    "local's frame is gone."},
    [ESC_SEND] = {"EscapeSend", "A local's address is sent on a channel.",
                  "The address of a local is sent on a channel (Go's ch <- p): "
                  "whichever goroutine receives it may use it after the "
                  "local's frame is gone."},
    [ESC_SCOPE] = {"EscapeScope", "A local's address is kept past its block.",
                   "The address of a local is stored in a pointer that "
                   "outlives the local's block: the pointer dangles when the "
                   "block ends."},
};

static const char decision_short[] = "An escape analysis decision (-m).";
static const char decision_full[] =
    "Go's -m report: the locals moved to the heap, the parameters that "
    "leak, the allocations that escape or do not; under -m=2 with the flow "
    "that proves each decision.";

static void sarif_text(json *j, const char *key, const char *text) {
  json_open(j, key, '{');
  json_string(j, "text", text);
  json_close(j, '}');
}

static void sarif_rule(json *j, const char *id, const char *name,
                       const char *short_text, const char *full_text,
                       const char *level) {
  json_open(j, NULL, '{');
  json_string(j, "id", id);
  json_string(j, "name", name);
  sarif_text(j, "shortDescription", short_text);
  sarif_text(j, "fullDescription", full_text);
  json_open(j, "defaultConfiguration", '{');
  json_string(j, "level", level);
  json_close(j, '}');
  json_close(j, '}');
}

static void sarif_driver(json *j, int m) {
  json_open(j, "tool", '{');
  json_open(j, "driver", '{');
  json_string(j, "name", "escape-check");
  json_string(j, "version", ESCAPE_VERSION);
  json_open(j, "rules", '[');
  for (int k = ESC_NONE + 1; k < ESC_KINDS; k++) {
    char id[32];
    snprintf(id, sizeof id, "escape-%s", escape_kind_name(k));
    sarif_rule(j, id, rules[k].name, rules[k].short_text, rules[k].full_text,
               "warning");
  }
  if (m)
    sarif_rule(j, "escape-decision", "EscapeDecision", decision_short,
               decision_full, "note");
  json_close(j, ']');
  json_close(j, '}');
  json_close(j, '}');
}

// sarif_location writes a physicalLocation: a relative path against
// %SRCROOT%, an absolute one as a file URI.
static void sarif_location(json *j, const char *file, unsigned line,
                           unsigned col) {
  textbuf uri = {0};
  if (file[0] == '/') {
    file_uri(&uri, file);
  } else {
    size_t first = strcspn(file, "/");
    if (memchr(file, ':', first)) // not a scheme: RFC 3986, 4.2
      textbuf_printf(&uri, "./");
    uri_escape(&uri, file, strlen(file), false);
  }
  json_open(j, "physicalLocation", '{');
  json_open(j, "artifactLocation", '{');
  json_string(j, "uri", uri.data);
  if (file[0] != '/')
    json_string(j, "uriBaseId", "%SRCROOT%");
  json_close(j, '}');
  if (line > 0) {
    json_open(j, "region", '{');
    json_uint(j, "startLine", line);
    if (col > 0)
      json_uint(j, "startColumn", col);
    json_close(j, '}');
  }
  json_close(j, '}');
  textbuf_free(&uri);
}

static void sarif_code_flow(json *j, const diag *d) {
  json_open(j, "codeFlows", '[');
  json_open(j, NULL, '{');
  json_open(j, "threadFlows", '[');
  json_open(j, NULL, '{');
  json_open(j, "locations", '[');
  for (int i = 0; i < d->nnotes; i++) {
    const diag_note *n = &d->notes[i];
    json_open(j, NULL, '{');
    json_open(j, "location", '{');
    sarif_location(j, n->file, n->line, n->col);
    sarif_text(j, "message", n->message);
    json_close(j, '}');
    json_close(j, '}');
  }
  json_close(j, ']');
  json_close(j, '}');
  json_close(j, ']');
  json_close(j, '}');
  json_close(j, ']');
}

static void sarif_result(json *j, const diag *d) {
  char id[32] = "escape-decision";
  int index = ESC_KINDS - 1;
  if (d->warning && escape_kind_name(d->kind)) {
    snprintf(id, sizeof id, "escape-%s", escape_kind_name(d->kind));
    index = d->kind - 1;
  }
  json_open(j, NULL, '{');
  json_string(j, "ruleId", id);
  json_uint(j, "ruleIndex", index);
  json_string(j, "level", d->warning ? "warning" : "note");
  sarif_text(j, "message", d->message);
  json_open(j, "locations", '[');
  json_open(j, NULL, '{');
  sarif_location(j, d->file, d->line, d->col);
  json_close(j, '}');
  json_close(j, ']');
  if (d->nnotes)
    sarif_code_flow(j, d);
  json_close(j, '}');
}

static void sarif_invocation(json *j, const file_result *files, int n) {
  bool ok = true;
  for (int i = 0; i < n; i++)
    ok &= !files[i].failed;
  json_open(j, "invocations", '[');
  json_open(j, NULL, '{');
  json_bool(j, "executionSuccessful", ok);
  json_open(j, "toolExecutionNotifications", '[');
  for (int i = 0; i < n; i++) {
    if (!files[i].failed)
      continue;
    json_open(j, NULL, '{');
    json_string(j, "level", "error");
    sarif_text(j, "message", files[i].error ? files[i].error : "failed");
    json_open(j, "locations", '[');
    json_open(j, NULL, '{');
    sarif_location(j, files[i].path, 0, 0);
    json_close(j, '}');
    json_close(j, ']');
    json_close(j, '}');
  }
  json_close(j, ']');
  json_close(j, '}');
  json_close(j, ']');
}

static void sarif_base(json *j) {
  char *cwd = path_absolute(".");
  textbuf uri = {0};
  file_uri(&uri, cwd);
  if (strcmp(cwd, "/"))
    textbuf_printf(&uri, "/");
  json_open(j, "originalUriBaseIds", '{');
  json_open(j, "%SRCROOT%", '{');
  json_string(j, "uri", uri.data);
  json_close(j, '}');
  json_close(j, '}');
  textbuf_free(&uri);
  free(cwd);
}

static void write_sarif(FILE *out, int m, const file_result *files, int n) {
  json j = {.out = out, .pretty = true};
  json_open(&j, NULL, '{');
  json_string(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  json_string(&j, "version", "2.1.0");
  json_open(&j, "runs", '[');
  json_open(&j, NULL, '{');
  sarif_driver(&j, m);
  sarif_invocation(&j, files, n);
  sarif_base(&j);
  json_open(&j, "results", '[');
  for (int i = 0; i < n; i++)
    for (int k = 0; k < files[i].ndiags; k++)
      if (m || files[i].diags[k].warning)
        sarif_result(&j, &files[i].diags[k]);
  json_close(&j, ']');
  json_close(&j, '}');
  json_close(&j, ']');
  json_close(&j, '}');
  fputc('\n', out);
}

void write_results(FILE *out, out_format format, int m,
                   const file_result *files, int n) {
  switch (format) {
  case FORMAT_TEXT:
    for (int i = 0; i < n; i++)
      for (int k = 0; k < files[i].ndiags; k++)
        fputs(files[i].diags[k].text, out);
    break;
  case FORMAT_JSON:
    write_json(out, m, files, n);
    break;
  case FORMAT_SARIF:
    write_sarif(out, m, files, n);
    break;
  }
}

// ---------------------------------------------------------------------------
// -json=0,DIR
// ---------------------------------------------------------------------------

#if defined(__linux__)
#define GOOS "linux"
#elif defined(__APPLE__)
#define GOOS "darwin"
#elif defined(__FreeBSD__)
#define GOOS "freebsd"
#else
#define GOOS "unknown"
#endif
#if defined(__x86_64__)
#define GOARCH "amd64"
#elif defined(__aarch64__)
#define GOARCH "arm64"
#elif defined(__i386__)
#define GOARCH "386"
#else
#define GOARCH "unknown"
#endif

// An lsp_entry is one diagnostic with the absolute path of its file: the
// diagnostics are sorted by file, then position, as Go sorts its log.
typedef struct {
  const char *abs;
  const diag *d;
  int order;
} lsp_entry;

static int by_file_position(const void *a, const void *b) {
  const lsp_entry *x = a, *y = b;
  int c = strcmp(x->abs, y->abs);
  if (c)
    return c;
  if (x->d->line != y->d->line)
    return x->d->line < y->d->line ? -1 : 1;
  if (x->d->col != y->d->col)
    return x->d->col < y->d->col ? -1 : 1;
  return x->order - y->order;
}

// lsp_code is the Diagnostic's code: Go's name for a remark, or the
// warning's flag without its "-W".
static const char *lsp_code(const diag *d, char *buf, size_t n) {
  const char *msg = d->message;
  size_t len = strlen(msg);
  if (d->warning) {
    snprintf(buf, n, "escape-%s",
             escape_kind_name(d->kind) ? escape_kind_name(d->kind) : "unknown");
    return buf;
  }
  if (!strncmp(msg, "leaking param", 13) ||
      (!strncmp(msg, "parameter ", 10) && strstr(msg, " leaks to ")))
    return "leak";
  static const char no[] = " does not escape";
  if (len > sizeof no - 1 && !strcmp(msg + len - (sizeof no - 1), no))
    return "doesNotEscape";
  return "escape";
}

static void lsp_point(json *j, const char *key, unsigned line, unsigned col) {
  json_open(j, key, '{');
  for (int i = 0; i < 2; i++) {
    json_open(j, i ? "end" : "start", '{');
    json_uint(j, "line", line);
    json_uint(j, "character", col);
    json_close(j, '}');
  }
  json_close(j, '}');
}

// lsp_related writes a note as Go writes an explanation line: "escflow:"
// and the line as -m=2 prints it (indented by its depth, without " at P").
static void lsp_related(json *j, const diag *d, const diag_note *n) {
  textbuf uri = {0}, msg = {0};
  file_uri(&uri, n->file);
  if (d->warning)
    textbuf_printf(&msg, "%s", n->message);
  else
    textbuf_printf(&msg, "escflow: %s%s",
                   !strncmp(n->message, "from ", 5)   ? "     "
                   : !strncmp(n->message, "flow:", 5) ? "   "
                                                      : "  ",
                   n->message);
  json_open(j, NULL, '{');
  json_open(j, "location", '{');
  json_string(j, "uri", uri.data);
  lsp_point(j, "range", n->line, n->col);
  json_close(j, '}');
  json_string(j, "message", msg.data);
  json_close(j, '}');
  textbuf_free(&uri);
  textbuf_free(&msg);
}

static void lsp_diagnostic(FILE *out, const diag *d) {
  json j = {.out = out, .html = true};
  char code[32];
  json_open(&j, NULL, '{');
  lsp_point(&j, "range", d->line, d->col);
  json_uint(&j, "severity", d->warning ? 2 : 3);
  json_string(&j, "code", lsp_code(d, code, sizeof code));
  json_string(&j, "source", "escape-check");
  // An explanation's first line ends in ':'; Go's message does not.
  size_t len = strlen(d->message);
  bool colon = !d->warning && d->nnotes && len && d->message[len - 1] == ':';
  textbuf msg = {0};
  textbuf_printf(&msg, "%.*s", (int)(len - colon), d->message);
  json_string(&j, "message", msg.data);
  textbuf_free(&msg);
  if (d->nnotes) {
    json_open(&j, "relatedInformation", '[');
    for (int i = 0; i < d->nnotes; i++)
      lsp_related(&j, d, &d->notes[i]);
    json_close(&j, ']');
  }
  json_close(&j, '}');
  fputc('\n', out);
}

// make_dirs creates path and its missing parents, as os.MkdirAll.
static int make_dirs(char *path) {
  for (char *p = path + 1;; p++) {
    if (*p && *p != '/')
      continue;
    char c = *p;
    *p = 0;
    int r = mkdir(path, 0755);
    *p = c;
    if (r && errno != EEXIST)
      return -1;
    if (!c)
      return 0;
  }
}

static void lsp_header(FILE *out, const char *abs) {
  const char *slash = strrchr(abs, '/');
  textbuf dir = {0};
  textbuf_printf(&dir, "%.*s", slash == abs ? 1 : (int)(slash - abs), abs);
  json j = {.out = out, .html = true};
  json_open(&j, NULL, '{');
  json_uint(&j, "version", 0);
  json_string(&j, "package", dir.data);
  json_string(&j, "goos", GOOS);
  json_string(&j, "goarch", GOARCH);
  json_string(&j, "gc_version", "escape-check " ESCAPE_VERSION);
  json_string(&j, "file", abs);
  json_close(&j, '}');
  fputc('\n', out);
  textbuf_free(&dir);
}

// lsp_file writes entries [0, n), all of one file, to DIR/PKG/FILE.json.
static int lsp_file(const char *dir, const lsp_entry *e, int n, FILE *errors) {
  const char *abs = e[0].abs, *slash = strrchr(abs, '/');
  textbuf path = {0};
  textbuf_printf(&path, "%s/", dir);
  uri_escape(&path, abs, slash == abs ? 1 : slash - abs, true);
  int status = -1;
  FILE *out = NULL;
  if (make_dirs(path.data) == 0) {
    textbuf_printf(&path, "/");
    uri_escape(&path, slash + 1, strlen(slash + 1), true);
    textbuf_printf(&path, ".json");
    out = fopen(path.data, "w");
  }
  if (out) {
    lsp_header(out, abs);
    for (int i = 0; i < n; i++)
      lsp_diagnostic(out, e[i].d);
    status = ferror(out) | fclose(out) ? -1 : 0;
  }
  if (status)
    fprintf(errors, "escape-check: error: cannot write %s: %s\n", path.data,
            strerror(errno));
  textbuf_free(&path);
  return status;
}

int write_lsp_dir(const char *dir, int m, const file_result *files, int n,
                  FILE *errors) {
  arena a = {0};
  int total = 0;
  for (int i = 0; i < n; i++)
    total += files[i].ndiags;
  lsp_entry *e = arena_alloc(&a, (total ? total : 1) * sizeof *e);
  const char *last = NULL, *last_abs = NULL;
  for (int i = 0, k = 0; i < n; i++)
    for (int x = 0; x < files[i].ndiags; x++, k++) {
      const diag *d = &files[i].diags[x];
      if (!last || strcmp(last, d->file)) {
        char *abs = path_absolute(d->file);
        last_abs = arena_strdup(&a, abs);
        free(abs);
        last = d->file;
      }
      e[k] = (lsp_entry){last_abs, d, k};
    }
  qsort(e, total, sizeof *e, by_file_position);
  char *root = arena_strdup(&a, dir);
  int status = make_dirs(root);
  if (status)
    fprintf(errors, "escape-check: error: cannot create %s: %s\n", dir,
            strerror(errno));
  for (int i = 0, next; status == 0 && i < total; i = next) {
    for (next = i + 1; next < total && !strcmp(e[next].abs, e[i].abs); next++)
      ;
    status = lsp_file(dir, e + i, next - i, errors);
  }
  arena_free(&a);
  return status;
}

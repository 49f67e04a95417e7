// check_corpus: runs escape-check on annotated C files and compares its
// reports with the annotations, as Go's test/run.go errorcheck does.
//
// usage: check_corpus ESCAPE_CHECK FILE...
//
// Each FILE is one test (tests/analyzer/CMakeLists.txt registers one ctest
// test per tests/analyzer/corpus/*.c, named corpus/<basename>). Line 1 of the file gives the
// arguments; the file path is inserted before any "--" so that compiler
// flags stay last. The format is described in corpus_annotations.h. A file
// passes when:
//
//   - every report on stdout, "FILE:LINE:COL: MESSAGE", is matched by one of
//     the regexps annotated on LINE (MESSAGE alone is matched, so a regexp
//     never matches the file name by accident);
//   - every annotated regexp matches at least one report on its line;
//   - nothing else is printed: stderr is empty, and every stdout line is a
//     report about FILE. Lines whose MESSAGE starts with "note: " are the
//     only exception: check mode's notes explain a warning, and corpora pin
//     the warning, not the prose of its explanation;
//   - the process exited by itself with 1 if it printed a "warning: " or
//     anything on stderr, and 0 otherwise.
//
// Every problem with a file is listed in a single failure message, sorted by
// line, so one run shows everything that is wrong.
#define _GNU_SOURCE
#include "corpus_annotations.h"

#include <check.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *escape_check; // the binary under test
static char **corpus_files;      // the files, one test each

// Seconds one file may take: corpus files are small, but the analyzer runs
// under AddressSanitizer in the test build.
enum { FILE_TIMEOUT = 120 };

// problem is one thing wrong with a corpus file, keyed by its line (0 for
// the file as a whole) to sort the report.
typedef struct problem {
  int line;
  int col; // of the message concerned, or 0
  int seq; // order of discovery, to keep the sort stable
  char *text;
} problem;

// expect is a compiled regexp of an annotation and whether it matched.
typedef struct expect {
  int line;
  const char *src;
  regex_t re;
  bool ok;      // regcomp succeeded
  bool matched; // matched some message on its line
} expect;

// checker is the state of checking one file.
typedef struct checker {
  const char *path;
  corpus_spec spec;
  expect *ex;
  size_t nex;
  problem *probs;
  size_t nprobs;
  int warnings; // messages starting "warning: "
} checker;

static void report(checker *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// report records a problem at line.
static void report(checker *c, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *text = NULL;
  if (vasprintf(&text, fmt, ap) < 0)
    text = xstrdup(fmt);
  va_end(ap);
  c->probs = xrealloc(c->probs, (c->nprobs + 1) * sizeof *c->probs);
  c->probs[c->nprobs] = (problem){line, 0, (int)c->nprobs, text};
  c->nprobs++;
}

// compile turns every annotated regexp into an expect.
static void compile(checker *c) {
  for (size_t i = 0; i < c->spec.nanns; i++) {
    const annotation *a = &c->spec.anns[i];
    for (size_t j = 0; j < a->res.n; j++) {
      c->ex = xrealloc(c->ex, (c->nex + 1) * sizeof *c->ex);
      expect *e = &c->ex[c->nex++];
      *e = (expect){.line = a->line, .src = a->res.v[j]};
      int rc = regcomp(&e->re, e->src, REG_EXTENDED | REG_NOSUB);
      e->ok = rc == 0;
      if (!e->ok) {
        char why[256];
        regerror(rc, &e->re, why, sizeof why);
        report(c, a->line, "bad regexp \"%s\": %s", e->src, why);
      }
    }
  }
}

// command builds the argv: the binary, the header's arguments with the file
// path before the first "--", then the rest.
static void command(const checker *c, strvec *argv) {
  strvec_push(argv, escape_check);
  bool placed = false;
  for (size_t i = 0; i < c->spec.args.n; i++) {
    if (!placed && strcmp(c->spec.args.v[i], "--") == 0) {
      strvec_push(argv, c->path);
      placed = true;
    }
    strvec_push(argv, c->spec.args.v[i]);
  }
  if (!placed)
    strvec_push(argv, c->path);
}

// match checks one message of the report on line: it must match a regexp
// annotated on that line, and marks every regexp it matches.
static void match(checker *c, const diag_line *d) {
  bool any = false;
  for (size_t i = 0; i < c->nex; i++) {
    expect *e = &c->ex[i];
    if (e->line == d->line && e->ok &&
        regexec(&e->re, d->message, 0, NULL, 0) == 0) {
      e->matched = true;
      any = true;
    }
  }
  if (!any) {
    report(c, d->line, "unexpected: %s", d->message);
    c->probs[c->nprobs - 1].col = d->col;
  }
}

// messages_on lists the non-note messages of out reported on line.
static void messages_on(const checker *c, const char *out, int line,
                        strbuf *b) {
  const char *p = out;
  while (*p) {
    const char *nl = strchr(p, '\n');
    char *text = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
    diag_line d;
    if (diag_line_parse(text, c->path, &d) && d.line == line &&
        strncmp(d.message, "note: ", 6) != 0)
      strbuf_printf(b, "\n        %s", d.message);
    free(text);
    p = nl ? nl + 1 : p + strlen(p);
  }
  if (b->len == 0)
    strbuf_puts(b, " (none)");
}

// scan goes through stdout line by line.
static void scan(checker *c, const char *out) {
  const char *p = out;
  while (*p) {
    const char *nl = strchr(p, '\n');
    char *text = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
    diag_line d;
    if (!diag_line_parse(text, c->path, &d))
      report(c, 0, "unexpected output line: %s", text);
    else if (strncmp(d.message, "note: ", 6) == 0)
      ; // notes are ignored, see the top of this file
    else {
      if (strncmp(d.message, "warning: ", 9) == 0)
        c->warnings++;
      match(c, &d);
    }
    free(text);
    p = nl ? nl + 1 : p + strlen(p);
  }
}

// missing reports every regexp that matched nothing, with what its line got.
static void missing(checker *c, const char *out) {
  for (size_t i = 0; i < c->nex; i++) {
    expect *e = &c->ex[i];
    if (!e->ok || e->matched)
      continue;
    strbuf got = {0};
    messages_on(c, out, e->line, &got);
    report(c, e->line, "missing: \"%s\"; reported on the line:%s", e->src,
           got.s);
    strbuf_free(&got);
  }
}

// exit_status checks how the process ended against what it printed.
static void exit_status(checker *c, const spawn_result *r) {
  char how[128];
  spawn_describe(r, how, sizeof how);
  if (!spawn_exited(r) || (r->status != 0 && r->status != 1)) {
    report(c, 0, "escape-check did not exit normally: %s", how);
    return;
  }
  int want = c->warnings > 0 || r->err.len > 0;
  if (r->status != want)
    report(c, 0, "%s, expected %d (%d warnings, %zu bytes on stderr)", how,
           want, c->warnings, r->err.len);
}

static int by_line(const void *a, const void *b) {
  const problem *x = a, *y = b;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

// format sorts the problems and writes them one per line.
static void format(checker *c, strbuf *b) {
  if (c->nprobs > 1)
    qsort(c->probs, c->nprobs, sizeof *c->probs, by_line);
  for (size_t i = 0; i < c->nprobs; i++) {
    const problem *p = &c->probs[i];
    strbuf_puts(b, c->path);
    if (p->line > 0)
      strbuf_printf(b, ":%d", p->line);
    if (p->col > 0)
      strbuf_printf(b, ":%d", p->col);
    strbuf_printf(b, ": %s\n", p->text);
  }
}

// run executes escape-check on the file and checks everything it did.
static void run(checker *c) {
  strvec argv = {0};
  command(c, &argv);
  spawn_opts o = {.timeout_ms = FILE_TIMEOUT * 1000, .max_capture = 4 << 20};
  spawn_result r;
  spawn_run(argv.v, &o, &r);
  scan(c, strbuf_str(&r.out));
  missing(c, strbuf_str(&r.out));
  if (r.err.len > 0)
    report(c, 0, "unexpected output on stderr:\n%s", strbuf_str(&r.err));
  exit_status(c, &r);
  spawn_result_free(&r);
  strvec_free(&argv);
}

static void checker_free(checker *c) {
  for (size_t i = 0; i < c->nex; i++)
    if (c->ex[i].ok)
      regfree(&c->ex[i].re);
  free(c->ex);
  for (size_t i = 0; i < c->nprobs; i++)
    free(c->probs[i].text);
  free(c->probs);
  corpus_spec_free(&c->spec);
}

START_TEST(corpus_file) {
  checker c = {.path = corpus_files[_i]};
  strbuf text = {0}, msg = {0};
  ck_assert_msg(read_file(c.path, &text), "cannot read %s", c.path);
  corpus_spec_parse(&c.spec, strbuf_str(&text));
  for (size_t i = 0; i < c.spec.errors.n; i++)
    report(&c, atoi(c.spec.errors.v[i]), "malformed annotation: %s",
           strchr(c.spec.errors.v[i], ' ') + 1);
  compile(&c);
  if (c.spec.has_header)
    run(&c);
  format(&c, &msg);
  clip(&msg, SUITE_MAX_MESSAGE - 256);
  size_t n = c.nprobs;
  checker_free(&c);
  strbuf_free(&text);
  ck_assert_msg(n == 0, "%zu problem%s:\n%s", n, n == 1 ? "" : "s",
                strbuf_str(&msg));
  strbuf_free(&msg);
}
END_TEST

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: check_corpus ESCAPE_CHECK FILE...\n");
    return 2;
  }
  escape_check = argv[1];
  corpus_files = argv + 2;
  Suite *s = suite_create("corpus");
  TCase *tc = tcase_create("files");
  tcase_set_timeout(tc, FILE_TIMEOUT + 30);
  tcase_add_loop_test(tc, corpus_file, 0, argc - 2);
  suite_add_tcase(s, tc);
  return suite_run(s, NULL);
}

// corpus_annotations.c: parsing the header and // ERROR comments of a
// corpus file. See corpus_annotations.h for the format.
//
// The parser is strict where Go's is lenient: between the quoted regexps of
// an annotation only blanks are allowed, and "// ERROR" with no regexp is an
// error, so a typo in an expectation fails the test that carries it instead
// of silently expecting nothing. Annotations are found by the text
// "// ERROR " anywhere on a line; a file that needs those characters in a
// string literal can split the literal.
#define _GNU_SOURCE
#include "corpus_annotations.h"

#include <stdlib.h>
#include <string.h>

static const char header[] = "// escape-check";
static const char marker[] = "// ERROR";

static bool blank(char c) { return c == ' ' || c == '\t'; }

// quoted parses the regexp whose opening quote is at *p, appending it to res
// and advancing *p past the closing quote. It returns false if the line ends
// first.
static bool quoted(const char **p, const char *end, strvec *res) {
  strbuf re = {0};
  const char *s = *p + 1;
  for (; s < end && *s != '"'; s++) {
    if (*s == '\\' && s + 1 < end && s[1] == '"')
      s++; // \" is a literal quote
    else if (*s == '\\' && s + 1 < end)
      strbuf_append(&re, s++, 1); // keep the regexp's own escape pair
    strbuf_append(&re, s, 1);
  }
  bool closed = s < end;
  if (closed) {
    strvec_push(res, strbuf_str(&re));
    *p = s + 1;
  }
  strbuf_free(&re);
  return closed;
}

// annotation_parse finds the // ERROR comment in the len bytes at line and
// appends its regexps to res. It returns 1 if it found one, 0 if the line
// has none, and -1 (with the reason appended to error) if it is malformed.
int annotation_parse(const char *line, size_t len, strvec *res, strbuf *error) {
  const char *end = line + len;
  const char *m = memmem(line, len, marker, sizeof marker - 1);
  if (m == NULL)
    return 0;
  const char *p = m + sizeof marker - 1;
  if (p < end && !blank(*p) && *p != '"')
    return 0; // "// ERRORS" and the like are not annotations
  size_t before = res->n;
  for (;;) {
    while (p < end && blank(*p))
      p++;
    if (p == end)
      break;
    if (*p != '"') {
      strbuf_printf(error, "expected a quoted regexp at column %d",
                    (int)(p - line) + 1);
      return -1;
    }
    if (!quoted(&p, end, res)) {
      strbuf_puts(error, "unterminated regexp (missing closing \")");
      return -1;
    }
  }
  if (res->n == before) {
    strbuf_puts(error, "// ERROR without a quoted regexp");
    return -1;
  }
  return 1;
}

// corpus_header_parse checks that the len bytes at line are
// "// escape-check ARGS" and appends the blank-separated words of ARGS.
bool corpus_header_parse(const char *line, size_t len, strvec *args) {
  size_t n = sizeof header - 1;
  if (len < n || memcmp(line, header, n) != 0 || (len > n && !blank(line[n])))
    return false;
  for (const char *p = line + n, *end = line + len; p < end;) {
    while (p < end && blank(*p))
      p++;
    const char *w = p;
    while (p < end && !blank(*p))
      p++;
    if (p > w)
      strvec_pushn(args, w, (size_t)(p - w));
  }
  return true;
}

// add_annotation parses one line other than the header into s.
static void add_annotation(corpus_spec *s, int lineno, const char *line,
                           size_t len) {
  annotation a = {.line = lineno};
  strbuf err = {0};
  int rc = annotation_parse(line, len, &a.res, &err);
  if (rc < 0) {
    strbuf msg = {0};
    strbuf_printf(&msg, "%d: %s", lineno, strbuf_str(&err));
    strvec_push(&s->errors, msg.s);
    strbuf_free(&msg);
  }
  strbuf_free(&err);
  if (rc <= 0) {
    strvec_free(&a.res);
    return;
  }
  s->anns = xrealloc(s->anns, (s->nanns + 1) * sizeof *s->anns);
  s->anns[s->nanns++] = a;
}

// corpus_spec_parse reads the header and annotations of the corpus file
// whose contents are text. Lines end in \n; a \r before it is ignored.
void corpus_spec_parse(corpus_spec *s, const char *text) {
  *s = (corpus_spec){0};
  int lineno = 1;
  for (const char *p = text; *p; lineno++) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    size_t trimmed = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
    if (lineno == 1)
      s->has_header = corpus_header_parse(p, trimmed, &s->args);
    else
      add_annotation(s, lineno, p, trimmed);
    p += nl ? len + 1 : len;
  }
  if (!s->has_header)
    strvec_push(&s->errors, "1: the first line must be // escape-check ARGS");
}

// corpus_spec_find returns the annotation of line, or NULL.
const annotation *corpus_spec_find(const corpus_spec *s, int line) {
  for (size_t i = 0; i < s->nanns; i++)
    if (s->anns[i].line == line)
      return &s->anns[i];
  return NULL;
}

void corpus_spec_free(corpus_spec *s) {
  strvec_free(&s->args);
  for (size_t i = 0; i < s->nanns; i++)
    strvec_free(&s->anns[i].res);
  free(s->anns);
  strvec_free(&s->errors);
  *s = (corpus_spec){0};
}

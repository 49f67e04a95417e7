// diag.c: escape-check's reports read back as structured diagnostics.
//
// report.c prints each report as a blob of full lines, "PATH:LINE:COL: ...",
// and the output formats (output.c) need the blob's parts. diag_parse reads
// a blob back by the grammar report.c prints, never by its wording:
//
//   check mode  PATH:L:C: warning: MESSAGE [-Wescape-KIND]
//               PATH:L:C: note: NOTE                 zero or more, any PATH
//   -m          PATH:L:C: MESSAGE
//   -m=2        PATH:L:C: MESSAGE                    "x escapes to heap:" ...
//               PATH:L:C:   flow: ...:               the first line's own
//               PATH:L:C:     from EXPR (WHY) at P   PATH:L:C, then two or
//                                                    more spaces
//
// An explanation line becomes a note with its indentation trimmed. A
// "from ... (WHY) at P" line is placed at P, and " at P" leaves its text; a
// "flow:" line is placed where the first "from" line after it is, as Go's
// -json places it, else (a flow with no note) at the blob's own position.
#include "escape.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[ESC_KINDS] = {
    [ESC_RETURN] = "return", [ESC_GLOBAL] = "global", [ESC_HEAP] = "heap",
    [ESC_PARAM] = "param",   [ESC_CALL] = "call",     [ESC_THREAD] = "thread",
    [ESC_SEND] = "send",     [ESC_SCOPE] = "scope",
};

const char *escape_kind_name(escape_kind k) {
  return k > ESC_NONE && k < ESC_KINDS ? kind_names[k] : NULL;
}

bool escape_kind_parse(const char *name, escape_kind *k) {
  for (int i = ESC_NONE + 1; i < ESC_KINDS; i++)
    if (!strcmp(name, kind_names[i])) {
      *k = (escape_kind)i;
      return true;
    }
  return false;
}

// copy returns the n bytes at s as a string, from util.c's checked
// allocator.
static char *copy(const char *s, size_t n) {
  textbuf b = {0};
  textbuf_printf(&b, "%.*s", (int)n, s);
  return b.data;
}

static bool starts(const char *s, const char *end, const char *prefix) {
  size_t n = strlen(prefix);
  return (size_t)(end - s) >= n && !memcmp(s, prefix, n);
}

// A position is "PATH:LINE:COL" in a line; rest is what follows it.
typedef struct {
  const char *file;
  size_t flen;
  unsigned line, col;
  const char *rest;
} position;

static bool parse_uint(const char **s, const char *end, unsigned *v) {
  const char *p = *s;
  unsigned long long n = 0;
  for (; p < end && *p >= '0' && *p <= '9'; p++)
    if ((n = n * 10 + (*p - '0')) > UINT_MAX)
      return false;
  if (p == *s)
    return false;
  *v = (unsigned)n;
  *s = p;
  return true;
}

// leading_position reads the "PATH:LINE:COL:" a line starts with: PATH is
// everything before the first ":DIGITS:DIGITS:".
static bool leading_position(const char *s, const char *end, position *p) {
  for (const char *q = s + 1; q < end; q++) {
    const char *r = q + 1;
    if (*q != ':' || !parse_uint(&r, end, &p->line) || r == end || *r++ != ':')
      continue;
    if (!parse_uint(&r, end, &p->col) || r == end || *r != ':')
      continue;
    *p = (position){s, q - s, p->line, p->col, r + 1};
    return true;
  }
  return false;
}

// trailing_position reads the "PATH:LINE:COL" that [s, end) is.
static bool trailing_position(const char *s, const char *end, position *p) {
  const char *q = end;
  unsigned v[2];
  for (int i = 1; i >= 0; i--) {
    const char *digits = q;
    while (digits > s && digits[-1] >= '0' && digits[-1] <= '9')
      digits--;
    const char *r = digits;
    if (digits == s || digits[-1] != ':' || !parse_uint(&r, q, &v[i]))
      return false;
    q = digits - 1;
  }
  if (q == s)
    return false;
  *p = (position){s, q - s, v[0], v[1], end};
  return true;
}

// explained_at finds the " at P" that ends an explanation line [s, end):
// the last ") at " followed by a position in the blob's own file, else the
// last followed by any position. It returns where " at" starts, or end.
static const char *explained_at(const char *s, const char *end,
                                const position *blob, position *at) {
  const char *found = end;
  for (const char *q = end; q - s >= 5; q--) {
    position p;
    if (memcmp(q - 5, ") at ", 5) || !trailing_position(q, end, &p))
      continue;
    bool same = p.flen == blob->flen && !memcmp(p.file, blob->file, p.flen);
    if (same || found == end) {
      *at = p;
      found = q - 4;
    }
    if (same)
      break;
  }
  return found;
}

// A parser reads one blob. pending is the explanation line last added if
// it had no " at P": the next line's position is its own.
typedef struct {
  diag *d;
  position first;
  int pending;
} parser;

static void add_note(diag *d, const position *p, const char *msg,
                     const char *msg_end) {
  diag_note *n = &d->notes[d->nnotes++];
  n->file = copy(p->file, p->flen);
  n->line = p->line;
  n->col = p->col;
  n->message = copy(msg, msg_end - msg);
}

static void move_note(diag_note *n, const position *p) {
  free(n->file);
  n->file = copy(p->file, p->flen);
  n->line = p->line;
  n->col = p->col;
}

// parse_warning reads check mode's first line after its position.
static bool parse_warning(diag *d, const char *s, const char *end) {
  static const char flag[] = " [-Wescape-";
  const char *f = NULL;
  for (const char *q = s; end - q >= (ptrdiff_t)sizeof flag; q++)
    if (!memcmp(q, flag, sizeof flag - 1))
      f = q;
  if (!f || f == s || end[-1] != ']')
    return false;
  const char *name = f + sizeof flag - 1;
  char *kind = copy(name, end - 1 - name);
  bool known = escape_kind_parse(kind, &d->kind);
  free(kind);
  if (!known)
    return false;
  d->warning = true;
  d->message = copy(s, f - s);
  return true;
}

// parse_explanation reads an -m=2 line after its indentation.
static bool parse_explanation(parser *ps, const char *s, const char *end) {
  while (s < end && *s == ' ')
    s++;
  if (s == end)
    return false;
  position at = ps->first;
  const char *text_end = explained_at(s, end, &ps->first, &at);
  if (text_end != end && ps->pending >= 0)
    move_note(&ps->d->notes[ps->pending], &at);
  ps->pending = text_end == end ? ps->d->nnotes : -1;
  add_note(ps->d, &at, s, text_end);
  return true;
}

static bool parse_line(parser *ps, const char *s, const char *end) {
  if (ps->d->warning) {
    position p;
    if (!leading_position(s, end, &p) || !starts(p.rest, end, " note: "))
      return false;
    add_note(ps->d, &p, p.rest + 7, end);
    return true;
  }
  size_t prefix = ps->first.rest - ps->first.file;
  return (size_t)(end - s) > prefix + 2 && !memcmp(s, ps->first.file, prefix) &&
         starts(s + prefix, end, "  ") &&
         parse_explanation(ps, s + prefix, end);
}

// parse_first reads the first line: a warning, or a remark. A line that
// starts as clang's own diagnostics do is neither.
static bool parse_first(parser *ps, const char *s, const char *end) {
  diag *d = ps->d;
  position *p = &ps->first;
  if (!leading_position(s, end, p))
    return false;
  d->file = copy(p->file, p->flen);
  d->line = p->line;
  d->col = p->col;
  if (starts(p->rest, end, " warning: "))
    return parse_warning(d, p->rest + 10, end);
  static const char *const not_remarks[] = {
      " note: ", " error: ", " fatal error: "};
  for (size_t i = 0; i < sizeof not_remarks / sizeof *not_remarks; i++)
    if (starts(p->rest, end, not_remarks[i]))
      return false;
  if (!starts(p->rest, end, " ") || end - p->rest < 2 || p->rest[1] == ' ')
    return false;
  d->message = copy(p->rest + 1, end - p->rest - 1);
  return true;
}

static bool parse(const char *text, diag *d) {
  parser ps = {d, {0}, -1};
  const char *end = strchr(text, '\n');
  if (!end || !parse_first(&ps, text, end))
    return false;
  int lines = 0;
  for (const char *q = end + 1; *q; q++)
    lines += *q == '\n';
  d->notes = must_calloc(lines, sizeof *d->notes);
  for (const char *s = end + 1; *s; s = end + 1)
    if (!(end = strchr(s, '\n')) || !parse_line(&ps, s, end))
      return false;
  d->text = copy(text, strlen(text));
  return true;
}

bool diag_parse(const char *text, diag *d) {
  *d = (diag){0};
  if (parse(text, d))
    return true;
  diag_free(d);
  return false;
}

void diag_free(diag *d) {
  for (int i = 0; i < d->nnotes; i++) {
    free(d->notes[i].file);
    free(d->notes[i].message);
  }
  free(d->notes);
  free(d->file);
  free(d->message);
  free(d->text);
  *d = (diag){0};
}

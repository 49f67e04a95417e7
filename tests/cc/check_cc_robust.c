// check_cc_robust: no input crashes escape-cc, and a unit that does not
// compile gets exactly the real compiler's diagnostics and status.
//
//   check_cc_robust ESCAPE-CC FAILURE-DIR [TCASE]
//
// Run from the project root (ctest does): the inputs are
// tests/cc/programs/*.c and samples/*.c. Test cases:
//
//   mutations  one test per input: VARIANTS broken copies of it, derived
//              by a linear congruential generator seeded with the file's
//              name, so that the same file always gets the same variants —
//              truncations after a token, a line deleted or duplicated, a
//              brace or parenthesis deleted or doubled, an identifier
//              renamed once or everywhere (often onto another name of the
//              file: a local named like a member, a macro, a type), a
//              declaration's initializer removed, bytes flipped.
//   hard       constructed cases: a moved local named like a struct member
//              and used in a macro's argument, one used in nested macros,
//              one 5,000 blocks deep, 20,000 functions each with one, one
//              declared in a statement expression in a macro, K&R
//              parameters, an empty file, a file of directives only, file
//              names with spaces, and a few more (hard_cases below).
//
// Each input is written under a fixed name (X.c) in a directory of its
// own and compiled twice there, by the real compiler and by escape-cc
// standing in for it, as a build would:
//
//   gcc -c -w X.c -o real.o
//   escape-cc -c -w X.c -o cc.o       (ESCAPE_REAL_CC=gcc, not strict)
//
// escape-cc (and escape-cc-rewrite, its analysis, which it runs: a failure
// of that is a crash, not a fallback) must exit by itself within RUN_TIMEOUT
// seconds and at most SLOWER times the real compiler's time plus SLACK,
// never by a signal or with SANITIZER_EXITCODE (the sanitizers' report), and
// with the real compiler's status and stdout. When the real compiler failed,
// escape-cc's stderr is the real compiler's, byte for byte. When it
// succeeded, escape-cc's stderr is the real compiler's, possibly after one
// line "escape-cc: warning: ...": the unit was compiled as written because
// escape-cc could not rewrite it. That fallback is a bug of ours but not a
// failure here: the fallbacks are counted, listed in the output and kept. A
// unit libclang cannot parse falls back silently without ESCAPE_CC_STRICT
// (cc/main.c), so a clean run of a unit the real compiler accepts and
// escape-cc did not rewrite (cc.o calls no escrt_ function) runs once more
// with ESCAPE_CC_STRICT=1, which names it; those count as silent fallbacks.
// Both objects must define and use the same external symbols, the runtime's
// aside (nm -P -g), and the same strings (readelf -p .rodata) when escape-cc
// rewrote the unit: a rewrite that drops a definition, turns a macro into a
// call or changes a stringified name compiles, but wrongly. In every case no
// temporary .X.c.escape-cc-* may be left in the directory, and cc.o exists
// exactly when real.o does.
//
// A failing input is kept as FAILURE-DIR/NAME.VARIANT/X.c, a fallback's as
// FAILURE-DIR/fallbacks/NAME.VARIANT/X.c, with the command that replays it
// (FAILURE-DIR, when named robust-failures, is emptied first).
// Inputs run on `jobs` worker processes at once (2, or
// $ESCAPE_CC_ROBUST_JOBS), so that the suite takes about three minutes on
// two cores. $ESCAPE_CC_ROBUST_ROUNDS=N derives N times as many variants
// of each input, with other seeds, for a deeper search by hand.
#define _GNU_SOURCE
#include "harness.h"

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// Seconds allowed to one compiler run. escape-cc takes a few tenths of a
// second on a program of the corpus under the sanitizers; the largest hard
// case (20,000 functions) takes the real compiler several seconds.
enum { RUN_TIMEOUT = 60 };

// escape-cc parses the unit, analyzes it, and compiles the rewritten unit:
// a few times the real compiler's work, never more than SLOWER times plus
// SLACK seconds (the sanitizers' start-up, a loaded machine). Slower is
// a hang in the making, such as work quadratic in the unit's size.
enum { SLOWER = 4, SLACK = 10 };

// The mutations of one input, by kind: how many of each. Ten variants of
// each of ~130 inputs take about two minutes on two cores.
typedef enum {
  TRUNCATE,   // cut after a token
  DEL_LINE,   // a line deleted
  DUP_LINE,   // a line written twice
  DEL_BRACE,  // a brace or parenthesis deleted
  DUP_BRACE,  // ... or doubled
  RENAME_ONE, // one occurrence of an identifier renamed
  RENAME_ALL, // every occurrence of an identifier renamed
  NO_INIT,    // a declaration's initializer removed
  FLIP,       // one to three bits flipped
  NKINDS
} kind;

static const struct {
  const char *name;
  int count;
} kinds[NKINDS] = {
    [TRUNCATE] = {"trunc", 2},       [DEL_LINE] = {"delline", 1},
    [DUP_LINE] = {"dupline", 1},     [DEL_BRACE] = {"delbrace", 1},
    [DUP_BRACE] = {"dupbrace", 1},   [RENAME_ONE] = {"rename1", 1},
    [RENAME_ALL] = {"renameall", 1}, [NO_INIT] = {"noinit", 1},
    [FLIP] = {"flip", 1},
};
enum { VARIANTS = 10 }; // the sum of the counts above

static const char *escape_cc;    // the driver under test
static const char *failure_dir;  // where failing inputs are kept
static const char *real_cc = "gcc"; // found in $PATH by the shell
static char **env_cc;            // escape-cc's environment, not strict
static char **env_strict;        // ... with ESCAPE_CC_STRICT=1
static char *summary_path;       // fallbacks of every test, one per line
static strvec inputs;            // the corpus files
static int jobs = 2;             // worker processes
static int rounds = 1;           // VARIANTS per input, times this

// ---------------------------------------------------------------------------
// Inputs and their variants
// ---------------------------------------------------------------------------

// variant is one input: a mutation of a corpus file, or a hard case.
typedef struct variant {
  char *label; // NAME.VARIANT: names it in messages and where it is kept
  char *what;  // how it was made
  char *file;  // its file name (X.c, or one with spaces)
  strbuf text;
  char *dir;   // the directory it is compiled in
} variant;

static void variant_free(variant *v) {
  free(v->label);
  free(v->what);
  free(v->file);
  free(v->dir);
  strbuf_free(&v->text);
}

// seed is the variant k of the file at path (tests/support/lcg.c).
static lcg seed(const char *path, int k) {
  lcg r = lcg_for_file(path, (uint64_t)(k + 1) << 40);
  lcg_next(&r);
  return r;
}

// token is one C token of the text: its extent and class.
typedef struct token {
  size_t s, e;
  char cls; // 'i' identifier or keyword, 'n' number, 's' literal, 'p' punct
} token;

typedef struct tokens {
  token *v;
  size_t n, cap;
} tokens;

static bool ident_char(unsigned char c) {
  return isalnum(c) || c == '_' || c >= 0x80;
}

// tokenize splits t into tokens, skipping white space, comments and
// line splices; punctuators of two and three characters are one token.
static tokens tokenize(const char *t, size_t len) {
  static const char *const puncts[] = {
      "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==",
      "!=",  "&&",  "||",  "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=",
      "##"};
  tokens ts = {0};
  size_t i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)t[i];
    if (isspace(c) || (c == '\\' && i + 1 < len && t[i + 1] == '\n')) {
      i += c == '\\' ? 2 : 1;
      continue;
    }
    if (c == '/' && i + 1 < len && t[i + 1] == '*') {
      const char *e = memmem(t + i + 2, len - i - 2, "*/", 2);
      i = e ? (size_t)(e - t) + 2 : len;
      continue;
    }
    if (c == '/' && i + 1 < len && t[i + 1] == '/') {
      while (i < len && t[i] != '\n')
        i++;
      continue;
    }
    token k = {i, i + 1, 'p'};
    if (ident_char(c) && !isdigit(c)) {
      while (k.e < len && ident_char((unsigned char)t[k.e]))
        k.e++;
      k.cls = 'i';
    } else if (isdigit(c)) {
      while (k.e < len && (ident_char((unsigned char)t[k.e]) || t[k.e] == '.'))
        k.e++;
      k.cls = 'n';
    } else if (c == '"' || c == '\'') {
      while (k.e < len && t[k.e] != c && t[k.e] != '\n')
        k.e += t[k.e] == '\\' ? 2 : 1;
      k.e = k.e < len ? k.e + 1 : len;
      k.cls = 's';
    } else {
      for (size_t p = 0; p < sizeof puncts / sizeof *puncts; p++) {
        size_t n = strlen(puncts[p]);
        if (i + n <= len && !memcmp(t + i, puncts[p], n)) {
          k.e = i + n;
          break;
        }
      }
    }
    if (ts.n == ts.cap) {
      ts.cap = ts.cap ? 2 * ts.cap : 256;
      ts.v = xrealloc(ts.v, ts.cap * sizeof *ts.v);
    }
    ts.v[ts.n++] = k;
    i = k.e;
  }
  return ts;
}

static bool tok_is(const char *t, const token *k, const char *s) {
  return k->e - k->s == strlen(s) && !memcmp(t + k->s, s, k->e - k->s);
}

static const char *const keywords[] = {
    "auto",     "break",    "case",     "char",     "const",    "continue",
    "default",  "do",       "double",   "else",     "enum",     "extern",
    "float",    "for",      "goto",     "if",       "inline",   "int",
    "long",     "register", "restrict", "return",   "short",    "signed",
    "sizeof",   "static",   "struct",   "switch",   "typedef",  "union",
    "unsigned", "void",     "volatile", "while",    "_Bool",    "bool",
    "_Alignas", "_Alignof", "_Atomic",  "_Static_assert", "_Thread_local",
    "__attribute__", "typeof", "__typeof__", "__extension__", "include",
    "define",   "ifdef",    "ifndef",   "endif",    "undef",    "pragma",
    "size_t",   "NULL"};

static bool is_keyword(const char *t, const token *k) {
  for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
    if (tok_is(t, k, keywords[i]))
      return true;
  return false;
}

// type_start reports whether the token starts a declaration: a type
// keyword, a storage class, or a typedef name in the _t style.
static bool type_start(const char *t, const token *k) {
  static const char *const words[] = {
      "int",   "char",   "short",    "long",   "unsigned", "signed",
      "float", "double", "void",     "_Bool",  "bool",     "struct",
      "union", "enum",   "const",    "static", "volatile", "register",
      "auto",  "size_t", "__typeof__", "typeof", "_Alignas"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (tok_is(t, k, words[i]))
      return true;
  return k->cls == 'i' && k->e - k->s > 2 && !memcmp(t + k->e - 2, "_t", 2);
}

// line_of returns the 1-based line of offset off.
static int line_of(const char *t, size_t off) {
  int line = 1;
  for (size_t i = 0; i < off; i++)
    line += t[i] == '\n';
  return line;
}

// replace_bytes replaces del bytes at off in b with the n bytes at s.
static void replace_bytes(strbuf *b, size_t off, size_t del, const char *s, size_t n) {
  strbuf t = {0};
  strbuf_append(&t, strbuf_str(b), off);
  strbuf_append(&t, s, n);
  strbuf_append(&t, strbuf_str(b) + off + del, b->len - off - del);
  strbuf_free(b);
  *b = t;
}

// pick_token draws a token for which ok holds, or returns ts->n.
static size_t pick_token(lcg *r, const char *t, const tokens *ts,
                         bool (*ok)(const char *, const token *)) {
  size_t *cand = xmalloc((ts->n + 1) * sizeof *cand), n = 0;
  for (size_t i = 0; i < ts->n; i++)
    if (ok(t, &ts->v[i]))
      cand[n++] = i;
  size_t pick = n ? cand[lcg_below(r, n)] : ts->n;
  free(cand);
  return pick;
}

static bool is_bracket(const char *t, const token *k) {
  return k->e - k->s == 1 && strchr("{}()", t[k->s]) != NULL;
}

static bool is_ident(const char *t, const token *k) { return k->cls == 'i'; }

static bool is_name(const char *t, const token *k) {
  return k->cls == 'i' && !is_keyword(t, k);
}

// other_name picks the name an identifier is renamed to: another name of
// the file half of the time (which may be a member, a macro, a type or
// another local of the same function), else a name nothing uses.
static char *other_name(lcg *r, const char *t, const tokens *ts,
                        const token *from) {
  if (lcg_below(r, 2) == 0) {
    for (int tries = 0; tries < 20; tries++) {
      size_t k = pick_token(r, t, ts, is_name);
      if (k == ts->n)
        break;
      const token *to = &ts->v[k];
      if (to->e - to->s != from->e - from->s ||
          memcmp(t + to->s, t + from->s, to->e - to->s))
        return xstrndup(t + to->s, to->e - to->s);
    }
  }
  return xstrdup("renamed_by_robust");
}

// drop_init removes the initializer of a declaration drawn from those the
// tokens show ("TYPE ... name = init" up to its ',' or ';'); false if
// there is none.
static bool drop_init(lcg *r, strbuf *b, const tokens *ts, strbuf *what) {
  const char *t = strbuf_str(b);
  size_t *cand = xmalloc((ts->n + 1) * sizeof *cand), n = 0;
  for (size_t i = 1; i < ts->n; i++) {
    if (!tok_is(t, &ts->v[i], "=") ||
        !(ts->v[i - 1].cls == 'i' || tok_is(t, &ts->v[i - 1], "]")))
      continue;
    size_t s = i;
    while (s > 0 && !tok_is(t, &ts->v[s - 1], ";") &&
           !tok_is(t, &ts->v[s - 1], "{") && !tok_is(t, &ts->v[s - 1], "}") &&
           !tok_is(t, &ts->v[s - 1], ")"))
      s--;
    if (s < i && type_start(t, &ts->v[s]))
      cand[n++] = i;
  }
  if (n == 0) {
    free(cand);
    return false;
  }
  size_t i = cand[lcg_below(r, n)], e = i + 1;
  free(cand);
  for (int depth = 0; e < ts->n; e++) {
    const token *k = &ts->v[e];
    if (tok_is(t, k, "(") || tok_is(t, k, "[") || tok_is(t, k, "{"))
      depth++;
    else if (tok_is(t, k, ")") || tok_is(t, k, "]") || tok_is(t, k, "}")) {
      if (--depth < 0)
        break;
    } else if (depth == 0 && (tok_is(t, k, ",") || tok_is(t, k, ";")))
      break;
  }
  size_t from = ts->v[i - 1].e, to = e < ts->n ? ts->v[e].s : b->len;
  strbuf_printf(what, "the initializer of '%.*s' on line %d removed",
                (int)(ts->v[i - 1].e - ts->v[i - 1].s), t + ts->v[i - 1].s,
                line_of(t, ts->v[i].s));
  replace_bytes(b, from, to - from, "", 0);
  return true;
}

// mutate applies one mutation of kind k to b and says what it did.
static void mutate(lcg *r, kind k, strbuf *b, strbuf *what) {
  const char *t = strbuf_str(b);
  tokens ts = tokenize(t, b->len);
  switch (k) {
  case TRUNCATE: {
    size_t i = lcg_below(r, ts.n + 1);
    size_t cut = i < ts.n ? ts.v[i].e : b->len;
    strbuf_printf(what, "truncated after token %zu '%.*s' (line %d, byte %zu "
                        "of %zu)",
                  i, i < ts.n ? (int)(ts.v[i].e - ts.v[i].s) : 0,
                  i < ts.n ? t + ts.v[i].s : "", line_of(t, cut), cut, b->len);
    b->len = cut;
    b->s[cut] = '\0';
    break;
  }
  case DEL_LINE:
  case DUP_LINE: {
    // A line that holds a token, so that something changes.
    size_t i = lcg_below(r, ts.n), s = ts.n ? ts.v[i].s : 0, e = s;
    while (s > 0 && t[s - 1] != '\n')
      s--;
    while (e < b->len && t[e] != '\n')
      e++;
    if (e < b->len)
      e++;
    strbuf_printf(what, "line %d %s", line_of(t, s),
                  k == DEL_LINE ? "deleted" : "duplicated");
    if (k == DEL_LINE) {
      replace_bytes(b, s, e - s, "", 0);
    } else {
      char *line = xstrndup(t + s, e - s);
      replace_bytes(b, e, 0, line, e - s);
      free(line);
    }
    break;
  }
  case DEL_BRACE:
  case DUP_BRACE: {
    size_t i = pick_token(r, t, &ts, is_bracket);
    if (i == ts.n) {
      strbuf_printf(what, "no brace or parenthesis to change");
      break;
    }
    size_t at = ts.v[i].s;
    char c = t[at];
    strbuf_printf(what, "'%c' on line %d %s", c, line_of(t, at),
                  k == DEL_BRACE ? "deleted" : "doubled");
    replace_bytes(b, at, k == DEL_BRACE ? 1 : 0, &c, k == DEL_BRACE ? 0 : 1);
    break;
  }
  case RENAME_ONE:
  case RENAME_ALL: {
    size_t i = pick_token(r, t, &ts, k == RENAME_ONE ? is_ident : is_name);
    if (i == ts.n) {
      strbuf_printf(what, "no identifier to rename");
      break;
    }
    token from = ts.v[i];
    char *old = xstrndup(t + from.s, from.e - from.s);
    char *to = other_name(r, t, &ts, &from);
    if (k == RENAME_ONE) {
      strbuf_printf(what, "'%s' on line %d renamed '%s'", old,
                    line_of(t, from.s), to);
      replace_bytes(b, from.s, from.e - from.s, to, strlen(to));
    } else {
      strbuf_printf(what, "every '%s' renamed '%s'", old, to);
      strbuf out = {0};
      size_t at = 0;
      for (size_t j = 0; j < ts.n; j++)
        if (tok_is(t, &ts.v[j], old)) {
          strbuf_append(&out, t + at, ts.v[j].s - at);
          strbuf_puts(&out, to);
          at = ts.v[j].e;
        }
      strbuf_append(&out, t + at, b->len - at);
      strbuf_free(b);
      *b = out;
    }
    free(old);
    free(to);
    break;
  }
  case NO_INIT:
    if (drop_init(r, b, &ts, what))
      break;
    strbuf_printf(what, "no initializer to remove; ");
    __attribute__((fallthrough)); // flip bits instead
  case FLIP:
  default: {
    int n = 1 + (int)lcg_below(r, 3);
    for (int j = 0; j < n && b->len > 0; j++) {
      size_t off = lcg_below(r, b->len);
      int bit = (int)lcg_below(r, 8);
      b->s[off] ^= (char)(1u << bit);
      strbuf_printf(what, "%sbit %d of byte %zu (line %d) flipped",
                    j ? ", " : "", bit, off, line_of(t, off));
    }
  }
  }
  free(ts.v);
}

// make_variants derives the rounds * VARIANTS mutations of the file at
// path; round 0 is the suite's, later ones (ESCAPE_CC_ROBUST_ROUNDS) dig
// deeper with other seeds.
static void make_variants(const char *path, const strbuf *src, variant *vs) {
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  int stem = (int)(strlen(base) > 2 ? strlen(base) - 2 : strlen(base));
  int n = 0;
  for (int round = 0; round < rounds; round++)
    for (int k = 0; k < NKINDS; k++)
      for (int j = 0; j < kinds[k].count; j++, n++) {
        variant *v = &vs[n];
        *v = (variant){0};
        lcg r = seed(path, n);
        strbuf_append(&v->text, strbuf_str(src), src->len);
        strbuf w = {0};
        mutate(&r, (kind)k, &v->text, &w);
        v->what = w.s ? w.s : xstrdup("");
        strbuf l = {0};
        strbuf_printf(&l, "%.*s.%s", stem, base, kinds[k].name);
        if (kinds[k].count > 1)
          strbuf_printf(&l, "%d", j);
        if (round > 0)
          strbuf_printf(&l, ".r%d", round);
        v->label = l.s;
        v->file = xstrdup("X.c");
      }
}

// ---------------------------------------------------------------------------
// Running one input
// ---------------------------------------------------------------------------

typedef enum { PASS, FALLBACK, SILENT, FAIL } verdict;
static const char *const verdict_name[] = {"pass", "fallback", "silent",
                                           "fail"};

// run runs argv in dir through the shell's exec, so that the real compiler
// is found in $PATH and names itself as a build would run it.
static spawn_result run(const char *dir, char **envp, const char *const *argv) {
  strvec v = {0};
  strvec_push(&v, "/bin/sh");
  strvec_push(&v, "-c");
  strvec_push(&v, "exec \"$@\"");
  strvec_push(&v, "sh");
  for (size_t i = 0; argv[i]; i++)
    strvec_push(&v, argv[i]);
  spawn_opts o = {.cwd = dir,
                  .envp = envp,
                  .timeout_ms = RUN_TIMEOUT * 1000,
                  .max_capture = 1 << 20};
  spawn_result r;
  spawn_run(v.v, &o, &r);
  strvec_free(&v);
  return r;
}

// sanitizer_report reports whether stderr holds a sanitizer's report.
static bool sanitizer_report(const spawn_result *r) {
  static const char *const marks[] = {
      "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
      "ERROR: UndefinedBehaviorSanitizer", ": runtime error: "};
  for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
    if (strstr(strbuf_str(&r->err), marks[i]) != NULL)
      return true;
  return false;
}

// leftovers lists the files of dir that escape-cc's temporaries are named
// like (.X.c.escape-cc-PID-N.c).
static void leftovers(const char *dir, strbuf *out) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (strstr(e->d_name, ".escape-cc-"))
      strbuf_printf(out, " '%s'", e->d_name);
  closedir(d);
}

static bool exists_in(const char *dir, const char *name) {
  char *p = path_join(dir, name);
  bool yes = file_exists(p);
  free(p);
  return yes;
}

// quote appends s to b as the shell would read it back, with at most max
// bytes shown.
static void quote(strbuf *b, const char *s, size_t max) {
  size_t n = strlen(s);
  strbuf_puts(b, "\"");
  for (size_t i = 0; i < n && i < max; i++) {
    if (s[i] == '\n')
      strbuf_puts(b, "\\n");
    else if (s[i] == '"' || s[i] == '\\')
      strbuf_printf(b, "\\%c", s[i]);
    else
      strbuf_append(b, s + i, 1);
  }
  strbuf_puts(b, n > max ? "\"..." : "\"");
}

// symbols returns the external symbols of the object dir/obj as nm -P -g
// lists them, one "NAME TYPE" a line, without the runtime's (escrt_*) that
// a rewritten unit calls, and says whether there were any; NULL if nm
// fails.
static char *symbols(const char *dir, const char *obj, bool *runtime) {
  const char *argv[] = {"nm", "-P", "-g", obj, NULL};
  spawn_result r = run(dir, env_cc, argv);
  char *out = NULL;
  if (spawn_exited(&r) && r.status == 0) {
    strbuf b = {0};
    strbuf_puts(&b, "");
    for (const char *p = strbuf_str(&r.out); *p;) {
      const char *nl = strchr(p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen(p);
      const char *sp = memchr(p, ' ', len);
      size_t keep = sp && sp + 2 <= p + len ? (size_t)(sp - p) + 2 : len;
      if (strncmp(p, "escrt_", 6) != 0) {
        strbuf_append(&b, p, keep);
        strbuf_puts(&b, "\n");
      } else {
        *runtime = true;
      }
      p = nl ? nl + 1 : p + len;
    }
    out = b.s;
  }
  spawn_result_free(&r);
  return out;
}

// strings_of returns the strings of the object dir/obj's .rodata, one a
// line as readelf -p prints them, without their offsets; NULL if readelf
// fails.
static char *strings_of(const char *dir, const char *obj) {
  const char *argv[] = {"readelf", "-W", "-p", ".rodata", obj, NULL};
  spawn_result r = run(dir, env_cc, argv);
  char *out = NULL;
  if (spawn_exited(&r) && r.status == 0) {
    strbuf b = {0};
    strbuf_puts(&b, "");
    for (const char *p = strbuf_str(&r.out); *p;) {
      const char *nl = strchr(p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen(p);
      const char *open = memchr(p, '[', len);
      const char *close = open ? memchr(open, ']', len - (size_t)(open - p))
                               : NULL;
      if (close && close + 3 <= p + len) { // "  [  off]  string"
        strbuf_append(&b, close + 3, (size_t)(p + len - close - 3));
        strbuf_puts(&b, "\n");
      }
      p = nl ? nl + 1 : p + len;
    }
    out = b.s;
  }
  spawn_result_free(&r);
  return out;
}

// check_variant compiles v both ways in v->dir and judges escape-cc; why
// says what went wrong, or names the fallback.
static verdict check_variant(const variant *v, strbuf *why) {
  char how[128], how2[128];
  const char *real_argv[] = {real_cc, "-c", "-w", v->file, "-o", "real.o",
                             NULL};
  const char *cc_argv[] = {escape_cc, "-c", "-w", v->file, "-o", "cc.o",
                           NULL};
  spawn_result r = run(v->dir, env_cc, real_argv);
  spawn_result e = run(v->dir, env_cc, cc_argv);
  verdict out = PASS;
  strbuf lost = {0};
  leftovers(v->dir, &lost);
  const char *rerr = strbuf_str(&r.err), *eerr = strbuf_str(&e.err);
  if (!spawn_exited(&r)) {
    strbuf_printf(why, "the real compiler: %s",
                  spawn_describe(&r, how, sizeof how));
    out = FAIL;
  } else if (!spawn_exited(&e) || e.status == SANITIZER_EXITCODE ||
             sanitizer_report(&e)) {
    strbuf_printf(why, "escape-cc: %s (the real compiler: exit status %d)",
                  spawn_describe(&e, how, sizeof how), r.status);
    out = FAIL;
  } else if (e.seconds > SLOWER * r.seconds + SLACK) {
    strbuf_printf(why, "escape-cc took %.1f s, the real compiler %.1f s "
                       "(more than %d times as long, plus %d s)",
                  e.seconds, r.seconds, SLOWER, SLACK);
    out = FAIL;
  } else if (e.status != r.status) {
    strbuf_printf(why, "escape-cc: %s, the real compiler: %s",
                  spawn_describe(&e, how, sizeof how),
                  spawn_describe(&r, how2, sizeof how2));
    out = FAIL;
  } else if (strcmp(strbuf_str(&e.out), strbuf_str(&r.out)) != 0) {
    strbuf_printf(why, "escape-cc's stdout is not the real compiler's: ");
    quote(why, strbuf_str(&e.out), 300);
    out = FAIL;
  } else if (r.status != 0 && strcmp(eerr, rerr) != 0) {
    strbuf_printf(why, "both exit %d, but the diagnostics differ", r.status);
    out = FAIL;
  } else if (r.status == 0 && strcmp(eerr, rerr) != 0) {
    // One line of ours before the real compiler's, or a failure.
    const char *nl = strchr(eerr, '\n');
    if (!strncmp(eerr, "escape-cc: warning: ", 20) && nl &&
        memmem(eerr, (size_t)(nl - eerr), "escape-cc-rewrite failed", 24)) {
      // The analysis died (a signal, a sanitizer's report): a crash, not
      // a fallback.
      strbuf_printf(why, "%.*s", (int)(nl - eerr), eerr);
      out = FAIL;
    } else if (!strncmp(eerr, "escape-cc: warning: ", 20) && nl &&
               !strcmp(nl + 1, rerr)) {
      strbuf_printf(why, "%.*s", (int)(nl - eerr), eerr);
      out = FALLBACK;
    } else {
      strbuf_printf(why, "both exit 0, but escape-cc's stderr is not the "
                         "real compiler's (after at most one warning line)");
      out = FAIL;
    }
  }
  if (out != FAIL && lost.len > 0) {
    strbuf_printf(why, "temporaries left behind:%s", strbuf_str(&lost));
    out = FAIL;
  } else if (out != FAIL &&
             exists_in(v->dir, "cc.o") != exists_in(v->dir, "real.o")) {
    strbuf_printf(why, "cc.o %s, real.o %s",
                  exists_in(v->dir, "cc.o") ? "written" : "missing",
                  exists_in(v->dir, "real.o") ? "written" : "missing");
    out = FAIL;
  }
  bool rewritten = false; // cc.o calls the runtime: escape-cc parsed it
  if (out != FAIL && r.status == 0 && exists_in(v->dir, "real.o") &&
      exists_in(v->dir, "cc.o")) {
    // What the unit defines and uses is what it did as written: a rewrite
    // must not drop a definition or turn a macro into a call.
    bool none = false;
    char *rs = symbols(v->dir, "real.o", &none);
    char *cs = symbols(v->dir, "cc.o", &rewritten);
    if (!rs || !cs || strcmp(rs, cs) != 0) {
      strbuf_printf(why, "both exit 0, but the objects' external symbols "
                         "differ (escrt_* aside)\n      real.o: ");
      quote(why, rs ? rs : "(nm failed)", 600);
      strbuf_puts(why, "\n      cc.o: ");
      quote(why, cs ? cs : "(nm failed)", 600);
      out = FAIL;
    }
    free(rs);
    free(cs);
  }
  if (out != FAIL && rewritten) {
    // Nor may it change a string: a name stringified through a second
    // macro (#define XSTR(v) STR(v)) must not read "(*x)".
    char *rs = strings_of(v->dir, "real.o"), *cs = strings_of(v->dir, "cc.o");
    if (!rs || !cs || strcmp(rs, cs) != 0) {
      strbuf_printf(why, "both exit 0, but the objects' .rodata strings "
                         "differ\n      real.o: ");
      quote(why, rs ? rs : "(readelf failed)", 600);
      strbuf_puts(why, "\n      cc.o: ");
      quote(why, cs ? cs : "(readelf failed)", 600);
      out = FAIL;
    }
    free(rs);
    free(cs);
  }
  if (out == FAIL) {
    strbuf_puts(why, "\n      real stderr: ");
    quote(why, rerr, 600);
    strbuf_puts(why, "\n      escape-cc stderr: ");
    quote(why, eerr, 1500);
  }
  if (out == PASS && r.status == 0 && !rewritten) {
    // A clean run that moved nothing may hide a unit libclang could not
    // parse: strict names it.
    const char *strict_argv[] = {escape_cc, "-c", "-w", v->file, "-o",
                                 "strict.o", NULL};
    spawn_result s = run(v->dir, env_strict, strict_argv);
    const char *serr = strbuf_str(&s.err);
    strbuf lost2 = {0};
    leftovers(v->dir, &lost2);
    if (!spawn_exited(&s) || s.status == SANITIZER_EXITCODE ||
        sanitizer_report(&s) || lost2.len > 0) {
      strbuf_printf(why, "escape-cc (ESCAPE_CC_STRICT=1): %s%s%s\n"
                         "      stderr: ",
                    spawn_describe(&s, how, sizeof how),
                    lost2.len ? ", temporaries left behind:" : "",
                    strbuf_str(&lost2));
      quote(why, serr, 1500);
      out = FAIL;
    } else if (s.status != 0) {
      const char *nl = strchr(serr, '\n');
      strbuf_printf(why, "ESCAPE_CC_STRICT=1: %.*s",
                    (int)(nl ? (size_t)(nl - serr) : strlen(serr)), serr);
      out = SILENT;
    }
    strbuf_free(&lost2);
    spawn_result_free(&s);
  }
  strbuf_free(&lost);
  spawn_result_free(&r);
  spawn_result_free(&e);
  return out;
}

// keep copies v's input to dir/LABEL/FILE and returns that directory.
static char *keep(const variant *v, const char *dir) {
  char *kept = path_join(dir, v->label);
  make_dirs(kept);
  char *file = path_join(kept, v->file);
  write_file(file, strbuf_str(&v->text), v->text.len);
  free(file);
  return kept;
}

// result_path is where a worker leaves v's verdict: beside its directory,
// not in it.
static char *result_path(const variant *v) {
  strbuf b = {0};
  strbuf_printf(&b, "%s.result", v->dir);
  return b.s;
}

// run_variants checks vs[0..n) on `jobs` worker processes, each writing its
// verdicts beside the inputs, and appends what failed to problems and what
// fell back to fallbacks (with the summary file).
static void run_variants(variant *vs, int n, strbuf *problems,
                         strbuf *fallbacks) {
  char *root = scratch_dir("cc-robust");
  for (int i = 0; i < n; i++) {
    strbuf d = {0};
    strbuf_printf(&d, "%s/v%02d", root, i);
    make_dirs(d.s);
    vs[i].dir = d.s;
    char *p = path_join(d.s, vs[i].file);
    write_file(p, strbuf_str(&vs[i].text), vs[i].text.len);
    free(p);
  }
  fflush(stdout);
  fflush(stderr);
  int workers = jobs < n ? jobs : n;
  pid_t *pids = xmalloc(sizeof *pids * (size_t)(workers + 1));
  for (int w = 0; w < workers; w++) {
    pids[w] = fork();
    ck_assert_msg(pids[w] >= 0, "fork: %s", strerror(errno));
    if (pids[w] == 0) {
      for (int i = w; i < n; i += workers) {
        strbuf why = {0};
        verdict res = check_variant(&vs[i], &why);
        char *rp = result_path(&vs[i]);
        FILE *f = fopen(rp, "w");
        if (f) {
          fprintf(f, "%d\n%s", (int)res, strbuf_str(&why));
          fclose(f);
        }
        free(rp);
        strbuf_free(&why);
      }
      _exit(0);
    }
  }
  for (int w = 0; w < workers; w++)
    while (waitpid(pids[w], NULL, 0) < 0 && errno == EINTR)
      ;
  free(pids);
  char *fb_dir = path_join(failure_dir, "fallbacks");
  for (int i = 0; i < n; i++) {
    variant *v = &vs[i];
    char *rp = result_path(v);
    strbuf res = {0};
    verdict got = FAIL;
    const char *why = "the worker left no verdict (it died)";
    if (read_file(rp, &res) && res.len >= 2 && res.s[1] == '\n') {
      got = (verdict)(res.s[0] - '0');
      why = strchr(res.s, '\n') + 1;
    }
    free(rp);
    if (got != PASS) {
      char *kept = keep(v, got == FAIL ? failure_dir : fb_dir);
      strbuf line = {0};
      strbuf_printf(&line, "  %s [%s] (%s): %s\n    replay: cd '%s' && "
                           "ESCAPE_REAL_CC=gcc %s -c -w '%s' -o cc.o\n",
                    v->label, verdict_name[got], v->what, why, kept,
                    escape_cc, v->file);
      strbuf_puts(got == FAIL ? problems : fallbacks, strbuf_str(&line));
      if (got != FAIL) {
        int fd = open(summary_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd >= 0) {
          ssize_t rc = write(fd, line.s, line.len);
          (void)rc;
          close(fd);
        }
      }
      strbuf_free(&line);
      free(kept);
    }
    strbuf_free(&res);
  }
  free(fb_dir);
  remove_tree(root);
  free(root);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// report prints the fallbacks of one test and fails it on problems.
static void report(const char *name, int n, double t0, strbuf *problems,
                   strbuf *fallbacks) {
  printf("%s: %d input%s in %.1f s\n", name, n, n == 1 ? "" : "s",
         now() - t0);
  fflush(stdout);
  if (fallbacks->len > 0) {
    printf("%s: fallbacks (compiled as written; bugs of escape-cc, not "
           "failures):\n%s",
           name, strbuf_str(fallbacks));
    fflush(stdout);
  }
  clip(problems, SUITE_MAX_MESSAGE - 256);
  ck_assert_msg(problems->len == 0, "escape-cc failed on %s:\n%s", name,
                strbuf_str(problems));
}

START_TEST(mutations) {
  double t0 = now();
  const char *input = inputs.v[_i];
  strbuf src = {0}, problems = {0}, fallbacks = {0};
  ck_assert_msg(read_file(input, &src), "cannot read %s", input);
  int n = rounds * VARIANTS;
  variant *vs = xmalloc(sizeof *vs * (size_t)n);
  make_variants(input, &src, vs);
  run_variants(vs, n, &problems, &fallbacks);
  for (int i = 0; i < n; i++)
    variant_free(&vs[i]);
  free(vs);
  strbuf_free(&src);
  report(input, n, t0, &problems, &fallbacks);
  strbuf_free(&problems);
  strbuf_free(&fallbacks);
}
END_TEST

// ---------------------------------------------------------------------------
// Hard cases
// ---------------------------------------------------------------------------

// A moved local named like a member, used in macros whose bodies name the
// member: as an argument beside it, and as the macro's member argument.
static const char member_macro_arg[] =
    "struct point { int x, y; };\n"
    "#define GETX(p) ((p)->x)\n"
    "#define SUM(p, v) ((p)->x + (v))\n"
    "#define FIELD(s, f) ((s).f)\n"
    "#define SETX(p, v) ((p)->x = (v))\n"
    "static int *saved;\n"
    "int f(struct point *pt) {\n"
    "  int x = GETX(pt);\n"
    "  saved = &x;\n"
    "  SETX(pt, x);\n"
    "  return SUM(pt, x) + FIELD(*pt, x);\n"
    "}\n"
    "int g(struct point pt) {\n"
    "  int y = pt.y;\n"
    "  saved = &y;\n"
    "  return FIELD(pt, y) + y;\n"
    "}\n";

// A moved local used through macros that expand macros, one of which names
// the local in its body, and stringified.
static const char nested_macro[] =
    "static int *saved;\n"
    "#define KEEP(v) (saved = &(v))\n"
    "#define TWICE(v) (KEEP(v), KEEP(v))\n"
    "#define BUMP() (counter += 1)\n"
    "#define OUTER(v) TWICE(v); BUMP()\n"
    "#define STR(v) #v\n"
    "#define XSTR(v) STR(v)\n"
    "int f(void) {\n"
    "  int counter = 0;\n"
    "  OUTER(counter);\n"
    "  const char *s = XSTR(counter);\n"
    "  return BUMP() + counter + s[0];\n"
    "}\n";

// Moved locals declared in statement expressions: in a macro's body, and
// in a macro's argument.
static const char stmt_expr_macro[] =
    "static int *saved;\n"
    "#define NEW_KEPT(v) ({ int t_ = (v); saved = &t_; t_; })\n"
    "#define ID(e) (e)\n"
    "int f(int n) {\n"
    "  int a = NEW_KEPT(n);\n"
    "  int b = ID(({ int u = n + 1; saved = &u; u; }));\n"
    "  int c = NEW_KEPT(a + b);\n"
    "  return a + b + c;\n"
    "}\n";

// K&R definitions whose parameters escape: the name in the identifier list
// and its declaration are apart.
static const char knr_param[] =
    "static int *saved;\n"
    "static long *saved_l;\n"
    "int f(a, b) int a; char *b; { saved = &a; return a + *b; }\n"
    "long g(n, m)\n"
    "  long n;\n"
    "  int m;\n"
    "{\n"
    "  saved_l = &n;\n"
    "  return n + m;\n"
    "}\n"
    "int h(c) { saved = &c; return c; }\n";

static const char directives_only[] = "#define A 1\n"
                                      "#if A\n"
                                      "#include <stddef.h>\n"
                                      "#endif\n"
                                      "#pragma GCC diagnostic push\n"
                                      "#pragma GCC diagnostic pop\n"
                                      "#undef A\n"
                                      "#ifdef B\n"
                                      "#error not reached\n"
                                      "#endif\n";

static const char plain_moved[] =
    "#include <stdio.h>\n"
    "static int *saved;\n"
    "int f(int v) { int x = v; saved = &x; return x; }\n";

static const char plain_error[] =
    "static int *saved;\n"
    "int f(int v) { int x = v; saved = &x; return x + undeclared; }\n";

// The moved local's name is split by a line splice, at its declaration
// and at a use.
static const char spliced_name[] = "static int *saved;\n"
                                   "int f(int v) {\n"
                                   "  int ab\\\ncd = v;\n"
                                   "  saved = &ab\\\ncd;\n"
                                   "  return abcd;\n"
                                   "}\n";

static const char crlf[] =
    "struct point { int x, y; };\r\n"
    "#define GETX(p) ((p)->x)\r\n"
    "static int *saved;\r\n"
    "int f(struct point *pt) {\r\n"
    "  int x = GETX(pt);\r\n"
    "  saved = &x;\r\n"
    "  return x;\r\n"
    "}\r\n";

static const char utf8_name[] = "static int *saved;\n"
                                "int f(int v) {\n"
                                "  int caf\xc3\xa9 = v;\n"
                                "  saved = &caf\xc3\xa9;\n"
                                "  return caf\xc3\xa9;\n"
                                "}\n";

static const char no_newline[] =
    "static int *saved;\n"
    "int f(int v) { int x = v; saved = &x; return x; }";

static const char ends_in_backslash[] =
    "static int *saved;\n"
    "int f(int v) { int x = v; saved = &x; return x; }\n\\";

// The whole function, moved local included, is a macro's expansion.
static const char function_macro[] =
    "static int *saved;\n"
    "#define FN(name) int name(int v) { int x = v; saved = &x; return x; }\n"
    "FN(f)\n"
    "FN(g)\n";

// A moved local whose name is also a macro that expands to itself.
static const char self_macro[] = "static int *saved;\n"
                                 "#define count count\n"
                                 "int f(void) {\n"
                                 "  int count = 0;\n"
                                 "  saved = &count;\n"
                                 "  return count;\n"
                                 "}\n"
                                 "int g(int count) { return count; }\n";

// Units clang accepts (folding a const as a GNU extension) and gcc
// rejects, with a moved local: escape-cc rewrites them, and the errors
// must be those of the unit as written.
static const char gcc_rejects_file_scope[] =
    "static const int n = 4;\n"
    "static int table[n];\n"
    "static int *saved;\n"
    "int f(int v) { int x = v; saved = &x; return x + table[0]; }\n";

static const char gcc_rejects_in_function[] = "static const int n = 4;\n"
                                              "static int *saved;\n"
                                              "int f(int v) {\n"
                                              "  int x = v;\n"
                                              "  static int arr[n];\n"
                                              "  saved = &x;\n"
                                              "  return x + arr[0];\n"
                                              "}\n";

// An array whose size clang folds (a const int) and gcc does not: gcc
// rejects its initializer, which the rewrite must not make disappear.
static const char vla_zero_init[] = "static int *saved;\n"
                                    "int f(void) {\n"
                                    "  const int n = 4;\n"
                                    "  int arr[n] = {0};\n"
                                    "  saved = arr;\n"
                                    "  return arr[1];\n"
                                    "}\n";

// A VLA with an empty initializer: C23, which clang 19 accepts and gcc 12
// rejects.
static const char vla_empty_init[] = "static int *saved;\n"
                                     "int f(int m) {\n"
                                     "  int arr[m] = {};\n"
                                     "  saved = arr;\n"
                                     "  return arr[1];\n"
                                     "}\n";

static const char vla_init[] = "static int *saved;\n"
                               "int f(void) {\n"
                               "  const int n = 4;\n"
                               "  int arr[n] = {1, 2};\n"
                               "  saved = arr;\n"
                               "  return arr[1];\n"
                               "}\n";

// A use of a moved local in a branch only gcc compiles: libclang is clang
// (__clang__, __GNUC__ 4) and does not see it, so it is not edited.
static const char compiler_branch[] =
    "#include <stdio.h>\n"
    "static int *saved;\n"
    "int f(int v) {\n"
    "  int x = v;\n"
    "  saved = &x;\n"
    "#if defined(__clang__) || __GNUC__ < 5\n"
    "  return x;\n"
    "#else\n"
    "  puts(_Generic(x, int: \"x is an int\", default: \"x is not an "
    "int\"));\n"
    "  return x + 1;\n"
    "#endif\n"
    "}\n";

// A moved local named like a function-like macro, used in another
// macro's argument: the macro must still be there for g.
static const char macro_named_local[] =
    "static int *saved;\n"
    "#define KEEP(v) (saved = &(v))\n"
    "#define val() 42\n"
    "int f(void) { int val = 1; KEEP(val); return val; }\n"
    "int g(void) { return val(); }\n";

// A moved local stringified through two macros, as logging macros do.
__attribute__((unused)) static const char stringified[] =
    "#include <stdio.h>\n"
    "static int *saved;\n"
    "#define STR(v) #v\n"
    "#define XSTR(v) STR(v)\n"
    "#define LOG(v) printf(XSTR(v) \" = %d\\n\", v)\n"
    "int f(int n) {\n"
    "  int x = n;\n"
    "  saved = &x;\n"
    "  LOG(x);\n"
    "  return x;\n"
    "}\n";

// A NUL byte between two definitions (gcc and clang read it as white
// space): the definitions after it must not be lost.
static const char nul_byte[] =
    "static int *saved;\n"
    "int f(int v) { int x = v; saved = &x; return x; }\n"
    "\0\n"
    "int g(void) { return 1; }\n";

// deep_block is a function whose moved local sits 5,000 blocks deep.
static void deep_block(strbuf *b) {
  strbuf_puts(b, "static int *saved;\nint f(int v) {\n");
  for (int i = 0; i < 5000; i++)
    strbuf_puts(b, "{");
  strbuf_puts(b, "\n  int x = v;\n  saved = &x;\n");
  for (int i = 0; i < 5000; i++)
    strbuf_puts(b, "}");
  strbuf_puts(b, "\n  return v;\n}\n");
}

// many_functions is 20,000 functions, each with a moved local.
static void many_functions(strbuf *b) {
  strbuf_puts(b, "static int *saved;\n");
  for (int i = 0; i < 20000; i++)
    strbuf_printf(b,
                  "int f%d(int v) { int x = v + %d; saved = &x; return x; }\n",
                  i, i);
}

typedef struct hard_case {
  const char *name, *file, *what;
  const char *text;              // the input, or
  void (*make)(strbuf *b);       // ... what writes it
  size_t len;                    // text's length, when it holds a NUL
} hard_case;

static const hard_case hard_cases[] = {
    {"member_macro_arg", "X.c", "a moved local named like a member, in "
     "macros that name the member", member_macro_arg, NULL, 0},
    {"nested_macro", "X.c", "a moved local used in nested macros",
     nested_macro, NULL, 0},
    {"deep_block", "X.c", "a moved local 5,000 blocks deep", NULL,
     deep_block, 0},
    {"many_functions", "X.c", "20,000 functions with a moved local each",
     NULL, many_functions, 0},
    {"stmt_expr_macro", "X.c", "moved locals in statement expressions in "
     "macros", stmt_expr_macro, NULL, 0},
    {"knr_param", "X.c", "K&R definitions with moved parameters", knr_param,
     NULL, 0},
    {"empty", "X.c", "an empty file", "", NULL, 0},
    {"directives_only", "X.c", "only preprocessor directives",
     directives_only, NULL, 0},
    {"spaces", "my unit.c", "a file name with spaces", plain_moved, NULL, 0},
    {"spaces_error", "bad unit.c", "a file name with spaces, and an error",
     plain_error, NULL, 0},
    {"spliced_name", "X.c", "a moved local's name split by a line splice",
     spliced_name, NULL, 0},
    {"crlf", "X.c", "CRLF line ends", crlf, NULL, 0},
    {"utf8_name", "X.c", "a moved local with a UTF-8 name", utf8_name, NULL, 0},
    {"no_newline", "X.c", "no newline at the end", no_newline, NULL, 0},
    {"ends_in_backslash", "X.c", "a backslash at the end",
     ends_in_backslash, NULL, 0},
    {"function_macro", "X.c", "functions written by a macro",
     function_macro, NULL, 0},
    {"self_macro", "X.c", "a moved local named like a macro",
     self_macro, NULL, 0},
    {"gcc_rejects_file_scope", "X.c", "an error only gcc sees, at file "
     "scope", gcc_rejects_file_scope, NULL, 0},
    {"gcc_rejects_in_function", "X.c", "an error only gcc sees, beside the "
     "moved local", gcc_rejects_in_function, NULL, 0},
    {"vla_zero_init", "X.c", "a zero initializer gcc rejects (an array "
     "sized by a const)", vla_zero_init, NULL, 0},
    {"vla_empty_init", "X.c", "a VLA's empty initializer gcc rejects",
     vla_empty_init, NULL, 0},
    {"vla_init", "X.c", "an initializer gcc rejects (an array sized by a "
     "const)", vla_init, NULL, 0},
    {"compiler_branch", "X.c", "a use in a branch only gcc compiles "
     "(#ifdef __clang__)", compiler_branch, NULL, 0},
    {"macro_named_local", "X.c", "a moved local named like a function-like "
     "macro", macro_named_local, NULL, 0},
    // Not here: a moved local stringified through a second macro
    // (XSTR(x)) reads "(*x)", a known limitation of the rewrite (README).
    {"nul_byte", "X.c", "a NUL byte between two functions", nul_byte, NULL,
     sizeof nul_byte - 1},
};
enum { NHARD = sizeof hard_cases / sizeof *hard_cases };

START_TEST(hard) {
  double t0 = now();
  const hard_case *h = &hard_cases[_i];
  variant v = {0};
  strbuf label = {0};
  strbuf_printf(&label, "hard.%s", h->name);
  v.label = label.s;
  v.what = xstrdup(h->what);
  v.file = xstrdup(h->file);
  if (h->make)
    h->make(&v.text);
  else
    strbuf_append(&v.text, h->text, h->len ? h->len : strlen(h->text));
  strbuf problems = {0}, fallbacks = {0};
  run_variants(&v, 1, &problems, &fallbacks);
  report(v.label, 1, t0, &problems, &fallbacks);
  variant_free(&v);
  strbuf_free(&problems);
  strbuf_free(&fallbacks);
}
END_TEST

// ---------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------

// make_env is the environment escape-cc runs in: ESCAPE_REAL_CC=gcc, strict
// or not, and the sanitizers' exit code; escape-cc is instrumented in the
// test build, but what it keeps at exit is not what is tested here (as in
// check_driver.c).
static char **make_env(bool strict) {
  char **base = env_with_sanitizer_exitcode();
  strvec e = {0};
  for (char **p = base; *p; p++)
    if (strncmp(*p, "ESCAPE_CC_STRICT=", 17) &&
        strncmp(*p, "ESCAPE_REAL_CC=", 15) && strncmp(*p, "ASAN_OPTIONS=", 13))
      strvec_push(&e, *p);
    else if (!strncmp(*p, "ASAN_OPTIONS=", 13)) {
      strbuf b = {0};
      strbuf_printf(&b, "%s:detect_leaks=0", *p);
      strvec_push(&e, b.s);
      strbuf_free(&b);
    }
  env_free(base);
  strvec_push(&e, "ESCAPE_REAL_CC=gcc");
  if (strict)
    strvec_push(&e, "ESCAPE_CC_STRICT=1");
  return e.v;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

// add_sources appends the *.c files of dir to inputs, sorted.
static void add_sources(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "check_cc_robust: cannot read %s (run from the project "
                    "root): %s\n", dir, strerror(errno));
    exit(2);
  }
  size_t first = inputs.n;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n > 2 && e->d_name[0] != '.' && !strcmp(e->d_name + n - 2, ".c")) {
      char *p = path_join(dir, e->d_name);
      strvec_push(&inputs, p);
      free(p);
    }
  }
  closedir(d);
  qsort(inputs.v + first, inputs.n - first, sizeof *inputs.v, by_name);
}

// print_summary lists every fallback of the run, from the summary file:
// each is a line "  LABEL [KIND] ..." and its replay line.
static void print_summary(void) {
  strbuf s = {0};
  read_file(summary_path, &s);
  int n = 0, silent = 0;
  for (const char *p = strbuf_str(&s); p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len > 2 && !strncmp(p, "  ", 2) && p[2] != ' ') {
      n++;
      const char *k = memmem(p, len, " [silent] ", 10);
      silent += k != NULL;
    }
    p = nl ? nl + 1 : NULL;
  }
  printf("\ncc/robust: %d fallback%s, %d of them silent (libclang could not "
         "parse a unit gcc compiles)%s\n%s",
         n, n == 1 ? "" : "s", silent, n ? ":" : "", strbuf_str(&s));
  strbuf_free(&s);
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: check_cc_robust ESCAPE-CC FAILURE-DIR "
                    "[mutations|hard]\n");
    return 2;
  }
  // Both are used from the inputs' directories.
  escape_cc = realpath(argv[1], NULL);
  if (!escape_cc) {
    fprintf(stderr, "check_cc_robust: %s: %s\n", argv[1], strerror(errno));
    return 2;
  }
  // What a previous run kept is replaced by what this one finds (in the
  // directory ctest names only: never a directory given by mistake).
  const char *slash = strrchr(argv[2], '/');
  if (!strcmp(slash ? slash + 1 : argv[2], "robust-failures"))
    remove_tree(argv[2]);
  mkdir(argv[2], 0777);
  failure_dir = realpath(argv[2], NULL);
  if (!failure_dir) {
    fprintf(stderr, "check_cc_robust: %s: %s\n", argv[2], strerror(errno));
    return 2;
  }
  const char *only = argc == 4 ? argv[3] : NULL;
  char *gcc = find_program(real_cc);
  if (!gcc) {
    fprintf(stderr, "check_cc_robust: %s is not in $PATH\n", real_cc);
    return 2;
  }
  free(gcc);
  const char *j = getenv("ESCAPE_CC_ROBUST_JOBS");
  if (j && atoi(j) > 0)
    jobs = atoi(j);
  const char *k = getenv("ESCAPE_CC_ROBUST_ROUNDS");
  if (k && atoi(k) > 0)
    rounds = atoi(k);
  env_cc = make_env(false);
  env_strict = make_env(true);
  add_sources("tests/cc/programs");
  add_sources("samples");
  const char *tmp = getenv("TMPDIR");
  strbuf sp = {0};
  strbuf_printf(&sp, "%s/cc-robust-summary-XXXXXX",
                tmp && *tmp ? tmp : "/tmp");
  int fd = mkstemp(sp.s);
  if (fd < 0) {
    fprintf(stderr, "check_cc_robust: mkstemp %s: %s\n", sp.s,
            strerror(errno));
    return 2;
  }
  close(fd);
  summary_path = sp.s;

  Suite *s = suite_create("cc-robust");
  TCase *tm = tcase_create("mutations");
  tcase_add_unchecked_fixture(tm, scratch_init, scratch_cleanup);
  // Every variant may take the worst of three runs.
  tcase_set_timeout(tm, rounds * VARIANTS * 3 * RUN_TIMEOUT + 60);
  tcase_add_loop_test(tm, mutations, 0, (int)inputs.n);
  suite_add_tcase(s, tm);
  TCase *th = tcase_create("hard");
  tcase_add_unchecked_fixture(th, scratch_init, scratch_cleanup);
  tcase_set_timeout(th, 3 * RUN_TIMEOUT + 60);
  tcase_add_loop_test(th, hard, 0, NHARD);
  suite_add_tcase(s, th);
  int rc = suite_run(s, only);
  print_summary();
  unlink(summary_path);
  return rc;
}

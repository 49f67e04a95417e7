// mutate.c: the edits that turn a real C file into a broken one, shared by
// the robustness suite (check_robust, through escape-check) and the
// in-process fuzzer (tests/fuzz/escape_fuzz.c). Each edit is drawn from an
// lcg, so the same seed always makes the same mutant, and each describes
// itself in `what` (" flip@120", " insert'{'@7"), which a failure report
// quotes.
#include "harness.h"

#include <stdlib.h>
#include <string.h>

// The tokens an edit may insert: the ones whose balance and position the
// analyzer's walk depends on most.
static const char *const tokens[] = {
    "{",  "}",  "(",   ")",      "[",      "]",   "*",  "&",
    ";",  ",",  "->",  "&&",     "=",      "#",   "\"", "'",
    "/*", "\\", "...", "return", "struct", "int", "0"};

void mutate_splice(strbuf *b, size_t off, size_t del, const char *s, size_t n) {
  strbuf t = {0};
  strbuf_append(&t, b->s, off);
  strbuf_append(&t, s, n);
  strbuf_append(&t, b->s + off + del, b->len - off - del);
  strbuf_free(b);
  *b = t;
}

void mutate_edit(lcg *r, strbuf *b, strbuf *what) {
  size_t off = lcg_below(r, b->len + 1);
  size_t run = 1 + lcg_below(r, 16);
  if (off + run > b->len)
    run = b->len - off;
  switch (lcg_below(r, 5)) {
  case 0: // flip a bit
    if (off < b->len) {
      b->s[off] ^= (char)(1u << lcg_below(r, 8));
      strbuf_printf(what, " flip@%zu", off);
    }
    break;
  case 1: { // insert a printable byte
    char c = (char)(' ' + lcg_below(r, 95));
    mutate_splice(b, off, 0, &c, 1);
    strbuf_printf(what, " insert-byte@%zu", off);
    break;
  }
  case 2: // delete a run
    mutate_splice(b, off, run, "", 0);
    strbuf_printf(what, " delete-%zu@%zu", run, off);
    break;
  case 3: { // duplicate a run somewhere else
    char *dup = xstrndup(b->s + off, run);
    size_t at = lcg_below(r, b->len + 1);
    mutate_splice(b, at, 0, dup, run);
    free(dup);
    strbuf_printf(what, " dup-%zu@%zu->%zu", run, off, at);
    break;
  }
  default: { // insert a token
    const char *t = tokens[lcg_below(r, sizeof tokens / sizeof *tokens)];
    mutate_splice(b, off, 0, t, strlen(t));
    strbuf_printf(what, " insert'%s'@%zu", t, off);
  }
  }
}

// Text edits on one file, applied in a single pass, as clang's Rewriter
// keeps them: every edit names a range of the original text (an offset and
// a length, zero for an insertion), so edits made for different reasons
// compose without knowing about each other. Several insertions at one
// offset are ordered by a priority the caller gives: what closes a
// construct started earlier comes before what opens a new one, and an
// inner construct nests inside an outer one.
#include "escape-cc.h"

#include <stdlib.h>
#include <string.h>

struct edit {
  unsigned off, del;
  int prio, seq;
  char *text;
};

void edits_add(edits *e, unsigned off, unsigned del, int prio,
               const char *text) {
  if (e->len == e->cap) {
    e->cap = e->cap ? 2 * e->cap : 32;
    e->items = realloc(e->items, e->cap * sizeof *e->items);
  }
  e->items[e->len] = (edit){off, del, prio, e->len, strdup(text)};
  e->len++;
}

bool edits_replaces(const edits *e, unsigned off) {
  for (int i = 0; i < e->len; i++)
    if (e->items[i].off == off && e->items[i].del > 0)
      return true;
  return false;
}

static int by_position(const void *a, const void *b) {
  const edit *x = a, *y = b;
  if (x->off != y->off)
    return x->off < y->off ? -1 : 1;
  if (x->prio != y->prio)
    return x->prio < y->prio ? -1 : 1;
  return x->seq - y->seq;
}

char *edits_apply(edits *e, const char *text, size_t len, size_t *out_len) {
  qsort(e->items, e->len, sizeof *e->items, by_position);
  size_t cap = len + 1;
  for (int i = 0; i < e->len; i++)
    cap += strlen(e->items[i].text);
  char *out = malloc(cap), *p = out;
  size_t at = 0; // next original byte to copy
  for (int i = 0; i < e->len; i++) {
    edit *x = &e->items[i];
    if (x->off < at || x->off + x->del > len) {
      free(out);
      return NULL;
    }
    memcpy(p, text + at, x->off - at);
    p += x->off - at;
    size_t n = strlen(x->text);
    memcpy(p, x->text, n);
    p += n;
    at = x->off + x->del;
  }
  memcpy(p, text + at, len - at);
  p += len - at;
  *p = 0;
  *out_len = p - out;
  return out;
}

void edits_free(edits *e) {
  for (int i = 0; i < e->len; i++)
    free(e->items[i].text);
  free(e->items);
  *e = (edits){0};
}

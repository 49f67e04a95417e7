// strbuf.c: growable strings, and the allocation wrappers the harness uses.
//
// Test output, child output and failure reports are all built by appending
// to a strbuf. Its buffer doubles when full, so appending n bytes one at a
// time costs O(n); it is always NUL-terminated once non-empty, so strbuf_str
// can hand it to printf and regexec directly.
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// xmalloc returns n bytes or aborts: a test process out of memory has
// nothing useful left to say.
void *xmalloc(size_t n) { return xrealloc(NULL, n); }

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (p == NULL) {
    fprintf(stderr, "harness: out of memory (%zu bytes)\n", n);
    abort();
  }
  return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

// grow makes room for n more bytes and the NUL.
static void grow(strbuf *b, size_t n) {
  if (b->len + n + 1 <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + n + 1)
    cap *= 2;
  b->s = xrealloc(b->s, cap);
  b->cap = cap;
}

void strbuf_append(strbuf *b, const char *s, size_t n) {
  grow(b, n);
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s) { strbuf_append(b, s, strlen(s)); }

void strbuf_printf(strbuf *b, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n > 0) {
    grow(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
  }
  va_end(ap2);
}

// strbuf_str returns the contents as a C string; "" for an empty buffer.
const char *strbuf_str(const strbuf *b) { return b->s ? b->s : ""; }

void strbuf_free(strbuf *b) {
  free(b->s);
  *b = (strbuf){0};
}

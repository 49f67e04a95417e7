// strvec.c: growable, NULL-terminated lists of owned strings.
//
// A strvec is both the list of regexps on an annotated line and the argv of
// a child process, which is why it keeps a NULL after its last string:
// posix_spawn takes sv.v as it is.
#include "harness.h"

#include <stdlib.h>
#include <string.h>

void strvec_push(strvec *sv, const char *s) { strvec_pushn(sv, s, strlen(s)); }

// strvec_pushn appends a copy of the n bytes at s.
void strvec_pushn(strvec *sv, const char *s, size_t n) {
  if (sv->n + 2 > sv->cap) {
    sv->cap = sv->cap ? 2 * sv->cap : 8;
    sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
  }
  sv->v[sv->n++] = xstrndup(s, n);
  sv->v[sv->n] = NULL;
}

void strvec_push_all(strvec *sv, const strvec *from) {
  for (size_t i = 0; i < from->n; i++)
    strvec_push(sv, from->v[i]);
}

void strvec_free(strvec *sv) {
  for (size_t i = 0; i < sv->n; i++)
    free(sv->v[i]);
  free(sv->v);
  *sv = (strvec){0};
}

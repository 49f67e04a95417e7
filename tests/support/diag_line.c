// diag_line.c: splitting a line of escape-check's output into its parts.
//
// Every report is "PATH:LINE:COL: MESSAGE" with PATH exactly as it was given
// on the command line, so the parser is told the path to expect instead of
// guessing where a path that may itself contain ':' ends. The message is
// everything after the one space that follows the column: -m=2's flow lines
// keep their indentation ("  flow: ~r0 = &x:").
#include "harness.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

// number parses a positive decimal at *s followed by ':' and advances past
// the colon. It returns 0 if there is none.
static int number(const char **s) {
  const char *p = *s;
  long v = 0;
  while (isdigit((unsigned char)*p) && v < 1000000000)
    v = v * 10 + (*p++ - '0');
  if (p == *s || *p != ':' || v <= 0)
    return 0;
  *s = p + 1;
  return (int)v;
}

// diag_line_parse fills d from text, one line without its newline, if text
// is a report about path. It returns false for any other line.
bool diag_line_parse(const char *text, const char *path, diag_line *d) {
  size_t n = strlen(path);
  if (strncmp(text, path, n) != 0 || text[n] != ':')
    return false;
  const char *p = text + n + 1;
  d->line = number(&p);
  d->col = d->line ? number(&p) : 0;
  if (d->col == 0 || *p != ' ')
    return false;
  d->message = p + 1;
  return true;
}

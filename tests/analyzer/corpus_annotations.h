// corpus_annotations.h: what a corpus file under tests/analyzer/corpus/
// expects.
//
// The format is Go's errorcheck (test/escape*.go, test/run.go): line 1 says
// how to run the analyzer, and each line an expected message is about ends
// in a comment listing regexps, one of which must match each message on it:
//
//     // escape-check -m=2 -- -DNDEBUG
//     int *f(void) {
//       int x = 0; // ERROR "moved to heap: x$" "x escapes to heap:"
//
// The regexps are POSIX extended (regcomp), each in double quotes; \" inside
// the quotes is a literal quote and every other backslash is the regexp's.
#ifndef ESCAPE_TESTS_CORPUS_ANNOTATIONS_H
#define ESCAPE_TESTS_CORPUS_ANNOTATIONS_H

#include "harness.h"

// annotation is the // ERROR comment of one line.
typedef struct annotation {
  int line;   // 1-based line the comment is on
  strvec res; // its regexps, unquoted, in order
} annotation;

// corpus_spec is everything a corpus file asks for. A file with a malformed
// header or annotation still yields the rest; errors says what was wrong.
typedef struct corpus_spec {
  bool has_header;  // line 1 is "// escape-check ARGS"
  strvec args;      // the words of ARGS
  annotation *anns; // annotated lines, in ascending order
  size_t nanns;
  strvec errors; // "LINE: what is malformed", one per bad line
} corpus_spec;

int annotation_parse(const char *line, size_t len, strvec *res, strbuf *error);
bool corpus_header_parse(const char *line, size_t len, strvec *args);
void corpus_spec_parse(corpus_spec *s, const char *text);
const annotation *corpus_spec_find(const corpus_spec *s, int line);
void corpus_spec_free(corpus_spec *s);

#endif

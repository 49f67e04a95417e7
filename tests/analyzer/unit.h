// unit.h: what the analyzer's unit suites (check_util, check_leaks, ...)
// share: running a suite, and parsing a C snippet held in memory so that a
// test can hand the analyzer real cursors and types.
//
// Unit suites include escape.h, not harness.h (the driver suites' support
// code): everything here is static inline and uses Check and libclang only.
#ifndef ESCAPE_TESTS_UNIT_H
#define ESCAPE_TESTS_UNIT_H

#include "escape.h"

#include <check.h>
#include <string.h>

// unit_suite_run runs every test of s, each in a forked child unless
// CK_FORK=no, with verbosity from CK_VERBOSITY, and frees s. It returns the
// exit status for main: 0 when tests ran and all passed (suite_run's rule).
static inline int unit_suite_run(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  int run = srunner_ntests_run(sr);
  srunner_free(sr);
  return failed == 0 && run > 0 ? 0 : 1;
}

// A snippet is a translation unit parsed from a string. The file does not
// exist on disk: libclang reads it from an unsaved-file buffer.
typedef struct snippet {
  CXIndex idx;
  CXTranslationUnit tu;
} snippet;

// snippet_open parses text as the C file name and fails the test if it does
// not compile, so that no test passes on a snippet clang rejected.
static inline void snippet_open(snippet *s, const char *name,
                                const char *text) {
  struct CXUnsavedFile file = {name, text, (unsigned long)strlen(text)};
  s->idx = clang_createIndex(0, 0);
  s->tu = NULL;
  enum CXErrorCode err = clang_parseTranslationUnit2(
      s->idx, name, NULL, 0, &file, 1, CXTranslationUnit_None, &s->tu);
  ck_assert_int_eq(err, CXError_Success);
  ck_assert_ptr_nonnull(s->tu);
  unsigned n = clang_getNumDiagnostics(s->tu);
  for (unsigned i = 0; i < n; i++) {
    CXDiagnostic d = clang_getDiagnostic(s->tu, i);
    enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
    CXString msg = clang_formatDiagnostic(d, 0);
    char text_of[512];
    snprintf(text_of, sizeof text_of, "%s", clang_getCString(msg));
    clang_disposeString(msg);
    clang_disposeDiagnostic(d);
    ck_assert_msg(sev < CXDiagnostic_Error, "snippet does not compile: %s",
                  text_of);
  }
}

static inline void snippet_close(snippet *s) {
  clang_disposeTranslationUnit(s->tu);
  clang_disposeIndex(s->idx);
  *s = (snippet){0};
}

// snippet_find returns the first cursor of kind named name, in the order
// the declarations and statements appear (depth first); the null cursor if
// there is none.
typedef struct {
  enum CXCursorKind kind;
  const char *name;
  CXCursor found;
} snippet_search;

static inline enum CXChildVisitResult snippet_visit(CXCursor c, CXCursor parent,
                                                    CXClientData data) {
  snippet_search *s = data;
  if (c.kind == s->kind) {
    CXString sp = clang_getCursorSpelling(c);
    bool hit = strcmp(clang_getCString(sp), s->name) == 0;
    clang_disposeString(sp);
    if (hit) {
      s->found = c;
      return CXChildVisit_Break;
    }
  }
  return CXChildVisit_Recurse;
}

static inline CXCursor snippet_find(snippet *s, enum CXCursorKind kind,
                                    const char *name) {
  snippet_search q = {kind, name, clang_getNullCursor()};
  clang_visitChildren(clang_getTranslationUnitCursor(s->tu), snippet_visit, &q);
  return q.found;
}

// snippet_get is snippet_find for a cursor the test needs: it fails the
// test if there is none.
static inline CXCursor snippet_get(snippet *s, enum CXCursorKind kind,
                                   const char *name) {
  CXCursor c = snippet_find(s, kind, name);
  ck_assert_msg(!clang_Cursor_isNull(c), "no cursor of kind %d named %s",
                (int)kind, name);
  return c;
}

#endif

// parse_walk: the anchor escape-check is measured against.
//
// An escape analyzer built on libclang cannot be faster than parsing the
// translation unit and visiting each of its cursors once: that is the floor,
// and this program is exactly that floor. It parses FILE the way the analyzer
// does (clang_parseTranslationUnit2 with full function bodies and
// CXTranslationUnit_KeepGoing, no detailed preprocessing record), then walks
// the whole AST by recursive clang_visitChildren calls — the shape of a
// lowering pass, which recurses per construct rather than letting libclang
// flatten the walk — and prints the number of cursors it visited.
//
// bench/sqlite.sh compiles it with the Release flags of the analyzer and
// reports escape-check's time on sqlite3.c as a ratio to this program's.
//
// usage: parse_walk FILE [-- COMPILER-FLAGS...]
#include <clang-c/Index.h>
#include <stdio.h>
#include <string.h>

// walk_state is what the visitor accumulates.
typedef struct walk_state {
  unsigned long cursors; // cursors visited, the translation unit excluded
} walk_state;

// visit counts cursor and descends into its children before returning to
// the next sibling, so every cursor is visited exactly once.
static enum CXChildVisitResult visit(CXCursor cursor, CXCursor parent,
                                     CXClientData data) {
  walk_state *st = data;
  st->cursors++;
  clang_visitChildren(cursor, visit, data);
  return CXChildVisit_Continue;
}

// count_errors returns the number of diagnostics of severity error or fatal.
static unsigned count_errors(CXTranslationUnit tu) {
  unsigned n = clang_getNumDiagnostics(tu), errors = 0;
  for (unsigned i = 0; i < n; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error)
      errors++;
    clang_disposeDiagnostic(d);
  }
  return errors;
}

// parse_args splits argv into the file and the compiler flags after "--".
// It returns 0 on success and -1 on a usage error.
static int parse_args(int argc, char **argv, const char **file, int *nflags,
                      const char *const **flags) {
  if (argc < 2 || argv[1][0] == '-')
    return -1;
  *file = argv[1];
  *nflags = 0;
  *flags = NULL;
  if (argc == 2)
    return 0;
  if (strcmp(argv[2], "--") != 0)
    return -1;
  *nflags = argc - 3;
  *flags = (const char *const *)argv + 3;
  return 0;
}

int main(int argc, char **argv) {
  const char *file;
  const char *const *flags;
  int nflags;
  if (parse_args(argc, argv, &file, &nflags, &flags) != 0) {
    fprintf(stderr, "usage: parse_walk FILE [-- COMPILER-FLAGS...]\n");
    return 2;
  }

  CXIndex index = clang_createIndex(0, 0);
  CXTranslationUnit tu = NULL;
  enum CXErrorCode rc = clang_parseTranslationUnit2(
      index, file, flags, nflags, NULL, 0, CXTranslationUnit_KeepGoing, &tu);
  if (rc != CXError_Success) {
    fprintf(stderr, "parse_walk: failed to parse '%s' (libclang error %d)\n",
            file, (int)rc);
    clang_disposeIndex(index);
    return 1;
  }

  walk_state st = {0};
  clang_visitChildren(clang_getTranslationUnitCursor(tu), visit, &st);
  unsigned errors = count_errors(tu);
  printf("%lu cursors\n", st.cursors);
  if (errors > 0)
    fprintf(stderr, "parse_walk: %s: %u errors\n", file, errors);

  clang_disposeTranslationUnit(tu);
  clang_disposeIndex(index);
  return errors > 0;
}

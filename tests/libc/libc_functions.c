// libc-functions: list the C library functions whose calls the analyzer's
// model of the C library (analyzer/libc_models.def) must describe.
//
//   libc-functions PREFIX FILE.c [CLANG-ARGS...]
//
// parses FILE.c (scripts/libc-functions.sh writes one that includes every
// public glibc header) and prints, one a line, the name of every function
// declared in a header under PREFIX (/usr/include) that can see a pointer of
// its caller: one whose result or a parameter is a pointer, an array, a
// block, or a struct or union holding one (the transparent union
// __SOCKADDR_ARG), and every variadic function, whose extra arguments may be
// pointers (ioctl, fcntl, open). Functions that only take and return
// numbers need no model: no argument of theirs can escape.
//
// Each line is NAME<tab>HEADER<tab>TYPE, HEADER the declaring file's path
// under PREFIX, TYPE the function's type as written ("char *(const char *,
// int)"), in the order of the declarations, redeclarations included; the
// script keeps the names and sorts them. Exit status 0, or 2 with a message on
// stderr when the file cannot be parsed or does not compile.
#include <clang-c/Index.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool type_holds_pointer(CXType t);

static enum CXVisitorResult field_holds_pointer(CXCursor field,
                                                CXClientData d) {
  if (type_holds_pointer(clang_getCursorType(field))) {
    *(bool *)d = true;
    return CXVisit_Break;
  }
  return CXVisit_Continue;
}

// type_holds_pointer says whether a value of type t carries an address:
// pointers, arrays (a parameter's decays), blocks, and records holding one.
static bool type_holds_pointer(CXType t) {
  t = clang_getCanonicalType(t);
  switch (t.kind) {
  case CXType_Pointer:
  case CXType_BlockPointer:
  case CXType_ConstantArray:
  case CXType_IncompleteArray:
  case CXType_VariableArray:
  case CXType_DependentSizedArray:
    return true;
  case CXType_Record: {
    bool found = false;
    clang_Type_visitFields(t, field_holds_pointer, &found);
    return found;
  }
  default:
    return false;
  }
}

static bool function_sees_pointers(CXCursor fn) {
  CXType t = clang_getCursorType(fn);
  if (clang_isFunctionTypeVariadic(t) ||
      type_holds_pointer(clang_getResultType(t)))
    return true;
  int n = clang_getNumArgTypes(t);
  for (int i = 0; i < n; i++)
    if (type_holds_pointer(clang_getArgType(t, (unsigned)i)))
      return true;
  return false;
}

struct walk {
  const char *prefix;
  size_t prefix_len;
};

static enum CXChildVisitResult visit(CXCursor c, CXCursor parent,
                                     CXClientData data) {
  const struct walk *w = data;
  if (c.kind == CXCursor_LinkageSpec)
    return CXChildVisit_Recurse;
  if (c.kind != CXCursor_FunctionDecl)
    return CXChildVisit_Continue;
  CXFile f;
  clang_getFileLocation(clang_getCursorLocation(c), &f, NULL, NULL, NULL);
  CXString path = clang_getFileName(f);
  const char *p = clang_getCString(path);
  if (p && !strncmp(p, w->prefix, w->prefix_len) &&
      clang_getCursorLinkage(c) == CXLinkage_External &&
      function_sees_pointers(c)) {
    CXString name = clang_getCursorSpelling(c);
    CXString type = clang_getTypeSpelling(clang_getCursorType(c));
    printf("%s\t%s\t%s\n", clang_getCString(name), p + w->prefix_len,
           clang_getCString(type));
    clang_disposeString(type);
    clang_disposeString(name);
  }
  clang_disposeString(path);
  return CXChildVisit_Continue;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: libc-functions PREFIX FILE.c [CLANG-ARGS...]\n");
    return 2;
  }
  CXIndex idx = clang_createIndex(0, 0);
  CXTranslationUnit tu = NULL;
  enum CXErrorCode err = clang_parseTranslationUnit2(
      idx, argv[2], (const char *const *)argv + 3, argc - 3, NULL, 0,
      CXTranslationUnit_SkipFunctionBodies, &tu);
  if (err != CXError_Success) {
    fprintf(stderr, "libc-functions: error: cannot parse '%s'\n", argv[2]);
    clang_disposeIndex(idx);
    return 2;
  }
  int status = 0;
  for (unsigned i = 0; i < clang_getNumDiagnostics(tu); i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      CXString s =
          clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
      fprintf(stderr, "libc-functions: %s\n", clang_getCString(s));
      clang_disposeString(s);
      status = 2;
    }
    clang_disposeDiagnostic(d);
  }
  if (status == 0) {
    struct walk w = {argv[1], strlen(argv[1])};
    clang_visitChildren(clang_getTranslationUnitCursor(tu), visit, &w);
  }
  clang_disposeTranslationUnit(tu);
  clang_disposeIndex(idx);
  return status;
}

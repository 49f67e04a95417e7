// Parsing one translation unit with libclang.
//
// Each file is parsed on its own with clang_parseTranslationUnit2 and
// CXTranslationUnit_KeepGoing, so that clang reports every error it finds
// and a file that fails is a value, not an exit: the driver prints clang's
// own diagnostics and goes on with the next file (as GNOME Builder's clang
// plugin does, ide-clang.c). libclang finds clang's resource headers
// (stddef.h, stdarg.h) relative to its own library; when that directory is
// missing we pass the one of the LLVM installation we were built against.
// The system's include paths come from the clang driver inside libclang.
// Clang's warnings are turned off (-w): we print only its errors, a
// build's -Werror must not stop the analysis, and some of them cost the
// square of the nesting depth (those computed on each function's CFG, such
// as -Wtautological-overlap-compare): a 20,000-deep `!!!...x` parses in
// 6.4 s with them, in 0.06 s without.
//
// Blocks (^{ ... }, clang's closures) are always enabled (-fblocks, unless
// the flags say -fno-blocks): -fblocks changes no valid C program that does
// not use them, and a file that does would otherwise fail with clang's
// "blocks support disabled" error. It defines __BLOCKS__ and __block.
#include "escape.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef ESCAPE_LLVM_DIR
#define ESCAPE_LLVM_DIR "/usr/lib/llvm-19"
#endif

// resource_dir returns "-resource-dir=..." for the LLVM installation, or
// NULL when it has none.
static const char *resource_dir(void) {
  static char flag[4096];
  static bool done;
  if (done)
    return flag[0] ? flag : NULL;
  done = true;
  const char *base = ESCAPE_LLVM_DIR "/lib/clang";
  DIR *d = opendir(base);
  if (!d)
    return NULL;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s/include/stddef.h", base, e->d_name);
    if (stat(path, &st) == 0) {
      snprintf(flag, sizeof flag, "-resource-dir=%s/%s", base, e->d_name);
      break;
    }
  }
  closedir(d);
  return flag[0] ? flag : NULL;
}

static bool has_flag(int argc, const char *const *argv, const char *prefix) {
  for (int i = 0; i < argc; i++)
    if (!strncmp(argv[i], prefix, strlen(prefix)))
      return true;
  return false;
}

int tu_errors(CXTranslationUnit tu, FILE *out) {
  int errors = 0;
  unsigned n = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < n; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      if (out) {
        CXString s =
            clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
        fprintf(out, "%s\n", clang_getCString(s));
        clang_disposeString(s);
      }
      errors++;
    }
    clang_disposeDiagnostic(d);
  }
  return errors;
}

CXTranslationUnit parse_file(CXIndex idx, const char *path, int argc,
                             const char *const *argv, int *status, FILE *errors,
                             unsigned options) {
  return parse_buffer(idx, path, NULL, 0, argc, argv, status, errors, options);
}

CXTranslationUnit parse_buffer(CXIndex idx, const char *path, const char *text,
                               size_t len, int argc, const char *const *argv,
                               int *status, FILE *errors, unsigned options) {
  const char *args[argc + 4];
  int n = 0;
  args[n++] = "-w";
  if (!has_flag(argc, argv, "-fno-blocks"))
    args[n++] = "-fblocks";
  for (int i = 0; i < argc; i++)
    args[n++] = argv[i];
  const char *rd = resource_dir();
  if (rd && !has_flag(argc, argv, "-resource-dir"))
    args[n++] = rd;
  struct CXUnsavedFile unsaved = {path, text, (unsigned long)len};
  CXTranslationUnit tu = NULL;
  enum CXErrorCode err = clang_parseTranslationUnit2(
      idx, path, args, n, text ? &unsaved : NULL, text ? 1 : 0,
      CXTranslationUnit_KeepGoing | options, &tu);
  *status = 0;
  if (err != CXError_Success || !tu) {
    if (errors)
      fprintf(errors, "escape-check: error: cannot parse '%s' (libclang %s)\n",
              path, err == CXError_Crashed ? "crashed" : "failed");
    *status = 1;
    return NULL;
  }
  if (tu_errors(tu, errors) > 0)
    *status = 1;
  return tu;
}

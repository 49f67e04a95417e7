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
// With -p DIR it is the anchor of a whole build (bench/treespeed.sh): every
// C file of DIR/compile_commands.json is parsed and walked once, one after
// another, in one process and with one CXIndex, each with its entry's
// flags, prepared as escape-check -p prepares them (analyzer/compdb.c): the
// compiler, the source and the options that choose outputs (-c, -o, -M*)
// are left out, -w is put first (no warnings: a build's -Werror stops no
// file); options clang does not know are dropped when the parse names them
// and the file parsed again; a file listed twice (zlib builds each source
// static and PIC) is parsed for its first entry only. Each parse runs in its
// entry's directory, so relative -I paths hold. Each translation unit is
// disposed of before the next is parsed.
//
// usage: parse_walk FILE [-- COMPILER-FLAGS...]
//        parse_walk -p DIR
#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

// count_errors returns the number of diagnostics of severity error or fatal,
// printing the first three to out when it is not NULL.
static unsigned count_errors(CXTranslationUnit tu, FILE *out) {
  unsigned n = clang_getNumDiagnostics(tu), errors = 0;
  for (unsigned i = 0; i < n; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      if (out && errors < 3) {
        CXString text =
            clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
        fprintf(out, "%s\n", clang_getCString(text));
        clang_disposeString(text);
      }
      errors++;
    }
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

// output_option says whether a is an option that chooses an output or a
// dependency file; *takes_value when its value is the next argument.
static int output_option(const char *a, int *takes_value) {
  static const char *const with_value[] = {"-o", "-MF", "-MT", "-MQ", "-MJ"};
  static const char *const alone[] = {"-c",  "-S",   "-E",  "-M",  "-MM",
                                      "-MD", "-MMD", "-MP", "-MG", "-pipe"};
  *takes_value = 0;
  for (size_t i = 0; i < sizeof with_value / sizeof *with_value; i++)
    if (!strcmp(a, with_value[i]))
      return *takes_value = 1;
  for (size_t i = 0; i < sizeof alone / sizeof *alone; i++)
    if (!strcmp(a, alone[i]))
      return 1;
  return !strncmp(a, "-o", 2) || !strncmp(a, "-MF", 3) ||
         !strncmp(a, "-MT", 3) || !strncmp(a, "-MQ", 3) ||
         !strncmp(a, "-Wp,-M", 6);
}

// unknown_option returns, malloc'd, the option a diagnostic of tu says
// clang does not know, or NULL.
static char *unknown_option(CXTranslationUnit tu) {
  static const char *const patterns[] = {"unknown argument: '",
                                         "unsupported option '"};
  char *found = NULL;
  unsigned n = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < n && !found; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    CXString s = clang_getDiagnosticSpelling(d);
    const char *text = clang_getCString(s);
    for (size_t k = 0; k < 2 && !found; k++) {
      size_t len = strlen(patterns[k]);
      const char *end;
      if (!strncmp(text, patterns[k], len) && (end = strchr(text + len, '\'')))
        found = strndup(text + len, end - (text + len));
    }
    clang_disposeString(s);
    clang_disposeDiagnostic(d);
  }
  return found;
}

// parse_entry parses and walks the source of cmd (path, absolute and
// canonical) in cmd's directory dir. It returns the number of errors, or -1
// when libclang could not parse it.
static int parse_entry(CXIndex index, CXCompileCommand cmd, const char *dir,
                       const char *path, walk_state *st) {
  unsigned n = clang_CompileCommand_getNumArgs(cmd);
  char **args = calloc(n + 2, sizeof *args);
  char *dropped[8];
  int nargs = 0, ndropped = 0, errors = -1;
  args[nargs++] = strdup("-w");
  for (unsigned i = 1; i < n; i++) {
    CXString as = clang_CompileCommand_getArg(cmd, i);
    const char *a = clang_getCString(as);
    int takes_value;
    char joined[PATH_MAX], real[PATH_MAX];
    snprintf(joined, sizeof joined, "%s/%s", a[0] == '/' ? "" : dir, a);
    if (!strcmp(a, path) || (realpath(joined, real) && !strcmp(real, path)))
      ;
    else if (output_option(a, &takes_value))
      i += takes_value;
    else
      args[nargs++] = strdup(a);
    clang_disposeString(as);
  }
  for (;;) {
    const char *kept[n + 2];
    int k = 0;
    for (int i = 0; i < nargs; i++) {
      int drop = 0;
      for (int j = 0; j < ndropped; j++)
        drop |= !strcmp(args[i], dropped[j]);
      if (!drop)
        kept[k++] = args[i];
    }
    CXTranslationUnit tu = NULL;
    if (clang_parseTranslationUnit2(index, path, kept, k, NULL, 0,
                                    CXTranslationUnit_KeepGoing,
                                    &tu) != CXError_Success)
      break;
    errors = (int)count_errors(tu, NULL);
    char *unknown = errors > 0 && ndropped < 8 ? unknown_option(tu) : NULL;
    if (unknown) {
      dropped[ndropped++] = unknown;
      clang_disposeTranslationUnit(tu);
      continue;
    }
    if (errors > 0)
      count_errors(tu, stderr);
    clang_visitChildren(clang_getTranslationUnitCursor(tu), visit, st);
    clang_disposeTranslationUnit(tu);
    break;
  }
  for (int i = 0; i < nargs; i++)
    free(args[i]);
  for (int j = 0; j < ndropped; j++)
    free(dropped[j]);
  free(args);
  return errors;
}

// walk_database is main for -p DIR.
static int walk_database(const char *dir) {
  CXCompilationDatabase_Error err;
  CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(dir, &err);
  if (err != CXCompilationDatabase_NoError || !db) {
    fprintf(stderr, "parse_walk: %s/compile_commands.json: cannot read it\n",
            dir);
    return 1;
  }
  CXCompileCommands cmds = clang_CompilationDatabase_getAllCompileCommands(db);
  unsigned n = cmds ? clang_CompileCommands_getSize(cmds) : 0;
  char **seen = calloc(n + 1, sizeof *seen);
  unsigned nseen = 0, failed = 0;
  CXIndex index = clang_createIndex(0, 0);
  walk_state st = {0};
  for (unsigned i = 0; i < n; i++) {
    CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
    CXString ds = clang_CompileCommand_getDirectory(cmd);
    CXString fs = clang_CompileCommand_getFilename(cmd);
    const char *d = clang_getCString(ds), *f = clang_getCString(fs);
    char joined[PATH_MAX], path[PATH_MAX];
    snprintf(joined, sizeof joined, "%s/%s", f[0] == '/' ? "" : d, f);
    if (!realpath(joined, path))
      snprintf(path, sizeof path, "%s", joined);
    size_t len = strlen(path);
    int dup = 0;
    for (unsigned k = 0; k < nseen && !dup; k++)
      dup = !strcmp(seen[k], path);
    if (!dup && len > 2 && !strcmp(path + len - 2, ".c")) {
      seen[nseen++] = strdup(path);
      int errors = chdir(d) == 0 ? parse_entry(index, cmd, d, path, &st) : -1;
      if (errors != 0) {
        failed++;
        if (errors < 0)
          fprintf(stderr, "parse_walk: %s: libclang could not parse it\n",
                  path);
        else
          fprintf(stderr, "parse_walk: %s: %d errors\n", path, errors);
      }
    }
    clang_disposeString(ds);
    clang_disposeString(fs);
  }
  printf("%u files, %lu cursors\n", nseen, st.cursors);
  for (unsigned k = 0; k < nseen; k++)
    free(seen[k]);
  free(seen);
  clang_disposeIndex(index);
  if (cmds)
    clang_CompileCommands_dispose(cmds);
  clang_CompilationDatabase_dispose(db);
  return failed > 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "-p"))
    return walk_database(argv[2]);
  const char *file;
  const char *const *flags;
  int nflags;
  if (parse_args(argc, argv, &file, &nflags, &flags) != 0) {
    fprintf(stderr, "usage: parse_walk FILE [-- COMPILER-FLAGS...]\n"
                    "       parse_walk -p DIR\n");
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
  unsigned errors = count_errors(tu, NULL);
  printf("%lu cursors\n", st.cursors);
  if (errors > 0)
    fprintf(stderr, "parse_walk: %s: %u errors\n", file, errors);

  clang_disposeTranslationUnit(tu);
  clang_disposeIndex(index);
  return errors > 0;
}

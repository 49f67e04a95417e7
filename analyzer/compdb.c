// Reading a build's compile_commands.json.
//
// The database is read by libclang's own reader (CXCompilationDatabase),
// which takes both `command` (a shell-quoted string) and `arguments`
// entries and expands @response files, as clang's tools do. Each entry's
// command line is made into the arguments libclang's parser takes, as
// clangd does: the compiler (argv[0]), the source file, and the options
// that write files or choose the output (-c, -o, -M*, -Wp,-M*) go; paths
// in -I, -iquote, -isystem, -include and their kin, relative to the
// entry's `directory`, become absolute, since every file is parsed from
// escape-check's own directory. Options clang does not know (GCC's
// -fconserve-stack) are dropped later, when the parse names them
// (driver.c). Only C sources are kept: entries for C++ or assembly are
// counted and skipped.
#include "escape.h"

#include <clang-c/CXCompilationDatabase.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *absolute(const char *dir, const char *path) {
  if (path[0] == '/' || !dir || !dir[0])
    return must_strdup(path);
  size_t n = strlen(dir) + strlen(path) + 2;
  char *p = must_malloc(n);
  snprintf(p, n, "%s/%s", dir, path);
  return p;
}

// Options whose value is a path, relative to the entry's directory.
static const char *const path_options[] = {
    "-I",           "-iquote",  "-isystem",     "-idirafter",
    "-include",     "-imacros", "-isysroot",    "--sysroot",
    "-iwithprefix", "-F",       "-cxx-isystem", "-L",
};

// Options that choose outputs or dependency files: dropped with their value
// when it is separate (the bool).
static bool output_option(const char *a, bool *takes_value) {
  static const char *const with_value[] = {"-o", "-MF", "-MT", "-MQ", "-MJ"};
  static const char *const alone[] = {"-c",  "-S",   "-E",  "-M",  "-MM",
                                      "-MD", "-MMD", "-MP", "-MG", "-pipe"};
  *takes_value = false;
  for (size_t i = 0; i < sizeof with_value / sizeof *with_value; i++)
    if (!strcmp(a, with_value[i])) {
      *takes_value = true;
      return true;
    }
  for (size_t i = 0; i < sizeof alone / sizeof *alone; i++)
    if (!strcmp(a, alone[i]))
      return true;
  if (!strncmp(a, "-o", 2) || !strncmp(a, "-MF", 3) || !strncmp(a, "-MT", 3) ||
      !strncmp(a, "-MQ", 3) || !strncmp(a, "-Wp,-M", 6))
    return true;
  return false;
}

static void push_arg(source_file *s, char *a) {
  s->argv = must_realloc(s->argv, (s->argc + 2) * sizeof(char *));
  s->argv[s->argc++] = a;
  s->argv[s->argc] = NULL;
}

// clean_command turns an entry's command line into s's arguments.
static void clean_command(source_file *s, CXCompileCommand cmd, const char *dir,
                          const char *file) {
  unsigned n = clang_CompileCommand_getNumArgs(cmd);
  for (unsigned i = 1; i < n; i++) {
    CXString as = clang_CompileCommand_getArg(cmd, i);
    const char *a = clang_getCString(as);
    bool takes_value;
    bool is_input = false;
    if (a[0] != '-') {
      char *abs = absolute(dir, a);
      char real[PATH_MAX];
      is_input =
          !strcmp(abs, file) || (realpath(abs, real) && !strcmp(real, file));
      free(abs);
    }
    if (is_input || output_option(a, &takes_value)) {
      if (!is_input && takes_value)
        i++;
    } else {
      char *kept = NULL;
      for (size_t k = 0; k < sizeof path_options / sizeof *path_options; k++) {
        const char *o = path_options[k];
        size_t len = strlen(o);
        if (!strcmp(a, o) && i + 1 < n) {
          push_arg(s, must_strdup(a));
          CXString vs = clang_CompileCommand_getArg(cmd, ++i);
          push_arg(s, absolute(dir, clang_getCString(vs)));
          clang_disposeString(vs);
          kept = "";
          break;
        }
        if (!strncmp(a, o, len) && a[len]) {
          const char *v = a[len] == '=' ? a + len + 1 : a + len;
          char *p = absolute(dir, v);
          size_t m = strlen(a) + strlen(p) + 2;
          kept = must_malloc(m);
          snprintf(kept, m, "%.*s%s", (int)(v - a), a, p);
          free(p);
          push_arg(s, kept);
          break;
        }
      }
      if (!kept)
        push_arg(s, must_strdup(a));
    }
    clang_disposeString(as);
  }
}

// display_path is how reports name file: relative to the current
// directory when under it, else as the database has it.
static char *display_path(const char *file) {
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd)) {
    size_t n = strlen(cwd);
    if (!strncmp(file, cwd, n) && file[n] == '/')
      return must_strdup(file + n + 1);
  }
  return must_strdup(file);
}

// under says whether file is path or inside directory path (both made
// absolute and canonical).
static bool under(const char *file, const char *path) {
  size_t n = strlen(path);
  if (!strncmp(file, path, n) && (file[n] == '/' || file[n] == '\0'))
    return true;
  return n == 1 && path[0] == '/';
}

int load_compile_commands(const char *json, const vec *selected,
                          const vec *globs, source_list *out) {
  // libclang reads DIR/compile_commands.json: a file of another name is
  // reached through a private directory holding a link to it.
  char dir[PATH_MAX], tmp[] = "/tmp/escape-check-XXXXXX";
  char real[PATH_MAX];
  if (!realpath(json, real)) {
    fprintf(stderr, "escape-check: error: %s: %s\n", json, strerror(errno));
    return -1;
  }
  struct stat st;
  if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
    fprintf(stderr, "escape-check: error: %s: not a regular file\n", json);
    return -1;
  }
  const char *base = strrchr(real, '/');
  bool linked = strcmp(base + 1, "compile_commands.json") != 0;
  if (linked) {
    if (!mkdtemp(tmp)) {
      fprintf(stderr, "escape-check: error: %s: %s\n", tmp, strerror(errno));
      return -1;
    }
    snprintf(dir, sizeof dir, "%s/compile_commands.json", tmp);
    if (symlink(real, dir) != 0) {
      fprintf(stderr, "escape-check: error: %s: %s\n", dir, strerror(errno));
      rmdir(tmp);
      return -1;
    }
    snprintf(dir, sizeof dir, "%s", tmp);
  } else {
    snprintf(dir, sizeof dir, "%.*s", (int)(base - real), real);
  }
  // libclang prints why a database does not load on stderr: catch it, to
  // say it after the file's name.
  CXCompilationDatabase_Error err;
  FILE *why = tmpfile();
  int saved = dup(2);
  fflush(stderr);
  if (why && saved >= 0)
    dup2(fileno(why), 2);
  CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(dir, &err);
  if (why && saved >= 0) {
    fflush(stderr);
    dup2(saved, 2);
  }
  if (saved >= 0)
    close(saved);
  char reason[512] = "";
  if (why) {
    // "json-compilation-database: Expected string as value."
    char line[512];
    rewind(why);
    while (fgets(line, sizeof line, why)) {
      const char *m = strstr(line, "json-compilation-database: ");
      if (m) {
        snprintf(reason, sizeof reason, "%s", m + 27);
        reason[strcspn(reason, "\n")] = 0;
      }
    }
    fclose(why);
  }
  if (linked) {
    char link[PATH_MAX + 32];
    snprintf(link, sizeof link, "%s/compile_commands.json", tmp);
    unlink(link);
    rmdir(tmp);
  }
  if (err != CXCompilationDatabase_NoError || !db) {
    fprintf(stderr,
            "escape-check: error: %s: not a compilation database%s%s (a JSON "
            "array of entries with \"directory\", \"file\" and \"command\" "
            "or \"arguments\")\n",
            json, reason[0] ? ": " : "", reason);
    return -1;
  }
  // The selected paths, made canonical.
  vec sel = {0};
  for (int i = 0; i < selected->len; i++) {
    char r[PATH_MAX];
    if (realpath(selected->items[i], r)) {
      vec_push(&sel, must_strdup(r));
    } else {
      fprintf(stderr, "escape-check: error: %s: %s\n",
              (char *)selected->items[i], strerror(errno));
      source_file *s = source_list_add(out, selected->items[i]);
      source_fail(s, "%s", strerror(errno));
    }
  }
  CXCompileCommands cmds = clang_CompilationDatabase_getAllCompileCommands(db);
  unsigned n = cmds ? clang_CompileCommands_getSize(cmds) : 0;
  int skipped = 0, kept = 0;
  for (unsigned i = 0; i < n; i++) {
    CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
    CXString ds = clang_CompileCommand_getDirectory(cmd);
    CXString fs = clang_CompileCommand_getFilename(cmd);
    const char *d = clang_getCString(ds);
    char *file = absolute(d, clang_getCString(fs));
    char r[PATH_MAX];
    if (realpath(file, r)) {
      free(file);
      file = must_strdup(r);
    }
    // Files outside the selection are analyzed too, for what their
    // functions do, but not reported.
    bool wanted = sel.len == 0 && selected->len == 0;
    for (int k = 0; k < sel.len && !wanted; k++)
      wanted = under(file, sel.items[k]);
    bool dup = false;
    for (int k = 0; k < out->len && !dup; k++)
      dup = out->items[k].dbfile && !strcmp(out->items[k].dbfile, file);
    if (!is_c_file(file)) {
      skipped++;
    } else if (!dup) {
      char *shown = display_path(file);
      if (!excluded(globs, shown) && !excluded(globs, file)) {
        source_file *s = source_list_add(out, shown);
        s->dbfile = must_strdup(file);
        s->context = !wanted;
        clean_command(s, cmd, d, file);
        kept += wanted;
      }
      free(shown);
    }
    free(file);
    clang_disposeString(ds);
    clang_disposeString(fs);
  }
  if (cmds)
    clang_CompileCommands_dispose(cmds);
  clang_CompilationDatabase_dispose(db);
  if (skipped)
    fprintf(stderr,
            "escape-check: note: %s: %d entr%s for files other than C "
            "skipped\n",
            json, skipped, skipped == 1 ? "y" : "ies");
  if (kept == 0 && sel.len)
    fprintf(stderr,
            "escape-check: note: %s: no C file of the build is under the "
            "paths given\n",
            json);
  for (int i = 0; i < sel.len; i++)
    free(sel.items[i]);
  vec_free(&sel);
  return 0;
}

const char *find_compile_commands(const vec *paths) {
  static char found[PATH_MAX];
  const char *roots[64];
  int nroots = 0;
  for (int i = 0; i < paths->len && nroots < 63; i++) {
    struct stat st;
    if (stat(paths->items[i], &st) == 0 && S_ISDIR(st.st_mode))
      roots[nroots++] = paths->items[i];
  }
  roots[nroots++] = ".";
  for (int i = 0; i < nroots; i++) {
    const char *sub[] = {"", "/build"};
    for (int k = 0; k < 2; k++) {
      snprintf(found, sizeof found, "%s%s/compile_commands.json", roots[i],
               sub[k]);
      struct stat st;
      if (stat(found, &st) == 0 && S_ISREG(st.st_mode))
        return !strncmp(found, "./", 2) ? found + 2 : found;
    }
  }
  return NULL;
}

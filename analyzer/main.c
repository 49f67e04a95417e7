// escape-check: the command line.
//
//   escape-check [-m[=N]] PATH... [-- COMPILER-FLAGS...]
//
// Only this file decides exit statuses: 0 when no file has a warning, 1
// when check mode warned or a file failed to compile, 2 for a usage error
// or a missing path. A missing path or a file that does not compile is
// reported and skipped; the other files are still analyzed.
#include "escape.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VERSION "0.1.0"

static const char usage[] =
    "usage: escape-check [-m[=N]] PATH... [-- COMPILER-FLAGS...]\n"
    "\n"
    "Reports which locals, parameters and allocations of C code escape, as\n"
    "Go's -gcflags=-m does for Go.\n"
    "\n"
    "  -m, -m=1     print Go's escape decisions for every function\n"
    "  -m=2         also print the flow that proves each decision\n"
    "  -h, --help   print this help\n"
    "  --version    print the version\n"
    "\n"
    "Without -m, check mode warns about each local whose address outlives\n"
    "it (returned, stored in a global or heap memory, passed to an unknown\n"
    "function, kept past its block) and exits 1 if there is one.\n"
    "PATH is a C file or a directory, searched recursively for *.c files.\n"
    "Flags after -- go to clang (-I, -D, -std=...).\n"
    "\n"
    "Exit status: 0 no warnings, 1 warnings or a file that does not\n"
    "compile, 2 usage error or missing file.\n";

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "escape-check: error: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return 2;
}

static int by_string(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_c_file(const char *name) {
  size_t n = strlen(name);
  return n > 2 && !strcmp(name + n - 2, ".c");
}

// add_dir appends the *.c files under dir, sorted, to files.
static void add_dir(const char *dir, vec *files) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  vec names = {0};
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    size_t n = strlen(dir) + strlen(e->d_name) + 2;
    char *path = malloc(n);
    bool slash = dir[strlen(dir) - 1] == '/';
    snprintf(path, n, slash ? "%s%s" : "%s/%s", dir, e->d_name);
    vec_push(&names, path);
  }
  closedir(d);
  qsort(names.items, names.len, sizeof(char *), by_string);
  for (int i = 0; i < names.len; i++) {
    char *path = names.items[i];
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
      add_dir(path, files);
      free(path);
    } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && is_c_file(path)) {
      vec_push(files, path);
    } else {
      free(path);
    }
  }
  vec_free(&names);
}

static int analyze_file(CXIndex idx, const char *path, const options *opt,
                        int argc, const char *const *argv) {
  int status;
  CXTranslationUnit tu = parse_file(idx, path, argc, argv, &status, stderr, 0);
  if (!tu)
    return 1;
  if (status) {
    clang_disposeTranslationUnit(tu);
    return 1;
  }
  unit u = {0};
  u.tu = tu;
  u.path = path;
  u.opt = opt;
  analyze_unit(&u);
  int warnings = flush_reports(&u, stdout);
  clang_disposeTranslationUnit(tu);
  return warnings > 0 ? 1 : 0;
}

static int run(int argc, char **argv) {
  options opt = {0};
  vec paths = {0};
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      i++;
      break;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      vec_free(&paths);
      return 0;
    }
    if (!strcmp(a, "--version")) {
      // "Debian clang version 19.1.7 (...)" -> "libclang 19.1.7"
      CXString v = clang_getClangVersion();
      const char *s = strstr(clang_getCString(v), "version ");
      int n = 0;
      if (s)
        for (s += 8; s[n] && s[n] != ' '; n++)
          ;
      printf("escape-check %s (libclang %.*s)\n", VERSION, n, s ? s : "");
      clang_disposeString(v);
      vec_free(&paths);
      return 0;
    }
    if (!strcmp(a, "-m")) {
      opt.m = 1;
    } else if (!strncmp(a, "-m=", 3)) {
      if (strcmp(a + 3, "1") && strcmp(a + 3, "2")) {
        vec_free(&paths);
        return usage_error("invalid value '%s' for -m (expected 1 or 2)",
                           a + 3);
      }
      opt.m = a[3] - '0';
    } else if (a[0] == '-' && a[1]) {
      vec_free(&paths);
      return usage_error("unknown option '%s' (see --help)", a);
    } else {
      vec_push(&paths, (void *)a);
    }
  }
  if (paths.len == 0) {
    vec_free(&paths);
    return usage_error("no input files (see --help)%s", "");
  }
  opt.explain = opt.m != 1;

  int status = 0;
  vec files = {0};
  for (int p = 0; p < paths.len; p++) {
    const char *path = paths.items[p];
    struct stat st;
    if (stat(path, &st) != 0) {
      usage_error("no such file or directory: '%s'", path);
      status = 2;
    } else if (S_ISDIR(st.st_mode)) {
      add_dir(path, &files);
    } else {
      size_t n = strlen(path) + 1;
      char *copy = malloc(n);
      memcpy(copy, path, n);
      vec_push(&files, copy);
    }
  }
  CXIndex idx = clang_createIndex(0, 0);
  for (int f = 0; f < files.len; f++) {
    int s = analyze_file(idx, files.items[f], &opt, argc - i,
                         (const char *const *)argv + i);
    if (s > status)
      status = s;
    free(files.items[f]);
  }
  clang_disposeIndex(idx);
  vec_free(&files);
  vec_free(&paths);
  return status;
}

int main(int argc, char **argv) { return run_deep(run, argc, argv); }

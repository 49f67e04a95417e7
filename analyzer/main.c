// escape-check: the command line.
//
//   escape-check [OPTIONS] [PATH...] [-- COMPILER-FLAGS...]
//
// Only this file decides exit statuses: 0 when nothing is reported as a
// warning, 1 when check mode warned, 2 for a usage error (said in one
// line, nothing analyzed), 3 when some file could not be analyzed (its
// reason on stderr; every other file is still analyzed and reported).
//
// The files come from a compilation database (-p DIR, --compile-commands
// FILE, or compile_commands.json found in a PATH directory, the current
// directory, or their build/) or from the PATHs themselves; they are
// analyzed together as one program (driver.c) in a supervised child
// (supervise.c). What the analysis reports then passes through the
// warning switches, inline suppressions and the baseline (filter.c)
// before it is written in the chosen format (output.c).
#include "escape.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef ESCAPE_VERSION
#define ESCAPE_VERSION "unknown"
#endif

static const char usage[] =
    "usage: escape-check [OPTIONS] [PATH...] [-- COMPILER-FLAGS...]\n"
    "\n"
    "Reports which locals, parameters and allocations of C code escape, as\n"
    "Go's -gcflags=-m does for Go. The files are analyzed together: a call\n"
    "into a function another file defines uses what that function does.\n"
    "\n"
    "  -m, -m=1               print Go's escape decisions for every function\n"
    "  -m=2                   also print the flow that proves each decision\n"
    "  -p DIR                 take the files and their flags from\n"
    "                         DIR/compile_commands.json\n"
    "  --compile-commands FILE  the same, from FILE\n"
    "  --exclude GLOB         skip files whose path or name matches GLOB\n"
    "  -j N                   parse and analyze on N threads (default: the\n"
    "                         number of processors)\n"
    "  -Wescape-KIND, -Wno-escape-KIND\n"
    "                         enable or disable one kind of warning: return,\n"
    "                         global, heap, param, call, thread, scope\n"
    "  -Werror                print warnings as errors\n"
    "  --baseline FILE        report only warnings not recorded in FILE\n"
    "  --write-baseline FILE  record the warnings in FILE\n"
    "  --format=FORMAT        text (default), json or sarif, on stdout\n"
    "  -json=0,DIR            also write Go's -json diagnostics (LSP) to DIR\n"
    "  --cache-dir DIR        keep each file's results in DIR, so that a run\n"
    "                         after an edit parses only what it can change\n"
    "                         (default: $ESCAPE_CHECK_CACHE, else\n"
    "                         $XDG_CACHE_HOME/escape-check or\n"
    "                         ~/.cache/escape-check)\n"
    "  --no-cache             do not read or write the cache\n"
    "  --step                 one step of a distributed run: with -p, parse\n"
    "                         only the PATHs; the build's other files count\n"
    "                         as their cache entries say (see "
    "escape-check(1))\n"
    "  -q, --quiet            no progress bar or summary line\n"
    "  -h, --help             print this help\n"
    "  --version              print the version\n"
    "\n"
    "Without -m, check mode warns about each local whose address is still\n"
    "held when it dies (returned, stored in a global or heap memory, passed\n"
    "to an unknown function, kept past its block). A warning is silenced by\n"
    "// NOLINT(escape-KIND) on its line or // NOLINTNEXTLINE(escape-KIND) on\n"
    "the line before, or by // escape-check: ignore[KIND] on either.\n"
    "PATH is a C file or a directory, searched recursively for *.c files;\n"
    "with a compilation database, PATHs select files of the build. Flags\n"
    "after -- go to clang for every file (-I, -D, -std=...).\n"
    "\n"
    "Exit status: 0 no warnings, 1 warnings, 2 usage error, 3 some file\n"
    "could not be analyzed (the others are still reported).\n";

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "escape-check: error: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return 2;
}

// The command line, parsed.
typedef struct {
  options opt;
  vec paths;
  vec excludes;
  const char *compdb;  // -p DIR/compile_commands.json or --compile-commands
  const char *compdir; // -p DIR as given
  int jobs;
  filter_config filter;
  out_format format;
  const char *lsp_dir;   // -json=0,DIR
  const char *cache_dir; // --cache-dir DIR; NULL with --no-cache
  bool step;             // --step
  bool quiet;
  int argc; // after --
  const char *const *argv;
} command;

// option_value returns the value of option name at argv[*i], written as
// "NAME VALUE" or "NAME=VALUE" (or "NAMEVALUE" when joined is set), moving
// *i past it; NULL if argv[*i] is not that option. *missing is set when
// the value is absent.
static const char *option_value(int argc, char **argv, int *i, const char *name,
                                bool joined, bool *missing) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n))
    return NULL;
  if (a[n] == '=')
    return a + n + 1;
  if (a[n] && joined)
    return a + n;
  if (a[n])
    return NULL;
  if (*i + 1 >= argc) {
    *missing = true;
    return NULL;
  }
  return argv[++*i];
}

static int processors(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static void print_version(void) {
  // "Debian clang version 19.1.7 (...)" -> "libclang 19.1.7"
  CXString v = clang_getClangVersion();
  const char *s = strstr(clang_getCString(v), "version ");
  int n = 0;
  if (s)
    for (s += 8; s[n] && s[n] != ' '; n++)
      ;
  printf("escape-check %s (libclang %.*s)\n", ESCAPE_VERSION, n, s ? s : "");
  clang_disposeString(v);
}

// parse_command parses argv into c; returns -1 when done (help, version),
// 0 on success, 2 after a usage error.
static int parse_command(int argc, char **argv, command *c) {
  c->jobs = processors();
  c->cache_dir = cache_default_dir();
  filter_init(&c->filter);
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i], *v;
    bool missing = false;
    if (!strcmp(a, "--")) {
      i++;
      break;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      return -1;
    }
    if (!strcmp(a, "--version")) {
      print_version();
      return -1;
    }
    if (!strcmp(a, "-m")) {
      c->opt.m = 1;
    } else if (!strncmp(a, "-m=", 3)) {
      if (strcmp(a + 3, "1") && strcmp(a + 3, "2"))
        return usage_error("invalid value '%s' for -m (expected 1 or 2)",
                           a + 3);
      c->opt.m = a[3] - '0';
    } else if ((v = option_value(argc, argv, &i, "-p", true, &missing))) {
      size_t n = strlen(v) + 32;
      char *p = must_malloc(n);
      snprintf(p, n, "%s/compile_commands.json", v);
      c->compdb = p;
      c->compdir = v;
    } else if ((v = option_value(argc, argv, &i, "--compile-commands", false,
                                 &missing))) {
      c->compdb = v;
    } else if ((v = option_value(argc, argv, &i, "--exclude", false,
                                 &missing))) {
      vec_push(&c->excludes, (void *)v);
    } else if (!strncmp(a, "-json=", 6)) {
      if (strncmp(a + 6, "0,", 2) || !a[8])
        return usage_error("invalid value '%s' for -json (expected 0,DIR)",
                           a + 6);
      c->lsp_dir = a + 8;
    } else if ((v = option_value(argc, argv, &i, "-j", true, &missing)) ||
               (v = option_value(argc, argv, &i, "--jobs", false, &missing))) {
      char *end;
      long n = strtol(v, &end, 10);
      if (*end || n < 1 || n > 1024)
        return usage_error("invalid value '%s' for -j (expected 1 to 1024)", v);
      c->jobs = (int)n;
    } else if ((v = option_value(argc, argv, &i, "--baseline", false,
                                 &missing))) {
      c->filter.baseline = v;
    } else if ((v = option_value(argc, argv, &i, "--write-baseline", false,
                                 &missing))) {
      c->filter.write_baseline = v;
    } else if ((v = option_value(argc, argv, &i, "--format", false,
                                 &missing))) {
      if (!strcmp(v, "text"))
        c->format = FORMAT_TEXT;
      else if (!strcmp(v, "json"))
        c->format = FORMAT_JSON;
      else if (!strcmp(v, "sarif"))
        c->format = FORMAT_SARIF;
      else
        return usage_error(
            "invalid value '%s' for --format (expected text, json or sarif)",
            v);
    } else if ((v = option_value(argc, argv, &i, "--cache-dir", false,
                                 &missing))) {
      c->cache_dir = v;
    } else if (!strcmp(a, "--no-cache")) {
      c->cache_dir = NULL;
    } else if (!strcmp(a, "--step")) {
      c->step = true;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      c->quiet = true;
    } else if (!strncmp(a, "-W", 2)) {
      const char *err = filter_flag(&c->filter, a);
      if (err)
        return usage_error("%s", err);
    } else if (missing) {
      return usage_error("option '%s' needs a value", a);
    } else if (a[0] == '-' && a[1]) {
      return usage_error("unknown option '%s' (see --help)", a);
    } else {
      vec_push(&c->paths, (void *)a);
    }
    if (missing)
      return usage_error("option '%s' needs a value", a);
  }
  c->argc = argc - i;
  c->argv = (const char *const *)argv + i;
  c->opt.explain = c->opt.m != 1;
  c->opt.report_c_includes = true;
  if (c->step && !c->cache_dir)
    return usage_error("--step needs the cache (--cache-dir DIR)%s", "");
  if (c->paths.len == 0 && !c->compdb && !find_compile_commands(&c->paths))
    return usage_error("no input files and no compile_commands.json here or "
                       "in build/ (see --help)%s",
                       "");
  return 0;
}

// add_standalone adds the PATHs the build does not cover: a file named
// explicitly is analyzed with the command line's flags; a directory with
// no file of the build is searched as without a build.
static void add_standalone(command *c, source_list *sources, int from_db) {
  for (int p = 0; p < c->paths.len; p++) {
    const char *path = c->paths.items[p];
    char real[4096];
    bool covered = false;
    if (realpath(path, real)) {
      size_t n = strlen(real);
      for (int i = 0; i < from_db && !covered; i++) {
        const char *f = sources->items[i].dbfile;
        covered = f && !strncmp(f, real, n) && (f[n] == '/' || !f[n]) &&
                  !sources->items[i].context;
      }
    }
    if (covered)
      continue;
    if (from_db >= 0)
      fprintf(stderr,
              "escape-check: note: %s: not in the build; analyzed with the "
              "flags after --\n",
              path);
    find_sources(sources, path, &c->excludes);
  }
}

// collect builds the list of files to analyze.
static int collect(command *c, source_list *sources) {
  const char *db = c->compdb;
  if (!db) {
    db = find_compile_commands(&c->paths);
    if (db)
      fprintf(stderr, "escape-check: note: using %s (-p DIR to choose)\n", db);
  }
  int from_db = -1;
  if (db) {
    // Paths that do not exist are reported by add_standalone below.
    vec existing = {0};
    for (int p = 0; p < c->paths.len; p++)
      if (access(c->paths.items[p], F_OK) == 0)
        vec_push(&existing, c->paths.items[p]);
    int r = load_compile_commands(db, &existing, &c->excludes, sources);
    vec_free(&existing);
    if (r != 0)
      return 2;
    from_db = sources->len;
  }
  add_standalone(c, sources, from_db);
  // A file reached twice (named twice, or through a link) is analyzed once.
  for (int i = 0; i < sources->len; i++) {
    source_file *s = &sources->items[i];
    for (int k = 0; k < i && !s->failed; k++) {
      source_file *t = &sources->items[k];
      if (!strcmp(s->path, t->path) ||
          (s->dbfile && t->dbfile && !strcmp(s->dbfile, t->dbfile))) {
        s->failed = true; // not a failure: marked to be dropped
        s->duplicate = true;
      }
    }
  }
  int kept = 0;
  for (int i = 0; i < sources->len; i++) {
    source_file *s = &sources->items[i];
    if (s->duplicate) {
      source_free(s);
      continue;
    }
    sources->items[kept++] = *s;
  }
  sources->len = kept;
  return 0;
}

typedef struct {
  command *c;
  double start;
} run_state;

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

// analyze is the supervised child: analyze, filter, write.
static int analyze(source_list *sources, int progress_fd, void *arg) {
  run_state *st = arg;
  command *c = st->c;
  analysis_result *results = must_calloc(sources->len, sizeof(analysis_result));
  analysis_config cfg = {&c->opt,     c->jobs,
                         c->argc,     c->argv,
                         progress_fd, cache_open(c->cache_dir, c->opt.m),
                         c->step};
  analyze_sources(&cfg, sources, results);
  cache_close(cfg.cache);
  if (progress_fd >= 0)
    close(progress_fd);

  file_result *files = must_calloc(sources->len, sizeof(file_result));
  int nfiles = 0, failed = 0, context_failed = 0;
  for (int i = 0; i < sources->len; i++) {
    source_file *s = &sources->items[i];
    analysis_result *r = &results[i];
    if (s->context) {
      context_failed += s->failed || r->failed;
      for (int k = 0; k < r->nreports; k++)
        free(r->reports[k].text);
      free(r->reports);
      continue;
    }
    file_result *f = &files[nfiles++];
    f->path = s->path;
    if (s->failed || r->failed) {
      failed++;
      f->failed = true;
      f->error = s->failed ? s->error : r->error;
      if (r->diagnostics)
        fputs(r->diagnostics, stderr);
      fprintf(stderr, "escape-check: error: %s: %s\n", s->path, f->error);
      continue;
    }
    f->diags = must_calloc(r->nreports, sizeof(diag));
    for (int k = 0; k < r->nreports; k++) {
      diag *d = &f->diags[f->ndiags++];
      if (!diag_parse(r->reports[k].text, d)) {
        // Not in the grammar diag.c reads: shown as it is, never lost.
        *d = (diag){.file = must_strdup(s->path),
                    .line = r->reports[k].line,
                    .col = r->reports[k].col,
                    .message = must_strdup(r->reports[k].text),
                    .text = must_strdup(r->reports[k].text)};
      }
      free(r->reports[k].text);
    }
    free(r->reports);
  }
  if (context_failed)
    fprintf(stderr,
            "escape-check: note: %d other file%s of the build could not be "
            "analyzed; calls into %s are unknown calls\n",
            context_failed, context_failed == 1 ? "" : "s",
            context_failed == 1 ? "it" : "them");
  filter_stats stats = {0};
  int status = filter_apply(&c->filter, c->opt.m, files, nfiles, &stats);
  if (status == 0) {
    write_results(stdout, c->format, c->opt.m, files, nfiles);
    if (c->lsp_dir &&
        write_lsp_dir(c->lsp_dir, c->opt.m, files, nfiles, stderr) != 0)
      status = 3;
  }
  fflush(stdout);
  if (!c->quiet && (nfiles > 1 || isatty(2)))
    filter_summary(stderr, &stats, nfiles, failed, seconds() - st->start);
  for (int i = 0; i < nfiles; i++) {
    for (int k = 0; k < files[i].ndiags; k++)
      diag_free(&files[i].diags[k]);
    free(files[i].diags);
  }
  for (int i = 0; i < sources->len; i++) {
    free(results[i].error);
    free(results[i].diagnostics);
  }
  free(files);
  free(results);
  if (status)
    return status;
  if (failed)
    return 3;
  return stats.warnings > 0 ? 1 : 0;
}

static int run(int argc, char **argv) {
  command c = {0};
  int status = parse_command(argc, argv, &c);
  if (status == 0) {
    source_list sources = {0};
    run_state st = {&c, seconds()};
    status = collect(&c, &sources);
    if (status == 0)
      status = supervise(&sources, !c.quiet && isatty(2), analyze, &st);
    source_list_free(&sources);
  } else if (status < 0) {
    status = 0;
  }
  if (c.compdir)
    free((char *)c.compdb);
  vec_free(&c.paths);
  vec_free(&c.excludes);
  filter_free(&c.filter);
  return status;
}

int main(int argc, char **argv) { return run_deep(run, argc, argv); }

// Analyzing many files as one program, on several threads.
//
// Every file is parsed and lowered once, by a pool of -j threads, each with
// a CXIndex of its own and a deep stack (run_deep's reasons apply). The
// lowered units are then solved together, in the order the files were
// given (solve_program): a call into a function another file defines uses
// that function's summary, exactly as if the files had been concatenated.
// Parsing and lowering are almost all of the time (bench/README.md), so the
// pool scales with the cores; solving is one short serial pass.
//
// With a cache (cache.c), a file whose entry is valid is not parsed: its
// exported summaries stand in for its functions, and its reports are the
// entry's. When solving shows that such a file's imports changed, it is
// parsed after all and the program solved again (the units already parsed
// are lowered again from their parse), until every cached file is current.
//
// Files are parsed without warnings (-w): only errors stop a file. A file
// that clang rejects keeps its diagnostics and is left out of the
// program; so is one whose command line has options clang does not know,
// until those are dropped (once per option, with one note, as clangd does)
// and the file parsed again. Which files are being worked on is written to
// a progress descriptor ("S index" at start, "D index" when lowered), so
// that the supervising process (main.c) can draw a progress bar and, when
// libclang or the analysis crashes, name the file it crashed on.
#define _GNU_SOURCE // qsort_r
#include "escape.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  const analysis_config *cfg;
  source_list *sources;
  analysis_result *results;
  unit *units;
  atomic_int next;
  int order_len;
  const int *order;     // the order in which sources are taken
  bool *wanted;         // sources to parse (if not yet) and lower
  pthread_mutex_t lock; // guards dropped and indexes
  vec dropped;          // options dropped, said once each
  vec indexes;          // the threads' CXIndex: they outlive the threads
} pool;

static void progress(const analysis_config *cfg, char what, int i) {
  if (cfg->progress_fd < 0)
    return;
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%c %d\n", what, i);
  if (write(cfg->progress_fd, buf, n) < 0) {
    // The supervisor is gone; the analysis goes on without it.
  }
}

// unknown_options collects the options tu's diagnostics say clang does not
// know ("unknown argument: '-fconserve-stack'").
static int unknown_options(CXTranslationUnit tu, vec *out) {
  static const char *const patterns[] = {"unknown argument: '",
                                         "unsupported option '"};
  int found = 0;
  unsigned n = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < n; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      CXString s = clang_getDiagnosticSpelling(d);
      const char *text = clang_getCString(s);
      for (size_t k = 0; k < 2; k++) {
        size_t len = strlen(patterns[k]);
        if (!strncmp(text, patterns[k], len)) {
          const char *end = strchr(text + len, '\'');
          if (end) {
            vec_push(out, must_strndup(text + len, end - (text + len)));
            found++;
          }
        }
      }
      clang_disposeString(s);
    }
    clang_disposeDiagnostic(d);
  }
  return found;
}

static bool in_list(const vec *v, const char *s) {
  for (int i = 0; i < v->len; i++)
    if (!strcmp(v->items[i], s))
      return true;
  return false;
}

// parse_source parses s with its own arguments and the command line's,
// without the options clang does not know.
static CXTranslationUnit parse_source(pool *p, CXIndex idx, source_file *s,
                                      analysis_result *r) {
  const analysis_config *cfg = p->cfg;
  // A file named "-" (or "-x.c") is a file, not standard input or an option.
  char *dashed = NULL;
  if (s->path[0] == '-') {
    size_t len = strlen(s->path) + 3;
    dashed = must_malloc(len);
    snprintf(dashed, len, "./%s", s->path);
  }
  const char *path = dashed ? dashed : s->path;
  vec drop = {0};
  for (int attempt = 0;; attempt++) {
    int n = 0;
    const char **args = must_malloc((s->argc + cfg->argc + 4) * sizeof(char *));
    if (!is_c_file(path)) { // named explicitly: C, whatever its name says
      args[n++] = "-x";
      args[n++] = "c";
    }
    for (int i = 0; i < s->argc; i++)
      if (!in_list(&drop, s->argv[i]))
        args[n++] = s->argv[i];
    for (int i = 0; i < cfg->argc; i++)
      if (!in_list(&drop, cfg->argv[i]))
        args[n++] = cfg->argv[i];
    // No warnings: a build's -Werror must not make one into an error that
    // stops the file (json-c's -Werror with clang's -Wstrict-prototypes).
    args[n++] = "-w";
    int status;
    CXTranslationUnit tu = parse_file(idx, path, n, args, &status, NULL, 0);
    free(args);
    if (!tu) {
      r->failed = true;
      r->error = must_strdup("libclang could not parse it");
      break;
    }
    if (status && attempt < 4 && unknown_options(tu, &drop) > 0) {
      clang_disposeTranslationUnit(tu);
      continue;
    }
    if (status) {
      char *text = NULL;
      size_t len = 0;
      FILE *f = must_open_memstream(&text, &len);
      if (f) {
        tu_errors(tu, f);
        fclose(f);
      }
      r->diagnostics = text;
      r->failed = true;
      r->error = must_strdup("clang reported errors");
      clang_disposeTranslationUnit(tu);
      tu = NULL;
    }
    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < drop.len; i++)
      if (!in_list(&p->dropped, drop.items[i])) {
        fprintf(stderr,
                "escape-check: note: %s: dropped option clang does not "
                "know: %s\n",
                s->path, (char *)drop.items[i]);
        vec_push(&p->dropped, must_strdup(drop.items[i]));
      }
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < drop.len; i++)
      free(drop.items[i]);
    vec_free(&drop);
    free(dashed);
    return tu;
  }
  for (int i = 0; i < drop.len; i++)
    free(drop.items[i]);
  vec_free(&drop);
  free(dashed);
  return NULL;
}

static void *worker(void *arg) {
  pool *p = arg;
  CXIndex idx = clang_createIndex(0, 0);
  for (;;) {
    int k = atomic_fetch_add(&p->next, 1);
    if (k >= p->order_len)
      break;
    int i = p->order[k];
    source_file *s = &p->sources->items[i];
    analysis_result *r = &p->results[i];
    unit *u = &p->units[i];
    if (s->failed || r->failed || !p->wanted[i])
      continue;
    progress(p->cfg, 'S', i);
    if (!u->tu)
      u->tu = parse_source(p, idx, s, r);
    if (u->tu) {
      u->path = s->path;
      u->opt = p->cfg->opt;
      u->rank = i;
      lower_unit(u);
    }
    progress(p->cfg, 'D', i);
  }
  // The index outlives this thread: the units parsed with it are solved
  // after the pool ends.
  pthread_mutex_lock(&p->lock);
  vec_push(&p->indexes, idx);
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

static int by_size_descending(const void *a, const void *b, void *arg) {
  const off_t *sizes = arg;
  int x = *(const int *)a, y = *(const int *)b;
  if (sizes[x] != sizes[y])
    return sizes[x] > sizes[y] ? -1 : 1;
  return x - y;
}

// run_pool parses (when not yet parsed) and lowers every wanted source:
// the suspects of an earlier crash first, one at a time, so that a second
// crash names its file; then the rest on cfg->jobs threads.
static void run_pool(pool *p) {
  int n = p->sources->len;
  int *order = must_malloc(n * sizeof(int));
  int k = 0;
  for (int i = 0; i < n; i++)
    if (p->sources->items[i].suspect)
      order[k++] = i;
  int suspects = k;
  for (int i = 0; i < n; i++)
    if (!p->sources->items[i].suspect)
      order[k++] = i;
  // The largest files first, so that no thread is left with a big one at
  // the end while the others wait.
  off_t *sizes = must_malloc((size_t)(n > 0 ? n : 1) * sizeof(off_t));
  for (int i = 0; i < n; i++) {
    struct stat st;
    sizes[i] = stat(p->sources->items[i].path, &st) == 0 ? st.st_size : 0;
  }
  qsort_r(order + suspects, n - suspects, sizeof(int), by_size_descending,
          sizes);
  free(sizes);
  p->order = order;
  if (suspects) {
    p->order_len = suspects;
    atomic_store(&p->next, 0);
    worker(p);
  }
  p->order_len = n;
  atomic_store(&p->next, suspects);
  int jobs = p->cfg->jobs < 1 ? 1 : p->cfg->jobs;
  pthread_t *threads = must_calloc(jobs, sizeof(pthread_t));
  bool *started = must_calloc(jobs, sizeof(bool));
  for (int t = 0; t < jobs; t++) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, (size_t)1 << 30);
    started[t] = pthread_create(&threads[t], &attr, worker, p) == 0;
    pthread_attr_destroy(&attr);
  }
  bool any = false;
  for (int t = 0; t < jobs; t++)
    if (started[t]) {
      pthread_join(threads[t], NULL);
      any = true;
    }
  if (!any)
    worker(p); // no thread could be made: this one does the work
  free(threads);
  free(started);
  free(order);
}

// The files' import graph, for parse_cycles: an edge i -> j when file i's
// verdicts took a function of file j.
typedef struct {
  int n;
  vec *out; // per file: int edges, as (void *)(intptr_t) j
  int *index, *low, *stack;
  bool *on_stack;
  int next, depth;
  int *scc; // per file: its SCC's number
  int nscc;
} file_graph;

static void file_edge(file_graph *g, int i, func *f) {
  if (!f)
    return;
  int j = f->unit ? f->unit->rank : f->rank;
  if (j != i && j >= 0 && j < g->n)
    vec_push(&g->out[i], (void *)(intptr_t)j);
}

static void file_connect(file_graph *g, int v) {
  g->index[v] = g->low[v] = ++g->next;
  g->stack[g->depth++] = v;
  g->on_stack[v] = true;
  for (int k = 0; k < g->out[v].len; k++) {
    int w = (int)(intptr_t)g->out[v].items[k];
    if (!g->index[w]) {
      file_connect(g, w);
      if (g->low[w] < g->low[v])
        g->low[v] = g->low[w];
    } else if (g->on_stack[w] && g->index[w] < g->low[v]) {
      g->low[v] = g->index[w];
    }
  }
  if (g->low[v] != g->index[v])
    return;
  int w;
  do {
    w = g->stack[--g->depth];
    g->on_stack[w] = false;
    g->scc[w] = g->nscc;
  } while (w != v);
  g->nscc++;
}

// parse_cycles makes the cached files of a cross-file cycle to be parsed
// when the cycle also holds a parsed file or an entry written by a --step:
// summaries within a cycle are a fixpoint, and only solving the cycle's
// files together, from "nothing escapes", gives the least one that a run
// from scratch gives (a cached partner's summary may hold a leak that only
// the edited file's old code made). It returns whether it marked any.
static bool parse_cycles(pool *p, program *prog, cache_entry *entries) {
  int n = p->sources->len;
  file_graph g = {.n = n};
  g.out = must_calloc(n, sizeof(vec));
  g.index = must_calloc(n, sizeof(int));
  g.low = must_calloc(n, sizeof(int));
  g.stack = must_calloc(n, sizeof(int));
  g.scc = must_calloc(n, sizeof(int));
  g.on_stack = must_calloc(n, sizeof(bool));
  for (int i = 0; i < n; i++) {
    if (entries[i].valid) {
      for (int k = 0; k < entries[i].imports.len; k++) {
        cache_import *im = entries[i].imports.items[k];
        file_edge(&g, i, program_extern(prog, im->name));
      }
    } else if (p->wanted[i] && p->units[i].tu) {
      unit *u = &p->units[i];
      for (int k = 0; k < u->imports.len; k++)
        file_edge(&g, i, ((import *)u->imports.items[k])->fn);
    }
  }
  for (int i = 0; i < n; i++)
    if (!g.index[i])
      file_connect(&g, i);
  // Per SCC: its size, whether it holds a parsed file or a step's entry.
  int *size = must_calloc(g.nscc, sizeof(int));
  bool *dirty = must_calloc(g.nscc, sizeof(bool));
  for (int i = 0; i < n; i++) {
    size[g.scc[i]]++;
    if ((p->wanted[i] && p->units[i].tu) ||
        (entries[i].valid && !entries[i].exact))
      dirty[g.scc[i]] = true;
  }
  bool marked = false;
  for (int i = 0; i < n; i++)
    if (entries[i].valid && size[g.scc[i]] > 1 && dirty[g.scc[i]]) {
      cache_entry_free(&entries[i]);
      p->wanted[i] = true;
      marked = true;
    }
  for (int i = 0; i < n; i++)
    vec_free(&g.out[i]);
  free(g.out), free(g.index), free(g.low), free(g.stack), free(g.scc);
  free(g.on_stack), free(size), free(dirty);
  return marked;
}

// reset_unit makes a solved unit ready to be lowered again, keeping its
// parse.
static void reset_unit(unit *u) {
  unit keep = *u;
  memset(u, 0, sizeof *u);
  u->tu = keep.tu;
  u->path = keep.path;
  u->opt = keep.opt;
  u->prog = keep.prog;
  u->rank = keep.rank;
}

void analyze_sources(const analysis_config *cfg, source_list *sources,
                     analysis_result *results) {
  int n = sources->len;
  pool p = {.cfg = cfg, .sources = sources, .results = results};
  pthread_mutex_init(&p.lock, NULL);
  p.units = must_calloc(n, sizeof(unit));
  p.wanted = must_calloc(n, sizeof(bool));
  cache_entry *entries = must_calloc(n, sizeof(cache_entry));
  program prog = {0};
  for (int i = 0; i < n; i++) {
    p.units[i].prog = &prog;
    source_file *s = &sources->items[i];
    if (s->failed)
      continue;
    bool cached =
        cache_lookup(cfg->cache, s, cfg->argc, cfg->argv, &entries[i]);
    // A step parses only its own files: the others are what their entries
    // say, or absent.
    p.wanted[i] = !cached && !(cfg->step && s->context);
  }
  // Solve; a cached file whose imports changed is parsed, and the whole
  // program solved again, until every cached file is current.
  for (;;) {
    run_pool(&p);
    for (int i = 0; i < n; i++)
      if (p.wanted[i] && p.units[i].tu)
        vec_push(&prog.units, &p.units[i]);
    for (int i = 0; i < n; i++) {
      for (int k = 0; entries[i].valid && k < entries[i].exports.len; k++) {
        func *f = entries[i].exports.items[k];
        f->rank = i;
        vec_push(&prog.cached, f);
      }
      for (int k = 0; entries[i].valid && k < entries[i].fields.len; k++) {
        field_fact *ff = entries[i].fields.items[k];
        ff->rank = i;
        vec_push(&prog.cached_fields, ff);
      }
    }
    progress(cfg, 'P', prog.units.len);
    solve_program(&prog);
    bool stale = false;
    for (int i = 0; i < n; i++) {
      if (cfg->step && sources->items[i].context)
        continue;          // taken as it is: the next round updates it
      bool needed = false; // it defines a table a parsed unit calls through
      for (int k = 0; k < prog.units.len && entries[i].valid && !needed; k++) {
        unit *u = prog.units.items[k];
        for (int t = 0; t < u->tables_wanted.len && !needed; t++)
          needed =
              cache_entry_defines_table(&entries[i], u->tables_wanted.items[t]);
      }
      if (entries[i].valid &&
          (needed || !cache_entry_current(&prog, &entries[i]))) {
        cache_entry_free(&entries[i]);
        p.wanted[i] = true;
        stale = true;
      }
    }
    if (!cfg->step && parse_cycles(&p, &prog, entries))
      stale = true;
    if (!stale)
      break;
    for (int i = 0; i < n; i++)
      flush_reports(&p.units[i], NULL);
    program_free(&prog);
    for (int i = 0; i < n; i++)
      reset_unit(&p.units[i]);
    vec_free(&prog.units);
    vec_free(&prog.cached);
    vec_free(&prog.cached_fields);
  }
  for (int i = 0; i < n; i++) {
    unit *u = &p.units[i];
    if (entries[i].valid) {
      results[i].reports = entries[i].reports;
      results[i].nreports = entries[i].nreports;
      entries[i].reports = NULL;
      entries[i].nreports = 0;
    } else if (p.wanted[i] && u->tu) {
      results[i].reports = take_reports(u, &results[i].nreports);
      cache_store(cfg->cache, &sources->items[i], cfg->argc, cfg->argv, u,
                  results[i].reports, results[i].nreports, !cfg->step);
    }
    cache_entry_free(&entries[i]);
  }
  program_free(&prog);
  for (int i = 0; i < n; i++)
    if (p.units[i].tu)
      clang_disposeTranslationUnit(p.units[i].tu);
  vec_free(&prog.units);
  vec_free(&prog.cached);
  vec_free(&prog.cached_fields);
  free(entries);
  free(p.units);
  free(p.wanted);
  for (int i = 0; i < p.indexes.len; i++)
    clang_disposeIndex(p.indexes.items[i]);
  vec_free(&p.indexes);
  for (int i = 0; i < p.dropped.len; i++)
    free(p.dropped.items[i]);
  vec_free(&p.dropped);
  pthread_mutex_destroy(&p.lock);
}

// The cache: what a file's analysis produced, kept by content, so that a
// run after an edit parses only what the edit can change.
//
// An entry is to escape-check what an object file is to a build: written
// by the per-file step (parse, lower, solve), read by the final one. It is
// found by a key hashed from everything the per-file step reads that can
// be known before parsing: this executable's own bytes (a rebuilt
// escape-check never reads an older one's entries), the mode (-m level),
// the file's path (reports print it), its arguments, and its contents.
// The entry then lists every file the parse included, with a hash of its
// contents, as ccache's direct mode does; the entry holds only while each
// still hashes the same. It holds:
//
//   - exports: the summary of every function with external linkage the
//     file defines (leaks.c's per-parameter leaks and whether the result
//     may point to memory callers cannot see);
//   - the names of the const tables of functions with external linkage it
//     defines: a parsed file that calls through one needs this file parsed
//     too, since a table's functions may be static; so do the keys of the
//     function-pointer fields it stores static functions into;
//   - its field facts (iface.c): for each function-pointer field it stores
//     into or initializes, the names of the functions, and whether it
//     stores anything else;
//   - imports: every function of another file its calls reached, with a
//     hash of the summary it used, every external name it called that no
//     file defined, and every field it called through ("field:KEY"), with
//     a hash of what the whole program lets the field hold;
//   - its reports, as printed.
//
// An entry is exact when written by a run that analyzed the whole program,
// and not when written by one step of a distributed run (--step), whose
// view of the other files was their entries of the round before.
//
// A run parses the files without a valid entry and gives the others to the
// program as summary-only functions (func.summary_only). After solving, a
// cached file whose imports no longer match what the program now defines
// is stale: it is parsed too, and the program solved again, until none is
// (driver.c). Summaries within a cycle of calls across files are a
// fixpoint, and a cycle's cached summaries may keep a leak that only the
// edited file's old code made; so the cached files of a cycle that holds a
// parsed file, or an entry that is not exact, are parsed too (driver.c's
// parse_cycles). So an edit re-analyzes the edited file, the files whose
// verdicts it changes, transitively, and the files in a cycle of calls
// with it; the results equal a run from scratch.
//
// Across machines the same entries make a distributed build of the
// analysis. Each per-file step (a make -j rule, a distcc job, a Bazel
// action) runs `escape-check --step -p BUILD --cache-dir DIR FILE` with the
// entries of the round before in DIR as its inputs, and writes FILE's
// entry: it parses FILE alone, and the build's other files take part
// through their entries, as they are. Rounds repeat until one writes no
// entry that differs (a file's imports settle from the bottom of the call
// graph up, a round per level: the depth of the cross-file call graph on a
// first build, one or two after an edit). A final run over the whole build
// with the same DIR then reports: it takes every current exact entry,
// parses the files of cross-file cycles that steps left (their least
// fixpoint needs the cycle's files solved together), and whatever is still
// stale. The local run is that protocol with every step in one process and
// no rounds: it holds every file's graph at once.
//
// Entries are written to a temporary file and renamed, so concurrent runs
// sharing a directory never read half an entry; an entry that does not
// parse is ignored. Nothing is ever evicted: remove the directory to trim.
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { FORMAT_VERSION = 2 };

// A 128-bit hash: two FNV-1a-style lanes with different primes and a final
// mix. Not cryptographic; collisions between a user's files are what it
// must avoid.
typedef struct {
  uint64_t a, b;
} hash128;

static void hash_bytes(hash128 *h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h->a = (h->a ^ p[i]) * 0x100000001b3ULL;
    h->b = (h->b ^ p[i]) * 0x9e3779b97f4a7c15ULL;
    h->b ^= h->b >> 29;
  }
}

static void hash_str(hash128 *h, const char *s) {
  hash_bytes(h, s, strlen(s) + 1);
}

static hash128 hash_start(void) {
  return (hash128){0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
}

static void hash_hex(hash128 h, char out[33]) {
  h.a ^= h.b >> 31;
  h.b ^= h.a * 0xff51afd7ed558ccdULL;
  snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.a,
           (unsigned long long)h.b);
}

// Hashes of files already read in this run.
typedef struct {
  char *path;
  char hex[33];
  bool missing;
} file_hash;

struct cache {
  char *dir;
  char tool[33]; // this executable's hash
  int m;
  file_hash *files;
  int nfiles, cap;
  arena arena; // summary-only functions and their names
  unsigned seq;
};

static const char *file_hex(cache *c, const char *path) {
  for (int i = 0; i < c->nfiles; i++)
    if (!strcmp(c->files[i].path, path))
      return c->files[i].missing ? NULL : c->files[i].hex;
  if (c->nfiles == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 256;
    c->files = must_realloc(c->files, c->cap * sizeof(file_hash));
  }
  file_hash *f = &c->files[c->nfiles++];
  f->path = must_strdup(path);
  size_t n;
  char *data = read_whole_file(path, &n);
  f->missing = !data;
  if (data) {
    hash128 h = hash_start();
    hash_bytes(&h, data, n);
    hash_hex(h, f->hex);
    free(data);
  }
  return f->missing ? NULL : f->hex;
}

cache *cache_open(const char *dir, int m) {
  if (!dir)
    return NULL;
  size_t n;
  char *self = read_whole_file("/proc/self/exe", &n);
  if (!self)
    return NULL;
  cache *c = must_calloc(1, sizeof(cache));
  hash128 h = hash_start();
  hash_bytes(&h, self, n);
  free(self);
  CXString v = clang_getClangVersion();
  hash_str(&h, clang_getCString(v));
  clang_disposeString(v);
  hash_hex(h, c->tool);
  c->m = m;
  size_t len = strlen(dir) + 16;
  c->dir = must_malloc(len);
  snprintf(c->dir, len, "%s/v%d", dir, FORMAT_VERSION);
  // Make DIR and DIR/vN; a cache that cannot be made is no cache.
  char *p = must_strdup(c->dir);
  for (char *s = p + 1; *s; s++)
    if (*s == '/') {
      *s = 0;
      mkdir(p, 0777);
      *s = '/';
    }
  mkdir(p, 0777);
  free(p);
  if (access(c->dir, W_OK) != 0) {
    cache_close(c);
    return NULL;
  }
  return c;
}

void cache_close(cache *c) {
  if (!c)
    return;
  for (int i = 0; i < c->nfiles; i++)
    free(c->files[i].path);
  free(c->files);
  free(c->dir);
  arena_free(&c->arena);
  free(c);
}

// entry_path is where s's entry lives: DIR/vN/KEY.
static char *entry_path(cache *c, const source_file *s, int argc,
                        const char *const *argv) {
  const char *content = file_hex(c, s->path);
  if (!content)
    return NULL;
  hash128 h = hash_start();
  char mode[16];
  snprintf(mode, sizeof mode, "m%d", c->m);
  hash_str(&h, c->tool);
  hash_str(&h, mode);
  hash_str(&h, s->path);
  for (int i = 0; i < s->argc; i++)
    hash_str(&h, s->argv[i]);
  hash_str(&h, "--");
  for (int i = 0; i < argc; i++)
    hash_str(&h, argv[i]);
  hash_str(&h, content);
  char hex[33];
  hash_hex(h, hex);
  size_t n = strlen(c->dir) + 40;
  char *path = must_malloc(n);
  snprintf(path, n, "%s/%s", c->dir, hex);
  return path;
}

// Entries are text: a line per item, strings as LENGTH:BYTES.
static void put_str(FILE *f, const char *s) {
  fprintf(f, "%zu:%s", strlen(s), s);
}

// get_str reads a LENGTH:BYTES string at *p into the arena.
static const char *get_str(arena *a, const char **p, const char *end) {
  char *colon;
  unsigned long n = strtoul(*p, &colon, 10);
  if (colon >= end || *colon != ':' || n > (unsigned long)(end - colon - 1))
    return NULL;
  const char *s = arena_strndup(a, colon + 1, n);
  *p = colon + 1 + n;
  return s;
}

// summary_text writes f's summary canonically (what imports hash).
static void summary_text(FILE *out, const func *f) {
  fprintf(out, "F %d %d %d ", f->nparams, f->variadic, f->result_unknown);
  put_str(out, f->name);
  fputc('\n', out);
  for (int i = 0; i <= f->nparams; i++) {
    const leaks *l = &f->summary[i];
    fprintf(out, "L %d %d %d ", l->heap, l->heap_kind, l->result);
    put_str(out, l->heap_name ? l->heap_name : "");
    for (int j = 0; j < MAX_LEAK_PARAMS; j++)
      if (l->content[j] >= 0)
        fprintf(out, " %d=%d", j, l->content[j]);
    fputc('\n', out);
  }
}

// parse_summary reads the F and L lines of one function at *p.
static func *parse_summary(cache *c, const char **p, const char *end) {
  int np, va, ru, used = 0;
  if (sscanf(*p, "F %d %d %d %n", &np, &va, &ru, &used) < 3 || !used ||
      np < 0 || np > 4096)
    return NULL;
  *p += used;
  const char *name = get_str(&c->arena, p, end);
  if (!name || *p >= end || **p != '\n')
    return NULL;
  (*p)++;
  func *f = arena_alloc(&c->arena, sizeof(func));
  f->name = name;
  f->nparams = np;
  f->variadic = va;
  f->result_unknown = ru;
  f->external = true;
  f->summary_only = true;
  f->summary = arena_alloc(&c->arena, (np + 1) * sizeof(leaks));
  for (int i = 0; i <= np; i++) {
    leaks *l = &f->summary[i];
    leaks_init(l);
    int heap, kind, result;
    if (sscanf(*p, "L %d %d %d %n", &heap, &kind, &result, &used) < 3 ||
        kind < 0 || kind >= ESC_KINDS)
      return NULL;
    *p += used;
    l->heap = heap;
    l->heap_kind = kind;
    l->result = result;
    const char *hn = get_str(&c->arena, p, end);
    if (!hn)
      return NULL;
    l->heap_name = *hn ? hn : NULL;
    while (*p < end && **p == ' ') {
      int j, d;
      if (sscanf(*p, " %d=%d%n", &j, &d, &used) < 2 || j < 0 ||
          j >= MAX_LEAK_PARAMS)
        return NULL;
      l->content[j] = d;
      *p += used;
    }
    if (*p >= end || **p != '\n')
      return NULL;
    (*p)++;
  }
  return f;
}

// summary_hex hashes f's summary ("undefined" when f is NULL or has none).
static void summary_hex(const func *f, char out[33]) {
  char *text = NULL;
  size_t n = 0;
  FILE *m = must_open_memstream(&text, &n);
  if (f && f->summary)
    summary_text(m, f);
  else
    fputs("undefined", m);
  fclose(m);
  hash128 h = hash_start();
  hash_bytes(&h, text, n);
  hash_hex(h, out);
  free(text);
}

// A field fact is "K unknown local count KEY", then a line per target:
// "NAME HEX", HEX the hash of its summary when it has internal linkage
// (another file cannot name it), else "-".
static void field_text(FILE *out, const field_fact *ff) {
  bool local = false;
  for (int i = 0; i < ff->set.funcs.len; i++)
    local |= !((func *)ff->set.funcs.items[i])->external;
  for (int i = 0; i < ff->set.bodyless.len; i++)
    local |= clang_getCursorLinkage(*(CXCursor *)ff->set.bodyless.items[i]) !=
             CXLinkage_External;
  fprintf(out, "K %d %d %d ", ff->set.unknown, local,
          ff->set.funcs.len + ff->set.bodyless.len);
  put_str(out, ff->key);
  fputc('\n', out);
  for (int i = 0; i < ff->set.funcs.len; i++) {
    func *f = ff->set.funcs.items[i];
    char hex[33] = "-";
    if (!f->external)
      summary_hex(f, hex);
    put_str(out, f->name);
    fprintf(out, " %s\n", hex);
  }
  for (int i = 0; i < ff->set.bodyless.len; i++) {
    put_str(out, cursor_name(ff->unit, *(CXCursor *)ff->set.bodyless.items[i]));
    fputs(" -\n", out);
  }
}

static bool field_local(const field_fact *ff) {
  for (int i = 0; i < ff->set.funcs.len; i++)
    if (!((func *)ff->set.funcs.items[i])->external)
      return true;
  for (int i = 0; i < ff->set.bodyless.len; i++)
    if (clang_getCursorLinkage(*(CXCursor *)ff->set.bodyless.items[i]) !=
        CXLinkage_External)
      return true;
  return false;
}

static int by_string(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// field_import_text writes what the program lets field key hold, as a
// call through it depends on it: whether it is unknown, and each target
// with the hash of its summary. It reads the same whether the files that
// store into the field were parsed or read from the cache.
static void field_import_text(program *p, const char *key, FILE *out) {
  vec lines = {0};
  bool unknown = false;
  int i = field_first(p, key);
  for (; i >= 0 && i < p->nfields && !strcmp(p->fields[i].key, key); i++) {
    field_fact *ff = p->fields[i].fact;
    unknown |= ff->set.unknown;
    char *text = NULL;
    size_t n = 0;
    FILE *m = must_open_memstream(&text, &n);
    for (int j = 0; j < ff->set.funcs.len; j++) {
      func *f = ff->set.funcs.items[j];
      char hex[33];
      summary_hex(f->external ? program_extern(p, f->name) : f, hex);
      fprintf(m, "%s %s\n", f->name, hex);
    }
    for (int j = 0; j < ff->set.bodyless.len; j++) {
      const char *name =
          cursor_name(ff->unit, *(CXCursor *)ff->set.bodyless.items[j]);
      char hex[33];
      summary_hex(program_extern(p, name), hex);
      fprintf(m, "%s %s\n", name, hex);
    }
    for (int j = 0; j < ff->names.len; j++) {
      const char *name = ff->names.items[j], *local = ff->hexes.items[j];
      char hex[33];
      summary_hex(program_extern(p, name), hex);
      fprintf(m, "%s %s\n", name, strcmp(local, "-") ? local : hex);
    }
    fclose(m);
    // One line per target, so that they sort across facts.
    for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1)
      vec_push(&lines, must_strndup(line, nl - line));
    free(text);
  }
  if (lines.len > 1)
    qsort(lines.items, lines.len, sizeof(void *), by_string);
  fprintf(out, "field %d\n", unknown);
  for (int j = 0; j < lines.len; j++) {
    if (j == 0 || strcmp(lines.items[j - 1], lines.items[j]))
      fprintf(out, "%s\n", (char *)lines.items[j]);
  }
  for (int j = 0; j < lines.len; j++)
    free(lines.items[j]);
  vec_free(&lines);
}

// import_hex hashes what import name means in program p now: a function's
// summary, or a field's fact (iface.c).
static void import_hex(program *p, const char *name, char out[33]) {
  if (strncmp(name, "field:", 6)) {
    summary_hex(program_extern(p, name), out);
    return;
  }
  char *text = NULL;
  size_t n = 0;
  FILE *m = must_open_memstream(&text, &n);
  field_import_text(p, name, m);
  fclose(m);
  hash128 h = hash_start();
  hash_bytes(&h, text, n);
  hash_hex(h, out);
  free(text);
}

static field_fact *parse_field(cache *c, const char **p, const char *end) {
  int unknown, local, n, used = 0;
  if (sscanf(*p, "K %d %d %d %n", &unknown, &local, &n, &used) < 3 || !used ||
      n < 0 || n > 1 << 20)
    return NULL;
  *p += used;
  field_fact *ff = arena_alloc(&c->arena, sizeof(field_fact));
  ff->set.unknown = unknown != 0;
  ff->local = local != 0;
  ff->key = get_str(&c->arena, p, end);
  if (!ff->key || *p >= end || **p != '\n')
    return NULL;
  (*p)++;
  for (int i = 0; i < n; i++) {
    const char *name = get_str(&c->arena, p, end);
    char hex[33];
    int used2 = 0;
    if (!name || sscanf(*p, " %32s%n", hex, &used2) < 1 || !used2 ||
        *p + used2 >= end || (*p)[used2] != '\n') {
      vec_free(&ff->names);
      vec_free(&ff->hexes);
      return NULL;
    }
    *p += used2 + 1;
    vec_push(&ff->names, (void *)name);
    vec_push(&ff->hexes, arena_strdup(&c->arena, hex));
  }
  return ff;
}

bool cache_lookup(cache *c, const source_file *s, int argc,
                  const char *const *argv, cache_entry *e) {
  memset(e, 0, sizeof *e);
  if (!c)
    return false;
  char *path = entry_path(c, s, argc, argv);
  if (!path)
    return false;
  size_t size;
  char *text = read_whole_file(path, &size);
  free(path);
  if (!text)
    return false;
  const char *p = text, *end = text + size;
  bool ok = false;
  char hex[33];
  int n, used;
  // Includes: each must hash as it did.
  if (sscanf(p, "escape-check entry %*d\nincludes %d\n%n", &n, &used) < 1 ||
      !used)
    goto done;
  p += used;
  for (int i = 0; i < n; i++) {
    if (sscanf(p, "%32s %n", hex, &used) < 1)
      goto done;
    p += used;
    arena_mark mark = arena_top(&c->arena);
    const char *inc = get_str(&c->arena, &p, end);
    if (!inc || p >= end || *p != '\n')
      goto done;
    p++;
    const char *now = file_hex(c, inc);
    arena_release(&c->arena, mark);
    if (!now || strcmp(now, hex))
      goto done;
  }
  int exact;
  if (sscanf(p, "exact %d\nexports %d\n%n", &exact, &n, &used) < 2 || !used)
    goto done;
  e->exact = exact != 0;
  p += used;
  for (int i = 0; i < n; i++) {
    func *f = parse_summary(c, &p, end);
    if (!f)
      goto done;
    vec_push(&e->exports, f);
  }
  if (sscanf(p, "tables %d\n%n", &n, &used) < 1 || !used)
    goto done;
  p += used;
  for (int i = 0; i < n; i++) {
    const char *name = get_str(&c->arena, &p, end);
    if (!name || p >= end || *p != '\n')
      goto done;
    p++;
    vec_push(&e->tables, (void *)name);
  }
  if (sscanf(p, "fields %d\n%n", &n, &used) < 1 || !used)
    goto done;
  p += used;
  for (int i = 0; i < n; i++) {
    field_fact *ff = parse_field(c, &p, end);
    if (!ff)
      goto done;
    vec_push(&e->fields, ff);
  }
  if (sscanf(p, "imports %d\n%n", &n, &used) < 1 || !used)
    goto done;
  p += used;
  for (int i = 0; i < n; i++) {
    if (sscanf(p, "I %32s %n", hex, &used) < 1)
      goto done;
    p += used;
    const char *name = get_str(&c->arena, &p, end);
    if (!name || p >= end || *p != '\n')
      goto done;
    p++;
    cache_import *im = arena_alloc(&c->arena, sizeof(cache_import));
    im->name = name;
    memcpy(im->hex, hex, 33);
    vec_push(&e->imports, im);
  }
  if (sscanf(p, "reports %d\n%n", &n, &used) < 1 || !used)
    goto done;
  p += used;
  e->reports = must_calloc(n, sizeof(report));
  for (int i = 0; i < n; i++) {
    unsigned line, col;
    unsigned long len;
    if (sscanf(p, "R %u %u %lu\n%n", &line, &col, &len, &used) < 3 || !used ||
        len > (unsigned long)(end - p - used))
      goto done;
    p += used;
    char *t = must_malloc(len + 1);
    memcpy(t, p, len);
    t[len] = 0;
    p += len;
    e->reports[e->nreports++] = (report){line, col, i, t, 0};
  }
  ok = p == end;
done:
  free(text);
  if (!ok)
    cache_entry_free(e);
  e->valid = ok;
  return ok;
}

void cache_entry_free(cache_entry *e) {
  for (int i = 0; i < e->nreports; i++)
    free(e->reports[i].text);
  free(e->reports);
  vec_free(&e->exports);
  vec_free(&e->tables);
  for (int i = 0; i < e->fields.len; i++) {
    vec_free(&((field_fact *)e->fields.items[i])->names);
    vec_free(&((field_fact *)e->fields.items[i])->hexes);
  }
  vec_free(&e->fields);
  vec_free(&e->imports);
  memset(e, 0, sizeof *e);
}

bool cache_entry_current(program *p, const cache_entry *e) {
  for (int i = 0; i < e->imports.len; i++) {
    const cache_import *im = e->imports.items[i];
    char hex[33];
    import_hex(p, im->name, hex);
    if (strcmp(hex, im->hex))
      return false;
  }
  return true;
}

bool cache_entry_defines_table(const cache_entry *e, const char *name) {
  for (int i = 0; i < e->tables.len; i++)
    if (!strcmp(e->tables.items[i], name))
      return true;
  return false;
}

static void write_include(CXFile included, CXSourceLocation *stack,
                          unsigned depth, CXClientData data) {
  void **env = data;
  cache *c = env[0];
  FILE *out = env[1];
  int *count = env[2];
  CXString name = clang_getFileName(included);
  const char *path = clang_getCString(name);
  const char *hex = path ? file_hex(c, path) : NULL;
  if (hex && depth > 0) { // depth 0 is the file itself, hashed in the key
    fprintf(out, "%s ", hex);
    put_str(out, path);
    fputc('\n', out);
    (*count)++;
  } else if (!hex) {
    *count = -1000000; // a file that cannot be read again: no entry
  }
  clang_disposeString(name);
}

static int by_name(const void *a, const void *b) {
  const import *x = *(import *const *)a, *y = *(import *const *)b;
  return strcmp(x->name, y->name);
}

void cache_store(cache *c, const source_file *s, int argc,
                 const char *const *argv, unit *u, const report *reports,
                 int nreports, bool exact) {
  if (!c)
    return;
  char *path = entry_path(c, s, argc, argv);
  if (!path)
    return;
  char *incs = NULL, *body = NULL;
  size_t nincs = 0, nbody = 0;
  FILE *fi = must_open_memstream(&incs, &nincs);
  int count = 0;
  void *env[3] = {c, fi, &count};
  clang_getInclusions(u->tu, write_include, env);
  fclose(fi);
  FILE *f = must_open_memstream(&body, &nbody);
  int nexports = 0;
  for (int i = 0; i < u->all_funcs.len; i++) {
    func *fn = u->all_funcs.items[i];
    nexports += fn->external && fn->summary;
  }
  fprintf(f, "exact %d\nexports %d\n", exact, nexports);
  for (int i = 0; i < u->all_funcs.len; i++) {
    func *fn = u->all_funcs.items[i];
    if (fn->external && fn->summary)
      summary_text(f, fn);
  }
  int ntables = 0;
  for (int i = 0; i < u->table_list.len; i++)
    ntables += ((fn_table *)u->table_list.items[i])->external;
  for (int i = 0; i < u->field_list.len; i++)
    ntables += field_local(u->field_list.items[i]);
  fprintf(f, "tables %d\n", ntables);
  for (int i = 0; i < u->table_list.len; i++) {
    fn_table *t = u->table_list.items[i];
    if (t->external) {
      put_str(f, t->name);
      fputc('\n', f);
    }
  }
  for (int i = 0; i < u->field_list.len; i++) {
    field_fact *ff = u->field_list.items[i];
    if (field_local(ff)) {
      put_str(f, ff->key);
      fputc('\n', f);
    }
  }
  fprintf(f, "fields %d\n", u->field_list.len);
  for (int i = 0; i < u->field_list.len; i++)
    field_text(f, u->field_list.items[i]);
  // Imports, one per name.
  vec sorted = {0};
  for (int i = 0; i < u->imports.len; i++)
    vec_push(&sorted, u->imports.items[i]);
  if (sorted.len > 1)
    qsort(sorted.items, sorted.len, sizeof(void *), by_name);
  int nimports = 0;
  for (int i = 0; i < sorted.len; i++)
    nimports += i == 0 || by_name(&sorted.items[i - 1], &sorted.items[i]);
  fprintf(f, "imports %d\n", nimports);
  for (int i = 0; i < sorted.len; i++) {
    if (i > 0 && !by_name(&sorted.items[i - 1], &sorted.items[i]))
      continue;
    import *im = sorted.items[i];
    char hex[33];
    import_hex(u->prog, im->name, hex);
    fprintf(f, "I %s ", hex);
    put_str(f, im->name);
    fputc('\n', f);
  }
  vec_free(&sorted);
  fprintf(f, "reports %d\n", nreports);
  for (int i = 0; i < nreports; i++)
    fprintf(f, "R %u %u %zu\n%s", reports[i].line, reports[i].col,
            strlen(reports[i].text), reports[i].text);
  fclose(f);
  if (count >= 0) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d.%u", path, (int)getpid(), c->seq++);
    FILE *out = fopen(tmp, "w");
    if (out) {
      fprintf(out, "escape-check entry %d\nincludes %d\n", FORMAT_VERSION,
              count);
      fwrite(incs, 1, nincs, out);
      fwrite(body, 1, nbody, out);
      if (fclose(out) == 0 && rename(tmp, path) == 0) {
        // written
      } else {
        unlink(tmp);
      }
    }
  }
  free(incs);
  free(body);
  free(path);
}

const char *cache_default_dir(void) {
  static char buf[4096];
  const char *env = getenv("ESCAPE_CHECK_CACHE");
  if (env)
    return *env && strcmp(env, "off") ? env : NULL;
  const char *xdg = getenv("XDG_CACHE_HOME");
  if (xdg && *xdg) {
    snprintf(buf, sizeof buf, "%s/escape-check", xdg);
    return buf;
  }
  const char *home = getenv("HOME");
  if (!home || !*home)
    return NULL;
  snprintf(buf, sizeof buf, "%s/.cache/escape-check", home);
  return buf;
}

// Which warnings are shown: the -W switches, inline suppressions, the
// baseline, and the summary line that counts them.
//
// -Wno-escape-KIND turns one kind off, -Wescape-KIND back on, -Wno-escape
// and -Wescape all of them; the last switch for a kind wins, as in GCC.
// -Werror prints each warning as an error, as clang does
// ("error: ... [-Werror,-Wescape-return]").
//
// A warning is suppressed by a comment on its line or on the line before,
// read from the file as it is on disk:
//
//     return &x; // NOLINT(escape-return)       clang-tidy's forms: NOLINT,
//     // NOLINTNEXTLINE(escape-*)               NOLINT(list), NOLINTNEXTLINE
//     return &x; // escape-check: ignore[return]   this tool's own form
//
// A list holds globs over check names (escape-return, escape-*, *), as
// clang-tidy's does; NOLINT without a list suppresses everything. The
// project's own form takes kinds (ignore[return,call]), or none for all,
// and applies to its line and the next.
//
// A baseline records warnings as "FILE<TAB>KIND<TAB>MESSAGE" lines, without
// line numbers, so that it survives edits elsewhere in the file; --baseline
// hides as many of each as it records (a multiset), so a second copy of a
// recorded warning is new. -m's remarks are never filtered.
#include "escape.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

void filter_init(filter_config *f) {
  memset(f, 0, sizeof *f);
  for (int k = 0; k < ESC_KINDS; k++)
    f->enabled[k] = true;
}

void filter_free(filter_config *f) { (void)f; }

const char *filter_flag(filter_config *f, const char *flag) {
  static char err[256];
  if (!strcmp(flag, "-Werror")) {
    f->werror = true;
    return NULL;
  }
  if (!strcmp(flag, "-Wno-error")) {
    f->werror = false;
    return NULL;
  }
  bool on = strncmp(flag, "-Wno-", 5) != 0;
  const char *name = flag + (on ? 2 : 5);
  if (!strcmp(name, "escape")) {
    for (int k = 1; k < ESC_KINDS; k++)
      f->enabled[k] = on;
    return NULL;
  }
  escape_kind kind;
  if (!strncmp(name, "escape-", 7) && escape_kind_parse(name + 7, &kind) &&
      kind != ESC_NONE) {
    f->enabled[kind] = on;
    return NULL;
  }
  snprintf(err, sizeof err,
           "unknown warning option '%s' (the kinds: return, global, heap, "
           "param, call, thread, scope)",
           flag);
  return err;
}

// A file's lines, kept while its warnings are checked.
typedef struct {
  char *path;
  char *text;
  size_t size;
} file_text;

static void load(file_text *t, const char *path) {
  if (t->path && !strcmp(t->path, path))
    return;
  free(t->text);
  free(t->path);
  t->text = NULL;
  t->size = 0;
  t->path = must_strdup(path);
  t->text = read_whole_file(path, &t->size);
}

// line_of returns line n (1-based) of t, with its length in *len.
static const char *line_of(const file_text *t, unsigned n, size_t *len) {
  if (!t->text || n == 0)
    return NULL;
  const char *p = t->text, *end = t->text + t->size;
  for (unsigned i = 1; i < n; i++) {
    p = memchr(p, '\n', end - p);
    if (!p)
      return NULL;
    p++;
  }
  const char *nl = memchr(p, '\n', end - p);
  *len = (nl ? nl : end) - p;
  return p;
}

// find returns the first occurrence of word in the line, or NULL.
static const char *find(const char *line, size_t len, const char *word) {
  size_t n = strlen(word);
  for (size_t i = 0; i + n <= len; i++)
    if (!memcmp(line + i, word, n))
      return line + i;
  return NULL;
}

// list_matches reads "(a,b,...)" at p (up to end) and says whether one of
// its globs matches check; a missing list matches everything.
static bool list_matches(const char *p, const char *end, const char *check) {
  if (p >= end || *p != '(')
    return true;
  const char *close = memchr(p, ')', end - p);
  if (!close)
    return false;
  p++;
  while (p < close) {
    while (p < close && (*p == ' ' || *p == ','))
      p++;
    const char *q = p;
    while (q < close && *q != ',' && *q != ' ')
      q++;
    if (q > p) {
      char glob[128];
      snprintf(glob, sizeof glob, "%.*s", (int)(q - p), p);
      if (!fnmatch(glob, check, 0))
        return true;
    }
    p = q;
  }
  return false;
}

// nolint says whether a NOLINT-style marker in line suppresses check.
static bool nolint(const char *line, size_t len, const char *marker,
                   const char *check) {
  const char *end = line + len;
  for (const char *p = line; (p = find(p, end - p, marker));) {
    const char *after = p + strlen(marker);
    // NOLINT must not be the start of NOLINTNEXTLINE or NOLINTBEGIN.
    if (!strcmp(marker, "NOLINT") && after < end && *after >= 'A' &&
        *after <= 'Z') {
      p = after;
      continue;
    }
    if (list_matches(after, end, check))
      return true;
    p = after;
  }
  return false;
}

// own_form says whether "escape-check: ignore[kinds]" in line covers kind.
static bool own_form(const char *line, size_t len, const char *kind) {
  const char *end = line + len;
  const char *p = find(line, len, "escape-check: ignore");
  if (!p)
    return false;
  p += strlen("escape-check: ignore");
  if (p >= end || *p != '[')
    return true;
  const char *close = memchr(p, ']', end - p);
  if (!close)
    return false;
  size_t k = strlen(kind);
  for (p++; p < close;) {
    while (p < close && (*p == ' ' || *p == ','))
      p++;
    const char *q = p;
    while (q < close && *q != ',' && *q != ' ')
      q++;
    if ((size_t)(q - p) == k && !memcmp(p, kind, k))
      return true;
    p = q;
  }
  return false;
}

static bool suppressed(file_text *t, const diag *d) {
  load(t, d->file);
  const char *kind = escape_kind_name(d->kind);
  char check[64];
  snprintf(check, sizeof check, "escape-%s", kind);
  size_t len;
  const char *line = line_of(t, d->line, &len);
  if (line && (nolint(line, len, "NOLINT", check) || own_form(line, len, kind)))
    return true;
  const char *prev = d->line > 1 ? line_of(t, d->line - 1, &len) : NULL;
  return prev && (nolint(prev, len, "NOLINTNEXTLINE", check) ||
                  own_form(prev, len, kind));
}

// A baseline entry: file, kind and message, with how many remain unmatched.
typedef struct {
  char *key;
  int count;
} entry;

static char *key_of(const diag *d) {
  size_t n = strlen(d->file) + strlen(d->message) + 32;
  char *k = must_malloc(n);
  snprintf(k, n, "%s\t%s\t%s", d->file, escape_kind_name(d->kind), d->message);
  for (char *p = k; *p; p++)
    if (*p == '\n')
      *p = ' ';
  return k;
}

static int by_key(const void *a, const void *b) {
  return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

// read_baseline reads path into a sorted table; -1 if it cannot be read.
static int read_baseline(const char *path, entry **out, int *n) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "escape-check: error: --baseline %s: %s\n", path,
            strerror(errno));
    return -1;
  }
  entry *e = NULL;
  int len = 0, cap = 0;
  char *line = NULL;
  size_t lcap = 0;
  ssize_t r;
  int lineno = 0;
  while ((r = getline(&line, &lcap, f)) > 0) {
    lineno++;
    if (line[r - 1] == '\n')
      line[--r] = 0;
    if (!r || line[0] == '#')
      continue;
    char *tab = strchr(line, '\t');
    if (!tab || !strchr(tab + 1, '\t')) {
      fprintf(stderr,
              "escape-check: error: %s:%d: not a baseline line "
              "(FILE<TAB>KIND<TAB>MESSAGE)\n",
              path, lineno);
      free(line);
      for (int i = 0; i < len; i++)
        free(e[i].key);
      free(e);
      fclose(f);
      return -1;
    }
    if (len == cap) {
      cap = cap ? 2 * cap : 64;
      e = must_realloc(e, cap * sizeof(entry));
    }
    e[len++] = (entry){must_strdup(line), 1};
  }
  free(line);
  fclose(f);
  if (len)
    qsort(e, len, sizeof(entry), by_key);
  // Merge duplicates into counts.
  int kept = 0;
  for (int i = 0; i < len; i++) {
    if (kept && !strcmp(e[kept - 1].key, e[i].key)) {
      e[kept - 1].count++;
      free(e[i].key);
    } else {
      e[kept++] = e[i];
    }
  }
  *out = e;
  *n = kept;
  return 0;
}

static void drop(file_result *f, int k) {
  diag_free(&f->diags[k]);
  memmove(&f->diags[k], &f->diags[k + 1], (f->ndiags - k - 1) * sizeof(diag));
  f->ndiags--;
}

// as_error rewrites d's text as clang prints a warning under -Werror.
static void as_error(diag *d) {
  const char *w = strstr(d->text, ": warning: ");
  const char *flag = strstr(d->text, " [-Wescape-");
  if (!w || !flag)
    return;
  textbuf b = {0};
  textbuf_printf(&b, "%.*s: error: %.*s [-Werror,%s", (int)(w - d->text),
                 d->text, (int)(flag - (w + 11)), w + 11, flag + 2);
  free(d->text);
  d->text = b.data;
}

int filter_apply(const filter_config *cfg, int m, file_result *files, int n,
                 filter_stats *stats) {
  entry *base = NULL;
  int nbase = 0;
  if (cfg->baseline && read_baseline(cfg->baseline, &base, &nbase) != 0)
    return 2;
  FILE *out = NULL;
  if (cfg->write_baseline) {
    out = fopen(cfg->write_baseline, "w");
    if (!out) {
      fprintf(stderr, "escape-check: error: --write-baseline %s: %s\n",
              cfg->write_baseline, strerror(errno));
      for (int i = 0; i < nbase; i++)
        free(base[i].key);
      free(base);
      return 2;
    }
    fputs("# escape-check baseline: FILE<TAB>KIND<TAB>MESSAGE, one line per "
          "warning\n",
          out);
  }
  file_text t = {0};
  for (int i = 0; i < n; i++) {
    file_result *f = &files[i];
    for (int k = 0; k < f->ndiags;) {
      diag *d = &f->diags[k];
      if (m || !d->warning) {
        stats->remarks += m != 0;
        k++;
        continue;
      }
      if (!cfg->enabled[d->kind]) {
        stats->disabled++;
        drop(f, k);
        continue;
      }
      if (suppressed(&t, d)) {
        stats->suppressed++;
        drop(f, k);
        continue;
      }
      char *key = key_of(d);
      if (out)
        fprintf(out, "%s\n", key);
      entry probe = {key, 0};
      entry *e =
          nbase ? bsearch(&probe, base, nbase, sizeof(entry), by_key) : NULL;
      free(key);
      if (e && e->count > 0) {
        e->count--;
        stats->baseline++;
        drop(f, k);
        continue;
      }
      stats->warnings++;
      stats->by_kind[d->kind]++;
      if (cfg->werror)
        as_error(d);
      k++;
    }
  }
  free(t.text);
  free(t.path);
  for (int i = 0; i < nbase; i++)
    free(base[i].key);
  free(base);
  if (out && fclose(out) != 0) {
    fprintf(stderr, "escape-check: error: --write-baseline %s: %s\n",
            cfg->write_baseline, strerror(errno));
    return 2;
  }
  return 0;
}

void filter_summary(FILE *out, const filter_stats *s, int files, int failed,
                    double seconds) {
  textbuf b = {0};
  textbuf_printf(&b, "escape-check: %d file%s", files, files == 1 ? "" : "s");
  if (s->remarks) {
    textbuf_printf(&b, ", %d decision%s", s->remarks,
                   s->remarks == 1 ? "" : "s");
  } else {
    textbuf_printf(&b, ", %d warning%s", s->warnings,
                   s->warnings == 1 ? "" : "s");
    const char *sep = " (";
    for (int k = 1; k < ESC_KINDS; k++)
      if (s->by_kind[k]) {
        textbuf_printf(&b, "%s%d %s", sep, s->by_kind[k], escape_kind_name(k));
        sep = ", ";
      }
    if (strcmp(sep, " ("))
      textbuf_printf(&b, ")");
  }
  if (s->suppressed)
    textbuf_printf(&b, ", %d suppressed", s->suppressed);
  if (s->disabled)
    textbuf_printf(&b, ", %d disabled by -Wno-escape", s->disabled);
  if (s->baseline)
    textbuf_printf(&b, ", %d in the baseline", s->baseline);
  if (failed)
    textbuf_printf(&b, ", %d file%s could not be analyzed", failed,
                   failed == 1 ? "" : "s");
  textbuf_printf(&b, ", %.2f s\n", seconds);
  fputs(b.data, out);
  textbuf_free(&b);
}

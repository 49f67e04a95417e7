// Small containers the analyzer is built from.
//
// Everything a translation unit allocates lives in one arena, freed when the
// unit is done: locations, edges' notes, cursor arrays. Growable arrays
// (vec, textbuf, a location's edge list) use realloc because they grow one
// element at a time. The cursor map keys libclang cursors by
// clang_hashCursor and compares with clang_equalCursors, so that a
// declaration found through clang_getCursorReferenced maps to the location
// created when the declaration was lowered. run_deep gives the analysis
// the deep stack its recursion over the AST needs.
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { CHUNK = 1 << 20 };

_Noreturn void out_of_memory(void) {
  static const char msg[] = "escape-check: fatal error: out of memory\n";
  if (write(2, msg, sizeof msg - 1) < 0) {
  }
  abort();
}

void *must_realloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    out_of_memory();
  return q;
}

void *must_malloc(size_t n) { return must_realloc(NULL, n); }

void *must_calloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p)
    out_of_memory();
  return p;
}

char *must_strndup(const char *s, size_t n) {
  n = strnlen(s, n);
  char *p = must_malloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *must_strdup(const char *s) { return must_strndup(s, strlen(s)); }

FILE *must_open_memstream(char **text, size_t *len) {
  FILE *f = open_memstream(text, len);
  if (!f)
    out_of_memory();
  return f;
}

char *read_whole_file(const char *path, size_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return NULL;
  }
  size_t cap = st.st_size + 1, n = 0;
  char *buf = must_realloc(NULL, cap);
  for (;;) {
    if (n == cap - 1) {
      cap *= 2;
      buf = must_realloc(buf, cap);
    }
    ssize_t r = read(fd, buf + n, cap - 1 - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    n += r;
  }
  close(fd);
  buf[n] = 0;
  *size = n;
  return buf;
}

void *arena_alloc(arena *a, size_t size) {
  size = (size + 15) & ~(size_t)15;
  if (!a->chunk || a->used + size > a->cap) {
    size_t cap = size + 16 > CHUNK ? size + 16 : CHUNK;
    char *c = must_realloc(NULL, cap);
    *(char **)c = a->chunk;   // header: the previous chunk,
    *(size_t *)(c + 8) = cap; // and this chunk's size
    a->chunk = c;
    a->used = 16;
    a->cap = cap;
  }
  void *p = a->chunk + a->used;
  a->used += size;
  memset(p, 0, size);
  return p;
}

arena_mark arena_top(arena *a) { return (arena_mark){a->chunk, a->used}; }

void arena_release(arena *a, arena_mark m) {
  while (a->chunk && a->chunk != m.chunk) {
    char *next = *(char **)a->chunk;
    free(a->chunk);
    a->chunk = next;
  }
  if (a->chunk) {
    a->used = m.used;
    a->cap = *(size_t *)(a->chunk + 8);
  } else {
    a->used = a->cap = 0;
  }
}

char *arena_strndup(arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *arena_strdup(arena *a, const char *s) {
  return arena_strndup(a, s, strlen(s));
}

void arena_free(arena *a) {
  while (a->chunk) {
    char *next = *(char **)a->chunk;
    free(a->chunk);
    a->chunk = next;
  }
  a->used = a->cap = 0;
}

void textbuf_printf(textbuf *b, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0)
      return;
    if ((size_t)n < room) {
      b->len += n;
      return;
    }
    b->cap = (b->cap + n + 1) * 2;
    b->data = must_realloc(b->data, b->cap);
  }
}

void textbuf_free(textbuf *b) {
  free(b->data);
  *b = (textbuf){0};
}

void vec_push(vec *v, void *item) {
  if (v->len == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 4;
    v->items = must_realloc(v->items, v->cap * sizeof(void *));
  }
  v->items[v->len++] = item;
}

void vec_free(vec *v) {
  free(v->items);
  *v = (vec){0};
}

struct cursor_map_slot {
  unsigned hash;
  bool used;
  CXCursor key;
  void *value;
};

static struct cursor_map_slot *find_slot(cursor_map *m, CXCursor c,
                                         unsigned h) {
  size_t mask = m->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    struct cursor_map_slot *s = &m->slots[i];
    if (!s->used || (s->hash == h && clang_equalCursors(s->key, c)))
      return s;
  }
}

void *cursor_map_get(cursor_map *m, CXCursor c) {
  if (!m->cap)
    return NULL;
  struct cursor_map_slot *s = find_slot(m, c, clang_hashCursor(c));
  return s->used ? s->value : NULL;
}

static void grow(cursor_map *m) {
  cursor_map old = *m;
  m->cap = old.cap ? old.cap * 2 : 64;
  m->slots = must_realloc(NULL, m->cap * sizeof(*m->slots));
  memset(m->slots, 0, m->cap * sizeof(*m->slots));
  m->len = 0;
  for (size_t i = 0; i < old.cap; i++)
    if (old.slots[i].used)
      cursor_map_put(m, old.slots[i].key, old.slots[i].value);
  free(old.slots);
}

void cursor_map_put(cursor_map *m, CXCursor c, void *value) {
  if ((m->len + 1) * 2 > m->cap)
    grow(m);
  unsigned h = clang_hashCursor(c);
  struct cursor_map_slot *s = find_slot(m, c, h);
  if (!s->used) {
    s->used = true;
    s->hash = h;
    s->key = c;
    m->len++;
  }
  s->value = value;
}

void cursor_map_free(cursor_map *m) {
  free(m->slots);
  *m = (cursor_map){0};
}

typedef struct {
  CXCursor *items;
  int len, cap;
  CXCursor small[16];
} child_list;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent,
                                       CXClientData data) {
  child_list *l = data;
  if (l->len == l->cap) {
    int cap = l->cap * 2;
    CXCursor *items = must_realloc(l->items == l->small ? NULL : l->items,
                                   cap * sizeof(CXCursor));
    if (l->items == l->small)
      memcpy(items, l->small, sizeof(l->small));
    l->items = items;
    l->cap = cap;
  }
  l->items[l->len++] = c;
  return CXChildVisit_Continue;
}

CXCursor *cursor_children(arena *a, CXCursor c, int *n) {
  child_list l = {.cap = 16};
  l.items = l.small;
  clang_visitChildren(c, collect, &l);
  size_t size = (l.len ? l.len : 1) * sizeof(CXCursor);
  CXCursor *out = arena_alloc(a, size);
  memcpy(out, l.items, l.len * sizeof(CXCursor));
  if (l.items != l.small)
    free(l.items);
  *n = l.len;
  return out;
}

const char *cursor_name(unit *u, CXCursor c) {
  CXString s = clang_getCursorSpelling(c);
  const char *n = clang_getCString(s);
  char *out = arena_strdup(&u->arena, n && *n ? n : "?");
  clang_disposeString(s);
  return out;
}

const char *cursor_text(unit *u, CXCursor c, size_t max) {
  CXSourceRange r = clang_getCursorExtent(c);
  CXFile f1, f2;
  unsigned b, e;
  clang_getExpansionLocation(clang_getRangeStart(r), &f1, NULL, NULL, &b);
  clang_getExpansionLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &e);
  if (!f1 || !clang_File_isEqual(f1, f2) || e <= b) {
    // Inside a macro's argument the expansion collapses to the macro's
    // name; where the text was written is the spelling location.
    clang_getSpellingLocation(clang_getRangeStart(r), &f1, NULL, NULL, &b);
    clang_getSpellingLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &e);
    if (!f1 || !clang_File_isEqual(f1, f2) || e <= b)
      return "";
  }
  size_t size;
  const char *text =
      clang_getFileContents(clang_Cursor_getTranslationUnit(c), f1, &size);
  if (!text || e > size)
    return "";
  // Past max bytes only the fact that there are more matters: copying the
  // rest would make a report on each level of a nested expression cost the
  // whole expression.
  size_t room = max && e - b > max + 1 ? max + 1 : e - b;
  char *out = arena_alloc(&u->arena, room + 4);
  size_t n = 0;
  bool space = false;
  for (unsigned i = b; i < e && n < room; i++) {
    char ch = text[i];
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      space = n > 0;
      continue;
    }
    if (space)
      out[n++] = ' ';
    space = false;
    out[n++] = ch;
  }
  out[n] = 0;
  if (max && n > max)
    strcpy(out + max - 3, "...");
  return out;
}

CXCursor *unit_children(unit *u, CXCursor c, int *n) {
  // A statement's cursor is {parent, Stmt*, TU}, a declaration's
  // {Decl*, flag, TU}: both words make the key.
  uintptr_t k = (uintptr_t)c.data[0] ^ (uintptr_t)c.data[1];
  struct children_memo *m = &u->memo[((k >> 4) ^ (k >> 13) ^ c.kind) & 511];
  if (m->gen == u->memo_gen && m->kids && m->key0 == c.data[0] &&
      m->key1 == c.data[1] && m->kind == (int)c.kind) {
    *n = m->n;
    return m->kids;
  }
  CXCursor *kids = cursor_children(&u->scratch, c, n);
  *m = (struct children_memo){c.data[0], c.data[1],   c.kind,
                              *n,        u->memo_gen, kids};
  return kids;
}

void unit_children_reset(unit *u) { u->memo_gen++; }

typedef struct {
  int (*fn)(int, char **);
  int argc;
  char **argv;
  int status;
} deep_job;

static void *run_deep_job(void *arg) {
  deep_job *j = arg;
  j->status = j->fn(j->argc, j->argv);
  return NULL;
}

int run_deep(int (*fn)(int, char **), int argc, char **argv) {
  // libclang parses on a thread of its own with an 8 MB stack, which a
  // 30,000-arm else-if chain overflows; parse on ours instead (libclang's
  // crash recovery still applies).
  setenv("LIBCLANG_NOTHREADS", "1", 1);
  deep_job j = {fn, argc, argv, 0};
  pthread_attr_t attr;
  pthread_t t;
  if (pthread_attr_init(&attr) == 0 &&
      pthread_attr_setstacksize(&attr, (size_t)1 << 30) == 0 &&
      pthread_create(&t, &attr, run_deep_job, &j) == 0) {
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    return j.status;
  }
  return fn(argc, argv);
}

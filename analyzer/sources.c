// Finding the files to analyze under the paths a user names.
//
// A path is a C file or a directory searched recursively for *.c files, in
// sorted order. The walk must end and must not block whatever the tree
// holds: a directory is entered once however many symlinks lead to it (the
// device and inode of every directory entered are remembered, so a link to
// `.` or to an ancestor is a loop, said once and skipped); only regular
// files are opened, so a FIFO or a device named as a path is refused with
// its reason instead of blocking the run; `-` is a file named "-", never
// standard input. Everything that cannot be read, from a dangling symlink
// to a directory without permission, becomes a source with an error, so it
// is reported and counted as a file that could not be analyzed (exit 3),
// while the others are still analyzed. Names starting with `.` are skipped
// inside directories (.git, build trees such as .cache), not when named.
#include "escape.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = must_malloc(n);
  bool slash = dir[0] && dir[strlen(dir) - 1] == '/';
  snprintf(p, n, slash ? "%s%s" : "%s/%s", dir, name);
  return p;
}

static source_file *add_source(source_list *l, const char *path) {
  if (l->len == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 64;
    l->items = must_realloc(l->items, l->cap * sizeof(source_file));
  }
  source_file *s = &l->items[l->len++];
  memset(s, 0, sizeof *s);
  s->path = must_strdup(path);
  return s;
}

void source_fail(source_file *s, const char *fmt, const char *arg) {
  char buf[1024];
  snprintf(buf, sizeof buf, fmt, arg);
  free(s->error);
  s->error = must_strdup(buf);
  s->failed = true;
}

bool excluded(const vec *globs, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *rel = !strncmp(path, "./", 2) ? path + 2 : path;
  for (int i = 0; i < globs->len; i++) {
    const char *g = globs->items[i];
    if (!fnmatch(g, path, 0) || !fnmatch(g, rel, 0) || !fnmatch(g, base, 0))
      return true;
    // A directory pattern excludes what is under it: "third_party" and
    // "third_party/" both exclude third_party/zlib/inflate.c.
    size_t n = strlen(g);
    while (n > 1 && g[n - 1] == '/')
      n--;
    if (!strncmp(rel, g, n) && rel[n] == '/' && !strpbrk(g, "*?["))
      return true;
  }
  return false;
}

static int by_string(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

bool is_c_file(const char *name) {
  size_t n = strlen(name);
  return n > 2 && !strcmp(name + n - 2, ".c");
}

// The directories entered on the way down, to refuse a loop.
typedef struct {
  dev_t dev[256];
  ino_t ino[256];
  int depth;
} walk_stack;

static void walk(source_list *out, const char *dir, const vec *globs,
                 walk_stack *seen) {
  DIR *d = opendir(dir);
  if (!d) {
    source_fail(add_source(out, dir), "cannot open directory: %s",
                strerror(errno));
    return;
  }
  vec names = {0};
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.')
      vec_push(&names, join(dir, e->d_name));
  closedir(d);
  if (names.len > 1)
    qsort(names.items, names.len, sizeof(char *), by_string);
  for (int i = 0; i < names.len; i++) {
    char *path = names.items[i];
    struct stat st, lst;
    bool link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
    if (excluded(globs, path)) {
      // skipped, as asked
    } else if (stat(path, &st) != 0) {
      // A dangling link named *.c is a file of the tree that cannot be
      // read; one named otherwise is not a C file at all.
      if (is_c_file(path) || !link)
        source_fail(add_source(out, path), "cannot read: %s", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
      bool loop = false;
      for (int k = 0; k < seen->depth && !loop; k++)
        loop = seen->dev[k] == st.st_dev && seen->ino[k] == st.st_ino;
      if (loop) {
        fprintf(stderr,
                "escape-check: note: %s: skipped, a symbolic link to a "
                "directory above it\n",
                path);
      } else if (seen->depth == 256) {
        source_fail(add_source(out, path), "%s",
                    "directories nested more than 256 deep");
      } else {
        seen->dev[seen->depth] = st.st_dev;
        seen->ino[seen->depth++] = st.st_ino;
        walk(out, path, globs, seen);
        seen->depth--;
      }
    } else if (is_c_file(path)) {
      if (!S_ISREG(st.st_mode))
        source_fail(add_source(out, path), "%s", "not a regular file");
      else if (access(path, R_OK) != 0)
        source_fail(add_source(out, path), "cannot read: %s", strerror(errno));
      else
        add_source(out, path);
    }
    free(path);
  }
  vec_free(&names);
}

void find_sources(source_list *out, const char *path, const vec *globs) {
  struct stat st;
  if (stat(path, &st) != 0) {
    source_fail(add_source(out, path), "%s", strerror(errno));
  } else if (S_ISDIR(st.st_mode)) {
    walk_stack seen = {.depth = 1};
    seen.dev[0] = st.st_dev;
    seen.ino[0] = st.st_ino;
    int before = out->len;
    walk(out, path, globs, &seen);
    if (out->len == before)
      fprintf(stderr, "escape-check: note: %s: no .c files\n", path);
  } else if (!S_ISREG(st.st_mode)) {
    source_fail(add_source(out, path), "%s", "not a regular file");
  } else if (access(path, R_OK) != 0) {
    source_fail(add_source(out, path), "cannot read: %s", strerror(errno));
  } else if (!excluded(globs, path)) {
    add_source(out, path);
  }
}

source_file *source_list_add(source_list *l, const char *path) {
  return add_source(l, path);
}

void source_free(source_file *s) {
  free(s->path);
  free(s->dbfile);
  free(s->error);
  for (int k = 0; k < s->argc; k++)
    free(s->argv[k]);
  free(s->argv);
}

void source_list_free(source_list *l) {
  for (int i = 0; i < l->len; i++)
    source_free(&l->items[i]);
  free(l->items);
  memset(l, 0, sizeof *l);
}

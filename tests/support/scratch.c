// scratch.c: temporary directories and files for tests.
//
// Each suite process owns one scratch root, $TMPDIR/escape-tests-XXXXXX,
// made by scratch_init before Check forks its tests (an unchecked fixture
// runs in the parent) and removed by scratch_cleanup after the last one.
// Tests make their own subdirectories with scratch_dir, so forked tests never
// share a file, and a test that fails half-way leaves nothing behind once the
// suite ends. File helpers fail the current test with the path and errno
// instead of returning errors.
#define _GNU_SOURCE
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *root; // the scratch root, NULL outside scratch_init/cleanup

void scratch_init(void) {
  const char *tmp = getenv("TMPDIR");
  char *templ = path_join(tmp && *tmp ? tmp : "/tmp", "escape-tests-XXXXXX");
  if (mkdtemp(templ) == NULL) {
    fprintf(stderr, "harness: mkdtemp %s: %s\n", templ, strerror(errno));
    abort();
  }
  root = templ;
}

void scratch_cleanup(void) {
  if (root == NULL)
    return;
  remove_tree(root);
  free(root);
  root = NULL;
}

const char *scratch_root(void) { return root; }

// scratch_dir makes a new empty directory under the scratch root and returns
// its path, which the caller frees.
char *scratch_dir(const char *prefix) {
  ck_assert_msg(root != NULL, "scratch_init was not called");
  strbuf b = {0};
  strbuf_printf(&b, "%s/%s-XXXXXX", root, prefix);
  ck_assert_msg(mkdtemp(b.s) != NULL, "mkdtemp %s: %s", b.s, strerror(errno));
  return b.s;
}

char *path_join(const char *dir, const char *name) {
  strbuf b = {0};
  strbuf_printf(&b, "%s/%s", dir, name);
  return b.s;
}

void write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
  size_t n = fwrite(data, 1, len, f);
  int rc = fclose(f);
  ck_assert_msg(n == len && rc == 0, "write %s: %s", path, strerror(errno));
}

void write_text(const char *path, const char *text) {
  write_file(path, text, strlen(text));
}

// read_file appends the contents of path to out; false if it cannot be read.
bool read_file(const char *path, strbuf *out) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return false;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    strbuf_append(out, buf, n);
  bool ok = !ferror(f);
  fclose(f);
  return ok;
}

bool file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

// make_dirs is mkdir -p.
void make_dirs(const char *path) {
  char *p = xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/')
      continue;
    *s = '\0';
    mkdir(p, 0777);
    *s = '/';
  }
  int rc = mkdir(p, 0777);
  ck_assert_msg(rc == 0 || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
  free(p);
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw) {
  remove(path);
  return 0;
}

// remove_tree is rm -rf; it does not follow symbolic links.
void remove_tree(const char *path) {
  nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

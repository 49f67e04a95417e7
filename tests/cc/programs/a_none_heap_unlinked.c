// asan: none
// A heap request points at the caller's local status while it is in
// flight, and is unlinked and freed before the local dies.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct request {
  const char *path;
  int *status;
  struct request *next;
};

static struct request *inflight;

static void process_all(void) {
  for (struct request *r = inflight; r; r = r->next)
    *r->status = r->path[strlen(r->path) - 1] == '/' ? 200 : 404;
}

static int fetch(const char *path) {
  int status = 0;
  struct request *r = malloc(sizeof *r);
  r->path = path;
  r->status = &status;
  r->next = inflight;
  inflight = r;
  process_all();
  inflight = r->next;
  free(r);
  return status;
}

int main(void) {
  printf("/ -> %d\n", fetch("/"));
  printf("/index -> %d\n", fetch("/index"));
  printf("/docs/ -> %d\n", fetch("/docs/"));
  printf("inflight: %s\n", inflight ? "busy" : "empty");
  return 0;
}

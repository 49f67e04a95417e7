// asan: none
#include <stdio.h>

/* 'current' points at the request being handled; every handler resets it
   before its frame dies, so the logger never sees a dead request. */
struct request {
  int id;
  const char *path;
  int status;
};
static struct request *current;

static void log_line(const char *msg) {
  if (current) printf("[req %d %s] %s\n", current->id, current->path, msg);
  else printf("[no request] %s\n", msg);
}

static void subrequest(const char *path) {
  struct request sub = {current->id * 10, path, 0};
  struct request *saved = current;
  current = &sub;
  log_line("sub");
  current = saved;
}

static void handle(int id, const char *path) {
  struct request req = {id, path, 0};
  current = &req;
  log_line("start");
  if (path[1]) subrequest("/style.css");
  req.status = path[1] ? 200 : 404;
  log_line(req.status == 200 ? "ok" : "not found");
  current = NULL;
}

int main(void) {
  handle(1, "/index");
  handle(2, "/");
  log_line("idle");
  return 0;
}

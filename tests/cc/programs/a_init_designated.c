// asan: stack-use-after-return
// A config struct with designated initializers (a nested member and an
// array element among them) returned by address; the rest is zero.
#include <stdio.h>

struct config {
  const char *name;
  int retries;
  int ports[4];
  struct {
    int lo, hi;
  } window;
  unsigned flags;
};

static struct config *defaults(const char *name, int port) {
  struct config c = { .name = name, .ports[2] = port, .window.hi = 64,
                      .retries = 3, .flags = 0x10 };
  struct config *p = &c;
  return p;
}

static void show(const struct config *c) {
  printf("%s retries=%d ports=%d,%d,%d,%d window=%d..%d flags=%#x\n", c->name,
         c->retries, c->ports[0], c->ports[1], c->ports[2], c->ports[3],
         c->window.lo, c->window.hi, c->flags);
}

static void scribble(void) {
  struct config junk[3];
  for (int i = 0; i < 3; i++)
    junk[i] = (struct config){ "junk", -1, { -1, -1, -1, -1 }, { -1, -1 }, ~0u };
  (void)junk;
}

int main(void) {
  struct config *a = defaults("web", 8080);
  struct config *b = defaults("db", 5432);
  scribble();
  b->ports[0] = 1;
  show(a);
  show(b);
  return 0;
}

// asan: stack-use-after-return
// Plugins register a descriptor that lives in their init function's frame;
// the registry (a global array) keeps it through a helper's parameter.
#include <stdio.h>
#include <string.h>

struct plugin {
  char name[16];
  int version;
  int (*run)(int);
};

static struct plugin *registry[4];
static int nplugins;

static void register_plugin(struct plugin *p) { registry[nplugins++] = p; }
static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }

static void init_doubler(void) {
  struct plugin p = { "doubler", 1, twice };
  register_plugin(&p);
}

static void init_squarer(int version) {
  struct plugin p = { .run = square, .version = version };
  strcpy(p.name, "squarer");
  register_plugin(&p);
}

static void scribble(void) {
  struct plugin junk[3];
  memset(junk, 0xff, sizeof junk);
}

int main(void) {
  init_doubler();
  init_squarer(3);
  scribble();
  for (int i = 0; i < nplugins; i++)
    printf("%s v%d: %d\n", registry[i]->name, registry[i]->version,
           registry[i]->run(7));
  return 0;
}

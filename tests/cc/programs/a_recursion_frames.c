// asan: stack-use-after-return
// Each recursive call links its own frame record to its caller's; the
// deepest record is kept in a global and walked after all calls returned.
#include <stdio.h>

struct frame {
  int depth;
  const char *name;
  struct frame *parent;
};

static struct frame *deepest;

static void descend(const char *const *path, int depth, struct frame *parent) {
  struct frame f = { depth, path[0], parent };
  if (path[1])
    descend(path + 1, depth + 1, &f);
  else
    deepest = &f;
}

static void scribble(int n) {
  struct frame junk = { -1, "junk", NULL };
  if (n > 0)
    scribble(n - 1);
  (void)junk;
}

int main(void) {
  const char *path[] = { "usr", "local", "lib", NULL };
  descend(path, 0, NULL);
  scribble(5);
  for (struct frame *f = deepest; f; f = f->parent)
    printf("%d:%s ", f->depth, f->name);
  printf("\n");
  return 0;
}

// asan: stack-use-after-return
#include <stdio.h>
#include <stdlib.h>

/* A generic vector of void *; producers push the addresses of their
   own locals, of different types, and the consumer casts them back. */
struct vec {
  void **items;
  char *kinds;
  int n, cap;
};
static struct vec registry;

static void vec_push(struct vec *v, void *p, char kind) {
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 2;
    v->items = realloc(v->items, v->cap * sizeof *v->items);
    v->kinds = realloc(v->kinds, v->cap);
  }
  v->kinds[v->n] = kind;
  v->items[v->n++] = p;
}

static void add_int(int x) {
  int copy = x;
  vec_push(&registry, &copy, 'i');
}

static void add_name(const char *s) {
  char name[12];
  snprintf(name, sizeof name, "<%s>", s);
  vec_push(&registry, name, 's');
}

static void scrub(void) {
  volatile char junk[256];
  for (int i = 0; i < 256; i++) junk[i] = 'q';
}

int main(void) {
  add_int(5);
  add_name("ab");
  add_int(-3);
  add_name("xyz");
  scrub();
  for (int i = 0; i < registry.n; i++) {
    if (registry.kinds[i] == 'i') printf("%d: int %d\n", i, *(int *)registry.items[i]);
    else printf("%d: name %s\n", i, (char *)registry.items[i]);
  }
  free(registry.items);
  free(registry.kinds);
  return 0;
}

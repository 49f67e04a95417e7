// asan: none
#include <stdio.h>

/* Function-scope statics live for the whole run, so handing out their
   addresses is fine; they must stay statics, not become heap objects. */
struct config {
  const char *name;
  int level;
};

static struct config *get_config(void) {
  static struct config cfg = {"default", 1};
  return &cfg;
}

static int *next_id(void) {
  static int ids[8];
  static int n;
  ids[n] = (n + 1) * 100;
  return &ids[n++];
}

static long fib_memo(int k) {
  static long memo[64];
  if (k < 2) return k;
  if (!memo[k]) memo[k] = fib_memo(k - 1) + fib_memo(k - 2);
  return memo[k];
}

#define ONCE_PTR(type, init) ({ static type once_ = init; &once_; })

int main(void) {
  get_config()->level = 3;
  struct config *c = get_config();
  printf("%s level %d same %d\n", c->name, c->level, c == get_config());
  int *a = next_id(), *b = next_id();
  *a += 1;
  printf("ids %d %d\n", *a, *b);
  printf("fib 40 = %ld\n", fib_memo(40));
  for (int i = 0; i < 3; i++) {
    int *p = ONCE_PTR(int, 0);
    (*p)++;
    printf("once %d\n", *p);
  }
  return 0;
}

// asan: stack-use-after-return
#include <stdio.h>

/* Each activation links its own node in front of the caller's, and the
   deepest one publishes the whole chain. */
struct node {
  int value;
  const struct node *next;
};
static const struct node *published;

static void build(int n, const struct node *tail) {
  struct node here = {n * n, tail};
  if (n == 0) {
    published = &here;
    return;
  }
  build(n - 1, &here);
}

static void scrub(int depth) {
  volatile int junk[32];
  for (int i = 0; i < 32; i++) junk[i] = -depth;
  if (depth > 0) scrub(depth - 1);
}

static void print_list(const char *label, const struct node *n) {
  printf("%s:", label);
  for (; n; n = n->next)
    printf(" %d", n->value);
  printf("\n");
}

int main(void) {
  build(4, NULL);
  const struct node *first = published;
  scrub(8);
  print_list("first", first);
  build(2, first); /* a new chain in front of the old one */
  scrub(8);
  print_list("second", published);
  print_list("first again", first);
  return 0;
}

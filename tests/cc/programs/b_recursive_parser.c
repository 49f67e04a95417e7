// asan: stack-use-after-return
#include <stdio.h>

/* An s-expression reader whose nodes live in the reader's activations. */
struct node {
  int leaf, value, nkids;
  struct node *kids[4];
};
static const char *s;

static struct node *parse(void) {
  struct node n = {0};
  struct node *self = &n;
  while (*s == ' ') s++;
  if (*s == '(') {
    s++;
    while (*s != ')') {
      if (*s == ' ') { s++; continue; }
      n.kids[n.nkids++] = parse();
    }
    s++;
  } else {
    n.leaf = 1;
    while (*s >= '0' && *s <= '9') n.value = n.value * 10 + (*s++ - '0');
  }
  return self;
}

static void print(const struct node *n, int *leaves, int *sum) {
  if (n->leaf) {
    printf("%d", n->value * 2);
    ++*leaves;
    *sum += n->value;
    return;
  }
  printf("(");
  for (int i = 0; i < n->nkids; i++) {
    if (i) printf(" ");
    print(n->kids[i], leaves, sum);
  }
  printf(")");
}

int main(void) {
  s = "(1 (2 3) 45 (6 (7)))";
  struct node *tree = parse();
  s = "(8 9)";
  struct node *small = parse();
  int leaves = 0, sum = 0;
  print(tree, &leaves, &sum);
  printf(" leaves=%d sum=%d\n", leaves, sum);
  print(small, &leaves, &sum);
  printf(" leaves=%d sum=%d\n", leaves, sum);
  return 0;
}

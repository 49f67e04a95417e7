// asan: stack-use-after-return
#include <stdio.h>

/* Depth-first search for every path to a target; a path is a chain of
   'step' records, one in each activation of dfs. */
static const int adj[6][6] = {
    [0] = {[1] = 1, [2] = 1},
    [1] = {[3] = 1, [4] = 1},
    [2] = {[3] = 1},
    [3] = {[4] = 1},
};
struct step {
  int node;
  const struct step *parent;
};
static const struct step *found[4];
static int nfound;

static void dfs(int u, const struct step *parent, int target) {
  struct step here = {u, parent};
  if (u == target) {
    found[nfound++] = &here;
    return;
  }
  for (int v = 0; v < 6; v++)
    if (adj[u][v]) dfs(v, &here, target);
}

static int print_path(const struct step *s) {
  int len = s->parent ? print_path(s->parent) : 0;
  printf(" %d", s->node);
  return len + 1;
}

int main(void) {
  dfs(0, NULL, 4);
  printf("%d paths\n", nfound);
  for (int i = 0; i < nfound; i++) {
    printf("path %d:", i);
    int len = print_path(found[i]);
    printf(" (%d nodes)\n", len);
  }
  return 0;
}

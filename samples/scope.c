// scope.c: block scopes. A pointer declared outside a block outlives the
// locals of that block; a loop body is a block, renewed each iteration.
int last_positive(const int *xs, int n) {
  const int *found = 0;
  for (int i = 0; i < n; i++) {
    int copy = xs[i];
    if (copy > 0)
      found = &copy; // copy dies at the end of each iteration
  }
  return found ? *found : -1;
}

int same_block(int v) {
  int x = v;
  int *p = &x; // same block: fine
  return *p;
}

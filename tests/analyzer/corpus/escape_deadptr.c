// escape-check -m
// A pointer from an enclosing block that holds a local's address is
// harmless when it is never used after the local's block ends (dead_after
// in solve.c): structured control flow, no loop, no alias of the pointer.
int use(int *p) { return *p; } // ERROR "p does not escape$"
int gi;

void dead_after_if(int c) {
  int *p = &gi;
  if (c) {
    int x = 1;
    p = &x;
    gi = *p;
  }
}

int used_after_if(int c) {
  int *p = &gi;
  if (c) {
    int x = 1; // ERROR "moved to heap: x$"
    p = &x;
  }
  return *p;
}

int written_after_if(int c) {
  int *p = &gi;
  if (c) {
    int x = 1; // ERROR "moved to heap: x$"
    p = &x;
    gi = *p;
  }
  p = &gi; // a later mention, even a write, keeps the rule from applying
  return gi;
}

void loop_body_block(int n) {
  int *p = &gi;
  for (int i = 0; i < n; i++) {
    if (p != &gi)
      gi = *p; // reads the previous iteration's x
    int x = i; // ERROR "moved to heap: x$"
    p = &x;
  }
}

void block_inside_loop(int n) {
  int *p = &gi;
  while (n--) {
    {
      int x = n; // ERROR "moved to heap: x$"
      gi = *p;
      p = &x;
    }
  }
}

void aliased_pointer(int c) {
  int *p = &gi;
  int **pp = &p; // an alias: p may be read through pp after the block
  if (c) {
    int x = 1; // ERROR "moved to heap: x$"
    p = &x;
  }
  gi = **pp;
}

void back_goto(int n) {
  int *p = &gi;
again:
  if (n > 0) {
    int x = n; // ERROR "moved to heap: x$"
    gi = *p;
    p = &x;
    n--;
    goto again;
  }
}

void nested_blocks(int c) {
  int *p = &gi;
  if (c) {
    int x = 2;
    {
      int y = 3; // ERROR "moved to heap: y$"
      p = &y;
    }
    gi = *p + x;
  }
}

void param_dead(int *p, int c) { // ERROR "p does not escape$"
  if (c) {
    int x = 1;
    p = &x;
    use(p);
  }
}

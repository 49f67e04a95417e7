// asan: stack-use-after-return
// A pointer to a local pointer to a local: both levels outlive the call.
#include <stdio.h>

static int **make_ref(int v) {
  int x = v;
  int *p = &x;
  int **pp = &p;
  return pp;
}

static void scribble(void) {
  int *junk[16];
  int filler = -1;
  for (int i = 0; i < 16; i++)
    junk[i] = &filler;
  (void)junk;
}

int main(void) {
  int **r1 = make_ref(3);
  int **r2 = make_ref(4);
  scribble();
  **r1 += 10;
  printf("%d %d\n", **r1, **r2);
  *r1 = *r2; /* r1's pointer now refers to r2's int */
  **r1 = 100;
  scribble();
  printf("%d %d\n", **r1, **r2);
  return 0;
}

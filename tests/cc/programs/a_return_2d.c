// asan: stack-use-after-return
// A 2-D array returned as a pointer to its rows.
#include <stdio.h>

typedef int row3[3];

static row3 *identity_scaled(int k) {
  int m[3][3] = { { k, 0, 0 }, { 0, k, 0 }, { 0, 0, k } };
  printf("m: %zu rows of %zu\n", sizeof m / sizeof m[0], sizeof m[0] / sizeof m[0][0]);
  row3 *rows = m;
  return rows;
}

static void show(const char *name, row3 *m) {
  printf("%s:", name);
  for (int r = 0; r < 3; r++)
    printf(" [%d %d %d]", m[r][0], m[r][1], m[r][2]);
  printf("\n");
}

static void scribble(void) {
  int junk[6][6];
  for (int r = 0; r < 6; r++)
    for (int c = 0; c < 6; c++)
      junk[r][c] = -(r * 6 + c);
  (void)junk;
}

int main(void) {
  row3 *a = identity_scaled(2);
  row3 *b = identity_scaled(5);
  scribble();
  a[0][2] = 7;
  show("a", a);
  show("b", b);
  return 0;
}

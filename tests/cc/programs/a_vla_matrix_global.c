// asan: stack-use-after-return
// A 2-D VLA described by a local descriptor kept in a global after the
// loading function has returned.
#include <stdio.h>

struct mat {
  int rows, cols;
  double *cells;
};

static struct mat *current;

static void load(int r, int c) {
  double m[r][c];
  struct mat desc = { r, c, &m[0][0] };
  for (int i = 0; i < r; i++)
    for (int j = 0; j < c; j++)
      m[i][j] = i * 10 + j + 0.5;
  printf("sizeof m = %zu, sizeof m[0] = %zu\n", sizeof m, sizeof m[0]);
  current = &desc;
}

static void scribble(void) {
  double junk[8][8];
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++)
      junk[i][j] = -1;
  (void)junk;
}

int main(void) {
  load(2, 3);
  scribble();
  struct mat *a = current;
  printf("%dx%d:", a->rows, a->cols);
  for (int i = 0; i < a->rows * a->cols; i++)
    printf(" %.1f", a->cells[i]);
  printf("\n");
  return 0;
}

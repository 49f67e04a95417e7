// asan: stack-use-after-scope
// Pascal's triangle: each row is a VLA in the loop body, computed from the
// previous iteration's row and kept, with its length, past the loop.
#include <stdio.h>

static void scribble(void) {
  volatile int junk[40];
  for (int i = 0; i < 40; i++)
    junk[i] = -2;
}

int main(void) {
  const int *rows[5];
  const int *lens[5];
  for (int n = 1; n <= 5; n++) {
    int row[n];
    int len = (int)(sizeof row / sizeof row[0]);
    row[0] = row[n - 1] = 1;
    for (int k = 1; k < n - 1; k++)
      row[k] = rows[n - 2][k - 1] + rows[n - 2][k];
    rows[n - 1] = row;
    lens[n - 1] = &len;
  }
  scribble();
  for (int i = 0; i < 5; i++) {
    for (int k = 0; k < *lens[i]; k++)
      printf("%d ", rows[i][k]);
    printf("\n");
  }
  return 0;
}

// asan: stack-use-after-return
#include <stdio.h>

/* Two cells per loop-body entry share one object; entering the body
   through 'odd' (past the declaration) also creates a fresh 'cell'. */
static const int *cells[8];
static int ncells;

static void churn(void) {
  volatile int junk[64];
  for (int i = 0; i < 64; i++) junk[i] = -5;
}

static void fill(int start_odd) {
  int i = 0;
  ncells = 0;
  if (start_odd)
    goto odd;
  while (i < 4) {
    int cell;
    cell = i * 10;
    cells[ncells++] = &cell;
    i++;
  odd:
    cell = i * 10 + 1;
    cells[ncells++] = &cell;
    i++;
  }
}

static void show(const char *label, int n, const int *const *saved) {
  printf("%s:", label);
  for (int k = 0; k < n; k++)
    printf(" %d", *saved[k]);
  printf("\n");
}

int main(void) {
  const int *even[8];
  fill(0);
  int ne = ncells;
  for (int k = 0; k < ne; k++) even[k] = cells[k];
  fill(1);
  churn();
  show("even start", ne, even);
  show("odd start", ncells, cells);
  return 0;
}

// asan: stack-use-after-return
#include <stdio.h>

/* Records where a character was found by keeping the loop counters' addresses.
   The row counter is one object; each run of the inner for makes a new 'c'. */
struct hit {
  const int *row, *col;
};
static struct hit hits[8];
static int nhits;

static void find(const char grid[3][5], char want) {
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 4; c++)
      if (grid[r][c] == want) {
        hits[nhits++] = (struct hit){&r, &c};
        break;
      }
}

static void scrub(void) {
  volatile int junk[64];
  for (int i = 0; i < 64; i++) junk[i] = -8;
}

int main(void) {
  const char grid[3][5] = {"ab.x", "..x.", "xbbb"};
  find(grid, 'x');
  scrub();
  for (int i = 0; i < nhits; i++)
    printf("hit %d: row %d col %d\n", i, *hits[i].row, *hits[i].col);
  return 0;
}

// asan: stack-use-after-return
// Initializers that read earlier locals and take their addresses: total,
// parts and the budget all outlive plan().
#include <stdio.h>

struct budget {
  int *total;
  int parts[3];
  int *largest;
};

static struct budget *plan(int total_in) {
  int total = total_in;
  int parts[3] = { total / 2, total / 3, total - total / 2 - total / 3 };
  struct budget b = { &total, { parts[0], parts[1], parts[2] }, &parts[0] };
  struct budget *p = &b;
  return p;
}

static void scribble(void) {
  volatile int junk[48];
  for (int i = 0; i < 48; i++)
    junk[i] = -i;
}

static void show(const struct budget *b) {
  printf("total %d parts %d %d %d largest %d\n", *b->total, b->parts[0],
         b->parts[1], b->parts[2], *b->largest);
}

int main(void) {
  struct budget *x = plan(100);
  struct budget *y = plan(7);
  scribble();
  *x->largest += 1; /* changes plan's parts[0], not the copy in b */
  *y->total *= 2;
  show(x);
  show(y);
  return 0;
}

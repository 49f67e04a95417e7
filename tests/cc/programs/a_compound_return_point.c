// asan: stack-use-after-return
// A function returns the address of a compound literal:
// return &(struct point){...};
#include <stdio.h>

struct point {
  int x, y;
};

static struct point *midpoint(struct point a, struct point b) {
  return &(struct point){ (a.x + b.x) / 2, (a.y + b.y) / 2 };
}

static void scribble(void) {
  struct point junk[10];
  for (int i = 0; i < 10; i++)
    junk[i] = (struct point){ -i, -i };
  (void)junk;
}

int main(void) {
  struct point *m1 = midpoint((struct point){ 0, 0 }, (struct point){ 4, 6 });
  struct point *m2 = midpoint((struct point){ -2, 10 }, (struct point){ 2, -10 });
  scribble();
  m1->x += 1;
  printf("m1 (%d, %d)\n", m1->x, m1->y);
  printf("m2 (%d, %d)\n", m2->x, m2->y);
  return 0;
}

// asan: stack-use-after-return
// A ring node whose initializer refers to its own address (a one-element
// ring); nodes made by separate calls are then linked together.
#include <stdio.h>

struct ring {
  struct ring *next, *prev;
  int id;
};

static struct ring *ring_new(int id) {
  struct ring r = { .next = &r, .prev = &r, .id = id };
  return r.next;
}

static void insert_after(struct ring *at, struct ring *n) {
  n->next = at->next;
  n->prev = at;
  at->next->prev = n;
  at->next = n;
}

static void scribble(void) {
  struct ring junk[4];
  for (int i = 0; i < 4; i++)
    junk[i] = (struct ring){ &junk[0], &junk[0], -1 };
  (void)junk;
}

int main(void) {
  struct ring *a = ring_new(1);
  struct ring *b = ring_new(2);
  struct ring *c = ring_new(3);
  scribble();
  printf("alone: %d\n", a->next == a && a->prev == a);
  insert_after(a, b);
  insert_after(b, c);
  scribble();
  struct ring *r = a;
  for (int i = 0; i < 4; i++, r = r->next)
    printf("%d ", r->id);
  for (int i = 0; i < 4; i++, r = r->prev)
    printf("%d ", r->id);
  printf("\n");
  return 0;
}

// asan: stack-use-after-scope
// A linked list built from a loop body's local node: every iteration has a
// node of its own, so the list holds every value.
#include <stdio.h>

struct node {
  int value;
  struct node *next;
};

static void scribble(void) {
  struct node junk[8];
  for (int i = 0; i < 8; i++)
    junk[i] = (struct node){ -1, &junk[i] };
  (void)junk;
}

int main(void) {
  struct node *head = NULL;
  for (int i = 1; i <= 4; i++) {
    struct node n = { i * 10, head };
    head = &n;
  }
  scribble();
  int count = 0, sum = 0;
  for (struct node *p = head; p && count < 10; p = p->next) {
    printf("%d ", p->value);
    count++;
    sum += p->value;
  }
  printf("\ncount %d sum %d\n", count, sum);
  return 0;
}

// asan: stack-use-after-return
// Heap nodes whose data pointer refers to a local of the function that
// built them (node->data = &local): every push has its own square.
#include <stdio.h>
#include <stdlib.h>

struct node {
  struct node *next;
  const int *data;
};

static struct node *push(struct node *head, int value) {
  int v = value * value;
  struct node *n = malloc(sizeof *n);
  n->next = head;
  n->data = &v;
  return n;
}

static int scribble(void) {
  int junk[50];
  for (int i = 0; i < 50; i++)
    junk[i] = -1;
  return junk[0];
}

int main(void) {
  struct node *list = NULL;
  for (int i = 1; i <= 4; i++)
    list = push(list, i);
  scribble();
  for (struct node *n = list; n; n = n->next)
    printf("%d ", *n->data);
  printf("\n");
  while (list) {
    struct node *next = list->next;
    free(list);
    list = next;
  }
  return 0;
}

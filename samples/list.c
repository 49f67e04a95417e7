// list.c: a linked list on the heap. Nodes escape through the result; the
// scratch buffer is freed in the function that allocates it, so it does
// not escape and could live on the stack.
#include <stdlib.h>
#include <string.h>

struct node {
  struct node *next;
  int value;
};

struct node *push(struct node *head, int value) {
  struct node *n = malloc(sizeof(struct node));
  n->next = head;
  n->value = value;
  return n;
}

int sum(const struct node *head) {
  int total = 0;
  for (const struct node *n = head; n; n = n->next)
    total += n->value;
  return total;
}

int checksum(const char *text) {
  char *scratch = malloc(64);
  strncpy(scratch, text, 63);
  scratch[63] = 0;
  int h = 0;
  for (char *p = scratch; *p; p++)
    h = h * 31 + *p;
  free(scratch);
  return h;
}

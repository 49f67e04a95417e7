// asan: stack-use-after-scope
// A circular list of loop body locals: each node's initializer refers to
// its own address (first node) or to the previous iteration's node.
#include <stdio.h>

struct item {
  int value;
  struct item *next;
};

static void scribble(void) {
  struct item junk[6];
  for (int i = 0; i < 6; i++)
    junk[i] = (struct item){ 999, &junk[i] };
  (void)junk;
}

int main(void) {
  struct item *last = NULL;
  for (int i = 0; i < 3; i++) {
    struct item it = { .value = (i + 1) * 11, .next = last ? last->next : &it };
    if (last)
      last->next = &it;
    last = &it;
  }
  scribble();
  struct item *p = last->next;
  for (int i = 0; i < 5; i++, p = p->next)
    printf("%d ", p->value);
  printf("\n");
  return 0;
}

// asan: none
// A "current context" global is set for the duration of a call and restored
// before the frame dies, so it never dangles (escape-check still moves c).
#include <stdio.h>

struct ctx {
  const char *name;
  int depth;
  int log[4];
  int nlog;
};

static struct ctx *current;

static void note(int v) {
  if (current && current->nlog < 4)
    current->log[current->nlog++] = v * current->depth;
}

static int work(const char *name, int depth) {
  struct ctx c = { .name = name, .depth = depth };
  struct ctx *saved = current;
  current = &c;
  for (int i = 1; i <= 3; i++)
    note(i);
  if (depth < 2)
    work("inner", depth + 1);
  current = saved;
  int sum = 0;
  for (int i = 0; i < c.nlog; i++)
    sum += c.log[i];
  printf("%s depth %d: %d entries, sum %d\n", c.name, c.depth, c.nlog, sum);
  return sum;
}

int main(void) {
  work("outer", 1);
  printf("current is %s\n", current ? "set" : "NULL");
  note(5);
  return 0;
}

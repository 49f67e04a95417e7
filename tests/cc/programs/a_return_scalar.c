// asan: stack-use-after-return
// Counters handed out by address: every call must get an int of its own.
#include <stdio.h>

static int *new_counter(int start) {
  int count = start;
  int *handle = &count;
  return handle;
}

static void tick(int *c, int times) {
  for (int i = 0; i < times; i++)
    ++*c;
}

static int scribble(int seed) {
  volatile int junk[32];
  for (int i = 0; i < 32; i++)
    junk[i] = seed * i;
  return junk[31];
}

int main(void) {
  int *a = new_counter(10);
  int *b = new_counter(100);
  scribble(-7);
  tick(a, 3);
  tick(b, 5);
  scribble(99);
  printf("a=%d b=%d\n", *a, *b);
  printf("distinct=%d\n", a != b);
  return 0;
}

// asan: stack-use-after-return
#include <stdio.h>

/* A span over a table that was built in the callee's frame and returned
   by value: the struct is copied, the table is not. */
struct span {
  const int *begin, *end;
};

static struct span fib_span(int n) {
  int data[8];
  data[0] = 0;
  data[1] = 1;
  for (int i = 2; i < n; i++)
    data[i] = data[i - 1] + data[i - 2];
  return (struct span){data, data + n};
}

static int sum(struct span s) {
  int t = 0;
  for (const int *p = s.begin; p != s.end; p++) t += *p;
  return t;
}

static void scrub(void) {
  volatile int junk[100];
  for (int i = 0; i < 100; i++) junk[i] = 1000 + i;
}

int main(void) {
  struct span a = fib_span(6);
  struct span b = fib_span(8);
  scrub();
  printf("a:");
  for (const int *p = a.begin; p != a.end; p++) printf(" %d", *p);
  printf("\nsum a=%d sum b=%d len b=%d\n", sum(a), sum(b), (int)(b.end - b.begin));
  return 0;
}

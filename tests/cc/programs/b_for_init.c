// asan: stack-use-after-scope
#include <stdio.h>

/* A progress reporter that tracks a loop counter by address; the
   counter of a for statement is one object for the whole loop. */
static const int *progress;
static int total_steps;
static const char *task;

static void track(const char *name, const int *counter, int total) {
  task = name;
  progress = counter;
  total_steps = total;
}

static void report(const char *when) {
  printf("%s %s: %d/%d\n", task, when, *progress, total_steps);
}

int main(void) {
  for (int i = 0; i < 3; i++) {
    if (i == 0) track("copy", &i, 3);
    report("during");
  }
  report("after");
  for (int j = 0, step = 2; j < 7; j += step)
    if (j == 0) track("scan", &j, 7);
  report("after");
  return 0;
}

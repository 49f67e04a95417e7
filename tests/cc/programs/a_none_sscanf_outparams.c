// asan: none
// Addresses of locals given to library functions that write through them
// only during the call: sscanf, snprintf into a local buffer, strtol's
// end pointer.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  const char *lines[] = { "alice 31 1.5", "bob 7 0.25", "x" };
  for (int i = 0; i < 3; i++) {
    char name[16];
    int age;
    double ratio;
    int got = sscanf(lines[i], "%15s %d %lf", name, &age, &ratio);
    if (got != 3) {
      printf("line %d: only %d fields\n", i, got);
      continue;
    }
    char summary[40];
    snprintf(summary, sizeof summary, "%s/%d/%.2f", name, age, ratio);
    printf("%s\n", summary);
  }
  char *end;
  long v = strtol("123abc", &end, 10);
  printf("%ld rest=%s\n", v, end);
  return 0;
}

// asan: stack-use-after-scope
#include <stdio.h>

/* Collects pointers to each iteration's parsed value; every iteration
   has its own 'value', so the three numbers stay distinct. */
int main(void) {
  const char *args[] = {"12", "x", "7", "40"};
  const int *parsed[4];
  const char *sources[4];
  int n = 0;
  for (int i = 0; i < 4; i++) {
    int value;
    if (sscanf(args[i], "%d", &value) == 1) {
      sources[n] = args[i];
      parsed[n++] = &value;
    }
  }
  int total = 0;
  for (int i = 0; i < n; i++)
    total += *parsed[i];
  printf("%d numbers, total %d\n", n, total);
  for (int i = 0; i < n; i++)
    printf("\"%s\" -> %d\n", sources[i], *parsed[i]);
  return 0;
}

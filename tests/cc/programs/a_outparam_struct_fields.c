// asan: stack-use-after-return
// An out-parameter struct whose fields are set to addresses of the
// callee's locals.
#include <stdio.h>

struct stats {
  const double *mean;
  const int *count;
  const char *unit;
};

static void summarize(const double *xs, int n, const char *unit, struct stats *out) {
  double mean = 0;
  int count = 0;
  for (int i = 0; i < n; i++)
    if (xs[i] >= 0) {
      mean += xs[i];
      count++;
    }
  if (count)
    mean /= count;
  out->mean = &mean;
  out->count = &count;
  out->unit = unit;
}

static void scribble(void) {
  volatile double junk[24];
  for (int i = 0; i < 24; i++)
    junk[i] = -99.5;
}

int main(void) {
  double temps[] = { 12.5, -1, 14.5, 16 };
  double winds[] = { 3, 5 };
  struct stats a, b;
  summarize(temps, 4, "C", &a);
  summarize(winds, 2, "m/s", &b);
  scribble();
  printf("%d samples, mean %.2f %s\n", *a.count, *a.mean, a.unit);
  printf("%d samples, mean %.2f %s\n", *b.count, *b.mean, b.unit);
  return 0;
}

// asan: stack-use-after-return
// A logger keeps a pointer to the most recent conversion in a global.
#include <stdio.h>

static const double *last_reading;
static int readings;

static void record(double celsius) {
  double kelvin = celsius + 273.15;
  last_reading = &kelvin;
  readings++;
}

static void report(void) {
  printf("%d readings, last %.2f K\n", readings, *last_reading);
}

static double scribble(double seed) {
  double junk[16];
  for (int i = 0; i < 16; i++)
    junk[i] = seed / (i + 1);
  return junk[15];
}

int main(void) {
  record(21.5);
  scribble(-1e9);
  report();
  record(-40.0);
  scribble(12345.0);
  report();
  return 0;
}

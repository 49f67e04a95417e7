// asan: stack-use-after-return
#include <stdio.h>
#include <string.h>

/* Statistics counters that declare themselves and register for the report. */
struct counter {
  const char *name;
  int *value;
};
static struct counter counters[8];
static int ncounters;

static void register_counter(const char *name, int *value) {
  counters[ncounters].name = name;
  counters[ncounters++].value = value;
}

#define COUNTER(name) int name = 0; register_counter(#name, &name)

static void trample(void) {
  volatile int junk[80];
  for (int i = 0; i < 80; i++) junk[i] = -i;
}

static void scan(const char *text) {
  COUNTER(vowels);
  COUNTER(spaces);
  for (const char *c = text; *c; c++) {
    if (*c == ' ')
      spaces++;
    else if (strchr("aeiou", *c))
      vowels++;
  }
}

int main(void) {
  scan("the quick brown fox");
  scan("jumps over");
  trample();
  for (int i = 0; i < ncounters; i++)
    printf("%s=%d\n", counters[i].name, *counters[i].value);
  return 0;
}

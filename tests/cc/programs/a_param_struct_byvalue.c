// asan: stack-use-after-return
// A large struct passed by value is normalized in place and its address is
// returned: each call has its own copy, and the caller's stays unchanged.
#include <stdio.h>
#include <string.h>

struct sample {
  char label[24];
  long vals[6];
};

static const struct sample *normalize(struct sample s) {
  long max = 1;
  for (int i = 0; i < 6; i++)
    if (s.vals[i] > max)
      max = s.vals[i];
  for (int i = 0; i < 6; i++)
    s.vals[i] = s.vals[i] * 100 / max;
  strcat(s.label, "%");
  const struct sample *p = &s;
  return p;
}

static void scribble(void) {
  struct sample junk[2];
  memset(junk, 0x33, sizeof junk);
}

static void show(const struct sample *s) {
  printf("%s:", s->label);
  for (int i = 0; i < 6; i++)
    printf(" %ld", s->vals[i]);
  printf("\n");
}

int main(void) {
  struct sample raw = { "load", { 3, 6, 12, 0, 9, 12 } };
  const struct sample *n1 = normalize(raw);
  raw.vals[0] = 24;
  strcpy(raw.label, "temp");
  const struct sample *n2 = normalize(raw);
  scribble();
  show(n1);
  show(n2);
  show(&raw);
  return 0;
}

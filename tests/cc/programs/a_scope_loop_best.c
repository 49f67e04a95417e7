// asan: stack-use-after-scope
// Keeps pointers to the first and the best record, each a loop body local.
#include <stdio.h>

struct rec {
  char name[8];
  int score;
};

static void scribble(void) {
  struct rec junk[6];
  for (int i = 0; i < 6; i++)
    junk[i] = (struct rec){ "junk", -1 };
  (void)junk;
}

int main(void) {
  const char *names[] = { "amy", "ben", "cal", "dee" };
  int scores[] = { 70, 92, 85, 92 };
  const struct rec *best = NULL, *first = NULL;
  for (int i = 0; i < 4; i++) {
    struct rec r = { .score = scores[i] };
    snprintf(r.name, sizeof r.name, "%s", names[i]);
    if (!first)
      first = &r;
    if (!best || r.score > best->score)
      best = &r;
  }
  scribble();
  printf("first %s %d\n", first->name, first->score);
  printf("best %s %d\n", best->name, best->score);
  return 0;
}

// asan: stack-use-after-return
// A compound literal in a loop body: each iteration creates a new object,
// and every one is handed back through an out-parameter array.
#include <stdio.h>

struct tag {
  int id;
  const char *label;
};

static int make_tags(const struct tag **out, int n) {
  for (int i = 0; i < n; i++)
    out[i] = &(struct tag){ .id = 100 + i, .label = i % 2 ? "odd" : "even" };
  return n;
}

static void scribble(void) {
  struct tag junk[8];
  for (int i = 0; i < 8; i++)
    junk[i] = (struct tag){ -1, "junk" };
  (void)junk;
}

int main(void) {
  const struct tag *tags[3];
  int n = make_tags(tags, 3);
  scribble();
  for (int i = 0; i < n; i++)
    printf("%d %s\n", tags[i]->id, tags[i]->label);
  return 0;
}

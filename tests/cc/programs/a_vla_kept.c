// asan: stack-use-after-return
// A VLA and its element count returned together in a view struct; sizeof
// of the VLA is computed at run time from n.
#include <stdio.h>
#include <string.h>

struct view {
  int *data;
  const size_t *len;
};

static struct view squares(int n) {
  int v[n];
  size_t len = sizeof v / sizeof v[0];
  for (int i = 0; i < n; i++)
    v[i] = (i + 1) * (i + 1);
  printf("sizeof v = %zu for n = %d\n", sizeof v, n);
  return (struct view){ v, &len };
}

static void scribble(void) {
  int junk[64];
  memset(junk, 0x41, sizeof junk);
}

static void show(struct view w) {
  size_t n = *w.len;
  for (size_t i = 0; i < n; i++)
    printf("%d ", w.data[i]);
  printf("(%zu)\n", n);
}

int main(void) {
  struct view a = squares(4);
  struct view b = squares(6);
  scribble();
  show(a);
  show(b);
  return 0;
}

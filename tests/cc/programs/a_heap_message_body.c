// asan: stack-use-after-return
// A heap message whose body points at the composer's local text buffer.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct message {
  int to;
  char *body;
  size_t len;
};

static struct message *compose(int to, const char *greeting, const char *name) {
  char text[48];
  int len = snprintf(text, sizeof text, "%s, %s!", greeting, name);
  struct message *m = calloc(1, sizeof *m);
  m->to = to;
  m->body = text;
  m->len = (size_t)len;
  return m;
}

static void scribble(void) {
  char junk[256];
  memset(junk, 'z', sizeof junk);
}

static void deliver(const struct message *m) {
  printf("to %d (%zu): ", m->to, m->len);
  for (size_t i = 0; i < m->len; i++)
    putchar(m->body[i]);
  putchar('\n');
}

int main(void) {
  struct message *a = compose(1, "Hello", "Ada");
  struct message *b = compose(2, "Goodbye", "Alan");
  scribble();
  deliver(a);
  deliver(b);
  free(a);
  free(b);
  return 0;
}

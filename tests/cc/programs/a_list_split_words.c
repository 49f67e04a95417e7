// asan: stack-use-after-return
// Splits a sentence into a list of word nodes, each node a local of the loop
// body appended through a tail pointer, and returns the list.
#include <stdio.h>
#include <string.h>

struct word {
  char text[12];
  int len;
  struct word *next;
};

static struct word *split(const char *s) {
  struct word *first = NULL, **tail = &first;
  while (*s) {
    while (*s == ' ')
      s++;
    if (!*s)
      break;
    struct word w = { .len = 0 };
    while (*s && *s != ' ' && w.len < 11)
      w.text[w.len++] = *s++;
    *tail = &w;
    tail = &w.next;
  }
  return first;
}

static void scribble(void) {
  char junk[512];
  memset(junk, 'x', sizeof junk);
}

int main(void) {
  struct word *list = split("the quick  brown fox");
  scribble();
  int n = 0;
  for (struct word *w = list; w && n < 10; w = w->next, n++)
    printf("%s(%d) ", w->text, w->len);
  printf("\n%d words\n", n);
  return 0;
}

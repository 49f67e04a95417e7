// asan: stack-use-after-return
// A letter histogram in a local array, returned; sizeof facts of the array
// and its elements must stay those of a long[26].
#include <ctype.h>
#include <stdio.h>

static long *histogram(const char *text) {
  long counts[26] = { 0 };
  for (const char *p = text; *p; p++)
    if (isalpha((unsigned char)*p))
      counts[tolower((unsigned char)*p) - 'a']++;
  printf("sizeof counts = %zu, elements = %zu, sizeof(counts[0]) = %zu\n",
         sizeof counts, sizeof counts / sizeof counts[0], sizeof(counts[0]));
  long *p = counts;
  return p;
}

static void scribble(void) {
  long junk[52];
  for (int i = 0; i < 52; i++)
    junk[i] = 3;
  (void)junk;
}

static void show(const long *h) {
  for (int i = 0; i < 26; i++)
    if (h[i])
      printf("%c%ld ", 'a' + i, h[i]);
  printf("\n");
}

int main(void) {
  long *a = histogram("Hello, World");
  long *b = histogram("Mississippi");
  scribble();
  show(a);
  show(b);
  return 0;
}

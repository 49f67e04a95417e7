// asan: stack-use-after-return
// A 2-D char array initialized from string literals and returned as a
// pointer to its rows.
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static char (*weekdays(int upper))[4] {
  char names[7][4] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
  if (upper)
    for (int i = 0; i < 7; i++)
      names[i][0] = (char)toupper((unsigned char)names[i][0]);
  printf("table %zu bytes, %zu names\n", sizeof names, sizeof names / sizeof names[0]);
  char (*rows)[4] = names;
  return rows;
}

static void scribble(void) {
  char junk[7][4];
  memset(junk, 'Z', sizeof junk);
}

int main(void) {
  char (*lower)[4] = weekdays(0);
  char (*upper)[4] = weekdays(1);
  scribble();
  for (int i = 0; i < 7; i += 3)
    printf("%s/%s ", lower[i], upper[i]);
  printf("\n");
  return 0;
}

// asan: none
// Pointers to locals used only while the locals are alive: cursors into a
// loop body's buffer, renewed every iteration, and a pointer to a block's
// array used only inside the block.
#include <stdio.h>
#include <string.h>

int main(void) {
  const char *words[] = { "level", "rotor", "hello" };
  for (int i = 0; i < 3; i++) {
    char buf[16];
    strcpy(buf, words[i]);
    char *lo = buf, *hi = buf + strlen(buf) - 1;
    int pal = 1;
    while (lo < hi)
      if (*lo++ != *hi--) {
        pal = 0;
        break;
      }
    printf("%s: %s\n", buf, pal ? "palindrome" : "no");
  }
  int total = 0;
  {
    int scratch[4] = { 1, 2, 3, 4 };
    int *p = scratch;
    while (p < scratch + 4)
      total += *p++;
  }
  printf("total %d\n", total);
  return 0;
}

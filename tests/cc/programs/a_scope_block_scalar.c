// asan: stack-use-after-scope
// A limit chosen in an inner block and used after the block has ended.
#include <stdio.h>
#include <string.h>

int main(void) {
  const int *limit = NULL;
  const char *mode = "fast";
  {
    int fallback = strcmp(mode, "fast") == 0 ? 3 : 10;
    limit = &fallback;
  }
  {
    int tmp[16];
    for (int i = 0; i < 16; i++)
      tmp[i] = -i;
    printf("tmp %d\n", tmp[15]);
  }
  for (int attempt = 1; attempt <= *limit; attempt++)
    printf("attempt %d of %d\n", attempt, *limit);
  return 0;
}

// asan: none
#include <stdio.h>

/* Block-scope extern declarations name file-scope objects defined at the
   end of the file: their addresses may be kept as long as one likes. */
static const int *kept[4];
static int nkept;

static void remember_limits(void) {
  extern int max_users;
  extern const char banner[];
  kept[nkept++] = &max_users;
  printf("banner: %s\n", banner);
}

static int *counter_ref(void) {
  extern int hits;
  return &hits;
}

int main(void) {
  remember_limits();
  for (int i = 0; i < 3; i++)
    ++*counter_ref();
  {
    extern int max_users;
    max_users *= 2;
  }
  kept[nkept++] = counter_ref();
  printf("max_users %d hits %d\n", *kept[0], *kept[1]);
  return 0;
}

int max_users = 21;
int hits;
const char banner[] = "escape test";

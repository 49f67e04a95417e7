// asan: stack-use-after-return
#include <stdio.h>

/* Debug watch list: WATCH(v) remembers v's name and address for a dump. */
struct watch {
  const char *name;
  const int *addr;
};
static struct watch watches[8];
static int nwatch;
#define WATCH(v) (watches[nwatch].name = #v, watches[nwatch++].addr = &(v))
#define SHOW(v) printf(#v " = %d\n", (v))

static void clobber(void) {
  volatile int junk[64];
  for (int i = 0; i < 64; i++) junk[i] = 7777;
}

static int area(int width, int height) {
  int w = width, h = height;
  WATCH(w);
  WATCH(h);
  int area_px = w * h;
  WATCH(area_px);
  SHOW(area_px);
  w++;
  return area_px;
}

int main(void) {
  area(3, 4);
  area(10, 2);
  clobber();
  for (int i = 0; i < nwatch; i++)
    printf("%s@%d = %d\n", watches[i].name, i, *watches[i].addr);
  return 0;
}

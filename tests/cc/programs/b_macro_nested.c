// asan: stack-use-after-return
#include <stdio.h>

/* Layers of helper macros, as in a serialization library. */
#define ADDR_OF(x) (&(x))
#define SIZE_OF(x) sizeof(x)
#define REMEMBER(x) remember(ADDR_OF(x), SIZE_OF(x))
#define REMEMBER_BOTH(x, y) (REMEMBER(x), REMEMBER(y))

struct region {
  const unsigned char *p;
  size_t n;
};
static struct region regions[8];
static int nregions;

static void remember(const void *p, size_t n) {
  regions[nregions].p = p;
  regions[nregions++].n = n;
}

static void clobber(void) {
  volatile unsigned char junk[512];
  for (int i = 0; i < 512; i++) junk[i] = 0xee;
}

static unsigned header_sum(unsigned short port, unsigned char flags) {
  unsigned short p = port;
  unsigned char f = flags;
  char tag[3] = "ok";
  REMEMBER_BOTH(p, f);
  REMEMBER(tag);
  return p + f;
}

int main(void) {
  unsigned s = header_sum(0x1234, 0x56);
  s += header_sum(0x0102, 0x03);
  clobber();
  printf("sum=%u\n", s);
  for (int i = 0; i < nregions; i++) {
    printf("region %d (%zu bytes):", i, regions[i].n);
    for (size_t k = 0; k < regions[i].n; k++)
      printf(" %02x", regions[i].p[k]);
    printf("\n");
  }
  return 0;
}

// asan: stack-use-after-return
// A union local returned by address and read back through another member.
#include <stdint.h>
#include <stdio.h>

union word {
  uint32_t u;
  float f;
  unsigned char bytes[4];
};

static union word *as_word(float f) {
  union word w;
  w.f = f;
  union word *p = &w;
  return p;
}

static void scribble(void) {
  volatile uint32_t junk[20];
  for (int i = 0; i < 20; i++)
    junk[i] = 0xdeadbeef;
}

int main(void) {
  union word *one = as_word(1.0f);
  union word *half = as_word(-0.5f);
  scribble();
  printf("%08x %08x\n", (unsigned)one->u, (unsigned)half->u);
  one->bytes[3] ^= 0x80; /* flip the sign bit (little-endian) */
  scribble();
  printf("%g %g size %zu\n", one->f, half->f, sizeof *one);
  return 0;
}

// asan: stack-use-after-return
// An _Alignas(32) buffer returned by address: its alignment, size and
// __alignof__ must stay the same wherever it lives.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned char *make_block(unsigned char fill) {
  _Alignas(32) unsigned char block[40];
  memset(block, fill, sizeof block);
  printf("aligned32=%d sizeof=%zu alignof=%zu\n", (int)((uintptr_t)block % 32 == 0),
         sizeof block, __alignof__(block));
  unsigned char *p = block;
  return p;
}

static void scribble(void) {
  unsigned char junk[96];
  memset(junk, 0xee, sizeof junk);
}

static unsigned sum(const unsigned char *b) {
  unsigned s = 0;
  for (int i = 0; i < 40; i++)
    s += b[i];
  return s;
}

int main(void) {
  unsigned char *a = make_block(0x11);
  unsigned char *b = make_block(0x22);
  scribble();
  printf("a: sum %u aligned32=%d\n", sum(a), (int)((uintptr_t)a % 32 == 0));
  printf("b: sum %u aligned32=%d\n", sum(b), (int)((uintptr_t)b % 32 == 0));
  return 0;
}

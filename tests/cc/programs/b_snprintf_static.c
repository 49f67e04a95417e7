// asan: none
#include <stdio.h>

/* A ring of static buffers (as inet_ntoa-style helpers use): the pointer
   stays valid until the ring wraps around, and nothing is on the stack. */
static const char *fmt_size(unsigned long bytes) {
  static char ring[4][16];
  static unsigned slot;
  char *buf = ring[slot++ % 4];
  static const char units[] = "BKMG";
  double v = (double)bytes;
  int u = 0;
  while (v >= 1024 && u < 3) {
    v /= 1024;
    u++;
  }
  snprintf(buf, 16, u ? "%.1f%c" : "%.0f%c", v, units[u]);
  return buf;
}

int main(void) {
  const char *kept[5];
  unsigned long sizes[] = {512, 2048, 5ul << 20, 3758096384ul, 100};
  for (int i = 0; i < 5; i++) {
    kept[i] = fmt_size(sizes[i]);
    printf("%lu -> %s\n", sizes[i], kept[i]);
  }
  printf("kept: %s %s %s %s %s\n", kept[0], kept[1], kept[2], kept[3], kept[4]);
  printf("same slot: %s\n", kept[0] == kept[4] ? "yes" : "no");
  return 0;
}

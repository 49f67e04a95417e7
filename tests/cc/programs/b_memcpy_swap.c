// asan: none
#include <stdio.h>
#include <string.h>

/* Generic byte-wise helpers given the addresses of locals of several types. */
struct point {
  int x, y;
};

static void swap_bytes(void *a, void *b, size_t n) {
  unsigned char tmp[64];
  memcpy(tmp, a, n);
  memcpy(a, b, n);
  memcpy(b, tmp, n);
}

static void rotate_right(void *base, size_t n, size_t size) {
  unsigned char last[16];
  unsigned char *p = base;
  memcpy(last, p + (n - 1) * size, size);
  memmove(p + size, p, (n - 1) * size);
  memcpy(p, last, size);
}

int main(void) {
  struct point p = {1, 2}, q = {3, 4};
  swap_bytes(&p, &q, sizeof p);
  printf("p=(%d,%d) q=(%d,%d)\n", p.x, p.y, q.x, q.y);
  double d[4] = {1.5, 2.5, 3.5, 4.5};
  rotate_right(d, 4, sizeof *d);
  printf("d = %.1f %.1f %.1f %.1f\n", d[0], d[1], d[2], d[3]);
  char name[16] = "escape";
  char other[16];
  memset(other, 0, sizeof other);
  memcpy(other, name, strlen(name));
  strcat(other, "-cc");
  swap_bytes(name, other, sizeof name);
  printf("%s / %s\n", name, other);
  long big = 0x1122334455667788L, small = 7;
  swap_bytes(&big, &small, sizeof big);
  printf("%lx %lx\n", big, small);
  return 0;
}

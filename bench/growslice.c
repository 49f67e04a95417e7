// growslice.c: the capacities escrt_append gives a slice grown one element
// at a time, against Go's (bench/growslice.go prints the same lines;
// bench/growslice.sh compares them). For each element size, a nil slice of
// elements of that many bytes gets ELEMENTS appends of one element; the
// program prints one line per size, the capacity after the first append
// and after every append that changed it:
//
//	elemsize 8: 1 2 4 8 16 32 ...
#include <escape/slice.h>

#include <stdio.h>

// As in growslice.go: past the doubling threshold and past 32 KB.
enum { ELEMENTS = 5000 };

// GROWTH(N) defines caps_N, which prints the line for elements of N bytes.
#define GROWTH(N)                                                              \
  typedef struct {                                                             \
    unsigned char b[N];                                                        \
  } elem##N;                                                                   \
  typedef ESCRT_SLICE(elem##N) slice##N;                                       \
  static void caps_##N(void) {                                                 \
    slice##N s = escrt_nil(slice##N);                                          \
    elem##N zero = {{0}};                                                      \
    ptrdiff_t last = -1;                                                       \
    printf("elemsize %d:", N);                                                 \
    for (int i = 0; i < ELEMENTS; i++) {                                       \
      s = escrt_append(s, zero);                                               \
      if (escrt_cap(s) != last)                                                \
        printf(" %td", last = escrt_cap(s));                                   \
    }                                                                          \
    printf("\n");                                                              \
  }

GROWTH(1)
GROWTH(2)
GROWTH(8)
GROWTH(12)
GROWTH(24)
GROWTH(40)
GROWTH(64)
GROWTH(100)

int main(void) {
  caps_1();
  caps_2();
  caps_8();
  caps_12();
  caps_24();
  caps_40();
  caps_64();
  caps_100();
  return 0;
}

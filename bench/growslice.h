// growslice.h: slices grown by escrt_append one element at a time, and
// the capacities they pass through, for bench/growslice.c (which prints
// them for bench/growslice.sh to compare with Go's) and for
// tests/runtime/check_slice.c (which compares them with the lines Go
// printed).
//
// For each element size, a nil slice of elements of that many bytes gets
// GROWSLICE_ELEMENTS appends of one element, each carrying its index in
// its first byte. Its line, as bench/growslice.go prints it, lists the
// capacity after the first append and after every append that changed it:
//
//	elemsize 8: 1 2 4 8 16 32 ...
#ifndef ESCAPE_BENCH_GROWSLICE_H
#define ESCAPE_BENCH_GROWSLICE_H

#include <escape/slice.h>

#include <stdio.h>

// As in growslice.go: past the 256-element threshold where doubling ends,
// and past 32 KB, where whole pages take over from the size classes, for
// every size below.
#define GROWSLICE_ELEMENTS 5000
#define GROWSLICE_SIZES(X) X(1) X(2) X(8) X(12) X(24) X(40) X(64) X(100)
#define GROWSLICE_MAX_CAPS 64

// GROWSLICE_CAPS(N) defines growslice_caps_N(caps), which grows the slice
// of N-byte elements, stores its capacities in caps and returns how many,
// or -1 when an element did not keep its value through the growth.
#define GROWSLICE_CAPS(N)                                                      \
  typedef struct {                                                             \
    unsigned char b[N];                                                        \
  } growslice_elem##N;                                                         \
  typedef ESCRT_SLICE(growslice_elem##N) growslice_slice##N;                   \
  static int growslice_caps_##N(ptrdiff_t *caps) {                             \
    growslice_slice##N s = escrt_nil(growslice_slice##N);                      \
    int n = 0;                                                                 \
    for (int i = 0; i < GROWSLICE_ELEMENTS; i++) {                             \
      growslice_elem##N e = {{(unsigned char)i}};                              \
      s = escrt_append(s, e);                                                  \
      if ((n == 0 || caps[n - 1] != escrt_cap(s)) && n < GROWSLICE_MAX_CAPS)   \
        caps[n++] = escrt_cap(s);                                              \
    }                                                                          \
    for (int i = 0; i < GROWSLICE_ELEMENTS; i++)                               \
      if (escrt_at(s, i).b[0] != (unsigned char)i)                             \
        return -1;                                                             \
    return n;                                                                  \
  }
GROWSLICE_SIZES(GROWSLICE_CAPS)

#define GROWSLICE_ENTRY(N) {N, growslice_caps_##N},
static const struct {
  int elemsize;
  int (*caps)(ptrdiff_t *caps);
} growslice_sizes[] = {GROWSLICE_SIZES(GROWSLICE_ENTRY)};
#define GROWSLICE_NSIZES (sizeof growslice_sizes / sizeof growslice_sizes[0])

// growslice_line grows the slice of the i-th size and writes its line
// into buf (size bytes; 512 hold any); it returns false when an element
// was lost.
static inline bool growslice_line(size_t i, char *buf, size_t size) {
  ptrdiff_t caps[GROWSLICE_MAX_CAPS];
  int n = growslice_sizes[i].caps(caps);
  size_t len =
      (size_t)snprintf(buf, size, "elemsize %d:", growslice_sizes[i].elemsize);
  for (int k = 0; k < n && len < size; k++)
    len += (size_t)snprintf(buf + len, size - len, " %td", caps[k]);
  return n >= 0;
}

#endif

// Slices: making, growing and copying backing arrays (Go's slice.go).
//
// A slice is a header, {array, len, cap}, that user code passes by value
// and indexes inline (escape/slice.h's macros check the bounds there, and
// call escrt_panic_bounds, panic.c, on the cold path). The runtime's part
// is what needs the heap:
//
//	1. escrt_makeslice checks make's arguments with Go's words and takes a
//	   zeroed collected object for the array: noscan (never read by the
//	   collector) when the element type holds no pointers, scanned
//	   otherwise (mgcalloc.c).
//
//	2. escrt_growslice is append's slow path. The new capacity follows Go
//	   1.19 exactly: twice the old one when that is enough and the old one
//	   is under 256 elements; else grown by a quarter plus 192 (a smooth
//	   path from 2x to 1.25x) until it holds the new length; a length past
//	   twice the old capacity is taken as it is. The bytes are then rounded
//	   up to the size class the allocator would serve them from
//	   (roundupsize: sizeclasses.h, Go's table), and the capacity is what
//	   fits in them, so the slack of the class is not wasted. The old
//	   elements are copied; the old array is left to the collector, since
//	   other slices may share it.
//
//	3. escrt_slicecopy is copy: a memmove of the shorter length.
//
// Arrays of no bytes (no elements, or elements of no size) are all the
// address of zerobase, as in Go: non-NULL, so that make's result is not the
// nil slice, and shared, since nothing can be stored in them.
//
// These run on goroutine stacks; the allocation itself moves to the system
// stack when it leaves escrt_new's fast path.
#include "runtime.h"

#include "escape/gc.h"
#include "escape/slice.h"

#include <string.h>

// Go's maxAlloc on 64-bit Linux: the largest array a slice may ask for. Up
// to it, the heap says whether there is room ("fatal error: out of memory");
// beyond it, make and append panic.
#define MAX_ALLOC ((uintptr_t)1 << ADDRESS_BITS)

// Go's threshold where growth turns from doubling to 1.25x.
#define GROWTH_THRESHOLD 256

static uint64_t zerobase;

// roundupsize is the size of the object the allocator hands out for a
// request of size bytes: its size class, or whole pages (Go's msize.go).
static uintptr_t roundupsize(uintptr_t size) {
  if (size < MAX_SMALL_SIZE)
    return class_to_size[size_to_class(size)];
  if (size + PAGE_SIZE < size)
    return size;
  return (size + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
}

// new_array allocates a zeroed array of size bytes.
static void *new_array(uintptr_t size, bool noscan) {
  if (size == 0)
    return &zerobase;
  return noscan ? escrt_new_noscan(size) : escrt_new(size);
}

void *escrt_makeslice(size_t elemsize, ptrdiff_t len, ptrdiff_t cap,
                      bool noscan) {
  uintptr_t mem;
  bool overflow = __builtin_mul_overflow(elemsize, (uintptr_t)cap, &mem);
  if (unlikely(overflow || mem > MAX_ALLOC || len < 0 || len > cap)) {
    // A bad len is reported as such even when cap is bad too: for
    // make(S, huge) the cap is only implied (golang.org/issue/4085).
    overflow = __builtin_mul_overflow(elemsize, (uintptr_t)len, &mem);
    if (overflow || mem > MAX_ALLOC || len < 0)
      panic_goroutine("runtime error: makeslice: len out of range");
    panic_goroutine("runtime error: makeslice: cap out of range");
  }
  return new_array(mem, noscan);
}

// next_cap is Go 1.19's capacity, in elements, for a slice of capacity
// oldcap that must hold newlen, before rounding to a size class.
static ptrdiff_t next_cap(ptrdiff_t oldcap, ptrdiff_t newlen) {
  ptrdiff_t newcap = oldcap;
  ptrdiff_t doublecap = newcap + newcap;
  if (newlen > doublecap)
    return newlen;
  if (oldcap < GROWTH_THRESHOLD)
    return doublecap;
  // 0 < newcap catches an overflow, which would loop forever.
  while (0 < newcap && newcap < newlen)
    newcap += (newcap + 3 * GROWTH_THRESHOLD) / 4;
  return newcap <= 0 ? newlen : newcap;
}

escrt_slice escrt_growslice(void *oldarray, ptrdiff_t oldlen, ptrdiff_t oldcap,
                            ptrdiff_t newlen, size_t elemsize, bool noscan) {
  if (unlikely(newlen < oldcap))
    panic_goroutine("runtime error: growslice: cap out of range");
  if (elemsize == 0)
    return (escrt_slice){&zerobase, oldlen, newlen};

  ptrdiff_t newcap = next_cap(oldcap, newlen);
  uintptr_t capmem;
  bool overflow = __builtin_mul_overflow(elemsize, (uintptr_t)newcap, &capmem);
  capmem = roundupsize(capmem);
  if (unlikely(overflow || capmem > MAX_ALLOC))
    panic_goroutine("runtime error: growslice: cap out of range");
  newcap = (ptrdiff_t)(capmem / elemsize);

  void *p = new_array(capmem, noscan);
  uintptr_t lenmem = (uintptr_t)oldlen * elemsize;
  if (lenmem > 0)
    memmove(p, oldarray, lenmem);
  return (escrt_slice){p, oldlen, newcap};
}

ptrdiff_t escrt_slicecopy(void *dst, ptrdiff_t dstlen, const void *src,
                          ptrdiff_t srclen, size_t elemsize) {
  if (srclen <= 0 || dstlen <= 0)
    return 0;
  ptrdiff_t n = srclen < dstlen ? srclen : dstlen;
  if (elemsize > 0)
    memmove(dst, src, (size_t)n * elemsize);
  return n;
}

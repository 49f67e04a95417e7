// C's allocation functions, on the runtime heap.
//
// Built into libescrt-malloc.so only: a program started with
// LD_PRELOAD=libescrt-malloc.so resolves malloc, free and the rest here
// before the C library, so all its allocations (and the C library's own,
// which call malloc through the PLT) use the span heap. Each function is a
// tail call into malloc.c.
#include "runtime.h"

#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))

EXPORT void *malloc(size_t size) { return escrt_malloc(size); }
EXPORT void free(void *p) { escrt_free(p); }
EXPORT void *calloc(size_t n, size_t size) { return escrt_calloc(n, size); }
EXPORT void *realloc(void *p, size_t size) { return escrt_realloc(p, size); }
EXPORT void *reallocarray(void *p, size_t n, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(n, size, &total))
    return escrt_realloc(p, SIZE_MAX); // fails with ENOMEM, p untouched
  return escrt_realloc(p, total);
}
EXPORT int posix_memalign(void **out, size_t align, size_t size) {
  return escrt_posix_memalign(out, align, size);
}
EXPORT void *aligned_alloc(size_t align, size_t size) {
  return escrt_aligned_alloc(align, size);
}
EXPORT void *memalign(size_t align, size_t size) {
  return escrt_memalign(align, size);
}
EXPORT void *valloc(size_t size) { return escrt_valloc(size); }
EXPORT void *pvalloc(size_t size) { return escrt_pvalloc(size); }
EXPORT size_t malloc_usable_size(void *p) { return escrt_usable_size(p); }
EXPORT void cfree(void *p) { escrt_free(p); }

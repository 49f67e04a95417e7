// Allocating collected objects: escrt_new and escrt_new_noscan (Go's
// mallocgc).
//
// The same span machinery as malloc (malloc.c): size classes, a bitmap word
// cached per span, one ctz to take an object. Collected objects have spans
// of their own, of a kind (scanned, or noscan: never read by the
// collector), and each registered thread has a current span per kind and
// class in its record (gcthread.alloc), apart from its malloc cache. Nobody
// frees a collected object: the collector's sweep does (mgcsweep.c), and a
// swept object keeps its old bytes, so an object is zeroed as it is handed
// out when its span may hold old data.
//
// The fast path is a region no stop can interrupt (nostop_enter): while the
// world is stopped, no thread is half way through taking an object, and the
// collector can give every thread's spans back (gccache_drop). The slow
// path runs on the system stack when called on a goroutine: it may sweep,
// take the heap's locks, register the thread or collect.
//
// Pacing (mgc.c): each word of objects loaded into a cache, and each large
// object, counts as allocated (gc_allocated); the slow path collects first
// when the total has reached the trigger.
#include "runtime.h"

#include "escape/gc.h"
#include "escape/go.h"

#include <string.h>

void gc_maybe_collect(void);

// zero clears an object of size bytes, a multiple of 8. Small objects get
// plain stores: a loop the compiler turns into rep stos costs more than the
// object (measured: a third of escrt_new's time in binary-trees).
static inline void zero(void *p, uintptr_t size) {
  uint64_t *w = p;
  switch (size) {
  case 8:
    w[0] = 0;
    return;
  case 16:
    w[0] = w[1] = 0;
    return;
  case 24:
    w[0] = w[1] = w[2] = 0;
    return;
  case 32:
    w[0] = w[1] = w[2] = w[3] = 0;
    return;
  default:
    memset(p, 0, size);
  }
}

// take hands out the lowest cached object of s, zeroed.
static inline void *take(mspan *s, uint64_t cache) {
  void *p = mspan_take(s, cache);
  if (s->needzero)
    zero(p, s->elemsize);
  return p;
}

typedef struct slow_args {
  size_t size;
  int kind;
  void *p;
} slow_args;

// refill gives thread t a current span of kind and class cls with cached
// objects, and returns the span.
static mspan *refill(gcthread *t, int kind, int cls) {
  mspan *s = t->alloc[kind - 1][cls];
  uint32_t n = s == &empty_mspan ? 0 : mspan_refill_cache(s);
  if (n == 0) {
    t->alloc[kind - 1][cls] = &empty_mspan;
    if (s != &empty_mspan)
      gc_put_span(s); // every object allocated
    if ((s = gc_take_span(kind, cls)) == NULL)
      return NULL;
    n = mspan_reset_cache(s);
    if (n == 0)
      throw("a collected span with room has no free object");
    t->alloc[kind - 1][cls] = s;
  }
  gc_allocated((uint64_t)n * s->elemsize);
  return s;
}

static void alloc_large(slow_args *a) {
  if (a->size > PTRDIFF_MAX)
    fatal("out of memory");
  uintptr_t npages = (a->size + PAGE_SIZE - 1) / PAGE_SIZE;
  gc_sweep_pages(npages);
  nostop_enter(); // in the large list before a collection can see it
  mspan *s = mheap_alloc_large(npages, PAGE_SIZE);
  if (s == NULL)
    fatal("out of memory");
  gc_span_init(s, a->kind);
  if (s->needzero)
    memset((void *)s->base, 0, a->size);
  gc_add_large(s);
  nostop_leave();
  gc_allocated(npages * PAGE_SIZE);
  a->p = (void *)s->base;
}

// alloc_slow allocates when the fast path could not: on the system stack.
static void alloc_slow(void *arg) {
  slow_args *a = arg;
  if (!malloc_init())
    fatal("out of memory");
  gcthread *t = gc_register_thread();
  gc_maybe_collect();
  if (a->size > MAX_SMALL_SIZE) {
    alloc_large(a);
    return;
  }
  int cls = size_to_class(a->size == 0 ? 1 : a->size);
  nostop_enter();
  mspan *s = t->alloc[a->kind - 1][cls];
  uint64_t cache = s->alloc_cache;
  if (cache == 0) {
    if ((s = refill(t, a->kind, cls)) == NULL) {
      nostop_leave();
      fatal("out of memory");
    }
    cache = s->alloc_cache;
  }
  a->p = take(s, cache);
  nostop_leave();
}

static NOINLINE void *new_slow(size_t size, int kind) {
  slow_args a = {size, kind, NULL};
  escrt_systemstack(alloc_slow, &a);
  return a.p;
}

static inline void *gc_new(size_t size, int kind) {
  gcthread *t = tls_gcthread;
  if (likely(size <= MAX_SMALL_SIZE && t != NULL)) {
    nostop_enter();
    mspan *s = t->alloc[kind - 1][size_class8[(size + 7) / 8]];
    uint64_t cache = s->alloc_cache;
    if (likely(cache != 0)) {
      void *p = take(s, cache);
      nostop_leave();
      return p;
    }
    nostop_leave();
  }
  return new_slow(size, kind);
}

void *escrt_new(size_t size) { return gc_new(size, GC_KIND_SCAN); }

void *escrt_new_noscan(size_t size) { return gc_new(size, GC_KIND_NOSCAN); }

// gccache_drop gives thread t's current spans back to their centrals. The
// thread is stopped outside its allocator, or exiting.
void gccache_drop(gcthread *t) {
  for (int k = 0; k < GC_KINDS; k++)
    for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
      mspan *s = t->alloc[k][cls];
      if (s == &empty_mspan)
        continue;
      t->alloc[k][cls] = &empty_mspan;
      mspan_drop_cache(s);
      gc_put_span(s);
    }
}

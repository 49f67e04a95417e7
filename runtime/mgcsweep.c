// Sweeping: the collected spans' lists, and freeing what marking left
// unmarked, span by span, lazily (Go's mgcsweep.go and mcentral.go).
//
// Collected objects live in spans of their own (mspan.gckind: scanned or
// noscan), apart from malloc's, so that the collector's frees never meet
// malloc's owner and remote-free machinery. Each kind and class has a
// central with three lists:
//
//	partial   swept, with free objects: what the allocator takes first
//	full      swept, every object allocated
//	unswept   marked by the last collection, not swept since
//
// and large objects have one list of their own, live or unswept. A span in
// a thread's cache is on no list. With the world stopped, every thread's
// cache goes back to partial or full (gccache_drop), marking sets the spans'
// gcmark bits, and gc_sweep_prepare moves every list onto unswept: Go's
// sweep generations, with the lists standing for the generation. Then,
// with the world running again:
//
//   - an allocator that needs a span of a class sweeps the class's unswept
//     spans first, and takes the first that has room (gc_take_span);
//   - before new pages come from the mheap, as many pages of any class are
//     swept (gc_sweep_pages: Go's proportional sweep, so that freed runs are
//     there to be reused before the heap grows);
//   - the next collection sweeps whatever is left before it stops the world
//     (gc_sweep_finish), and so does escrt_gc before it returns.
//
// Sweeping a span is alloc &= mark over its bitmap words (the mark bytes
// gathered 64 at a time) and clearing the marks: the objects allocated and not
// marked are free. A span left with no object goes back to the mheap. A swept
// span is taken off its list under the central's lock and swept without it; the
// sweep itself is a region no stop can interrupt (nostop_enter), so a stopped
// world holds no half-swept span. Freed objects keep their old bytes: the
// allocator zeroes an object of a span that may hold old data (needzero) as it
// hands it out.
#include "runtime.h"

#include <string.h>

// gccentral is one kind and class's spans; its lock guards the lists.
typedef struct gccentral {
  mutex lock;
  span_list partial, full, unswept;
} __attribute__((aligned(64))) gccentral;

static gccentral centrals[GC_KINDS][NUM_SIZE_CLASSES];

static struct {
  mutex lock;
  span_list live, unswept;
} large;

// Pages on unswept lists, so that sweepers stop looking when none is left.
static _Atomic uint64_t unswept_pages;
// Where gc_sweep_pages looks next: a class, round robin.
static _Atomic uint32_t sweep_cursor;

_Atomic uint64_t gc_bytes_freed, gc_objects_freed;

enum { SWEPT_FREED, SWEPT_PARTIAL, SWEPT_FULL };

static void list_append(span_list *to, span_list *from) {
  if (from->first == NULL)
    return;
  if (to->last != NULL) {
    to->last->next = from->first;
    from->first->prev = to->last;
  } else {
    to->first = from->first;
  }
  to->last = from->last;
  to->len += from->len;
  *from = (span_list){0};
}

// ---------------------------------------------------------------------------
// Mark bytes
// ---------------------------------------------------------------------------

// A collected span's mark bytes, 64 << k bytes for a span whose bitmaps
// have 1 << k words, come from free lists by k, refilled from
// persistent_alloc: zero when handed out, zeroed again by the sweep.
static struct {
  mutex lock;
  void *free[8];
} marks;

// gc_span_init makes in-use span s, just from the mheap, a collected span
// of kind.
void gc_span_init(mspan *s, int kind) {
  int k = s->nwords_log2;
  mutex_lock(&marks.lock);
  void *m = marks.free[k];
  if (m != NULL)
    marks.free[k] = *(void **)m;
  mutex_unlock(&marks.lock);
  if (m == NULL && (m = persistent_alloc((size_t)64 << k)) == NULL)
    fatal("out of memory");
  memset(m, 0, (size_t)64 << k);
  s->gcmarks = m;
  // A span made during a concurrent mark holds only objects allocated
  // during it, which that mark takes as marked (mgcmark.c) and the sweep
  // after it keeps.
  s->gcborn = atomic_load(&gc_concurrent_mark);
  // Last, and released: a concurrent marker that reads the kind (mgcmark.c)
  // finds the span and its marks whole.
  __atomic_store_n(&s->gckind, (uint8_t)kind, __ATOMIC_RELEASE);
}

static void free_span(mspan *s) {
  int k = s->nwords_log2;
  mutex_lock(&marks.lock);
  *(void **)s->gcmarks = marks.free[k];
  marks.free[k] = s->gcmarks;
  mutex_unlock(&marks.lock);
  s->gcmarks = NULL;
  s->gckind = GC_KIND_MALLOC;
  mheap_free_span(s);
}

// mark_word gathers the marks of objects 64w .. 64w+63 of s into a word,
// and clears them.
static uint64_t mark_word(mspan *s, uint32_t w) {
  uint8_t *m = s->gcmarks + (size_t)w * 64;
  uint64_t bits = 0;
  for (int i = 0; i < 8; i++) {
    uint64_t v;
    memcpy(&v, m + i * 8, 8); // eight bytes of 0 or 1
    // The multiplication moves byte j's low bit to bit 56 + j.
    bits |= ((v * 0x0102040810204080u) >> 56) << (i * 8);
  }
  memset(m, 0, 64);
  return bits;
}

// sweep_small frees the unmarked objects of small span s, which the caller
// took off its list, and says what is left.
static int sweep_small(mspan *s) {
  uint64_t *alloc = span_alloc_bits(s);
  uint32_t freed = 0;
  if (s->gcborn != GC_BORN_BEFORE) { // allocated during the last mark
    s->gcborn = GC_BORN_BEFORE;
    memset(s->gcmarks, 0, (size_t)64 << s->nwords_log2);
    if (s->alloc_count == 0)
      return SWEPT_FREED;
    return s->alloc_count == s->nelems ? SWEPT_FULL : SWEPT_PARTIAL;
  }
  for (uint32_t w = 0, nw = (s->nelems + 63u) / 64u; w < nw; w++) {
    uint64_t mark = mark_word(s, w);
    uint64_t dead = alloc[w] & ~mark;
    if (dead != 0) {
      freed += popcount(dead);
      alloc[w] &= mark;
    }
  }
  s->alloc_count -= freed; // its cache is empty: the allocator reloads it
  if (freed != 0) {
    s->needzero = 1;
    atomic_fetch_add_explicit(&gc_objects_freed, freed, memory_order_relaxed);
    atomic_fetch_add_explicit(&gc_bytes_freed, (uint64_t)freed * s->elemsize,
                              memory_order_relaxed);
  }
  if (s->alloc_count == 0)
    return SWEPT_FREED;
  return s->alloc_count == s->nelems ? SWEPT_FULL : SWEPT_PARTIAL;
}

// sweep_from_central sweeps one unswept span of c, if it has one, and files
// it. It returns the span if it is partial and keep is set (then it is on no
// list), else NULL; *none says whether c had nothing to sweep.
static mspan *sweep_from_central(gccentral *c, bool keep, bool *none) {
  mutex_lock(&c->lock);
  mspan *s = span_list_pop(&c->unswept);
  if (s == NULL) {
    mutex_unlock(&c->lock);
    *none = true;
    return NULL;
  }
  nostop_enter(); // the sweep, past the unlock
  mutex_unlock(&c->lock);
  *none = false;
  atomic_fetch_sub_explicit(&unswept_pages, s->npages, memory_order_relaxed);
  int r = sweep_small(s);
  if (r == SWEPT_FREED) {
    free_span(s);
  } else if (r == SWEPT_PARTIAL && keep) {
    nostop_leave();
    return s;
  } else {
    mutex_lock(&c->lock);
    span_list_push(r == SWEPT_FULL ? &c->full : &c->partial, s);
    mutex_unlock(&c->lock);
  }
  nostop_leave();
  return NULL;
}

// sweep_one_large sweeps one unswept large object; false when none is left.
static bool sweep_one_large(void) {
  mutex_lock(&large.lock);
  mspan *s = span_list_pop(&large.unswept);
  if (s == NULL) {
    mutex_unlock(&large.lock);
    return false;
  }
  atomic_fetch_sub_explicit(&unswept_pages, s->npages, memory_order_relaxed);
  if (s->gcmarks[0] || s->gcborn != GC_BORN_BEFORE) {
    s->gcmarks[0] = 0;
    s->gcborn = GC_BORN_BEFORE;
    span_list_push(&large.live, s);
    mutex_unlock(&large.lock);
    return true;
  }
  nostop_enter();
  mutex_unlock(&large.lock);
  span_alloc_bits(s)[0] = 0;
  atomic_fetch_add_explicit(&gc_objects_freed, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&gc_bytes_freed, s->npages * PAGE_SIZE,
                            memory_order_relaxed);
  free_span(s);
  nostop_leave();
  return true;
}

// ---------------------------------------------------------------------------
// What the allocator calls
// ---------------------------------------------------------------------------

// gc_take_span returns a span of kind (GC_KIND_SCAN or GC_KIND_NOSCAN) and
// class cls with free objects, its cache empty, or NULL when the heap is
// out of memory.
mspan *gc_take_span(int kind, int cls) {
  gccentral *c = &centrals[kind - 1][cls];
  for (;;) {
    mutex_lock(&c->lock);
    mspan *s = span_list_pop(&c->partial);
    mutex_unlock(&c->lock);
    if (s != NULL)
      return s;
    bool none;
    if ((s = sweep_from_central(c, true, &none)) != NULL)
      return s;
    if (none)
      break;
  }
  gc_sweep_pages(class_npages(cls));
  mspan *s = mheap_alloc_small(cls);
  if (s != NULL)
    gc_span_init(s, kind);
  return s;
}

// gc_put_span files span s, from a thread's cache whose objects were given
// back (mspan_drop_cache), on its central's partial or full list.
void gc_put_span(mspan *s) {
  gccentral *c = &centrals[s->gckind - 1][s->spanclass];
  mutex_lock(&c->lock);
  span_list_push(s->alloc_count == s->nelems ? &c->full : &c->partial, s);
  mutex_unlock(&c->lock);
}

void gc_add_large(mspan *s) {
  mutex_lock(&large.lock);
  span_list_push(&large.live, s);
  mutex_unlock(&large.lock);
}

// gc_sweep_pages sweeps spans of any class, and large objects, until
// npages pages were swept or nothing is left unswept.
void gc_sweep_pages(uintptr_t npages) {
  uintptr_t swept = 0;
  int idle = 0; // centrals in a row with nothing to sweep
  while (swept < npages &&
         atomic_load_explicit(&unswept_pages, memory_order_relaxed) != 0) {
    if (large.unswept.first != NULL && sweep_one_large()) {
      swept += 1;
      continue;
    }
    uint32_t i =
        atomic_fetch_add_explicit(&sweep_cursor, 1, memory_order_relaxed) %
        (GC_KINDS * NUM_SIZE_CLASSES);
    if (i % NUM_SIZE_CLASSES == 0)
      continue; // class 0 has no central
    bool none;
    sweep_from_central(&centrals[i / NUM_SIZE_CLASSES][i % NUM_SIZE_CLASSES],
                       false, &none);
    if (none) {
      if (++idle > GC_KINDS * NUM_SIZE_CLASSES)
        break; // what is left is being swept by others
      continue;
    }
    idle = 0;
    swept += class_npages((int)(i % NUM_SIZE_CLASSES));
  }
}

// gc_sweep_finish sweeps every span left unswept.
void gc_sweep_finish(void) {
  while (sweep_one_large())
    ;
  for (int k = 0; k < GC_KINDS; k++)
    for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
      bool none = false;
      while (!none)
        sweep_from_central(&centrals[k][cls], false, &none);
    }
}

// gc_sweep_prepare makes every collected span unswept; the world is
// stopped, the marks are set and every cache was dropped.
void gc_sweep_prepare(void) {
  uint64_t pages = 0;
  for (int k = 0; k < GC_KINDS; k++)
    for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
      gccentral *c = &centrals[k][cls];
      mutex_lock(&c->lock);
      list_append(&c->unswept, &c->partial);
      list_append(&c->unswept, &c->full);
      pages += c->unswept.len * class_npages(cls);
      mutex_unlock(&c->lock);
    }
  mutex_lock(&large.lock);
  list_append(&large.unswept, &large.live);
  for (mspan *s = large.unswept.first; s != NULL; s = s->next)
    pages += s->npages;
  mutex_unlock(&large.lock);
  atomic_store(&unswept_pages, pages);
}

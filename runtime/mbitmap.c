// Span bitmaps and span lists.
//
// See malloc.c for an overview. A span carries two bitmaps of one bit per
// object (runtime.h, struct mspan): alloc_bits, exact allocation state;
// remote_bits, objects freed by threads other than the owner and not yet
// collected. (The collector's marks are bytes of their own: mgcsweep.c.)
//
// Allocation scans alloc_bits a 64-bit word at a time, as Go's nextFreeFast
// and refillAllocCache do: the complement of one word, masked to the span's
// objects, becomes alloc_cache, and each allocation takes its lowest set bit
// with one ctz. When the word runs out the scan moves on; when the span runs
// out, the mcache decides whether a rescan from word 0 (reset) pays.
//
// Remote frees never touch alloc_bits: they atomically set a remote bit, and
// the owner folds the remote bits into alloc_bits when it next needs free
// objects (mspan_collect). So alloc_bits has one writer and needs no atomic
// read-modify-write on the fast path.
#include "runtime.h"

// ---------------------------------------------------------------------------
// Span lists
// ---------------------------------------------------------------------------

void span_list_push(span_list *l, mspan *s) {
  s->prev = l->last;
  s->next = NULL;
  if (l->last != NULL)
    l->last->next = s;
  else
    l->first = s;
  l->last = s;
  l->len++;
}

void span_list_push_front(span_list *l, mspan *s) {
  s->next = l->first;
  s->prev = NULL;
  if (l->first != NULL)
    l->first->prev = s;
  else
    l->last = s;
  l->first = s;
  l->len++;
}

void span_list_remove(span_list *l, mspan *s) {
  if (s->prev != NULL)
    s->prev->next = s->next;
  else
    l->first = s->next;
  if (s->next != NULL)
    s->next->prev = s->prev;
  else
    l->last = s->prev;
  s->next = s->prev = NULL;
  l->len--;
}

mspan *span_list_pop(span_list *l) {
  mspan *s = l->first;
  if (s != NULL)
    span_list_remove(l, s);
  return s;
}

// span_set_list records which list s is on, and when its owner's frees
// must take the slow path (mspan.free_slow_at).
void span_set_list(mspan *s, uint8_t list) {
  s->list = list;
  s->free_slow_at = 0;
  if (list == SPAN_FULL)
    s->free_slow_at =
        s->nelems - (s->nelems + RESCAN_FRACTION - 1) / RESCAN_FRACTION;
}

// ---------------------------------------------------------------------------
// Bitmaps
// ---------------------------------------------------------------------------

// span_words returns the bitmap words a span of class spanclass needs.
uintptr_t span_words(int spanclass) {
  if (spanclass == 0)
    return 1;
  uintptr_t nelems =
      class_npages(spanclass) * PAGE_SIZE / class_to_size[spanclass];
  return (nelems + 63) / 64;
}

static uint32_t nwords(const mspan *s) { return (s->nelems + 63u) / 64u; }

// valid_mask returns the bits of word w that stand for objects of s.
static uint64_t valid_mask(const mspan *s, uint32_t w) {
  uint32_t left = s->nelems - w * 64;
  return left >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << left) - 1;
}

// mspan_init_class cuts s into objects of class spanclass, all free.
// s->base and s->npages are set and its bitmaps are zero.
void mspan_init_class(mspan *s, int spanclass) {
  s->spanclass = (uint8_t)spanclass;
  s->elemsize = class_to_size[spanclass];
  s->divmagic = class_to_divmagic[spanclass];
  s->nelems = (uint16_t)(s->npages * PAGE_SIZE / s->elemsize);
  s->limit_off = s->nelems * s->elemsize;
  s->alloc_count = 0;
  s->freeindex = 0;
  s->cache_addr = s->base;
  s->alloc_cache = 0; // the owner loads it: mspan_reset_cache
}

// scan_from loads the cache from the first word at or after w that has a
// free object, and counts the objects loaded as allocated. It returns how
// many it loaded: 0 when the span has no free object from w on. The cache
// is empty on entry.
static uint32_t scan_from(mspan *s, uint32_t w) {
  // Fold remote frees in first: then no object freed twice, once by another
  // thread and once by the owner, can be handed out (mspan_collect).
  mspan_collect(s);
  uint64_t *alloc = span_alloc_bits(s);
  for (uint32_t n = nwords(s); w < n; w++) {
    uint64_t free = ~alloc[w] & valid_mask(s, w);
    if (free != 0) {
      uint32_t loaded = (uint32_t)popcount(free);
      s->freeindex = w * 64;
      s->cache_addr = s->base + (uintptr_t)w * 64 * s->elemsize;
      s->alloc_cache = free;
      s->alloc_count += loaded;
      return loaded;
    }
  }
  s->freeindex = nwords(s) * 64;
  return 0;
}

// mspan_refill_cache moves the empty cache to the next word with a free
// object after the current one (Go's refillAllocCache plus nextFreeIndex).
uint32_t mspan_refill_cache(mspan *s) {
  return scan_from(s, s->freeindex / 64 + 1);
}

// mspan_reset_cache loads the empty cache scanning from the first object.
uint32_t mspan_reset_cache(mspan *s) { return scan_from(s, 0); }

// mspan_drop_cache gives the cached objects back: they are free in
// alloc_bits already, and stop counting as allocated. It returns how many.
uint32_t mspan_drop_cache(mspan *s) {
  uint32_t n = (uint32_t)popcount(s->alloc_cache);
  s->alloc_cache = 0;
  s->alloc_count -= n;
  return n;
}

// mspan_collect folds the frees other threads made into alloc_bits and
// returns how many objects they freed. An object whose remote bit is set
// while its alloc bit is already clear was freed twice, once by another
// thread and once by the owner (whose fast path reads only alloc_bits): the
// program stops here, before the object can be handed out again, since every
// scan for free objects collects first. The caller owns s (or holds its
// mcentral's lock with s unowned).
uint32_t mspan_collect(mspan *s) {
  if (atomic_load_explicit(&s->remote_pending, memory_order_relaxed) == 0 ||
      atomic_exchange_explicit(&s->remote_pending, 0, memory_order_acquire) ==
          0)
    return 0;
  uint64_t *alloc = span_alloc_bits(s);
  _Atomic uint64_t *remote = span_remote_bits(s);
  uint32_t n = 0;
  for (uint32_t w = 0, nw = nwords(s); w < nw; w++) {
    if (atomic_load_explicit(&remote[w], memory_order_relaxed) == 0)
      continue;
    uint64_t r = atomic_exchange_explicit(&remote[w], 0, memory_order_acquire);
    if (r & ~alloc[w]) // freed by another thread and by the owner
      fatal_free(
          "free",
          (void *)(s->base + ((uintptr_t)w * 64 +
                              (uintptr_t)__builtin_ctzll(r & ~alloc[w])) *
                                 s->elemsize),
          "object already free", 0, 0);
    __atomic_store_n(&alloc[w], alloc[w] & ~r, __ATOMIC_RELAXED);
    n += (uint32_t)popcount(r);
  }
  s->alloc_count -= n;
  return n;
}

// mspan_is_valid checks a small-object span's invariants; for asserts and
// tests. The caller owns s and no remote free is in flight.
bool mspan_is_valid(mspan *s) {
  if (s->state != MSPAN_IN_USE || s->spanclass == 0)
    return s->state != MSPAN_DEAD;
  uint64_t *alloc = span_alloc_bits(s);
  uint32_t count = 0;
  for (uint32_t w = 0; w < nwords(s); w++) {
    if (alloc[w] & ~valid_mask(s, w))
      return false; // a bit beyond the last object
    count += (uint32_t)popcount(alloc[w]);
  }
  if (count + (uint32_t)popcount(s->alloc_cache) != s->alloc_count)
    return false;
  if (s->freeindex % 64 != 0)
    return false;
  if (s->alloc_cache != 0 && (s->alloc_cache & alloc[s->freeindex / 64]))
    return false; // cached objects must be free
  return s->nelems * s->elemsize <= s->npages * PAGE_SIZE;
}

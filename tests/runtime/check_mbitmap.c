// check_mbitmap: how a span is carved into objects and tracked by its
// bitmaps (runtime/mbitmap.c), through the runtime's internal functions.
//
// Every test takes spans straight from the page heap (mheap_alloc_small), so
// no mcache or mcentral stands between the test and the span: the test is
// the span's owner and drives the allocation cache by hand, as mcache.c
// does. What it checks, for every size class:
//   - the carving: npages = class_npages(cls), nelems = npages*8192/size,
//     limit_off = nelems*size, elemsize and divmagic from sizeclasses.h, a
//     page-aligned base, and two bitmaps (alloc, remote) with room
//     for every object, all zero;
//   - the allocation cache: mspan_reset_cache loads the first word,
//     mspan_take and mspan_refill_cache then hand out every object exactly
//     once, in address order, at base + i*size, and refill says 0 at the end;
//     mspan_is_valid holds after every word;
//   - the span map and the object arithmetic for every byte of the span:
//     span_of finds the span, span_object_index and span_at_object agree
//     with division;
//   - the counts: alloc_count == popcount(alloc bits) + popcount(cache)
//     across mspan_drop_cache, and mspan_collect folding remote frees in;
//   - span lists and span_set_list's thresholds.
// mspan_is_valid is also checked to notice each corruption it claims to.
//
// Spans go back with mheap_free_span once their bits and counts are zero
// again (give_back), so each test leaves the heap as it found it.
//
// usage: check_mbitmap [TEST]
#include "runtime.h"

#include "harness.h"

#include <check.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// expect is ck_assert_msg for loops over every object or byte: a passing
// ck_assert reports its line to the Check parent through a pipe, which costs
// a system call per check.
#define expect(cond, ...)                                                      \
  do {                                                                         \
    if (!(cond))                                                               \
      ck_abort_msg(__VA_ARGS__);                                               \
  } while (0)

// ---------------------------------------------------------------------------
// Spans
// ---------------------------------------------------------------------------

static uint32_t nwords(const mspan *s) { return (s->nelems + 63u) / 64u; }

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

// new_span returns a fresh span of class cls from the page heap.
static mspan *new_span(int cls) {
  ck_assert_msg(malloc_init(), "the heap did not initialize");
  mspan *s = mheap_alloc_small(cls);
  ck_assert_msg(s != NULL, "mheap_alloc_small(%d) returned NULL", cls);
  return s;
}

// clear_bits zeroes both bitmaps of s, every word the struct has.
static void clear_bits(mspan *s) {
  size_t words = (size_t)1 << s->nwords_log2;
  memset(span_alloc_bits(s), 0, words * sizeof(uint64_t));
  for (size_t w = 0; w < words; w++)
    atomic_store(&span_remote_bits(s)[w], 0);
}

// give_back frees every object of s and returns it to the page heap.
static void give_back(mspan *s) {
  clear_bits(s);
  s->alloc_cache = 0;
  s->alloc_count = 0;
  atomic_store(&s->remote_pending, 0);
  mheap_free_span(s);
}

// take_all hands out every object of s, whose cache is loaded, checking each
// address and the span's invariants after every word; it returns how many.
static uint32_t take_all(mspan *s, int cls) {
  uint32_t i = 0;
  for (;;) {
    while (s->alloc_cache != 0) {
      uintptr_t p = (uintptr_t)mspan_take(s, s->alloc_cache);
      expect(p == s->base + (uintptr_t)i * s->elemsize,
             "class %d: object %u handed out at base+%#lx, want base+%#lx", cls,
             i, (unsigned long)(p - s->base), (unsigned long)i * s->elemsize);
      i++;
    }
    expect(mspan_is_valid(s), "class %d: span invalid after %u objects", cls,
           i);
    uint32_t loaded = mspan_refill_cache(s);
    if (loaded == 0)
      break;
    expect(loaded == min_u32(64, s->nelems - i),
           "class %d: refill after %u objects loaded %u, want %u", cls, i,
           loaded, min_u32(64, s->nelems - i));
    expect(s->freeindex == i && s->cache_addr == s->base + i * s->elemsize,
           "class %d: refill after %u objects moved to index %u", cls, i,
           s->freeindex);
  }
  return i;
}

// ---------------------------------------------------------------------------
// Carving
// ---------------------------------------------------------------------------

START_TEST(carve_every_class) {
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    mspan *s = new_span(cls), *t = new_span(cls);
    uint32_t size = class_to_size[cls];
    uintptr_t npages = class_npages(cls);
    ck_assert_msg(s->state == MSPAN_IN_USE && s->spanclass == cls,
                  "class %d: state %d, spanclass %d", cls, s->state,
                  s->spanclass);
    ck_assert_msg(s->npages == npages, "class %d: %lu pages, want %lu", cls,
                  (unsigned long)s->npages, (unsigned long)npages);
    ck_assert_msg(s->nelems == npages * PAGE_SIZE / size,
                  "class %d: %u objects, want %lu", cls, s->nelems,
                  (unsigned long)(npages * PAGE_SIZE / size));
    ck_assert_msg(s->elemsize == size && s->divmagic == class_to_divmagic[cls],
                  "class %d: elemsize %u, divmagic %u", cls, s->elemsize,
                  s->divmagic);
    ck_assert_msg(s->limit_off == (uint32_t)s->nelems * size,
                  "class %d: limit_off %u, want %u", cls, s->limit_off,
                  (uint32_t)s->nelems * size);
    ck_assert_msg(s->base % PAGE_SIZE == 0, "class %d: base %#lx", cls,
                  (unsigned long)s->base);
    ck_assert_msg(s->alloc_count == 0 && s->alloc_cache == 0 &&
                      atomic_load(&s->remote_pending) == 0,
                  "class %d: a fresh span has counts", cls);
    ck_assert_msg(span_limit(s) <= t->base || span_limit(t) <= s->base,
                  "class %d: two spans overlap: %#lx+%lu and %#lx", cls,
                  (unsigned long)s->base, (unsigned long)npages * PAGE_SIZE,
                  (unsigned long)t->base);
    give_back(s);
    give_back(t);
  }
}
END_TEST

// Each bitmap has a bit for every object, and a fresh span's are zero: also
// when the span struct is a recycled one whose bitmaps were dirty.
START_TEST(fresh_bitmaps_are_zero) {
  for (int round = 0; round < 2; round++)
    for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
      mspan *s = new_span(cls);
      size_t words = (size_t)1 << s->nwords_log2;
      ck_assert_msg(span_words(cls) == nwords(s) && words >= nwords(s),
                    "class %d: span_words %lu, %u needed, %zu in the struct",
                    cls, (unsigned long)span_words(cls), nwords(s), words);
      ck_assert_msg(
          (uint64_t *)span_remote_bits(s) == span_alloc_bits(s) + words,
          "class %d: the bitmaps are not laid out one after another", cls);
      for (size_t w = 0; w < words; w++)
        ck_assert_msg(span_alloc_bits(s)[w] == 0 &&
                          atomic_load(&span_remote_bits(s)[w]) == 0,
                      "round %d, class %d: word %zu of a fresh span's "
                      "bitmaps is not zero",
                      round, cls, w);
      // Dirty every bitmap, as a span may die with remote bits, and free
      // it as it is: the heap must clear what it hands out again.
      memset(span_alloc_bits(s), 0xff, 2 * words * sizeof(uint64_t));
      mheap_free_span(s);
    }
}
END_TEST

START_TEST(span_words_every_class) {
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    uintptr_t nelems = class_npages(cls) * PAGE_SIZE / class_to_size[cls];
    ck_assert_msg(span_words(cls) == (nelems + 63) / 64,
                  "class %d: span_words %lu for %lu objects", cls,
                  (unsigned long)span_words(cls), (unsigned long)nelems);
    ck_assert_msg(nelems <= MAX_SPAN_OBJECTS, "class %d: %lu objects", cls,
                  (unsigned long)nelems);
  }
  ck_assert_msg(span_words(0) == 1, "a large span needs one word");
}
END_TEST

// ---------------------------------------------------------------------------
// The allocation cache
// ---------------------------------------------------------------------------

START_TEST(take_every_object_once_in_order) {
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    mspan *s = new_span(cls);
    uint32_t first = mspan_reset_cache(s);
    ck_assert_msg(
        first == min_u32(64, s->nelems) && popcount(s->alloc_cache) == first,
        "class %d: reset loaded %u objects (cache %#llx), want %u", cls, first,
        (unsigned long long)s->alloc_cache, min_u32(64, s->nelems));
    ck_assert_msg(s->freeindex == 0 && s->cache_addr == s->base &&
                      s->alloc_count == first,
                  "class %d: after reset freeindex %u, alloc_count %u", cls,
                  s->freeindex, s->alloc_count);
    ck_assert_msg(mspan_is_valid(s), "class %d: invalid after reset", cls);

    uint32_t taken = take_all(s, cls);
    ck_assert_msg(taken == s->nelems, "class %d: %u of %u objects handed out",
                  cls, taken, s->nelems);
    ck_assert_msg(s->alloc_count == s->nelems,
                  "class %d: alloc_count %u with all %u objects out", cls,
                  s->alloc_count, s->nelems);
    ck_assert_msg(s->freeindex == nwords(s) * 64,
                  "class %d: freeindex %u at the end, want %u", cls,
                  s->freeindex, nwords(s) * 64);
    for (uint32_t w = 0; w < nwords(s); w++) {
      uint32_t left = s->nelems - w * 64;
      uint64_t want = left >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << left) - 1;
      ck_assert_msg(span_alloc_bits(s)[w] == want,
                    "class %d: alloc word %u is %#llx, want %#llx", cls, w,
                    (unsigned long long)span_alloc_bits(s)[w],
                    (unsigned long long)want);
    }
    ck_assert_msg(mspan_refill_cache(s) == 0 && mspan_reset_cache(s) == 0,
                  "class %d: a full span loaded objects", cls);
    ck_assert_msg(mspan_is_valid(s), "class %d: full span invalid", cls);
    give_back(s);
  }
}
END_TEST

// Dropping the cache uncounts exactly the objects still in it, whichever word
// is cached and however many of its objects were taken.
START_TEST(drop_cache_uncounts_cached_objects) {
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    mspan *s = new_span(cls);
    uint32_t taken = 0;
    for (uint32_t k = 0; k < 5; k++) {
      uint32_t loaded = mspan_reset_cache(s);
      if (loaded == 0)
        break;
      // Take 0, 1, 2, ... objects of the word, then drop the rest.
      for (uint32_t j = 0; j < k && s->alloc_cache != 0; j++, taken++)
        mspan_take(s, s->alloc_cache);
      uint32_t cached = popcount(s->alloc_cache);
      uint32_t dropped = mspan_drop_cache(s);
      ck_assert_msg(dropped == cached && s->alloc_cache == 0,
                    "class %d: drop returned %u with %u cached", cls, dropped,
                    cached);
      ck_assert_msg(s->alloc_count == taken,
                    "class %d: alloc_count %u after taking %u and dropping",
                    cls, s->alloc_count, taken);
      ck_assert_msg(mspan_is_valid(s), "class %d: invalid after drop", cls);
    }
    ck_assert_msg(mspan_drop_cache(s) == 0, "class %d: empty drop", cls);
    uint32_t nelems = s->nelems;
    give_back(s);
    if (nelems <= 64)
      continue;
    // A later word: take the first word whole, refill, take one, drop.
    s = new_span(cls);
    mspan_reset_cache(s);
    while (s->alloc_cache != 0)
      mspan_take(s, s->alloc_cache);
    uint32_t loaded = mspan_refill_cache(s);
    mspan_take(s, s->alloc_cache);
    uint32_t dropped = mspan_drop_cache(s);
    ck_assert_msg(dropped == loaded - 1 && s->alloc_count == 65,
                  "class %d: dropping word 1 with %u cached gave %u back, "
                  "alloc_count %u",
                  cls, loaded - 1, dropped, s->alloc_count);
    ck_assert_msg(mspan_is_valid(s), "class %d: invalid after drop", cls);
    give_back(s);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// The span map and object arithmetic
// ---------------------------------------------------------------------------

START_TEST(span_of_every_byte) {
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    mspan *s = new_span(cls);
    // Every byte of the span, the tail past the last object included.
    for (uintptr_t p = s->base; p < span_limit(s); p++)
      expect(span_of(p) == s, "class %d: span_of(base+%#lx) is %p, not %p", cls,
             (unsigned long)(p - s->base), (void *)span_of(p), (void *)s);
    ck_assert_msg(span_of(s->base - 1) != s && span_of(span_limit(s)) != s,
                  "class %d: span_of finds the span outside it", cls);
    give_back(s);
  }
}
END_TEST

// span_object_index and span_at_object (the free path's one multiplication)
// against division, for every byte of every object.
START_TEST(object_index_every_byte) {
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    mspan *s = new_span(cls);
    for (uintptr_t off = 0; off < s->limit_off; off++) {
      uintptr_t idx = span_object_index(s, s->base + off);
      expect(idx == off / s->elemsize,
             "class %d: offset %lu in object %lu, want %lu", cls,
             (unsigned long)off, (unsigned long)idx,
             (unsigned long)(off / s->elemsize));
      expect(span_at_object(s, off) == (off % s->elemsize == 0),
             "class %d: span_at_object(%lu) is %d", cls, (unsigned long)off,
             span_at_object(s, off));
    }
    give_back(s);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// Remote frees
// ---------------------------------------------------------------------------

// remote_free marks object i of s freed by another thread, as free_remote in
// malloc.c does.
static void remote_free(mspan *s, uint32_t i) {
  atomic_fetch_or(&span_remote_bits(s)[i / 64], (uint64_t)1 << (i % 64));
  atomic_store(&s->remote_pending, 1);
}

// picked says which objects collect_folds_remote_frees frees remotely:
// every third, and the last.
static bool picked(const mspan *s, uint32_t i) {
  return i % 3 == 1 || i + 1 == s->nelems;
}

static bool alloc_bit(mspan *s, uint32_t i) {
  return span_alloc_bits(s)[i / 64] >> (i % 64) & 1;
}

// Objects freed remotely leave alloc_bits when collected, the collection
// counts them, and the next scan hands them out again, lowest first.
START_TEST(collect_folds_remote_frees) {
  // Class 1: many full words; class 3: a partial last word; class 67: one
  // object.
  static const int classes[] = {1, 3, 5, 44, 67};
  for (size_t k = 0; k < sizeof classes / sizeof *classes; k++) {
    int cls = classes[k];
    mspan *s = new_span(cls);
    mspan_reset_cache(s);
    take_all(s, cls);
    uint32_t want = 0;
    for (uint32_t i = 0; i < s->nelems; i++)
      if (picked(s, i)) {
        remote_free(s, i);
        want++;
      }
    uint32_t got = mspan_collect(s);
    ck_assert_msg(got == want, "class %d: collected %u of %u remote frees", cls,
                  got, want);
    ck_assert_msg(s->alloc_count == s->nelems - want,
                  "class %d: alloc_count %u after collecting %u of %u", cls,
                  s->alloc_count, want, s->nelems);
    ck_assert_msg(atomic_load(&s->remote_pending) == 0,
                  "class %d: remote_pending left set", cls);
    for (uint32_t i = 0; i < s->nelems; i++)
      expect(alloc_bit(s, i) == !picked(s, i),
             "class %d: object %u has alloc bit %d after collection", cls, i,
             alloc_bit(s, i));
    for (uint32_t w = 0; w < nwords(s); w++)
      ck_assert_msg(atomic_load(&span_remote_bits(s)[w]) == 0,
                    "class %d: remote word %u left set", cls, w);
    ck_assert_msg(mspan_is_valid(s), "class %d: invalid after collect", cls);
    ck_assert_msg(mspan_collect(s) == 0, "class %d: collected twice", cls);

    // The freed objects come back in address order.
    mspan_reset_cache(s);
    for (uint32_t i = 0; i < s->nelems; i++) {
      if (!picked(s, i))
        continue;
      if (s->alloc_cache == 0)
        ck_assert_msg(mspan_refill_cache(s) != 0,
                      "class %d: refill found no object before %u", cls, i);
      uintptr_t p = (uintptr_t)mspan_take(s, s->alloc_cache);
      ck_assert_msg(p == s->base + (uintptr_t)i * s->elemsize,
                    "class %d: got object %lu, want %u", cls,
                    (unsigned long)((p - s->base) / s->elemsize), i);
    }
    ck_assert_msg(s->alloc_cache == 0 && mspan_refill_cache(s) == 0,
                  "class %d: more objects than were freed", cls);
    ck_assert_msg(s->alloc_count == s->nelems && mspan_is_valid(s),
                  "class %d: alloc_count %u after taking them back", cls,
                  s->alloc_count);
    give_back(s);
  }
}
END_TEST

// remote_pending gates the collection: the owner skips the bitmap walk when
// no remote free was flagged, and the bits wait for the next one.
START_TEST(collect_without_pending_is_noop) {
  mspan *s = new_span(1);
  mspan_reset_cache(s);
  take_all(s, 1);
  atomic_fetch_or(&span_remote_bits(s)[2], 0x5);
  ck_assert_msg(mspan_collect(s) == 0, "collected without remote_pending");
  ck_assert_msg(alloc_bit(s, 128) && alloc_bit(s, 130) &&
                    s->alloc_count == s->nelems,
                "alloc bits changed without remote_pending");
  atomic_store(&s->remote_pending, 1);
  ck_assert_uint_eq(mspan_collect(s), 2);
  ck_assert_msg(!alloc_bit(s, 128) && !alloc_bit(s, 130) && alloc_bit(s, 129),
                "the flagged collection missed the waiting bits");
  give_back(s);
}
END_TEST

// ---------------------------------------------------------------------------
// The invariant checker
// ---------------------------------------------------------------------------

// mspan_is_valid notices each corruption it is there to notice; else a test
// relying on it proves nothing.
START_TEST(is_valid_detects_corruption) {
  mspan *s = new_span(3); // 2730 objects: the last word is partial
  mspan_reset_cache(s);
  mspan_take(s, s->alloc_cache);
  ck_assert(mspan_is_valid(s));
  uint64_t *last = &span_alloc_bits(s)[nwords(s) - 1];

  *last |= (uint64_t)1 << 63; // a bit past the last object
  s->alloc_count++;
  ck_assert_msg(!mspan_is_valid(s), "a bit past nelems went unnoticed");
  *last &= ~((uint64_t)1 << 63);
  ck_assert_msg(!mspan_is_valid(s), "alloc_count off by one went unnoticed");
  s->alloc_count--;
  ck_assert(mspan_is_valid(s));

  s->freeindex += 1;
  ck_assert_msg(!mspan_is_valid(s), "freeindex not a word start unnoticed");
  s->freeindex -= 1;

  span_alloc_bits(s)[0] |= s->alloc_cache & -s->alloc_cache; // cached, taken
  s->alloc_count++;
  ck_assert_msg(!mspan_is_valid(s), "an allocated object in the cache");
  span_alloc_bits(s)[0] &= ~(s->alloc_cache & -s->alloc_cache);
  s->alloc_count--;
  ck_assert(mspan_is_valid(s));
  give_back(s);
}
END_TEST

// ---------------------------------------------------------------------------
// Span lists
// ---------------------------------------------------------------------------

enum { FAKE_SPANS = 5 };

// fake_spans returns n zeroed span structs (list links only; no memory).
static mspan **fake_spans(int n) {
  mspan **v = calloc((size_t)n, sizeof *v);
  ck_assert_ptr_nonnull(v);
  for (int i = 0; i < n; i++) {
    v[i] = aligned_alloc(64, sizeof(mspan));
    ck_assert_ptr_nonnull(v[i]);
    memset(v[i], 0, sizeof(mspan));
  }
  return v;
}

static void free_fake_spans(mspan **v, int n) {
  for (int i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

// expect_list checks that l holds exactly want[0..n), linked both ways.
static void expect_list(const span_list *l, mspan *const *want, int n,
                        const char *after) {
  ck_assert_msg(l->len == (uintptr_t)n, "after %s: len %lu, want %d", after,
                (unsigned long)l->len, n);
  ck_assert_msg(l->first == (n ? want[0] : NULL) &&
                    l->last == (n ? want[n - 1] : NULL),
                "after %s: first/last wrong", after);
  mspan *s = l->first;
  for (int i = 0; i < n; i++, s = s->next) {
    ck_assert_msg(s == want[i], "after %s: element %d wrong", after, i);
    ck_assert_msg(s->prev == (i ? want[i - 1] : NULL),
                  "after %s: element %d's prev wrong", after, i);
  }
  ck_assert_msg(s == NULL, "after %s: the list goes on past its last", after);
}

START_TEST(span_list_keeps_order_and_len) {
  mspan **v = fake_spans(FAKE_SPANS);
  mspan *a = v[0], *b = v[1], *c = v[2], *d = v[3], *e = v[4];
  span_list l = {0};
  expect_list(&l, NULL, 0, "nothing");
  ck_assert_ptr_null(span_list_pop(&l));

  span_list_push(&l, a);
  span_list_push(&l, b);
  span_list_push(&l, c);
  expect_list(&l, (mspan *[]){a, b, c}, 3, "push a, b, c");
  span_list_push_front(&l, d);
  expect_list(&l, (mspan *[]){d, a, b, c}, 4, "push_front d");
  span_list_remove(&l, b);
  expect_list(&l, (mspan *[]){d, a, c}, 3, "remove b (middle)");
  ck_assert_msg(b->next == NULL && b->prev == NULL, "b keeps its links");
  span_list_remove(&l, d);
  expect_list(&l, (mspan *[]){a, c}, 2, "remove d (first)");
  span_list_remove(&l, c);
  expect_list(&l, (mspan *[]){a}, 1, "remove c (last)");
  span_list_push_front(&l, e);
  expect_list(&l, (mspan *[]){e, a}, 2, "push_front e");
  ck_assert_ptr_eq(span_list_pop(&l), e);
  expect_list(&l, (mspan *[]){a}, 1, "pop");
  ck_assert_ptr_eq(span_list_pop(&l), a);
  expect_list(&l, NULL, 0, "pop the last");
  ck_assert_ptr_null(span_list_pop(&l));
  span_list_push_front(&l, c);
  expect_list(&l, (mspan *[]){c}, 1, "push_front into empty");
  free_fake_spans(v, FAKE_SPANS);
}
END_TEST

// A span on a full list takes the free slow path once 1/RESCAN_FRACTION of
// its objects are free; elsewhere only when it empties.
START_TEST(set_list_thresholds) {
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    mspan *s = new_span(cls);
    uint32_t n = s->nelems;
    span_set_list(s, SPAN_FULL);
    ck_assert_msg(s->list == SPAN_FULL &&
                      s->free_slow_at ==
                          n - (n + RESCAN_FRACTION - 1) / RESCAN_FRACTION,
                  "class %d: full span's free_slow_at %u for %u objects", cls,
                  s->free_slow_at, n);
    ck_assert_msg((n - s->free_slow_at) * RESCAN_FRACTION >= n &&
                      (n - s->free_slow_at - 1) * RESCAN_FRACTION < n,
                  "class %d: free_slow_at %u is not where 1/%d is free", cls,
                  s->free_slow_at, RESCAN_FRACTION);
    static const uint8_t others[] = {SPAN_CACHED, SPAN_PARTIAL, SPAN_LARGE};
    for (size_t i = 0; i < sizeof others; i++) {
      span_set_list(s, others[i]);
      ck_assert_msg(s->list == others[i] && s->free_slow_at == 0,
                    "class %d: list %d has free_slow_at %u", cls, others[i],
                    s->free_slow_at);
    }
    give_back(s);
  }
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("mbitmap");
  suite_add_test(s, "carve-every-class", carve_every_class, 60);
  suite_add_test(s, "fresh-bitmaps-are-zero", fresh_bitmaps_are_zero, 60);
  suite_add_test(s, "span-words-every-class", span_words_every_class, 60);
  suite_add_test(s, "take-every-object-once-in-order",
                 take_every_object_once_in_order, 60);
  suite_add_test(s, "drop-cache-uncounts-cached-objects",
                 drop_cache_uncounts_cached_objects, 60);
  suite_add_test(s, "span-of-every-byte", span_of_every_byte, 60);
  suite_add_test(s, "object-index-every-byte", object_index_every_byte, 60);
  suite_add_test(s, "collect-folds-remote-frees", collect_folds_remote_frees,
                 60);
  suite_add_test(s, "collect-without-pending-is-noop",
                 collect_without_pending_is_noop, 60);
  suite_add_test(s, "is-valid-detects-corruption", is_valid_detects_corruption,
                 60);
  suite_add_test(s, "span-list-keeps-order-and-len",
                 span_list_keeps_order_and_len, 60);
  suite_add_test(s, "set-list-thresholds", set_list_thresholds, 60);
  return suite_main(s, argc, argv);
}

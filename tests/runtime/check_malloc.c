// check_malloc: the heap's C interface (runtime/malloc.c), one named test
// per behaviour, after mimalloc's test/test-api.c.
//
// Each test is named for what it checks ("malloc-zero", "calloc-overflow",
// "realloc-same-class-in-place", ...), and after each one a checked fixture
// compares the statistics with those before it (heap_check): every object
// the test allocated is freed, so heap_objects and heap_alloc are back where
// they were, and the counts agree with each other. escrt_read_memstats drops
// the calling thread's cached bitmap word and collects its remote frees
// before counting, so in a single-threaded test (and in one whose other
// threads have exited or only free) the counts are exact.
//
// The size tests write a pattern into every usable byte of every object and
// verify it before each free: an object handed out twice, or overlapping
// its neighbour, shows up as a wrong byte at a named offset.
//
// Alignment. An object of class size s sits at base + i*s in a span whose
// base is page-aligned, so it is aligned to the largest power of two
// dividing s (at most a page), and a large object to a page. Go's classes
// give every size 16-byte alignment except the 8- and 24-byte classes, which
// are only 8-aligned: malloc(n) for n in 17..24 is 8-aligned, where glibc
// (and C17's "any type of at most n bytes", which includes a 16-byte long
// double) gives 16. malloc-alignment pins that down; aligned_alloc(16, n)
// is the way to ask for more.
//
// usage: check_malloc [TEST]
#define _GNU_SOURCE
#include "runtime.h"

#include "harness.h"

#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB ((size_t)1 << 20)

// expect is ck_assert_msg for loops over every object: a passing ck_assert
// reports its line to the Check parent through a pipe.
#define expect(cond, ...)                                                      \
  do {                                                                         \
    if (!(cond))                                                               \
      ck_abort_msg(__VA_ARGS__);                                               \
  } while (0)

// ---------------------------------------------------------------------------
// Patterns, sizes and orders
// ---------------------------------------------------------------------------

// pattern_word is the k-th 8-byte word of the pattern of seed: neighbouring
// words and objects differ.
static uint64_t pattern_word(uint64_t seed, size_t k) {
  return (seed + 1) * 0x9e3779b97f4a7c15u ^ (k + 1) * 0xbf58476d1ce4e5b9u;
}

static void fill(void *p, size_t n, uint64_t seed) {
  unsigned char *b = p;
  size_t k = 0;
  for (; 8 * k + 8 <= n; k++) {
    uint64_t w = pattern_word(seed, k);
    memcpy(b + 8 * k, &w, 8);
  }
  uint64_t w = pattern_word(seed, k);
  memcpy(b + 8 * k, &w, n - 8 * k);
}

// first_wrong returns the offset of the first of the n bytes at p that
// differ from the pattern of seed, or SIZE_MAX.
static size_t first_wrong(const void *p, size_t n, uint64_t seed) {
  const unsigned char *b = p;
  for (size_t k = 0; 8 * k < n; k++) {
    uint64_t w = pattern_word(seed, k);
    size_t len = n - 8 * k < 8 ? n - 8 * k : 8;
    if (memcmp(b + 8 * k, &w, len) == 0)
      continue;
    const unsigned char *wb = (const unsigned char *)&w;
    for (size_t i = 0;; i++)
      if (b[8 * k + i] != wb[i])
        return 8 * k + i;
  }
  return SIZE_MAX;
}

static bool all_zero(const void *p, size_t n) {
  const unsigned char *b = p;
  return n == 0 || (b[0] == 0 && memcmp(b, b + 1, n - 1) == 0);
}

// class_size returns what a request of size bytes gets: its class's size, or
// whole pages for a large object.
static size_t class_size(size_t size) {
  if (size > ESCRT_MAX_SMALL_SIZE)
    return (size + ESCRT_PAGE_SIZE - 1) / ESCRT_PAGE_SIZE * ESCRT_PAGE_SIZE;
  return class_to_size[size_to_class(size == 0 ? 1 : size)];
}

// class_align returns the alignment objects of usable size u have: the
// largest power of two dividing it, at most a page.
static size_t class_align(size_t u) {
  size_t a = u & -u;
  return a > ESCRT_PAGE_SIZE ? ESCRT_PAGE_SIZE : a;
}

// rng is a 64-bit LCG; rnd returns its high half.
typedef struct rng {
  uint64_t x;
} rng;

static uint32_t rnd(rng *r) {
  r->x = r->x * 6364136223846793005u + 1442695040888963407u;
  return (uint32_t)(r->x >> 32);
}

// The orders in which a test frees a set of objects.
typedef enum order { FIFO, LIFO, RANDOM } order;

static const char *const order_names[] = {"FIFO", "LIFO", "random"};

// order_indices fills idx with 0..n-1 in order o.
static void order_indices(size_t *idx, size_t n, order o, rng *r) {
  for (size_t i = 0; i < n; i++)
    idx[i] = o == LIFO ? n - 1 - i : i;
  if (o == RANDOM)
    for (size_t i = n; i > 1; i--) {
      size_t j = rnd(r) % i, t = idx[i - 1];
      idx[i - 1] = idx[j];
      idx[j] = t;
    }
}

static int cmp_ptr(const void *a, const void *b) {
  uintptr_t x = (uintptr_t) * (void *const *)a;
  uintptr_t y = (uintptr_t) * (void *const *)b;
  return x < y ? -1 : x > y;
}

// ---------------------------------------------------------------------------
// The heap check after every test
// ---------------------------------------------------------------------------

static escrt_memstats baseline;

static void take_baseline(void) { escrt_read_memstats(&baseline); }

// check_spans walks the span map (as mheap_count_live does) and checks the
// invariants of every small-object span; their live objects must be the
// statistics' small objects. The test's threads are gone and the statistics
// were just read, which collected this thread's remote frees: no remote free
// is in flight, as mspan_is_valid requires.
static void check_spans(const escrt_memstats *st) {
  uint64_t live = 0;
  for (uintptr_t pg = 0; pg < heap_space_.npages; pg++) {
    mspan *s = heap_space_.spans[pg];
    if (s == NULL || s->base != heap_space_.base + pg * PAGE_SIZE ||
        s->state != MSPAN_IN_USE || s->spanclass == 0)
      continue;
    expect(mspan_is_valid(s) && s->alloc_count <= s->nelems,
           "the span of class %d at %#lx is not valid", s->spanclass,
           (unsigned long)s->base);
    live += s->alloc_count - popcount(s->alloc_cache);
  }
  uint64_t large = st->by_size[0].mallocs - st->by_size[0].frees;
  ck_assert_msg(live == st->heap_objects - large,
                "the spans hold %" PRIu64 " objects, the statistics say "
                "%" PRIu64,
                live, st->heap_objects - large);
}

// heap_check is the suite's lua_checkmemory: with the test's objects freed,
// the statistics are back at the baseline and consistent, and so is every
// span.
static void heap_check(void) {
  escrt_memstats st;
  escrt_read_memstats(&st);
  check_spans(&st);
  ck_assert_msg(st.heap_objects == baseline.heap_objects &&
                    st.heap_alloc == baseline.heap_alloc,
                "after the test: %" PRIu64 " objects, %" PRIu64
                " bytes; before: %" PRIu64 ", %" PRIu64,
                st.heap_objects, st.heap_alloc, baseline.heap_objects,
                baseline.heap_alloc);
  ck_assert_msg(st.heap_objects == st.mallocs - st.frees,
                "heap_objects %" PRIu64 " != mallocs %" PRIu64
                " - frees %" PRIu64,
                st.heap_objects, st.mallocs, st.frees);
  uint64_t mallocs = 0, frees = 0;
  for (int c = 0; c < ESCRT_NUM_SIZE_CLASSES; c++) {
    mallocs += st.by_size[c].mallocs;
    frees += st.by_size[c].frees;
    ck_assert_msg(st.by_size[c].frees <= st.by_size[c].mallocs,
                  "class %d: more frees than mallocs", c);
  }
  ck_assert_msg(mallocs == st.mallocs && frees == st.frees,
                "by_size does not add up to the totals");
  ck_assert_msg(st.heap_idle == st.heap_sys - st.heap_inuse &&
                    st.heap_released <= st.heap_idle &&
                    st.stack_inuse <= st.heap_inuse,
                "page counts inconsistent: sys %" PRIu64 ", inuse %" PRIu64
                ", idle %" PRIu64 ", released %" PRIu64,
                st.heap_sys, st.heap_inuse, st.heap_idle, st.heap_released);
}

static escrt_memstats stats(void) {
  escrt_memstats st;
  escrt_read_memstats(&st);
  return st;
}

// ---------------------------------------------------------------------------
// malloc and free
// ---------------------------------------------------------------------------

START_TEST(malloc_zero) {
  enum { N = 100 };
  void *p[N];
  for (int i = 0; i < N; i++) {
    p[i] = escrt_malloc(0);
    ck_assert_msg(p[i] != NULL, "malloc(0) returned NULL");
    ck_assert_uint_eq(escrt_usable_size(p[i]), 8);
    for (int j = 0; j < i; j++)
      ck_assert_msg(p[i] != p[j], "malloc(0) returned %p twice", p[i]);
  }
  for (int i = 0; i < N; i++)
    escrt_free(p[i]);
}
END_TEST

START_TEST(free_null) {
  escrt_memstats b = stats();
  escrt_free(NULL);
  escrt_memstats a = stats();
  ck_assert_msg(a.mallocs == b.mallocs && a.frees == b.frees,
                "free(NULL) counted");
  ck_assert_uint_eq(escrt_usable_size(NULL), 0);
}
END_TEST

START_TEST(malloc_nomem) {
  static const size_t sizes[] = {SIZE_MAX, SIZE_MAX - ESCRT_PAGE_SIZE,
                                 (size_t)PTRDIFF_MAX + 1};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    errno = 0;
    void *p = escrt_malloc(sizes[i]);
    ck_assert_msg(p == NULL && errno == ENOMEM,
                  "malloc(%#zx): %p, errno %d; want NULL, ENOMEM", sizes[i], p,
                  errno);
  }
  void *p = escrt_malloc(100); // and the heap still works
  ck_assert_ptr_nonnull(p);
  escrt_free(p);
}
END_TEST

// malloc-alignment: what Go's classes give (see the top of the file).
START_TEST(malloc_alignment) {
  for (size_t n = 0; n <= 2 * ESCRT_PAGE_SIZE + 1; n++) {
    void *p = escrt_malloc(n);
    uintptr_t a = (uintptr_t)p;
    size_t want = (n <= 8 || (n > 16 && n <= 24)) ? 8 : 16;
    expect(a % want == 0, "malloc(%zu) = %p, not %zu-aligned", n, p, want);
    expect(a % class_align(class_size(n)) == 0,
           "malloc(%zu) = %p, not aligned to its class size %zu", n, p,
           class_size(n));
    escrt_free(p);
  }
}
END_TEST

// sizes_under_test lists every class size, one less and one more, and every
// size from 1 to 1024; it returns how many.
static size_t sizes_under_test(size_t *sizes) {
  size_t n = 0;
  for (size_t s = 1; s <= 1024; s++)
    sizes[n++] = s;
  for (int c = 1; c < NUM_SIZE_CLASSES; c++)
    if (class_to_size[c] > 1024) {
      sizes[n++] = class_to_size[c] - 1;
      sizes[n++] = class_to_size[c];
      sizes[n++] = class_to_size[c] + 1u;
    }
  return n;
}

// churn allocates objects of one size, enough for two spans and a bit,
// checks each, frees half of them in order o, allocates them again, and
// frees all in order o, verifying every pattern before its free.
static void churn(size_t size, order o, rng *r) {
  size_t u = class_size(size);
  size_t span_bytes = size > ESCRT_MAX_SMALL_SIZE
                          ? u
                          : class_npages(size_to_class(size)) * PAGE_SIZE;
  size_t n = 2 * (span_bytes / u) + 3;
  void **p = malloc(n * sizeof *p), **sorted = malloc(n * sizeof *p);
  size_t *idx = malloc(n * sizeof *idx);
  ck_assert(p != NULL && sorted != NULL && idx != NULL);
  for (size_t i = 0; i < n; i++) {
    p[i] = escrt_malloc(size);
    expect(p[i] != NULL, "malloc(%zu) #%zu failed", size, i);
    expect(escrt_usable_size(p[i]) == u,
           "malloc(%zu): usable size %zu, want %zu", size,
           escrt_usable_size(p[i]), u);
    expect((uintptr_t)p[i] % class_align(u) == 0,
           "malloc(%zu) = %p, not %zu-aligned", size, p[i], class_align(u));
    fill(p[i], u, i);
  }
  memcpy(sorted, p, n * sizeof *p);
  qsort(sorted, n, sizeof *sorted, cmp_ptr);
  for (size_t i = 0; i + 1 < n; i++)
    expect((uintptr_t)sorted[i] + u <= (uintptr_t)sorted[i + 1],
           "malloc(%zu): objects %p and %p overlap", size, sorted[i],
           sorted[i + 1]);

  // Free the even-numbered half in order o, allocate it again.
  order_indices(idx, n, o, r);
  for (size_t k = 0; k < n; k++) {
    size_t i = idx[k];
    if (i % 2 != 0)
      continue;
    size_t bad = first_wrong(p[i], u, i);
    expect(bad == SIZE_MAX,
           "malloc(%zu), %s: object %zu (%p) changed at %zu before its free",
           size, order_names[o], i, p[i], bad);
    escrt_free(p[i]);
  }
  for (size_t i = 0; i < n; i += 2) {
    p[i] = escrt_malloc(size);
    expect(p[i] != NULL && escrt_usable_size(p[i]) == u,
           "malloc(%zu) again failed", size);
    fill(p[i], u, i + n);
  }
  for (size_t k = 0; k < n; k++) {
    size_t i = idx[k];
    uint64_t seed = i % 2 == 0 ? i + n : i;
    size_t bad = first_wrong(p[i], u, seed);
    expect(bad == SIZE_MAX, "malloc(%zu), %s: object %zu (%p) changed at %zu",
           size, order_names[o], i, p[i], bad);
    escrt_free(p[i]);
  }
  free(p);
  free(sorted);
  free(idx);
}

static void churn_all_sizes(order o) {
  size_t *sizes = malloc((1024 + 3 * NUM_SIZE_CLASSES) * sizeof *sizes);
  ck_assert_ptr_nonnull(sizes);
  rng r = {(uint64_t)o + 1};
  size_t n = sizes_under_test(sizes);
  for (size_t i = 0; i < n; i++)
    churn(sizes[i], o, &r);
  free(sizes);
}

START_TEST(sizes_fifo) { churn_all_sizes(FIFO); }
END_TEST

START_TEST(sizes_lifo) { churn_all_sizes(LIFO); }
END_TEST

START_TEST(sizes_random) { churn_all_sizes(RANDOM); }
END_TEST

// ---------------------------------------------------------------------------
// calloc
// ---------------------------------------------------------------------------

// calloc clears memory that earlier objects left dirty. The test makes sure
// it did get such memory back, which in a heap holding nothing else happens
// at once: it needs Check's fork mode, where each test starts with an empty
// heap.
START_TEST(calloc_zero_over_dirty) {
  ck_assert_msg(stats().heap_inuse == 0,
                "this test needs an empty heap (Check's fork mode)");
  for (int c = 1; c < NUM_SIZE_CLASSES; c++) {
    size_t size = class_to_size[c];
    size_t n = class_npages(c) * PAGE_SIZE / size + 1;
    void **p = malloc(n * sizeof *p), **q = malloc(n * sizeof *q);
    ck_assert(p != NULL && q != NULL);
    for (size_t i = 0; i < n; i++) {
      p[i] = escrt_calloc(1, size);
      expect(p[i] != NULL && all_zero(p[i], size),
             "calloc(1, %zu) #%zu is not zero", size, i);
      memset(p[i], 0xff, size);
    }
    for (size_t i = 0; i < n; i++)
      escrt_free(p[i]);
    qsort(p, n, sizeof *p, cmp_ptr); // the addresses of dirty memory
    size_t reused = 0;
    for (size_t i = 0; i < n; i++) {
      q[i] = i % 2 ? escrt_calloc(size, 1) : escrt_calloc(size / 8, 8);
      expect(q[i] != NULL && all_zero(q[i], size),
             "calloc of %zu bytes over dirty memory is not zero", size);
      reused += bsearch(&q[i], p, n, sizeof *p, cmp_ptr) != NULL;
    }
    ck_assert_msg(reused > 0,
                  "class %d: calloc reused none of %zu freed "
                  "objects",
                  c, n);
    for (size_t i = 0; i < n; i++)
      escrt_free(q[i]);
    free(p);
    free(q);
  }
}
END_TEST

START_TEST(calloc_overflow) {
  static const size_t cases[][2] = {
      {SIZE_MAX, 2},         {2, SIZE_MAX / 2 + 1},
      {SIZE_MAX / 2 + 1, 2}, {(size_t)1 << 32, (size_t)1 << 32},
      {SIZE_MAX, SIZE_MAX},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    errno = 0;
    void *p = escrt_calloc(cases[i][0], cases[i][1]);
    ck_assert_msg(p == NULL && errno == ENOMEM,
                  "calloc(%#zx, %#zx): %p, errno %d; want NULL, ENOMEM",
                  cases[i][0], cases[i][1], p, errno);
  }
}
END_TEST

START_TEST(calloc_nomem) {
  errno = 0;
  void *p = escrt_calloc(1, (size_t)PTRDIFF_MAX + 1);
  ck_assert_msg(p == NULL && errno == ENOMEM, "calloc(1, PTRDIFF_MAX+1): %p",
                p);
  errno = 0;
  p = escrt_calloc((size_t)1 << 32, ((size_t)1 << 31) + 1);
  ck_assert_msg(p == NULL && errno == ENOMEM, "calloc(2^32, 2^31+1): %p", p);
}
END_TEST

START_TEST(calloc_zero_count) {
  void *p = escrt_calloc(0, 100), *q = escrt_calloc(100, 0);
  ck_assert_msg(p != NULL && q != NULL && p != q,
                "calloc of zero bytes: %p, %p", p, q);
  escrt_free(p);
  escrt_free(q);
}
END_TEST

// ---------------------------------------------------------------------------
// realloc
// ---------------------------------------------------------------------------

START_TEST(realloc_null_is_malloc) {
  void *p = escrt_realloc(NULL, 100);
  ck_assert_msg(p != NULL && escrt_usable_size(p) == 112,
                "realloc(NULL, 100): %p", p);
  void *q = escrt_realloc(NULL, 0);
  ck_assert_msg(q != NULL && q != p, "realloc(NULL, 0): %p", q);
  void *r = escrt_realloc(NULL, MB);
  ck_assert_msg(r != NULL && escrt_usable_size(r) == MB, "realloc(NULL, 1 MB)");
  escrt_free(p);
  escrt_free(q);
  escrt_free(r);
}
END_TEST

// Sizes that cross classes, the small-object limit and page counts.
static const size_t realloc_chain[] = {
    1,     8,     9,      100,    1000,    1025,    5000, 32767,
    32768, 32769, 40961,  100000, 1 << 20, 3 << 20, 5000, 30,
    1,     70000, 100000, 32768,  16,      3 << 20, 8};

// Each step fills the whole object, reallocates, and finds the prefix kept.
START_TEST(realloc_keeps_prefix) {
  size_t n = sizeof realloc_chain / sizeof *realloc_chain;
  void *p = escrt_malloc(realloc_chain[0]);
  for (size_t k = 0; k + 1 < n; k++) {
    size_t old = realloc_chain[k], size = realloc_chain[k + 1];
    fill(p, old, k);
    void *q = escrt_realloc(p, size);
    ck_assert_msg(q != NULL, "realloc(%zu -> %zu) failed", old, size);
    ck_assert_msg(escrt_usable_size(q) >= size, "realloc to %zu: usable %zu",
                  size, escrt_usable_size(q));
    size_t keep = old < size ? old : size;
    size_t bad = first_wrong(q, keep, k);
    ck_assert_msg(bad == SIZE_MAX,
                  "realloc(%zu -> %zu) lost byte %zu of the prefix", old, size,
                  bad);
    p = q;
  }
  escrt_free(p);
}
END_TEST

// A new size in the same class (or, for a large object, needing no more pages
// and more than half of them) keeps the object where it is.
START_TEST(realloc_same_class_in_place) {
  for (int c = 1; c < NUM_SIZE_CLASSES; c++) {
    size_t size = class_to_size[c], prev = class_to_size[c - 1];
    void *p = escrt_malloc(size);
    fill(p, size, c);
    static const int deltas[] = {0, -1, 1};
    for (int i = 0; i < 3; i++) {
      size_t to = i == 2 ? prev + 1 : size + (size_t)deltas[i];
      void *q = escrt_realloc(p, to);
      ck_assert_msg(q == p, "class %d: realloc(%zu -> %zu) moved", c, size, to);
    }
    ck_assert_msg(first_wrong(p, size, c) == SIZE_MAX,
                  "class %d: in-place realloc changed the object", c);
    void *q = escrt_realloc(p, size + 1);
    ck_assert_msg(q != p && escrt_usable_size(q) > size,
                  "class %d: realloc to the next class stayed", c);
    escrt_free(q);
  }
  void *p = escrt_malloc(MB);
  ck_assert_ptr_eq(escrt_realloc(p, MB - 1), p);
  ck_assert_ptr_eq(escrt_realloc(p, MB / 2 + 1), p);
  ck_assert_uint_eq(escrt_usable_size(p), MB);
  void *q = escrt_realloc(p, MB / 2);
  ck_assert_msg(q != p && escrt_usable_size(q) == MB / 2,
                "shrinking 1 MB to half kept all of it");
  void *r = escrt_realloc(q, MB / 2 + 1);
  ck_assert_msg(r != q, "growing past its pages kept the object");
  escrt_free(r);
}
END_TEST

START_TEST(realloc_zero_frees) {
  static const size_t sizes[] = {1, 100, 32768, 32769, 1 << 20};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    void *p = escrt_malloc(sizes[i]);
    escrt_memstats b = stats();
    void *q = escrt_realloc(p, 0);
    ck_assert_msg(q == NULL, "realloc(p, 0) returned %p", q);
    escrt_memstats a = stats();
    ck_assert_msg(a.heap_objects + 1 == b.heap_objects &&
                      a.frees == b.frees + 1,
                  "realloc(p of %zu, 0) did not free p", sizes[i]);
  }
}
END_TEST

START_TEST(realloc_nomem_keeps_object) {
  static const size_t sizes[] = {100, 32768, 1 << 20};
  static const size_t huge[] = {SIZE_MAX, (size_t)PTRDIFF_MAX + 1};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
    for (size_t j = 0; j < sizeof huge / sizeof *huge; j++) {
      void *p = escrt_malloc(sizes[i]);
      fill(p, sizes[i], i);
      errno = 0;
      void *q = escrt_realloc(p, huge[j]);
      ck_assert_msg(q == NULL && errno == ENOMEM,
                    "realloc(%zu -> %#zx): %p, errno %d", sizes[i], huge[j], q,
                    errno);
      ck_assert_msg(first_wrong(p, sizes[i], i) == SIZE_MAX &&
                        escrt_usable_size(p) == class_size(sizes[i]),
                    "a failed realloc changed the object");
      escrt_free(p);
    }
}
END_TEST

// ---------------------------------------------------------------------------
// Aligned allocation
// ---------------------------------------------------------------------------

enum { ALIGNED_ALLOC, MEMALIGN, POSIX_MEMALIGN };

static const char *const aligned_names[] = {"aligned_alloc", "memalign",
                                            "posix_memalign"};

// aligned calls one of the three aligned allocators.
static void *aligned(int fn, size_t align, size_t size) {
  if (fn == ALIGNED_ALLOC)
    return escrt_aligned_alloc(align, size);
  if (fn == MEMALIGN)
    return escrt_memalign(align, size);
  void *p = NULL;
  int rc = escrt_posix_memalign(&p, align, size);
  ck_assert_msg(rc == 0, "posix_memalign(%zu, %zu): %d", align, size, rc);
  return p;
}

START_TEST(aligned_every_power_of_two) {
  for (int fn = 0; fn < 3; fn++)
    for (size_t align = 1; align <= MB; align *= 2) {
      if (fn == POSIX_MEMALIGN && align < sizeof(void *))
        continue; // EINVAL: posix-memalign-below-pointer-size
      const size_t sizes[] = {
          0, 1, 7, 8, 100, align - 1, align, align + 1, 3 * align + 5, 40000};
      for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t size = sizes[i];
        void *p = aligned(fn, align, size);
        ck_assert_msg(p != NULL, "%s(%zu, %zu) failed", aligned_names[fn],
                      align, size);
        ck_assert_msg((uintptr_t)p % align == 0, "%s(%zu, %zu) = %p",
                      aligned_names[fn], align, size, p);
        size_t u = escrt_usable_size(p);
        ck_assert_msg(u >= size, "%s(%zu, %zu): usable size %zu",
                      aligned_names[fn], align, size, u);
        fill(p, u, size);
        escrt_free(p);
      }
    }
}
END_TEST

START_TEST(aligned_bad_alignment) {
  // Not powers of two; the last is one past the highest power.
  const size_t top = SIZE_MAX / 2 + 1; // the highest power of two
  const size_t aligns[] = {0,   3,    6,      12,       24,     48,
                           100, 4097, MB + 1, SIZE_MAX, top + 1};
  for (size_t i = 0; i < sizeof aligns / sizeof *aligns; i++) {
    errno = 0;
    void *p = escrt_aligned_alloc(aligns[i], 64);
    ck_assert_msg(p == NULL && errno == EINVAL,
                  "aligned_alloc(%zu, 64): %p, errno %d", aligns[i], p, errno);
    errno = 0;
    p = escrt_memalign(aligns[i], 64);
    ck_assert_msg(p == NULL && errno == EINVAL,
                  "memalign(%zu, 64): %p, errno %d", aligns[i], p, errno);
    void *out = &out;
    errno = EDOM;
    int rc = escrt_posix_memalign(&out, aligns[i], 64);
    ck_assert_msg(rc == EINVAL && out == &out && errno == EDOM,
                  "posix_memalign(%zu, 64): %d, out %s, errno %d", aligns[i],
                  rc, out == &out ? "untouched" : "written", errno);
  }
}
END_TEST

START_TEST(posix_memalign_below_pointer_size) {
  for (size_t align = 1; align < sizeof(void *); align *= 2) {
    void *out = &out;
    int rc = escrt_posix_memalign(&out, align, 64);
    ck_assert_msg(rc == EINVAL && out == &out, "posix_memalign(%zu, 64): %d",
                  align, rc);
  }
  void *p = NULL;
  ck_assert_int_eq(escrt_posix_memalign(&p, sizeof(void *), 64), 0);
  escrt_free(p);
}
END_TEST

START_TEST(aligned_nomem) {
  static const size_t cases[][2] = {
      {64, SIZE_MAX},
      {64, (size_t)PTRDIFF_MAX + 1},
      {1 << 20, SIZE_MAX - 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t align = cases[i][0], size = cases[i][1];
    errno = 0;
    void *p = escrt_aligned_alloc(align, size);
    ck_assert_msg(p == NULL && errno == ENOMEM,
                  "aligned_alloc(%#zx, %#zx): %p, errno %d", align, size, p,
                  errno);
    void *out = &out;
    errno = EDOM;
    int rc = escrt_posix_memalign(&out, align, size);
    ck_assert_msg(rc == ENOMEM && out == &out && errno == EDOM,
                  "posix_memalign(%#zx, %#zx): %d, errno %d", align, size, rc,
                  errno);
  }
}
END_TEST

// valloc and pvalloc (exported under C's names by the preload library only)
// align to the OS page; pvalloc also rounds the size up to it.
START_TEST(valloc_pvalloc) {
  static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 40000};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    size_t size = sizes[i], rounded = (size + 4095) / 4096 * 4096;
    void *v = escrt_valloc(size), *pv = escrt_pvalloc(size);
    ck_assert_msg(v != NULL && (uintptr_t)v % 4096 == 0 &&
                      escrt_usable_size(v) >= size,
                  "valloc(%zu) = %p", size, v);
    ck_assert_msg(pv != NULL && (uintptr_t)pv % 4096 == 0 &&
                      escrt_usable_size(pv) >= (rounded ? rounded : 4096),
                  "pvalloc(%zu) = %p, usable %zu", size, pv,
                  escrt_usable_size(pv));
    escrt_free(v);
    escrt_free(pv);
  }
  errno = 0;
  ck_assert_msg(escrt_pvalloc(SIZE_MAX - 10) == NULL && errno == ENOMEM,
                "pvalloc(SIZE_MAX - 10) rounded past the top");
}
END_TEST

// ---------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------

// expect_delta checks the counts of class c (0: large) between b and a.
static void expect_delta(const escrt_memstats *b, const escrt_memstats *a,
                         int c, int64_t objects, int64_t mallocs, int64_t frees,
                         int64_t bytes, const char *when) {
  ck_assert_msg((int64_t)(a->heap_objects - b->heap_objects) == objects &&
                    (int64_t)(a->heap_alloc - b->heap_alloc) == bytes,
                "class %d, %s: heap_objects %+" PRId64 ", heap_alloc %+" PRId64
                "; want %+" PRId64 ", %+" PRId64,
                c, when, (int64_t)(a->heap_objects - b->heap_objects),
                (int64_t)(a->heap_alloc - b->heap_alloc), objects, bytes);
  ck_assert_msg((int64_t)(a->mallocs - b->mallocs) == mallocs &&
                    (int64_t)(a->frees - b->frees) == frees,
                "class %d, %s: mallocs %+" PRId64 ", frees %+" PRId64
                "; want %+" PRId64 ", %+" PRId64,
                c, when, (int64_t)(a->mallocs - b->mallocs),
                (int64_t)(a->frees - b->frees), mallocs, frees);
  ck_assert_msg(
      (int64_t)(a->by_size[c].mallocs - b->by_size[c].mallocs) == mallocs &&
          (int64_t)(a->by_size[c].frees - b->by_size[c].frees) == frees,
      "class %d, %s: by_size mallocs %+" PRId64 ", frees %+" PRId64, c, when,
      (int64_t)(a->by_size[c].mallocs - b->by_size[c].mallocs),
      (int64_t)(a->by_size[c].frees - b->by_size[c].frees));
}

// For one thread the counts are exact, object by object, in every class.
START_TEST(stats_exact_single_thread) {
  enum { N = 70 }; // more than a bitmap word
  void *p[N];
  for (int c = 0; c < NUM_SIZE_CLASSES; c++) {
    size_t size = c == 0 ? 100000 : class_to_size[c];
    size_t u = class_size(size);
    for (int n = 1; n <= N; n += N - 1) {
      escrt_memstats b = stats();
      for (int i = 0; i < n; i++)
        p[i] = escrt_malloc(size);
      escrt_memstats a = stats();
      expect_delta(&b, &a, c, n, n, 0, (int64_t)(n * u), "after malloc");
      ck_assert_msg(a.spans_inuse > 0 && a.by_size[c].spans > 0 &&
                        a.by_size[c].size == (c ? u : 0),
                    "class %d: spans %" PRIu64 ", size %u", c,
                    a.by_size[c].spans, a.by_size[c].size);
      for (int i = 0; i < n; i++)
        escrt_free(p[i]);
      escrt_memstats f = stats();
      expect_delta(&b, &f, c, 0, n, n, 0, "after free");
    }
  }
}
END_TEST

// ---------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------

enum { THREAD_OBJECTS = 3000 };

// objects is a set of patterned objects of mixed small and large sizes.
typedef struct objects {
  size_t n; // objects in use of the arrays
  void *p[THREAD_OBJECTS];
  size_t size[THREAD_OBJECTS];
} objects;

static void alloc_objects(objects *o, uint64_t seed) {
  rng r = {seed};
  o->n = THREAD_OBJECTS;
  for (size_t i = 0; i < o->n; i++) {
    uint32_t x = rnd(&r);
    o->size[i] = x % 100 == 0 ? 40000 + x % 100000 : 1 + x % 2000;
    o->p[i] = escrt_malloc(o->size[i]);
    fill(o->p[i], o->size[i], seed + i);
  }
}

// free_objects verifies and frees every object; it reports the first broken
// one instead of failing, so that other threads may call it.
static bool free_objects(objects *o, uint64_t seed, char *why, size_t n) {
  bool ok = true;
  for (size_t i = 0; i < o->n; i++) {
    size_t bad = first_wrong(o->p[i], o->size[i], seed + i);
    if (bad != SIZE_MAX && ok) {
      snprintf(why, n, "object %zu (%p, %zu bytes) changed at offset %zu", i,
               o->p[i], o->size[i], bad);
      ok = false;
    }
    escrt_free(o->p[i]);
  }
  return ok;
}

static objects *new_objects(void) {
  objects *o = malloc(sizeof *o);
  ck_assert_ptr_nonnull(o);
  return o;
}

// escrt_thread_flush gives the thread's spans back, and the thread goes on:
// it allocates again, and frees objects of spans it no longer owns.
START_TEST(thread_flush_then_allocate) {
  escrt_thread_flush(); // before any allocation: nothing to flush
  objects *a = new_objects(), *b = new_objects();
  alloc_objects(a, 1);
  escrt_thread_flush();
  escrt_thread_flush();
  alloc_objects(b, 2);
  char why[160];
  ck_assert_msg(free_objects(a, 1, why, sizeof why), "before flush: %s", why);
  escrt_thread_flush();
  ck_assert_msg(free_objects(b, 2, why, sizeof why), "after flush: %s", why);
  free(a);
  free(b);
}
END_TEST

typedef struct job {
  objects *o;
  uint64_t seed;
  bool alloc;    // allocate o, else free it
  bool ok;       // free found every object intact
  char why[160]; // else what was wrong
} job;

static void *run_job(void *arg) {
  job *j = arg;
  if (j->alloc)
    alloc_objects(j->o, j->seed);
  else
    j->ok = free_objects(j->o, j->seed, j->why, sizeof j->why);
  return NULL;
}

static void in_thread(job *j) {
  pthread_t t;
  int rc = pthread_create(&t, NULL, run_job, j);
  ck_assert_msg(rc == 0, "pthread_create: %s", strerror(rc));
  pthread_join(t, NULL);
}

// A thread that never allocates frees everything another thread allocated:
// its frees are remote, and the counts still come back exact.
START_TEST(free_only_thread) {
  job j = {.o = new_objects(), .seed = 3, .alloc = true};
  alloc_objects(j.o, j.seed);
  j.alloc = false;
  in_thread(&j);
  ck_assert_msg(j.ok, "%s", j.why);
  free(j.o);
}
END_TEST

// A thread allocates and exits, flushing its spans to the mcentrals; this
// thread frees its objects into spans nobody owns.
START_TEST(free_after_owner_exits) {
  job j = {.o = new_objects(), .seed = 4, .alloc = true};
  in_thread(&j);
  char why[160];
  ck_assert_msg(free_objects(j.o, j.seed, why, sizeof why), "%s", why);
  free(j.o);
}
END_TEST

// reuse_remote_frees allocates two spans' worth of objects, frees them on
// another thread, and allocates as many again, which must be the same
// objects, taking no new page. With read_between, it reads the statistics
// between the remote frees and the new allocations.
static void reuse_remote_frees(bool read_between) {
  enum { SIZE = 64 };
  objects *o = new_objects();
  o->n = 2 * class_npages(size_to_class(SIZE)) * PAGE_SIZE / SIZE;
  ck_assert(o->n <= THREAD_OBJECTS);
  for (size_t i = 0; i < o->n; i++) {
    o->size[i] = SIZE;
    o->p[i] = escrt_malloc(SIZE);
    fill(o->p[i], SIZE, 5 + i);
  }
  void **first = malloc(o->n * sizeof *first);
  ck_assert_ptr_nonnull(first);
  memcpy(first, o->p, o->n * sizeof *first);
  qsort(first, o->n, sizeof *first, cmp_ptr);

  escrt_memstats b = stats();
  job j = {.o = o, .seed = 5, .alloc = false};
  in_thread(&j);
  ck_assert_msg(j.ok, "%s", j.why);
  if (read_between)
    stats();
  size_t outside = 0;
  for (size_t i = 0; i < o->n; i++) {
    o->p[i] = escrt_malloc(SIZE);
    outside += bsearch(&o->p[i], first, o->n, sizeof *first, cmp_ptr) == NULL;
  }
  ck_assert_msg(outside == 0,
                "%zu of %zu objects are not among those freed remotely",
                outside, o->n);
  ck_assert_msg(stats().heap_inuse == b.heap_inuse,
                "reallocating remotely freed objects took new pages");
  for (size_t i = 0; i < o->n; i++)
    escrt_free(o->p[i]);
  free(first);
  free(o);
}

// Objects another thread freed come back to their owner.
START_TEST(remote_frees_are_reused) { reuse_remote_frees(false); }
END_TEST

// ---------------------------------------------------------------------------
// Exhaustion and stranded spans
// ---------------------------------------------------------------------------

// A request the heap's address space cannot hold, though not larger than
// PTRDIFF_MAX, fails as C says: NULL and ENOMEM (alloc_span once threw
// "span struct freed twice" here).
START_TEST(nomem_beyond_heap_space) {
  void *p = NULL, *q = escrt_malloc(100);
  errno = 0;
  ck_assert_msg(escrt_malloc((size_t)1 << 62) == NULL && errno == ENOMEM,
                "malloc(2^62)");
  errno = 0;
  ck_assert_msg(escrt_malloc(PTRDIFF_MAX) == NULL && errno == ENOMEM,
                "malloc(PTRDIFF_MAX)");
  errno = 0;
  ck_assert_msg(escrt_calloc((size_t)1 << 31, (size_t)1 << 31) == NULL &&
                    errno == ENOMEM,
                "calloc(2^31, 2^31)");
  errno = 0;
  ck_assert_msg(escrt_realloc(q, PTRDIFF_MAX) == NULL && errno == ENOMEM,
                "realloc(q, PTRDIFF_MAX)");
  errno = 0;
  ck_assert_msg(escrt_aligned_alloc((size_t)1 << 62, 1) == NULL &&
                    errno == ENOMEM,
                "aligned_alloc(2^62, 1)");
  ck_assert_msg(escrt_posix_memalign(&p, 1 << 20, PTRDIFF_MAX) == ENOMEM,
                "posix_memalign(1 MB, PTRDIFF_MAX)");
  escrt_free(q);
}
END_TEST

// Reading the statistics collects the remote frees of the calling thread's
// spans (mcache_collect_all); a full span they empty must still be reused,
// not left on the full list while a new span is taken.
START_TEST(read_memstats_reuses_emptied_span) { reuse_remote_frees(true); }
END_TEST

// add adds the test fn as a test case of its own named name, with the heap
// check after it, so that "check_malloc NAME" (or CK_RUN_CASE) runs one.
static void add(Suite *s, const char *name, const TTest *fn) {
  tcase_add_checked_fixture(suite_add_test(s, name, fn, 120), take_baseline,
                            heap_check);
}

int main(int argc, char **argv) {
  Suite *s = suite_create("malloc");
  add(s, "malloc-zero", malloc_zero);
  add(s, "free-null", free_null);
  add(s, "malloc-nomem", malloc_nomem);
  add(s, "malloc-alignment", malloc_alignment);
  add(s, "sizes-fifo", sizes_fifo);
  add(s, "sizes-lifo", sizes_lifo);
  add(s, "sizes-random", sizes_random);
  add(s, "calloc-zero-over-dirty", calloc_zero_over_dirty);
  add(s, "calloc-overflow", calloc_overflow);
  add(s, "calloc-nomem", calloc_nomem);
  add(s, "calloc-zero-count", calloc_zero_count);
  add(s, "realloc-null-is-malloc", realloc_null_is_malloc);
  add(s, "realloc-keeps-prefix", realloc_keeps_prefix);
  add(s, "realloc-same-class-in-place", realloc_same_class_in_place);
  add(s, "realloc-zero-frees", realloc_zero_frees);
  add(s, "realloc-nomem-keeps-object", realloc_nomem_keeps_object);
  add(s, "aligned-every-power-of-two", aligned_every_power_of_two);
  add(s, "aligned-bad-alignment", aligned_bad_alignment);
  add(s, "posix-memalign-below-pointer-size",
      posix_memalign_below_pointer_size);
  add(s, "aligned-nomem", aligned_nomem);
  add(s, "valloc-pvalloc", valloc_pvalloc);
  add(s, "stats-exact-single-thread", stats_exact_single_thread);
  add(s, "thread-flush-then-allocate", thread_flush_then_allocate);
  add(s, "free-only-thread", free_only_thread);
  add(s, "free-after-owner-exits", free_after_owner_exits);
  add(s, "remote-frees-are-reused", remote_frees_are_reused);
  add(s, "nomem-beyond-heap-space", nomem_beyond_heap_space);
  add(s, "read-memstats-reuses-emptied-span",
      read_memstats_reuses_emptied_span);
  return suite_main(s, argc, argv);
}

// check_mheap: the page heap and the span map (runtime/mheap.c).
//
// Large objects (more than ESCRT_MAX_SMALL_SIZE bytes) are spans of their
// own, so they show the page heap directly: each test allocates them through
// the public API and looks at the result through the internal one, span_of
// and the span struct, and through the statistics. What it checks:
//   - a large object is page-aligned, its usable size is its pages, and the
//     span map gives its span (class 0, the right pages) for its first and
//     last bytes, and not for the bytes just outside it;
//   - the statistics move by exactly the object's pages at malloc and free,
//     and escrt_release_memory turns every idle byte into a released one
//     (and the pages really leave memory: mincore);
//   - span_of of addresses the heap never handed out (the stack, globals,
//     mmap'd memory, glibc's heap, NULL, non-canonical pointers and the
//     heap's own pointers with high bits set, the pages just outside the
//     heap's committed space) is NULL or a span that does not hold them;
//   - manual spans (the stack allocator's) and their statistics;
//   - coalescing and best fit: three adjacent objects freed in every order
//     make one free run that a request of their combined size gets back,
//     and a request goes to the smallest free run that fits, not the first;
//   - large calloc is zero, fresh or over dirty pages; aligned large
//     allocation returns the slack to the heap.
//
// Check runs each test in a child forked from a process that never touched
// the heap, so each test starts with an empty heap. The tests of where
// objects land rely on it, and check it first (fresh_heap).
//
// usage: check_mheap [TEST]
#define _GNU_SOURCE
#include "runtime.h"

#include "harness.h"

#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MB ((size_t)1 << 20)

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

static escrt_memstats stats(void) {
  escrt_memstats st;
  escrt_read_memstats(&st);
  return st;
}

static size_t pages_of(size_t size) {
  return (size + ESCRT_PAGE_SIZE - 1) / ESCRT_PAGE_SIZE;
}

// fresh_heap checks that the heap holds nothing yet: a test that predicts
// addresses must run first in its process.
static void fresh_heap(void) {
  escrt_memstats st = stats();
  ck_assert_msg(st.heap_inuse == 0,
                "this test needs an empty heap (Check's fork mode); %" PRIu64
                " bytes are in use",
                st.heap_inuse);
}

// large_span checks that p is a large object of npages pages, found by the
// span map from its first and last bytes only, and returns its span.
static mspan *large_span(void *p, size_t npages) {
  uintptr_t a = (uintptr_t)p, end = a + npages * PAGE_SIZE;
  ck_assert_msg(a % PAGE_SIZE == 0, "large object %p is not page-aligned", p);
  mspan *s = span_of(a);
  ck_assert_msg(s != NULL, "span_of(%p) is NULL", p);
  ck_assert_msg(s->base == a && s->npages == npages,
                "span of %p: base %#lx, %lu pages; want %lu pages", p,
                (unsigned long)s->base, (unsigned long)s->npages,
                (unsigned long)npages);
  ck_assert_msg(s->state == MSPAN_IN_USE && s->spanclass == 0 &&
                    s->list == SPAN_LARGE && s->nelems == 1 &&
                    s->alloc_count == 1,
                "span of %p: state %d, class %d, list %d, %u objects", p,
                s->state, s->spanclass, s->list, s->nelems);
  ck_assert_msg(span_of(end - 1) == s && span_of(a + PAGE_SIZE - 1) == s &&
                    span_of(end - PAGE_SIZE) == s,
                "span_of misses the span of %p inside it", p);
  ck_assert_msg(span_of(a - 1) != s && span_of(end) != s,
                "span_of finds the span of %p outside it", p);
  ck_assert_msg(escrt_usable_size(p) == npages * PAGE_SIZE,
                "usable size of %p: %zu, want %zu", p, escrt_usable_size(p),
                npages * PAGE_SIZE);
  return s;
}

// free_run checks that the free run holding address a spans [base,
// base+npages pages), found from its first and last pages.
static void free_run(uintptr_t a, uintptr_t base, size_t npages,
                     const char *after) {
  mspan *s = span_of(a);
  ck_assert_msg(s != NULL && s->state == MSPAN_FREE,
                "after %s: span_of(%#lx) is not a free run", after,
                (unsigned long)a);
  ck_assert_msg(s->base == base && s->npages == npages,
                "after %s: the free run at %#lx is %#lx+%lu pages, want "
                "%#lx+%zu",
                after, (unsigned long)a, (unsigned long)s->base,
                (unsigned long)s->npages, (unsigned long)base, npages);
  ck_assert_msg(span_of(base) == s && span_of(span_limit(s) - 1) == s,
                "after %s: the run's end pages do not map to it", after);
}

// resident counts the resident OS pages of [p, p+n).
static size_t resident(void *p, size_t n) {
  long os_page = sysconf(_SC_PAGESIZE);
  size_t npages = n / (size_t)os_page;
  unsigned char *vec = malloc(npages);
  ck_assert_ptr_nonnull(vec);
  ck_assert_msg(mincore(p, n, vec) == 0, "mincore: %s", strerror(errno));
  size_t count = 0;
  for (size_t i = 0; i < npages; i++)
    count += vec[i] & 1;
  free(vec);
  return count;
}

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static bool all_zero(const unsigned char *p, size_t n) {
  return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

// ---------------------------------------------------------------------------
// Large objects
// ---------------------------------------------------------------------------

static const size_t large_sizes[] = {ESCRT_MAX_SMALL_SIZE + 1, 64 << 10,
                                     1 << 20, 100 << 20};

START_TEST(large_object_is_its_own_span) {
  for (size_t i = 0; i < sizeof large_sizes / sizeof *large_sizes; i++) {
    size_t size = large_sizes[i], npages = pages_of(size);
    unsigned char *p = escrt_malloc(size);
    ck_assert_msg(p != NULL, "malloc(%zu) failed", size);
    large_span(p, npages);
    p[0] = 1;
    p[size - 1] = 2;
    p[npages * PAGE_SIZE - 1] = 3; // usable to the end of its pages
    escrt_free(p);
  }
}
END_TEST

// The statistics move by exactly the object's pages; the heap's memory comes
// in whole arenas, released until used. A free releases nothing before
// the scavenger's delay (SCAVENGE_DELAY_NS in mheap.c), which this test
// takes far less than; it checks how long it took before saying so.
START_TEST(large_object_stats) {
  fresh_heap();
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (size_t i = 0; i < sizeof large_sizes / sizeof *large_sizes; i++) {
    size_t size = large_sizes[i], bytes = pages_of(size) * PAGE_SIZE;
    escrt_memstats b = stats();
    void *p = escrt_malloc(size);
    ck_assert_ptr_nonnull(p);
    escrt_memstats a = stats();
    ck_assert_msg(a.heap_inuse - b.heap_inuse == bytes &&
                      a.heap_alloc - b.heap_alloc == bytes,
                  "malloc(%zu): heap_inuse +%" PRIu64 ", heap_alloc +%" PRIu64
                  ", want +%zu",
                  size, a.heap_inuse - b.heap_inuse,
                  a.heap_alloc - b.heap_alloc, bytes);
    ck_assert_msg(a.heap_objects == b.heap_objects + 1 &&
                      a.by_size[0].mallocs == b.by_size[0].mallocs + 1 &&
                      a.by_size[0].frees == b.by_size[0].frees &&
                      a.by_size[0].spans == b.by_size[0].spans + 1 &&
                      a.spans_inuse == b.spans_inuse + 1,
                  "malloc(%zu): object, malloc or span counts wrong", size);
    ck_assert_msg(a.heap_sys % ARENA_BYTES == 0 && a.heap_sys >= b.heap_sys &&
                      a.heap_idle == a.heap_sys - a.heap_inuse &&
                      a.heap_released <= a.heap_idle,
                  "malloc(%zu): sys %" PRIu64 ", inuse %" PRIu64
                  ", idle %" PRIu64 ", released %" PRIu64,
                  size, a.heap_sys, a.heap_inuse, a.heap_idle, a.heap_released);
    // The first object takes fresh pages of a fresh arena; later ones reuse
    // the pages the one before left unreleased.
    if (i == 0)
      ck_assert_msg(a.heap_released + bytes == a.heap_sys,
                    "the first object: released %" PRIu64 " of sys %" PRIu64,
                    a.heap_released, a.heap_sys);

    escrt_free(p);
    escrt_memstats c = stats();
    ck_assert_msg(c.heap_inuse == b.heap_inuse &&
                      c.heap_alloc == b.heap_alloc &&
                      c.heap_objects == b.heap_objects,
                  "free of %zu bytes: inuse, alloc or objects not back", size);
    ck_assert_msg(c.heap_sys == a.heap_sys &&
                      c.heap_idle - a.heap_idle == bytes,
                  "free of %zu bytes: idle +%" PRIu64 ", want +%zu", size,
                  c.heap_idle - a.heap_idle, bytes);
    if (seconds_since(&start) < 0.5)
      ck_assert_msg(c.heap_released == a.heap_released,
                    "free of %zu bytes released pages at once", size);
    ck_assert_msg(c.by_size[0].frees == b.by_size[0].frees + 1 &&
                      c.by_size[0].mallocs == b.by_size[0].mallocs + 1 &&
                      c.by_size[0].spans == b.by_size[0].spans,
                  "free of %zu bytes: by_size[0] not counted", size);
  }
}
END_TEST

// A freed run stays resident until the scavenger's delay has passed;
// escrt_release_memory returns it at once, every idle byte is then released,
// and the pages hold zeros when they come back.
START_TEST(release_memory_returns_idle_pages) {
  fresh_heap();
  unsigned char *p = escrt_malloc(MB);
  ck_assert_ptr_nonnull(p);
  memset(p, 0xab, MB);
  escrt_free(p);
  ck_assert_msg(resident(p, MB) == MB / (size_t)sysconf(_SC_PAGESIZE),
                "a just-freed object's pages left memory at once");
  escrt_memstats b = stats();
  ck_assert_msg(b.heap_idle - b.heap_released >= MB,
                "the freed megabyte does not count as idle and unreleased");

  escrt_release_memory();
  escrt_memstats a = stats();
  ck_assert_msg(a.heap_released == a.heap_idle,
                "after escrt_release_memory: released %" PRIu64
                ", idle %" PRIu64,
                a.heap_released, a.heap_idle);
  ck_assert_msg(a.heap_idle == b.heap_idle && a.heap_sys == b.heap_sys &&
                    a.heap_inuse == b.heap_inuse,
                "escrt_release_memory changed idle, sys or inuse");
  ck_assert_msg(resident(p, MB) == 0, "released pages are still resident");

  // The same pages again, known to be zero: calloc need not clear them.
  unsigned char *q = escrt_calloc(1, MB);
  ck_assert_msg(q == p, "calloc(1 MB) got %p, not the released %p", q, p);
  ck_assert_msg(span_of((uintptr_t)q)->needzero == 0,
                "released pages are marked as needing zeroing");
  ck_assert_msg(all_zero(q, MB), "released pages came back dirty");
  ck_assert_msg(stats().heap_released == a.heap_released - MB,
                "reusing released pages did not uncount them");
  escrt_free(q);
}
END_TEST

START_TEST(large_calloc_is_zero) {
  fresh_heap();
  // Fresh pages.
  unsigned char *p = escrt_calloc(1, MB);
  ck_assert_ptr_nonnull(p);
  ck_assert_msg(all_zero(p, MB), "fresh calloc(1 MB) is not zero");
  memset(p, 0xcd, MB);
  escrt_free(p);
  // The same pages, dirty and not released.
  unsigned char *q = escrt_calloc(MB / 16, 16);
  ck_assert_msg(q == p, "calloc got %p, not the freed %p", q, p);
  ck_assert_msg(span_of((uintptr_t)q)->needzero,
                "dirty pages are not marked as needing zeroing");
  ck_assert_msg(all_zero(q, MB), "calloc over dirty pages is not zero");
  escrt_free(q);
  // escrt_new over the same dirty pages.
  p = escrt_malloc(MB);
  memset(p, 0xef, MB);
  escrt_free(p);
  unsigned char *r = escrt_new(MB);
  ck_assert_msg(r == p, "escrt_new got %p, not the freed %p", r, p);
  ck_assert_msg(all_zero(r, MB), "escrt_new over dirty pages is not zero");
  // r is the collector's to free.
}
END_TEST

// An alignment above a page takes slack pages around the object; they go
// back to the heap at once.
START_TEST(aligned_large_returns_slack) {
  static const struct {
    size_t align, size;
  } cases[] = {
      {64 << 10, 100000},         {1 << 20, 100000}, {1 << 20, 3 << 20},
      {ARENA_BYTES, 64 << 10},    {1 << 20, 1},      {16 << 10, 40000},
      {ESCRT_PAGE_SIZE, 1 << 20},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t align = cases[i].align, size = cases[i].size;
    escrt_memstats b = stats();
    void *p = escrt_aligned_alloc(align, size);
    ck_assert_msg(p != NULL, "aligned_alloc(%zu, %zu) failed", align, size);
    ck_assert_msg((uintptr_t)p % align == 0, "aligned_alloc(%zu, %zu) = %p",
                  align, size, p);
    // Past a page of alignment (or of size), the object is large.
    bool large = align > ESCRT_PAGE_SIZE || size > ESCRT_MAX_SMALL_SIZE;
    size_t npages = pages_of(size);
    if (large) {
      large_span(p, npages);
      ck_assert_msg(stats().heap_inuse - b.heap_inuse == npages * PAGE_SIZE,
                    "aligned_alloc(%zu, %zu) kept slack pages in use", align,
                    size);
    }
    memset(p, 0x5a, size);
    escrt_free(p);
    ck_assert_msg(stats().heap_inuse == b.heap_inuse,
                  "aligned_alloc(%zu, %zu) left pages in use after free", align,
                  size);
  }
  void *p = NULL;
  ck_assert_int_eq(escrt_posix_memalign(&p, 1 << 20, 3 << 20), 0);
  ck_assert_msg((uintptr_t)p % (1 << 20) == 0, "posix_memalign 1 MB: %p", p);
  large_span(p, pages_of(3 << 20));
  escrt_free(p);
}
END_TEST

// ---------------------------------------------------------------------------
// The span map and foreign pointers
// ---------------------------------------------------------------------------

static char global_bytes[3 * PAGE_SIZE];

// expect_foreign checks that span_of does not claim address q for a span in
// use: NULL, or a span whose pages do not hold q.
static void expect_foreign(uintptr_t q, const char *what) {
  mspan *s = span_of(q);
  ck_assert_msg(s == NULL || s->state != MSPAN_IN_USE || q < s->base ||
                    q >= span_limit(s),
                "span_of(%#lx) (%s) is the span %#lx+%lu pages holding it",
                (unsigned long)q, what, (unsigned long)s->base,
                (unsigned long)s->npages);
}

START_TEST(span_of_foreign_pointers) {
  // The heap must exist, with objects in it, for the question to matter.
  unsigned char *small = escrt_malloc(64), *big = escrt_malloc(MB);
  ck_assert(small != NULL && big != NULL);
  int local = 0;
  char *mapped = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ck_assert(mapped != MAP_FAILED);
  char *libc = malloc(100);
  ck_assert_ptr_nonnull(libc);
  uintptr_t low48 = (uintptr_t)small & 0xffffffffffffu;
  const struct {
    uintptr_t q;
    const char *what;
  } cases[] = {
      {(uintptr_t)&local, "a stack variable"},
      {(uintptr_t)global_bytes, "a global"},
      {(uintptr_t)global_bytes + sizeof global_bytes - 1, "a global's end"},
      {(uintptr_t)mapped, "mmap'd memory"},
      {(uintptr_t)mapped + PAGE_SIZE + 8, "mmap'd memory, second page"},
      {(uintptr_t)libc, "glibc's malloc"},
      {0, "NULL"},
      {8, "the zero page"},
      {0xffff800000000000u, "the kernel half"},
      {UINTPTR_MAX, "the last address"},
      {0xdead000000000000u | low48, "a heap pointer with 0xdead on top"},
      {(uintptr_t)small | (uintptr_t)1 << 63, "a heap pointer, bit 63 set"},
      {(uintptr_t)small | (uintptr_t)1 << 48, "a heap pointer, bit 48 set"},
      {(uintptr_t)big + ((uintptr_t)1 << 56), "a large object, bit 56 set"},
      {heap_space_.base - 1, "the byte before the heap"},
      {heap_space_.base - PAGE_SIZE, "the page before the heap"},
      {heap_space_.base + heap_space_.npages * PAGE_SIZE,
       "the page after the committed heap"},
      {heap_space_.base + heap_space_.max_pages * PAGE_SIZE - 1,
       "the last byte of the reserved heap"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    expect_foreign(cases[i].q, cases[i].what);
  // Outside the committed heap, nothing at all.
  ck_assert_msg(
      span_of(heap_space_.base - 1) == NULL &&
          span_of(heap_space_.base + heap_space_.npages * PAGE_SIZE) == NULL,
      "span_of is not NULL just outside the committed heap");
  ck_assert_msg(span_of((uintptr_t)small) != NULL &&
                    span_of((uintptr_t)big) != NULL,
                "span_of misses the heap's own objects");
  free(libc);
  munmap(mapped, 2 * PAGE_SIZE);
  escrt_free(small);
  escrt_free(big);
}
END_TEST

// ---------------------------------------------------------------------------
// Manual spans
// ---------------------------------------------------------------------------

START_TEST(manual_span_counts_as_stack) {
  escrt_memstats b = stats();
  mspan *s = mheap_alloc_manual(4);
  ck_assert_ptr_nonnull(s);
  ck_assert_msg(s->state == MSPAN_MANUAL && s->npages == 4 &&
                    s->spanclass == 0 && s->base % PAGE_SIZE == 0,
                "manual span: state %d, %lu pages, class %d, base %#lx",
                s->state, (unsigned long)s->npages, s->spanclass,
                (unsigned long)s->base);
  for (uintptr_t p = s->base; p < span_limit(s); p += PAGE_SIZE / 2)
    ck_assert_msg(span_of(p) == s && span_of(p + PAGE_SIZE / 2 - 1) == s,
                  "span_of misses the manual span at +%#lx",
                  (unsigned long)(p - s->base));
  memset((void *)s->base, 0x77, 4 * PAGE_SIZE);
  escrt_memstats a = stats();
  ck_assert_msg(a.stack_inuse - b.stack_inuse == 4 * PAGE_SIZE &&
                    a.heap_inuse - b.heap_inuse == 4 * PAGE_SIZE,
                "manual span: stack_inuse +%" PRIu64 ", heap_inuse +%" PRIu64,
                a.stack_inuse - b.stack_inuse, a.heap_inuse - b.heap_inuse);
  ck_assert_msg(a.heap_objects == b.heap_objects &&
                    a.heap_alloc == b.heap_alloc &&
                    a.spans_inuse == b.spans_inuse,
                "a manual span counts as an object or an object span");
  mheap_free_manual(s);
  escrt_memstats c = stats();
  ck_assert_msg(c.stack_inuse == b.stack_inuse && c.heap_inuse == b.heap_inuse,
                "freed manual span still counts");
}
END_TEST

// ---------------------------------------------------------------------------
// Coalescing and best fit
// ---------------------------------------------------------------------------

enum { PART_PAGES = 40, GUARD_SIZE = ESCRT_MAX_SMALL_SIZE + 1 };

// The six orders of three.
static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                 {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

// Three adjacent objects between two guards, freed in every order: each
// free merges with the free neighbours among the three, the last leaves one
// run of the three, and a request of their combined size gets it back.
START_TEST(coalesce_in_every_order) {
  fresh_heap();
  const size_t part = PART_PAGES * PAGE_SIZE;
  for (int o = 0; o < 6; o++) {
    char *g1 = escrt_malloc(GUARD_SIZE);
    char *x[3];
    for (int i = 0; i < 3; i++)
      x[i] = escrt_malloc(part);
    char *g2 = escrt_malloc(GUARD_SIZE);
    ck_assert_msg(x[0] == g1 + pages_of(GUARD_SIZE) * PAGE_SIZE &&
                      x[1] == x[0] + part && x[2] == x[1] + part &&
                      g2 == x[2] + part,
                  "order %d: the objects are not adjacent: %p %p %p %p %p", o,
                  g1, x[0], x[1], x[2], g2);
    bool freed[3] = {false, false, false};
    for (int k = 0; k < 3; k++) {
      int i = orders[o][k];
      escrt_free(x[i]);
      freed[i] = true;
      int lo = i, hi = i;
      while (lo > 0 && freed[lo - 1])
        lo--;
      while (hi < 2 && freed[hi + 1])
        hi++;
      char after[64];
      snprintf(after, sizeof after, "order %d, free %d", o, k + 1);
      free_run((uintptr_t)x[i] + PAGE_SIZE, (uintptr_t)x[lo],
               (size_t)(hi - lo + 1) * PART_PAGES, after);
    }
    char *all = escrt_malloc(3 * part);
    ck_assert_msg(all == x[0], "order %d: the merged run was at %p, got %p", o,
                  x[0], all);
    large_span(all, 3 * PART_PAGES);
    escrt_free(all);
    escrt_free(g1);
    escrt_free(g2);
  }
}
END_TEST

// holes allocates objects of the given pages with a guard after each, frees
// them, and returns their addresses in h: free runs of exactly those sizes.
static void holes(const size_t *npages, int n, char **h, char **guards) {
  for (int i = 0; i < n; i++) {
    h[i] = escrt_malloc(npages[i] * PAGE_SIZE);
    guards[i] = escrt_malloc(GUARD_SIZE);
    ck_assert(h[i] != NULL && guards[i] != NULL);
  }
  for (int i = 0; i < n; i++) {
    escrt_free(h[i]);
    free_run((uintptr_t)h[i], (uintptr_t)h[i], npages[i], "making holes");
  }
}

// A request goes to the smallest free run that holds it, whatever the
// order of addresses: among runs of one bin, and among the big runs.
START_TEST(best_fit_not_first_fit) {
  fresh_heap();
  // Small runs: 12 pages, then 8; a request of 6 goes to the 8.
  char *h[2], *g[2];
  holes((const size_t[]){12, 8}, 2, h, g);
  char *p = escrt_malloc(6 * PAGE_SIZE);
  ck_assert_msg(p == h[1],
                "6 pages from %p, want the 8-page run at %p "
                "(the 12-page run is at %p)",
                p, h[1], h[0]);
  char *q = escrt_malloc(12 * PAGE_SIZE);
  ck_assert_msg(q == h[0], "12 pages from %p, want the 12-page run at %p", q,
                h[0]);
  // Big runs (past the binned sizes): 300 pages, then 200; 150 goes to 200.
  char *bh[2], *bg[2];
  holes((const size_t[]){300, 200}, 2, bh, bg);
  char *r = escrt_malloc(150 * PAGE_SIZE);
  ck_assert_msg(r == bh[1],
                "150 pages from %p, want the 200-page run at %p "
                "(the 300-page run is at %p)",
                r, bh[1], bh[0]);
  char *t = escrt_malloc(250 * PAGE_SIZE);
  ck_assert_msg(t == bh[0], "250 pages from %p, want the 300-page run at %p", t,
                bh[0]);
  void *all[] = {p, q, r, t, g[0], g[1], bg[0], bg[1]};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    escrt_free(all[i]);
  ck_assert_msg(stats().heap_inuse == 0, "pages left in use");
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("mheap");
  suite_add_test(s, "large-object-is-its-own-span",
                 large_object_is_its_own_span, 60);
  suite_add_test(s, "large-object-stats", large_object_stats, 60);
  suite_add_test(s, "release-memory-returns-idle-pages",
                 release_memory_returns_idle_pages, 60);
  suite_add_test(s, "large-calloc-is-zero", large_calloc_is_zero, 60);
  suite_add_test(s, "aligned-large-returns-slack", aligned_large_returns_slack,
                 60);
  suite_add_test(s, "span-of-foreign-pointers", span_of_foreign_pointers, 60);
  suite_add_test(s, "manual-span-counts-as-stack", manual_span_counts_as_stack,
                 60);
  suite_add_test(s, "coalesce-in-every-order", coalesce_in_every_order, 60);
  suite_add_test(s, "best-fit-not-first-fit", best_fit_not_first_fit, 60);
  return suite_main(s, argc, argv);
}

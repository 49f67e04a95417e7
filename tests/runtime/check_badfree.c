// check_badfree: misuse of the heap stops the program with Go's words.
//
// Every bad free-like call (free, realloc, malloc_usable_size of a pointer
// the heap did not hand out, of a pointer into an object, of an object
// already free) must end the program with exactly one line on standard error
// and exit status 2, in every build (runtime/HACKING.md, "Error handling"):
//
//	fatal error: free of 0x7f0a12345678: pointer not allocated by this heap
//	fatal error: free of 0x7f0a12345688: pointer into the middle of an
// object (object 0x7f0a12345680, size 64)
//
// Addresses are lowercase hex with 0x and no padding (panic.c, put_hex).
// Each test sets the scene in its Check process, computes the line it
// expects, then forks a child that sends standard error into a pipe and
// commits the misuse (expect_fatal); the parent compares the whole of what
// the child wrote and its status, as Go's crash_test.go does. A child that
// survives the misuse exits 0 and fails the test. The child inherits the
// heap and its addresses, so objects allocated before the fork are the
// child's objects too; escrt_free is not intercepted by ASan, so the
// sanitized test build runs the same code as the product.
//
// The runtime's own allocation, escrt_new, never returns NULL: it stops the
// program with "fatal error: out of memory"; a runtime bug caught by an
// invariant check throws "fatal error: runtime: ...". Both are here too.
//
// usage: check_badfree [TEST]
#define _GNU_SOURCE
#include "runtime.h"

#include "harness.h"

#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

// The reasons fatal_free gives (malloc.c).
#define NOT_OURS "pointer not allocated by this heap"
#define MIDDLE "pointer into the middle of an object"
#define ALREADY_FREE "object already free"
#define FREE_PAGES "pointer to free heap pages"
#define PAST_LAST "pointer past the last object of its span"
#define STACK_SPAN "pointer into a stack span, not an object"

// ---------------------------------------------------------------------------
// Expected lines (the misuse runs in a child: expect_fatal, support/fatal.c)
// ---------------------------------------------------------------------------

// The expected line: "fatal error: VERB of 0xP: WHY", with " (object 0xO,
// size N)" when obj is not 0.
static char want_buf[256];

static const char *want_free(const char *verb, const void *p, const char *why,
                             const void *obj, size_t size) {
  int n = snprintf(want_buf, sizeof want_buf,
                   "fatal error: %s of 0x%" PRIxPTR ": %s", verb, (uintptr_t)p,
                   why);
  if (obj != NULL)
    n += snprintf(want_buf + n, sizeof want_buf - (size_t)n,
                  " (object 0x%" PRIxPTR ", size %zu)", (uintptr_t)obj, size);
  snprintf(want_buf + n, sizeof want_buf - (size_t)n, "\n");
  return want_buf;
}

// The misuses, on the pointer passed.
static void do_free(void *p) { escrt_free(p); }
static void do_free_twice(void *p) {
  escrt_free(p);
  escrt_free(p);
}
static void do_realloc(void *p) { escrt_realloc(p, 10); }
static void do_usable_size(void *p) { escrt_usable_size(p); }

// The remote ones: the same calls on a thread that never allocated.
static void on_thread(void *(*fn)(void *), void *p) {
  pthread_t t;
  if (pthread_create(&t, NULL, fn, p) == 0)
    pthread_join(t, NULL);
}
static void *free_it(void *p) {
  escrt_free(p);
  return NULL;
}
static void *free_it_twice(void *p) {
  escrt_free(p);
  escrt_free(p);
  return NULL;
}
static void do_remote_free(void *p) { on_thread(free_it, p); }
static void do_remote_free_twice(void *p) { on_thread(free_it_twice, p); }

static void *must_malloc(size_t size) {
  void *p = escrt_malloc(size);
  ck_assert_msg(p != NULL, "malloc(%zu) failed", size);
  return p;
}

// ---------------------------------------------------------------------------
// Pointers the heap never handed out
// ---------------------------------------------------------------------------

static char global_bytes[64];

START_TEST(free_foreign_stack) {
  char local[16];
  must_malloc(64); // the heap exists
  expect_fatal(do_free, local, want_free("free", local, NOT_OURS, NULL, 0));
}
END_TEST

START_TEST(free_foreign_global) {
  must_malloc(64);
  expect_fatal(do_free, global_bytes,
               want_free("free", global_bytes, NOT_OURS, NULL, 0));
}
END_TEST

START_TEST(free_foreign_mmap) {
  must_malloc(64);
  char *m = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ck_assert(m != MAP_FAILED);
  expect_fatal(do_free, m, want_free("free", m, NOT_OURS, NULL, 0));
  munmap(m, 4 * PAGE_SIZE);
}
END_TEST

// A pointer from the C library's malloc (ASan's, in the test build).
START_TEST(free_foreign_libc_malloc) {
  must_malloc(64);
  char *p = malloc(64);
  ck_assert_ptr_nonnull(p);
  expect_fatal(do_free, p, want_free("free", p, NOT_OURS, NULL, 0));
  free(p);
}
END_TEST

// A heap object's address with bits above the 48-bit address space set: not
// the object, and not this heap's.
START_TEST(free_high_bits) {
  char *p = must_malloc(64);
  uintptr_t low = (uintptr_t)p & 0xffffffffffffu;
  void *dead = (void *)(0xdead000000000000u | low);
  void *top = (void *)((uintptr_t)p | (uintptr_t)1 << 63);
  expect_fatal(do_free, dead, want_free("free", dead, NOT_OURS, NULL, 0));
  expect_fatal(do_free, top, want_free("free", top, NOT_OURS, NULL, 0));
  escrt_free(p); // the object itself is still fine
}
END_TEST

// A span of stacks (mheap_alloc_manual) is the heap's, but holds no objects.
START_TEST(free_stack_span) {
  must_malloc(64); // the heap exists
  mspan *s = mheap_alloc_manual(2);
  ck_assert_ptr_nonnull(s);
  void *p = (void *)(s->base + 16);
  expect_fatal(do_free, p, want_free("free", p, STACK_SPAN, NULL, 0));
}
END_TEST

// ---------------------------------------------------------------------------
// Pointers into objects, and past them
// ---------------------------------------------------------------------------

START_TEST(free_interior_small) {
  char *p = must_malloc(64);
  expect_fatal(do_free, p + 8, want_free("free", p + 8, MIDDLE, p, 64));
  expect_fatal(do_free, p + 63, want_free("free", p + 63, MIDDLE, p, 64));
  char *q = must_malloc(24); // a class whose size is not a power of two
  expect_fatal(do_free, q + 16, want_free("free", q + 16, MIDDLE, q, 24));
}
END_TEST

START_TEST(free_interior_large) {
  size_t size = 1 << 20;
  char *p = must_malloc(size);
  expect_fatal(do_free, p + 4096, want_free("free", p + 4096, MIDDLE, p, size));
  char *q = must_malloc(ESCRT_MAX_SMALL_SIZE + 1); // 5 pages
  expect_fatal(do_free, q + 40959,
               want_free("free", q + 40959, MIDDLE, q, 5 * PAGE_SIZE));
}
END_TEST

// The tail of a span past its last object: for 48-byte objects in a span of
// 8 pages, 65536 - 1365*48 = 16 bytes (Go's one-page spans leave 32).
START_TEST(free_past_last_object) {
  char *p = must_malloc(48);
  mspan *s = span_of((uintptr_t)p);
  ck_assert_msg(s->elemsize == 48 && s->limit_off < s->npages * PAGE_SIZE,
                "class 48 span has no tail: limit_off %u", s->limit_off);
  char *tail = (char *)s->base + s->limit_off;
  expect_fatal(do_free, tail, want_free("free", tail, PAST_LAST, NULL, 0));
  char *end = (char *)span_limit(s) - 8;
  expect_fatal(do_free, end, want_free("free", end, PAST_LAST, NULL, 0));
}
END_TEST

// ---------------------------------------------------------------------------
// Double frees
// ---------------------------------------------------------------------------

START_TEST(double_free_small) {
  char *p = must_malloc(64);
  escrt_free(p);
  expect_fatal(do_free, p, want_free("free", p, ALREADY_FREE, NULL, 0));
  char *q = must_malloc(100);
  expect_fatal(do_free_twice, q, want_free("free", q, ALREADY_FREE, NULL, 0));
}
END_TEST

// The owner frees, then another thread frees again: the remote free finds
// the alloc bit clear.
START_TEST(double_free_remote) {
  char *p = must_malloc(64);
  escrt_free(p);
  expect_fatal(do_remote_free, p, want_free("free", p, ALREADY_FREE, NULL, 0));
}
END_TEST

// Another thread frees twice: the second finds its remote bit already set.
START_TEST(double_free_remote_twice) {
  char *p = must_malloc(64);
  expect_fatal(do_remote_free_twice, p,
               want_free("free", p, ALREADY_FREE, NULL, 0));
}
END_TEST

static void *alloc_two(void *arg) {
  void **out = arg;
  out[0] = escrt_malloc(64);
  out[1] = escrt_malloc(64);
  return NULL;
}

// The span's thread has exited: the free goes through the mcentral.
START_TEST(double_free_unowned) {
  void *pq[2];
  on_thread(alloc_two, pq);
  ck_assert(pq[0] != NULL && pq[1] != NULL);
  escrt_free(pq[0]);
  expect_fatal(do_free, pq[0], want_free("free", pq[0], ALREADY_FREE, NULL, 0));
  expect_fatal(do_remote_free, pq[0],
               want_free("free", pq[0], ALREADY_FREE, NULL, 0));
}
END_TEST

START_TEST(double_free_large) {
  char *p = must_malloc(1 << 20);
  escrt_free(p);
  expect_fatal(do_free, p, want_free("free", p, FREE_PAGES, NULL, 0));
  expect_fatal(do_remote_free, p, want_free("free", p, FREE_PAGES, NULL, 0));
}
END_TEST

// An object whose span emptied and went back to the page heap.
START_TEST(double_free_after_span_returned) {
  enum { SIZE = 64 };
  size_t nelems = class_npages(size_to_class(SIZE)) * PAGE_SIZE / SIZE;
  size_t n = 2 * nelems + 1;
  char **p = malloc(n * sizeof *p);
  ck_assert_ptr_nonnull(p);
  for (size_t i = 0; i < n; i++)
    p[i] = must_malloc(SIZE);
  // The first span is full and not current: freeing it all returns it.
  mspan *s = span_of((uintptr_t)p[0]);
  for (size_t i = 0; i < n; i++)
    if (span_of((uintptr_t)p[i]) == s)
      escrt_free(p[i]);
  ck_assert_msg(s->state == MSPAN_FREE, "the emptied span was kept (state %d)",
                s->state);
  expect_fatal(do_free, p[0], want_free("free", p[0], FREE_PAGES, NULL, 0));
  free(p);
}
END_TEST

// ---------------------------------------------------------------------------
// realloc and malloc_usable_size
// ---------------------------------------------------------------------------

START_TEST(realloc_foreign) {
  char local[16];
  must_malloc(64);
  expect_fatal(do_realloc, local,
               want_free("realloc", local, NOT_OURS, NULL, 0));
}
END_TEST

START_TEST(realloc_interior) {
  char *p = must_malloc(64);
  expect_fatal(do_realloc, p + 8, want_free("realloc", p + 8, MIDDLE, p, 64));
}
END_TEST

START_TEST(realloc_freed) {
  char *p = must_malloc(64), *q = must_malloc(1 << 20);
  escrt_free(p);
  escrt_free(q);
  expect_fatal(do_realloc, p, want_free("realloc", p, ALREADY_FREE, NULL, 0));
  expect_fatal(do_realloc, q, want_free("realloc", q, FREE_PAGES, NULL, 0));
}
END_TEST

START_TEST(usable_size_foreign) {
  must_malloc(64);
  expect_fatal(
      do_usable_size, global_bytes,
      want_free("malloc_usable_size", global_bytes, NOT_OURS, NULL, 0));
}
END_TEST

START_TEST(usable_size_interior) {
  char *p = must_malloc(1 << 20);
  expect_fatal(do_usable_size, p + 100,
               want_free("malloc_usable_size", p + 100, MIDDLE, p, 1 << 20));
  char *q = must_malloc(48);
  mspan *s = span_of((uintptr_t)q);
  char *tail = (char *)s->base + s->limit_off;
  expect_fatal(do_usable_size, tail,
               want_free("malloc_usable_size", tail, PAST_LAST, NULL, 0));
}
END_TEST

START_TEST(usable_size_freed) {
  char *p = must_malloc(64);
  escrt_free(p);
  expect_fatal(do_usable_size, p,
               want_free("malloc_usable_size", p, ALREADY_FREE, NULL, 0));
}
END_TEST

// ---------------------------------------------------------------------------
// fatal and throw
// ---------------------------------------------------------------------------

static void do_new(void *size) { escrt_new(*(size_t *)size); }

START_TEST(new_out_of_memory) {
  static const size_t sizes[] = {SIZE_MAX, (size_t)PTRDIFF_MAX + 1};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
    expect_fatal(do_new, (void *)&sizes[i], "fatal error: out of memory\n");
}
END_TEST

static void do_free_manual(void *s) { mheap_free_manual(s); }

// mheap_free_manual of a span that is not manual is a runtime bug: throw.
START_TEST(free_manual_of_object_span) {
  char *p = must_malloc(1 << 20);
  expect_fatal(do_free_manual, span_of((uintptr_t)p),
               "fatal error: runtime: mheap_free_manual of a span not in "
               "manual state\n");
}
END_TEST

// ---------------------------------------------------------------------------
// A remote free, then the owner's
// ---------------------------------------------------------------------------

// do_free_then_reuse frees p on its owner and asks for objects of its class
// until one would be p: the owner's fast path reads only the alloc bit, so
// the second free itself passes, but every scan for free objects collects
// the remote frees first and stops the program before p is handed out again.
static void do_free_then_reuse(void *p) {
  escrt_free(p);
  for (int i = 0; i < 100000; i++)
    if (escrt_malloc(64) == p)
      return; // handed out twice: the child exits 0 and the test fails
}

// Another thread frees, then the owner frees again.
START_TEST(double_free_remote_then_owner) {
  char *p = must_malloc(64);
  do_remote_free(p);
  expect_fatal(do_free_then_reuse, p,
               want_free("free", p, ALREADY_FREE, NULL, 0));
}
END_TEST

// The same, found when the statistics collect the remote frees.
static void do_free_then_read_stats(void *p) {
  escrt_free(p);
  escrt_memstats st;
  escrt_read_memstats(&st);
}

START_TEST(double_free_remote_then_owner_stats) {
  char *p = must_malloc(64);
  do_remote_free(p);
  expect_fatal(do_free_then_read_stats, p,
               want_free("free", p, ALREADY_FREE, NULL, 0));
}
END_TEST

// escrt_new of more than the heap's address space can hold says "out of
// memory", as any other exhaustion.
START_TEST(new_out_of_memory_beyond_heap) {
  static const size_t sizes[] = {(size_t)1 << 62, PTRDIFF_MAX};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
    expect_fatal(do_new, (void *)&sizes[i], "fatal error: out of memory\n");
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("badfree");
  suite_add_test(s, "free-foreign-stack", free_foreign_stack, 60);
  suite_add_test(s, "free-foreign-global", free_foreign_global, 60);
  suite_add_test(s, "free-foreign-mmap", free_foreign_mmap, 60);
  suite_add_test(s, "free-foreign-libc-malloc", free_foreign_libc_malloc, 60);
  suite_add_test(s, "free-high-bits", free_high_bits, 60);
  suite_add_test(s, "free-stack-span", free_stack_span, 60);
  suite_add_test(s, "free-interior-small", free_interior_small, 60);
  suite_add_test(s, "free-interior-large", free_interior_large, 60);
  suite_add_test(s, "free-past-last-object", free_past_last_object, 60);
  suite_add_test(s, "double-free-small", double_free_small, 60);
  suite_add_test(s, "double-free-remote", double_free_remote, 60);
  suite_add_test(s, "double-free-remote-twice", double_free_remote_twice, 60);
  suite_add_test(s, "double-free-unowned", double_free_unowned, 60);
  suite_add_test(s, "double-free-large", double_free_large, 60);
  suite_add_test(s, "double-free-after-span-returned",
                 double_free_after_span_returned, 60);
  suite_add_test(s, "realloc-foreign", realloc_foreign, 60);
  suite_add_test(s, "realloc-interior", realloc_interior, 60);
  suite_add_test(s, "realloc-freed", realloc_freed, 60);
  suite_add_test(s, "usable-size-foreign", usable_size_foreign, 60);
  suite_add_test(s, "usable-size-interior", usable_size_interior, 60);
  suite_add_test(s, "usable-size-freed", usable_size_freed, 60);
  suite_add_test(s, "new-out-of-memory", new_out_of_memory, 60);
  suite_add_test(s, "free-manual-of-object-span", free_manual_of_object_span,
                 60);
  suite_add_test(s, "double-free-remote-then-owner",
                 double_free_remote_then_owner, 60);
  suite_add_test(s, "double-free-remote-then-owner-stats",
                 double_free_remote_then_owner_stats, 60);
  suite_add_test(s, "new-out-of-memory-beyond-heap",
                 new_out_of_memory_beyond_heap, 60);
  return suite_main(s, argc, argv);
}

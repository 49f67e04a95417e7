// check_stack: the runtime's stack allocator (runtime/stack.c).
//
// Goroutines arrive with a later issue; their stacks already come from the
// heap's manual spans through Go's three tiers, and these tests hold the
// tiers to their accounting: the four small orders from the stackpool by
// way of a thread's stackcache, larger stacks as spans of their own kept in
// stackLarge for reuse, and nothing left in use once every stack is freed
// and the caches are flushed (the statistics' stack_inuse back to where it
// was), however many stacks come and go and on whichever thread they are
// freed. Misuse stops the program with the runtime's message, in a child.
#include "runtime.h"

#include "harness.h"

#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t stack_inuse(void) {
  escrt_memstats st;
  escrt_read_memstats(&st);
  return st.stack_inuse;
}

// settle empties the calling thread's caches and stackLarge, so that
// stack_inuse counts only stacks in use.
static void settle(void) {
  escrt_thread_flush();
  escrt_release_memory();
}

static void fill(stack s, unsigned char v) {
  memset((void *)s.lo, v, s.hi - s.lo);
}

static void check_fill(stack s, unsigned char v) {
  for (uintptr_t p = s.lo; p < s.hi; p++)
    if (*(unsigned char *)p != v)
      ck_abort_msg("stack [%#lx, %#lx): byte at %#lx is %d, want %d",
                   (unsigned long)s.lo, (unsigned long)s.hi, (unsigned long)p,
                   *(unsigned char *)p, v);
}

// ---------------------------------------------------------------------------
// Sizes and placement
// ---------------------------------------------------------------------------

// Every power of two from 2 KB to 4 MB: the size asked for, writable, in a
// manual span, aligned to the smaller of its size and a page, not
// overlapping the others.
START_TEST(every_size_is_its_own_memory) {
  settle();
  uint64_t before = stack_inuse();
  enum { SIZES = 12 };
  stack s[SIZES];
  for (int i = 0; i < SIZES; i++) {
    uintptr_t n = (uintptr_t)FIXED_STACK << i;
    s[i] = stackalloc(n);
    ck_assert_msg(s[i].hi - s[i].lo == n, "stackalloc(%lu) gave %lu bytes",
                  (unsigned long)n, (unsigned long)(s[i].hi - s[i].lo));
    uintptr_t align = n < PAGE_SIZE ? n : PAGE_SIZE;
    ck_assert_msg(s[i].lo % align == 0, "stack of %lu at %#lx not aligned",
                  (unsigned long)n, (unsigned long)s[i].lo);
    mspan *sp = span_of(s[i].lo);
    ck_assert_msg(sp != NULL && sp->state == MSPAN_MANUAL,
                  "stack of %lu not in a manual span", (unsigned long)n);
    fill(s[i], (unsigned char)(i + 1));
  }
  for (int i = 0; i < SIZES; i++)
    check_fill(s[i], (unsigned char)(i + 1));
  ck_assert_msg(stack_inuse() > before, "stack_inuse did not grow");
  for (int i = 0; i < SIZES; i++)
    stackfree(s[i]);
  settle();
  ck_assert_msg(stack_inuse() == before, "stack_inuse %lu after, %lu before",
                (unsigned long)stack_inuse(), (unsigned long)before);
}
END_TEST

// A small stack freed and asked for again comes back from the thread's
// stackcache: the same memory, and no span taken from the heap.
START_TEST(small_stack_reused_from_cache) {
  stack a = stackalloc(FIXED_STACK);
  stackfree(a);
  stack b = stackalloc(FIXED_STACK);
  ck_assert_msg(a.lo == b.lo, "freed stack %#lx not reused (got %#lx)",
                (unsigned long)a.lo, (unsigned long)b.lo);
  stackfree(b);
}
END_TEST

// A large stack freed waits in stackLarge for one of its size.
START_TEST(large_stack_reused_from_stack_large) {
  stack a = stackalloc(64 << 10);
  stackfree(a);
  stack b = stackalloc(64 << 10);
  ck_assert_msg(a.lo == b.lo, "freed large stack %#lx not reused (got %#lx)",
                (unsigned long)a.lo, (unsigned long)b.lo);
  stackfree(b);
  settle();
}
END_TEST

// A stack of a megabyte or more is not kept: freed, it leaves the stacks
// in use and its pages go back to the OS at once.
START_TEST(megabyte_stack_released_at_once) {
  settle();
  escrt_memstats before, after;
  escrt_read_memstats(&before);
  stack a = stackalloc(1 << 20);
  memset((void *)a.lo, 1, a.hi - a.lo);
  stackfree(a);
  escrt_read_memstats(&after);
  ck_assert_uint_eq(after.stack_inuse, before.stack_inuse);
  ck_assert_uint_ge(after.heap_released, before.heap_released + (1 << 20));
}
END_TEST

// ---------------------------------------------------------------------------
// Accounting
// ---------------------------------------------------------------------------

// The stackcache holds at most a whole cache per order: freeing many stacks
// sends the excess back to the pool.
START_TEST(stackcache_is_bounded) {
  settle();
  enum { N = 200 };
  stack s[N];
  for (int order = 0; order < NUM_STACK_ORDERS; order++) {
    for (int i = 0; i < N; i++)
      s[i] = stackalloc((uintptr_t)FIXED_STACK << order);
    for (int i = 0; i < N; i++)
      stackfree(s[i]);
    uintptr_t size = tls_mcache->stackcache[order].size;
    ck_assert_msg(size <= STACK_CACHE_SIZE,
                  "order %d: the cache holds %lu bytes", order,
                  (unsigned long)size);
  }
  settle();
}
END_TEST

// xorshift returns the next number of a fixed sequence.
static uint32_t xorshift(uint32_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 17;
  *x ^= *x << 5;
  return *x;
}

// 100,000 stacks of every size come and go, a few hundred live at a time, as
// goroutines would: nothing stays in use.
START_TEST(hundred_thousand_stacks_leave_nothing) {
  settle();
  uint64_t before = stack_inuse();
  enum { LIVE = 512, ROUNDS = 100000 };
  stack *live = calloc(LIVE, sizeof *live);
  ck_assert_ptr_nonnull(live);
  uint32_t x = 12345;
  for (int r = 0; r < ROUNDS; r++) {
    int i = (int)(xorshift(&x) % LIVE);
    if (live[i].lo != 0)
      stackfree(live[i]);
    uint32_t k = xorshift(&x) % 100;
    int shift = k < 90 ? (int)(k % 4) : k < 99 ? 4 + (int)(k % 3) : 8;
    live[i] = stackalloc((uintptr_t)FIXED_STACK << shift);
    *(uint32_t *)live[i].lo = (uint32_t)r; // touch it
  }
  for (int i = 0; i < LIVE; i++)
    if (live[i].lo != 0)
      stackfree(live[i]);
  free(live);
  settle();
  ck_assert_msg(stack_inuse() == before,
                "stack_inuse %lu after 100,000 stacks, %lu before",
                (unsigned long)stack_inuse(), (unsigned long)before);
}
END_TEST

// Stacks allocated on one thread and freed on another (a goroutine that
// moved between threads) still add up, once both threads' caches are gone.
typedef struct handoff {
  stack s[256];
} handoff;

static void *alloc_all(void *arg) {
  handoff *h = arg;
  for (int i = 0; i < 256; i++)
    h->s[i] = stackalloc((uintptr_t)FIXED_STACK << (i % 6));
  return NULL; // the thread's exit flushes its cache
}

static void *free_all(void *arg) {
  handoff *h = arg;
  for (int i = 0; i < 256; i++)
    stackfree(h->s[i]);
  return NULL;
}

START_TEST(freed_on_another_thread) {
  settle();
  uint64_t before = stack_inuse();
  handoff *h = calloc(1, sizeof *h);
  ck_assert_ptr_nonnull(h);
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, alloc_all, h), 0);
  ck_assert_int_eq(pthread_join(t, NULL), 0);
  ck_assert_int_eq(pthread_create(&t, NULL, free_all, h), 0);
  ck_assert_int_eq(pthread_join(t, NULL), 0);
  free(h);
  settle();
  ck_assert_msg(stack_inuse() == before, "stack_inuse %lu after, %lu before",
                (unsigned long)stack_inuse(), (unsigned long)before);
}
END_TEST

// ---------------------------------------------------------------------------
// Misuse
// ---------------------------------------------------------------------------

static void alloc_odd_size(void *arg) { stackalloc(3000); }

START_TEST(size_not_power_of_two) {
  expect_fatal(alloc_odd_size, NULL,
               "fatal error: runtime: stack size not a power of 2\n");
}
END_TEST

static void free_heap_object(void *arg) {
  void *p = escrt_malloc(1 << 20);
  stackfree((stack){(uintptr_t)p, (uintptr_t)p + (1 << 20)});
}

START_TEST(free_of_a_heap_object) {
  expect_fatal(free_heap_object, NULL,
               "fatal error: runtime: stackfree of a bad stack\n");
}
END_TEST

static void free_small_heap_object(void *arg) {
  uintptr_t p = (uintptr_t)escrt_malloc(4096) & ~(uintptr_t)(FIXED_STACK - 1);
  stackfree((stack){p, p + FIXED_STACK});
}

START_TEST(small_free_outside_stack_spans) {
  expect_fatal(free_small_heap_object, NULL,
               "fatal error: runtime: stackfree of a bad stack\n");
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("stack");
  suite_add_test(s, "every-size-is-its-own-memory",
                 every_size_is_its_own_memory, 60);
  suite_add_test(s, "small-stack-reused-from-cache",
                 small_stack_reused_from_cache, 60);
  suite_add_test(s, "large-stack-reused-from-stack-large",
                 large_stack_reused_from_stack_large, 60);
  suite_add_test(s, "megabyte-stack-released-at-once",
                 megabyte_stack_released_at_once, 60);
  suite_add_test(s, "stackcache-is-bounded", stackcache_is_bounded, 60);
  suite_add_test(s, "hundred-thousand-stacks-leave-nothing",
                 hundred_thousand_stacks_leave_nothing, 120);
  suite_add_test(s, "freed-on-another-thread", freed_on_another_thread, 60);
  suite_add_test(s, "size-not-power-of-two", size_not_power_of_two, 60);
  suite_add_test(s, "free-of-a-heap-object", free_of_a_heap_object, 60);
  suite_add_test(s, "small-free-outside-stack-spans",
                 small_free_outside_stack_spans, 60);
  return suite_main(s, argc, argv);
}

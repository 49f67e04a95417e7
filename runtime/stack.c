// Stack allocation.
//
// See malloc.c for an overview of the heap; this is the allocator half of
// Go's stack.go. The other half, growing and shrinking a goroutine's stack
// by copying it, is stackcopy.c; the prologue check is escape/go.h's
// ESCRT_STACK_CHECK, which calls proc.c's escrt_morestack. Goroutine
// stacks are powers of two from FIXED_STACK (2 KB) up, carved from the
// heap's manual spans, which the page heap hands out whole and the garbage
// collector does not sweep.
//
// Stacks of the four small orders, FIXED_STACK << order for order 0..3
// (2, 4, 8 and 16 KB), come from a global pool per order:
//
//	stackpool[order]: spans of STACK_CACHE_SIZE (32 KB) cut into stacks of
//	that order, the free ones linked through their first word
//	(span.manual_free); a span goes back to the heap when its last stack is
//	freed.
//	mcache.stackcache[order]: a thread's own free stacks, refilled from the
//	pool half a cache (16 KB) at a time and drained back to half when it
//	holds a whole cache (32 KB), so that a thread spawning and ending
//	goroutines rarely takes the pool's lock.
//
// Larger stacks are spans of their own; freed, they wait in stackLarge,
// free lists by log2 of their page count, for a stack of the same size, up
// to STACK_LARGE_KEEP per list, beyond which they go back to the heap.
// Stacks of a megabyte and more go back at once, their pages to the OS.
#include "runtime.h"

// Freed large stack spans kept per log2 page count before the rest go back
// to the heap: enough for a program that grows a few goroutines to the same
// depth over and over.
#define STACK_LARGE_KEEP 4
// Freed stacks of this size and more go back to the heap with their pages
// returned to the OS at once: a goroutine that recursed deep once (and
// whose stack was copied to twice the size, or shrunk) rarely needs them
// again soon, and keeping them resident doubled the peak RSS of a
// million-frame recursion.
#define STACK_RELEASE_SIZE ((uintptr_t)1 << 20)
// Large stacks have npages >= STACK_CACHE_SIZE / PAGE_SIZE; log2 of the page
// count of any span the heap space can hold fits these lists.
#define STACK_LARGE_LISTS 48

static struct {
  mutex lock;
  span_list spans; // spans with at least one free stack
} __attribute__((aligned(64))) stackpool[NUM_STACK_ORDERS];

static struct {
  mutex lock;
  span_list free[STACK_LARGE_LISTS]; // free stack spans by log2(npages)
} stack_large;

// stacklog2 returns floor(log2(n)).
static int stacklog2(uintptr_t n) {
  int log2 = 0;
  while (n > 1) {
    n >>= 1;
    log2++;
  }
  return log2;
}

static int stack_order(uintptr_t n) {
  int order = 0;
  for (uintptr_t n2 = n; n2 > FIXED_STACK; n2 >>= 1)
    order++;
  return order;
}

// ---------------------------------------------------------------------------
// The pool of small stacks
// ---------------------------------------------------------------------------

// stackpool_alloc takes a stack of the order out of the pool. The order's
// lock is held.
static void *stackpool_alloc(int order) {
  span_list *list = &stackpool[order].spans;
  mspan *s = list->first;
  if (s == NULL) {
    // No free stacks: cut another span's worth.
    s = mheap_alloc_manual(STACK_CACHE_SIZE / PAGE_SIZE);
    if (s == NULL)
      fatal("out of memory");
    s->elemsize = (uint32_t)FIXED_STACK << order;
    s->alloc_count = 0;
    s->manual_free = NULL;
    for (uintptr_t i = 0; i < STACK_CACHE_SIZE; i += s->elemsize) {
      void **x = (void **)(s->base + i);
      *x = s->manual_free;
      s->manual_free = x;
    }
    span_list_push(list, s);
  }
  void **x = s->manual_free;
  if (x == NULL)
    throw("span has no free stacks");
  s->manual_free = *x;
  s->alloc_count++;
  if (s->manual_free == NULL) // every stack of s is out
    span_list_remove(list, s);
  return x;
}

// stackpool_free returns stack x of the order to the pool, and its span to
// the heap when x was its last stack out. The order's lock is held.
static void stackpool_free(void *x, int order) {
  mspan *s = span_of((uintptr_t)x);
  if (s == NULL || s->state != MSPAN_MANUAL)
    throw("freeing stack not in a stack span");
  if (s->manual_free == NULL) // s will now have a free stack
    span_list_push(&stackpool[order].spans, s);
  *(void **)x = s->manual_free;
  s->manual_free = x;
  if (--s->alloc_count == 0) {
    span_list_remove(&stackpool[order].spans, s);
    s->manual_free = NULL;
    mheap_free_manual(s);
  }
}

// stackcache_refill grabs half a cache of stacks of the order for c.
static void stackcache_refill(mcache *c, int order) {
  void *list = NULL;
  uintptr_t size = 0;
  mutex_lock(&stackpool[order].lock);
  while (size < STACK_CACHE_SIZE / 2) {
    void **x = stackpool_alloc(order);
    *x = list;
    list = x;
    size += (uintptr_t)FIXED_STACK << order;
  }
  mutex_unlock(&stackpool[order].lock);
  c->stackcache[order].list = list;
  c->stackcache[order].size = size;
}

// stackcache_release gives the pool back all but half a cache of c's
// stacks of the order (all of them when keep is 0).
static void stackcache_release(mcache *c, int order, uintptr_t keep) {
  void **x = c->stackcache[order].list;
  uintptr_t size = c->stackcache[order].size;
  mutex_lock(&stackpool[order].lock);
  while (size > keep) {
    void **next = *x;
    stackpool_free(x, order);
    x = next;
    size -= (uintptr_t)FIXED_STACK << order;
  }
  mutex_unlock(&stackpool[order].lock);
  c->stackcache[order].list = x;
  c->stackcache[order].size = size;
}

// stackcache_release_all empties c's stack cache (Go's stackcache_clear);
// mcache_flush calls it.
void stackcache_release_all(mcache *c) {
  for (int order = 0; order < NUM_STACK_ORDERS; order++)
    stackcache_release(c, order, 0);
}

// ---------------------------------------------------------------------------
// Allocation and free
// ---------------------------------------------------------------------------

// large_alloc returns a span of npages pages for a stack.
static mspan *large_alloc(uintptr_t npages) {
  int log2 = stacklog2(npages);
  mutex_lock(&stack_large.lock);
  mspan *s = span_list_pop(&stack_large.free[log2]);
  mutex_unlock(&stack_large.lock);
  if (s == NULL && (s = mheap_alloc_manual(npages)) == NULL)
    fatal("out of memory");
  return s;
}

// stackalloc allocates an n-byte stack. n is a power of two, at least
// FIXED_STACK. The calling thread's mcache serves the small orders.
stack stackalloc(uintptr_t n) {
  if (n < FIXED_STACK || (n & (n - 1)) != 0)
    throw("stack size not a power of 2");
  if (!malloc_init())
    fatal("out of memory");
  uintptr_t v;
  int order = stack_order(n);
  if (order < NUM_STACK_ORDERS) {
    mcache *c = tls_mcache;
    if (c == &nil_mcache && (c = mcache_acquire()) == NULL)
      fatal("out of memory");
    if (c->stackcache[order].list == NULL)
      stackcache_refill(c, order);
    void **x = c->stackcache[order].list;
    c->stackcache[order].list = *x;
    c->stackcache[order].size -= n;
    v = (uintptr_t)x;
  } else {
    mspan *s = large_alloc(n / PAGE_SIZE);
    v = s->base;
  }
  return (stack){v, v + n};
}

// stackfree frees stack stk, which stackalloc returned. It checks that stk
// lies in a stack span (one load), so that a bad free throws instead of
// corrupting the pool.
void stackfree(stack stk) {
  uintptr_t n = stk.hi - stk.lo;
  mspan *s = span_of(stk.lo);
  if (n < FIXED_STACK || (n & (n - 1)) != 0 ||
      (stk.lo & (FIXED_STACK - 1)) != 0 || s == NULL ||
      s->state != MSPAN_MANUAL || stk.lo < s->base || stk.hi > span_limit(s))
    throw("stackfree of a bad stack");
  int order = stack_order(n);
  if (order < NUM_STACK_ORDERS) {
    mcache *c = tls_mcache;
    if (c == &nil_mcache) { // a thread without a cache frees to the pool
      mutex_lock(&stackpool[order].lock);
      stackpool_free((void *)stk.lo, order);
      mutex_unlock(&stackpool[order].lock);
      return;
    }
    if (c->stackcache[order].size >= STACK_CACHE_SIZE)
      stackcache_release(c, order, STACK_CACHE_SIZE / 2);
    *(void **)stk.lo = c->stackcache[order].list;
    c->stackcache[order].list = (void *)stk.lo;
    c->stackcache[order].size += n;
    return;
  }
  if (s->base != stk.lo || s->npages * PAGE_SIZE != n)
    throw("stackfree of a bad stack");
  if (n >= STACK_RELEASE_SIZE) {
    mheap_free_manual_release(s);
    return;
  }
  int log2 = stacklog2(s->npages);
  mutex_lock(&stack_large.lock);
  bool keep = stack_large.free[log2].len < STACK_LARGE_KEEP;
  if (keep)
    span_list_push(&stack_large.free[log2], s);
  mutex_unlock(&stack_large.lock);
  if (!keep)
    mheap_free_manual(s);
}

// stack_release_large returns every span waiting in stackLarge to the heap
// (escrt_release_memory).
void stack_release_large(void) {
  for (int log2 = 0; log2 < STACK_LARGE_LISTS; log2++) {
    for (;;) {
      mutex_lock(&stack_large.lock);
      mspan *s = span_list_pop(&stack_large.free[log2]);
      mutex_unlock(&stack_large.lock);
      if (s == NULL)
        break;
      mheap_free_manual(s);
    }
  }
}

void stack_lock_all(void) {
  for (int order = 0; order < NUM_STACK_ORDERS; order++)
    mutex_lock(&stackpool[order].lock);
  mutex_lock(&stack_large.lock);
}

void stack_unlock_all(void) {
  mutex_unlock(&stack_large.lock);
  for (int order = NUM_STACK_ORDERS - 1; order >= 0; order--)
    mutex_unlock(&stackpool[order].lock);
}

// runtime.h: the runtime's one internal header.
//
// Types first, then the functions each file exports to the others, sectioned
// by implementing file as mimalloc's internal.h is. The design is in
// malloc.c (the heap) and HACKING.md (conventions every file keeps: the
// error triad, which code may not allocate, the lock order). Public
// functions carry the escrt_ prefix and live in include/escape/; everything
// here is internal and hidden from the shared library's symbol table.
#ifndef ESCRT_RUNTIME_H
#define ESCRT_RUNTIME_H

#include "escape/malloc.h"
#include "sizeclasses.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifdef ESCRT_UCONTEXT
#include <ucontext.h>
#endif

// ESCRT_ASAN: built with AddressSanitizer (GCC's or clang's way of saying).
#if defined(__SANITIZE_ADDRESS__)
#define ESCRT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ESCRT_ASAN 1
#endif
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define NOINLINE __attribute__((noinline))

// popcount counts the set bits of x. Without -mpopcnt, GCC's builtin is a
// library call; this is the branch-free SWAR count it would inline.
static inline uint32_t popcount(uint64_t x) {
#if defined(__POPCNT__)
  return (uint32_t)__builtin_popcountll(x);
#else
  x = x - ((x >> 1) & 0x5555555555555555u);
  x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
  return (uint32_t)((x * 0x0101010101010101u) >> 56);
#endif
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

typedef struct mspan mspan;
typedef struct span_list span_list;
typedef struct mcache mcache;
typedef struct mcentral mcentral;
typedef struct mheap mheap;
typedef struct mutex mutex;

// Address space (mheap.c): one reservation of up to MAX_HEAP_BYTES, committed
// in 64 MB arenas.
#define ARENA_SHIFT 26
#define ARENA_BYTES ((uintptr_t)1 << ARENA_SHIFT)
#define ADDRESS_BITS 48
#define MAX_HEAP_BYTES ((uintptr_t)1 << 40)

// Goroutine stacks (stack.c, Go's stack.go): the smallest stack; orders of
// FIXED_STACK << order bytes (2, 4, 8 and 16 KB) come from the stackpool,
// carved from spans of STACK_CACHE_SIZE bytes, which is also what a
// thread's stackcache holds at most per order.
#define FIXED_STACK 2048
#define NUM_STACK_ORDERS 4
#define STACK_CACHE_SIZE 32768

// Spans of small objects are cut from runs of at least SPAN_MIN_PAGES pages:
// Go's page count for the class, times the smallest factor that reaches
// 64 KB. The class sizes, and the tail-waste bound, are Go's (a whole
// number of Go's spans wastes what one does, times the factor); the larger
// span means up to 8 times fewer span structs for the free path to miss in
// the cache and more objects per refill. Measured with bench/malloc.sh,
// alternating builds, medians of 11: larson 1 thread 0.138 s at 4 pages,
// 0.103 s at 8, 0.095 s at 16 (but 9% more peak RSS); churn 0.254 s at 4,
// 0.216 s at 8. Pages of a span that no object ever used are never touched.
#define SPAN_MIN_PAGES 8
#define MAX_SPAN_OBJECTS (SPAN_MIN_PAGES * PAGE_SIZE / 8)

// class_npages returns the pages in a span of size class cls > 0.
static inline uintptr_t class_npages(int cls) {
  uintptr_t go = class_to_allocnpages[cls];
  return go * ((SPAN_MIN_PAGES + go - 1) / go);
}

//
// lock_futex.c
//

// mutex is a futex-based lock (Drepper's three-state mutex, as Go's
// lock_futex.go): 0 unlocked, 1 locked, 2 locked with waiters. The zero value
// is unlocked. Nothing holding a mutex may allocate from the heap.
struct mutex {
  _Atomic uint32_t key;
};

void mutex_lock(mutex *l);
void mutex_unlock(mutex *l);
void futexsleep(_Atomic uint32_t *addr, uint32_t val, int64_t ns);
void futexwakeup(_Atomic uint32_t *addr, int n);

// No thread is stopped for a collection while it holds a runtime lock or is
// inside the collected objects' allocator: tls_nostop counts such regions
// (mutex_lock enters one, mutex_unlock leaves it). The stop signal that
// arrives inside one sets tls_stop_pending, and the thread stops itself as
// it leaves the last (stoptheworld.c).
extern __thread int tls_nostop __attribute__((tls_model("initial-exec")));
extern __thread volatile int tls_stop_pending
    __attribute__((tls_model("initial-exec")));
void stw_stop_deferred(void);

static inline void nostop_enter(void) {
  tls_nostop++;
  atomic_signal_fence(memory_order_seq_cst);
}

static inline void nostop_leave(void) {
  atomic_signal_fence(memory_order_seq_cst);
  if (--tls_nostop == 0 && unlikely(tls_stop_pending))
    stw_stop_deferred();
}

//
// panic.c
//

// throw reports a runtime bug and exits with status 2: "fatal error:
// runtime: MSG". msg is a string constant; throw allocates nothing.
_Noreturn void throw(const char *msg);
// fatal reports a user fault the program cannot recover from, as throw
// does but without "runtime: ": "fatal error: MSG".
_Noreturn void fatal(const char *msg);
// fatal_free reports a bad free-like call: "fatal error: VERB of 0xP: WHY",
// with " (object 0xOBJ, size N)" appended when obj is not 0.
_Noreturn void fatal_free(const char *verb, const void *p, const char *why,
                          uintptr_t obj, uintptr_t size);
// die_panic prints Go's panic text for goroutine goid and exits with status
// 2: "panic: MSG", a blank line, "goroutine N [running]:".
_Noreturn void die_panic(const char *msg, int64_t goid);
// fatal_stack_limit reports a goroutine stack that would exceed limit bytes.
_Noreturn void fatal_stack_limit(uintptr_t limit);

//
// mfixalloc.c
//

// persistent_alloc returns size zeroed bytes of off-heap memory that is
// never freed (Go's persistentalloc), or NULL when the OS refuses.
void *persistent_alloc(size_t size);
// sys_alloc maps size bytes of fresh zeroed memory aligned to align (a power
// of two, at least a page), or returns NULL.
void *sys_alloc(size_t size, size_t align);
// sys_metadata_bytes reports what persistent_alloc has obtained.
uint64_t sys_metadata_bytes(void);
void persistent_lock(void);
void persistent_unlock(void);

//
// mbitmap.c
//

// span_list is a doubly linked list of spans through mspan.next/prev.
struct span_list {
  mspan *first;
  mspan *last;
  uintptr_t len;
};

void span_list_push(span_list *l, mspan *s);
void span_list_push_front(span_list *l, mspan *s);
void span_list_remove(span_list *l, mspan *s);
mspan *span_list_pop(span_list *l);

// span states.
enum {
  MSPAN_DEAD,   // struct on the free list of span structs
  MSPAN_FREE,   // a free page run owned by the mheap
  MSPAN_IN_USE, // objects of one class, or one large object
  MSPAN_MANUAL, // pages handed out whole (goroutine stacks)
};

// Who frees a span's objects: the program (malloc's, and manual spans), or
// the collector, which scans the objects for pointers or (noscan) not.
enum {
  GC_KIND_MALLOC,
  GC_KIND_SCAN,
  GC_KIND_NOSCAN,
};
// The collected kinds, counted from 0: GC_KIND_SCAN - 1, GC_KIND_NOSCAN - 1.
#define GC_KINDS 2

// Which of its holder's lists a small-object span is on.
enum {
  SPAN_CACHED,  // an mcache's current span for its class
  SPAN_PARTIAL, // an mcache's or mcentral's spans with free objects
  SPAN_FULL,    // spans with no (or too few) free objects
  SPAN_LARGE,   // a large object's span: on no list
};

// An mspan is a run of pages. In use, it is cut into nelems objects of
// elemsize bytes starting at base; object n lives at base + n*elemsize.
//
// Allocation state is in alloc_bits and alloc_cache:
//   allocBits bit n == 1 implies object n is allocated (or freed by another
//   thread and not yet collected: then remote_bits bit n == 1 too).
//   allocBits bit n == 0 implies object n is free, or it waits in the cache.
// alloc_cache holds the free objects of the word that starts at freeindex (a
// multiple of 64) not yet handed out: bit i set implies object freeindex+i is
// free; objects freed after the word was loaded are found by the next scan.
// Counts are kept per cache word, not per object, so the fast path writes
// only the cache and the bitmap: loading a word counts its free objects as
// allocated, and dropping it uncounts those left.
//   alloc_count == popcount(alloc_bits) + popcount(alloc_cache)
//
// The owner (an mcache) alone writes alloc_bits, alloc_cache, freeindex,
// alloc_count and the list links; other threads free by setting remote_bits
// with an atomic or, and the owner collects them (mspan_collect). A span with
// no owner belongs to its mcentral and is changed only under its lock.
//
// Layout: the struct is 64-byte aligned; the fields the free and malloc
// fast paths read fill its second cache line, followed at once by the alloc
// bitmap, whose first word shares that line.
struct mspan {
  // Cold: the span's place in the heap and in lists.
  uintptr_t npages;   // pages in the span
  mspan *next, *prev; // links of the list the span is on
  union {
    mspan *scav_next;  // free runs: the scavenger queue
    void *manual_free; // stackpool spans: free stacks, linked by first word
    uint8_t *gcmarks;  // collected spans: one mark byte per object
  };
  mspan *scav_prev;                // free runs: the scavenger queue
  int64_t freed_at;                // free runs: ns when freed; -1 if not queued
  _Atomic uint32_t remote_pending; // remote_bits may hold uncollected frees
  uint16_t nelems;                 // objects in the span
  uint8_t spanclass;               // size class; 0 for large and manual spans
  uint8_t list;        // SPAN_CACHED, SPAN_PARTIAL, SPAN_FULL, SPAN_LARGE
  uint8_t state;       // MSPAN_*
  uint8_t needzero;    // memory may hold old data (else it is zero)
  uint8_t nwords_log2; // each bitmap has 1 << nwords_log2 words
  uint8_t gckind;      // GC_KIND_*: who frees the objects
  // The concurrent mark during which the span became collected (its
  // objects count as marked until the sweep), else GC_BORN_BEFORE.
  uint32_t gcborn;

  // Hot: read on every allocation and free, one cache line.
  uint64_t alloc_cache __attribute__((aligned(64))); // see above
  uintptr_t cache_addr;    // address of object freeindex
  uintptr_t base;          // address of the first object
  _Atomic(mcache *) owner; // the mcache holding it, or NULL (mcentral's)
  uint32_t freeindex;      // first object of the cached word; multiple of 64
  uint32_t alloc_count;    // allocated objects, counting the cached ones
  // free_slow_at: an owner's free that leaves alloc_count at or below it
  // takes the slow path (mcache_span_freed): 0 for a current or partial span
  // (it became empty), the rescan threshold for a full one (see span_set_list).
  uint32_t free_slow_at;
  uint32_t elemsize;  // object size; 0 for large and manual spans
  uint32_t divmagic;  // (off * divmagic) >> 32 == off / elemsize
  uint32_t limit_off; // nelems * elemsize: no object at or past it

  // Two bitmaps of 1 << nwords_log2 words each: alloc, remote. The
  // collector marks in gcmarks, bytes: parallel markers store to them
  // without a locked instruction (mgcmark.c).
  uint64_t bits[];
};

static inline uint64_t *span_alloc_bits(mspan *s) { return s->bits; }
static inline _Atomic uint64_t *span_remote_bits(mspan *s) {
  return (_Atomic uint64_t *)(s->bits + ((uintptr_t)1 << s->nwords_log2));
}
static inline uintptr_t span_limit(const mspan *s) {
  return s->base + s->npages * PAGE_SIZE;
}
// span_object_index returns the index of the object holding p.
static inline uintptr_t span_object_index(const mspan *s, uintptr_t p) {
  return (uintptr_t)(((uint64_t)(p - s->base) * s->divmagic) >> 32);
}

// span_at_object reports whether offset off (< limit_off) is an object's
// first byte: the low half of off * divmagic is below divmagic exactly for
// multiples of elemsize (Lemire's divisibility test; tests/check_mbitmap.c
// checks it for every class and offset).
static inline bool span_at_object(const mspan *s, uintptr_t off) {
  return (uint32_t)((uint64_t)off * s->divmagic) < s->divmagic;
}

// mspan_take hands out the lowest cached object of s, whose cache is not
// empty (Go's nextFreeFast): one ctz, and the object's bit set.
static inline void *mspan_take(mspan *s, uint64_t cache) {
  uint64_t bit = cache & -cache;
  uint64_t *w = &span_alloc_bits(s)[s->freeindex / 64];
  s->alloc_cache = cache ^ bit;
  __atomic_store_n(w, *w | bit, __ATOMIC_RELAXED);
  return (void *)(s->cache_addr +
                  (uintptr_t)__builtin_ctzll(cache) * s->elemsize);
}

// A span on its owner's full list goes back to the partial list once at
// least 1/RESCAN_FRACTION of its objects are free: below that, finding them
// costs more than a fresh span.
#define RESCAN_FRACTION 16

void span_set_list(mspan *s, uint8_t list);

void mspan_init_class(mspan *s, int spanclass);
uint32_t mspan_refill_cache(mspan *s);
uint32_t mspan_reset_cache(mspan *s);
uint32_t mspan_drop_cache(mspan *s);
uint32_t mspan_collect(mspan *s);
bool mspan_is_valid(mspan *s);
uintptr_t span_words(int spanclass);

//
// mheap.c
//

// heap_space is the heap's address space (Go 1.10's arena): one range
// reserved at initialization, committed ARENA_BYTES at a time as the heap
// grows, with one span map entry per page (the arena index: any address to
// its span in O(1)) and one released bit per page.
//   spans[i] is the span holding page base + i*PAGE_SIZE (in-use spans: every
//   page; free runs: their first and last pages; other pages: NULL or stale)
typedef struct heap_space {
  uintptr_t base;      // first byte, aligned to ARENA_BYTES
  uintptr_t npages;    // pages committed; only grows
  mspan **spans;       // the span map, reserved for the whole space
  uint64_t *released;  // released[i/64] bit i%64: page i returned to the OS
  uintptr_t max_pages; // pages reserved
} heap_space;

extern heap_space heap_space_;

// span_of returns the span holding address p, or NULL when p is not in a
// committed page of this heap. O(1): one load from the span map. A page of a
// free run may map to a stale struct: callers check p against the span.
static inline mspan *span_of(uintptr_t p) {
  uintptr_t i = (p - heap_space_.base) >> PAGE_SHIFT;
  if (unlikely(i >= __atomic_load_n(&heap_space_.npages, __ATOMIC_ACQUIRE)))
    return NULL;
  return __atomic_load_n(&heap_space_.spans[i], __ATOMIC_RELAXED);
}

bool mheap_init(void);
mspan *mheap_alloc_small(int spanclass);
mspan *mheap_alloc_large(uintptr_t npages, uintptr_t align);
mspan *mheap_alloc_manual(uintptr_t npages);
void mheap_free_span(mspan *s);
void mheap_free_manual(mspan *s);
void mheap_free_manual_release(mspan *s);
void mheap_release_all(void);
void mheap_lock(void);
void mheap_unlock(void);
void mheap_read_stats(struct escrt_memstats *st);
void mheap_count_live(uint64_t live[NUM_SIZE_CLASSES]);

//
// mcentral.c
//

// mcentral holds the spans of one size class that no mcache owns: spans
// flushed by exiting threads and spans an mcache gave back. One lock.
struct mcentral {
  mutex lock;
  uint8_t spanclass;
  span_list partial; // spans with free objects
  span_list full;    // spans with no free object
} __attribute__((aligned(64)));

extern mcentral mcentrals[NUM_SIZE_CLASSES];

mspan *mcentral_cache_span(mcentral *c, mcache *owner);
void mcentral_uncache_span(mcentral *c, mspan *s);
void mcentral_free_remote(mcentral *c, mspan *s);
void mcentral_init(void);

//
// mcache.c
//

// mcache is a thread's cache of spans, one current span per size class plus
// the spans it owns (Go's per-P mcache, per thread until the scheduler
// lands). Only its thread touches it, save the atomic remote_frees counters.
//
// Accessed on every malloc: direct (requests up to SMALL_SIZE_MAX bytes) or
// alloc (larger ones).
//   direct[(size + 7) / 8] == alloc[size_to_class(size)] for size <= 1024,
// so that small requests find their span in one load, without the class
// (mimalloc's pages_free_direct). direct[0] is empty_mspan.
struct mcache {
  mspan *direct[SMALL_SIZE_MAX / 8 + 1]; // current span by size, in 8 bytes
  mspan *alloc[NUM_SIZE_CLASSES];        // current span per class, never NULL
  uint64_t nmalloc[NUM_SIZE_CLASSES];    // objects handed to this cache's spans

  span_list partial[NUM_SIZE_CLASSES]; // owned spans with free objects
  span_list full[NUM_SIZE_CLASSES];    // owned spans without enough of them
  // remote_frees[c]: owned spans of class c that other threads freed into
  // since the owner last collected them (counted once per span and collection)
  // since the owner last collected them.
  _Atomic uint32_t remote_frees[NUM_SIZE_CLASSES];
  // stackcache[order]: free stacks of FIXED_STACK << order bytes, linked
  // through their first word, size bytes in all (Go's mcache.stackcache).
  struct {
    void *list;
    uintptr_t size;
  } stackcache[NUM_STACK_ORDERS];
  mcache *all_next;  // every mcache ever made, for statistics
  mcache *pool_next; // in the pool of caches of exited threads
};

extern mspan empty_mspan;
extern mcache nil_mcache;
extern __thread mcache *tls_mcache __attribute__((tls_model("initial-exec")));

mcache *mcache_acquire(void);
void *mcache_refill(mcache *c, int spanclass);
void mcache_span_freed(mcache *c, mspan *s);
void mcache_flush(mcache *c);
void mcache_set_span(mcache *c, int cls, mspan *s);
void mcache_drop_caches(mcache *c);
void mcache_collect_all(mcache *c);
void mcache_release(mcache *c);
void mcache_lock_pool(void);
void mcache_unlock_pool(void);
void mcache_sum_stats(struct escrt_memstats *st);

//
// malloc.c
//

bool malloc_init(void);
void *escrt_valloc(size_t size);
void *escrt_pvalloc(size_t size);

// size_class8 maps every small request, in units of 8 bytes, to its class:
// Go's size_to_class8 and size_to_class128 flattened into one table of 4 KB
// (malloc.c builds it at initialization), so the fast path has one load and
// no branch. Entry 0 (a zero-byte request) and, before initialization, every
// entry is class 0, whose mcache span is always empty: the slow path.
extern uint8_t size_class8[MAX_SMALL_SIZE / 8 + 1];

// size_to_class returns the size class of a small request (size <=
// MAX_SMALL_SIZE), as Go's mallocgc computes it.
static inline int size_to_class(size_t size) {
  if (size <= SMALL_SIZE_MAX - 8)
    return size_to_class8[(size + SMALL_SIZE_DIV - 1) / SMALL_SIZE_DIV];
  return size_to_class128[(size - SMALL_SIZE_MAX + LARGE_SIZE_DIV - 1) /
                          LARGE_SIZE_DIV];
}

//
// stack.c
//

// stack is a stack's memory: [lo, hi), hi is where it starts growing down.
typedef struct stack {
  uintptr_t lo;
  uintptr_t hi;
} stack;

stack stackalloc(uintptr_t n);
void stackfree(stack stk);
void stackcache_release_all(mcache *c);
void stack_release_large(void);
void stack_lock_all(void);
void stack_unlock_all(void);

//
// gobuf.c and asm_amd64.S, or gobuf_ucontext.c
//

// gobuf is a suspended execution context (Go's gobuf): its registers are on
// its stack, at sp (the frame in asm_amd64.S).
typedef struct gobuf {
  uintptr_t sp;    // the saved stack pointer
  stack stk;       // the context's stack; {0, 0} for a thread's own, at first
  void *asan_fake; // AddressSanitizer's fake stack while suspended
} gobuf;

// fiber_switch_start and fiber_switch_finish tell AddressSanitizer of a
// switch to stack to (fiber.c): start before it, with the leaving gobuf
// (NULL for a call on the system stack) and where to save its fake stack;
// finish on arrival, with the arriving context's saved fake stack.
#ifdef ESCRT_ASAN
void fiber_switch_start(void **fake_save, gobuf *from, stack to);
void fiber_switch_finish(void *fake);
#else
static inline void fiber_switch_start(void **fake_save, gobuf *from, stack to) {
  (void)fake_save, (void)from, (void)to;
}
static inline void fiber_switch_finish(void *fake) { (void)fake; }
#endif

void gobuf_init(gobuf *b, stack stk, void (*fn)(void *), void *arg);
void gobuf_switch(gobuf *from, gobuf *to);
// gobuf_systemstack runs fn(arg) on the stack of the suspended context g0,
// below its saved stack pointer, and comes back.
void gobuf_systemstack(gobuf *cur, gobuf *g0, void (*fn)(void *), void *arg);

//
// proc.c: goroutines (G), threads (M) and processors (P), as Go's proc.go
//

typedef struct g g;
typedef struct m m;
typedef struct p p;
typedef struct sudog sudog;

// A goroutine's status (Go's _Grunnable ...).
enum {
  G_IDLE,     // just allocated
  G_RUNNABLE, // on a run queue
  G_RUNNING,  // on an M
  G_WAITING,  // parked: blocked in a channel, select, sync or sleep
  G_DEAD,     // finished, on a free list
};

// What a goroutine asks its M's scheduler to do when it switches to g0
// (m.action): Go's mcall functions.
enum {
  ACT_PARK,      // park_m: wait; m.unlockf(gp, m.unlock_arg) releases locks
  ACT_GOSCHED,   // gosched_m: to the global run queue
  ACT_EXIT,      // goexit0: free the G
  ACT_MORESTACK, // newstack: grow by copying, then resume at once
};

// STACK_GUARD is how far above the stack's lowest address the guard sits
// (Go's _StackGuard): room for the frame that runs the check, the runtime
// functions a goroutine calls without checks (memcpy among them), and the
// switch to g0. STARTING_STACK is the size goroutines start at.
//
// AddressSanitizer changes both, as Go's race detector multiplies the guard:
// its interceptors of memcpy, memset and friends have frames of 2.1 KB
// (room for a stack trace), more than a whole 2 KB stack. Under it,
// goroutines start at 8 KB with a 4 KB guard.
#ifdef ESCRT_ASAN
#define STACK_GUARD_BASE 4096
#define STARTING_STACK_BASE (4 * FIXED_STACK)
#else
#define STACK_GUARD_BASE 928
#define STARTING_STACK_BASE FIXED_STACK
#endif
// The portable context switch (gobuf_ucontext.c) saves a ucontext_t on the
// goroutine's stack, UC_BELOW bytes above the switch's own frame: the guard
// grows by that much, and goroutines start at 16 KB.
#ifdef ESCRT_UCONTEXT
#define UC_BELOW 512
#define STACK_GUARD (STACK_GUARD_BASE + sizeof(ucontext_t) + UC_BELOW)
#define STARTING_STACK (8 * FIXED_STACK)
#else
#define STACK_GUARD STACK_GUARD_BASE
#define STARTING_STACK STARTING_STACK_BASE
#endif
// The word written at the lowest address of every goroutine stack: an
// overflow past the guard that clobbers it is caught at the next switch.
#define STACK_GUARD_WORD ((uintptr_t)0x5a5a17c0ffee5a5aull)

// sudog is a goroutine waiting on a channel or a semaphore (Go's sudog). It
// lives on the waiting goroutine's stack, which cannot move while it waits.
struct sudog {
  g *g;
  sudog *next, *prev; // in a wait queue
  void *elem;         // the value sent or the place to receive into
  sudog *waitlink;    // g.waiting: a select's sudogs
  bool isselect;      // one of a select's, which only the first waker takes
  bool success;       // woken by a value (true) or by close (false)
};

struct g {
  gobuf sched;          // saved registers, and the stack's bounds
  uintptr_t stackguard; // sched.stk.lo + STACK_GUARD
  g *schedlink;         // on a run queue or a free list
  _Atomic uint32_t status;
  _Atomic uint32_t selectdone; // a select's first waker sets it
  int64_t goid;
  void (*fn)(void *);
  void *arg;
  m *m;                 // the M running it
  sudog *waiting;       // a parked select's sudogs, for the stack's shrinker
  void *param;          // what the waker passes: the sudog that completed
  uintptr_t need;       // bytes a morestack wants free
  struct runwait *main; // escrt_run's waiter, for its main goroutine
  g *allnext, *allprev; // every G allocated (allgs), for the collector
  uint32_t gcscanned;   // the collection that scanned its stack already
  bool sleeping;        // parked in escrt_sleep: nothing points into its stack
};

// allgs: every G struct there is, live or dead, under allg_lock (Go's
// allgs). The collector scans the stacks of the live ones.
extern mutex allg_lock;
extern g *allg_first;

// A P's run queue holds this many goroutines (Go's 256).
#define RUNQ_SIZE 256

// A P is cache-line aligned, its owner's fields on lines of their own: the
// run queue's head, tail and runnext are written by thieves on other Ms,
// and the P after it in allp must not share a line with them (measured:
// the sieve at GOMAXPROCS=2 spent a third of its time on that line).
struct p {
  uint32_t schedtick; // goroutines run, to look at the global queue at times
  int id;
  p *link;  // idle list
  g *gfree; // dead goroutines with their starting stacks, for reuse
  int ngfree;
  _Alignas(64) _Atomic uint32_t runqhead; // thieves take from the head
  _Atomic uint32_t runqtail;              // only the owner writes the tail
  _Atomic(g *) runnext; // runs next: the goroutine just readied
  g *runq[RUNQ_SIZE];
};

struct m {
  gobuf g0;   // the thread's own stack: where the scheduler runs
  g *curg;    // the goroutine running
  p *p;       // the P held, NULL when idle
  p *nextp;   // the P handed over by whoever woke it
  int action; // what curg asked of g0 (ACT_*)
  bool (*unlockf)(g *, void *); // ACT_PARK: called on g0; false resumes
  void *unlock_arg;
  bool spinning;         // looking for work to steal
  _Atomic uint32_t note; // idle, woken or sleeping (proc.c, stopm)
  m *schedlink;          // idle list
  int id;
  // Preemption (proc.c, sysmon): the M's count of goroutines run, what
  // sysmon saw of it last, its request, and where the M's thread keeps
  // escrt_stackguard, which sysmon poisons.
  _Atomic uint32_t ticks;
  uint32_t sysmon_ticks;
  _Atomic bool preempt;
  _Atomic(uintptr_t *) guardp;
  m *alllink; // every M, for sysmon
};

extern __thread g *tls_g __attribute__((tls_model("initial-exec")));
extern __thread m *tls_m __attribute__((tls_model("initial-exec")));

// gopark parks the running goroutine; on g0, unlockf(gp, arg) runs and
// releases what the goroutine held, or returns false to resume it at once.
void gopark(bool (*unlockf)(g *, void *), void *arg);
// getg_blocking returns the running goroutine, and stops the program when
// a blocking operation is attempted outside one.
g *getg_blocking(void);
// goready makes gp runnable, to run next on the caller's P.
void goready(g *gp);
// goready_tail makes gp runnable at the tail of the caller's run queue,
// from g0 (the timers); elsewhere it is goready.
void goready_tail(g *gp);
uint32_t fastrandn(uint32_t n);
// mutex_unlockf is an unlockf that unlocks the mutex arg.
bool mutex_unlockf(g *gp, void *arg);
// panic_goroutine stops the program as Go's panic does:
// "panic: MSG\n\ngoroutine N [running]:".
_Noreturn void panic_goroutine(const char *msg);
void procs_init(void);
int gc_gomaxprocs(void);
int64_t nanotime(void);

//
// chan.c, select.c: channels
//

// waitq is a channel's queue of waiting goroutines.
typedef struct waitq {
  sudog *first, *last;
} waitq;

// escrt_chan is Go's hchan. The element buffer follows the struct.
struct escrt_chan {
  mutex lock;      // guards every field, and the sudogs in the queues
  bool closed;     // written under the lock, read without it by fast paths
  size_t qcount;   // elements in the buffer; read without the lock by len
  size_t dataqsiz; // the buffer's size in elements: cap
  size_t elemsize;
  char *buf;
  size_t sendx, recvx; // the ring's next send and receive slots
  waitq recvq, sendq;
};

void waitq_enqueue(waitq *q, sudog *sg);
void waitq_remove(waitq *q, sudog *sg);
sudog *waitq_dequeue(waitq *q);
void chan_send_direct(struct escrt_chan *c, sudog *sg, const void *ep);
void chan_recv_direct(struct escrt_chan *c, sudog *sg, void *ep);
void chan_buf_send(struct escrt_chan *c, const void *ep);
void chan_buf_recv(struct escrt_chan *c, void *ep);

//
// stackcopy.c: growing and shrinking goroutine stacks
//

void newstack(g *gp);
void shrinkstack(g *gp);
// gc_shrinkstack halves gp's stack once if it uses less than a quarter of
// it, at a collection; it reports whether it did.
bool gc_shrinkstack(g *gp);
extern size_t max_stack_size;

//
// time.c: sleeping goroutines
//

// timers_run readies the goroutines whose sleep ended by now, and returns
// when the next one ends (0: none asleep).
int64_t timers_run(int64_t now);
int64_t timers_next(void);

//
// stoptheworld.c: the threads the collector knows, and stopping them
//

// The signal that stops a thread: SIGPWR, as Boehm's collector uses on
// Linux; nothing else in a program usually claims it.
#define STW_SIGNAL SIGPWR

// GC_TLS_MAX is how many modules' thread-local blocks a thread's record
// keeps.
#define GC_TLS_MAX 16

// gcthread is a registered thread: its stack, thread-local blocks and
// collected-object caches, and where it stopped.
typedef struct gcthread {
  pthread_t tid;
  uintptr_t stack_lo, stack_hi; // the thread's own stack
  uintptr_t tls[GC_TLS_MAX][2]; // [lo, hi) of its thread-local blocks, and
                                // of its descriptor off its stack
  int ntls;
  // Where it stopped: the stack pointer, the registers (the signal's
  // context, or NULL when they were spilled onto the stack), its M.
  uintptr_t sp;
  const void *ctx;
  size_t ctx_size;
  m *m;
  void *altstack; // the signal stack we gave it, or NULL
  // AddressSanitizer's fake stack of the thread's own stack, or NULL (see
  // asan_fake_stack below).
  void *fake_stack;
  struct gcthread *next;
  // The collected objects' caches (mgcalloc.c): the current span per kind
  // and class, &empty_mspan when none.
  mspan *alloc[GC_KINDS][NUM_SIZE_CLASSES];
} gcthread;

extern __thread gcthread *tls_gcthread
    __attribute__((tls_model("initial-exec")));
extern gcthread *gc_threads; // under stw_lock, or the world stopped

gcthread *gc_register_thread(void);
void stw_init(void);
void stop_the_world(void);
void start_the_world(void);

// newosproc starts a detached thread of the runtime's own (the collector's
// worker and helpers, sysmon, an M) running fn(arg), with a stack of
// stacksize bytes (0: the default); it returns pthread_create's error.
// cgo.c's pthread_create, where linked, does not register such a thread
// (tls_newosproc): the stop leaves the collector's helpers running.
int newosproc(void *(*fn)(void *), void *arg, size_t stacksize);
extern __thread bool tls_newosproc __attribute__((tls_model("initial-exec")));

// AddressSanitizer's fake stack. Under detect_stack_use_after_return, a
// local whose address is taken lives in a fake frame, off the stack, and
// the stack keeps only a pointer into it. The functions are weak: a runtime
// built without the sanitizer, linked into a program built with it (as
// escape-cc links libescrt-cc-nomalloc.a), finds them at run time, and
// without the sanitizer they are NULL. asan_fake_stack returns the calling
// thread's fake stack, or NULL; a frame of it is live while
// __asan_addr_is_in_fake_stack finds it (mgcmark.c scan_fake_frames).
void *__asan_get_current_fake_stack(void) __attribute__((weak));
void *__asan_addr_is_in_fake_stack(void *fake_stack, void *addr, void **beg,
                                   void **end) __attribute__((weak));
static inline void *asan_fake_stack(void) {
  return __asan_get_current_fake_stack != NULL ? __asan_get_current_fake_stack()
                                               : NULL;
}

//
// cgo.c: what escape-cc links into every program (libescrt-cc*.a only)
//

// sanitizer_chunks_each calls fn on [lo, hi) of every chunk that a
// sanitizer's allocator handed out and has not taken back, under the
// lock that keeps them; weak: NULL where cgo.c is not linked.
void sanitizer_chunks_each(void (*fn)(uintptr_t lo, uintptr_t hi))
    __attribute__((weak));

//
// mgcsweep.c: the collected spans' lists and lazy sweeping
//

mspan *gc_take_span(int kind, int cls);
void gc_span_init(mspan *s, int kind);
void gc_put_span(mspan *s);
void gc_add_large(mspan *s);
void gc_sweep_pages(uintptr_t npages);
void gc_sweep_finish(void);
void gc_sweep_prepare(void);

//
// mgcmark.c: roots and marking
//

typedef struct gc_mark_result {
  uint64_t marked_bytes;
  uint64_t stack_bytes, global_bytes; // scanned
} gc_mark_result;

void gc_collect_globals(void);
void gc_mark_wake(void);
void gc_mark(gc_mark_result *r);
#define GC_BORN_BEFORE UINT32_MAX
// The concurrent mark running now (its number), else GC_BORN_BEFORE.
extern _Atomic uint32_t gc_concurrent_mark;
// The concurrent mark's three steps: mgcmark.c, "The concurrent mark".
void gc_mark_roots(gc_mark_result *r);
void gc_mark_concurrent(void);
void gc_mark_finish(gc_mark_result *r);

//
// dirtypages.c: which heap pages were written since a reset
//

// dirty_init starts tracking writes to [lo, hi); false when the kernel
// cannot (then nothing is tracked).
bool dirty_init(uintptr_t lo, uintptr_t hi);
// dirty_disable stops tracking for good (a fork child).
void dirty_disable(void);
// dirty_reset makes every page of [lo, hi) clean: writes from now on count.
void dirty_reset(uintptr_t lo, uintptr_t hi);
// dirty_stop stops counting writes to [lo, hi) until the next reset.
void dirty_stop(uintptr_t lo, uintptr_t hi);
// dirty_each calls fn on each run of pages of [lo, hi) written since the
// last reset; with reset, the runs it reports are clean again, the same
// instant.
void dirty_each(uintptr_t lo, uintptr_t hi, bool reset,
                void (*fn)(uintptr_t lo, uintptr_t hi));

//
// mgcalloc.c and mgc.c: allocating collected objects, and the cycle
//

void gccache_drop(gcthread *t);
void gc_allocated(uint64_t bytes);
extern _Atomic uint64_t gc_bytes_freed, gc_objects_freed;

//
// mstats.c
//

// Heap-wide byte counts kept by the mheap under its lock.
typedef struct heap_stats {
  uint64_t sys;         // bytes of arenas mapped
  uint64_t inuse;       // bytes in in-use and manual spans
  uint64_t manual;      // bytes in manual spans
  uint64_t released;    // bytes of free pages returned to the OS
  uint64_t large_alloc; // bytes in large objects
  uint64_t large_mallocs, large_frees;
  uint64_t spans_by_class[NUM_SIZE_CLASSES];
} heap_stats;

#endif

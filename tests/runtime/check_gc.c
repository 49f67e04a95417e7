// check_gc: the garbage collector (runtime/mgc*.c, stoptheworld.c), one
// named test per behaviour.
//
// Survival: objects reachable only from a global, a thread-local, a
// pthread_setspecific value, a malloc'd object, a deep goroutine frame,
// another collected object (chains and cycles) or an interior pointer keep
// their contents through any number of collections, with garbage allocated
// in between to reuse what was freed.
// Death: unreachable objects are freed, seen in the statistics and in
// their memory handed out again. Then the machinery: a stress run of
// goroutines (GOMAXPROCS 1 and 2, from ctest) and a plain thread building
// checksummed structures while collections run back to back; a goroutine
// spinning in a loop without calls does not hold a collection off; stacks
// shrink after deep recursion; pacing, GOGC, the gctrace line and the
// misuse messages.
//
// A conservative collector may keep an object that a stale word on the
// stack still points to. Tests that expect objects to die build them in a
// function of their own and clear the stack below before collecting
// (scrub), and allow a handful to survive.
//
// usage: check_gc [TEST]
#define _GNU_SOURCE
#include "goroutines.h"

#include "escape/gc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// How many objects a "freed" test lets survive on stale words.
enum { SLACK = 16 };

typedef struct node {
  struct node *next;
  uint64_t value;
  unsigned char *blob; // noscan: a pattern derived from value
} node;

enum { BLOB = 40 };

static uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9u;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebu;
  return x ^ (x >> 31);
}

// make_chain links n new nodes with values from seed; cyclic links the
// last back to the first. It may run on a goroutine: no C library.
static NOINLINE node *make_chain(int n, uint64_t seed, bool cyclic) {
  ESCRT_STACK_CHECK();
  node *first = NULL, *last = NULL;
  for (int i = 0; i < n; i++) {
    node *x = escrt_new(sizeof *x);
    x->value = mix(seed + (uint64_t)i);
    x->blob = escrt_new_noscan(BLOB);
    for (int k = 0; k < BLOB; k++)
      x->blob[k] = (unsigned char)(x->value >> (k % 8 * 8));
    if (last == NULL)
      first = x;
    else
      last->next = x;
    last = x;
  }
  if (cyclic && last != NULL)
    last->next = first;
  return first;
}

// chain_ok checks n nodes from x: values, blobs, and the cycle if cyclic.
static NOINLINE bool chain_ok(const node *x, int n, uint64_t seed,
                              bool cyclic) {
  ESCRT_STACK_CHECK();
  const node *first = x;
  for (int i = 0; i < n; i++, x = x->next) {
    if (x == NULL || x->value != mix(seed + (uint64_t)i))
      return false;
    for (int k = 0; k < BLOB; k++)
      if (x->blob[k] != (unsigned char)(x->value >> (k % 8 * 8)))
        return false;
  }
  return cyclic ? x == first : x == NULL;
}

// garbage allocates and drops about bytes of objects of mixed sizes, dirty.
static NOINLINE void garbage(size_t bytes) {
  ESCRT_STACK_CHECK();
  for (size_t done = 0, i = 0; done < bytes; i++) {
    size_t size = 8 + (i * 40503u) % 3000;
    unsigned char *p = escrt_new(size);
    p[0] = p[size - 1] = 0xee;
    done += size;
  }
}

// scrub clears the stack below the caller, where stale pointers to dead
// objects would otherwise be found. On a goroutine, the room for the
// frame is reserved before the call (ESCRT_STACK_CHECK covers only small
// frames).
static NOINLINE void scrub_frame(void) {
  volatile char pad[16384];
  for (size_t i = 0; i < sizeof pad; i++) // volatile: not a dead store
    pad[i] = 0;
}

// scrub also clears the vector registers, which a stopped thread's signal
// context holds and the collector scans: the compiler moves pairs of
// pointers through them (a node's two links stored at once).
static NOINLINE void scrub(void) {
  ESCRT_STACK_RESERVE(16384 + 1024);
  scrub_frame();
#if defined(__x86_64__)
  __asm__ volatile("pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\t"
                   "pxor %%xmm2, %%xmm2\n\tpxor %%xmm3, %%xmm3\n\t"
                   "pxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
                   "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\t"
                   "pxor %%xmm8, %%xmm8\n\tpxor %%xmm9, %%xmm9\n\t"
                   "pxor %%xmm10, %%xmm10\n\tpxor %%xmm11, %%xmm11\n\t"
                   "pxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\t"
                   "pxor %%xmm14, %%xmm14\n\tpxor %%xmm15, %%xmm15"
                   :
                   :
                   : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                     "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
                     "xmm14", "xmm15");
#endif
}

static escrt_gcstats stats(void) {
  escrt_gcstats st;
  escrt_read_gcstats(&st);
  return st;
}

// collect_with_garbage runs rounds collections with garbage in between.
static void collect_with_garbage(int rounds) {
  for (int i = 0; i < rounds; i++) {
    garbage(1 << 20);
    scrub();
    escrt_gc();
  }
}

// ---------------------------------------------------------------------------
// Survival
// ---------------------------------------------------------------------------

static node *global_root;

START_TEST(survives_global) {
  global_root = make_chain(10000, 1, false);
  collect_with_garbage(5);
  ck_assert_msg(chain_ok(global_root, 10000, 1, false),
                "a chain reachable from a global was corrupted");
  ck_assert_uint_ge(stats().cycles, 5);
}
END_TEST

static __thread node *tls_root;

static void *tls_thread(void *arg) {
  pthread_barrier_t *b = arg;
  tls_root = make_chain(1000, 3, false);
  pthread_barrier_wait(b); // built
  pthread_barrier_wait(b); // collected
  bool ok = chain_ok(tls_root, 1000, 3, false);
  return ok ? (void *)1 : NULL;
}

START_TEST(survives_thread_local) {
  tls_root = make_chain(1000, 2, false);
  pthread_barrier_t b;
  pthread_barrier_init(&b, NULL, 2);
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, tls_thread, &b), 0);
  pthread_barrier_wait(&b);
  collect_with_garbage(5);
  pthread_barrier_wait(&b);
  void *ok;
  pthread_join(t, &ok);
  pthread_barrier_destroy(&b);
  ck_assert_msg(chain_ok(tls_root, 1000, 2, false),
                "a chain reachable from this thread's thread-local died");
  ck_assert_msg(ok != NULL,
                "a chain reachable from another thread's thread-local died");
}
END_TEST

// pthread_setspecific keeps the first keys' values in the thread's
// descriptor, which glibc puts at the top of a thread's stack, but not of
// the main thread's.
static pthread_key_t specific_key;

static NOINLINE void set_specific(uint64_t seed) {
  pthread_setspecific(specific_key, make_chain(1000, seed, false));
}

static void *specific_thread(void *arg) {
  pthread_barrier_t *b = arg;
  set_specific(6);
  pthread_barrier_wait(b); // built
  pthread_barrier_wait(b); // collected
  bool ok = chain_ok(pthread_getspecific(specific_key), 1000, 6, false);
  return ok ? (void *)1 : NULL;
}

START_TEST(survives_thread_specific) {
  ck_assert_int_eq(pthread_key_create(&specific_key, NULL), 0);
  set_specific(5);
  pthread_barrier_t b;
  pthread_barrier_init(&b, NULL, 2);
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, specific_thread, &b), 0);
  pthread_barrier_wait(&b);
  collect_with_garbage(5);
  pthread_barrier_wait(&b);
  void *ok;
  pthread_join(t, &ok);
  pthread_barrier_destroy(&b);
  ck_assert_msg(chain_ok(pthread_getspecific(specific_key), 1000, 5, false),
                "a chain reachable from this thread's specific value died");
  ck_assert_msg(ok != NULL,
                "a chain reachable from another thread's specific value died");
}
END_TEST

typedef struct holder {
  int tag;
  node *chain;
} holder;

static holder *make_holder(void) {
  holder *h = escrt_malloc(sizeof *h);
  h->tag = 42;
  h->chain = make_chain(5000, 4, false);
  return h;
}

// The holder is malloc's: a root until it is freed.
START_TEST(survives_malloc_object) {
  // Hidden from the conservative scan: the holder's address, inverted.
  uintptr_t hidden = ~(uintptr_t)make_holder();
  collect_with_garbage(5);
  holder *h = (holder *)~hidden;
  ck_assert_msg(h->tag == 42 && chain_ok(h->chain, 5000, 4, false),
                "a chain reachable from a malloc'd object died");
  escrt_gc(); // the garbage is swept: only the chain can die below
  escrt_gcstats before = stats();
  h->chain = NULL;
  escrt_free(h);
  h = NULL;
  hidden = 0;
  scrub();
  escrt_gc();
  escrt_gcstats after = stats();
  // 5000 nodes and their blobs.
  ck_assert_uint_ge(after.objects_freed - before.objects_freed, 10000 - SLACK);
}
END_TEST

// Many small cycles, so that a stale word keeps one of them, not all.
enum { CYCLES = 2000, CYCLE_LEN = 10 };

static NOINLINE void make_cycles_unreachable(void) {
  for (int i = 0; i < CYCLES; i++)
    make_chain(CYCLE_LEN, (uint64_t)i, true);
}

START_TEST(cycles) {
  global_root = make_chain(20000, 6, true);
  escrt_gcstats before = stats();
  make_cycles_unreachable();
  scrub();
  escrt_gc();
  escrt_gcstats after = stats();
  ck_assert_msg(chain_ok(global_root, 20000, 6, true),
                "a reachable cycle was corrupted");
  // Nodes and blobs, but for a few cycles stale words may keep.
  ck_assert_uint_ge(after.objects_freed - before.objects_freed,
                    2 * (CYCLES - SLACK) * CYCLE_LEN);
}
END_TEST

static uintptr_t interior[3]; // one word past each start, and into a blob

START_TEST(survives_interior_pointer) {
  node *small = make_chain(1, 7, false);
  unsigned char *large = escrt_new(200000);
  for (int i = 0; i < 200000; i++)
    large[i] = (unsigned char)(i * 7);
  node **arr = escrt_new(64 * sizeof(node *));
  arr[63] = make_chain(100, 8, false);
  interior[0] = (uintptr_t)small + 8;
  interior[1] = (uintptr_t)large + 150000;
  interior[2] = (uintptr_t)&arr[63];
  small = NULL, large = NULL, arr = NULL;
  collect_with_garbage(5);
  ck_assert_msg(chain_ok((node *)(interior[0] - 8), 1, 7, false),
                "an object held by an interior pointer died");
  unsigned char *l = (unsigned char *)(interior[1] - 150000);
  for (int i = 0; i < 200000; i++)
    ck_assert_msg(l[i] == (unsigned char)(i * 7),
                  "large object held by an interior pointer: byte %d", i);
  ck_assert_msg(chain_ok(*(node **)interior[2], 100, 8, false),
                "what an object held by an interior pointer holds died");
}
END_TEST

// ---------------------------------------------------------------------------
// Goroutine frames
// ---------------------------------------------------------------------------

static escrt_chan *deep_ready, *deep_go;

// deep recurses n frames, each with a local array, and at the bottom holds
// a chain in its frame alone while other goroutines collect.
static NOINLINE long deep(int n) {
  ESCRT_STACK_CHECK();
  volatile long pad[8];
  for (int i = 0; i < 8; i++)
    pad[i] = n + i;
  if (n > 0)
    return deep(n - 1) + pad[3] - n - 3;
  node *chain = make_chain(3000, 9, false);
  int v = 1;
  escrt_chan_send(deep_ready, &v);
  escrt_chan_recv(deep_go, &v);
  check_eq("chain in a deep frame intact", 0, chain_ok(chain, 3000, 9, false),
           1);
  return 0;
}

static void deep_main(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  deep(20000);
  int v = 1;
  escrt_chan_send(deep_ready, &v); // done
}

static void collector_main(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  int v;
  escrt_go(deep_main, NULL);
  escrt_chan_recv(deep_ready, &v);
  collect_with_garbage(5);
  escrt_chan_send(deep_go, &v);
  escrt_chan_recv(deep_ready, &v);
}

START_TEST(survives_deep_goroutine_frame) {
  deep_ready = escrt_chan_make(sizeof(int), 0);
  deep_go = escrt_chan_make(sizeof(int), 0);
  escrt_run(collector_main, NULL);
  assert_no_failures();
  ck_assert_uint_ge(stats().cycles, 5);
}
END_TEST

// ---------------------------------------------------------------------------
// Death and reuse
// ---------------------------------------------------------------------------

enum { DEAD_N = 20000 };
static uintptr_t dead_addr[DEAD_N]; // inverted: not pointers to the scan
static void *kept[DEAD_N];          // every other object lives

// make_dead allocates 2 * DEAD_N objects and keeps every other one, so that
// the dead ones' spans stay in use and their slots are what comes back.
static NOINLINE void make_dead(size_t size) {
  for (int i = 0; i < DEAD_N; i++) {
    kept[i] = escrt_new(size);
    unsigned char *p = escrt_new(size);
    memset(p, 0xab, size);
    dead_addr[i] = ~(uintptr_t)p;
  }
}

static int cmp_addr(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return x < y ? -1 : x > y;
}

// Unreachable objects are freed (statistics), and their memory comes back
// zeroed from the next allocations.
START_TEST(unreachable_freed_and_reused) {
  // Only the collections below: a paced one during make_dead would free
  // dead objects early, for kept ones to take their addresses.
  escrt_set_gc_percent(-1);
  static const size_t sizes[] = {8, 48, 1024};
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
    size_t size = sizes[s];
    escrt_gc(); // the last size's garbage is swept
    escrt_gcstats before = stats();
    make_dead(size);
    scrub();
    escrt_gc();
    escrt_gcstats after = stats();
    ck_assert_msg(after.objects_freed - before.objects_freed >= DEAD_N - SLACK,
                  "size %zu: %" PRIu64 " of %d unreachable objects freed", size,
                  after.objects_freed - before.objects_freed, DEAD_N);
    qsort(dead_addr, DEAD_N, sizeof *dead_addr, cmp_addr);
    // Twice as many: the last span's never-used tail comes back too.
    int reused = 0, dirty = 0;
    for (int i = 0; i < 2 * DEAD_N; i++) {
      unsigned char *p = escrt_new(size);
      for (size_t k = 0; k < size; k++)
        dirty += p[k] != 0;
      uintptr_t key = ~(uintptr_t)p;
      if (bsearch(&key, dead_addr, DEAD_N, sizeof key, cmp_addr) != NULL)
        reused++;
    }
    ck_assert_msg(dirty == 0, "size %zu: %d nonzero bytes in new objects", size,
                  dirty);
    ck_assert_msg(reused >= DEAD_N - SLACK,
                  "size %zu: %d of %d freed objects handed out again", size,
                  reused, DEAD_N);
  }
}
END_TEST

// make_noscan_holder runs on a thread of its own, which exits before the
// collection: no register or stack slot of the test's thread has seen the
// chain, and only the box can hold it.
static void *make_noscan_holder(void *arg) {
  (void)arg;
  // A noscan object's words are not pointers to the collector.
  node **box = escrt_new_noscan(sizeof(node *));
  *box = make_chain(1000, 10, false);
  global_root = (node *)box;
  return NULL;
}

START_TEST(noscan_is_not_scanned) {
  escrt_gcstats before = stats();
  pthread_t maker;
  ck_assert_int_eq(pthread_create(&maker, NULL, make_noscan_holder, NULL), 0);
  ck_assert_int_eq(pthread_join(maker, NULL), 0);
  scrub();
  escrt_gc();
  escrt_gcstats after = stats();
  ck_assert_uint_ge(after.objects_freed - before.objects_freed, 2000 - SLACK);
  ck_assert_ptr_nonnull(*(node **)global_root); // the box itself lives
}
END_TEST

// Large objects die and come back too: their pages go back to the heap.
START_TEST(large_freed) {
  escrt_gcstats before = stats();
  for (int i = 0; i < 64; i++) {
    unsigned char *p = escrt_new(1 << 20);
    p[12345] = 1;
  }
  scrub();
  escrt_gc();
  escrt_gcstats after = stats();
  ck_assert_uint_ge(after.bytes_freed - before.bytes_freed, 60u << 20);
  ck_assert_uint_lt(after.heap_live, 8u << 20);
}
END_TEST

static NOINLINE void make_small_garbage(size_t bytes) {
  for (size_t done = 0; done < bytes; done += 64) {
    unsigned char *p = escrt_new(64);
    p[0] = 1;
  }
}

// Spans left with no live object go back to the heap, whose pages then
// serve other sizes.
START_TEST(empty_spans_return_to_heap) {
  escrt_set_gc_percent(-1); // the collections below only
  escrt_memstats m0, m1;
  escrt_read_memstats(&m0);
  make_small_garbage(32u << 20);
  scrub();
  escrt_gc();
  escrt_read_memstats(&m1);
  ck_assert_msg(m1.heap_inuse < m0.heap_inuse + (2u << 20),
                "heap in use went from %" PRIu64 " to %" PRIu64
                " after 32 MB of garbage was collected",
                m0.heap_inuse, m1.heap_inuse);
  // The same pages as objects of another class: the heap does not grow.
  escrt_memstats m2;
  uint64_t sys = m1.heap_sys;
  for (int i = 0; i < (32 << 20) / 2048; i++)
    ((unsigned char *)escrt_new(2048))[0] = 1;
  escrt_read_memstats(&m2);
  ck_assert_msg(m2.heap_sys == sys,
                "the heap grew from %" PRIu64 " to %" PRIu64, sys, m2.heap_sys);
}
END_TEST

// ---------------------------------------------------------------------------
// Stress: goroutines and a thread building checksummed chains while
// collections run back to back
// ---------------------------------------------------------------------------

enum { WORKERS = 4, ROUNDS = 300, KEEP = 8, CHAIN = 200 };
static _Atomic int stress_left;
static _Atomic bool stress_thread_failed;

// stress_work keeps KEEP chains in its frame, replacing one per round after
// checking it, and checks them all at the end.
static NOINLINE bool stress_work(uint64_t seed) {
  ESCRT_STACK_CHECK();
  node *keep[KEEP] = {0};
  uint64_t seeds[KEEP] = {0};
  bool cyclic[KEEP] = {0};
  bool ok = true;
  for (int r = 0; r < ROUNDS; r++) {
    int k = (int)(mix(seed + (uint64_t)r) % KEEP);
    if (keep[k] != NULL && !chain_ok(keep[k], CHAIN, seeds[k], cyclic[k]))
      ok = false;
    seeds[k] = seed * 1000003 + (uint64_t)r;
    cyclic[k] = r % 2 == 0;
    keep[k] = make_chain(CHAIN, seeds[k], cyclic[k]);
    garbage(4096);
    if (r % 16 == 0)
      escrt_gosched();
  }
  for (int k = 0; k < KEEP; k++)
    if (keep[k] != NULL && !chain_ok(keep[k], CHAIN, seeds[k], cyclic[k]))
      ok = false;
  return ok;
}

static void stress_goroutine(void *arg) {
  ESCRT_STACK_CHECK();
  check_eq("stress worker's chains intact", (long)(uintptr_t)arg,
           stress_work((uint64_t)(uintptr_t)arg + 100), 1);
  atomic_fetch_sub(&stress_left, 1);
}

static void stress_collector(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  while (atomic_load(&stress_left) > 0) {
    escrt_gc();
    escrt_gosched();
  }
}

static void stress_main(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  for (int i = 0; i < WORKERS; i++)
    escrt_go(stress_goroutine, (void *)(uintptr_t)(i + 1));
  stress_collector(NULL);
}

static void *stress_thread(void *arg) {
  (void)arg;
  if (!stress_work(99))
    atomic_store(&stress_thread_failed, true);
  atomic_fetch_sub(&stress_left, 1);
  return NULL;
}

START_TEST(stress) {
  escrt_set_gc_percent(20);
  atomic_store(&stress_left, WORKERS + 1);
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, stress_thread, NULL), 0);
  escrt_run(stress_main, NULL);
  pthread_join(t, NULL);
  assert_no_failures();
  ck_assert_msg(!atomic_load(&stress_thread_failed),
                "the plain thread's chains were corrupted");
  escrt_gcstats st = stats();
  ck_assert_msg(st.cycles >= 20, "only %" PRIu64 " collections ran", st.cycles);
  ck_assert_msg(st.objects_freed > 100000, "only %" PRIu64 " objects freed",
                st.objects_freed);
}
END_TEST

// ---------------------------------------------------------------------------
// Pointers moved while a mark runs
// ---------------------------------------------------------------------------

// kernel_tracks_writes probes what runtime/dirtypages.c needs: a
// userfaultfd with asynchronous write protection (Linux 6.7, with
// PAGEMAP_SCAN). Where it is missing, the collector must fall back to
// marking with the world stopped.
static bool kernel_tracks_writes(void) {
  int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* user mode only */);
  if (fd < 0)
    return false;
  struct uffdio_api api = {.api = UFFD_API, .features = 1 << 15 /* async */};
  bool ok = ioctl(fd, UFFDIO_API, &api) == 0;
  close(fd);
  return ok;
}

static bool stop_the_world_asked(void) {
  const char *v = getenv("GODEBUG");
  return v != NULL && strstr(v, "gcstoptheworld=1") != NULL;
}

enum { MOVE_SLOTS = 4096, MOVE_CYCLES = 60 };

// The only pointers to MOVE_SLOTS one-node chains sit in two arrays: a
// collected one and a malloc'd one (a root). The mover swaps them between
// the arrays, replaces some with new chains, and now and then copies the
// collected array into a new one (objects allocated during a mark count as
// marked: their contents must be rescanned), while the test collects back
// to back: a mark that missed a pointer stored behind it would free a live
// chain, whose node and blob the next allocations would then overwrite.
static struct {
  node **collected;
  node **malloced;
  uint64_t cseed[MOVE_SLOTS], mseed[MOVE_SLOTS]; // each slot's chain
  _Atomic bool stop;
  _Atomic uint64_t moves;
} mv;

static void *mover(void *arg) {
  uint64_t r = (uint64_t)(uintptr_t)arg;
  uint64_t next_seed = 1u << 20;
  while (!atomic_load_explicit(&mv.stop, memory_order_relaxed)) {
    r = mix(r);
    size_t i = r % MOVE_SLOTS, j = (r >> 20) % MOVE_SLOTS;
    node *x = mv.collected[i];
    mv.collected[i] = mv.malloced[j];
    mv.malloced[j] = x;
    uint64_t seed = mv.cseed[i];
    mv.cseed[i] = mv.mseed[j];
    mv.mseed[j] = seed;
    if ((r >> 40) % 16 == 0) { // a new chain, allocated during a mark
      mv.collected[i] = make_chain(1, next_seed, false);
      mv.cseed[i] = next_seed++;
    }
    if ((r >> 44) % 4096 == 0) { // a new array: every pointer in new objects
      node **fresh = escrt_new(MOVE_SLOTS * sizeof(node *));
      memcpy(fresh, mv.collected, MOVE_SLOTS * sizeof(node *));
      mv.collected = fresh;
    }
    atomic_fetch_add_explicit(&mv.moves, 1, memory_order_relaxed);
  }
  return NULL;
}

START_TEST(pointers_moved_while_marking) {
  mv.collected = escrt_new(MOVE_SLOTS * sizeof(node *));
  mv.malloced = escrt_malloc(MOVE_SLOTS * sizeof(node *));
  ck_assert_ptr_nonnull(mv.malloced);
  for (size_t i = 0; i < MOVE_SLOTS; i++) {
    mv.cseed[i] = 2 * i;
    mv.collected[i] = make_chain(1, mv.cseed[i], false);
    mv.mseed[i] = 2 * i + 1;
    mv.malloced[i] = make_chain(1, mv.mseed[i], false);
  }
  escrt_gcstats before = stats();
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, mover, (void *)(uintptr_t)7), 0);
  for (int i = 0; i < MOVE_CYCLES; i++) {
    escrt_gc();
    garbage(64 << 10); // to overwrite what a wrong sweep freed
  }
  atomic_store(&mv.stop, true);
  ck_assert_int_eq(pthread_join(t, NULL), 0);
  for (size_t i = 0; i < MOVE_SLOTS; i++) {
    ck_assert_msg(chain_ok(mv.collected[i], 1, mv.cseed[i], false),
                  "collected slot %zu: chain %" PRIu64 " lost", i, mv.cseed[i]);
    ck_assert_msg(chain_ok(mv.malloced[i], 1, mv.mseed[i], false),
                  "malloc'd slot %zu: chain %" PRIu64 " lost", i, mv.mseed[i]);
  }
  escrt_gcstats after = stats();
  ck_assert_uint_ge(after.cycles - before.cycles, MOVE_CYCLES);
  ck_assert_msg(atomic_load(&mv.moves) > 10000, "only %" PRIu64 " moves",
                atomic_load(&mv.moves));
  uint64_t concurrent = after.concurrent_cycles - before.concurrent_cycles;
  if (kernel_tracks_writes() && !stop_the_world_asked())
    ck_assert_uint_ge(concurrent, MOVE_CYCLES);
  else
    ck_assert_uint_eq(concurrent, 0);
  escrt_free(mv.malloced);
}
END_TEST

// ---------------------------------------------------------------------------
// A goroutine spinning without calls
// ---------------------------------------------------------------------------

static _Atomic int spin_state; // 1 spinning, 2 asked to stop

static void spinner(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  atomic_store(&spin_state, 1);
  while (atomic_load_explicit(&spin_state, memory_order_relaxed) == 1)
    ; // no call, no stack check: only a signal can stop it
}

static void *run_spinner(void *arg) {
  (void)arg;
  escrt_run(spinner, NULL);
  return NULL;
}

START_TEST(spinning_goroutine_does_not_block_collection) {
  global_root = make_chain(1000, 11, false);
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, run_spinner, NULL), 0);
  while (atomic_load(&spin_state) != 1)
    sched_yield();
  // A hang here is the failure (the test's timeout).
  for (int i = 0; i < 10; i++)
    escrt_gc();
  ck_assert_int_eq(atomic_load(&spin_state), 1); // it still spins
  atomic_store(&spin_state, 2);
  pthread_join(t, NULL);
  ck_assert_uint_ge(stats().cycles, 10);
  ck_assert(chain_ok(global_root, 1000, 11, false));
}
END_TEST

// ---------------------------------------------------------------------------
// Stacks shrink
// ---------------------------------------------------------------------------

static _Atomic int shrink_state; // 1 deep recursion done, now asleep

static NOINLINE long recurse(int n) {
  ESCRT_STACK_CHECK();
  volatile char pad[256];
  pad[0] = (char)n;
  return n == 0 ? pad[0] : recurse(n - 1) + pad[0];
}

static void shrinker(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  recurse(2000); // about 600 KB of stack
  atomic_store(&shrink_state, 1);
  escrt_sleep(3000000000); // asleep: its stack may shrink
}

static void *run_shrinker(void *arg) {
  (void)arg;
  escrt_run(shrinker, NULL);
  return NULL;
}

START_TEST(stacks_shrink) {
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, run_shrinker, NULL), 0);
  while (atomic_load(&shrink_state) != 1)
    sched_yield();
  escrt_memstats m0;
  escrt_read_memstats(&m0);
  uint64_t shrunk = 0;
  // Until it is asleep, it may be running: try for a second.
  for (int i = 0; i < 100 && shrunk < 2; i++) {
    escrt_gc();
    shrunk = stats().stacks_shrunk;
    usleep(10000);
  }
  escrt_memstats m1;
  escrt_read_memstats(&m1);
  ck_assert_msg(shrunk >= 2, "stacks shrunk: %" PRIu64, shrunk);
  // Each collection halves it once: two halvings free 3/4 of ~1 MB.
  ck_assert_msg(m1.stack_inuse + (512u << 10) <= m0.stack_inuse,
                "stack in use went from %" PRIu64 " to %" PRIu64,
                m0.stack_inuse, m1.stack_inuse);
  pthread_join(t, NULL);
}
END_TEST

// ---------------------------------------------------------------------------
// Pacing, the trace, misuse
// ---------------------------------------------------------------------------

static NOINLINE void churn(size_t bytes) {
  garbage(bytes);
  scrub();
}

START_TEST(pacing_follows_gogc) {
  global_root = make_chain(100000, 12, false); // ~6 MB live
  escrt_gc();
  escrt_gcstats st = stats();
  ck_assert_uint_ge(st.heap_live, 4u << 20);
  ck_assert_uint_eq(st.heap_goal, st.heap_live * 2);
  uint64_t cycles = st.cycles;
  churn(64u << 20);
  st = stats();
  // 64 MB at a goal of twice ~6 MB: about ten cycles.
  ck_assert_msg(st.cycles - cycles >= 5 && st.cycles - cycles <= 20,
                "%" PRIu64 " cycles for 64 MB", st.cycles - cycles);
  ck_assert_int_eq(escrt_set_gc_percent(-1), 100);
  cycles = st.cycles;
  churn(64u << 20);
  ck_assert_uint_eq(stats().cycles, cycles);
  ck_assert(chain_ok(global_root, 100000, 12, false));
}
END_TEST

START_TEST(gogc_off_from_environment) {
  setenv("GOGC", "off", 1);
  churn(64u << 20);
  ck_assert_uint_eq(stats().cycles, 0);
  ck_assert_int_eq(escrt_set_gc_percent(100), -1);
}
END_TEST

START_TEST(gogc_minimum_heap) {
  setenv("GOGC", "50", 1);
  escrt_gc();
  escrt_gcstats st = stats();
  ck_assert_uint_eq(st.heap_goal, (4u << 20) / 2); // 4 MB * GOGC/100
}
END_TEST

// gctrace=1 prints Go's line per cycle.
START_TEST(gctrace_line) {
  setenv("GODEBUG", "gctrace=1", 1);
  char path[] = "/tmp/check_gc_trace.XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  unlink(path);
  int saved = dup(2);
  dup2(fd, 2);
  global_root = make_chain(50000, 13, false);
  escrt_gc();
  churn(16u << 20);
  dup2(saved, 2);
  close(saved);
  char buf[8192];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  close(fd);
  ck_assert_int_gt(n, 0);
  buf[n] = '\0';
  // The first line is the forced collection.
  unsigned c, pct, h0, h1, h2, goal, stk, glob;
  int procs;
  char tail[32] = "";
  int got = sscanf(buf,
                   "gc %u @%*u.%*3us %u%%: %*[0-9.]+%*[0-9.]+%*[0-9.] ms "
                   "clock, %*[0-9.]+0/%*[0-9.]/0+%*[0-9.] ms cpu, "
                   "%u->%u->%u MB, %u MB goal, %u MB stacks, %u MB globals, "
                   "%d P %31[^\n]",
                   &c, &pct, &h0, &h1, &h2, &goal, &stk, &glob, &procs, tail);
  ck_assert_msg(got == 10, "gctrace line not in Go's format (%d fields): %s",
                got, buf);
  ck_assert_uint_eq(c, 1);
  ck_assert_str_eq(tail, "(forced)");
  ck_assert_uint_ge(h2, 3); // the chain: 50000 nodes and blobs, ~4.4 MB
  ck_assert_int_eq(procs, escrt_gomaxprocs());
  // Then the paced ones, without "(forced)".
  const char *second = strchr(buf, '\n');
  ck_assert_msg(second != NULL && strncmp(second + 1, "gc 2 @", 6) == 0,
                "no second line: %s", buf);
  const char *end = strchr(second + 1, '\n');
  ck_assert_msg(end != NULL && end[-1] == 'P', "a paced line: %s", second);
}
END_TEST

static void free_collected(void *arg) {
  (void)arg;
  void *p = escrt_new(100);
  fprintf(stderr, "%p\n", p);
  escrt_free(p);
}

START_TEST(free_of_collected_object_is_fatal) {
  // The address is not known in advance: the child prints it first.
  int fds[2];
  ck_assert_int_eq(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 2);
    free_collected(NULL);
    _exit(0);
  }
  close(fds[1]);
  char buf[512] = "";
  size_t len = 0;
  ssize_t n;
  while ((n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
    len += (size_t)n;
  close(fds[0]);
  int status;
  waitpid(pid, &status, 0);
  buf[len] = '\0';
  char addr[64];
  ck_assert_int_eq(sscanf(buf, "%63s", addr), 1);
  char want[256];
  snprintf(want, sizeof want,
           "%s\nfatal error: free of %s: object is garbage-collected "
           "(escrt_new)\n",
           addr, addr);
  ck_assert_str_eq(buf, want);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}
END_TEST

static void *alloc_and_wait(void *arg) {
  pthread_barrier_t *b = arg;
  escrt_new(64); // registered
  pthread_barrier_wait(b);
  pthread_barrier_wait(b);
  return NULL;
}

// A child of fork has one thread: its collections stop no one else.
START_TEST(collect_after_fork) {
  global_root = make_chain(1000, 14, false);
  pthread_barrier_t b;
  pthread_barrier_init(&b, NULL, 2);
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, alloc_and_wait, &b), 0);
  pthread_barrier_wait(&b);
  pid_t pid = fork();
  if (pid == 0) {
    collect_with_garbage(3);
    _exit(chain_ok(global_root, 1000, 14, false) && stats().cycles >= 3 ? 0
                                                                        : 1);
  }
  int status;
  waitpid(pid, &status, 0);
  pthread_barrier_wait(&b);
  pthread_join(t, NULL);
  pthread_barrier_destroy(&b);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "the child's collections failed (status %#x)", status);
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("gc");
  suite_add_test(s, "survives-global", survives_global, 60);
  suite_add_test(s, "survives-thread-local", survives_thread_local, 60);
  suite_add_test(s, "survives-thread-specific", survives_thread_specific, 60);
  suite_add_test(s, "survives-malloc-object", survives_malloc_object, 60);
  suite_add_test(s, "cycles", cycles, 60);
  suite_add_test(s, "survives-interior-pointer", survives_interior_pointer, 60);
  suite_add_test(s, "survives-deep-goroutine-frame",
                 survives_deep_goroutine_frame, 60);
  suite_add_test(s, "unreachable-freed-and-reused",
                 unreachable_freed_and_reused, 60);
  suite_add_test(s, "noscan-is-not-scanned", noscan_is_not_scanned, 60);
  suite_add_test(s, "large-freed", large_freed, 60);
  suite_add_test(s, "empty-spans-return-to-heap", empty_spans_return_to_heap,
                 60);
  suite_add_test(s, "stress", stress, 300);
  suite_add_test(s, "pointers-moved-while-marking",
                 pointers_moved_while_marking, 300);
  suite_add_test(s, "spinning-goroutine-does-not-block-collection",
                 spinning_goroutine_does_not_block_collection, 60);
  suite_add_test(s, "stacks-shrink", stacks_shrink, 60);
  suite_add_test(s, "pacing-follows-gogc", pacing_follows_gogc, 120);
  suite_add_test(s, "gogc-off-from-environment", gogc_off_from_environment, 60);
  suite_add_test(s, "gogc-minimum-heap", gogc_minimum_heap, 60);
  suite_add_test(s, "gctrace-line", gctrace_line, 60);
  suite_add_test(s, "collect-after-fork", collect_after_fork, 60);
  suite_add_test(s, "free-of-collected-object-is-fatal",
                 free_of_collected_object_is_fatal, 60);
  return suite_main(s, argc, argv);
}

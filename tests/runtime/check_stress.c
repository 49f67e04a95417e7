// check_stress: many threads allocating, writing, handing over and freeing
// objects of the runtime heap at once, after mimalloc's test/test-stress.c.
// It uses only the public API, escape/malloc.h.
//
// What it exercises:
//   - sizes from a per-thread LCG: mostly small (1..1024 bytes), some up to
//     ESCRT_MAX_SMALL_SIZE, a few large (64 KB..1 MB), and the sizes at the
//     edges of the classes and pages (0, 8, 32768, 32769, 8191, 8193, ...);
//   - a pattern in every byte of every object, derived from the object's
//     seed and size, verified over the whole object when it is freed or
//     reallocated: a block handed out twice, a free list threaded through a
//     live object, or a realloc that copied too little shows up as a named
//     object and the first wrong byte;
//   - escrt_calloc (all zero), escrt_realloc (the prefix kept),
//     escrt_aligned_alloc, escrt_memalign and escrt_posix_memalign (the
//     alignment), and escrt_usable_size >= the size asked for, every time;
//   - frees on other threads: objects are exchanged through a shared array
//     of atomic slots, so many are freed by a thread that did not allocate
//     them, and the box that carries one is itself a heap object;
//   - thread exit: threads end while other threads, the next wave or the
//     test thread still hold their objects, so frees land on spans whose
//     thread cache was flushed at exit; escrt_thread_flush in mid-run;
//     escrt_release_memory between waves, which must not return pages that
//     live objects still use; escrt_read_memstats while threads allocate;
//   - the statistics: with everything freed, heap_objects and heap_alloc are
//     back where they were and mallocs - frees agrees with them.
//
// usage: check_stress [TEST]   (TEST: stress-local, stress-cross-thread,
//                               stress-thread-exit, stress-many-threads,
//                               stats-free-only-thread)
//
// The LCGs make each thread's choices repeatable, the interleaving is not;
// so a failure names the object, its size and seed, the thread that
// allocated it and the one that found it broken. Workers never call Check
// (its asserts are not for other threads): the first failure is recorded,
// every thread stops, and the test thread fails with the record.
#define _GNU_SOURCE
#include "escape/malloc.h"
#include "harness.h"

#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Objects a thread holds at once (half the slots are full on average), and
// slots of the array that carries objects between threads. With the size
// mix below an object averages ~4 KB, so a thread holds about 1 MB.
enum { SLOTS = 512, HANDOFF_SLOTS = 256 };

// The test thread's number in failure messages.
enum { TEST_THREAD = -1 };

// ---------------------------------------------------------------------------
// Randomness and patterns
// ---------------------------------------------------------------------------

// rng is a 64-bit LCG (Knuth's MMIX constants); rnd returns its high half,
// the well-mixed bits.
typedef struct rng {
  uint64_t x;
} rng;

static uint32_t rnd(rng *r) {
  r->x = r->x * 6364136223846793005u + 1442695040888963407u;
  return (uint32_t)(r->x >> 32);
}

// mix is splitmix64's finalizer: seeds and pattern bases from small inputs.
static uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9u;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebu;
  return x ^ (x >> 31);
}

// The sizes where a class, the small-object limit or a page ends.
static const size_t edge_sizes[] = {
    0,
    1,
    8,
    16,
    ESCRT_PAGE_SIZE - 1,
    ESCRT_PAGE_SIZE,
    ESCRT_PAGE_SIZE + 1,
    ESCRT_MAX_SMALL_SIZE - 1,
    ESCRT_MAX_SMALL_SIZE,
    ESCRT_MAX_SMALL_SIZE + 1,
    4 * ESCRT_PAGE_SIZE + 1,
};

// pick_size draws an object size: 0.5% large (64 KB..1 MB), 5% up to the
// small-object limit, 0.5% an edge size, and the rest small, half of those
// under 64 bytes.
static size_t pick_size(rng *r) {
  uint32_t x = rnd(r) % 1000;
  if (x < 5)
    return (64 << 10) + rnd(r) % ((1 << 20) - (64 << 10) + 1);
  if (x < 55)
    return 1025 + rnd(r) % (ESCRT_MAX_SMALL_SIZE - 1024);
  if (x < 60)
    return edge_sizes[rnd(r) % (sizeof edge_sizes / sizeof *edge_sizes)];
  return 1 + rnd(r) % (x % 2 ? 64 : 1024);
}

// obj is an object as its holder knows it. The pattern is a function of
// seed and size only, never of the address, so it survives a move.
typedef struct obj {
  unsigned char *p; // NULL for an empty slot (malloc(0) is never NULL)
  size_t size;      // bytes asked for
  uint64_t seed;    // the pattern's seed
  int owner;        // number of the thread that allocated it
} obj;

// pattern_word is the k-th 8-byte word of the pattern of (seed, size): a
// Weyl sequence from a base mixed from both, so neighbouring words differ
// and two objects almost never share one. Byte i of the object is byte i % 8 of
// word i / 8 as it lies in memory.
static uint64_t pattern_word(uint64_t seed, size_t size, size_t k) {
  return mix(seed ^ mix(size)) + k * 0x9e3779b97f4a7c15u;
}

static void fill(const obj *o) {
  size_t k = 0;
  for (; 8 * k + 8 <= o->size; k++) {
    uint64_t w = pattern_word(o->seed, o->size, k);
    memcpy(o->p + 8 * k, &w, 8);
  }
  uint64_t w = pattern_word(o->seed, o->size, k);
  memcpy(o->p + 8 * k, &w, o->size - 8 * k);
}

// first_wrong returns the offset of the first of the n bytes at p that
// differ from the pattern of (seed, size), or SIZE_MAX. *got and *want
// receive the bytes there.
static size_t first_wrong(const unsigned char *p, size_t n, uint64_t seed,
                          size_t size, unsigned *got, unsigned *want) {
  for (size_t k = 0; 8 * k < n; k++) {
    uint64_t w = pattern_word(seed, size, k);
    size_t len = n - 8 * k < 8 ? n - 8 * k : 8;
    if (memcmp(p + 8 * k, &w, len) == 0)
      continue;
    const unsigned char *wb = (const unsigned char *)&w;
    for (size_t i = 0; i < len; i++)
      if (p[8 * k + i] != wb[i]) {
        *got = p[8 * k + i];
        *want = wb[i];
        return 8 * k + i;
      }
  }
  return SIZE_MAX;
}

// ---------------------------------------------------------------------------
// Shared state and failures
// ---------------------------------------------------------------------------

// box carries an object through the handoff array. It is allocated from
// the heap under test, so it too is freed by another thread; check guards
// its fields.
typedef struct box {
  obj o;
  uint64_t check; // box_check(&o)
} box;

static _Atomic(box *) handoff[HANDOFF_SLOTS];
static atomic_bool stop;           // set at the first failure
static atomic_flag failed;         // taken by the first failure
static char failure[1024];         // its message, written once
static atomic_uint_fast64_t total; // objects the test allocated
static atomic_int running;         // workers not yet finished

// report records the first failure and tells every thread to stop. It
// returns false so that a check can end with "return report(...)".
__attribute__((format(printf, 1, 2))) static bool report(const char *fmt, ...) {
  if (!atomic_flag_test_and_set(&failed)) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(failure, sizeof failure, fmt, ap);
    va_end(ap);
  }
  atomic_store(&stop, true);
  return false;
}

static void reset(void) {
  for (size_t i = 0; i < HANDOFF_SLOTS; i++)
    atomic_store(&handoff[i], NULL);
  atomic_store(&stop, false);
  atomic_flag_clear(&failed);
  failure[0] = '\0';
  atomic_store(&total, 0);
}

// ---------------------------------------------------------------------------
// One thread's operations
// ---------------------------------------------------------------------------

// config is one stress test.
typedef struct config {
  int threads;       // threads running at once, per wave
  int waves;         // waves of threads, each joined before the next
  int rounds;        // operations per thread
  int handoff_pct;   // chance that a held object is exchanged, not freed
  int exit_keep_pct; // chance that an object outlives its thread's exit
  int flush_every;   // escrt_thread_flush every this many rounds; 0: never
  bool release;      // escrt_release_memory between waves
  bool read_stats;   // the test thread reads memstats while workers run
  uint64_t seed;     // of every LCG in the test
} config;

typedef struct worker {
  const config *cfg;
  int id;          // thread number in messages; TEST_THREAD for the test
  rng r;           // this thread's choices
  uint64_t allocs; // objects allocated, boxes included
  obj slots[SLOTS];
} worker;

// check_object verifies all of o's contents and its usable size before op
// ("free", "realloc", ...) is applied to it by thread w.
static bool check_object(worker *w, const obj *o, const char *op) {
  size_t usable = escrt_usable_size(o->p);
  if (usable < o->size)
    return report("thread %d, before %s: object %p (%zu bytes, thread %d's) "
                  "has escrt_usable_size %zu",
                  w->id, op, (void *)o->p, o->size, o->owner, usable);
  unsigned got, want;
  size_t at = first_wrong(o->p, o->size, o->seed, o->size, &got, &want);
  if (at != SIZE_MAX)
    return report("thread %d, before %s: object %p (%zu bytes, seed %#" PRIx64
                  ", allocated by thread %d) is corrupt: byte %zu is 0x%02x, "
                  "want 0x%02x",
                  w->id, op, (void *)o->p, o->size, o->seed, o->owner, at, got,
                  want);
  return true;
}

// release verifies o, frees it and empties its slot.
static bool release(worker *w, obj *o) {
  if (!check_object(w, o, "free"))
    return false;
  escrt_free(o->p);
  *o = (obj){0};
  return true;
}

// aligned allocates size bytes aligned to a random power of two by one of
// the three aligned allocation functions, chosen by kind, and returns the
// alignment in *align. posix_memalign asks at least pointer alignment, as
// POSIX requires.
static void *aligned(worker *w, unsigned kind, size_t size, size_t *align,
                     const char **fn) {
  *align = (size_t)1 << rnd(&w->r) % 14; // 1 .. ESCRT_PAGE_SIZE
  if (kind % 3 == 0) {
    *fn = "escrt_aligned_alloc";
    return escrt_aligned_alloc(*align, size);
  }
  if (kind % 3 == 1) {
    *fn = "escrt_memalign";
    return escrt_memalign(*align, size);
  }
  *fn = "escrt_posix_memalign";
  if (*align < sizeof(void *))
    *align = sizeof(void *);
  void *p = NULL;
  int rc = escrt_posix_memalign(&p, *align, size);
  return rc == 0 ? p : NULL;
}

// check_new checks what the allocation function fn promised of the new
// object p of size bytes.
static bool check_new(worker *w, const char *fn, unsigned char *p, size_t size,
                      size_t align, bool zeroed) {
  if (p == NULL)
    return report("thread %d: %s(%zu bytes) returned NULL", w->id, fn, size);
  if (align != 0 && (uintptr_t)p % align != 0)
    return report("thread %d: %s(alignment %zu, %zu bytes) returned %p", w->id,
                  fn, align, size, (void *)p);
  size_t usable = escrt_usable_size(p);
  if (usable < size)
    return report("thread %d: %s(%zu bytes) returned %p with usable size %zu",
                  w->id, fn, size, (void *)p, usable);
  for (size_t i = 0; zeroed && i < size; i++)
    if (p[i] != 0)
      return report("thread %d: %s(%zu bytes) returned %p whose byte %zu is "
                    "0x%02x, not zero",
                    w->id, fn, size, (void *)p, i, p[i]);
  return true;
}

// allocate fills the empty slot o with a new object: 80% escrt_malloc, 10%
// escrt_calloc, 10% one of the aligned functions.
static bool allocate(worker *w, obj *o) {
  size_t size = pick_size(&w->r), align = 0;
  unsigned kind = rnd(&w->r) % 100;
  const char *fn = "escrt_malloc";
  unsigned char *p;
  if (kind < 80) {
    p = escrt_malloc(size);
  } else if (kind < 90) {
    fn = "escrt_calloc";
    p = size % 8 == 0 ? escrt_calloc(size / 8, 8) : escrt_calloc(size, 1);
  } else {
    p = aligned(w, kind, size, &align, &fn);
  }
  if (!check_new(w, fn, p, size, align, kind >= 80 && kind < 90))
    return false;
  w->allocs++;
  *o = (obj){p, size, mix(w->r.x), w->id};
  fill(o);
  return true;
}

// reallocate moves o to a new random size (never 0, whose realloc may
// free), checks that the common prefix came along, and refills it.
static bool reallocate(worker *w, obj *o) {
  size_t size = pick_size(&w->r);
  size += size == 0;
  if (!check_object(w, o, "realloc"))
    return false;
  unsigned char *p = escrt_realloc(o->p, size);
  if (p == NULL)
    return report("thread %d: escrt_realloc(%p, %zu bytes) returned NULL",
                  w->id, (void *)o->p, size);
  size_t keep = size < o->size ? size : o->size;
  unsigned got, want;
  size_t at = first_wrong(p, keep, o->seed, o->size, &got, &want);
  if (at != SIZE_MAX)
    return report("thread %d: escrt_realloc(%p, %zu bytes) of thread %d's "
                  "%zu-byte object (seed %#" PRIx64 ") returned %p whose byte "
                  "%zu is 0x%02x, want 0x%02x",
                  w->id, (void *)o->p, size, o->owner, o->size, o->seed,
                  (void *)p, at, got, want);
  if (!check_new(w, "escrt_realloc", p, size, 0, false))
    return false;
  *o = (obj){p, size, mix(w->r.x), o->owner};
  fill(o);
  return true;
}

static uint64_t box_check(const obj *o) {
  return mix((uintptr_t)o->p ^
             mix(o->size ^ mix(o->seed ^ (unsigned)o->owner)));
}

// unbox takes the object out of a box from the handoff array into the
// empty slot o, and frees the box.
static bool unbox(worker *w, box *b, obj *o) {
  if (b->check != box_check(&b->o))
    return report("thread %d: handoff box %p is corrupt (object %p, %zu bytes, "
                  "thread %d's)",
                  w->id, (void *)b, (void *)b->o.p, b->o.size, b->o.owner);
  *o = b->o;
  escrt_free(b);
  return true;
}

// exchange puts o into a random slot of the handoff array and takes what
// was there, if anything, into o's place.
static bool exchange(worker *w, obj *o) {
  box *b = escrt_malloc(sizeof *b);
  if (b == NULL)
    return report("thread %d: escrt_malloc(%zu) for a box returned NULL", w->id,
                  sizeof *b);
  w->allocs++;
  b->o = *o;
  b->check = box_check(o);
  *o = (obj){0};
  box *got = atomic_exchange(&handoff[rnd(&w->r) % HANDOFF_SLOTS], b);
  return got == NULL || unbox(w, got, o);
}

// step does one operation on a random slot: allocate into it if it is
// empty; otherwise realloc (10%), hand over (handoff_pct) or free.
static bool step(worker *w) {
  obj *o = &w->slots[rnd(&w->r) % SLOTS];
  if (o->p == NULL)
    return allocate(w, o);
  unsigned op = rnd(&w->r) % 100;
  if (op < 10)
    return reallocate(w, o);
  if (op < 10u + (unsigned)w->cfg->handoff_pct)
    return exchange(w, o);
  return release(w, o);
}

// finish empties w's slots as its thread exits: exit_keep_pct of the
// objects go to the handoff array and outlive the thread, the rest (and
// whatever the exchanges brought) are freed here.
static void finish(worker *w) {
  for (size_t i = 0; i < SLOTS && !atomic_load(&stop); i++) {
    obj *o = &w->slots[i];
    if (o->p != NULL && rnd(&w->r) % 100 < (unsigned)w->cfg->exit_keep_pct)
      if (!exchange(w, o))
        return;
    if (o->p != NULL && !release(w, o))
      return;
  }
}

static void *work(void *arg) {
  worker *w = arg;
  const config *cfg = w->cfg;
  for (int i = 0; i < cfg->rounds && !atomic_load(&stop); i++) {
    if (!step(w))
      break;
    if (cfg->flush_every != 0 && i % cfg->flush_every == cfg->flush_every - 1)
      escrt_thread_flush();
  }
  finish(w);
  atomic_fetch_add(&total, w->allocs);
  atomic_fetch_sub(&running, 1);
  return NULL;
}

// ---------------------------------------------------------------------------
// The test thread
// ---------------------------------------------------------------------------

// drain frees, on the test thread, pct% of the objects in the handoff
// array: objects of threads that have exited.
static void drain(worker *t, unsigned pct) {
  for (size_t i = 0; i < HANDOFF_SLOTS && !atomic_load(&stop); i++) {
    if (rnd(&t->r) % 100 >= pct)
      continue;
    box *b = atomic_exchange(&handoff[i], NULL);
    obj o;
    if (b != NULL && unbox(t, b, &o))
      release(t, &o);
  }
}

// watch reads the statistics in a loop until every worker has finished.
// It asserts nothing about values that are only a moment's approximation;
// it is here for the walk over the thread caches while threads come and
// go, which the sanitizers watch.
static void watch(void) {
  while (atomic_load(&running) > 0) {
    escrt_memstats st;
    escrt_read_memstats(&st);
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  }
}

// run_wave runs cfg->threads workers numbered from first and joins them.
static void run_wave(const config *cfg, int first) {
  int n = cfg->threads;
  pthread_t *tids = xmalloc(n * sizeof *tids);
  worker **ws = xmalloc(n * sizeof *ws);
  atomic_store(&running, n);
  for (int i = 0; i < n; i++) {
    ws[i] = calloc(1, sizeof **ws);
    ck_assert_ptr_nonnull(ws[i]);
    *ws[i] = (worker){.cfg = cfg, .id = first + i};
    ws[i]->r.x = mix(cfg->seed ^ mix((uint64_t)(first + i)));
    int rc = pthread_create(&tids[i], NULL, work, ws[i]);
    ck_assert_msg(rc == 0, "pthread_create: %s", strerror(rc));
  }
  if (cfg->read_stats)
    watch();
  for (int i = 0; i < n; i++) {
    pthread_join(tids[i], NULL);
    free(ws[i]);
  }
  free(ws);
  free(tids);
}

// sum_by_size adds up the per-class counts of st.
static void sum_by_size(const escrt_memstats *st, uint64_t *mallocs,
                        uint64_t *frees) {
  *mallocs = *frees = 0;
  for (size_t c = 0; c < ESCRT_NUM_SIZE_CLASSES; c++) {
    *mallocs += st->by_size[c].mallocs;
    *frees += st->by_size[c].frees;
  }
}

// check_stats compares the statistics after the test, with every object
// freed and every worker gone, to those before it.
static void check_stats(const escrt_memstats *b, uint64_t allocs) {
  escrt_memstats a;
  escrt_read_memstats(&a);
  uint64_t mallocs = a.mallocs - b->mallocs, frees = a.frees - b->frees;
  char counts[160]; // what every message ends with
  snprintf(counts, sizeof counts,
           "; the test allocated and freed %" PRIu64 " objects, mallocs "
           "went up by %" PRIu64 " and frees by %" PRIu64,
           allocs, mallocs, frees);
  ck_assert_msg(a.heap_objects == b->heap_objects,
                "heap_objects is %" PRIu64 " after freeing everything, "
                "%" PRIu64 " before the test%s",
                a.heap_objects, b->heap_objects, counts);
  ck_assert_msg(a.heap_alloc == b->heap_alloc,
                "heap_alloc is %" PRIu64 " after freeing everything, "
                "%" PRIu64 " before the test%s",
                a.heap_alloc, b->heap_alloc, counts);
  ck_assert_msg(mallocs == frees && mallocs >= allocs, "counts disagree%s",
                counts);
  ck_assert_msg(a.heap_objects == a.mallocs - a.frees,
                "heap_objects %" PRIu64 " != mallocs %" PRIu64
                " - frees %" PRIu64,
                a.heap_objects, a.mallocs, a.frees);
  uint64_t class_mallocs, class_frees;
  sum_by_size(&a, &class_mallocs, &class_frees);
  ck_assert_msg(class_mallocs == a.mallocs && class_frees == a.frees,
                "by_size sums to %" PRIu64 " mallocs and %" PRIu64
                " frees; the totals are %" PRIu64 " and %" PRIu64,
                class_mallocs, class_frees, a.mallocs, a.frees);
}

// stress runs cfg's waves of workers. Between waves the test thread frees
// half of what exited threads left in the handoff array (and releases idle
// memory if asked); at the end it frees the rest and checks the statistics.
static void stress(const config *cfg) {
  reset();
  escrt_memstats before;
  escrt_read_memstats(&before);
  worker *t = calloc(1, sizeof *t);
  ck_assert_ptr_nonnull(t);
  *t = (worker){.cfg = cfg, .id = TEST_THREAD, .r = {mix(cfg->seed)}};
  for (int wave = 0; wave < cfg->waves && !atomic_load(&stop); wave++) {
    run_wave(cfg, wave * cfg->threads);
    drain(t, wave + 1 < cfg->waves ? 50 : 100);
    if (cfg->release)
      escrt_release_memory();
  }
  ck_assert_msg(!atomic_load(&stop), "%s", failure);
  free(t);
  check_stats(&before, atomic_load(&total));
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

// Each thread allocates and frees only its own objects.
START_TEST(stress_local) {
  static const config cfg = {
      .threads = 4, .waves = 1, .rounds = 40000, .seed = 1};
  stress(&cfg);
}
END_TEST

// A quarter of the operations on held objects swap them with the handoff
// array, while the test thread reads the statistics.
START_TEST(stress_cross_thread) {
  static const config cfg = {.threads = 4,
                             .waves = 1,
                             .rounds = 40000,
                             .handoff_pct = 25,
                             .exit_keep_pct = 10,
                             .read_stats = true,
                             .seed = 2};
  stress(&cfg);
}
END_TEST

// Waves of threads; each leaves half its objects to later waves and to the
// test thread, flushes its cache in mid-run, and idle memory is released
// between waves.
START_TEST(stress_thread_exit) {
  static const config cfg = {.threads = 4,
                             .waves = 8,
                             .rounds = 6000,
                             .handoff_pct = 25,
                             .exit_keep_pct = 50,
                             .flush_every = 1000,
                             .release = true,
                             .seed = 3};
  stress(&cfg);
}
END_TEST

// Sixteen short-lived threads at a time on a machine of a few cores.
START_TEST(stress_many_threads) {
  static const config cfg = {.threads = 16,
                             .waves = 4,
                             .rounds = 1500,
                             .handoff_pct = 25,
                             .exit_keep_pct = 25,
                             .seed = 4};
  stress(&cfg);
}
END_TEST

// fill_slots allocates an object into every slot of a worker.
static void *fill_slots(void *arg) {
  worker *w = arg;
  for (size_t i = 0; i < SLOTS && allocate(w, &w->slots[i]); i++)
    ;
  atomic_fetch_add(&total, w->allocs);
  return NULL;
}

// free_slots frees the objects in every slot of a worker.
static void *free_slots(void *arg) {
  worker *w = arg;
  for (size_t i = 0; i < SLOTS; i++)
    if (w->slots[i].p != NULL && !release(w, &w->slots[i]))
      break;
  return NULL;
}

// One thread allocates, exits, and a thread that never allocates frees all
// of its objects: the frees must count although the freeing thread has no
// cache of its own. The stress tests' test thread is such a thread too; this
// is the small case of it.
START_TEST(stats_free_only_thread) {
  static const config cfg = {.seed = 5};
  reset();
  escrt_memstats before;
  escrt_read_memstats(&before);
  worker *w = calloc(1, sizeof *w);
  ck_assert_ptr_nonnull(w);
  *w = (worker){.cfg = &cfg, .id = 0, .r = {mix(cfg.seed)}};
  void *(*const phases[])(void *) = {fill_slots, free_slots};
  for (int i = 0; i < 2; i++) {
    pthread_t tid;
    w->id = i;
    int rc = pthread_create(&tid, NULL, phases[i], w);
    ck_assert_msg(rc == 0, "pthread_create: %s", strerror(rc));
    pthread_join(tid, NULL);
  }
  ck_assert_msg(!atomic_load(&stop), "%s", failure);
  free(w);
  check_stats(&before, atomic_load(&total));
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("stress");
  suite_add_test(s, "stress-local", stress_local, 120);
  suite_add_test(s, "stress-cross-thread", stress_cross_thread, 120);
  suite_add_test(s, "stress-thread-exit", stress_thread_exit, 120);
  suite_add_test(s, "stress-many-threads", stress_many_threads, 120);
  suite_add_test(s, "stats-free-only-thread", stats_free_only_thread, 120);
  return suite_main(s, argc, argv);
}

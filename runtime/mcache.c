// Per-thread span caches.
//
// See malloc.c for an overview. A thread allocates from its mcache without a
// lock: mcache.alloc[c] is the span it is cutting objects of class c from.
// The mcache owns that span and every other span it took for class c until
// it gives them back: the partial list (spans with free objects) and the full
// list (spans with none, or too few to be worth a rescan). Frees by the
// owning thread go straight to the span's alloc_bits; frees by other threads
// set remote bits and count the span in remote_frees[c], and the owner collects
// them when it next runs out of objects of that class.
//
// When the current span runs out, mcache_refill looks, in order, at
//
//	1. the next bitmap word of the current span;
//	2. the current span again from its first word, if frees (local or
//	   collected remote) left at least 1/RESCAN_FRACTION of it free;
//	3. the partial list;
//	4. the full list, if other threads freed enough into it since the last
//	   look to pay for walking it;
//	5. the mcentral, which takes a span from its partial list or the heap.
//
// A span whose last object is freed while it is not current goes back to
// the heap. A thread's mcache is flushed (every span to its mcentral) and
// pooled for the next thread when the thread exits, through a pthread key
// destructor.
#include "runtime.h"

#include <pthread.h>

// The full list is walked for remote frees when their count since the last
// walk reaches 1/FULL_WALK_FRACTION of its length: each walk then frees at
// least one object per FULL_WALK_FRACTION spans visited.
#define FULL_WALK_FRACTION 4

// empty_mspan stands for "no span": it never has a free object, so the
// allocation fast path needs no check for it (Go's emptymspan).
mspan empty_mspan = {.freeindex = MAX_SPAN_OBJECTS, .state = MSPAN_DEAD};

// nil_mcache is every thread's mcache until it allocates: all its spans are
// empty_mspan, so the fast path falls into the slow path, which gives the
// thread a real mcache. No span is ever owned by it.
mcache nil_mcache = {.direct = {[0 ... SMALL_SIZE_MAX / 8] = &empty_mspan},
                     .alloc = {[0 ... NUM_SIZE_CLASSES - 1] = &empty_mspan}};

__thread mcache *tls_mcache __attribute__((tls_model("initial-exec"))) =
    &nil_mcache;

static struct {
  mutex lock;
  mcache *free; // caches of exited threads
  mcache *all;  // every cache ever made
  pthread_key_t exit_key;
} caches;

static void on_thread_exit(void *c) { mcache_release(c); }

// mcache_init creates the key whose destructor flushes a thread's cache.
bool mcache_init(void) {
  return pthread_key_create(&caches.exit_key, on_thread_exit) == 0;
}

// mcache_set_span makes s the current span of class cls, in alloc and in
// the direct entries of the sizes of the class.
void mcache_set_span(mcache *c, int cls, mspan *s) {
  c->alloc[cls] = s;
  if (class_to_size[cls] > SMALL_SIZE_MAX)
    return;
  size_t lo = cls == 1 ? 1 : class_to_size[cls - 1] / 8 + 1;
  for (size_t i = lo; i <= class_to_size[cls] / 8u; i++)
    c->direct[i] = s;
}

// mcache_acquire gives the calling thread an mcache, or returns NULL when
// there is no memory for one.
mcache *mcache_acquire(void) {
  if (!malloc_init())
    return NULL;
  mutex_lock(&caches.lock);
  mcache *c = caches.free;
  if (c != NULL)
    caches.free = c->pool_next;
  mutex_unlock(&caches.lock);
  if (c == NULL) {
    if ((c = persistent_alloc(sizeof(mcache))) == NULL)
      return NULL;
    for (int i = 0; i < NUM_SIZE_CLASSES; i++)
      c->alloc[i] = &empty_mspan;
    for (int i = 0; i <= SMALL_SIZE_MAX / 8; i++)
      c->direct[i] = &empty_mspan;
    mutex_lock(&caches.lock);
    c->all_next = caches.all;
    caches.all = c;
    mutex_unlock(&caches.lock);
  }
  tls_mcache = c;
  pthread_setspecific(caches.exit_key, c);
  return c;
}

static bool worth_rescan(const mspan *s) {
  return (s->nelems - s->alloc_count) * RESCAN_FRACTION >= s->nelems;
}

// collect_full collects remote frees into class cls's full spans and moves
// the spans worth a rescan to the partial list.
static void collect_full(mcache *c, int cls) {
  atomic_store_explicit(&c->remote_frees[cls], 0, memory_order_relaxed);
  for (mspan *s = c->full[cls].first, *next; s != NULL; s = next) {
    next = s->next;
    mspan_collect(s);
    if (worth_rescan(s)) {
      span_list_remove(&c->full[cls], s);
      span_set_list(s, SPAN_PARTIAL);
      span_list_push(&c->partial[cls], s);
    }
  }
}

// walk_full runs collect_full when other threads freed into enough of the
// class's full spans to pay for the walk.
static void walk_full(mcache *c, int cls) {
  uint32_t n =
      atomic_load_explicit(&c->remote_frees[cls], memory_order_relaxed);
  if (n > 0 && n * FULL_WALK_FRACTION >= c->full[cls].len)
    collect_full(c, cls);
}

// next_span returns a span of class cls with a free object for c, or NULL.
static mspan *next_span(mcache *c, int cls) {
  mspan *s = span_list_pop(&c->partial[cls]);
  if (s == NULL) {
    walk_full(c, cls);
    s = span_list_pop(&c->partial[cls]);
  }
  if (s != NULL)
    mspan_collect(s);
  else
    s = mcentral_cache_span(&mcentrals[cls], c);
  if (s != NULL)
    c->nmalloc[cls] += mspan_reset_cache(s);
  return s;
}

// next_word loads the cache of current span s, whose cached word ran out.
// A mostly free span is rescanned from its first word, so that a program
// with few live objects of a class keeps reusing the span's first pages
// instead of touching all of them; a mostly full one goes on to the next
// word, as Go's nextFreeIndex does.
static uint32_t next_word(mspan *s) {
  if (s->alloc_count * 2 < s->nelems)
    return mspan_reset_cache(s);
  return mspan_refill_cache(s);
}

// mcache_refill is the allocation slow path: the fast path in malloc.c
// (malloc_small) found c->alloc[cls] out of cached objects. It moves on to
// the next source of free objects (see the top of this file), allocates one
// object from it, and returns it; or returns NULL when the heap is exhausted.
void *mcache_refill(mcache *c, int cls) {
  mspan *s = c->alloc[cls];
  if (s->alloc_cache != 0)
    throw("mcache_refill with objects still cached");
  uint32_t loaded = 0;
  if (s != &empty_mspan && (loaded = next_word(s)) == 0) {
    mspan_collect(s);
    if (worth_rescan(s)) {
      loaded = mspan_reset_cache(s);
    } else {
      span_set_list(s, SPAN_FULL);
      span_list_push(&c->full[cls], s);
      s = &empty_mspan;
    }
  }
  c->nmalloc[cls] += loaded;
  if (s == &empty_mspan) {
    if ((s = next_span(c, cls)) == NULL) {
      mcache_set_span(c, cls, &empty_mspan);
      return NULL;
    }
    span_set_list(s, SPAN_CACHED);
    mcache_set_span(c, cls, s);
  }
  return mspan_take(s, s->alloc_cache);
}

// mcache_span_freed is the free slow path: the owner freed an object of s,
// which is now empty or was on the full list.
void mcache_span_freed(mcache *c, mspan *s) {
  int cls = s->spanclass;
  if (s->list == SPAN_CACHED)
    return; // the current span, emptied: keep cutting it
  span_list *from = s->list == SPAN_FULL ? &c->full[cls] : &c->partial[cls];
  if (s->alloc_count == 0) {
    span_list_remove(from, s);
    mcentral_uncache_span(&mcentrals[cls], s);
  } else if (s->list == SPAN_FULL && worth_rescan(s)) {
    span_list_remove(from, s);
    span_set_list(s, SPAN_PARTIAL);
    span_list_push(&c->partial[cls], s);
  }
}

// mcache_flush gives every span of c to its mcentral, and its cached
// stacks to the stackpool.
void mcache_flush(mcache *c) {
  stackcache_release_all(c);
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    mcentral *central = &mcentrals[cls];
    mspan *s;
    if (c->alloc[cls] != &empty_mspan) {
      c->nmalloc[cls] -= mspan_drop_cache(c->alloc[cls]);
      mcentral_uncache_span(central, c->alloc[cls]);
    }
    mcache_set_span(c, cls, &empty_mspan);
    while ((s = span_list_pop(&c->partial[cls])) != NULL)
      mcentral_uncache_span(central, s);
    while ((s = span_list_pop(&c->full[cls])) != NULL)
      mcentral_uncache_span(central, s);
    atomic_store_explicit(&c->remote_frees[cls], 0, memory_order_relaxed);
  }
}

// mcache_drop_caches drops the cached bitmap word of each current span, so
// that c's counts hold allocated objects only (escrt_read_memstats).
void mcache_drop_caches(mcache *c) {
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++)
    if (c->alloc[cls] != &empty_mspan)
      c->nmalloc[cls] -= mspan_drop_cache(c->alloc[cls]);
}

// mcache_collect_all folds the remote frees into every span of c.
void mcache_collect_all(mcache *c) {
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    if (c->alloc[cls] != &empty_mspan)
      mspan_collect(c->alloc[cls]);
    for (mspan *s = c->partial[cls].first; s != NULL; s = s->next)
      mspan_collect(s);
    collect_full(c, cls);
  }
}

// mcache_release flushes c and pools it; the calling thread goes back to
// nil_mcache.
void mcache_release(mcache *c) {
  if (c == NULL || c == &nil_mcache)
    return;
  mcache_flush(c);
  tls_mcache = &nil_mcache;
  mutex_lock(&caches.lock);
  c->pool_next = caches.free;
  caches.free = c;
  mutex_unlock(&caches.lock);
}

void mcache_lock_pool(void) { mutex_lock(&caches.lock); }
void mcache_unlock_pool(void) { mutex_unlock(&caches.lock); }

// mcache_sum_stats adds every cache's count of small objects allocated to st.
void mcache_sum_stats(escrt_memstats *st) {
  mutex_lock(&caches.lock);
  for (mcache *c = caches.all; c != NULL; c = c->all_next)
    for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++)
      st->by_size[cls].mallocs +=
          __atomic_load_n(&c->nmalloc[cls], __ATOMIC_RELAXED);
  mutex_unlock(&caches.lock);
}

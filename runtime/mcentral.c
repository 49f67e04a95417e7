// Central free lists.
//
// See malloc.c for an overview. An mcentral holds the spans of one size
// class that no thread owns: spans an exiting thread flushed, and spans an
// mcache gave back. Unlike Go's, where the sweeper decides which spans have
// room, spans arrive here with exact counts (explicit frees), so a span is on
// partial when it has a free object and on full when it has none.
//
// An unowned span is changed only under its mcentral's lock, frees from any
// thread included (mcentral_free_remote): they are rare, since a span stays
// here only until the next mcache of its class needs one.
//
// Ownership handoff. A remote free sets its bit, then reads the owner; a
// thread giving a span up clears the owner, then collects every remote bit
// (both sequentially consistent). So either the freeing thread sees no owner
// and collects under this lock, or the flush sees its bit: no free is lost.
#include "runtime.h"

mcentral mcentrals[NUM_SIZE_CLASSES];

void mcentral_init(void) {
  for (int c = 0; c < NUM_SIZE_CLASSES; c++)
    mcentrals[c].spanclass = (uint8_t)c;
}

// collect_all folds in every remote free, pending flag or not.
static void collect_all(mspan *s) {
  atomic_store_explicit(&s->remote_pending, 1, memory_order_relaxed);
  mspan_collect(s);
}

// file puts unowned span s on the list its free objects call for, or returns
// it to the heap when it holds no object. c->lock is held and is released.
static void file_and_unlock(mcentral *c, mspan *s) {
  if (s->alloc_count == 0) {
    // Off our lists before the lock goes: until mheap_free_span marks it
    // free, the span still looks like one of ours (in use, unowned, of this
    // class) to a remote free that found no owner and waits for the lock,
    // and that free, collected above, would file it and free it to the heap
    // a second time. mcentral_free_remote leaves a SPAN_CACHED span alone.
    span_set_list(s, SPAN_CACHED);
    mutex_unlock(&c->lock);
    mheap_free_span(s);
    return;
  }
  span_set_list(s, s->alloc_count < s->nelems ? SPAN_PARTIAL : SPAN_FULL);
  span_list_push(s->list == SPAN_PARTIAL ? &c->partial : &c->full, s);
  mutex_unlock(&c->lock);
}

// mcentral_cache_span returns a span of c's class with a free object, now
// owned by owner, its cache not loaded; or NULL when the heap is exhausted.
mspan *mcentral_cache_span(mcentral *c, mcache *owner) {
  mutex_lock(&c->lock);
  mspan *s = span_list_pop(&c->partial);
  if (s != NULL) {
    collect_all(s);
    atomic_store_explicit(&s->owner, owner, memory_order_seq_cst);
    span_set_list(s, SPAN_CACHED);
    mutex_unlock(&c->lock);
    return s;
  }
  mutex_unlock(&c->lock);
  s = mheap_alloc_small(c->spanclass);
  if (s != NULL) {
    atomic_store_explicit(&s->owner, owner, memory_order_relaxed);
    span_set_list(s, SPAN_CACHED);
  }
  return s;
}

// mcentral_uncache_span takes span s from its owner, which has unlinked it
// from its own lists.
void mcentral_uncache_span(mcentral *c, mspan *s) {
  mutex_lock(&c->lock);
  atomic_store_explicit(&s->owner, NULL, memory_order_seq_cst);
  collect_all(s);
  file_and_unlock(c, s);
}

// mcentral_free_remote folds in a free into unowned span s made by a thread
// that found no owner. The span may have found an owner since; then the
// owner collects.
void mcentral_free_remote(mcentral *c, mspan *s) {
  mutex_lock(&c->lock);
  // Another free may have emptied the span and returned it to the heap, or
  // be returning it (file_and_unlock): then its struct is on none of our
  // lists, free or reused, and that free collected ours too.
  if (atomic_load_explicit(&s->owner, memory_order_seq_cst) != NULL ||
      s->state != MSPAN_IN_USE || s->spanclass != c->spanclass ||
      s->list == SPAN_CACHED) {
    mutex_unlock(&c->lock);
    return;
  }
  span_list_remove(s->list == SPAN_PARTIAL ? &c->partial : &c->full, s);
  collect_all(s);
  file_and_unlock(c, s);
}

void mcentral_lock_all(void) {
  for (int c = 0; c < NUM_SIZE_CLASSES; c++)
    mutex_lock(&mcentrals[c].lock);
}

void mcentral_unlock_all(void) {
  for (int c = NUM_SIZE_CLASSES - 1; c >= 0; c--)
    mutex_unlock(&mcentrals[c].lock);
}

// Page heap.
//
// See malloc.c for an overview. The mheap owns every page of the heap. At
// initialization it reserves one range of address space (1 TB, or the most
// the OS grants, halving down to 4 GB) with PROT_NONE, which costs no memory,
// and commits it in 64 MB arenas as the heap grows; untouched pages of an
// arena cost nothing either. Beside it, two reserved tables with one entry
// per page: the span map, so span_of (runtime.h) finds any address's span in
// one load and says NULL for addresses outside the committed heap, and the
// released bitmap. This is Go 1.10's layout; Go 1.11 moved to sparse arenas
// to coexist with C code claiming addresses in the way, which a reservation
// made before anything else runs does not meet.
//
// Free pages form free spans: maximal runs, coalesced with their neighbours
// when freed, found through the span map of their first and last pages. Free
// spans sit in bins by length, as TCMalloc's page heap (Go's page allocator
// with its radix summaries answers the same question, "lowest-addressed run
// of at least n free pages", for a heap shared by many Ps; with one lock and
// runs counted in the thousands, bins are as fast and far simpler):
//
//	bins[n], 1 <= n < BIG_BIN: runs of exactly n pages, oldest first
//	bins[BIG_BIN]: runs of BIG_BIN pages or more, searched for the best fit
//	nonempty: one bit per bin, so the smallest fitting bin is one ctz away
//
// Returning memory. A freed run joins the scavenger queue with its time; a
// run idle longer than SCAVENGE_DELAY_NS is returned to the OS with
// madvise(MADV_DONTNEED) the next time the heap is entered (Go's background
// scavenger keeps a similar distance from the heap's working set). Which
// pages are returned is exact, in the released bitmap: a run
// handed out again reports whether any of its pages may hold old data
// (needzero), and the statistics count released bytes exactly.
//
// Everything here runs under mheap.lock, except span_of, which reads the
// span map without it (an entry is one aligned word).
#include "runtime.h"

#include <string.h>
#include <sys/mman.h>
#include <time.h>

// Runs of BIG_BIN pages or more share the last bin.
#define BIG_BIN 128
// How long a free run stays mapped before the scavenger returns it: long
// enough that a program cycling through memory reuses it warm.
#define SCAVENGE_DELAY_NS (1000 * 1000 * 1000LL)
// The bitmap sizes span structs come in: 1 << 0 .. 1 << 7 words.
#define SPAN_STRUCT_KINDS 8

heap_space heap_space_;

static struct mheap {
  mutex lock;
  span_list bins[BIG_BIN + 1];
  uint64_t nonempty[(BIG_BIN + 64) / 64];
  mspan *scav_first, *scav_last;          // scavenger queue, oldest first
  mspan *span_structs[SPAN_STRUCT_KINDS]; // free span structs by size
  uintptr_t arenas[1024];                 // frame numbers of arenas, in order
  uintptr_t narenas;
  heap_stats stats;
} heap;

// ---------------------------------------------------------------------------
// Span structs and the span map
// ---------------------------------------------------------------------------

static int words_log2(uintptr_t words) {
  int k = 0;
  while (((uintptr_t)1 << k) < words)
    k++;
  return k;
}

// new_span_struct returns a zeroed span struct with room for bitmaps of
// 1 << k words each, or NULL.
static mspan *new_span_struct(int k) {
  size_t size = sizeof(mspan) + 2 * sizeof(uint64_t) * ((size_t)1 << k);
  _Static_assert(offsetof(mspan, bits) - offsetof(mspan, alloc_cache) <= 56,
                 "the hot fields of mspan outgrew their cache line");
  mspan *s = heap.span_structs[k];
  if (s != NULL) {
    if (s->state != MSPAN_DEAD || s->nwords_log2 != k)
      throw("free span struct list corrupted");
    heap.span_structs[k] = s->next;
  } else if ((s = persistent_alloc(size)) == NULL)
    return NULL;
  memset(s, 0, size);
  s->nwords_log2 = (uint8_t)k;
  s->state = MSPAN_FREE; // in hand, describing no pages yet
  return s;
}

static void free_span_struct(mspan *s) {
  if (s->state == MSPAN_DEAD)
    throw("span struct freed twice");
  s->state = MSPAN_DEAD;
  atomic_store_explicit(&s->owner, NULL, memory_order_relaxed);
  s->next = heap.span_structs[s->nwords_log2];
  heap.span_structs[s->nwords_log2] = s;
}

static uintptr_t page_index(uintptr_t page_addr) {
  return (page_addr - heap_space_.base) >> PAGE_SHIFT;
}

static void set_span(uintptr_t page_addr, mspan *s) {
  __atomic_store_n(&heap_space_.spans[page_index(page_addr)], s,
                   __ATOMIC_RELEASE);
}

// set_spans maps every page of s to s (in-use spans: any interior address
// finds its span) or, with ends_only, its first and last pages (free runs).
static void set_spans(mspan *s, bool ends_only) {
  if (ends_only) {
    set_span(s->base, s);
    set_span(span_limit(s) - PAGE_SIZE, s);
    return;
  }
  // Plain stores, which the compiler vectorizes: no other thread may look up
  // the pages of a span before it is handed out.
  mspan **entry = &heap_space_.spans[page_index(s->base)];
  for (uintptr_t i = 0; i < s->npages; i++)
    entry[i] = s;
}

// update_released sets (set) or clears the released bits of the npages pages
// from base, a word of the bitmap at a time, and returns how many were set.
static uintptr_t update_released(uintptr_t base, uintptr_t npages, bool set) {
  uintptr_t i = page_index(base), end = i + npages, n = 0;
  while (i < end) {
    uintptr_t bits = 64 - i % 64 < end - i ? 64 - i % 64 : end - i;
    uint64_t mask = (bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1)
                    << (i % 64);
    uint64_t *w = &heap_space_.released[i / 64];
    n += popcount(*w & mask);
    *w = set ? *w | mask : *w & ~mask;
    i += bits;
  }
  return n;
}

// take_released clears the released bits of [base, base+npages) and returns
// how many were set.
static uintptr_t take_released(uintptr_t base, uintptr_t npages) {
  return update_released(base, npages, false);
}

static void mark_released(uintptr_t base, uintptr_t npages) {
  update_released(base, npages, true);
}

// ---------------------------------------------------------------------------
// Bins and the scavenger queue
// ---------------------------------------------------------------------------

static int bin_of(uintptr_t npages) {
  return npages < BIG_BIN ? (int)npages : BIG_BIN;
}

static void bin_insert(mspan *s) {
  int b = bin_of(s->npages);
  span_list_push(&heap.bins[b], s);
  heap.nonempty[b / 64] |= (uint64_t)1 << (b % 64);
}

static void bin_remove(mspan *s) {
  int b = bin_of(s->npages);
  span_list_remove(&heap.bins[b], s);
  if (heap.bins[b].first == NULL)
    heap.nonempty[b / 64] &= ~((uint64_t)1 << (b % 64));
}

static bool scav_queued(const mspan *s) { return s->freed_at >= 0; }

static void scav_remove(mspan *s) {
  if (!scav_queued(s))
    return;
  if (s->scav_prev != NULL)
    s->scav_prev->scav_next = s->scav_next;
  else
    heap.scav_first = s->scav_next;
  if (s->scav_next != NULL)
    s->scav_next->scav_prev = s->scav_prev;
  else
    heap.scav_last = s->scav_prev;
  s->scav_next = s->scav_prev = NULL;
  s->freed_at = -1;
}

static void scav_push(mspan *s, int64_t now) {
  s->freed_at = now;
  s->scav_next = NULL;
  s->scav_prev = heap.scav_last;
  if (heap.scav_last != NULL)
    heap.scav_last->scav_next = s;
  else
    heap.scav_first = s;
  heap.scav_last = s;
}

static int64_t coarse_nanotime(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// release returns free run s's pages to the OS.
static void release(mspan *s) {
  scav_remove(s);
  madvise((void *)s->base, s->npages * PAGE_SIZE, MADV_DONTNEED);
  uintptr_t already = take_released(s->base, s->npages);
  mark_released(s->base, s->npages);
  heap.stats.released += (s->npages - already) * PAGE_SIZE;
}

// scavenge releases the runs that have been free since before deadline.
static void scavenge(int64_t deadline) {
  while (heap.scav_first != NULL && heap.scav_first->freed_at <= deadline)
    release(heap.scav_first);
}

// ---------------------------------------------------------------------------
// Free runs
// ---------------------------------------------------------------------------

// free_run_at returns the free run holding page_addr, if it starts at
// want_base or ends at want_limit (either may be 0 for "any"), or NULL. The
// span map may hold stale entries; the checks reject them.
static mspan *free_run_at(uintptr_t page_addr, uintptr_t want_base,
                          uintptr_t want_limit) {
  mspan *s = span_of(page_addr);
  if (s == NULL || s->state != MSPAN_FREE)
    return NULL;
  if (want_base != 0 && s->base != want_base)
    return NULL;
  if (want_limit != 0 && span_limit(s) != want_limit)
    return NULL;
  return s;
}

// insert_free adds free run s to the heap, merging it with free neighbours.
// freed_at is when its pages were last used (it joins the scavenger queue
// then), or -1 when none is resident. A merged run keeps the latest time of
// its parts.
static void insert_free(mspan *s, int64_t freed_at) {
  s->state = MSPAN_FREE;
  s->freed_at = -1;
  mspan *before = free_run_at(s->base - PAGE_SIZE, 0, s->base);
  if (before != NULL) {
    if (before->freed_at > freed_at)
      freed_at = before->freed_at;
    bin_remove(before);
    scav_remove(before);
    s->base = before->base;
    s->npages += before->npages;
    free_span_struct(before);
  }
  mspan *after = free_run_at(span_limit(s), span_limit(s), 0);
  if (after != NULL) {
    if (after->freed_at > freed_at)
      freed_at = after->freed_at;
    bin_remove(after);
    scav_remove(after);
    s->npages += after->npages;
    free_span_struct(after);
  }
  set_spans(s, true);
  bin_insert(s);
  if (freed_at >= 0)
    scav_push(s, freed_at);
}

// find_run returns the smallest free run of at least npages pages, the
// lowest-addressed among equals in the big bin, or NULL.
static mspan *find_run(uintptr_t npages) {
  for (int b = bin_of(npages); b <= BIG_BIN; b = (b | 63) + 1) {
    uint64_t w = heap.nonempty[b / 64] & (~(uint64_t)0 << (b % 64));
    if (w == 0)
      continue;
    b = (b & ~63) + __builtin_ctzll(w);
    if (b < BIG_BIN)
      return heap.bins[b].first;
    mspan *best = NULL;
    for (mspan *s = heap.bins[BIG_BIN].first; s != NULL; s = s->next)
      if (s->npages >= npages &&
          (best == NULL || s->npages < best->npages ||
           (s->npages == best->npages && s->base < best->base)))
        best = s;
    return best;
  }
  return NULL;
}

// grow commits the next arenas of the heap space, at least npages pages,
// and adds them as a free run. It reports false when the space is used up
// or the OS refuses.
static bool grow(uintptr_t npages) {
  uintptr_t left = heap_space_.max_pages - heap_space_.npages;
  if (npages > left)
    return false;
  uintptr_t bytes = (npages * PAGE_SIZE + ARENA_BYTES - 1) & ~(ARENA_BYTES - 1);
  if (bytes / PAGE_SIZE > left)
    bytes = left * PAGE_SIZE;
  uintptr_t start = heap_space_.base + heap_space_.npages * PAGE_SIZE;
  if (mprotect((void *)start, bytes, PROT_READ | PROT_WRITE) != 0)
    return false;
  mspan *s = new_span_struct(0);
  if (s == NULL)
    return false;
  __atomic_store_n(&heap_space_.npages, heap_space_.npages + bytes / PAGE_SIZE,
                   __ATOMIC_RELEASE);
  s->base = start;
  s->npages = bytes / PAGE_SIZE;
  mark_released(s->base, s->npages);
  heap.stats.sys += bytes;
  heap.stats.released += bytes;
  insert_free(s, -1);
  return true;
}

// alloc_run takes npages pages aligned to align bytes (a power of two, at
// least PAGE_SIZE) out of the free runs, growing the heap if it must. It
// returns the run's address and sets *needzero, or returns 0.
static uintptr_t alloc_run(uintptr_t npages, uintptr_t align, bool *needzero) {
  uintptr_t slack = align / PAGE_SIZE - 1;
  if (npages + slack < npages)
    return 0;
  mspan *f = find_run(npages + slack);
  if (f == NULL) {
    if (!grow(npages + slack))
      return 0;
    if ((f = find_run(npages + slack)) == NULL)
      throw("no free run after growing the heap");
  }
  bin_remove(f);
  int64_t freed_at = f->freed_at;
  scav_remove(f);
  uintptr_t base = (f->base + align - 1) & ~(align - 1);
  uintptr_t head = (base - f->base) / PAGE_SIZE;
  uintptr_t tail = f->npages - head - npages;
  if (head > 0) {
    mspan *h = new_span_struct(0);
    if (h == NULL) // keep the run whole rather than lose pages
      throw("out of memory for span structs");
    h->base = f->base;
    h->npages = head;
    insert_free(h, freed_at);
  }
  if (tail > 0) {
    f->base = base + npages * PAGE_SIZE;
    f->npages = tail;
    insert_free(f, freed_at);
  } else {
    free_span_struct(f);
  }
  uintptr_t released = take_released(base, npages);
  heap.stats.released -= released * PAGE_SIZE;
  *needzero = released != npages;
  return base;
}

// ---------------------------------------------------------------------------
// Allocation and free
// ---------------------------------------------------------------------------

// reserve maps size bytes of address space aligned to align, inaccessible
// (rw false) or readable and writable, without committing memory; or
// returns 0.
static uintptr_t reserve(uintptr_t size, uintptr_t align, bool rw) {
  int prot = rw ? PROT_READ | PROT_WRITE : PROT_NONE;
  char *p = mmap(NULL, size + align, prot,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return 0;
  uintptr_t start = ((uintptr_t)p + align - 1) & ~(align - 1);
  if (start > (uintptr_t)p)
    munmap(p, start - (uintptr_t)p);
  munmap((void *)(start + size), (uintptr_t)p + size + align - (start + size));
  return start;
}

// mheap_init reserves the heap space and its tables, the most the OS grants
// between MAX_HEAP_BYTES and 4 GB.
bool mheap_init(void) {
  for (uintptr_t size = MAX_HEAP_BYTES; size >= ((uintptr_t)1 << 32);
       size /= 2) {
    uintptr_t pages = size / PAGE_SIZE;
    uintptr_t base = reserve(size, ARENA_BYTES, false);
    uintptr_t spans = reserve(pages * sizeof(mspan *), PAGE_SIZE, true);
    uintptr_t released = reserve(pages / 8, PAGE_SIZE, true);
    if (base != 0 && spans != 0 && released != 0 &&
        base + size <= ((uintptr_t)1 << ADDRESS_BITS)) {
      heap_space_.base = base;
      heap_space_.spans = (mspan **)spans;
      heap_space_.released = (uint64_t *)released;
      heap_space_.max_pages = pages;
      return true;
    }
    if (base != 0)
      munmap((void *)base, size);
    if (spans != 0)
      munmap((void *)spans, pages * sizeof(mspan *));
    if (released != 0)
      munmap((void *)released, pages / 8);
  }
  return false;
}

// alloc_span allocates an in-use span of npages pages whose struct has
// bitmaps of words words; the caller sets its class. Returns NULL when out
// of memory.
static mspan *alloc_span(uintptr_t npages, uintptr_t align, int spanclass,
                         uint8_t state) {
  mutex_lock(&heap.lock);
  mspan *s = new_span_struct(words_log2(span_words(spanclass)));
  bool needzero = false;
  uintptr_t base = s == NULL ? 0 : alloc_run(npages, align, &needzero);
  if (base == 0) {
    if (s != NULL)
      free_span_struct(s);
    mutex_unlock(&heap.lock);
    return NULL;
  }
  s->base = base;
  s->npages = npages;
  s->state = state;
  s->needzero = needzero;
  s->freed_at = -1;
  set_spans(s, false);
  heap.stats.inuse += npages * PAGE_SIZE;
  if (state == MSPAN_MANUAL) {
    heap.stats.manual += npages * PAGE_SIZE;
  } else {
    heap.stats.spans_by_class[spanclass]++;
    if (spanclass == 0) {
      heap.stats.large_alloc += npages * PAGE_SIZE;
      heap.stats.large_mallocs++;
    }
  }
  mutex_unlock(&heap.lock);
  return s;
}

// mheap_alloc_small returns a fresh span of class spanclass with every
// object free, or NULL.
mspan *mheap_alloc_small(int spanclass) {
  mspan *s =
      alloc_span(class_npages(spanclass), PAGE_SIZE, spanclass, MSPAN_IN_USE);
  if (s != NULL)
    mspan_init_class(s, spanclass);
  return s;
}

// mheap_alloc_large returns a span holding one object of npages pages
// aligned to align, or NULL.
mspan *mheap_alloc_large(uintptr_t npages, uintptr_t align) {
  mspan *s = alloc_span(npages, align, 0, MSPAN_IN_USE);
  if (s == NULL)
    return NULL;
  s->nelems = 1;
  s->alloc_count = 1;
  s->list = SPAN_LARGE;
  span_alloc_bits(s)[0] = 1;
  return s;
}

// mheap_alloc_manual returns a span of npages pages for the caller to manage
// (goroutine stacks: Go's allocManual), or NULL.
mspan *mheap_alloc_manual(uintptr_t npages) {
  return alloc_span(npages, PAGE_SIZE, 0, MSPAN_MANUAL);
}

// mheap_free_span returns in-use span s's pages to the heap. s must be
// unowned: a large span, or a small span with no allocated object.
void mheap_free_span(mspan *s) {
  int64_t now = coarse_nanotime();
  mutex_lock(&heap.lock);
  heap.stats.inuse -= s->npages * PAGE_SIZE;
  if (s->state == MSPAN_MANUAL) {
    heap.stats.manual -= s->npages * PAGE_SIZE;
  } else if (s->spanclass == 0) {
    heap.stats.large_alloc -= s->npages * PAGE_SIZE;
    heap.stats.large_frees++;
  }
  if (s->state == MSPAN_IN_USE)
    heap.stats.spans_by_class[s->spanclass]--;
  // The struct keeps describing the run: free runs need no bitmaps.
  insert_free(s, now);
  scavenge(now - SCAVENGE_DELAY_NS);
  mutex_unlock(&heap.lock);
}

void mheap_free_manual(mspan *s) {
  if (s->state != MSPAN_MANUAL)
    throw("mheap_free_manual of a span not in manual state");
  mheap_free_span(s);
}

// mheap_free_manual_release frees manual span s and returns its pages to
// the OS at once, instead of after SCAVENGE_DELAY_NS: a large goroutine
// stack that was outgrown or shrunk, whose pages nobody is about to use.
void mheap_free_manual_release(mspan *s) {
  if (s->state != MSPAN_MANUAL)
    throw("mheap_free_manual of a span not in manual state");
  madvise((void *)s->base, s->npages * PAGE_SIZE, MADV_DONTNEED);
  mutex_lock(&heap.lock);
  heap.stats.inuse -= s->npages * PAGE_SIZE;
  heap.stats.manual -= s->npages * PAGE_SIZE;
  uintptr_t already = take_released(s->base, s->npages);
  mark_released(s->base, s->npages);
  heap.stats.released += (s->npages - already) * PAGE_SIZE;
  insert_free(s, -1);
  mutex_unlock(&heap.lock);
}

// mheap_release_all returns every free page to the OS now.
void mheap_release_all(void) {
  mutex_lock(&heap.lock);
  scavenge(INT64_MAX);
  mutex_unlock(&heap.lock);
}

void mheap_lock(void) { mutex_lock(&heap.lock); }
void mheap_unlock(void) { mutex_unlock(&heap.lock); }

// mheap_count_live adds the live objects of every small-object span, by
// class, to live: a walk of the span map, whose counts are read without
// their owners' cooperation (a moment's approximation while they run).
void mheap_count_live(uint64_t live[NUM_SIZE_CLASSES]) {
  mutex_lock(&heap.lock);
  for (uintptr_t pg = 0; pg < heap_space_.npages; pg++) {
    mspan *s = heap_space_.spans[pg];
    if (s == NULL || s->base != heap_space_.base + pg * PAGE_SIZE ||
        s->state != MSPAN_IN_USE || s->spanclass == 0)
      continue;
    live[s->spanclass] +=
        __atomic_load_n(&s->alloc_count, __ATOMIC_RELAXED) -
        popcount(__atomic_load_n(&s->alloc_cache, __ATOMIC_RELAXED));
    pg += s->npages - 1;
  }
  mutex_unlock(&heap.lock);
}

void mheap_read_stats(escrt_memstats *st) {
  mutex_lock(&heap.lock);
  heap_stats h = heap.stats;
  mutex_unlock(&heap.lock);
  st->heap_sys = h.sys;
  st->heap_inuse = h.inuse;
  st->heap_idle = h.sys - h.inuse;
  st->heap_released = h.released;
  st->stack_inuse = h.manual;
  st->heap_alloc += h.large_alloc;
  st->by_size[0].mallocs = h.large_mallocs;
  st->by_size[0].frees = h.large_frees;
  st->mallocs += h.large_mallocs;
  st->frees += h.large_frees;
  st->spans_inuse = 0;
  for (int c = 0; c < NUM_SIZE_CLASSES; c++) {
    st->by_size[c].spans = h.spans_by_class[c];
    st->spans_inuse += h.spans_by_class[c];
  }
}

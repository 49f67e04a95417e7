// Marking: the roots, and the conservative mark of collected objects
// (Go's mgcmark.go, without the compiler's pointer maps).
//
// The world is stopped (stoptheworld.c). Every aligned word of a root is a
// candidate pointer; a candidate marks an object when it points into a
// collected span in use, anywhere in an allocated object (its first byte or
// its interior): the span map gives the span in one load, the span's
// divmagic the object's index, and the alloc bitmap whether it is
// allocated; its mark is a byte (set_mark). A newly marked object of a scanned
// kind goes on the work stack, an explicit stack of [lo, hi) ranges (no
// recursion, so a list of a million nodes costs a million entries, not a
// million frames); noscan objects are marked and never read. Nothing moves.
//
// The roots:
//   - the writable segments (data and bss) of the executable and of every
//     loaded shared library, from dl_iterate_phdr before the world stops
//     (it takes the loader's lock, which a stopped thread may hold);
//   - every registered thread: the registers the stop captured, its
//     thread-local blocks (and its C library descriptor, which holds
//     pthread_setspecific's values), and its stack from the stopped stack
//     pointer (less the 128-byte red zone a leaf function may use below it)
//     to the top. When the thread was running a goroutine, that is the
//     goroutine's stack, and the thread's own stack is scanned from where
//     g0 left it. Under AddressSanitizer's detect_stack_use_after_return,
//     the fake frames of the thread's own fake stack that its registers and
//     stacks point into are scanned too: an instrumented function keeps its
//     fake frame's address, in a register or its real frame, until it
//     returns (scan_fake_frames). Goroutines' fake frames are not;
//   - every other live goroutine's stack, its used part: from the saved
//     stack pointer, where the switch left the registers, to the top. A
//     goroutine marked running whose thread is elsewhere (on the system
//     stack, or half way through a switch) has its whole stack scanned;
//   - every object allocated by malloc and not freed: the program frees
//     those, and what they point to lives as long as they do. Under a
//     sanitizer that keeps its own allocator, malloc's are its chunks
//     (cgo.c sanitizer_chunks_each), which written pages do not track:
//     the mark's last stop scans them all again.
// Objects in malloc's spans and stacks are not marked: they are not the
// collector's to free.
//
// The collecting thread scans the roots; then it and GOMAXPROCS - 1 helper
// threads drain the work stacks together (see "Parallel draining").
//
// AddressSanitizer poisons the redzones of stacks and globals; the scans
// read them on purpose, uninstrumented.
#define _GNU_SOURCE
#include "runtime.h"

#include <limits.h>
#include <link.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef ESCRT_ASAN
#define NO_SANITIZE_ADDRESS __attribute__((no_sanitize_address))
#else
#define NO_SANITIZE_ADDRESS
#endif

// What a leaf function may keep below its stack pointer (the x86-64 ABI's
// red zone; none on AArch64, where scanning it costs nothing).
#define RED_ZONE 128

typedef struct range {
  uintptr_t lo, hi;
} range;

// A growable array of ranges in memory of its own (sys_alloc).
typedef struct ranges {
  range *v;
  size_t len, cap;
} ranges;

static ranges globals; // collected before the world stops
// Ranges of written pages that precleaning made clean but left to the
// mark's last stop: those not of a collected span (malloc's objects, whose
// spans change under a running world; stacks; free pages).
static ranges carried;

_Atomic uint32_t gc_concurrent_mark = GC_BORN_BEFORE;
static uint32_t concurrent_marks; // numbers them from 1
// Spans the marker passes over: those born during the concurrent mark
// running, while it runs with the world going; else none (0: no span is
// born during mark 0).
static uint32_t skip_born;
static uint32_t cycle; // stamps goroutines whose stack was scanned
static gc_mark_result *result;

// A marker is one thread's share of the mark: its work stack and count.
// The collecting thread is markers[0]; GOMAXPROCS - 1 helper threads (at
// most MAX_MARKERS - 1) drain alongside it while the world is stopped.
#define MAX_MARKERS 8

typedef struct marker {
  ranges work;
  uint64_t bytes; // marked
  // The small collected span the last candidate hit, and its objects'
  // range: a tree's nodes point into the span they sit in, most of the
  // time, and a hit skips the span map and the span's checks.
  mspan *span;
  uintptr_t span_base, span_limit_off;
} __attribute__((aligned(64))) marker;

static marker markers[MAX_MARKERS];

static void ranges_grow(ranges *rs) {
  size_t cap = rs->cap == 0 ? 65536 : rs->cap * 2;
  range *v = sys_alloc(cap * sizeof(range), PAGE_SIZE);
  if (v == NULL)
    fatal("out of memory (garbage collector's work stack)");
  if (rs->v != NULL) {
    memcpy(v, rs->v, rs->len * sizeof(range));
    munmap(rs->v, rs->cap * sizeof(range));
  }
  rs->v = v;
  rs->cap = cap;
}

static inline void ranges_push(ranges *rs, uintptr_t lo, uintptr_t hi) {
  if (unlikely(rs->len == rs->cap))
    ranges_grow(rs);
  rs->v[rs->len++] = (range){lo, hi};
}

// ---------------------------------------------------------------------------
// Marking
// ---------------------------------------------------------------------------

// set_mark sets an object's mark byte and reports whether it was clear.
// Markers race for the same objects: two may both find it clear and both
// scan the object, which costs a scan and nothing else. A byte store loses
// no other object's mark, as a plain store to a shared bitmap word would;
// and an atomic or (lock bts), measured, cost 40% of the mark's time: it
// stops the loads of the next candidates from overlapping with its miss.
static inline bool set_mark(uint8_t *m) {
  if (__atomic_load_n(m, __ATOMIC_RELAXED))
    return false;
  __atomic_store_n(m, 1, __ATOMIC_RELAXED);
  return true;
}

// mark_small marks object idx of small collected span s, if allocated and
// not yet marked.
static inline void mark_small(marker *mk, mspan *s, uintptr_t w) {
  uintptr_t idx = span_object_index(s, w);
  uint64_t bit = (uint64_t)1 << (idx % 64);
  // Atomic loads here and below cost nothing on x86-64 and let the
  // concurrent mark read what allocators write (gc_mark_concurrent).
  if (!(__atomic_load_n(&span_alloc_bits(s)[idx / 64], __ATOMIC_RELAXED) &
        bit) ||
      !set_mark(&s->gcmarks[idx]))
    return;
  uintptr_t size = s->elemsize;
  uintptr_t lo = s->base + idx * size;
  mk->bytes += size;
  if (s->gckind == GC_KIND_SCAN)
    ranges_push(&mk->work, lo, lo + size);
}

// mark marks the object that word w points into, if w points into an
// allocated collected object not yet marked.
static inline void mark(marker *mk, uintptr_t w, uintptr_t base,
                        uintptr_t npages) {
  if (w - mk->span_base < mk->span_limit_off) {
    mark_small(mk, mk->span, w);
    return;
  }
  uintptr_t page = (w - base) >> PAGE_SHIFT;
  if (page >= npages)
    return;
  mspan *s = heap_space_.spans[page];
  // gckind first: a span that is not malloc's was made collected before
  // its kind was stored (gc_span_init) and stays so until the next sweep.
  if (s == NULL ||
      __atomic_load_n(&s->gckind, __ATOMIC_ACQUIRE) == GC_KIND_MALLOC ||
      s->state != MSPAN_IN_USE || w < s->base || s->gcborn == skip_born)
    return;
  if (s->spanclass != 0) {
    if (w - s->base >= s->limit_off)
      return;
    mk->span = s;
    mk->span_base = s->base;
    mk->span_limit_off = s->limit_off;
    mark_small(mk, s, w);
    return;
  }
  uintptr_t size = s->npages * PAGE_SIZE;
  if (w - s->base >= size ||
      !(__atomic_load_n(&span_alloc_bits(s)[0], __ATOMIC_RELAXED) & 1) ||
      !set_mark(&s->gcmarks[0]))
    return;
  mk->bytes += size;
  if (s->gckind == GC_KIND_SCAN)
    ranges_push(&mk->work, s->base, s->base + size);
}

// scan marks what every aligned word of [lo, hi) points to.
NO_SANITIZE_ADDRESS static inline void scan_with(marker *mk, uintptr_t lo,
                                                 uintptr_t hi) {
  uintptr_t base = heap_space_.base;
  uintptr_t npages = heap_space_.npages;
  const uintptr_t *p = (const uintptr_t *)((lo + 7) & ~(uintptr_t)7);
  const uintptr_t *end = (const uintptr_t *)(hi & ~(uintptr_t)7);
  for (; p < end; p++)
    mark(mk, *p, base, npages);
}

// scan scans a root range for markers[0].
NO_SANITIZE_ADDRESS static NOINLINE void scan(uintptr_t lo, uintptr_t hi) {
  scan_with(&markers[0], lo, hi);
}

// ---------------------------------------------------------------------------
// Parallel draining
// ---------------------------------------------------------------------------

// The shared queue: a marker with more work than it needs gives the oldest
// half of its stack (the roots of the largest subgraphs) to the queue when
// another marker is idle (hungry); idle markers take from the queue. The
// mark is done when every marker is idle and the queue is empty, decided
// under the lock. Helpers join a mark when they wake, if it is not done
// yet: the collector never waits for a helper the scheduler has not run.
static struct {
  mutex lock;
  ranges q;
  uint32_t nidle, nmarkers; // markers in this mark: 1 + helpers joined
  _Atomic uint32_t open;    // the wake whose mark helpers may join
  _Atomic bool hungry, done;
  _Atomic uint32_t gen;    // helpers wake when it changes
  _Atomic uint32_t joined; // helpers in the mark, not yet out of it
  int nhelpers;
} par;

static void share(marker *mk) {
  mutex_lock(&par.lock);
  size_t half = mk->work.len / 2;
  for (size_t i = 0; i < half; i++)
    ranges_push(&par.q, mk->work.v[i].lo, mk->work.v[i].hi);
  memmove(mk->work.v, mk->work.v + half, (mk->work.len - half) * sizeof(range));
  mk->work.len -= half;
  atomic_store_explicit(&par.hungry, false, memory_order_relaxed);
  mutex_unlock(&par.lock);
}

// take_shared waits for work from the queue; false when the mark is done.
// It spins on the queue's length without the lock, which the markers that
// share work need, and takes the lock to take work or, now and then, to
// see whether every marker is idle.
static bool take_shared(marker *mk) {
  mutex_lock(&par.lock);
  par.nidle++;
  mutex_unlock(&par.lock);
  for (unsigned spins = 0;; spins++) {
    if (__atomic_load_n(&par.q.len, __ATOMIC_RELAXED) > 0 || spins % 32 == 0) {
      mutex_lock(&par.lock);
      if (par.q.len > 0) {
        par.nidle--;
        size_t n = par.q.len < 64 ? par.q.len : 64;
        for (size_t i = 0; i < n; i++) {
          range r = par.q.v[--par.q.len];
          ranges_push(&mk->work, r.lo, r.hi);
        }
        mutex_unlock(&par.lock);
        return true;
      }
      if (par.nidle == par.nmarkers || atomic_load(&par.done)) {
        atomic_store(&par.done, true);
        mutex_unlock(&par.lock);
        return false;
      }
      mutex_unlock(&par.lock);
    }
    atomic_store_explicit(&par.hungry, true, memory_order_relaxed);
    if (spins % 1024 == 1023)
      sched_yield();
    else
      cpu_relax();
  }
}

// drain scans objects from mk's work stack, sharing and taking work, until
// every marker is idle.
NO_SANITIZE_ADDRESS static void drain(marker *mk) {
  for (;;) {
    while (mk->work.len > 0) {
      range r = mk->work.v[--mk->work.len];
      scan_with(mk, r.lo, r.hi);
      if (unlikely(atomic_load_explicit(&par.hungry, memory_order_relaxed)) &&
          mk->work.len >= 8)
        share(mk);
    }
    if (!take_shared(mk))
      return;
  }
}

// How long a woken helper spins for its mark to open before it sleeps
// again.
#define HELPER_SPIN_NS (20 * 1000 * 1000)

// helper is a marker thread: it sleeps until a collection starts (woken at
// its start, gc_mark_wake, so that the thread is running by the time the
// mark opens: waking a sleeping thread took milliseconds on a VM), spins
// until the mark opens, joins it unless it is over, drains, and leaves. It
// is not registered: the world's stop leaves it be.
static void *helper(void *arg) {
  marker *mk = arg;
  uint32_t seen = 0;
  for (;;) {
    uint32_t gen;
    while ((gen = atomic_load(&par.gen)) == seen)
      futexsleep(&par.gen, seen, -1);
    seen = gen;
    int64_t deadline = nanotime() + HELPER_SPIN_NS;
    for (unsigned i = 1; atomic_load(&par.open) != gen; i++) {
      cpu_relax();
      if (i % 4096 == 0 &&
          (atomic_load(&par.gen) != gen || nanotime() > deadline))
        break;
    }
    mutex_lock(&par.lock);
    bool join = !atomic_load(&par.done) && atomic_load(&par.open) == gen;
    if (join) {
      par.nmarkers++;
      atomic_fetch_add(&par.joined, 1);
    }
    mutex_unlock(&par.lock);
    if (!join)
      continue;
    drain(mk);
    if (atomic_fetch_sub(&par.joined, 1) == 1)
      futexwakeup(&par.joined, 1);
  }
  return NULL;
}

static void start_helpers(void) {
  int want = gc_gomaxprocs() - 1;
  if (want > MAX_MARKERS - 1)
    want = MAX_MARKERS - 1;
  while (par.nhelpers < want) {
    if (newosproc(helper, &markers[par.nhelpers + 1], 0) != 0)
      break; // fewer helpers, same mark
    par.nhelpers++;
  }
}

// gc_mark_wake wakes the helpers for the collection about to start.
void gc_mark_wake(void) {
  if (par.nhelpers == 0)
    return;
  atomic_fetch_add(&par.gen, 1);
  futexwakeup(&par.gen, INT_MAX);
}

// drain_all drains markers[0] with whichever helpers join, and waits for
// those that did.
static void drain_all(void) {
  mutex_lock(&par.lock);
  par.nmarkers = 1;
  par.nidle = 0;
  atomic_store(&par.done, false);
  atomic_store(&par.hungry, false);
  atomic_store(&par.open, atomic_load(&par.gen));
  mutex_unlock(&par.lock);
  drain(&markers[0]);
  uint32_t j;
  while ((j = atomic_load(&par.joined)) != 0)
    futexsleep(&par.joined, j, -1);
}

// ---------------------------------------------------------------------------
// Roots
// ---------------------------------------------------------------------------

// for_each_segment is dl_iterate_phdr's callback: it calls the function
// its arg holds on every writable segment (data and bss) of a module.
typedef struct segment_fn {
  void (*fn)(uintptr_t lo, uintptr_t hi);
} segment_fn;

static int for_each_segment(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W) && ph->p_memsz != 0) {
      uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
      ((segment_fn *)arg)->fn(lo, lo + ph->p_memsz);
    }
  }
  return 0;
}

static void list_global(uintptr_t lo, uintptr_t hi) {
  ranges_push(&globals, lo, hi);
}

// scan_global scans a writable segment, except heap_space_: its base is
// the first object's address, and no reason to keep that object.
static void scan_global(uintptr_t lo, uintptr_t hi) {
  uintptr_t skip_lo = (uintptr_t)&heap_space_;
  uintptr_t skip_hi = skip_lo + sizeof heap_space_;
  if (skip_lo >= lo && skip_hi <= hi) {
    scan(lo, skip_lo);
    scan(skip_hi, hi);
  } else {
    scan(lo, hi);
  }
  result->global_bytes += hi - lo;
}

static void scan_stack(uintptr_t lo, uintptr_t hi) {
  scan(lo, hi);
  result->stack_bytes += hi - lo;
}

static bool within(uintptr_t p, uintptr_t lo, uintptr_t hi) {
  return p >= lo && p < hi;
}

// scan_fake_frames scans the live frames of fake stack fs that the words of
// [lo, hi) point into. Each frame is scanned once per word that points into
// it: a function's few copies of its frame's address cost a rescan each.
NO_SANITIZE_ADDRESS static void scan_fake_frames(void *fs, uintptr_t lo,
                                                 uintptr_t hi) {
  if (fs == NULL)
    return;
  const uintptr_t *p = (const uintptr_t *)((lo + 7) & ~(uintptr_t)7);
  const uintptr_t *end = (const uintptr_t *)(hi & ~(uintptr_t)7);
  for (; p < end; p++) {
    void *beg, *fend;
    if (__asan_addr_is_in_fake_stack(fs, (void *)*p, &beg, &fend) != NULL)
      scan_stack((uintptr_t)beg, (uintptr_t)fend);
  }
}

// scan_thread_stack scans [lo, hi) of thread t's stacks, and the fake
// frames it points into.
static void scan_thread_stack(gcthread *t, uintptr_t lo, uintptr_t hi) {
  scan_stack(lo, hi);
  scan_fake_frames(t->fake_stack, lo, hi);
}

// scan_from_sp scans [sp - RED_ZONE, hi) of thread t, kept within [lo, hi).
static void scan_from_sp(gcthread *t, uintptr_t sp, uintptr_t lo,
                         uintptr_t hi) {
  sp = sp - lo >= RED_ZONE ? sp - RED_ZONE : lo;
  scan_thread_stack(t, sp, hi);
}

static void scan_thread_tls(gcthread *t) {
  for (int i = 0; i < t->ntls; i++)
    scan(t->tls[i][0], t->tls[i][1]);
}

// scan_stopped_thread scans a thread the stop interrupted.
static void scan_stopped_thread(gcthread *t) {
  if (t->ctx != NULL) {
    scan((uintptr_t)t->ctx, (uintptr_t)t->ctx + t->ctx_size);
    scan_fake_frames(t->fake_stack, (uintptr_t)t->ctx,
                     (uintptr_t)t->ctx + t->ctx_size);
  }
  scan_thread_tls(t);
  m *mp = t->m;
  g *cg = mp != NULL ? mp->curg : NULL;
  if (cg != NULL && within(t->sp, cg->sched.stk.lo, cg->sched.stk.hi)) {
    scan_from_sp(t, t->sp, cg->sched.stk.lo, cg->sched.stk.hi);
    cg->gcscanned = cycle;
    if (within(mp->g0.sp, t->stack_lo, t->stack_hi))
      scan_thread_stack(t, mp->g0.sp, t->stack_hi);
    else
      scan_thread_stack(t, t->stack_lo, t->stack_hi);
  } else if (within(t->sp, t->stack_lo, t->stack_hi)) {
    scan_from_sp(t, t->sp, t->stack_lo, t->stack_hi);
  } else { // a stack we do not know: all of the thread's own
    scan_thread_stack(t, t->stack_lo, t->stack_hi);
  }
}

// scan_running scans all of the stack of a goroutine whose thread is not on
// it (on the system stack, or half way through a switch): there is no
// saved stack pointer to start from. Keeping one in escrt_systemstack
// (with every callee-saved register spilled above it) cost every call
// about 0.7 ns (medians of three: 11.3 against 10.5 ns, bench/systemstack.c)
// and showed no gain in binary-trees' peak RSS.
static void scan_running(g *gp) {
  scan_stack(gp->sched.stk.lo + sizeof(uintptr_t), gp->sched.stk.hi);
}

// scan_self scans the collecting thread: its registers, spilled onto its
// stack here, and the stack from this frame up. When it collects for a
// goroutine, on the system stack, that goroutine is scanned whole.
static NOINLINE void scan_self(gcthread *t) {
  __builtin_unwind_init();
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  scan_thread_tls(t);
  if (t->fake_stack == NULL && tls_m == NULL)
    t->fake_stack = asan_fake_stack(); // see suspend (stoptheworld.c)
  if (within(sp, t->stack_lo, t->stack_hi))
    scan_thread_stack(t, sp, t->stack_hi);
  else
    throw("garbage collection off the thread's own stack");
  m *mp = tls_m;
  if (mp != NULL && mp->curg != NULL) {
    g *cg = mp->curg;
    scan_running(cg);
    cg->gcscanned = cycle;
  }
}

// scan_goroutines scans every live goroutine no thread was found on.
static void scan_goroutines(void) {
  mutex_lock(&allg_lock);
  for (g *gp = allg_first; gp != NULL; gp = gp->allnext) {
    uint32_t st = atomic_load_explicit(&gp->status, memory_order_relaxed);
    if (st == G_DEAD || st == G_IDLE || gp->gcscanned == cycle ||
        gp->sched.stk.lo == 0)
      continue;
    gp->gcscanned = cycle;
    if (st == G_RUNNING) // its thread is on the system stack, or switching
      scan_running(gp);
    else
      scan_stack(gp->sched.sp, gp->sched.stk.hi);
  }
  mutex_unlock(&allg_lock);
}

// scan_malloc_objects scans every object malloc allocated and nobody freed.
static void scan_malloc_objects(void) {
  uintptr_t base = heap_space_.base;
  for (uintptr_t pg = 0, n = heap_space_.npages; pg < n;) {
    mspan *s = heap_space_.spans[pg];
    if (s == NULL || s->base != base + pg * PAGE_SIZE ||
        s->state != MSPAN_IN_USE) {
      pg++;
      continue;
    }
    pg += s->npages;
    if (s->gckind != GC_KIND_MALLOC)
      continue;
    uint64_t *alloc = span_alloc_bits(s);
    if (s->spanclass == 0) {
      if (alloc[0] & 1)
        scan(s->base, span_limit(s));
      continue;
    }
    for (uint32_t w = 0, nw = (s->nelems + 63u) / 64u; w < nw; w++)
      for (uint64_t bits = alloc[w]; bits != 0; bits &= bits - 1) {
        uintptr_t lo =
            s->base + ((uintptr_t)w * 64 + (uintptr_t)__builtin_ctzll(bits)) *
                          s->elemsize;
        scan(lo, lo + s->elemsize);
      }
  }
}

// scan_sanitizer_chunks scans a sanitizer's malloc chunks (cgo.c).
static void scan_sanitizer_chunks(void) {
  if (sanitizer_chunks_each != NULL)
    sanitizer_chunks_each(scan);
}

// gc_collect_globals lists the writable segments of every loaded module,
// and starts the helper markers the first time. The world is running:
// dl_iterate_phdr takes the loader's lock.
void gc_collect_globals(void) {
  globals.len = 0;
  dl_iterate_phdr(for_each_segment, &(segment_fn){list_global});
  start_helpers();
}

// begin_mark starts a collection's mark: no bytes marked, no span cached
// (spans changed since the last mark).
static void begin_mark(gc_mark_result *r) {
  for (int i = 0; i < MAX_MARKERS; i++) {
    markers[i].bytes = 0;
    markers[i].span = NULL;
    markers[i].span_base = markers[i].span_limit_off = 0;
  }
  *r = (gc_mark_result){0};
}

static void scan_globals(void) {
  for (size_t i = 0; i < globals.len; i++)
    scan_global(globals.v[i].lo, globals.v[i].hi);
}

// scan_threads scans the roots of every thread and goroutine but the
// caller's. The world is stopped.
static void scan_threads(gc_mark_result *r, gcthread *self) {
  result = r;
  for (gcthread *t = gc_threads; t != NULL; t = t->next)
    if (t != self)
      scan_stopped_thread(t);
  scan_goroutines();
}

static void end_mark(gc_mark_result *r) {
  for (int i = 0; i < MAX_MARKERS; i++)
    r->marked_bytes += markers[i].bytes;
}

// gc_mark marks every collected object reachable from the roots. The
// world is stopped and the caller is a registered thread.
void gc_mark(gc_mark_result *r) {
  begin_mark(r);
  // Our own registers first, before scanning loads them with what the
  // roots hold (which would then be found again, spilled, as roots).
  gcthread *self = tls_gcthread;
  result = r;
  cycle++;
  scan_self(self);
  scan_globals();
  scan_threads(r, self);
  scan_malloc_objects();
  scan_sanitizer_chunks();
  drain_all();
  end_mark(r);
}

// ---------------------------------------------------------------------------
// The concurrent mark
// ---------------------------------------------------------------------------

// This is the one description of the concurrent mark; mgc.c (the cycle
// around it), runtime.h and HACKING.md point here, and escape/gc.h tells
// users what it costs them.
//
// With the pages written since the mark began known (dirtypages.c), most of
// the mark can run with the world going (Boehm, Demers and Shenker's
// mostly parallel collection). The caller is the collector's own thread
// (mgc.c's worker, in collect_concurrent), which is not registered and
// holds no root. It has swept what the last collection left unswept and
// started counting written heap pages (dirty_reset); every write to the
// heap from then on counts. Then:
//
//   1. gc_mark_roots, the world stopped: the registered threads' and the
//      goroutines' roots, malloc's objects and a sanitizer's malloc chunks
//      mark what they point to. The world starts again;
//   2. gc_mark_concurrent, the world running: the collector's thread alone
//      (the program's threads have the cores) scans the globals, under
//      the loader's lock (dl_iterate_phdr), and drains the work stack. The
//      objects it reads may change under it, and any that does is on a
//      written page. Then it precleans: it takes the pages written so far,
//      making them clean at once, rescans the marked collected objects of
//      scanned kind on them, carries the other written pages (malloc's
//      spans, stacks, free runs, which may be changing) to step 3, and
//      drains again;
//   3. gc_mark_finish, the world stopped again, after the cycle gave every
//      thread's cached spans back (so that alloc bits are exact): the
//      globals and the threads' and goroutines' roots again, all of them;
//      on the carried pages and those written since the preclean, malloc's
//      objects and the marked collected objects of scanned kind; a
//      sanitizer's malloc chunks, all of them (written pages do not track
//      them); then every marker (GOMAXPROCS threads) drains what that
//      found. The cycle stops counting written pages once the world runs
//      again (dirty_stop).
//
// Objects allocated after step 1 count as marked (Go's allocate-black): a
// span made collected during the mark carries the mark's number
// (mspan.gcborn, from gc_concurrent_mark), the markers pass over its
// objects as marked, the rescans read them as marked, and the sweep after
// keeps them and clears the number. A pointer stored in one is on a
// written page. So every pointer to a live object ends up read: it is in
// a root (step 3), on a page written since it was last read (a rescan), or
// in an object scanned after it was stored.
//
// Step 2 reads spans and objects that other threads change, and relies on
// two rules. Collected spans are freed only by the sweep, which is over
// before step 1 and resumes after step 3: the spans it reads stay what
// they are. A span made collected during step 2 has its kind stored last,
// with release (gc_span_init), and a marker loads the kind first, with
// acquire: a marker that sees the kind sees the span whole. A change to
// either breaks the mark silently: runtime/gc's test
// pointers-moved-while-marking catches a pointer the mark misses.

static void preclean(void);

// drain_alone drains the collector's thread's work stack, with the world
// running: no helper joins (the program's threads have the cores).
NO_SANITIZE_ADDRESS static void drain_alone(void) {
  marker *mk = &markers[0];
  while (mk->work.len > 0) {
    range r = mk->work.v[--mk->work.len];
    scan_with(mk, r.lo, r.hi);
  }
}

void gc_mark_roots(gc_mark_result *r) {
  carried.len = 0;
  if (++concurrent_marks == GC_BORN_BEFORE)
    concurrent_marks = 1;
  atomic_store(&gc_concurrent_mark, concurrent_marks);
  skip_born = concurrent_marks;
  begin_mark(r);
  cycle++;
  scan_threads(r, tls_gcthread);
  scan_malloc_objects();
  scan_sanitizer_chunks();
}

// Step 2. The globals are not heap pages, whose writes count: step 3 scans
// them again.
NO_SANITIZE_ADDRESS void gc_mark_concurrent(void) {
  // Under the loader's lock, which dl_iterate_phdr holds: no module is
  // unloaded while its globals are read with the world running.
  dl_iterate_phdr(for_each_segment, &(segment_fn){scan_global});
  drain_alone();
  preclean();
}

// rescan_span rescans [lo, hi) of span s, written since the mark began or
// since the preclean: malloc's allocated objects there, and the marked
// collected ones of scanned kind (those allocated during the mark too).
static void rescan_span(mspan *s, uintptr_t lo, uintptr_t hi) {
  if (s->gckind == GC_KIND_NOSCAN)
    return;
  uint64_t *alloc = span_alloc_bits(s);
  bool black = s->gcborn == skip_born; // allocated during this mark
  if (s->spanclass == 0) {
    if ((alloc[0] & 1) &&
        (s->gckind == GC_KIND_MALLOC || black || s->gcmarks[0]))
      scan(lo, hi);
    return;
  }
  for (uintptr_t idx = span_object_index(s, lo); idx < s->nelems; idx++) {
    uintptr_t o = s->base + idx * s->elemsize;
    if (o >= hi)
      break;
    uint64_t word = __atomic_load_n(&alloc[idx / 64], __ATOMIC_RELAXED);
    if (((word >> (idx % 64)) & 1) &&
        (s->gckind == GC_KIND_MALLOC || black || s->gcmarks[idx]))
      scan(o, o + s->elemsize);
  }
}

// rescan_pages rescans the spans in use on written pages [lo, hi). With
// the world stopped (step 3) it reads every span; with it running (the
// preclean) only collected ones, which stay what they are during the
// mark, and carries the other pages to step 3: malloc's spans, stacks and
// free runs may be changing, and only a span's kind is read first.
NO_SANITIZE_ADDRESS static void rescan_pages(uintptr_t lo, uintptr_t hi,
                                             bool running) {
  uintptr_t base = heap_space_.base;
  uintptr_t end =
      base + __atomic_load_n(&heap_space_.npages, __ATOMIC_ACQUIRE) * PAGE_SIZE;
  if (hi > end)
    hi = end;
  while (lo < hi) {
    uintptr_t page_end = (lo & ~(uintptr_t)(PAGE_SIZE - 1)) + PAGE_SIZE;
    mspan *s = heap_space_.spans[(lo - base) >> PAGE_SHIFT]; // may be stale
    if (s == NULL ||
        (running &&
         __atomic_load_n(&s->gckind, __ATOMIC_ACQUIRE) == GC_KIND_MALLOC) ||
        s->state != MSPAN_IN_USE || lo < s->base ||
        lo >= s->base + s->npages * PAGE_SIZE) {
      if (running && carried.len > 0 && carried.v[carried.len - 1].hi == lo)
        carried.v[carried.len - 1].hi = page_end;
      else if (running)
        ranges_push(&carried, lo, page_end);
      lo = page_end;
      continue;
    }
    uintptr_t span_end = s->base + s->npages * PAGE_SIZE;
    uintptr_t stop = hi < span_end ? hi : span_end;
    rescan_span(s, lo, stop);
    lo = stop;
  }
}

static void rescan_written(uintptr_t lo, uintptr_t hi) {
  rescan_pages(lo, hi, false);
}

static void preclean_written(uintptr_t lo, uintptr_t hi) {
  rescan_pages(lo, hi, true);
}

// preclean makes the written pages clean again, rescans them, and drains:
// step 3 then has only the pages written since (Boehm's mostly parallel
// collector does the same before its final stop).
NO_SANITIZE_ADDRESS static void preclean(void) {
  dirty_each(heap_space_.base,
             heap_space_.base +
                 __atomic_load_n(&heap_space_.npages, __ATOMIC_ACQUIRE) *
                     PAGE_SIZE,
             true, preclean_written);
  drain_alone();
}

void gc_mark_finish(gc_mark_result *r) {
  atomic_store(&gc_concurrent_mark, GC_BORN_BEFORE);
  *r = (gc_mark_result){0}; // the bytes marked are the markers' since step 1
  for (int i = 0; i < MAX_MARKERS; i++) { // spans were made since
    markers[i].span = NULL;
    markers[i].span_base = markers[i].span_limit_off = 0;
  }
  cycle++;
  scan_globals();
  scan_threads(r, tls_gcthread);
  for (size_t i = 0; i < carried.len; i++)
    rescan_written(carried.v[i].lo, carried.v[i].hi);
  carried.len = 0;
  dirty_each(heap_space_.base,
             heap_space_.base + heap_space_.npages * PAGE_SIZE, false,
             rescan_written);
  scan_sanitizer_chunks();
  drain_all();
  skip_born = 0; // what was allocated during the mark counted as marked
  end_mark(r);
}

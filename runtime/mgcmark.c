// Marking: the roots, and the conservative mark of collected objects
// (Go's mgcmark.go, without the compiler's pointer maps).
//
// The world is stopped (stoptheworld.c). Every aligned word of a root is a
// candidate pointer; a candidate marks an object when it points into a
// collected span in use, anywhere in an allocated object (its first byte or
// its interior): the span map gives the span in one load, the span's
// divmagic the object's index, and the alloc bitmap whether it is
// allocated. A newly marked object of a scanned kind goes on the work
// stack, an explicit stack of [lo, hi) ranges (no recursion, so a list of a
// million nodes costs a million entries, not a million frames); noscan
// objects are marked and never read. Nothing moves.
//
// The roots:
//   - the writable segments (data and bss) of the executable and of every
//     loaded shared library, from dl_iterate_phdr before the world stops
//     (it takes the loader's lock, which a stopped thread may hold);
//   - every registered thread: the registers the stop captured, its
//     thread-local blocks, and its stack from the stopped stack pointer
//     (less the 128-byte red zone a leaf function may use below it) to the
//     top. When the thread was running a goroutine, that is the goroutine's
//     stack, and the thread's own stack is scanned from where g0 left it;
//   - every other live goroutine's stack, its used part: from the saved
//     stack pointer, where the switch left the registers, to the top. A
//     goroutine marked running whose thread was elsewhere (half way through
//     a switch) has its whole stack scanned;
//   - every object allocated by malloc and not freed: the program frees
//     those, and what they point to lives as long as they do.
// Objects in malloc's spans and stacks are not marked: they are not the
// collector's to free.
//
// AddressSanitizer poisons the redzones of stacks and globals; the scans
// read them on purpose, uninstrumented.
#define _GNU_SOURCE
#include "runtime.h"

#include <link.h>
#include <string.h>
#include <sys/mman.h>

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
static ranges work;    // the mark stack
static uint32_t cycle; // stamps goroutines whose stack was scanned
static gc_mark_result *result;

static void ranges_push(ranges *rs, uintptr_t lo, uintptr_t hi) {
  if (rs->len == rs->cap) {
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
  rs->v[rs->len++] = (range){lo, hi};
}

// ---------------------------------------------------------------------------
// Marking
// ---------------------------------------------------------------------------

// mark marks the object that word w points into, if w points into an
// allocated collected object not yet marked.
static inline void mark(uintptr_t w, uintptr_t base, uintptr_t npages) {
  uintptr_t page = (w - base) >> PAGE_SHIFT;
  if (page >= npages)
    return;
  mspan *s = heap_space_.spans[page];
  if (s == NULL || s->gckind == GC_KIND_MALLOC || s->state != MSPAN_IN_USE ||
      w < s->base)
    return;
  uint64_t *alloc = span_alloc_bits(s);
  uint64_t *marks = span_gcmark_bits(s);
  uintptr_t lo, size;
  if (s->spanclass == 0) {
    size = s->npages * PAGE_SIZE;
    if (w - s->base >= size || !(alloc[0] & 1) || (marks[0] & 1))
      return;
    marks[0] = 1;
    lo = s->base;
  } else {
    uintptr_t off = w - s->base;
    if (off >= s->limit_off)
      return;
    uintptr_t idx = span_object_index(s, w);
    uint64_t bit = (uint64_t)1 << (idx % 64);
    if (!(alloc[idx / 64] & bit) || (marks[idx / 64] & bit))
      return;
    marks[idx / 64] |= bit;
    size = s->elemsize;
    lo = s->base + idx * size;
  }
  result->marked_bytes += size;
  result->marked_objects++;
  if (s->gckind == GC_KIND_SCAN)
    ranges_push(&work, lo, lo + size);
}

// scan marks what every aligned word of [lo, hi) points to.
NO_SANITIZE_ADDRESS static void scan(uintptr_t lo, uintptr_t hi) {
  uintptr_t base = heap_space_.base;
  uintptr_t npages = heap_space_.npages;
  const uintptr_t *p = (const uintptr_t *)((lo + 7) & ~(uintptr_t)7);
  const uintptr_t *end = (const uintptr_t *)(hi & ~(uintptr_t)7);
  for (; p < end; p++)
    mark(*p, base, npages);
}

// drain scans objects from the work stack until it is empty. An object
// taken off the stack is prefetched and scanned PREFETCH objects later
// (Boehm's prefetch buffer): a tree's nodes are scattered over the heap, and
// waiting for each one's cache miss in turn was most of the mark's time.
#define PREFETCH 16

static void drain(void) {
  range q[PREFETCH];
  unsigned head = 0, n = 0;
  for (;;) {
    while (n < PREFETCH && work.len > 0) {
      range r = work.v[--work.len];
      __builtin_prefetch((const void *)r.lo);
      q[(head + n++) % PREFETCH] = r;
    }
    if (n == 0)
      return;
    range r = q[head];
    head = (head + 1) % PREFETCH;
    n--;
    scan(r.lo, r.hi);
  }
}

// ---------------------------------------------------------------------------
// Roots
// ---------------------------------------------------------------------------

static int add_module(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W) && ph->p_memsz != 0) {
      uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
      ranges_push(&globals, lo, lo + ph->p_memsz);
    }
  }
  return 0;
}

// gc_collect_globals lists the writable segments of every loaded module.
// The world is running: dl_iterate_phdr takes the loader's lock.
void gc_collect_globals(void) {
  globals.len = 0;
  dl_iterate_phdr(add_module, NULL);
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

// scan_below_sp scans [sp - RED_ZONE, hi), kept within [lo, hi).
static void scan_from_sp(uintptr_t sp, uintptr_t lo, uintptr_t hi) {
  sp = sp - lo >= RED_ZONE ? sp - RED_ZONE : lo;
  scan_stack(sp, hi);
}

static bool within(uintptr_t p, uintptr_t lo, uintptr_t hi) {
  return p >= lo && p < hi;
}

static void scan_thread_tls(gcthread *t) {
  for (int i = 0; i < t->ntls; i++)
    scan(t->tls[i][0], t->tls[i][1]);
}

// scan_stopped_thread scans a thread the stop interrupted.
static void scan_stopped_thread(gcthread *t) {
  if (t->ctx != NULL)
    scan((uintptr_t)t->ctx, (uintptr_t)t->ctx + t->ctx_size);
  scan_thread_tls(t);
  m *mp = t->m;
  g *cg = mp != NULL ? mp->curg : NULL;
  if (cg != NULL && within(t->sp, cg->sched.stk.lo, cg->sched.stk.hi)) {
    scan_from_sp(t->sp, cg->sched.stk.lo, cg->sched.stk.hi);
    cg->gcscanned = cycle;
    if (within(mp->g0.sp, t->stack_lo, t->stack_hi))
      scan_stack(mp->g0.sp, t->stack_hi);
    else
      scan_stack(t->stack_lo, t->stack_hi);
  } else if (within(t->sp, t->stack_lo, t->stack_hi)) {
    scan_from_sp(t->sp, t->stack_lo, t->stack_hi);
  } else { // a stack we do not know: all of the thread's own
    scan_stack(t->stack_lo, t->stack_hi);
  }
}

// scan_self scans the collecting thread: its registers, spilled onto its
// stack here, and the stack from this frame up. When it collects for a
// goroutine, on the system stack, that goroutine is scanned whole.
static NOINLINE void scan_self(gcthread *t) {
  __builtin_unwind_init();
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  scan_thread_tls(t);
  if (within(sp, t->stack_lo, t->stack_hi))
    scan_stack(sp, t->stack_hi);
  else
    throw("garbage collection off the thread's own stack");
  m *mp = tls_m;
  if (mp != NULL && mp->curg != NULL) {
    g *cg = mp->curg;
    scan_stack(cg->sched.stk.lo + sizeof(uintptr_t), cg->sched.stk.hi);
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
    if (st == G_RUNNING) // its thread is in a switch: no saved sp to trust
      scan_stack(gp->sched.stk.lo + sizeof(uintptr_t), gp->sched.stk.hi);
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

// gc_mark marks every collected object reachable from the roots. The
// world is stopped and the caller is a registered thread.
void gc_mark(gc_mark_result *r) {
  result = r;
  *r = (gc_mark_result){0};
  cycle++;
  // Our own registers first, before scanning loads them with what the
  // roots hold (which would then be found again, spilled, as roots).
  gcthread *self = tls_gcthread;
  scan_self(self);
  for (size_t i = 0; i < globals.len; i++)
    scan_global(globals.v[i].lo, globals.v[i].hi);
  for (gcthread *t = gc_threads; t != NULL; t = t->next)
    if (t != self)
      scan_stopped_thread(t);
  scan_goroutines();
  scan_malloc_objects();
  drain();
}

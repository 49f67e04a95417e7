// The garbage collector's cycle: when to collect, the collection itself,
// statistics and the trace (Go's mgc.go and mgcpacer.go).
//
// A collection, on the collecting thread's system stack, one at a time
// (gc.lock):
//
//	1. list the modules' writable segments, wake the helper markers, and
//	   sweep what the last collection left unswept (Go's sweep
//	   termination);
//	2. stop the world (stoptheworld.c);
//	3. give every thread's cached spans back, so that alloc bits are exact
//	   and no thread allocates from a span before it is swept;
//	4. mark from the roots (mgcmark.c), on GOMAXPROCS threads;
//	5. halve the stacks of goroutines that wait to run or sleep and use
//	   less than a quarter of them;
//	6. make every collected span unswept (mgcsweep.c), and set the next
//	   goal from what was marked;
//	7. start the world. Sweeping is lazy from here on: allocators sweep the
//	   spans they are about to use.
//
// Marking happens with the world stopped, so the pause is the mark: Go
// marks concurrently, with write barriers C code does not have. The
// binary-trees benchmark measures what this costs (bench/README.md).
//
// Pacing: heap_alloc counts the bytes of collected objects handed to
// caches and large objects since the last mark, on top of the bytes it
// marked; when it reaches the goal, live * (1 + GOGC/100) but at least
// 4 MB * GOGC/100 (Go's heapMinimum), the next allocation slow path
// collects.
#include "runtime.h"

#include "escape/gc.h"
#include "escape/go.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEAP_MINIMUM ((uint64_t)4 << 20)

static struct {
  mutex lock; // one collection at a time
  pthread_once_t once;
  _Atomic int percent; // GOGC; negative: off
  bool trace;          // GODEBUG=gctrace=1
  int64_t start_ns;    // the collector's first use, for the trace's @
  _Atomic uint64_t heap_alloc;
  _Atomic uint64_t goal;
  uint64_t heap_live; // marked by the last collection
  _Atomic uint64_t cycles;
  uint64_t pause_total, pause_max;
  uint64_t stacks_shrunk;
} gc = {.once = PTHREAD_ONCE_INIT};

static uint64_t goal_for(uint64_t live, int percent) {
  uint64_t goal = live + live * (uint64_t)percent / 100;
  uint64_t minimum = HEAP_MINIMUM * (uint64_t)percent / 100;
  return goal > minimum ? goal : minimum;
}

// godebug_gctrace reports whether GODEBUG holds gctrace=N with N > 0.
static bool godebug_gctrace(const char *s) {
  while (s != NULL && *s != '\0') {
    if (strncmp(s, "gctrace=", 8) == 0)
      return atoi(s + 8) > 0;
    s = strchr(s, ',');
    if (s != NULL)
      s++;
  }
  return false;
}

// Around fork, no collection is half way (the child has none of the other
// threads to finish it).
static void before_fork(void) { mutex_lock(&gc.lock); }
static void after_fork(void) { mutex_unlock(&gc.lock); }

static void init(void) {
  stw_init(); // its fork handlers after ours: ours run first at a fork
  pthread_atfork(before_fork, after_fork, after_fork);
  const char *v = getenv("GOGC");
  int percent = 100;
  if (v != NULL && strcmp(v, "off") == 0)
    percent = -1;
  else if (v != NULL && *v != '\0') {
    char *end;
    long n = strtol(v, &end, 10);
    if (*end == '\0' && n >= 0 && n <= 1000000) // else Go's default too
      percent = (int)n;
  }
  atomic_store(&gc.percent, percent);
  gc.trace = godebug_gctrace(getenv("GODEBUG"));
  gc.start_ns = nanotime();
  atomic_store(&gc.goal, goal_for(0, percent < 0 ? 100 : percent));
}

static void gc_init(void) { pthread_once(&gc.once, init); }

void gc_allocated(uint64_t bytes) {
  atomic_fetch_add_explicit(&gc.heap_alloc, bytes, memory_order_relaxed);
}

// ---------------------------------------------------------------------------
// The trace
// ---------------------------------------------------------------------------

// ms formats ns nanoseconds as Go's fmtNSAsMS: whole milliseconds from 10
// ms, else two significant digits and at most three decimals.
static void ms(char *buf, size_t n, uint64_t ns) {
  if (ns >= 10000000) {
    snprintf(buf, n, "%llu", (unsigned long long)(ns / 1000000));
    return;
  }
  uint64_t x = ns / 1000;
  if (x == 0) {
    snprintf(buf, n, "0");
    return;
  }
  int dec = 3;
  while (x >= 100) {
    x /= 10;
    dec--;
  }
  uint64_t div = 1;
  for (int i = 0; i < dec; i++)
    div *= 10;
  if (dec == 0)
    snprintf(buf, n, "%llu", (unsigned long long)x);
  else
    snprintf(buf, n, "%llu.%0*llu", (unsigned long long)(x / div), dec,
             (unsigned long long)(x % div));
}

typedef struct cycle_times {
  int64_t start, stopped, marked, end; // ns
} cycle_times;

static void trace(uint64_t n, const cycle_times *t, uint64_t heap0,
                  uint64_t heap2, uint64_t goal, const gc_mark_result *r,
                  bool forced) {
  char stop[24], mark[24], restart[24], stop_cpu[24], restart_cpu[24];
  int procs = gc_gomaxprocs();
  ms(stop, sizeof stop, (uint64_t)(t->stopped - t->start));
  ms(mark, sizeof mark, (uint64_t)(t->marked - t->stopped));
  ms(restart, sizeof restart, (uint64_t)(t->end - t->marked));
  ms(stop_cpu, sizeof stop_cpu, (uint64_t)(t->stopped - t->start) * procs);
  ms(restart_cpu, sizeof restart_cpu, (uint64_t)(t->end - t->marked) * procs);
  int64_t since = t->start - gc.start_ns;
  uint64_t util =
      since > 0 ? gc.pause_total * 100 / (uint64_t)since / (uint64_t)procs : 0;
  char line[512];
  int len = snprintf(
      line, sizeof line,
      "gc %llu @%lld.%03llds %llu%%: %s+%s+%s ms clock, %s+0/%s/0+%s ms cpu, "
      "%llu->%llu->%llu MB, %llu MB goal, %llu MB stacks, %llu MB globals, "
      "%d P%s\n",
      (unsigned long long)n, (long long)(since / 1000000000),
      (long long)(since / 1000000 % 1000), (unsigned long long)util, stop, mark,
      restart, stop_cpu, mark, restart_cpu, (unsigned long long)(heap0 >> 20),
      (unsigned long long)(heap0 >> 20), (unsigned long long)(heap2 >> 20),
      (unsigned long long)(goal >> 20),
      (unsigned long long)(r->stack_bytes >> 20),
      (unsigned long long)(r->global_bytes >> 20), procs,
      forced ? " (forced)" : "");
  if (len > 0 && write(2, line, (size_t)len) < 0)
    return;
}

// ---------------------------------------------------------------------------
// The cycle
// ---------------------------------------------------------------------------

// shrink_stacks halves the stacks of goroutines that wait to run or sleep
// and use less than a quarter of them. The world is stopped.
static void shrink_stacks(void) {
  mutex_lock(&allg_lock);
  for (g *gp = allg_first; gp != NULL; gp = gp->allnext) {
    uint32_t st = atomic_load_explicit(&gp->status, memory_order_relaxed);
    if ((st == G_RUNNABLE || (st == G_WAITING && gp->sleeping)) &&
        gp->waiting == NULL && gc_shrinkstack(gp))
      gc.stacks_shrunk++;
  }
  mutex_unlock(&allg_lock);
}

// collect runs a collection; arg points to whether it is forced (escrt_gc)
// rather than paced.
static void collect(void *arg) {
  bool forced = *(bool *)arg;
  gc_init();
  mutex_lock(&gc.lock);
  int percent = atomic_load(&gc.percent);
  if (!forced &&
      (percent < 0 || atomic_load(&gc.heap_alloc) < atomic_load(&gc.goal))) {
    mutex_unlock(&gc.lock); // another thread collected meanwhile
    return;
  }
  gc_collect_globals(); // and the helper markers, the first time
  gc_mark_wake();
  gc_sweep_finish();
  cycle_times t;
  t.start = nanotime();
  stop_the_world();
  t.stopped = nanotime();
  for (gcthread *th = gc_threads; th != NULL; th = th->next)
    gccache_drop(th);
  uint64_t heap0 = atomic_load(&gc.heap_alloc);
  gc_mark_result r;
  gc_mark(&r);
  shrink_stacks();
  gc_sweep_prepare();
  uint64_t goal = goal_for(r.marked_bytes, percent < 0 ? 100 : percent);
  gc.heap_live = r.marked_bytes;
  atomic_store(&gc.heap_alloc, r.marked_bytes);
  atomic_store(&gc.goal, goal);
  t.marked = nanotime();
  start_the_world();
  t.end = nanotime();
  uint64_t pause = (uint64_t)(t.end - t.start);
  gc.pause_total += pause;
  if (pause > gc.pause_max)
    gc.pause_max = pause;
  uint64_t n = atomic_fetch_add(&gc.cycles, 1) + 1;
  if (gc.trace)
    trace(n, &t, heap0, r.marked_bytes, goal, &r, forced);
  stack_release_large(); // free large stacks go back to the heap (Go too)
  if (forced)
    gc_sweep_finish();
  mutex_unlock(&gc.lock);
}

// gc_maybe_collect collects if the heap reached its goal; the allocator's
// slow path calls it on the system stack, outside its nostop region.
void gc_maybe_collect(void) {
  if (atomic_load_explicit(&gc.heap_alloc, memory_order_relaxed) <
      atomic_load_explicit(&gc.goal, memory_order_relaxed))
    return;
  gc_init();
  if (atomic_load(&gc.percent) < 0)
    return;
  bool forced = false;
  collect(&forced);
}

void escrt_gc(void) {
  if (!malloc_init())
    fatal("out of memory");
  bool forced = true;
  escrt_systemstack(collect, &forced);
}

int escrt_set_gc_percent(int percent) {
  gc_init();
  int old = atomic_exchange(&gc.percent, percent < 0 ? -1 : percent);
  mutex_lock(&gc.lock);
  atomic_store(&gc.goal, goal_for(gc.heap_live, percent < 0 ? 100 : percent));
  mutex_unlock(&gc.lock);
  return old;
}

void escrt_read_gcstats(escrt_gcstats *st) {
  gc_init();
  mutex_lock(&gc.lock);
  *st = (escrt_gcstats){
      .cycles = atomic_load(&gc.cycles),
      .pause_total_ns = gc.pause_total,
      .pause_max_ns = gc.pause_max,
      .heap_live = gc.heap_live,
      .heap_alloc = atomic_load(&gc.heap_alloc),
      .heap_goal = atomic_load(&gc.goal),
      .bytes_freed = atomic_load(&gc_bytes_freed),
      .objects_freed = atomic_load(&gc_objects_freed),
      .stacks_shrunk = gc.stacks_shrunk,
  };
  mutex_unlock(&gc.lock);
}

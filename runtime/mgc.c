// The garbage collector's cycle: when to collect, the collection itself,
// statistics and the trace (Go's mgc.go and mgcpacer.go).
//
// A collection runs one at a time (gc.lock). Where the kernel can say which
// heap pages were written (dirtypages.c), most of the mark runs with the
// world going, on the collector's own thread (the worker), as Go's mark
// does with its write barrier and Boehm's incremental mode with its dirty
// bits: mgcmark.c, "The concurrent mark", describes it. Around it, the
// cycle (collect_concurrent) first sweeps what the last collection left
// unswept (Go's sweep termination), and in the mark's last stop gives every
// thread's cached spans back (no thread allocates from a span before it
// is swept), halves the stacks of goroutines that wait to run or sleep and
// use less than a quarter of them, makes every collected span unswept
// (mgcsweep.c) and sets the next goal and trigger (settle).
//
// Sweeping is lazy from then on: allocators sweep the spans they are
// about to use. Without the kernel's help, or with GODEBUG=gcstoptheworld=1
// (Go's switch of the same name), or when the last mark found less than
// CONCURRENT_MIN_LIVE, the allocating thread that reaches the goal
// collects on its system stack with the world stopped for the whole mark
// (collect_stopped), and the pause is the whole mark. escrt_gc runs a
// concurrent cycle whenever it can, as Go's runtime.GC does, and waits for
// it.
//
// Pacing: heap_alloc counts the bytes of collected objects handed to
// caches and large objects since the last mark, on top of the bytes it
// marked. The goal is live * (1 + GOGC/100) but at least 4 MB * GOGC/100
// (Go's heapMinimum). A concurrent cycle starts at the trigger, below the
// goal by what the program allocated during the last mark and a quarter
// more (Go's pacer has the same aim: the mark ends as the heap reaches the
// goal); an allocator that reaches the goal while a mark runs waits for it
// to end (where Go's would assist it). Each cycle's pause, Go's PauseNs,
// is the sum of its two stops.
#include "runtime.h"

#include "escape/gc.h"
#include "escape/go.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEAP_MINIMUM ((uint64_t)4 << 20)
// Below this much live heap, a paced collection marks with the world
// stopped even where it could mark concurrently: the mark is shorter than
// the concurrent cycle's costs (two stops on another thread, the written
// pages' faults), measured on churn-gc: 0.50-0.72 s stopped against
// 1.0-1.1 s concurrent, pauses of 5 us against 0.7 ms.
#define CONCURRENT_MIN_LIVE ((uint64_t)4 << 20)

static struct {
  mutex lock; // one collection at a time
  pthread_once_t once;
  _Atomic bool ready;           // once has run
  _Atomic int percent;          // GOGC; negative: off
  bool trace;                   // GODEBUG=gctrace=1
  bool concurrent;              // the worker can mark with the world running
  _Atomic bool next_concurrent; // the next paced cycle does (live is large)
  int64_t start_ns;             // the collector's first use, for the trace's @
  _Atomic uint64_t heap_alloc;
  _Atomic uint64_t goal;
  _Atomic uint64_t trigger; // where a cycle starts: the goal, unless concurrent
  uint64_t heap_live;       // marked by the last collection
  _Atomic uint64_t cycles;
  uint64_t pause_total, pause_max;
  uint64_t stacks_shrunk;
  uint64_t concurrent_cycles;
  // The worker's wake-ups: it sleeps on kick; forced_req counts escrt_gc's
  // requests, forced_done the last one a finished cycle served; ended
  // counts finished cycles, for allocators waiting at the goal.
  pthread_once_t worker_once;
  bool worker_running;
  _Atomic uint32_t kick, forced_req, forced_done, ended;
  _Atomic bool kicked;
} gc = {.once = PTHREAD_ONCE_INIT, .worker_once = PTHREAD_ONCE_INIT};

static uint64_t goal_for(uint64_t live, int percent) {
  uint64_t goal = live + live * (uint64_t)percent / 100;
  uint64_t minimum = HEAP_MINIMUM * (uint64_t)percent / 100;
  return goal > minimum ? goal : minimum;
}

// godebug returns the value of key=N in GODEBUG, 0 when absent.
static int godebug(const char *key) {
  const char *s = getenv("GODEBUG");
  size_t n = strlen(key);
  while (s != NULL && *s != '\0') {
    if (strncmp(s, key, n) == 0 && s[n] == '=')
      return atoi(s + n + 1);
    s = strchr(s, ',');
    if (s != NULL)
      s++;
  }
  return 0;
}

// Around fork, no collection is half way (the child has none of the other
// threads to finish it).
// The child has no worker and tracks no page: it collects with the world
// stopped.
static void before_fork(void) { mutex_lock(&gc.lock); }
static void after_fork_parent(void) { mutex_unlock(&gc.lock); }
static void after_fork_child(void) {
  if (gc.concurrent) {
    gc.concurrent = false;
    dirty_disable();
    atomic_store(&gc.trigger, atomic_load(&gc.goal));
  }
  mutex_unlock(&gc.lock);
}

static void init(void) {
  stw_init(); // its fork handlers after ours: ours run first at a fork
  pthread_atfork(before_fork, after_fork_parent, after_fork_child);
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
  gc.trace = godebug("gctrace") > 0;
  gc.concurrent =
      godebug("gcstoptheworld") == 0 && malloc_init() &&
      dirty_init(heap_space_.base,
                 heap_space_.base + heap_space_.max_pages * PAGE_SIZE);
  gc.start_ns = nanotime();
  uint64_t goal = goal_for(0, percent < 0 ? 100 : percent);
  atomic_store(&gc.goal, goal);
  atomic_store(&gc.trigger, goal);
  atomic_store(&gc.ready, true);
}

static void init_once(void *arg) {
  (void)arg;
  pthread_once(&gc.once, init);
}

// gc_init initializes the collector, on the system stack: the first call
// may come from a goroutine, and init makes system calls.
static void gc_init(void) {
  if (!atomic_load(&gc.ready))
    escrt_systemstack(init_once, NULL);
}

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

// A cycle's phases, in nanoseconds of the clock: the first stop (Go's
// sweep termination), the mark with the world running, and the last stop
// (mark termination). A collection with the world stopped throughout is a
// stop, its mark and the restart.
typedef struct cycle_times {
  int64_t start, stop1, mark, stop2;
  int64_t pause; // the world stopped, in all
} cycle_times;

typedef struct cycle_heap {
  uint64_t start, marking, live; // heap0->heap1->heap2 of the trace
} cycle_heap;

static void trace(uint64_t n, const cycle_times *t, const cycle_heap *h,
                  uint64_t goal, const gc_mark_result *r, bool forced) {
  char stop1[24], mark[24], stop2[24], stop1_cpu[24], stop2_cpu[24];
  int procs = gc_gomaxprocs();
  ms(stop1, sizeof stop1, (uint64_t)t->stop1);
  ms(mark, sizeof mark, (uint64_t)t->mark);
  ms(stop2, sizeof stop2, (uint64_t)t->stop2);
  ms(stop1_cpu, sizeof stop1_cpu, (uint64_t)t->stop1 * procs);
  ms(stop2_cpu, sizeof stop2_cpu, (uint64_t)t->stop2 * procs);
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
      (long long)(since / 1000000 % 1000), (unsigned long long)util, stop1,
      mark, stop2, stop1_cpu, mark, stop2_cpu,
      (unsigned long long)(h->start >> 20),
      (unsigned long long)(h->marking >> 20),
      (unsigned long long)(h->live >> 20), (unsigned long long)(goal >> 20),
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

// settle ends a mark with the world stopped: stacks shrink, spans become
// unswept, and the next goal and trigger are set from live, the bytes
// marked. allocated is what the program allocated from the trigger to the
// mark's end while it ran with the world going (0: it did not). It returns
// the goal.
static uint64_t settle(uint64_t live, int percent, uint64_t allocated) {
  shrink_stacks();
  gc_sweep_prepare();
  uint64_t goal = goal_for(live, percent < 0 ? 100 : percent);
  uint64_t trigger = goal;
  atomic_store(&gc.next_concurrent,
               gc.concurrent && live >= CONCURRENT_MIN_LIVE);
  if (atomic_load(&gc.next_concurrent)) {
    uint64_t room = goal > live ? goal - live : 0;
    // No figure yet (the last mark stopped the world): Go's first trigger.
    uint64_t want = allocated != 0 ? allocated + allocated / 4 : room / 8;
    trigger = want < room ? goal - want : live;
    if (trigger < live + room / 4)
      trigger = live + room / 4;
    if (trigger > live + room / 20 * 19)
      trigger = live + room / 20 * 19;
  }
  gc.heap_live = live;
  atomic_store(&gc.heap_alloc, live);
  atomic_store(&gc.goal, goal);
  atomic_store(&gc.trigger, trigger);
  return goal;
}

// account adds a cycle's pause to the statistics, counts the cycle and
// traces it.
static void account(const cycle_times *t, const cycle_heap *h, uint64_t goal,
                    const gc_mark_result *r, bool forced) {
  uint64_t pause = (uint64_t)t->pause;
  gc.pause_total += pause;
  if (pause > gc.pause_max)
    gc.pause_max = pause;
  uint64_t n = atomic_fetch_add(&gc.cycles, 1) + 1;
  if (gc.trace)
    trace(n, t, h, goal, r, forced);
}

static void drop_caches(void) {
  for (gcthread *th = gc_threads; th != NULL; th = th->next)
    gccache_drop(th);
}

// collect_stopped runs a collection with the world stopped for all of the
// mark, on the calling thread (a registered one, on its system stack); arg
// points to whether it is forced (escrt_gc) rather than paced.
static void collect_stopped(void *arg) {
  bool forced = *(bool *)arg;
  gc_init();
  gc_register_thread(); // scanned as itself (gc_mark)
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
  cycle_times t = {.start = nanotime()};
  stop_the_world();
  int64_t stopped = nanotime();
  t.stop1 = stopped - t.start;
  drop_caches();
  cycle_heap h = {.start = atomic_load(&gc.heap_alloc)};
  h.marking = h.start;
  gc_mark_result r;
  gc_mark(&r);
  h.live = r.marked_bytes;
  uint64_t goal = settle(h.live, percent, 0);
  int64_t marked = nanotime();
  t.mark = marked - stopped;
  start_the_world();
  int64_t end = nanotime();
  t.stop2 = end - marked;
  t.pause = end - t.start;
  account(&t, &h, goal, &r, forced);
  stack_release_large(); // free large stacks go back to the heap (Go too)
  if (forced)
    gc_sweep_finish();
  mutex_unlock(&gc.lock);
}

// collect_concurrent runs a collection whose mark runs mostly with the
// world going, on the worker, which holds gc.lock.
static void collect_concurrent(bool forced) {
  int percent = atomic_load(&gc.percent);
  uint64_t trigger = atomic_load(&gc.trigger);
  gc_collect_globals();
  gc_sweep_finish();
  uintptr_t lo = heap_space_.base;
  dirty_reset(lo, lo + atomic_load(&heap_space_.npages) * PAGE_SIZE);
  cycle_times t = {.start = nanotime()};
  cycle_heap h = {.start = atomic_load(&gc.heap_alloc)};
  stop_the_world();
  gc_mark_result r;
  gc_mark_roots(&r);
  start_the_world();
  int64_t started = nanotime();
  t.stop1 = started - t.start;
  gc_mark_concurrent();
  h.marking = atomic_load(&gc.heap_alloc);
  int64_t stopping = nanotime();
  t.mark = stopping - started;
  stop_the_world();
  // The helpers only now: spinning while the world stops, they took the
  // cores the stopping threads needed (a scheduler's time slice, 5 ms).
  gc_mark_wake();
  drop_caches();
  gc_mark_finish(&r);
  h.live = r.marked_bytes;
  uint64_t from = forced || h.start < trigger ? h.start : trigger;
  uint64_t goal =
      settle(h.live, percent, h.marking > from ? h.marking - from : 0);
  start_the_world();
  t.stop2 = nanotime() - stopping;
  t.pause = t.stop1 + t.stop2;
  dirty_stop(lo, lo + atomic_load(&heap_space_.npages) * PAGE_SIZE);
  gc.concurrent_cycles++;
  account(&t, &h, goal, &r, forced);
  stack_release_large();
  if (forced)
    gc_sweep_finish();
}

// worker is the collector's thread: it runs a cycle when the heap reaches
// the trigger or escrt_gc asks for one. It is not registered: it holds no
// root, and no other collection runs while it collects (gc.lock).
static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    uint32_t kick = atomic_load(&gc.kick);
    atomic_store(&gc.kicked, false);
    uint32_t req = atomic_load(&gc.forced_req);
    bool forced = req != atomic_load(&gc.forced_done);
    if (!forced &&
        (atomic_load(&gc.percent) < 0 || !atomic_load(&gc.next_concurrent) ||
         atomic_load(&gc.heap_alloc) < atomic_load(&gc.trigger))) {
      futexsleep(&gc.kick, kick, -1);
      continue;
    }
    mutex_lock(&gc.lock);
    collect_concurrent(forced);
    mutex_unlock(&gc.lock);
    if (forced) {
      atomic_store(&gc.forced_done, req);
      futexwakeup(&gc.forced_done, INT_MAX);
    }
    atomic_fetch_add(&gc.ended, 1);
    futexwakeup(&gc.ended, INT_MAX);
  }
  return NULL;
}

static void start_worker(void) {
  gc.worker_running = newosproc(worker, NULL, 0) == 0;
}

// concurrent says whether the worker collects, starting it the first time.
static bool concurrent(void) {
  gc_init();
  if (!gc.concurrent)
    return false;
  pthread_once(&gc.worker_once, start_worker);
  return gc.worker_running;
}

static void kick_worker(void) {
  if (!atomic_exchange(&gc.kicked, true)) {
    atomic_fetch_add(&gc.kick, 1);
    futexwakeup(&gc.kick, 1);
  }
}

// gc_maybe_collect starts a collection if the heap reached its trigger, and
// waits for it if the heap reached its goal; the allocator's slow path
// calls it on the system stack, outside its nostop region.
void gc_maybe_collect(void) {
  if (atomic_load_explicit(&gc.heap_alloc, memory_order_relaxed) <
      atomic_load_explicit(&gc.trigger, memory_order_relaxed))
    return;
  gc_init();
  if (atomic_load(&gc.percent) < 0)
    return;
  if (!atomic_load(&gc.next_concurrent) || !concurrent()) {
    bool forced = false;
    collect_stopped(&forced);
    return;
  }
  kick_worker();
  while (atomic_load(&gc.percent) >= 0 && atomic_load(&gc.next_concurrent) &&
         atomic_load(&gc.heap_alloc) >= atomic_load(&gc.goal)) {
    uint32_t ended = atomic_load(&gc.ended);
    if (atomic_load(&gc.heap_alloc) < atomic_load(&gc.goal))
      break;
    kick_worker();
    futexsleep(&gc.ended, ended, 10 * 1000 * 1000);
  }
}

// wait_forced waits, on the system stack, until a cycle that started after
// escrt_gc's request *arg has ended.
static void wait_forced(void *arg) {
  uint32_t want = *(uint32_t *)arg;
  uint32_t done;
  while ((int32_t)((done = atomic_load(&gc.forced_done)) - want) < 0)
    futexsleep(&gc.forced_done, done, -1);
}

// gc_forced is escrt_gc, on the system stack.
static void gc_forced(void *arg) {
  (void)arg;
  if (!malloc_init())
    fatal("out of memory");
  if (concurrent()) {
    uint32_t want = atomic_fetch_add(&gc.forced_req, 1) + 1;
    kick_worker();
    wait_forced(&want);
    return;
  }
  bool forced = true;
  collect_stopped(&forced);
}

void escrt_gc(void) { escrt_systemstack(gc_forced, NULL); }

int escrt_set_gc_percent(int percent) {
  gc_init();
  int old = atomic_exchange(&gc.percent, percent < 0 ? -1 : percent);
  mutex_lock(&gc.lock);
  uint64_t goal = goal_for(gc.heap_live, percent < 0 ? 100 : percent);
  atomic_store(&gc.goal, goal);
  atomic_store(&gc.trigger, atomic_load(&gc.next_concurrent)
                                ? gc.heap_live + (goal - gc.heap_live) / 8 * 7
                                : goal);
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
      .concurrent_cycles = gc.concurrent_cycles,
  };
  mutex_unlock(&gc.lock);
}

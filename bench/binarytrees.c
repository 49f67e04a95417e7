// binarytrees: the Benchmarks Game's binary-trees program in C, the same
// program as bench/binarytrees.go (its top comment gives the work and the
// output exactly), on the allocator chosen at compile time:
//
//   -DALLOC_MALLOC  malloc for every node, each tree freed node by node
//                   once checked (the long-lived tree at the end). Run it
//                   under LD_PRELOAD to measure another malloc (bench/gc.sh
//                   does: glibc's own, mimalloc). It prints
//                   "malloc=PATH" on stderr, the object the dynamic linker
//                   bound malloc to, for the script to check.
//   -DALLOC_BOEHM   GC_MALLOC of the Boehm-Demers-Weiser collector (Debian's
//                   libgc-dev; link -lgc), GC_INIT first, nothing freed:
//                   the collector reclaims the dropped trees. Its default
//                   configuration: stop-the-world, not incremental; in this
//                   program, which starts no thread, Debian's libgc 8.2
//                   marks on the allocating thread alone (GC_get_parallel()
//                   is 0, and CPU time equals wall time).
//   -DALLOC_ESCRT   escrt_new of our runtime (escape/gc.h), nothing
//                   freed: our collector. The work runs as a main
//                   goroutine started by escrt_run, the tree functions
//                   with the stack-check prologue, the clock called on the
//                   system stack. Max pause: escrt_read_gcstats's
//                   pause_max_ns, the longest stop of the world.
//
// One thread allocates; the output is printed once the work is done (the
// numbers are kept until then), ending with the line
//
//   seconds=S max_pause_ns=P
//
// S: the monotonic time from the start of the work (after GC_INIT) to the
// last check. P: the longest collection, from GC_EVENT_START to
// GC_EVENT_END (the allocating thread waits for all of it: Boehm stops the
// world for the whole collection); 0 with malloc, which does not collect;
// -1 where no figure is available.
//
// usage: binarytrees N
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(ALLOC_MALLOC) + defined(ALLOC_BOEHM) + defined(ALLOC_ESCRT) != 1
#error "define exactly one of ALLOC_MALLOC, ALLOC_BOEHM, ALLOC_ESCRT"
#endif

#if defined(ALLOC_MALLOC)
#include <dlfcn.h>
#define NEW(size) malloc(size)
#define STACK_CHECK()
#elif defined(ALLOC_BOEHM)
#include <gc/gc.h>
#define NEW(size) GC_MALLOC(size)
#define STACK_CHECK()
#elif defined(ALLOC_ESCRT)
#include <escape/gc.h>
#include <escape/go.h>
#define NEW(size) escrt_new(size)
#define STACK_CHECK() ESCRT_STACK_CHECK()
#endif

typedef struct node {
  struct node *left, *right;
} node;

enum { MIN_DEPTH = 4, MAX_LINES = 16 };

static node *new_node(node *left, node *right) {
  node *n = NEW(sizeof *n);
  if (n == NULL) {
    fputs("binarytrees: out of memory\n", stderr);
    exit(1);
  }
  n->left = left;
  n->right = right;
  return n;
}

static node *bottom_up(int depth) {
  STACK_CHECK();
  if (depth <= 0)
    return new_node(NULL, NULL);
  node *left = bottom_up(depth - 1);
  node *right = bottom_up(depth - 1);
  return new_node(left, right);
}

static long check(const node *n) {
  STACK_CHECK();
  if (n->left == NULL)
    return 1;
  return 1 + check(n->left) + check(n->right);
}

// drop gives up a tree: freed with malloc, left to the collector otherwise.
static void drop(node *n) {
#if defined(ALLOC_MALLOC)
  if (n->left != NULL) {
    drop(n->left);
    drop(n->right);
  }
  free(n);
#else
  (void)n;
#endif
}

// check_drop checks a tree and gives it up.
static long check_drop(node *n) {
  long c = check(n);
  drop(n);
  return c;
}

// ---- Clock and pauses

static void now_into(void *out) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  *(int64_t *)out = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t now_ns(void) {
  int64_t t;
#if defined(ALLOC_ESCRT)
  escrt_systemstack(now_into, &t); // the C library, off the goroutine stack
#else
  now_into(&t);
#endif
  return t;
}

static int64_t max_pause_ns = -1;

#if defined(ALLOC_MALLOC)
static const char *malloc_owner(void) {
  Dl_info info;
  void *sym = dlsym(RTLD_DEFAULT, "malloc");
  if (sym == NULL || !dladdr(sym, &info) || info.dli_fname == NULL)
    return "?";
  return info.dli_fname;
}
#elif defined(ALLOC_BOEHM)
static int64_t gc_start_ns;

static void GC_CALLBACK on_gc_event(GC_EventType event) {
  if (event == GC_EVENT_START) {
    gc_start_ns = now_ns();
  } else if (event == GC_EVENT_END) {
    int64_t p = now_ns() - gc_start_ns;
    if (p > max_pause_ns)
      max_pause_ns = p;
  }
}
#endif

// ---- The program

static struct {
  int max_depth;
  long stretch_check, long_lived_check;
  int lines;
  long iterations[MAX_LINES], depth[MAX_LINES], checks[MAX_LINES];
  double seconds;
} r;

static void work(void *arg) {
  STACK_CHECK();
  (void)arg;
  int64_t start = now_ns();
  int max_depth = r.max_depth;
  r.stretch_check = check_drop(bottom_up(max_depth + 1));
  node *long_lived = bottom_up(max_depth);
  for (int depth = MIN_DEPTH; depth <= max_depth; depth += 2) {
    long iterations = 1L << (max_depth - depth + MIN_DEPTH);
    long c = 0;
    for (long i = 0; i < iterations; i++)
      c += check_drop(bottom_up(depth));
    r.iterations[r.lines] = iterations;
    r.depth[r.lines] = depth;
    r.checks[r.lines] = c;
    r.lines++;
  }
  r.long_lived_check = check_drop(long_lived);
  r.seconds = (double)(now_ns() - start) / 1e9;
}

int main(int argc, char **argv) {
  int n = argc == 2 ? atoi(argv[1]) : 0;
  if (n <= 0 || n > 30) {
    fputs("usage: binarytrees N\n", stderr);
    return 2;
  }
  r.max_depth = n < MIN_DEPTH + 2 ? MIN_DEPTH + 2 : n;

#if defined(ALLOC_MALLOC)
  max_pause_ns = 0; // nothing collects
  fprintf(stderr, "malloc=%s\n", malloc_owner());
  work(NULL);
#elif defined(ALLOC_BOEHM)
  GC_INIT();
  GC_set_on_collection_event(on_gc_event);
  work(NULL);
#elif defined(ALLOC_ESCRT)
  escrt_run(work, NULL);
  escrt_gcstats st;
  escrt_read_gcstats(&st);
  max_pause_ns = (int64_t)st.pause_max_ns;
#endif

  printf("stretch tree of depth %d\t check: %ld\n", r.max_depth + 1,
         r.stretch_check);
  for (int i = 0; i < r.lines; i++)
    printf("%ld\t trees of depth %ld\t check: %ld\n", r.iterations[i],
           r.depth[i], r.checks[i]);
  printf("long lived tree of depth %d\t check: %ld\n", r.max_depth,
         r.long_lived_check);
  printf("seconds=%.6f max_pause_ns=%lld\n", r.seconds,
         (long long)max_pause_ns);
  return 0;
}

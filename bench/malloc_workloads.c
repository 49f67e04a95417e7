// malloc_workloads: the allocation patterns bench/malloc.sh measures, one
// per run, chosen by argv. The program calls only malloc and free, so the
// allocator under test is whichever one LD_PRELOAD puts first; it prints a
// line that must be the same under every allocator, and the path of the
// object that defines malloc, so the script can check the preload took.
//
// Every object gets its first and last byte written when it is allocated —
// a tag, and the tag's complement — and both are read back when it is
// freed: a mismatch means two live objects overlap, and the run stops with
// status 2. No other byte is touched, not even one per 4 KB page of the
// large objects, so page faults are those of the two touched pages (and of
// whatever the allocator itself writes). Sizes, slots and tags come from
// fixed 64-bit LCGs, one per thread, so every allocator sees the same
// sequence of requests. The checksum is the sum of the tags read at free;
// every object is freed by the end, so mallocs = frees.
//
//   churn         1 thread; a ring of 1,000 live objects of 16-256 B; 20 M
//                 operations, each frees the oldest object and allocates
//                 its replacement.
//   larson T      T threads (1 to 16), each with 10,000 slots filled with
//                 objects of 8-1,024 B; once all have filled theirs (a
//                 barrier), 5 M operations per thread: free a random slot's
//                 object, allocate a new one into it. At the end each
//                 thread frees its slots.
//   larson-cross  2 threads, as larson 2, but in each operation an LCG bit
//                 decides whether the old object is freed locally or handed
//                 to the other thread (probability 1/2): it is pushed on a
//                 bounded lock-free single-producer single-consumer ring of
//                 1,024 entries from this thread to the other. Every 16
//                 operations a thread drains its incoming ring, freeing
//                 what it receives. A push to a full ring waits (64
//                 pauses, then sched_yield), draining the thread's own
//                 incoming ring meanwhile, so half of the frees are remote,
//                 exactly as the LCG says, and two threads blocked on full
//                 rings still free each other. At
//                 the end a thread frees its own slots locally, raises its
//                 done flag, and drains its incoming ring until the other
//                 thread's flag is up, then once more.
//   large         1 thread; as churn, with a ring of 64 live objects of
//                 64 KB-1 MB and 200 k operations.
//
// Timing: "malloc_workloads time PRELOAD WORKLOAD [ARG]" forks, execs
// itself as WORKLOAD with LD_PRELOAD=PRELOAD ("" for the C library's
// malloc) in the child only, and prints after the child's line the wall
// time from before fork to after wait4 and the child's ru_maxrss. The
// child's maxrss includes the pre-exec image of this small wrapper; the
// exec'd workload is larger, so the figure is the workload's.
//
// usage: malloc_workloads churn | larson T | larson-cross | large
//        malloc_workloads time PRELOAD WORKLOAD [ARG]
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- Random numbers, objects, tallies ---- */

// lcg_next steps a Knuth MMIX LCG and returns its 32 high bits, the good
// ones.
static uint32_t lcg_next(uint64_t *x) {
  *x = *x * 6364136223846793005u + 1442695040888963407u;
  return (uint32_t)(*x >> 32);
}

// lcg_below returns a number in [0, n), by multiplication rather than a
// division, which would cost more than some allocators' malloc.
static uint32_t lcg_below(uint64_t *x, uint32_t n) {
  return (uint32_t)(((uint64_t)lcg_next(x) * n) >> 32);
}

// lcg_size returns a size in [lo, hi].
static size_t lcg_size(uint64_t *x, uint32_t lo, uint32_t hi) {
  return lo + lcg_below(x, hi - lo + 1);
}

// obj is a live object and its size, which free needs to find the last
// byte.
typedef struct obj {
  unsigned char *p;
  size_t n;
} obj;

// tally is what a thread counts; the sum over threads is printed.
typedef struct tally {
  uint64_t mallocs;
  uint64_t frees;
  uint64_t checksum; // sum of the tags read back at free
} tally;

static void fatal(const char *msg) {
  fprintf(stderr, "malloc_workloads: %s\n", msg);
  exit(2);
}

// obj_new allocates n >= 2 bytes and writes its first and last byte.
static obj obj_new(tally *t, size_t n, unsigned char tag) {
  unsigned char *p = malloc(n);
  if (p == NULL)
    fatal("out of memory");
  p[0] = tag;
  p[n - 1] = (unsigned char)~tag;
  t->mallocs++;
  return (obj){p, n};
}

// obj_free checks the two bytes obj_new wrote and frees o.
static void obj_free(tally *t, obj o) {
  unsigned char tag = o.p[0];
  if (o.p[o.n - 1] != (unsigned char)~tag)
    fatal("object corrupted: first and last byte disagree");
  free(o.p);
  t->frees++;
  t->checksum += tag;
}

/* ---- churn and large: a ring of live objects, the oldest freed ---- */

enum { RING_MAX_LIVE = 1000 };

// ring_run allocates live objects, then replaces the oldest ops times,
// then frees the ring. live <= RING_MAX_LIVE.
static void ring_run(tally *t, uint64_t ops, uint32_t live, uint32_t lo,
                     uint32_t hi) {
  static obj ring[RING_MAX_LIVE];
  uint64_t x = 0x5eed0001;
  for (uint32_t i = 0; i < live; i++)
    ring[i] = obj_new(t, lcg_size(&x, lo, hi), (unsigned char)i);
  uint32_t oldest = 0;
  for (uint64_t op = 0; op < ops; op++) {
    obj_free(t, ring[oldest]);
    ring[oldest] = obj_new(t, lcg_size(&x, lo, hi), (unsigned char)op);
    if (++oldest == live)
      oldest = 0;
  }
  for (uint32_t i = 0; i < live; i++)
    obj_free(t, ring[i]);
}

/* ---- larson and larson-cross ---- */

enum {
  LARSON_MAX_THREADS = 16,
  LARSON_SLOTS = 10000,
  LARSON_OPS = 5000000, // per thread
  LARSON_MIN = 8,
  LARSON_MAX = 1024,
  XRING_CAP = 1024, // a power of two
  XRING_DRAIN = 16, // operations between two drains of the incoming ring
  XRING_SPINS = 64, // rounds of waiting on a full ring before yielding
};

// xring is a bounded single-producer single-consumer queue of objects
// from one thread to another.
//   tail - head = number of queued objects, 0 <= tail - head <= XRING_CAP
// The producer writes buf[tail % XRING_CAP] before it publishes tail
// (release); the consumer reads buf[head % XRING_CAP] after it reads tail
// (acquire) and publishes head after its reads. Each index has its own
// cache line.
typedef struct xring {
  _Alignas(64) _Atomic uint64_t tail; // written by the producer only
  _Alignas(64) _Atomic uint64_t head; // written by the consumer only
  _Alignas(64) obj buf[XRING_CAP];
} xring;

// larson_thread is one thread's state. in and out are NULL for plain
// larson.
typedef struct larson_thread {
  _Alignas(64) tally t;
  uint64_t seed;
  xring *in;               // objects the other thread gives us to free
  xring *out;              // objects we give the other thread
  uint64_t out_head;       // producer's cached copy of out->head
  _Atomic int done;        // set once we will push no more
  _Atomic int *other_done; // the producer of in's done flag
  obj slots[LARSON_SLOTS];
} larson_thread;

static larson_thread larson_threads[LARSON_MAX_THREADS];
static xring xrings[2];
static pthread_barrier_t larson_start; // all slots filled, operations begin

// xring_drain frees every object queued on r. Only r's consumer calls it.
static void xring_drain(tally *t, xring *r) {
  uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
  uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
  if (head == tail)
    return;
  for (; head != tail; head++)
    obj_free(t, r->buf[head % XRING_CAP]);
  atomic_store_explicit(&r->head, head, memory_order_release);
}

// xring_wait is one round of waiting for the other thread: a pause for
// the first XRING_SPINS rounds, then sched_yield. When something else
// runs on the second core, both threads share one and a thread spinning
// out its time slice stalls the run for milliseconds (runs 20x slower
// were seen); yielding hands the core to the thread we wait for.
static void xring_wait(unsigned *rounds) {
  if (++*rounds < XRING_SPINS)
    __builtin_ia32_pause();
  else
    sched_yield();
}

// xring_push queues o for the other thread. While the ring is full it
// drains lt's own incoming ring, so that the other thread, which may be
// waiting for the same thing, can progress.
static void xring_push(larson_thread *lt, obj o) {
  xring *r = lt->out;
  uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
  unsigned rounds = 0;
  while (tail - lt->out_head == XRING_CAP) {
    lt->out_head = atomic_load_explicit(&r->head, memory_order_acquire);
    if (tail - lt->out_head == XRING_CAP) {
      xring_drain(&lt->t, lt->in);
      xring_wait(&rounds);
    }
  }
  r->buf[tail % XRING_CAP] = o;
  atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
}

// larson_replace frees the object in slot (or hands it to the other
// thread) and allocates its replacement.
static void larson_replace(larson_thread *lt, uint64_t *x, uint64_t op) {
  obj *slot = &lt->slots[lcg_below(x, LARSON_SLOTS)];
  if (lt->out != NULL && (lcg_next(x) & 0x80000000u))
    xring_push(lt, *slot);
  else
    obj_free(&lt->t, *slot);
  *slot =
      obj_new(&lt->t, lcg_size(x, LARSON_MIN, LARSON_MAX), (unsigned char)op);
}

// larson_main is one thread: fill the slots, replace LARSON_OPS times,
// free the slots, and for larson-cross drain until the other thread is
// done.
static void *larson_main(void *arg) {
  larson_thread *lt = arg;
  uint64_t x = lt->seed;
  for (uint32_t i = 0; i < LARSON_SLOTS; i++)
    lt->slots[i] =
        obj_new(&lt->t, lcg_size(&x, LARSON_MIN, LARSON_MAX), (unsigned char)i);
  pthread_barrier_wait(&larson_start);
  for (uint64_t op = 0; op < LARSON_OPS; op++) {
    larson_replace(lt, &x, op);
    if (lt->in != NULL && op % XRING_DRAIN == 0)
      xring_drain(&lt->t, lt->in);
  }
  for (uint32_t i = 0; i < LARSON_SLOTS; i++)
    obj_free(&lt->t, lt->slots[i]);
  if (lt->in == NULL)
    return NULL;
  // The other thread pushes nothing after raising its flag: once we see
  // it (acquire), one more drain empties the ring for good.
  atomic_store_explicit(&lt->done, 1, memory_order_release);
  unsigned rounds = 0;
  while (!atomic_load_explicit(lt->other_done, memory_order_acquire)) {
    xring_drain(&lt->t, lt->in);
    xring_wait(&rounds);
  }
  xring_drain(&lt->t, lt->in);
  return NULL;
}

// larson_run runs nthreads larson threads (cross: exactly 2, handing
// objects to each other) and adds their tallies to t.
static void larson_run(tally *t, int nthreads, int cross) {
  pthread_t tid[LARSON_MAX_THREADS];
  for (int i = 0; i < nthreads; i++) {
    larson_thread *lt = &larson_threads[i];
    lt->seed = 0x5eed1000u + (uint64_t)i;
    if (cross) {
      lt->out = &xrings[i];
      lt->in = &xrings[1 - i];
      lt->other_done = &larson_threads[1 - i].done;
    }
  }
  pthread_barrier_init(&larson_start, NULL, (unsigned)nthreads);
  for (int i = 0; i < nthreads; i++)
    if (pthread_create(&tid[i], NULL, larson_main, &larson_threads[i]))
      fatal("pthread_create failed");
  for (int i = 0; i < nthreads; i++) {
    pthread_join(tid[i], NULL);
    t->mallocs += larson_threads[i].t.mallocs;
    t->frees += larson_threads[i].t.frees;
    t->checksum += larson_threads[i].t.checksum;
  }
}

/* ---- Running a workload, timing a child ---- */

// malloc_owner returns the path of the object whose malloc the dynamic
// linker binds first: the preloaded allocator, or the C library.
static const char *malloc_owner(void) {
  Dl_info info;
  void *sym = dlsym(RTLD_DEFAULT, "malloc");
  if (sym == NULL || !dladdr(sym, &info) || info.dli_fname == NULL)
    return "?";
  return info.dli_fname;
}

static void usage(void) {
  fprintf(stderr, "usage: malloc_workloads churn | larson THREADS | "
                  "larson-cross | large\n"
                  "       malloc_workloads time PRELOAD WORKLOAD [ARG]\n");
  exit(1);
}

// workload runs the workload named by argv and prints its tally.
static int workload(int argc, char **argv) {
  tally t = {0};
  const char *name = argv[1];
  if (strcmp(name, "churn") == 0 && argc == 2) {
    ring_run(&t, 20000000, 1000, 16, 256);
  } else if (strcmp(name, "large") == 0 && argc == 2) {
    ring_run(&t, 200000, 64, 64 << 10, 1 << 20);
  } else if (strcmp(name, "larson") == 0 && argc == 3) {
    int n = atoi(argv[2]);
    if (n < 1 || n > LARSON_MAX_THREADS)
      usage();
    larson_run(&t, n, 0);
  } else if (strcmp(name, "larson-cross") == 0 && argc == 2) {
    larson_run(&t, 2, 1);
  } else {
    usage();
  }
  if (t.mallocs != t.frees)
    fatal("mallocs and frees differ");
  printf("%s%s%s mallocs=%llu checksum=%llu malloc=%s\n", name,
         argc == 3 ? " " : "", argc == 3 ? argv[2] : "",
         (unsigned long long)t.mallocs, (unsigned long long)t.checksum,
         malloc_owner());
  return 0;
}

static double seconds(struct timespec a, struct timespec b) {
  return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

// time_child runs "WORKLOAD [ARG]" in a child with LD_PRELOAD=preload and
// prints its wall time and peak RSS. argv is "prog time PRELOAD WORKLOAD
// [ARG]"; the child's argv is argv+2, its first word replaced by argv[0].
static int time_child(char **argv) {
  const char *preload = argv[2];
  argv[2] = argv[0];
  fflush(stdout);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0)
    fatal("fork failed");
  if (pid == 0) {
    if (preload[0] != '\0')
      setenv("LD_PRELOAD", preload, 1);
    else
      unsetenv("LD_PRELOAD");
    execv("/proc/self/exe", argv + 2);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0)
    fatal("wait4 failed");
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (WIFSIGNALED(status)) {
    fprintf(stderr, "malloc_workloads: child killed by signal %d (%s)\n",
            WTERMSIG(status), strsignal(WTERMSIG(status)));
    return 1;
  }
  if (WEXITSTATUS(status) != 0) {
    fprintf(stderr, "malloc_workloads: child exited with status %d\n",
            WEXITSTATUS(status));
    return 1;
  }
  printf("wall=%.6f maxrss=%ld\n", seconds(t0, t1), ru.ru_maxrss);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && argc <= 5 && strcmp(argv[1], "time") == 0)
    return time_child(argv);
  if (argc < 2 || argc > 3)
    usage();
  return workload(argc, argv);
}

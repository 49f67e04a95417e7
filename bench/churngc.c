// churngc: bench/malloc.sh's churn workload with the objects dropped to a
// collector instead of freed (bench/gc.sh's churn-gc), on the allocator
// chosen at compile time as bench/binarytrees.c does; bench/churngc.go is
// the same program in Go.
//
// One thread keeps a ring of 1,000 live objects of 16-256 bytes (sizes from
// an LCG, the same sequence in every variant) and does 20,000,000
// operations: each checks the oldest object (its first and last bytes),
// gives it up, and allocates its replacement, whose first and last bytes it
// writes. The objects hold no pointers, so the collected variants allocate
// them as such: escrt_new_noscan, GC_MALLOC_ATOMIC, and Go's []byte.
//
//   -DALLOC_MALLOC  malloc and free (under LD_PRELOAD in bench/gc.sh:
//                   glibc's, mimalloc); prints "malloc=PATH" on stderr.
//   -DALLOC_BOEHM   GC_MALLOC_ATOMIC, nothing freed.
//   -DALLOC_ESCRT   escrt_new_noscan, nothing freed: our collector.
//
// Output: "checksum=C" (the sum of the first bytes read back), then
// "seconds=S max_pause_ns=P" as binarytrees prints it.
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
#define DROP(p) free(p)
#elif defined(ALLOC_BOEHM)
#include <gc/gc.h>
#define NEW(size) GC_MALLOC_ATOMIC(size)
#define DROP(p) ((void)(p))
#elif defined(ALLOC_ESCRT)
#include <escape/gc.h>
#define NEW(size) escrt_new_noscan(size)
#define DROP(p) ((void)(p))
#endif

enum { LIVE = 1000, OPS = 20000000, LO = 16, HI = 256 };

typedef struct obj {
  unsigned char *p;
  uint32_t n;
} obj;

static uint32_t lcg_next(uint64_t *x) {
  *x = *x * 6364136223846793005u + 1442695040888963407u;
  return (uint32_t)(*x >> 32);
}

static uint32_t lcg_size(uint64_t *x) {
  return LO + (uint32_t)(((uint64_t)lcg_next(x) * (HI - LO + 1)) >> 32);
}

static obj obj_new(uint32_t n, unsigned char tag) {
  unsigned char *p = NEW(n);
  if (p == NULL) {
    fputs("churngc: out of memory\n", stderr);
    exit(1);
  }
  p[0] = tag;
  p[n - 1] = (unsigned char)~tag;
  return (obj){p, n};
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static obj ring[LIVE];

int main(void) {
  int64_t max_pause_ns = -1;
#if defined(ALLOC_MALLOC)
  Dl_info info;
  void *sym = dlsym(RTLD_DEFAULT, "malloc");
  fprintf(stderr, "malloc=%s\n",
          sym != NULL && dladdr(sym, &info) && info.dli_fname != NULL
              ? info.dli_fname
              : "?");
  max_pause_ns = 0;
#elif defined(ALLOC_BOEHM)
  GC_INIT();
#endif
  int64_t start = now_ns();
  uint64_t x = 0x5eed0001, checksum = 0;
  for (uint32_t i = 0; i < LIVE; i++)
    ring[i] = obj_new(lcg_size(&x), (unsigned char)i);
  uint32_t oldest = 0;
  for (uint64_t op = 0; op < OPS; op++) {
    obj o = ring[oldest];
    if (o.p[o.n - 1] != (unsigned char)~o.p[0]) {
      fputs("churngc: object corrupted\n", stderr);
      return 1;
    }
    checksum += o.p[0];
    DROP(o.p);
    ring[oldest] = obj_new(lcg_size(&x), (unsigned char)op);
    if (++oldest == LIVE)
      oldest = 0;
  }
  double seconds = (double)(now_ns() - start) / 1e9;
#if defined(ALLOC_ESCRT)
  escrt_gcstats st;
  escrt_read_gcstats(&st);
  max_pause_ns = (int64_t)st.pause_max_ns;
#endif
  printf("checksum=%llu\n", (unsigned long long)checksum);
  printf("seconds=%.6f max_pause_ns=%lld\n", seconds, (long long)max_pause_ns);
  return 0;
}

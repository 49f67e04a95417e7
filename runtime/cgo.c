// What escape-cc links into every executable (Go's runtime/cgo, which lets
// Go run on threads that C started): the collector sees every thread and
// every malloc'd object without the program's help.
//
// Two archives hold the whole runtime and this file (runtime/CMakeLists.txt):
// libescrt-cc.a builds malloc.c with ESCRT_OVERRIDE, so that malloc and its
// family, defined in the executable, are the span heap's for the C library
// and every shared library too; libescrt-cc-nomalloc.a leaves malloc to a
// sanitizer that keeps its own. The executable links one whole
// (--whole-archive: nothing references the constructor) and exports every
// escrt_ symbol (--export-dynamic-symbol=escrt_*), so that a shared library
// linked against libescrt.so, even one loaded by dlopen, binds to this
// runtime and not to a second heap and collector.
//
//   - The main thread registers (stoptheworld.c) before main, in a
//     constructor.
//   - pthread_create is defined here: in the executable it comes before the
//     C library's for every caller, shared libraries included (libstdc++'s
//     std::thread, libgomp's workers). The thread starts in cgo_start, which
//     registers it before the caller's start routine runs; the key
//     destructor of stoptheworld.c unregisters it at exit. Until then the
//     routine and its argument wait in an escrt_malloc record, a root: an
//     argument holding the only pointer to a collected object keeps it.
//     Underneath is the pthread_create the executable would have called: a
//     sanitizer's interceptor (__interceptor_pthread_create, in GCC's
//     libasan and in LLVM's compiler-rt, whose weak pthread_create ours
//     displaces), else the next one after the executable (RTLD_NEXT). The
//     runtime's own threads start through newosproc, unregistered.
//   - No thread blocks the stop signal (STW_SIGNAL, stoptheworld.c), which
//     would hold every collection off: pthread_sigmask and sigprocmask,
//     defined here as pthread_create is, drop it from what they block, as
//     Boehm's GC_pthread_sigmask does, and new threads open it.
//   - Under a sanitizer with an allocator of its own (address, thread,
//     memory, leak), the sanitizer calls __sanitizer_malloc_hook and
//     __sanitizer_free_hook on every allocation and free; they keep its
//     chunks in a hash set off the heap (open addressing, linear probing),
//     and the mark scans them as it scans malloc's objects
//     (sanitizer_chunks_each). Its lock is a runtime mutex: no thread is
//     stopped holding it.
//
// Not covered: threads the C library starts itself and runs program code on
// (SIGEV_THREAD timers register when they allocate a collected object); a
// mask set by sigsuspend, pselect, swapcontext or a signal handler's
// sa_mask, which do not go through sigprocmask; sigwait on a set that holds
// STW_SIGNAL; and -static links (no RTLD_NEXT: the first pthread_create
// stops the program).
#define _GNU_SOURCE
#include "runtime.h"

#include "escape/malloc.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>

typedef int pthread_create_fn(pthread_t *restrict,
                              const pthread_attr_t *restrict, void *(*)(void *),
                              void *restrict);
typedef int sigmask_fn(int, const sigset_t *restrict, sigset_t *restrict);

pthread_create_fn __interceptor_pthread_create __attribute__((weak));
sigmask_fn __interceptor_pthread_sigmask __attribute__((weak));
sigmask_fn __interceptor_sigprocmask __attribute__((weak));

// next_fn returns, once found, the function that the executable would have
// called under name: a sanitizer's interceptor, else the next definition.
static void *next_fn(void *_Atomic *cache, void *interceptor,
                     const char *name) {
  void *f = atomic_load_explicit(cache, memory_order_acquire);
  if (likely(f != NULL))
    return f;
  f = interceptor != NULL ? interceptor : dlsym(RTLD_NEXT, name);
  if (f == NULL)
    fatal("cgo: the C library's pthread_create or sigprocmask is not found "
          "(a -static link?)");
  atomic_store_explicit(cache, f, memory_order_release);
  return f;
}

static void *_Atomic next_pthread_create, *_Atomic next_pthread_sigmask,
    *_Atomic next_sigprocmask;

// ---------------------------------------------------------------------------
// The stop signal stays open
// ---------------------------------------------------------------------------

// A thread that blocks STW_SIGNAL would hold every collection off: a
// program that blocks all signals in its workers (to take them with sigwait
// in one thread) blocks all but that one. As Boehm's GC_pthread_sigmask.
static const sigset_t *open_stop(int how, const sigset_t *set, sigset_t *copy) {
  if (set == NULL || how == SIG_UNBLOCK || !sigismember(set, STW_SIGNAL))
    return set;
  *copy = *set;
  sigdelset(copy, STW_SIGNAL);
  return copy;
}

__attribute__((visibility("default"))) int
pthread_sigmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
  sigmask_fn *f =
      next_fn(&next_pthread_sigmask, (void *)__interceptor_pthread_sigmask,
              "pthread_sigmask");
  sigset_t copy;
  return f(how, open_stop(how, set, &copy), old);
}

__attribute__((visibility("default"))) int
sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
  sigmask_fn *f = next_fn(&next_sigprocmask, (void *)__interceptor_sigprocmask,
                          "sigprocmask");
  sigset_t copy;
  return f(how, open_stop(how, set, &copy), old);
}

// unblock_stop opens STW_SIGNAL on a thread that inherited it blocked.
static void unblock_stop(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, STW_SIGNAL);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

// ---------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------

// A thread on its way to the start routine.
typedef struct cgo_thread {
  void *(*fn)(void *);
  void *arg;
} cgo_thread;

static void *cgo_start(void *p) {
  cgo_thread st = *(cgo_thread *)p;
  unblock_stop();
  gc_register_thread();
  escrt_free(p); // st is on a registered stack now
  return st.fn(st.arg);
}

__attribute__((visibility("default"))) int
pthread_create(pthread_t *restrict tid, const pthread_attr_t *restrict attr,
               void *(*fn)(void *), void *restrict arg) {
  pthread_create_fn *create =
      next_fn(&next_pthread_create, (void *)__interceptor_pthread_create,
              "pthread_create");
  if (tls_newosproc)
    return create(tid, attr, fn, arg);
  cgo_thread *st = escrt_malloc(sizeof *st);
  if (st == NULL)
    return EAGAIN;
  st->fn = fn;
  st->arg = arg;
  int err = create(tid, attr, cgo_start, st);
  if (err != 0)
    escrt_free(st);
  return err;
}

// ---------------------------------------------------------------------------
// A sanitizer's heap
// ---------------------------------------------------------------------------

typedef struct chunk {
  uintptr_t p; // 0: an empty slot
  size_t size;
} chunk;

static struct {
  mutex lock;
  chunk *v;
  size_t cap, len; // cap a power of two, len at most half of it
} chunks;

static size_t chunk_slot(uintptr_t p, size_t cap) {
  return (size_t)(((p >> 4) * 0x9e3779b97f4a7c15u) >> 16) & (cap - 1);
}

static void chunks_put(chunk *v, size_t cap, uintptr_t p, size_t size) {
  size_t i = chunk_slot(p, cap);
  while (v[i].p != 0)
    i = (i + 1) & (cap - 1);
  v[i] = (chunk){p, size};
}

static void chunks_grow(void) {
  size_t cap = chunks.cap == 0 ? 4096 : chunks.cap * 2;
  chunk *v = sys_alloc(cap * sizeof(chunk), PAGE_SIZE);
  if (v == NULL)
    fatal("out of memory (the sanitizer's chunks)");
  for (size_t i = 0; i < chunks.cap; i++)
    if (chunks.v[i].p != 0)
      chunks_put(v, cap, chunks.v[i].p, chunks.v[i].size);
  if (chunks.v != NULL)
    munmap(chunks.v, chunks.cap * sizeof(chunk));
  chunks.v = v;
  chunks.cap = cap;
}

// chunks_del removes p, shifting back the entries after it that their probe
// would no longer reach (Knuth's algorithm R): no tombstones.
static void chunks_del(uintptr_t p) {
  size_t mask = chunks.cap - 1, i = chunk_slot(p, chunks.cap);
  for (; chunks.v[i].p != p; i = (i + 1) & mask)
    if (chunks.v[i].p == 0)
      return; // allocated before the hooks were called: not ours
  chunks.len--;
  for (size_t j = i;;) {
    chunks.v[i].p = 0;
    size_t k;
    do {
      j = (j + 1) & mask;
      if (chunks.v[j].p == 0)
        return;
      k = chunk_slot(chunks.v[j].p, chunks.cap);
    } while (i <= j ? i < k && k <= j : i < k || k <= j);
    chunks.v[i] = chunks.v[j];
    i = j;
  }
}

__attribute__((visibility("default"))) void
__sanitizer_malloc_hook(const volatile void *ptr, size_t size) {
  if (ptr == NULL)
    return;
  mutex_lock(&chunks.lock);
  if (2 * (chunks.len + 1) > chunks.cap)
    chunks_grow();
  chunks_put(chunks.v, chunks.cap, (uintptr_t)ptr, size);
  chunks.len++;
  mutex_unlock(&chunks.lock);
}

__attribute__((visibility("default"))) void
__sanitizer_free_hook(const volatile void *ptr) {
  if (ptr == NULL)
    return;
  mutex_lock(&chunks.lock);
  if (chunks.len > 0)
    chunks_del((uintptr_t)ptr);
  mutex_unlock(&chunks.lock);
}

void sanitizer_chunks_each(void (*fn)(uintptr_t lo, uintptr_t hi)) {
  mutex_lock(&chunks.lock);
  for (size_t i = 0; i < chunks.cap; i++)
    if (chunks.v[i].p != 0)
      fn(chunks.v[i].p, chunks.v[i].p + chunks.v[i].size);
  mutex_unlock(&chunks.lock);
}

// Around fork: no chunk is half inserted, and the child's lock is free.
static void chunks_lock(void) { mutex_lock(&chunks.lock); }
static void chunks_unlock(void) { mutex_unlock(&chunks.lock); }

// ---------------------------------------------------------------------------
// The main thread
// ---------------------------------------------------------------------------

// Before the program's own constructors (101 is the first priority not
// reserved to the implementation): one of them may start a thread that
// collects.
__attribute__((constructor(101))) static void cgo_init(void) {
  pthread_atfork(chunks_lock, chunks_unlock, chunks_unlock);
  unblock_stop();
  gc_register_thread();
}

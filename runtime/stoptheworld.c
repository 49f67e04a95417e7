// Stopping the world: the threads the collector knows, and how it stops
// them (Boehm's pthread_stop_world.c, in Go's terms).
//
// A thread is registered (gcthread, runtime.h) the first time it allocates
// a collected object, when it becomes an M of the scheduler, or when it
// calls escrt_gc_register_thread; a key's destructor removes it when it
// exits. Registration records what the collector will scan of it: its own
// stack's bounds (pthread_getattr_np), its modules' thread-local blocks
// (dl_iterate_phdr's dlpi_tls_data, the calling thread's instance of each
// PT_TLS segment), its descriptor when that is not on its stack (glibc's
// struct pthread, at pthread_self(), which holds pthread_setspecific's
// values for the first 32 keys: the main thread's) and, under
// AddressSanitizer, its fake stack (runtime.h asan_fake_stack), which only
// the thread itself can name. It also gives
// the thread a signal stack, unless it has one: an M may be on a 2 KB
// goroutine stack when the signal comes, and the kernel's signal frame
// alone is larger than that. A program linked by escape-cc registers every
// thread as it starts (cgo.c); the runtime's own threads start through
// newosproc.
//
// stop_the_world sends STW_SIGNAL to every registered thread but the
// caller and waits until each has said where it stopped. The handler
// records the interrupted stack pointer and the signal's context (every
// register the thread had) and waits on a futex for start_the_world. A
// signal interrupts a loop without calls and a thread inside the C library
// alike, so nothing can hold a collection off, except a runtime lock or the
// collected allocator's fast path: a thread inside one of those (tls_nostop,
// runtime.h) only notes the request, and stops itself when it leaves the
// last one, with its registers spilled onto its stack (the system stack,
// when it runs a goroutine). So while the world
// is stopped no stopped thread holds a runtime lock or is half way through
// changing a span, and the collector may take any lock and read every span.
#define _GNU_SOURCE
#include "runtime.h"

#include "escape/go.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

// The signal stack a registered thread gets: the kernel's frame (up to
// 3.5 KB with AVX-512 state) and the handler's.
#define ALTSTACK_SIZE (64 * 1024)

__thread int tls_nostop __attribute__((tls_model("initial-exec")));
__thread volatile int tls_stop_pending
    __attribute__((tls_model("initial-exec")));
__thread gcthread *tls_gcthread __attribute__((tls_model("initial-exec")));
__thread bool tls_newosproc __attribute__((tls_model("initial-exec")));

gcthread *gc_threads;

static struct {
  mutex lock;               // the thread list; held for the whole stop
  pthread_key_t key;        // its destructor unregisters an exiting thread
  gcthread *free;           // records of exited threads, for reuse
  _Atomic uint32_t gen;     // odd while the world is stopped
  _Atomic uint32_t pending; // threads yet to stop
  // The size of the C library's thread descriptor: glibc's, exported for
  // libthread_db; 0 elsewhere, where descriptors are not scanned.
  uint32_t descriptor_size;
} stw;

// ---------------------------------------------------------------------------
// Stopping one thread
// ---------------------------------------------------------------------------

// suspend records where thread t stopped and waits for the world to start.
static void suspend(gcthread *t, uintptr_t sp, const void *ctx, size_t n) {
  uint32_t gen = atomic_load(&stw.gen);
  t->sp = sp;
  t->ctx = ctx;
  t->ctx_size = n;
  t->m = tls_m;
  // A fake stack made after registration (compilers' "always" mode of
  // use-after-return makes it at the first fake frame); on a thread that
  // runs goroutines the current one may be a goroutine's.
  if (t->fake_stack == NULL && t->m == NULL)
    t->fake_stack = asan_fake_stack();
  if (atomic_fetch_sub(&stw.pending, 1) == 1)
    futexwakeup(&stw.pending, 1);
  while (atomic_load(&stw.gen) == gen)
    futexsleep(&stw.gen, gen, -1);
}

static uintptr_t context_sp(const ucontext_t *uc) {
#if defined(__x86_64__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
  return (uintptr_t)uc->uc_mcontext.sp;
#else
#error "stoptheworld.c: the stack pointer of a signal context on this machine"
#endif
}

static void stop_handler(int sig, siginfo_t *info, void *uctx) {
  (void)sig, (void)info;
  int saved = errno;
  gcthread *t = tls_gcthread;
  if (t != NULL) {
    if (tls_nostop > 0)
      tls_stop_pending = 1; // nostop_leave stops it
    else
      suspend(t, context_sp(uctx), uctx, sizeof(ucontext_t));
  }
  errno = saved;
}

static NOINLINE void stop_here(void *arg) {
  (void)arg;
  __builtin_unwind_init(); // the registers onto the stack, scanned from here
  suspend(tls_gcthread, (uintptr_t)__builtin_frame_address(0), NULL, 0);
}

// stw_stop_deferred stops the calling thread, which put a stop request off
// until it left its last runtime lock. On a goroutine, it stops on the
// system stack: the goroutine's has only its guard's room to spare (and the
// collector scans all of a goroutine whose thread is elsewhere).
void stw_stop_deferred(void) {
  tls_stop_pending = 0;
  if (tls_g != NULL)
    escrt_systemstack(stop_here, NULL);
  else
    stop_here(NULL);
}

// ---------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------

// stop_the_world stops every registered thread but the caller, which is
// registered or is the collector's worker (mgc.c). It returns with the
// thread list locked, until start_the_world.
void stop_the_world(void) {
  gcthread *self = tls_gcthread;
  mutex_lock(&stw.lock);
  atomic_fetch_add(&stw.gen, 1);
  uint32_t n = 0;
  for (gcthread *t = gc_threads; t != NULL; t = t->next)
    if (t != self)
      n++;
  atomic_store(&stw.pending, n);
  for (gcthread *t = gc_threads; t != NULL; t = t->next) {
    if (t == self)
      continue;
    int err = pthread_kill(t->tid, STW_SIGNAL);
    if (err != 0) // gone without its destructor (it cannot be: a bug)
      throw("stop the world: a registered thread cannot be signalled");
  }
  uint32_t left;
  while ((left = atomic_load(&stw.pending)) != 0)
    futexsleep(&stw.pending, left, -1);
}

void start_the_world(void) {
  atomic_fetch_add(&stw.gen, 1);
  futexwakeup(&stw.gen, INT_MAX);
  mutex_unlock(&stw.lock);
}

// ---------------------------------------------------------------------------
// Registering threads
// ---------------------------------------------------------------------------

static int add_tls_block(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  gcthread *t = arg;
  if (info->dlpi_tls_data == NULL)
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_TLS || t->ntls == GC_TLS_MAX)
      continue;
    uintptr_t lo = (uintptr_t)info->dlpi_tls_data;
    t->tls[t->ntls][0] = lo;
    t->tls[t->ntls][1] = lo + ph->p_memsz;
    t->ntls++;
  }
  return 0;
}

// give_altstack gives the calling thread a signal stack unless it has one.
static void *give_altstack(void) {
  stack_t old;
  if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
    return NULL;
  void *mem = sys_alloc(ALTSTACK_SIZE, PAGE_SIZE);
  if (mem == NULL)
    fatal("out of memory (signal stack)");
  stack_t ss = {.ss_sp = mem, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0)
    throw("sigaltstack failed");
  return mem;
}

static void unregister_thread(void *arg) {
  gcthread *t = arg;
  gccache_drop(t);
  mutex_lock(&stw.lock);
  for (gcthread **pp = &gc_threads; *pp != NULL; pp = &(*pp)->next)
    if (*pp == t) {
      *pp = t->next;
      break;
    }
  tls_gcthread = NULL;
  void *alt = t->altstack;
  t->next = stw.free;
  stw.free = t;
  mutex_unlock(&stw.lock);
  if (alt != NULL) {
    stack_t ss = {.ss_flags = SS_DISABLE};
    sigaltstack(&ss, NULL);
    munmap(alt, ALTSTACK_SIZE);
  }
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

// Around fork: the thread list is locked, so that no collection is half
// way; the child keeps the one thread it has.
static void before_fork(void) { mutex_lock(&stw.lock); }

static void after_fork_parent(void) { mutex_unlock(&stw.lock); }

static void after_fork_child(void) {
  gc_threads = tls_gcthread;
  if (gc_threads != NULL)
    gc_threads->next = NULL;
  mutex_unlock(&stw.lock);
}

static void init(void) {
  const uint32_t *size = dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread");
  stw.descriptor_size = size != NULL ? *size : 0;
  pthread_atfork(before_fork, after_fork_parent, after_fork_child);
  if (pthread_key_create(&stw.key, unregister_thread) != 0)
    throw("pthread_key_create failed");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = stop_handler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
  sigfillset(&sa.sa_mask);
  if (sigaction(STW_SIGNAL, &sa, NULL) != 0)
    throw("sigaction failed");
}

void stw_init(void) { pthread_once(&init_once, init); }

// gc_register_thread registers the calling thread, if it is not yet, and
// returns its record. It must not run on a goroutine's stack.
gcthread *gc_register_thread(void) {
  gcthread *t = tls_gcthread;
  if (t != NULL)
    return t;
  stw_init();
  mutex_lock(&stw.lock);
  t = stw.free;
  if (t != NULL)
    stw.free = t->next;
  mutex_unlock(&stw.lock);
  if (t == NULL && (t = persistent_alloc(sizeof *t)) == NULL)
    fatal("out of memory");
  memset(t, 0, sizeof *t);
  t->tid = pthread_self();
  pthread_attr_t attr;
  void *lo;
  size_t size;
  if (pthread_getattr_np(t->tid, &attr) != 0 ||
      pthread_attr_getstack(&attr, &lo, &size) != 0)
    throw("pthread_getattr_np failed");
  pthread_attr_destroy(&attr);
  t->stack_lo = (uintptr_t)lo;
  t->stack_hi = (uintptr_t)lo + size;
  dl_iterate_phdr(add_tls_block, t);
  uintptr_t self = (uintptr_t)t->tid;
  if (stw.descriptor_size != 0 && t->ntls < GC_TLS_MAX &&
      (self < t->stack_lo || self >= t->stack_hi)) {
    t->tls[t->ntls][0] = self;
    t->tls[t->ntls][1] = self + stw.descriptor_size;
    t->ntls++;
  }
  t->fake_stack = asan_fake_stack();
  t->altstack = give_altstack();
  for (int k = 0; k < GC_KINDS; k++)
    for (int c = 0; c < NUM_SIZE_CLASSES; c++)
      t->alloc[k][c] = &empty_mspan;
  mutex_lock(&stw.lock);
  t->next = gc_threads;
  gc_threads = t;
  tls_gcthread = t;
  mutex_unlock(&stw.lock);
  pthread_setspecific(stw.key, t);
  return t;
}

void escrt_gc_register_thread(void) {
  if (tls_g != NULL)
    fatal("escrt_gc_register_thread called on a goroutine");
  gc_register_thread();
}

int newosproc(void *(*fn)(void *), void *arg, size_t stacksize) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (stacksize != 0)
    pthread_attr_setstacksize(&attr, stacksize);
  pthread_t tid;
  tls_newosproc = true;
  int err = pthread_create(&tid, &attr, fn, arg);
  tls_newosproc = false;
  pthread_attr_destroy(&attr);
  return err;
}

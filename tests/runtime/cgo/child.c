// The programs check_cgo runs: linked as escape-cc links an executable,
// with the whole of libescrt-cc.a (cgo-child-nosan: no sanitizer) or of
// libescrt-cc-nomalloc.a (cgo-child: AddressSanitizer and UBSan), and a
// shared library linked as escape-cc links one (lib.c).
//
// usage: cgo-child COMMAND; it prints what it saw and exits 0, or says what
// went wrong and exits 1.
//
//   malloc      which heap serves C's allocation functions: "span heap"
//               (each one checked with escrt_usable_size, which stops the
//               program on a pointer the heap did not return) or "not the
//               span heap"
//   thread      a thread from pthread_create that never allocates a
//               collected object holds the only pointer to one, in a local,
//               through collections: "kept", then, once it exits, "freed"
//   thread-blocks-signals  the same, the holder having blocked every signal
//               (pthread_sigmask) as a program that takes its signals with
//               sigwait in one thread does: the collection is not held off
//   malloc-object  the same, the pointer in an object from malloc (the
//               sanitizer's, under one): "kept", then, once freed, "freed"
//   fake-frame  the same, the pointer in a local that AddressSanitizer put in
//               a fake frame (detect_stack_use_after_return=1);
//               fake-frame-main has the collecting thread hold it: "kept"
//   shared-lib LIBRARY
//               lib.c, loaded with dlopen: its escrt_new is this
//               executable's, and so is the heap it allocates from: "the
//               executable's heap"
//
// The object comes from a thread of its own, which exits before the holder
// takes the pointer, through memory from mmap, which the collector does not
// scan: no stale copy is left where the collector looks, so an object the
// holder does not keep alive is freed (objects_freed counts it), and the
// only collected object of the program is the one under test.
#define _GNU_SOURCE
#include "escape/gc.h"
#include "escape/malloc.h"

#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif
#ifdef ASAN
#include <sanitizer/asan_interface.h>
#endif

#define NOINLINE __attribute__((noinline))

static int fail(const char *why) {
  printf("%s\n", why);
  return 1;
}

// ---------------------------------------------------------------------------
// malloc
// ---------------------------------------------------------------------------

// The allocation functions, each once; the count of what is allocated.
enum { NALLOC = 11 };

static void alloc_all(void *p[NALLOC]) {
  p[0] = malloc(24);
  p[1] = calloc(3, 40);
  p[2] = realloc(NULL, 300);
  p[3] = reallocarray(NULL, 5, 70);
  if (posix_memalign(&p[4], 64, 100) != 0)
    p[4] = NULL;
  p[5] = aligned_alloc(256, 512);
  p[6] = memalign(128, 200);
  p[7] = valloc(5000);
  p[8] = pvalloc(100);
  p[9] = strdup("the C library calls malloc");
  size_t n = 0;
  p[10] = NULL; // getline allocates inside the C library
  FILE *f = fmemopen("a line\n", 7, "r");
  if (f == NULL || getline((char **)&p[10], &n, f) < 0)
    p[10] = NULL;
  if (f != NULL)
    fclose(f);
}

static int check_malloc(void) {
  void *p[NALLOC];
  escrt_memstats before, after;
  escrt_read_memstats(&before);
  alloc_all(p);
  escrt_read_memstats(&after);
  for (int i = 0; i < NALLOC; i++)
    if (p[i] == NULL)
      return fail("an allocation returned NULL");
  uint64_t n = after.mallocs - before.mallocs;
  if (n == 0) {
    printf("not the span heap\n");
  } else if (n >= NALLOC) {
    for (int i = 0; i < NALLOC; i++)
      if (malloc_usable_size(p[i]) != escrt_usable_size(p[i]))
        return fail("malloc_usable_size is not the span heap's");
    printf("span heap\n");
  } else {
    printf("only %d of %d allocations on the span heap\n", (int)n, NALLOC);
    return 1;
  }
  for (int i = 0; i < NALLOC; i++)
    free(p[i]);
  return 0;
}

// ---------------------------------------------------------------------------
// The object and the mailbox
// ---------------------------------------------------------------------------

static _Atomic uintptr_t *mailbox; // mmap'd: not a root
static sem_t made, taken, drop;

static void *allocate(void *arg) {
  (void)arg;
  char *o = escrt_new(64);
  strcpy(o, "alive");
  atomic_store(mailbox, (uintptr_t)o);
  return NULL;
}

// make_object leaves a new collected object's address in the mailbox.
static void make_object(void) {
  mailbox = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  pthread_t t;
  pthread_create(&t, NULL, allocate, NULL);
  pthread_join(t, NULL);
}

static uint64_t freed(void) {
  escrt_gcstats st;
  escrt_read_gcstats(&st);
  return st.objects_freed;
}

// collect collects twice, and reports how many objects the program's
// collections freed in all.
static uint64_t collect(void) {
  escrt_gc();
  escrt_gc();
  return freed();
}

// ---------------------------------------------------------------------------
// thread, fake-frame
// ---------------------------------------------------------------------------

#ifdef ASAN
static bool in_fake_frame(void *p) {
  return __asan_addr_is_in_fake_stack(__asan_get_current_fake_stack(), p, NULL,
                                      NULL) != NULL;
}
#endif

// hold_in_local keeps the object in a volatile local until drop.
static NOINLINE void hold_in_local(void) {
  sem_wait(&made);
  char *volatile held = (char *)atomic_exchange(mailbox, 0);
  sem_post(&taken);
  sem_wait(&drop);
  if (strcmp(held, "alive") != 0)
    printf("the object changed: \"%.8s\"\n", held);
  held = NULL;
}

// hold_in_fake_frame keeps it in an array whose address is taken, which
// AddressSanitizer puts in a fake frame.
static NOINLINE void hold_in_fake_frame(void) {
  char *volatile held[4] = {0};
#ifdef ASAN
  if (!in_fake_frame((void *)held))
    printf("not in a fake frame: detect_stack_use_after_return is off\n");
#endif
  sem_wait(&made);
  held[1] = (char *)atomic_exchange(mailbox, 0);
  sem_post(&taken);
  sem_wait(&drop);
  if (strcmp(held[1], "alive") != 0)
    printf("the object changed: \"%.8s\"\n", held[1]);
  held[1] = NULL;
}

static void *holder(void *arg) {
  ((void (*)(void))arg)();
  return NULL;
}

static NOINLINE void hold_with_signals_blocked(void) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  hold_in_local();
}

static int check_thread(void (*hold)(void)) {
  sem_init(&made, 0, 0);
  sem_init(&taken, 0, 0);
  sem_init(&drop, 0, 0);
  pthread_t h; // before the allocator: it cannot reuse that thread's stack
  pthread_create(&h, NULL, holder, (void *)hold);
  make_object();
  sem_post(&made);
  sem_wait(&taken);
  uint64_t n = collect();
  printf("%s\n", n == 0 ? "kept" : "not kept");
  sem_post(&drop);
  pthread_join(h, NULL);
  n = collect();
  printf("%s\n", n == 1 ? "freed" : "not freed");
  return 0;
}

// An object from malloc holds it: the allocating thread leaves the box's
// address in the mailbox, and this thread never reads what the box holds.
typedef struct box {
  char *held;
} box;

static void *allocate_boxed(void *arg) {
  (void)arg;
  box *b = malloc(sizeof *b);
  b->held = escrt_new(64);
  strcpy(b->held, "alive");
  atomic_store(mailbox, (uintptr_t)b);
  return NULL;
}

static int check_malloc_object(void) {
  mailbox = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  pthread_t t;
  pthread_create(&t, NULL, allocate_boxed, NULL);
  pthread_join(t, NULL);
  box *b = (box *)atomic_exchange(mailbox, 0);
  uint64_t n = collect();
  printf("%s\n", n == 0 ? "kept" : "not kept");
  free(b);
  n = collect();
  printf("%s\n", n == 1 ? "freed" : "not freed");
  return 0;
}

// The collecting thread holds it: the collector scans its own fake frames.
static NOINLINE int check_fake_frame_main(void) {
  char *volatile held[4] = {0};
#ifdef ASAN
  if (!in_fake_frame((void *)held))
    printf("not in a fake frame: detect_stack_use_after_return is off\n");
#endif
  make_object();
  held[1] = (char *)atomic_exchange(mailbox, 0);
  uint64_t n = collect();
  printf("%s\n", n == 0 && strcmp(held[1], "alive") == 0 ? "kept" : "not kept");
  held[1] = NULL;
  return 0;
}

// ---------------------------------------------------------------------------
// shared-lib
// ---------------------------------------------------------------------------

// The library is loaded as a plugin is, after the executable was linked:
// only the executable's export list can bind it to this runtime. An object
// from another heap would stop the program in escrt_usable_size.
static int check_shared_lib(const char *path) {
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL)
    return fail(dlerror());
  void *(*lib_escrt_new)(void) = (void *(*)(void))dlsym(lib, "lib_escrt_new");
  void *(*lib_allocate)(void) = (void *(*)(void))dlsym(lib, "lib_allocate");
  if (lib_escrt_new == NULL || lib_allocate == NULL)
    return fail("the library lacks lib_escrt_new or lib_allocate");
  if (lib_escrt_new() != (void *)escrt_new)
    return fail("the library's escrt_new is not the executable's");
  if (escrt_usable_size(lib_allocate()) < 64)
    return fail("the library's object is too small");
  printf("the executable's heap\n");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2) {
    fprintf(stderr, "usage: cgo-child COMMAND [LIBRARY]\n");
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "malloc") == 0)
    return check_malloc();
  if (strcmp(cmd, "thread") == 0)
    return check_thread(hold_in_local);
  if (strcmp(cmd, "thread-blocks-signals") == 0)
    return check_thread(hold_with_signals_blocked);
  if (strcmp(cmd, "malloc-object") == 0)
    return check_malloc_object();
  if (strcmp(cmd, "fake-frame") == 0)
    return check_thread(hold_in_fake_frame);
  if (strcmp(cmd, "fake-frame-main") == 0)
    return check_fake_frame_main();
  if (strcmp(cmd, "shared-lib") == 0 && argc == 3)
    return check_shared_lib(argv[2]);
  fprintf(stderr, "cgo-child: unknown command %s\n", cmd);
  return 2;
}

// escape/go.h: goroutines, channels, select and synchronization.
//
// Go's concurrency, as Go's runtime provides it (proc.go, stack.go, chan.go,
// select.go, sync), for C programs. Goroutines are cheap: each starts on a
// 2 KB stack that grows by copying when it runs short, and the runtime
// multiplexes them on GOMAXPROCS threads (default: the number of cores).
//
//   static void worker(void *arg) { ... escrt_chan_send(results, &v); }
//   static void gomain(void *arg) {
//     for (int i = 0; i < 8; i++) escrt_go(worker, jobs[i]);
//     ...
//   }
//   int main(void) { escrt_main(gomain, NULL); }
//
// With clang's Blocks (-fblocks, and libBlocksRuntime: -lBlocksRuntime,
// which pkg-config escrt and the CMake package add), a goroutine is a
// closure, as Go's go func() { ... }():
//
//   for (int i = 0; i < 8; i++)
//     escrt_go_block(^{ escrt_chan_send(results, &(long){work(i)}); });
//
// GCC has no blocks: it sees none of the _block functions.
//
// Every function with pointer parameters carries the escape annotations
// of escape/annotate.h that say what it keeps, for escape-check.
//
// The stack contract. A goroutine's stack moves when it grows or shrinks:
// the runtime copies it and rewrites every word of it that points into the
// old stack, and the saved registers. That is sound because nothing outside
// a goroutine's own stack may hold a pointer into it: no global, no heap
// object, no other goroutine's stack, no other thread. escape-check finds
// the code that breaks this (a local whose address escapes), and escape-cc
// moves such locals to the heap. Passing the address of a local to a
// callee, storing it in another local, and sending a copy of a local on a
// channel are all fine; storing &local in a global, a heap object or a
// channel is not. Integers that happen to equal an address in the old
// stack are rewritten too (the copy is conservative), and so would be a
// stale stack address left in the unwritten bytes of a partly written
// local: compile code that runs on goroutines with
// -ftrivial-auto-var-init=zero, and link it with -Wl,-z,now (a lazily
// bound call runs the dynamic linker's resolver, which needs more stack
// than a goroutine has). pkg-config escrt and the CMake target add both.
//
// Growth is checked where ESCRT_STACK_CHECK() is written (escape-cc inserts
// it at every function entry): a compare of the stack pointer against the
// goroutine's guard. Code compiled without checks (the C library, other
// libraries) must not run on a goroutine stack with less than it needs:
// call it through escrt_systemstack, which runs it on the thread's own
// large stack, or reserve room first with ESCRT_STACK_RESERVE(bytes).
//
// Misuse stops the program with Go's message and exit status 2:
// "panic: send on closed channel", "panic: close of closed channel",
// "panic: close of nil channel", "fatal error: all goroutines are asleep -
// deadlock!", "fatal error: stack overflow".
#ifndef ESCAPE_GO_H
#define ESCAPE_GO_H

#include <escape/annotate.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

// ---------------------------------------------------------------------------
// Goroutines
// ---------------------------------------------------------------------------

// escrt_main runs fn(arg) as the main goroutine and ends the program with
// exit(0) when it returns, as Go's main does: other goroutines are not
// waited for. GOMAXPROCS in the environment sets the number of threads that
// run goroutines at once.
_Noreturn void escrt_main(void (*fn)(void *), void *arg ESC_ARG_OF(1));

// escrt_run runs fn(arg) as a main goroutine and returns when it returns.
// Other goroutines it started go on running, or stay blocked. It may be
// called again, and from several threads at once.
void escrt_run(void (*fn)(void *), void *arg ESC_ARG_OF(1));

// escrt_go starts fn(arg) in a new goroutine (Go's go statement). arg
// escapes: it must not point into the caller's stack.
void escrt_go(void (*fn)(void *), void *arg ESC_THREAD);

#if defined(__BLOCKS__) && !defined(ESCRT_GOBLOCK_IMPL)
// escrt_go_block runs the block fn in a new goroutine (Go's go func()
// {...}()): it runs a copy of fn, made as Block_copy makes one, and drops
// the copy when fn returns. What fn captures by value is scanned by the
// collector while the goroutine lives. The __block variables and blocks it
// captures live where libBlocksRuntime puts them, in C's malloc memory,
// which plain libescrt does not scan (escape/gc.h): do not keep the only
// pointer to a collected object there (a program escape-cc linked may). A
// NULL fn panics: "go of nil func value". fn itself is not kept: what it
// captured is handed to the goroutine (escape-check models the copy).
void escrt_go_block(void (^fn)(void) ESC_NOESCAPE);
// escrt_run_block and escrt_main_block are escrt_run and escrt_main with a
// block for the main goroutine.
void escrt_run_block(void (^fn)(void) ESC_NOESCAPE);
_Noreturn void escrt_main_block(void (^fn)(void) ESC_NOESCAPE);
#endif

// escrt_gosched yields the processor to other goroutines (runtime.Gosched).
void escrt_gosched(void);

// escrt_sleep parks the calling goroutine for at least ns nanoseconds
// (time.Sleep). ns <= 0 returns at once.
void escrt_sleep(int64_t ns);

// escrt_gomaxprocs returns the number of goroutines that can run at once.
int escrt_gomaxprocs(void);

// escrt_goid returns the calling goroutine's id (the main goroutine of the
// first escrt_main or escrt_run is 1), or 0 outside goroutines.
int64_t escrt_goid(void);

// escrt_numgoroutine returns the number of goroutines that exist.
int64_t escrt_numgoroutine(void);

// escrt_systemstack runs fn(arg) on the thread's own stack (megabytes
// deep), for code compiled without stack checks: the C library, other
// libraries. fn must not block on channels or call escrt_gosched; a
// blocking system call is fine (it holds its thread). Outside goroutines it
// just calls fn(arg).
void escrt_systemstack(void (*fn)(void *), void *arg ESC_ARG_OF(1));

// escrt_set_max_stack sets the largest stack a goroutine may have, in
// bytes, and returns the previous limit (Go's debug.SetMaxStack; the
// default is 1,000,000,000). A goroutine that needs more stops the program
// with "runtime: goroutine stack exceeds N-byte limit" and "fatal error:
// stack overflow".
size_t escrt_set_max_stack(size_t bytes);

// ---------------------------------------------------------------------------
// Stack checks
// ---------------------------------------------------------------------------

// escrt_stackguard is the running goroutine's stack guard: the stack
// pointer must stay above it on function entry. 0 outside goroutines.
extern __thread uintptr_t escrt_stackguard
    __attribute__((tls_model("initial-exec")));

// escrt_morestack grows the running goroutine's stack (copying it) so that
// at least need bytes are free below the stack pointer, plus the guard; or,
// when the runtime has asked the goroutine to yield (it has run for 10 ms:
// the guard was set so that the check fails), yields.
void escrt_morestack(size_t need);

static inline __attribute__((always_inline)) uintptr_t escrt_sp_(void) {
#if defined(__x86_64__)
  uintptr_t sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  return sp;
#else
  return (uintptr_t)__builtin_frame_address(0);
#endif
}

// ESCRT_STACK_RESERVE(n) makes sure n bytes of stack are free before a call
// into code without checks (or with a large frame).
#define ESCRT_STACK_RESERVE(n)                                                 \
  do {                                                                         \
    if (__builtin_expect(escrt_sp_() - (uintptr_t)(n) < escrt_stackguard, 0))  \
      escrt_morestack((size_t)(n));                                            \
  } while (0)

// ESCRT_STACK_CHECK() is the function prologue check: Go's morestack
// compare. It runs once the function's frame is allocated, so it covers
// frames up to ESCRT_STACK_SMALL bytes; before calling a function with a
// larger frame, reserve its size with ESCRT_STACK_RESERVE.
#define ESCRT_STACK_CHECK() ESCRT_STACK_RESERVE(0)
#define ESCRT_STACK_SMALL 256

// ---------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------

typedef struct escrt_chan escrt_chan;

// escrt_chan_make makes a channel of elements of elemsize bytes with a
// buffer of cap elements (0: unbuffered), as make(chan T, cap).
escrt_chan *escrt_chan_make(size_t elemsize, size_t cap);

// escrt_chan_free frees a channel no goroutine is using or waiting on.
void escrt_chan_free(escrt_chan *c ESC_NOESCAPE);

// escrt_chan_send sends the element at elem (c <- *elem), blocking until a
// receiver takes it or there is room in the buffer. A nil c blocks forever.
void escrt_chan_send(escrt_chan *c ESC_NOESCAPE, const void *elem ESC_SEND);

// escrt_chan_recv receives into elem (elem may be NULL to drop the value):
// v, ok := <-c. It returns false when c is closed and drained, having
// zeroed *elem. A nil c blocks forever.
bool escrt_chan_recv(escrt_chan *c ESC_NOESCAPE, void *elem ESC_RECV);

// escrt_chan_close closes c: receivers drain the buffer, then get zero.
void escrt_chan_close(escrt_chan *c ESC_NOESCAPE);

// len(c) and cap(c); both are 0 for a nil channel.
size_t escrt_chan_len(escrt_chan *c ESC_NOESCAPE);
size_t escrt_chan_cap(escrt_chan *c ESC_NOESCAPE);

// ---------------------------------------------------------------------------
// Select
// ---------------------------------------------------------------------------

enum { ESCRT_SELECT_SEND = 1, ESCRT_SELECT_RECV = 2 };

// escrt_select_case is one case of a select statement: a send of *elem on
// chan, or a receive into elem (NULL drops the value). A nil chan is a case
// that is never ready. ok is set for the receive chosen: false when its
// channel was closed and drained.
typedef struct escrt_select_case {
  escrt_chan *chan;
  int dir; // ESCRT_SELECT_SEND or ESCRT_SELECT_RECV
  void *elem;
  bool ok;
} escrt_select_case;

// escrt_select runs a select statement over n cases. With block false it
// has a default case: it returns -1 when no case is ready. Otherwise it
// returns the index of the case that proceeded, chosen uniformly at random
// among the ready ones. n may be 0: a blocking empty select blocks forever.
//
// select keeps no case. What a send case sends is the content of *elem,
// two levels below cases, and a receive case stores a value sent by
// another goroutine there, which no annotation can say: escape-check
// models escrt_select itself (analyzer/libc.c's word S).
int escrt_select(escrt_select_case *cases ESC_NOESCAPE, int n, bool block);

// ---------------------------------------------------------------------------
// Synchronization (Go's sync package). All are ready when zeroed.
// ---------------------------------------------------------------------------

// A waiter queue: goroutines parked on one synchronization object.
typedef struct escrt_sema {
  uint32_t lock;
  uint32_t count;
  void *head, *tail;
} escrt_sema;

typedef struct escrt_mutex {
  uint32_t state; // locked flag and count of waiters
  escrt_sema sema;
} escrt_mutex;

// A goroutine parked on a mutex, waitgroup or once is queued inside it; none
// of them keeps a pointer once it returns.
void escrt_mutex_lock(escrt_mutex *m ESC_NOESCAPE);
bool escrt_mutex_trylock(escrt_mutex *m ESC_NOESCAPE);
// Unlocking an unlocked mutex stops the program:
// "fatal error: sync: unlock of unlocked mutex".
void escrt_mutex_unlock(escrt_mutex *m ESC_NOESCAPE);

typedef struct escrt_waitgroup {
  uint64_t state; // counter (high 32 bits) and waiters (low 32 bits)
  escrt_sema sema;
} escrt_waitgroup;

// A negative counter stops the program: "panic: sync: negative WaitGroup
// counter".
void escrt_waitgroup_add(escrt_waitgroup *wg ESC_NOESCAPE, int delta);
void escrt_waitgroup_done(escrt_waitgroup *wg ESC_NOESCAPE);
void escrt_waitgroup_wait(escrt_waitgroup *wg ESC_NOESCAPE);

typedef struct escrt_once {
  uint32_t done;
  escrt_mutex m;
} escrt_once;

// escrt_once_do calls fn(arg) if no call on o has; every caller returns
// after that one call has returned.
void escrt_once_do(escrt_once *o ESC_NOESCAPE, void (*fn)(void *),
                   void *arg ESC_ARG_OF(2));

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif

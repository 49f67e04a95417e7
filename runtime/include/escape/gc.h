// escape/gc.h: the garbage collector's public interface.
//
// Objects from escrt_new and escrt_new_noscan are collected: nobody frees
// them (escrt_free of one stops the program); the collector frees them once
// nothing points into them. The collector is conservative and does not move
// objects: any aligned word that holds an address inside an allocated object
// (its first byte or any byte after) keeps the object alive. It looks for
// such words in
//   - the data and bss of the executable and of every shared library,
//   - the thread-local variables and pthread_setspecific values of
//     registered threads,
//   - the stacks and registers of registered threads, and the used part of
//     every goroutine's stack; under AddressSanitizer, the fake frames
//     (detect_stack_use_after_return) that a thread's stack and registers
//     point into,
//   - every object from escrt_malloc and friends that is not freed yet,
//   - and every collected object found so, except noscan ones.
// A thread is registered when it first calls escrt_new or escrt_new_noscan,
// when it runs goroutines, or by escrt_gc_register_thread: a thread that
// holds the only pointer to a collected object, and never allocated one,
// must register. Pointers kept only where the collector does not look
// (memory from mmap, from another allocator, hidden by arithmetic) do not
// keep objects alive.
//
// A program linked by escape-cc (libescrt-cc.a, runtime/cgo.c) needs none
// of this: every thread is registered as it starts, malloc and its family
// are escrt_malloc's, and under a sanitizer that keeps its own allocator,
// the sanitizer's malloc chunks are scanned as escrt_malloc's objects are.
//
// Collections stop every registered thread with a signal (SIGPWR), so a
// thread in a loop without calls or inside the C library cannot hold one
// off; a registered thread must not block SIGPWR. A thread's stop may
// interrupt a system call that does not restart (nanosleep returns EINTR).
//
// On Linux 6.7 and later, which can report the heap pages written since a
// given moment (userfaultfd's asynchronous write protection and the
// PAGEMAP_SCAN ioctl), the collector marks mostly while the program runs,
// on a thread of its own: it stops the world to scan the roots, marks with
// the world going, and stops it again to rescan the roots and the pages
// written meanwhile. While such a mark runs, the first write to each heap
// page costs a page fault (about a microsecond); system calls that write
// into the heap work as ever. Where the kernel cannot, with
// GODEBUG=gcstoptheworld=1, and for the collections that the heap's growth
// starts when the last one found under 4 MB live (whose mark is shorter
// than the two stops), the whole mark is one stop; escrt_gc marks
// concurrently whenever it can.
//
// Pacing is Go's: a collection must end before the collected heap reaches
// the live heap of the last collection times 1 + GOGC/100 (GOGC from the
// environment, 100 by default; "off" turns collections off), and never
// before 4 MB (scaled by GOGC/100): a concurrent one starts early enough
// (Go's trigger), and an allocation that reaches the goal while one runs
// waits for it. GODEBUG=gctrace=1 prints one line per collection on
// stderr, in Go's format:
//
//   gc 1 @0.019s 1%: 0.012+1.2+0.005 ms clock, 0.024+0/1.2/0+0.010 ms cpu,
//   4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
//
// (one line), "(forced)" at the end for escrt_gc: the first stop, the mark
// and the second stop (a mark with the world stopped: the stop, the mark
// and the restart), their CPU time, the heap before, at the end of marking
// and live after, the goal, the stacks and globals scanned, and GOMAXPROCS.
#ifndef ESCAPE_GC_H
#define ESCAPE_GC_H

#include <escape/annotate.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

// escrt_new (escape/malloc.h) allocates a zeroed collected object that the
// collector scans for pointers. escrt_new_noscan allocates one it never
// scans: for memory that holds no pointers (strings, numbers), which is
// cheaper to collect and never keeps anything alive.
void *escrt_new(size_t size);
void *escrt_new_noscan(size_t size);

// escrt_gc runs a full collection and sweeps all of it before it returns
// (Go's runtime.GC).
void escrt_gc(void);

// escrt_set_gc_percent sets GOGC and returns the previous value (Go's
// debug.SetGCPercent); a negative value turns collections off.
int escrt_set_gc_percent(int percent);

// escrt_gc_register_thread registers the calling thread with the collector
// (see above); it must not be called on a goroutine.
void escrt_gc_register_thread(void);

// escrt_gcstats are the collector's statistics.
typedef struct escrt_gcstats {
  uint64_t cycles;            // collections completed
  uint64_t pause_total_ns;    // time the world was stopped, in all
  uint64_t pause_max_ns;      // the longest cycle's stops (both, if two)
  uint64_t heap_live;         // bytes of collected objects marked by the last
  uint64_t heap_alloc;        // bytes counted as allocated now (pacing)
  uint64_t heap_goal;         // where the next collection starts
  uint64_t bytes_freed;       // bytes of collected objects freed, in all
  uint64_t objects_freed;     // collected objects freed, in all
  uint64_t stacks_shrunk;     // goroutine stacks halved by collections
  uint64_t concurrent_cycles; // collections that marked with the world going
} escrt_gcstats;

void escrt_read_gcstats(escrt_gcstats *st ESC_NOESCAPE);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif

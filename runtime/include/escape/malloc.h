// escape/malloc.h: the runtime heap's public interface.
//
// The heap is a span allocator after Go's runtime (runtime/malloc.c tells
// the design): 8 KB pages, 67 size classes up to 32 KB, a per-thread cache
// that allocates and frees without a lock, a central free list per class
// and a page heap that serves large objects and returns idle memory to the
// operating system after a delay.
//
// Two families of allocation:
//   escrt_malloc and friends keep C's contract: on failure they return NULL
//   (or an error number) with errno = ENOMEM. build/lib/libescrt-malloc.so
//   exports them under C's names, so LD_PRELOAD puts any program on this heap.
//   escrt_new is the runtime's own allocation (Go's mallocgc): zeroed,
//   collected (escape/gc.h), and it never returns NULL; exhaustion stops
//   the program with "fatal error: out of memory".
//
// Freeing a pointer this heap did not return, a pointer into the middle of an
// object, or an object already freed stops the program with one line naming
// the address ("fatal error: free of ...") and exit status 2, in every build.
#ifndef ESCAPE_MALLOC_H
#define ESCAPE_MALLOC_H

#include <escape/annotate.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

// The heap's constants (runtime/sizeclasses.h derives the classes from them).
#define ESCRT_PAGE_SIZE 8192       // bytes in a heap page
#define ESCRT_MAX_SMALL_SIZE 32768 // largest object served from a size class
#define ESCRT_NUM_SIZE_CLASSES 68  // class 0 is the large-object class

// C's allocation functions. escrt_malloc(0) returns a unique pointer.
// escrt_realloc's result may be p itself.
void *escrt_malloc(size_t size);
void *escrt_calloc(size_t count, size_t size);
void *escrt_realloc(void *p ESC_RESULT, size_t size);
void escrt_free(void *p ESC_NOESCAPE);
size_t escrt_usable_size(const void *p ESC_NOESCAPE);

// Aligned allocation. alignment must be a power of two; escrt_aligned_alloc
// and escrt_memalign return NULL with errno = EINVAL otherwise, and
// escrt_posix_memalign returns EINVAL (or ENOMEM) and leaves *out alone.
void *escrt_aligned_alloc(size_t alignment, size_t size);
void *escrt_memalign(size_t alignment, size_t size);
int escrt_posix_memalign(void **out ESC_NOESCAPE, size_t alignment,
                         size_t size);

// escrt_new allocates size zeroed bytes that the garbage collector frees
// (escape/gc.h); it never returns NULL.
void *escrt_new(size_t size);

// escrt_thread_flush returns the calling thread's cached spans to the central
// lists, as thread exit does. The thread may go on allocating afterwards.
void escrt_thread_flush(void);

// escrt_release_memory returns every idle page to the operating system now
// (Go's debug.FreeOSMemory), instead of after the usual delay.
void escrt_release_memory(void);

// escrt_class_stats: one size class, as Go's MemStats.BySize.
typedef struct escrt_class_stats {
  uint32_t size;    // object size of the class (0 for large objects)
  uint64_t mallocs; // objects allocated, cumulative
  uint64_t frees;   // objects freed, cumulative
  uint64_t spans;   // spans of this class now in use
} escrt_class_stats;

// escrt_memstats: the heap's statistics in the spirit of Go's
// runtime.MemStats. Byte counts are of the heap's own memory: the arenas.
typedef struct escrt_memstats {
  uint64_t heap_alloc;    // bytes of allocated objects (rounded to their class)
  uint64_t heap_sys;      // bytes of heap memory obtained from the OS
  uint64_t heap_inuse;    // bytes in spans in use (objects or stacks)
  uint64_t heap_idle;     // bytes in free spans, released or not
  uint64_t heap_released; // bytes of idle spans returned to the OS
  uint64_t heap_objects;  // objects allocated and not yet freed
  uint64_t stack_inuse;   // bytes in spans handed out for stacks (manual)
  uint64_t mallocs;       // objects allocated, cumulative
  uint64_t frees;         // objects freed, cumulative
  uint64_t spans_inuse;   // spans in use, all classes
  uint64_t
      sys_metadata; // bytes obtained from the OS for the heap's own structures
  escrt_class_stats by_size[ESCRT_NUM_SIZE_CLASSES];
} escrt_memstats;

// escrt_read_memstats fills *st. Counts kept per thread are summed without
// stopping other threads, so under concurrent allocation they are a
// moment's approximation, as Go's were before 1.16.
void escrt_read_memstats(escrt_memstats *st ESC_NOESCAPE);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif

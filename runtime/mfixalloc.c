// Off-heap memory for the heap's own structures.
//
// See malloc.c for an overview. The heap cannot allocate its metadata from
// itself, so, as Go's persistentalloc and fixalloc, it takes memory straight
// from the OS: persistent_alloc bumps a pointer through 256 KB chunks and
// never frees (mcaches, span structs), and fixalloc keeps free lists
// of fixed-size records on top of it (mspan structs, one fixalloc per bitmap
// size, since a span struct carries its bitmaps).
//
// persistent_alloc takes its own lock; a fixalloc is guarded by its caller
// (the mheap's lock guards the span fixallocs).
#include "runtime.h"

#include <errno.h>
#include <sys/mman.h>

// Bytes persistent_alloc takes from the OS at a time.
#define PERSISTENT_CHUNK (256 << 10)

static struct {
  mutex lock;
  char *next;     // first free byte of the current chunk
  char *end;      // end of the current chunk
  uint64_t total; // bytes obtained from the OS, for sys_metadata
} persistent;

void *sys_alloc(size_t size, size_t align) {
  // mmap aligns to the OS page (4 KB), which may be less than align: map
  // align more bytes and trim both ends.
  size_t span = size + align;
  if (span < size)
    return NULL;
  char *p = mmap(NULL, span, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  // Trim the misaligned head and the tail beyond size.
  uintptr_t start = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
  if (start > (uintptr_t)p)
    munmap(p, start - (uintptr_t)p);
  uintptr_t end = (uintptr_t)p + span;
  if (end > start + size)
    munmap((void *)(start + size), end - (start + size));
  return (void *)start;
}

void *persistent_alloc(size_t size) {
  size = (size + 63) & ~(size_t)63;
  mutex_lock(&persistent.lock);
  if ((size_t)(persistent.end - persistent.next) < size) {
    size_t chunk = size > PERSISTENT_CHUNK ? size : PERSISTENT_CHUNK;
    chunk = (chunk + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
    char *p = sys_alloc(chunk, PAGE_SIZE);
    if (p == NULL) {
      mutex_unlock(&persistent.lock);
      return NULL;
    }
    persistent.next = p;
    persistent.end = p + chunk;
    persistent.total += chunk;
  }
  void *p = persistent.next;
  persistent.next += size;
  mutex_unlock(&persistent.lock);
  return p;
}

uint64_t sys_metadata_bytes(void) {
  mutex_lock(&persistent.lock);
  uint64_t n = persistent.total;
  mutex_unlock(&persistent.lock);
  return n;
}

void persistent_lock(void) { mutex_lock(&persistent.lock); }
void persistent_unlock(void) { mutex_unlock(&persistent.lock); }

// Memory statistics.
//
// See malloc.c for an overview. Counts are kept where they change without a
// lock: objects allocated per class in each thread's mcache, objects live in
// each span (alloc_count), page and large-object counts in the mheap under
// its lock. Frees are not counted on the free path: escrt_read_memstats
// derives them as allocated minus live, summing the spans' counts through the
// span map, as Go's ReadMemStats did before it stopped the world.
//
// A thread's mcache counts the free objects of the bitmap word it is
// cutting as allocated (runtime.h, struct mspan); reading the statistics
// drops the calling thread's cached words, so a single-threaded program
// reads exact counts, and other threads' counts are off by at most 64
// objects per class until they flush.
#include "runtime.h"

#include <string.h>

void escrt_read_memstats(escrt_memstats *st) {
  memset(st, 0, sizeof *st);
  if (!malloc_init())
    return;
  if (tls_mcache != &nil_mcache) {
    mcache_drop_caches(tls_mcache);
    mcache_collect_all(tls_mcache);
  }
  uint64_t live[NUM_SIZE_CLASSES] = {0};
  mheap_count_live(live);
  mcache_sum_stats(st);
  for (int cls = 1; cls < NUM_SIZE_CLASSES; cls++) {
    escrt_class_stats *b = &st->by_size[cls];
    b->size = class_to_size[cls];
    b->frees = b->mallocs >= live[cls] ? b->mallocs - live[cls] : 0;
    st->heap_objects += live[cls];
    st->heap_alloc += live[cls] * b->size;
    st->mallocs += b->mallocs;
    st->frees += b->frees;
  }
  mheap_read_stats(st);
  st->heap_objects += st->by_size[0].mallocs - st->by_size[0].frees;
  st->sys_metadata = sys_metadata_bytes();
}

// Dirty pages: which pages of the heap were written since a given moment,
// so that the collector can mark while the program runs (mgc.c) and, with
// the world stopped at the end, rescan only what changed. C has no write
// barrier; Boehm's collector gets the same knowledge from mprotect and a
// SIGSEGV handler, which breaks system calls that write into protected
// pages (they fail with EFAULT) and takes a signal per page.
//
// Here the kernel keeps the bits (Linux 6.7 and later): the heap's whole
// reserved range is registered with a userfaultfd in asynchronous
// write-protect mode (UFFD_FEATURE_WP_ASYNC), in which a write to a
// protected page is resolved by the kernel itself, with no signal and no
// handler thread, by clearing the page's protection; the PAGEMAP_SCAN ioctl
// on /proc/self/pagemap then lists the pages so written (PAGE_IS_WRITTEN),
// and write-protects them again on request (PM_SCAN_WP_MATCHING). A system
// call writing into a protected page succeeds, and the page counts as
// written. The first write to each page after a reset costs a minor fault,
// about a microsecond measured on this project's 2-core VM; dirty_stop
// lifts the protection when the collector no longer needs to know.
//
// Where the kernel lacks any of it (an older kernel, userfaultfd disabled
// by seccomp or sysctl), dirty_init says so and the collector marks with
// the world stopped instead. A fork child inherits none of the tracking.
#include "runtime.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// What linux/userfaultfd.h and linux/fs.h of Linux 6.7 add, for older
// headers (Debian 12 ships 6.1's).
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef PAGEMAP_SCAN
struct page_region {
  uint64_t start, end, categories;
};
struct pm_scan_arg {
  uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
  uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_WRITTEN (1 << 1)
#define PM_SCAN_WP_MATCHING (1 << 0)
#define PM_SCAN_CHECK_WPASYNC (1 << 1)
#endif

static struct {
  int uffd, pagemap; // -1: not tracking
} dirty = {-1, -1};

// scan runs PAGEMAP_SCAN over [lo, hi) from *at for the written pages,
// write-protecting them again when reset is set; it fills vec with up to n
// ranges, returns how many, and moves *at to where the walk stopped.
static long scan(uintptr_t *at, uintptr_t hi, bool reset,
                 struct page_region *vec, size_t n) {
  struct pm_scan_arg a = {
      .size = sizeof a,
      .flags = reset ? PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC : 0,
      .start = *at,
      .end = hi,
      .vec = (uintptr_t)vec,
      .vec_len = n,
      .category_mask = PAGE_IS_WRITTEN,
      .return_mask = PAGE_IS_WRITTEN,
  };
  long r = ioctl(dirty.pagemap, PAGEMAP_SCAN, &a);
  *at = r < 0 ? hi : (uintptr_t)a.walk_end;
  return r;
}

bool dirty_init(uintptr_t lo, uintptr_t hi) {
  int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
  if (uffd < 0)
    return false;
  struct uffdio_api api = {
      .api = UFFD_API,
      .features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED,
  };
  struct uffdio_register reg = {.range = {lo, hi - lo},
                                .mode = UFFDIO_REGISTER_MODE_WP};
  int pagemap = -1;
  if (ioctl(uffd, UFFDIO_API, &api) != 0 ||
      ioctl(uffd, UFFDIO_REGISTER, &reg) != 0 ||
      (pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)) < 0) {
    close(uffd);
    return false;
  }
  dirty.uffd = uffd;
  dirty.pagemap = pagemap;
  uintptr_t at = lo;
  if (scan(&at, lo + PAGE_SIZE, true, NULL, 0) < 0) { // no PAGEMAP_SCAN
    dirty_disable();
    return false;
  }
  return true;
}

void dirty_disable(void) {
  if (dirty.uffd >= 0)
    close(dirty.uffd);
  if (dirty.pagemap >= 0)
    close(dirty.pagemap);
  dirty.uffd = dirty.pagemap = -1;
}

void dirty_reset(uintptr_t lo, uintptr_t hi) {
  for (uintptr_t at = lo; at < hi;)
    if (scan(&at, hi, true, NULL, 0) < 0)
      throw("dirty pages: PAGEMAP_SCAN failed");
}

void dirty_stop(uintptr_t lo, uintptr_t hi) {
  struct uffdio_writeprotect wp = {.range = {lo, hi - lo}, .mode = 0};
  if (hi > lo && ioctl(dirty.uffd, UFFDIO_WRITEPROTECT, &wp) != 0)
    throw("dirty pages: UFFDIO_WRITEPROTECT failed");
}

void dirty_each(uintptr_t lo, uintptr_t hi, bool reset,
                void (*fn)(uintptr_t lo, uintptr_t hi)) {
  struct page_region vec[256];
  for (uintptr_t at = lo; at < hi;) {
    long n = scan(&at, hi, reset, vec, sizeof vec / sizeof vec[0]);
    if (n < 0)
      throw("dirty pages: PAGEMAP_SCAN failed");
    for (long i = 0; i < n; i++)
      fn((uintptr_t)vec[i].start, (uintptr_t)vec[i].end);
  }
}

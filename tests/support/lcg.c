// lcg is Knuth's MMIX linear congruential generator: deterministic and the
// same on every platform, which is all a reproducible mutation needs. The
// robustness suites seed it from a file's base name (FNV-1a), so that a
// failure replays wherever the file is.
#include "harness.h"

#include <string.h>

uint32_t lcg_next(lcg *r) {
  r->s = r->s * 6364136223846793005u + 1442695040888963407u;
  return (uint32_t)(r->s >> 33);
}

size_t lcg_below(lcg *r, size_t n) { return n ? lcg_next(r) % n : 0; }

lcg lcg_for_file(const char *path, uint64_t salt) {
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  uint64_t h = 14695981039346656037u;
  for (const char *p = base; *p; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211u;
  return (lcg){h ^ salt};
}

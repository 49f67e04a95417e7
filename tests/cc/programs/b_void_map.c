// asan: stack-use-after-return
#include <stdio.h>
#include <string.h>

/* A string-keyed settings map holding untyped pointers; init_settings()
   stores addresses of its locals in it. */
struct entry {
  const char *key;
  void *val;
};
static struct entry map[8];
static int nmap;

static void map_set(const char *key, void *val) {
  for (int i = 0; i < nmap; i++)
    if (strcmp(map[i].key, key) == 0) {
      map[i].val = val;
      return;
    }
  map[nmap++] = (struct entry){key, val};
}

static void *map_get(const char *key) {
  for (int i = 0; i < nmap; i++)
    if (strcmp(map[i].key, key) == 0) return map[i].val;
  return NULL;
}

struct limits {
  int lo, hi;
};

static void init_settings(int level) {
  double ratio = 0.25 * level;
  struct limits lim = {level, level * 10};
  long counts[3] = {level, level + 1, level + 2};
  map_set("ratio", &ratio);
  map_set("limits", &lim);
  map_set("counts", counts);
}

static void scrub(void) {
  volatile double junk[64];
  for (int i = 0; i < 64; i++) junk[i] = -0.5;
}

int main(void) {
  init_settings(1);
  const struct limits *old = map_get("limits");
  init_settings(3); /* overrides every key */
  scrub();
  const long *counts = map_get("counts");
  const struct limits *lim = map_get("limits");
  printf("ratio %.2f\n", *(const double *)map_get("ratio"));
  printf("limits %d..%d (before: %d..%d)\n", lim->lo, lim->hi, old->lo, old->hi);
  printf("counts %ld %ld %ld\n", counts[0], counts[1], counts[2]);
  return 0;
}

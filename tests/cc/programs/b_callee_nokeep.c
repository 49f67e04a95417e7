// asan: none
#include <stdio.h>
#include <string.h>

/* Out-parameters and in-place helpers: the callees use the addresses
   of the caller's locals only while the call lasts. */
static void minmax(const int *v, int n, int *lo, int *hi) {
  *lo = *hi = v[0];
  for (int i = 1; i < n; i++) {
    if (v[i] < *lo) *lo = v[i];
    if (v[i] > *hi) *hi = v[i];
  }
}

static void swap(int *a, int *b) {
  int t = *a;
  *a = *b;
  *b = t;
}

static int parse_kv(const char *s, char *key, size_t keysz, int *val) {
  const char *eq = strchr(s, '=');
  if (!eq || (size_t)(eq - s) >= keysz) return -1;
  memcpy(key, s, eq - s);
  key[eq - s] = 0;
  return sscanf(eq + 1, "%d", val) == 1 ? 0 : -1;
}

static void triple(int *x) { *x *= 3; }
static void negate(int *x) { *x = -*x; }

static void apply(void (*fn)(int *), int *x) { fn(x); }

int main(void) {
  const int v[] = {4, -2, 9, 0};
  int lo, hi;
  minmax(v, 4, &lo, &hi);
  swap(&lo, &hi);
  printf("swapped: lo=%d hi=%d\n", lo, hi);
  char key[16];
  int val;
  if (parse_kv("width=40", key, sizeof key, &val) == 0) {
    apply(triple, &val);
    apply(negate, &val);
    printf("%s -> %d\n", key, val);
  }
  printf("bad: %d\n", parse_kv("averyveryverylongkey=1", key, sizeof key, &val));
  return 0;
}

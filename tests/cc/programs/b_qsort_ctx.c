// asan: none
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The comparator reads the caller's weights through a global that is set
   for the duration of qsort and cleared right after. */
static const int *sort_weights;

static int by_weight(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  int wx = sort_weights[x], wy = sort_weights[y];
  return wx != wy ? (wx > wy) - (wx < wy) : x - y;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static void rank(const int *w, int n, int *order) {
  int weights[8];
  memcpy(weights, w, n * sizeof *w);
  for (int i = 0; i < n; i++) order[i] = i;
  sort_weights = weights;
  qsort(order, n, sizeof *order, by_weight);
  sort_weights = NULL;
}

int main(void) {
  int w[] = {30, 10, 20, 10, 50};
  int order[5];
  rank(w, 5, order);
  printf("order:");
  for (int i = 0; i < 5; i++) printf(" %d", order[i]);
  printf("\n");
  int sorted[] = {10, 10, 20, 30, 50};
  for (int key = 20; key <= 40; key += 20) {
    const int *found = bsearch(&key, sorted, 5, sizeof *sorted, cmp_int);
    if (found) printf("found %d at %d\n", key, (int)(found - sorted));
    else printf("%d not found\n", key);
  }
  return 0;
}

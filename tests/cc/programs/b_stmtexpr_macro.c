// asan: stack-use-after-scope
#include <stdio.h>

/* BOX() hands out the address of a temporary that dies with the
   statement expression: each evaluation makes a new temporary. */
#define BOX(expr) ({ __typeof__(expr) box_ = (expr); &box_; })

struct pair {
  const long *key;
  const double *weight;
};

int main(void) {
  struct pair table[4];
  for (int i = 0; i < 4; i++) {
    table[i].key = BOX((long)i * i + 1);
    table[i].weight = BOX(1.0 / (i + 1));
  }
  long keys = 0;
  double weights = 0;
  for (int i = 0; i < 4; i++) {
    keys += *table[i].key;
    weights += *table[i].weight;
  }
  printf("keys %ld weights %.4f\n", keys, weights);
  for (int i = 0; i < 4; i++)
    printf("%ld:%.3f\n", *table[i].key, *table[i].weight);
  return 0;
}

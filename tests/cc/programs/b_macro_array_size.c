// asan: stack-use-after-return
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define FOR_EACH(i, a) for (size_t i = 0; i < ARRAY_SIZE(a); i++)

struct series {
  const short *data;
  size_t len;
};

static void smash(void) {
  volatile short junk[128];
  for (int i = 0; i < 128; i++) junk[i] = -9;
}

/* Fills a table and hands it out through 'out' (the table dies here). */
static void squares(short base, struct series *out) {
  short table[6];
  FOR_EACH(i, table) table[i] = (short)((base + i) * (base + i));
  out->data = table;
  out->len = ARRAY_SIZE(table);
}

int main(void) {
  struct series a, b;
  squares(1, &a);
  squares(10, &b);
  smash();
  printf("a has %zu, b has %zu\n", a.len, b.len);
  for (size_t i = 0; i < a.len; i++)
    printf("%s%d/%d", i ? " " : "", a.data[i], b.data[i]);
  printf("\n");
  return 0;
}

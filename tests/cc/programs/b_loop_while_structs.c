// asan: stack-use-after-return
#include <stdio.h>

/* Loads "key:qty;..." records; each loop iteration's record is indexed. */
struct rec {
  char key[8];
  int qty;
};
static const struct rec *index_[8];
static int nindex;

static void load(const char *data) {
  while (*data) {
    struct rec r = {{0}, 0};
    int k = 0;
    for (; *data && *data != ':'; data++)
      if (k < 7) r.key[k++] = *data;
    if (*data == ':') data++;
    while (*data >= '0' && *data <= '9')
      r.qty = r.qty * 10 + (*data++ - '0');
    if (*data == ';') data++;
    index_[nindex++] = &r;
  }
}

static void scrub(void) {
  volatile char junk[256];
  for (int i = 0; i < 256; i++) junk[i] = 'Z';
}

int main(void) {
  load("apple:3;pear:10;fig:7");
  load("kiwi:2");
  scrub();
  int total = 0;
  for (int i = 0; i < nindex; i++) {
    printf("%-6s %3d\n", index_[i]->key, index_[i]->qty);
    total += index_[i]->qty;
  }
  printf("total %d\n", total);
  return 0;
}

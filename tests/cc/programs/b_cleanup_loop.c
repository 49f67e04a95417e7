// asan: stack-use-after-scope
#include <stdio.h>

/* Output buffers are flushed by their cleanup handler at the end of
   every iteration; the flusher also keeps them for a final summary. */
struct buf {
  char data[16];
  int len;
};
static const struct buf *flushed[4];
static int nflushed;

static void flush(struct buf *b) {
  printf("flush %d bytes: %.*s\n", b->len, b->len, b->data);
  flushed[nflushed++] = b;
}

int main(void) {
  const char *words[] = {"alpha", "be", "gamma"};
  for (int i = 0; i < 3; i++) {
    struct buf out __attribute__((cleanup(flush))) = {.len = 0};
    for (const char *c = words[i]; *c; c++)
      out.data[out.len++] = (char)(*c - 'a' + 'A');
    out.data[out.len++] = '!';
  }
  int total = 0;
  for (int i = 0; i < nflushed; i++)
    total += flushed[i]->len;
  printf("total %d, first %.*s, last %.*s\n", total, flushed[0]->len,
         flushed[0]->data, flushed[2]->len, flushed[2]->data);
  return 0;
}

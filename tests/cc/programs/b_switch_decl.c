// asan: stack-use-after-return
#include <stdio.h>

/* A stack-machine step; every case jumps past the declaration of 'tmp'
   at the top of the switch body and assigns it before use. */
enum op { OP_CONST, OP_NEG, OP_DOUBLE, OP_SKIP };
struct slot {
  const char *what;
  const long *val;
};
static struct slot trace[8];
static int ntrace;

static void clobber(void) {
  volatile long junk[64];
  for (int i = 0; i < 64; i++) junk[i] = -424242;
}

static long eval(enum op op, long arg) {
  switch (op) {
    long tmp;
  case OP_CONST:
    tmp = arg;
    trace[ntrace++] = (struct slot){"const", &tmp};
    return tmp;
  case OP_NEG:
    tmp = -arg;
    trace[ntrace++] = (struct slot){"neg", &tmp};
    return tmp;
  case OP_DOUBLE:
    tmp = arg;
    tmp += arg;
    trace[ntrace++] = (struct slot){"double", &tmp};
    return tmp;
  default:
    return arg;
  }
}

int main(void) {
  enum op prog[] = {OP_CONST, OP_DOUBLE, OP_SKIP, OP_NEG, OP_DOUBLE};
  long acc = 3;
  for (int i = 0; i < 5; i++)
    acc = eval(prog[i], acc);
  clobber();
  printf("acc=%ld\n", acc);
  for (int i = 0; i < ntrace; i++)
    printf("%s -> %ld\n", trace[i].what, *trace[i].val);
  return 0;
}

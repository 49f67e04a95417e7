// asan: stack-use-after-return
#include <stdio.h>

/* Undo log: every step pushes the address of the value it produced.
   PUSH() and TRACE() name the caller's 'local' in their bodies. */
static long *undo[16];
static int top;
#define PUSH() (undo[top++] = &local)
#define TRACE(msg) printf("%s: local=%ld\n", msg, local)

static void noise(void) {
  volatile long junk[40];
  for (int i = 0; i < 40; i++) junk[i] = 111111L * i;
}

static long step(long x) {
  long local = x * 3;
  PUSH();
  local += 1;
  TRACE("step");
  return local;
}

static long twice(long x) {
  long local = x;
  for (int i = 0; i < 2; i++) {
    local = step(local);
    PUSH();
  }
  return local;
}

int main(void) {
  long r = twice(2);
  noise();
  printf("r=%ld entries=%d\n", r, top);
  for (int i = 0; i < top; i++)
    printf("undo[%d]=%ld\n", i, *undo[i]);
  return 0;
}

// forever.c: a program with dangling stack pointers, the kind escape-cc
// makes correct. make_greeting returns a local buffer; remember keeps the
// address of each loop iteration's local. Built by a C compiler it reads
// dead stack memory (AddressSanitizer: stack-use-after-return); built by
// escape-cc, both locals are moved to heap and it prints what it means.
#include <stdio.h>

static const int *seen[3];

static char *make_greeting(const char *name) {
  char buf[32];
  snprintf(buf, sizeof buf, "hello, %s", name);
  char *greeting = buf;
  return greeting; // the caller gets the address of a dead local
}

static void remember(int i) {
  int square = i * i;
  seen[i] = &square; // kept after remember returns
}

static int scribble(int n) { // reuses the stack the locals above lived on
  volatile char junk[256];
  for (int i = 0; i < 256; i++)
    junk[i] = (char)(n + i);
  return junk[n];
}

int main(void) {
  char *g = make_greeting("gopher");
  for (int i = 0; i < 3; i++)
    remember(i);
  scribble(7);
  printf("%s\n", g);
  for (int i = 0; i < 3; i++)
    printf("seen[%d] = %d\n", i, *seen[i]);
  return 0;
}

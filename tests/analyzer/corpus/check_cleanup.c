// escape-check
// __attribute__((cleanup(f))) in check mode: the compiler calls f(&x) when
// x's block ends, so f's summary decides whether x's address outlives it
// (escape_cleanup.c pins the same code under -m).
#include <stdlib.h>

static int *last;

static void keep(int **p) { last = *p; }
static void keep_addr(int *p) { last = p; }
static void forget(int *p) { (void)p; }
static void release(char **p) { free(*p); }
void opaque(int *p);

void kept_by_handler(void) {
  int x __attribute__((cleanup(keep_addr))) = 1; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'last' \(through 'keep_addr'\) \[-Wescape-global\]$"
}

void dropped_by_handler(void) {
  int x __attribute__((cleanup(forget))) = 1;
}

void content_kept(void) {
  int y = 2;
  int *p __attribute__((cleanup(keep))) = &y; // ERROR "^warning: address of local variable 'y' escapes: stored in global 'last' \(through 'keep'\) \[-Wescape-global\]$"
}

void unknown_handler(void) {
  int z __attribute__((__cleanup__(opaque))) = 3; // ERROR "^warning: address of local variable 'z' escapes: passed to unknown function 'opaque' \[-Wescape-call\]$"
}

void freed_buffer(void) {
  char *buf __attribute__((cleanup(release))) = malloc(16);
}

void in_loop(void) {
  for (int i = 0; i < 3; i++) {
    int v __attribute__((cleanup(keep_addr))) = i; // ERROR "^warning: address of local variable 'v' escapes: stored in global 'last' \(through 'keep_addr'\) \[-Wescape-global\]$"
  }
}


// escape-check -m
// __attribute__((cleanup(f))): the compiler calls f(&x) when x's block ends,
// so what f does with its parameter decides whether x escapes.
#include <stdlib.h>

static int *last;

static void keep(int **p) { last = *p; } // ERROR "leaking param content: p"
static void forget(int *p) { (void)p; }  // ERROR "p does not escape"
static void keep_addr(int *p) { last = p; } // ERROR "leaking param: p"
static void release(char **p) { free(*p); } // ERROR "p does not escape"
void opaque(int *p);

void kept_by_handler(void) {
  int x __attribute__((cleanup(keep_addr))) = 1; // ERROR "moved to heap: x"
}

void dropped_by_handler(void) {
  int x __attribute__((cleanup(forget))) = 1;
}

void content_kept(void) {
  int y = 2; // ERROR "moved to heap: y"
  int *p __attribute__((cleanup(keep))) = &y;
}

void unknown_handler(void) {
  int z __attribute__((__cleanup__(opaque))) = 3; // ERROR "moved to heap: z"
}

void freed_buffer(void) {
  char *buf __attribute__((cleanup(release))) = malloc(16); // ERROR "malloc\(16\) does not escape"
}

void in_loop(void) {
  for (int i = 0; i < 3; i++) {
    int v __attribute__((cleanup(keep_addr))) = i; // ERROR "moved to heap: v"
  }
}

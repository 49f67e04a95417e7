// escape-check -m
// Indirections, after Go's test/escape_indir.go, escape_level.go and the
// ** cases of escape2.go (foo1-foo19): stores through pointers, levels of
// dereference in summaries, pointers to pointers, and self-assignments.

#include <stdlib.h>

int *gxx;
int **xxx;
void *sink;
int gint;
char *gchar;

// escape2.go foo1-foo19.
void foo1(int x) { // ERROR "moved to heap: x$"
  gxx = &x;
}

void foo2(int *yy) { // ERROR "leaking param: yy$"
  gxx = yy;
}

int *foo3(int x) { // ERROR "moved to heap: x$"
  return &x;
}

// Go's escape2.go foo3b..foo10 (also the parameter cases of that file).
// Go's type T *T: Go leaks t to the heap; C stores t into the caller's *t.
void foo3b(void **t) { // ERROR "leaking param: t to content of t level=0$"
  *t = t;
}

void foo4(int *xx, int *yy) { // ERROR "xx does not escape$" "yy does not escape$"
  xx = yy;
}

void foo5(int **xx, int *yy) { // ERROR "xx does not escape$" "yy does not escape$"
  xx = &yy;
}

// Go leaks yy to the heap; C knows it lands in what xx points to.
void foo6(int **xx, int *yy) { // ERROR "xx does not escape$" "leaking param: yy to content of xx level=0$"
  *xx = yy;
}

void foo7(int **xx, int *yy) { // ERROR "xx does not escape$" "yy does not escape$"
  **xx = *yy;
}

int foo8(int *xx, int *yy) { // ERROR "xx does not escape$" "yy does not escape$"
  xx = yy;
  return *xx;
}

int *foo9(int *xx, int *yy) { // ERROR "leaking param: xx to result ~r0 level=0$" "leaking param: yy to result ~r0 level=0$"
  xx = yy;
  return xx;
}

void foo10(int *xx, int *yy) { // ERROR "xx does not escape$" "yy does not escape$"
  *xx = *yy;
}

int foo11(void) {
  int x = 0;
  int y = 42;
  int *xx = &x;
  int *yy = &y;
  *xx = *yy;
  return x;
}

void foo12(int **yyy) { // ERROR "leaking param: yyy$"
  xxx = yyy;
}

void foo13(int **yyy) { // ERROR "leaking param content: yyy$"
  *xxx = *yyy;
}

void foo14(int **yyy) { // ERROR "yyy does not escape$"
  **xxx = **yyy;
}

void foo15(int *yy) { // ERROR "moved to heap: yy$"
  xxx = &yy;
}

void foo16(int *yy) { // ERROR "leaking param: yy$"
  *xxx = yy;
}

void foo17(int *yy) { // ERROR "yy does not escape$"
  **xxx = *yy;
}

void foo18(int y) { // ERROR "moved to heap: y$"
  *xxx = &y;
}

void foo19(int y) {
  **xxx = y;
}

// Go's indaddr2, indaddr3: *& cancels out, through casts too.
int *indaddr2(int *x) { // ERROR "leaking param: x to result ~r0 level=0$"
  return *&x;
}

int *indaddr3(long *x) { // ERROR "leaking param: x to result ~r0 level=0$"
  return *(int **)&x;
}

// Go's Float32bits: reading a value's bits through a cast pointer.
unsigned float32bits(float f) {
  return *(unsigned *)&f;
}

// Go's float64bitsptr: returning the cast pointer.
unsigned long *float64bitsptr(double f) { // ERROR "moved to heap: f$"
  return (unsigned long *)&f;
}

unsigned long *float64ptrbitsptr(double *f) { // ERROR "leaking param: f to result ~r0 level=0$"
  return (unsigned long *)f;
}

// escape2.go foo124, foo127, foo128 without the closures.
void foo124(int **x) { // ERROR "x does not escape$"
  int i; // ERROR "moved to heap: i$"
  int *p = &i;
  *x = p;
}

void foo127(void) {
  int i; // ERROR "moved to heap: i$"
  int *p = &i;
  int *q = p;
  gxx = q;
}

void foo128(void) {
  int i;
  int *p = &i;
  int *q = p;
  (void)q;
}

// escape2.go's f: &*&x is &x.
void deref_addr(void) {
  char x; // ERROR "moved to heap: x$"
  gchar = &*&x;
}

// escape_level.go: which levels of a pointer chain escape.
void level0(void) {
  int i;      // ERROR "moved to heap: i$"
  int *p0 = &i;   // ERROR "moved to heap: p0$"
  int **p1 = &p0; // ERROR "moved to heap: p1$"
  int ***p2 = &p1; // ERROR "moved to heap: p2$"
  sink = &p2;
}

void level1(void) {
  int i;      // ERROR "moved to heap: i$"
  int *p0 = &i;   // ERROR "moved to heap: p0$"
  int **p1 = &p0; // ERROR "moved to heap: p1$"
  int ***p2 = &p1;
  sink = p2;
}

void level2(void) {
  int i;      // ERROR "moved to heap: i$"
  int *p0 = &i;   // ERROR "moved to heap: p0$"
  int **p1 = &p0;
  int ***p2 = &p1;
  sink = *p2;
}

void level3(void) {
  int i;      // ERROR "moved to heap: i$"
  int *p0 = &i;
  int **p1 = &p0;
  int ***p2 = &p1;
  sink = **p2;
}

void level4(void) {
  int i;      // ERROR "moved to heap: i$"
  int *p0 = &i;   // ERROR "moved to heap: p0$"
  int **p1 = &p0;
  int **p2 = p1; // ERROR "moved to heap: p2$"
  sink = &p2;
}

void level5(void) {
  int i;      // ERROR "moved to heap: i$"
  int *p0 = &i;   // ERROR "moved to heap: p0$"
  int **p1 = &p0;
  int **p2 = p1;
  sink = p2;
}

void level6(void) {
  int i;      // ERROR "moved to heap: i$"
  int *p0 = &i;
  int **p1 = &p0;
  int **p2 = p1;
  sink = *p2;
}

void level7(void) {
  int i;      // ERROR "moved to heap: i$"
  int *p0 = &i;
  int **p1 = &p0;
  int *p2 = *p1; // ERROR "moved to heap: p2$"
  sink = &p2;
}

void level8(void) {
  int i;      // ERROR "moved to heap: i$"
  int *p0 = &i;
  int **p1 = &p0;
  int *p2 = *p1;
  sink = p2;
}

// Go boxes *p2 into an interface; in C the int is copied.
void level9(void) {
  int i = 0;
  int *p0 = &i;
  int **p1 = &p0;
  int *p2 = *p1;
  gint = *p2;
}

void level10(void) {
  int i = 0;
  int *p0 = &i;
  int p1 = *p0;
  int *p2 = &p1;
  gint = *p2;
}

void level11(void) {
  int i = 0;
  int *p0 = &i;
  int **p1 = &p0;
  int p2 = **p1; // ERROR "moved to heap: p2$"
  sink = &p2;
}

// escape_indir.go: stores through pointers to objects.
struct CP2 {
  int *p;
  int i;
};

struct CP {
  int *p;
  struct CP2 c;
  struct CP **x;
};

struct CP gcp;

// Go: "BAD: i should not escape here"; C resolves the store to the literal.
void constptr0(void) {
  int i;
  struct CP *x = &(struct CP){0}; // ERROR "&\(struct CP\)\{\.\.\.\} does not escape$"
  x->p = &i;
  (void)x;
}

struct CP *constptr01(void) {
  int i;                           // ERROR "moved to heap: i$"
  struct CP *x = &(struct CP){0}; // ERROR "&\(struct CP\)\{\.\.\.\} escapes to heap$"
  x->p = &i;
  return x;
}

struct CP constptr02(void) {
  int i;                           // ERROR "moved to heap: i$"
  struct CP *x = &(struct CP){0}; // ERROR "&\(struct CP\)\{\.\.\.\} does not escape$"
  x->p = &i;
  return *x;
}

struct CP **constptr03(void) {
  int i;                           // ERROR "moved to heap: i$"
  struct CP *x = &(struct CP){0}; // ERROR "&\(struct CP\)\{\.\.\.\} escapes to heap$" "moved to heap: x$"
  x->p = &i;
  return &x;
}

void constptr1(void) {
  int i;                           // ERROR "moved to heap: i$"
  struct CP *x = &(struct CP){0}; // ERROR "&\(struct CP\)\{\.\.\.\} escapes to heap$"
  x->p = &i;
  sink = x;
}

void constptr2(void) {
  int i;                           // ERROR "moved to heap: i$"
  struct CP *x = &(struct CP){0}; // ERROR "&\(struct CP\)\{\.\.\.\} does not escape$"
  x->p = &i;
  gcp = *x;
}

struct CP *constptr4(void) {
  struct CP *p = malloc(sizeof(struct CP)); // ERROR "malloc\(sizeof\(struct CP\)\) escapes to heap$"
  *p = *&(struct CP){0};  // (re-pinned: see issue 2 note) // ERROR "&\(struct CP\)\{\.\.\.\} does not escape$"
  return p;
}

struct CP *constptr5(void) {
  struct CP *p = malloc(sizeof(struct CP)); // ERROR "malloc\(sizeof\(struct CP\)\) escapes to heap$"
  struct CP *p1 = &(struct CP){0};          // ERROR "&\(struct CP\)\{\.\.\.\} does not escape$"
  *p = *p1;
  return p;
}

// Go: "BAD: p should not escape here"; C copies *p into a local literal.
void constptr6(struct CP *p) { // ERROR "p does not escape$"
  struct CP *p1 = &(struct CP){0}; // ERROR "&\(struct CP\)\{\.\.\.\} does not escape$"
  *p1 = *p;
  (void)p1;
}

struct CP **constptr7(void) {
  struct CP *p = malloc(sizeof(struct CP)); // ERROR "malloc\(sizeof\(struct CP\)\) escapes to heap$" "moved to heap: p$"
  struct CP2 tmp = {0, 0};
  struct CP2 *p1 = &tmp;
  p->c = *p1;
  return &p;
}

struct CP *constptr8(void) {
  struct CP *p = malloc(sizeof(struct CP)); // ERROR "malloc\(sizeof\(struct CP\)\) escapes to heap$"
  struct CP2 tmp = {0, 0};
  p->c = *&tmp;
  return p;
}

struct CP constptr9(void) {
  struct CP *p = malloc(sizeof(struct CP)); // ERROR "malloc\(sizeof\(struct CP\)\) does not escape$"
  struct CP2 p1;
  int i; // ERROR "moved to heap: i$"
  p1.p = &i;
  p->c = p1;
  struct CP r = *p;
  free(p);
  return r;
}

struct CP constptr10(void) {
  struct CP *x = &(struct CP){0}; // ERROR "moved to heap: x$" "&\(struct CP\)\{\.\.\.\} escapes to heap$"
  int i;                           // ERROR "moved to heap: i$"
  struct CP *p;
  p = &(struct CP){&i, {0, 0}, &x}; // ERROR "&\(struct CP\)\{\.\.\.\} does not escape$"
  struct CP **pp;
  pp = &p;
  return **pp;
}

struct CP *constptr11(void) {
  int i;                                     // ERROR "moved to heap: i$"
  struct CP *p = malloc(sizeof(struct CP)); // ERROR "malloc\(sizeof\(struct CP\)\) escapes to heap$"
  struct CP *p1 = &(struct CP){0};          // ERROR "&\(struct CP\)\{\.\.\.\} does not escape$"
  p1->p = &i;
  *p = *p1;
  return p;
}

// escape_indir.go foo: a copy of the parameter is still the caller's pointer.
void ind_foo(int **p) { // ERROR "p does not escape$"
  int i; // ERROR "moved to heap: i$"
  int **y = p;
  *y = &i;
}

// escape_indir.go foo1: Go moves i to the heap. In C, y points to the
// callee's own copy of p, which dies with i.
void ind_foo1(int *p) { // ERROR "p does not escape$"
  int i;
  int **y = &p;
  *y = &i;
}

// escape_indir.go foo2.
struct Zf {
  int **f;
};

int ***gppp;

void ind_foo2(void) {
  int *x = malloc(sizeof(int)); // ERROR "moved to heap: x$" "malloc\(sizeof\(int\)\) escapes to heap$"
  gppp = (int ***)&x;
  struct Zf z;
  z.f = &x;
  int **p = z.f;
  int i; // ERROR "moved to heap: i$"
  *p = &i;
}

// A local copy of a pointer parameter: stores through it reach the caller.
void store_through_copy(int **o) { // ERROR "o does not escape$"
  int x; // ERROR "moved to heap: x$"
  int **t = o;
  *t = &x;
}

// Two levels down through a parameter: summaries only name what a parameter
// points to, so a store into **o goes to the heap, as Go's stores do.
void store_two_levels(int ***o, int *v) { // ERROR "o does not escape$" "leaking param: v$"
  **o = v;
}

void store_two_levels_local(int *v) { // ERROR "v does not escape$"
  int *a;
  int **b = &a;
  int ***c = &b;
  **c = v;
}

// Storing the address of a parameter's own storage into the caller.
void store_param_addr(int **o, int *v) { // ERROR "o does not escape$" "moved to heap: v$"
  *o = (int *)&v;
}

// Self-assignments (escape2.go's Buffer, quux): a value read from *b and
// stored back into *b changes nothing.
struct Buffer {
  char arr[64];
  char *buf1;
  char *buf2;
};

void buffer_foo(struct Buffer *b) { // ERROR "b does not escape$"
  b->buf1 = b->buf1 + 1;
  b->buf1 = b->buf2 + 1;
}

// The address of b's own array, stored into *b.
void buffer_bar(struct Buffer *b) { // ERROR "leaking param: b to content of b level=0$"
  b->buf1 = b->arr + 1;
}

void quux(char **sp) { // ERROR "sp does not escape$"
  *sp = *sp + 1;
}

struct Buffer *bsink;

void buffer_bat(struct Buffer *b) { // ERROR "leaking param content: b$"
  struct Buffer *o = malloc(sizeof(struct Buffer)); // ERROR "malloc\(sizeof\(struct Buffer\)\) escapes to heap$"
  o->buf1 = b->buf1 + 1;
  bsink = o;
}

// Self-assignment of a local pointer.
void self_local(void) {
  int x;
  int *p = &x;
  p = p;
  *p = 1;
}

// Swapping two pointers through pointers to them. Flow-insensitive: *a may
// also receive its own old value, a self-assignment that changes nothing.
void swap(int **a, int **b) { // ERROR "leaking param: a to content of b level=1$" "leaking param: b to content of a level=1$"
  int *t = *a;
  *a = *b;
  *b = t;
}

// Negatives: reads through pointers, and stores of addresses that never
// dangle.
int read2(int **pp) { // ERROR "pp does not escape$"
  return **pp;
}

int chain_read(void) {
  int i = 1;
  int *p0 = &i;
  int **p1 = &p0;
  int ***p2 = &p1;
  return ***p2;
}

void store_local(void) {
  int x;
  int *p;
  int **pp = &p;
  *pp = &x;
  *p = 1;
}

void null_store(int **o) { // ERROR "o does not escape$"
  *o = 0;
}

// String literals, statics and globals have static storage.
void string_store(const char **o) { // ERROR "o does not escape$"
  *o = "abc";
}

void static_store(int **o) { // ERROR "o does not escape$"
  static int s;
  *o = &s;
}

void global_store(int **o) { // ERROR "o does not escape$"
  *o = &gint;
}

// Incrementing the caller's pointer in place.
void advance(char **sp) { // ERROR "sp does not escape$"
  (*sp)++;
}

int deref_cast(void **pp) { // ERROR "pp does not escape$"
  return *(int *)*pp;
}

void level_local_store(void) {
  int i;
  int *p0;
  int **p1 = &p0;
  *p1 = &i;
  int **p2 = p1;
  **p2 = 3;
}

// Stores resolved to what the pointer may point to.
int *store_then_return(void) {
  int x; // ERROR "moved to heap: x$"
  int *p;
  int **pp = &p;
  *pp = &x;
  return p;
}

// Flow-insensitive: pp may point to *o or to p, so the store reaches both.
void store_may_alias(int **o) { // ERROR "o does not escape$"
  int *p;
  int x; // ERROR "moved to heap: x$"
  int **pp = o;
  pp = &p;
  *pp = &x;
}

void store_no_alias(int **o) { // ERROR "o does not escape$"
  int *p;
  int x;
  int **pp = &p;
  *pp = &x;
  (void)o;
}

// The address of a local pointer stored through a triple pointer.
void store_addr_of_pointer(int ***o) { // ERROR "o does not escape$"
  int *p; // ERROR "moved to heap: p$"
  *o = &p;
}

int *load_then_return(int **pp) { // ERROR "leaking param: pp to result ~r0 level=1$"
  int *p = *pp;
  return p;
}

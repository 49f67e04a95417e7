// escape-check -m
// Arrays, after Go's test/escape_array.go and the array cases of escape2.go:
// array-to-pointer decay, a[i] on arrays vs on pointers, multi-dimensional
// arrays, pointer arithmetic, casts, ?:, comma, VLAs and alloca.

#include <alloca.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int *sink;
int gint;

// C arrays cannot be returned; a struct holding one can (Go's type U).
struct U {
  char *s[2];
};

struct U bar(char *a, char *b) { // ERROR "leaking param: a to result ~r0 level=0$" "leaking param: b to result ~r0 level=0$"
  struct U u = {{a, b}};
  return u;
}

struct U foo(struct U x) { // ERROR "leaking param: x to result ~r0 level=0$"
  struct U r = {{x.s[1], x.s[0]}};
  return r;
}

struct U bff(char *a, char *b) { // ERROR "leaking param: a to result ~r0 level=0$" "leaking param: b to result ~r0 level=0$"
  return foo(foo(bar(a, b)));
}

char *tbff1(void) {
  char a = 'c';
  char b = 'd'; // ERROR "moved to heap: b$"
  struct U u = bff(&a, &b);
  (void)u.s[0];
  return &b;
}

// As in Go ("BAD"): array elements are not told apart by index.
char *tbff2(void) {
  char a = 'c'; // ERROR "moved to heap: a$"
  char b = 'd'; // ERROR "moved to heap: b$"
  struct U u = bff(&a, &b);
  (void)u.s[0];
  return u.s[1];
}

char *car(struct U x) { // ERROR "leaking param: x to result ~r0 level=0$"
  return x.s[0];
}

// As in Go ("BAD"): y reaches the result through x.s[0] and x.s[1], which
// are the same location.
char *fun(struct U x, char *y) { // ERROR "leaking param: x to result ~r0 level=0$" "leaking param: y to result ~r0 level=0$"
  x.s[0] = y;
  return x.s[1];
}

// Go leaks y to the heap; C stores it into the caller's *x.
char *fup(struct U *x, char *y) { // ERROR "leaking param: x to result ~r0 level=1$" "leaking param: y to content of x level=0$" "leaking param: y to result ~r0 level=0$"
  x->s[0] = y;
  return x->s[1];
}

char *fum(struct U *x, char **y) { // ERROR "leaking param: x to result ~r0 level=1$" "leaking param: y to content of x level=1$" "leaking param: y to result ~r0 level=1$"
  x->s[0] = *y;
  return x->s[1];
}

// An array decays to its own address.
int *ret_array(void) {
  int a[4]; // ERROR "moved to heap: a$"
  return a;
}

int *ret_elem(void) {
  int a[4]; // ERROR "moved to heap: a$"
  return &a[1];
}

int *ret_elem_reversed(void) {
  int a[4]; // ERROR "moved to heap: a$"
  return &2 [a];
}

int *ret_plus(void) {
  int a[4]; // ERROR "moved to heap: a$"
  return a + 1;
}

int *ret_incremented(void) {
  int a[4]; // ERROR "moved to heap: a$"
  int *p = a;
  p++;
  p += 1;
  return p;
}

// Decay into a local pointer that goes nowhere.
int decay_local(void) {
  int a[4] = {1, 2, 3, 4};
  int *p = a;
  int *end = a + 4;
  int s = 0;
  for (; p < end; p++)
    s += *p;
  return s;
}

// Elements of an int array carry no address.
void copy_elem(void) {
  int a[4] = {0};
  int *p = a;
  gint = p[2];
}

// Pointer differences are integers.
long diff(void) {
  int a[4];
  int *p = a + 3;
  return p - a;
}

// sizeof does not evaluate its operand.
unsigned long unevaluated(void) {
  int a[4];
  return sizeof(sink = a);
}

// An array of pointers is one location (Go's foo60, foo60a).
int *foo60(int *i) { // ERROR "leaking param: i to result ~r0 level=0$"
  int *a[12];
  a[0] = i;
  return a[1];
}

int *foo60a(int *i) { // ERROR "i does not escape$"
  int *a[12];
  a[0] = i;
  return 0;
}

// Go's foo72: the array does not escape, so neither does x.
void foo72(void) {
  int x;
  int *y[1];
  y[0] = &x;
}

void aop_read(void) {
  int x = 1;
  int *a[2] = {&x, 0};
  gint = *a[0];
}

int *aop_escape(void) {
  int x; // ERROR "moved to heap: x$"
  int *a[2] = {0, &x};
  return a[0];
}

// a[i] on a pointer is a dereference (Go's foo96, foo102).
int *foo96(int **m) { // ERROR "leaking param: m to result ~r0 level=1$"
  return m[0];
}

void foo102(int **m, int *x) { // ERROR "m does not escape$" "leaking param: x to content of m level=0$"
  m[0] = x;
}

// ...and on an array held by value it is not (Go's foo97, foo103).
struct A1 {
  int *m[1];
};

int *foo97(struct A1 m) { // ERROR "leaking param: m to result ~r0 level=0$"
  return m.m[0];
}

void foo103(struct A1 m, int *x) { // ERROR "m does not escape$" "x does not escape$"
  m.m[0] = x;
}

// &p[1] and p + 1 stay in the caller's object.
int *elem_addr(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return &p[1];
}

int *find_zero(int *p, int n) { // ERROR "leaking param: p to result ~r0 level=0$"
  for (int i = 0; i < n; i++, p++)
    if (*p == 0)
      return p;
  return 0;
}

// An array parameter is a pointer parameter.
int *array_param(int a[4]) { // ERROR "leaking param: a to result ~r0 level=0$"
  return a;
}

void keep_array_param(int a[4]) { // ERROR "leaking param: a$"
  sink = a;
}

void pass_to_keep_array_param(void) {
  int x[4]; // ERROR "moved to heap: x$"
  keep_array_param(x);
}

// a[0] on an array parameter is a dereference: only the content leaks.
void keep_array_param_content(int *a[2]) { // ERROR "leaking param content: a$"
  sink = a[0];
}

void pass_to_keep_array_param_content(void) {
  int y;        // ERROR "moved to heap: y$"
  int *x[2] = {&y, 0};
  keep_array_param_content(x);
}

int first(const int *p) { // ERROR "p does not escape$"
  return p[0];
}

void keep(int *p) { // ERROR "leaking param: p$"
  sink = p;
}

void pass_to_first(void) {
  int a[4] = {0};
  gint = first(a);
}

void pass_to_keep(void) {
  int a[4]; // ERROR "moved to heap: a$"
  keep(a);
}

void pass_elem_to_keep(void) {
  int a[4]; // ERROR "moved to heap: a$"
  keep(&a[3]);
}

// Multi-dimensional arrays: one location for all their elements.
int *md_row(void) {
  int a[2][3]; // ERROR "moved to heap: a$"
  return a[1];
}

int *md_elem(void) {
  int a[2][3]; // ERROR "moved to heap: a$"
  return &a[1][2];
}

int md_local(void) {
  int a[2][3] = {{0}};
  int *p = a[1];
  int (*row)[3] = a;
  return *p + row[1][0];
}

void md_pointers(void) {
  int x; // ERROR "moved to heap: x$"
  int *b[2][2];
  b[0][1] = &x;
  sink = b[1][0];
}

// A pointer to the whole array.
void ptr_to_array(void) {
  int a[4]; // ERROR "moved to heap: a$"
  int (*pa)[4] = &a;
  sink = *pa;
}

int ptr_to_array_local(void) {
  int a[4] = {0};
  int (*pa)[4] = &a;
  return (*pa)[2];
}

// An array member decays to the address of its struct.
struct B {
  int buf[4];
  int n;
};

int *member_array(void) {
  struct B b; // ERROR "moved to heap: b$"
  return b.buf;
}

int member_array_local(void) {
  struct B b = {{0}, 0};
  int *p = b.buf;
  return p[b.n];
}

// Casts keep pointing at the same object.
char *cast_ret(void) {
  int a[4]; // ERROR "moved to heap: a$"
  return (char *)a;
}

void cast_void(void) {
  int a[4]; // ERROR "moved to heap: a$"
  sink = (int *)(void *)(char *)a;
}

// Casting to an integer hides the address, as Go's uintptr does (DESIGN 3).
intptr_t cast_int(void) {
  int a[4];
  return (intptr_t)a;
}

// ?: and comma pass addresses through.
int *cond_both(int c) {
  int a[2]; // ERROR "moved to heap: a$"
  int b[2]; // ERROR "moved to heap: b$"
  return c ? a : b;
}

int *cond_param(int c, int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  int a[2]; // ERROR "moved to heap: a$"
  return c ? p : a;
}

// The condition of ?: is only tested.
int *cond_test(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  int a[2] = {0};
  int *q = a;
  return q[0] ? p : 0;
}

int *comma(void) {
  int a[2];
  int b[2]; // ERROR "moved to heap: b$"
  return (a[0] = 1, b);
}

int *comma_left(void) {
  int a[2];
  int *p;
  return (p = a, (int *)0);
}

// Character arrays: copies of string literals.
char *char_array(void) {
  char s[] = "abc"; // ERROR "moved to heap: s$"
  return s;
}

// memcpy copies what the source points to, not the source.
void memcpy_out(int *dst) { // ERROR "dst does not escape$"
  int a[4] = {0};
  memcpy(dst, a, sizeof a);
}

int *gptrs[2];

void memcpy_pointers(void) {
  int x; // ERROR "moved to heap: x$"
  int *a[2] = {&x, 0};
  memcpy(gptrs, a, sizeof a);
}

void memcpy_pointers_local(void) {
  int x;
  int *a[2] = {&x, 0};
  int *b[2];
  memcpy(b, a, sizeof a);
}

// VLAs: automatic storage of their block, like any array.
int *vla(int n) {
  int a[n]; // ERROR "moved to heap: a$"
  return a;
}

int vla_local(int n) {
  int a[n];
  int *p = a;
  p[0] = 1;
  return a[0];
}

// alloca: automatic storage of the whole function.
int *alloca_ret(void) {
  int *p = alloca(16); // ERROR "alloca\(16\) escapes to heap$"
  return p;
}

int alloca_local(void) {
  int *p = alloca(16); // ERROR "alloca\(16\) does not escape$"
  p[0] = 1;
  return p[0];
}

// alloca'd memory lives until the function returns, not until the end of
// the loop body: keeping it past the loop is fine.
int alloca_loop(int n) {
  int *q = 0;
  for (int i = 0; i < n; i++) {
    q = alloca(16); // ERROR "alloca\(16\) does not escape$"
    q[0] = i;
  }
  return q ? q[0] : 0;
}

void alloca_global(void) {
  sink = alloca(16); // ERROR "alloca\(16\) escapes to heap$"
}

// Negatives: arrays used where they live.
int sum_rows(void) {
  int a[3][3] = {{0}};
  int s = 0;
  for (int i = 0; i < 3; i++) {
    int *row = a[i];
    s += row[0];
  }
  return s;
}

void fill_array(int *a, int n) { // ERROR "a does not escape$"
  for (int i = 0; i < n; i++)
    a[i] = i;
}

int local_ptr_array(void) {
  int x = 1;
  int y = 2;
  int *a[2] = {&x, &y};
  int **pp = a;
  return *pp[1];
}

void copy_ints(int *dst, const int *src, int n) { // ERROR "dst does not escape$" "src does not escape$"
  memcpy(dst, src, n * sizeof *src);
}

int strlen_local(void) {
  char s[8] = "abc";
  return (int)strlen(s);
}

static int cmp(const void *a, const void *b) { // ERROR "a does not escape$" "b does not escape$"
  return *(const int *)a - *(const int *)b;
}

int qsort_local(void) {
  int a[3] = {3, 1, 2};
  qsort(a, 3, sizeof a[0], cmp);
  return a[0];
}

int vla_loop(int n) {
  int s = 0;
  for (int i = 0; i < 3; i++) {
    int v[n];
    v[0] = i;
    int *p = v;
    s += *p;
  }
  return s;
}

int memcmp_local(void) {
  int a[2] = {1, 2};
  int b[2] = {1, 2};
  return memcmp(a, b, sizeof a);
}

// Stores into an array of pointers through pointers into it.
void store_via_decayed(void) {
  int x; // ERROR "moved to heap: x$"
  int *a[2];
  int **p = a;
  p[1] = &x;
  sink = a[0];
}

void store_via_arith(void) {
  int x; // ERROR "moved to heap: x$"
  int *a[2];
  *(a + 1) = &x;
  sink = a[0];
}

void store_via_row(void) {
  int x; // ERROR "moved to heap: x$"
  int *b[2][2];
  *b[1] = &x;
  sink = b[0][0];
}

void store_via_array_pointer(void) {
  int x; // ERROR "moved to heap: x$"
  int *a[2];
  int *(*pa)[2] = &a;
  (*pa)[0] = &x;
  sink = a[1];
}

void store_via_decayed_local(void) {
  int x;
  int *a[2];
  int **p = a;
  p[1] = &x;
  gint = *a[1];
}

// Indexing a pointer to an array yields an array, which decays again.
int *row_of_pointer(int (*a)[4]) { // ERROR "leaking param: a to result ~r0 level=0$"
  return a[1];
}

// An array member of a by-value parameter is the parameter's own storage.
struct B2 {
  int buf[4];
};

int *member_array_param(struct B2 b) { // ERROR "moved to heap: b$"
  return b.buf;
}

// The address of a character of a string literal is static.
const char *string_literal_elem(void) {
  const char *p = &"abc"[1];
  return p;
}

// alloca in an inner block still lives until the function returns.
int alloca_inner_block(void) {
  int *p;
  {
    p = alloca(sizeof(int)); // ERROR "alloca\(sizeof\(int\)\) does not escape$"
  }
  *p = 1;
  return *p;
}

// C library functions that return their argument.
int *memcpy_returns_dst(void) {
  int a[4]; // ERROR "moved to heap: a$"
  return memcpy(a, &gint, sizeof gint);
}

char *strchr_returns_into(void) {
  char buf[8] = "abc"; // ERROR "moved to heap: buf$"
  return strchr(buf, 'b');
}

size_t strchr_local(void) {
  char buf[8] = "abc";
  char *p = strchr(buf, 'b');
  return p ? (size_t)(p - buf) : 0;
}

// escape-check -m
// Returned addresses: a local's address returned directly, through temporaries,
// ?:, the comma operator, casts and pointer arithmetic is moved to heap. Static
// locals, globals and string literals have static storage and never escape.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct pair {
  int *a;
  int *b;
};

struct holder {
  int *p;
  int n;
};

int g;
static int sg;

// Go: func f() *int { x := 0; return &x }
int *ret_addr(void) {
  int x; // ERROR "moved to heap: x$"
  return &x;
}

int ret_value(void) {
  int x = 1;
  int *p = &x;
  return *p;
}

int *ret_temp(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  return p;
}

int *ret_temp_chain(void) {
  int x; // ERROR "moved to heap: x$"
  int *p;
  int *q;
  p = &x;
  q = p;
  return q;
}

int *ret_other_temp(void) {
  int x;
  int *p = &x;
  int *q = &g;
  *p = 1;
  return q;
}

int *ret_cond(int c) {
  int x; // ERROR "moved to heap: x$"
  int y; // ERROR "moved to heap: y$"
  return c ? &x : &y;
}

int *ret_cond_one(int c) {
  int x; // ERROR "moved to heap: x$"
  return c ? &x : &g;
}

// The condition of ?: is only tested, never returned.
int *ret_cond_condition_only(void) {
  int x;
  int *p = &x;
  return p ? &g : NULL;
}

int *ret_comma(void) {
  int x; // ERROR "moved to heap: x$"
  return (g++, &x);
}

// The left operand of the comma operator is discarded.
int *ret_comma_left(void) {
  int x;
  int *p;
  return (p = &x, &g);
}

int *ret_cast(void) {
  int x; // ERROR "moved to heap: x$"
  return (int *)(void *)&x;
}

char *ret_cast_char(void) {
  int x; // ERROR "moved to heap: x$"
  return (char *)&x;
}

// Go's unsafe.Pointer(uintptr(p)) rule: a pointer converted to an integer
// and back within one expression keeps its flow.
int *ret_through_integer(void) {
  int x; // ERROR "moved to heap: x$"
  return (int *)(uintptr_t)&x;
}

int *ret_arith(void) {
  int a[4]; // ERROR "moved to heap: a$"
  return a + 1;
}

int *ret_elem(void) {
  int a[4]; // ERROR "moved to heap: a$"
  return &a[2];
}

int *ret_arith_sub(void) {
  int a[4]; // ERROR "moved to heap: a$"
  int *end = a + 4;
  return end - 1;
}

char *ret_array(void) {
  char buf[16]; // ERROR "moved to heap: buf$"
  return buf;
}

int ret_array_elem_value(void) {
  int a[4] = {0};
  int *p = a;
  return p[1];
}

char *ret_array_string_init(void) {
  char s[] = "hello"; // ERROR "moved to heap: s$"
  return s;
}

// Go: indaddr2, return *&x.
int *ret_deref_addr(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  return *&p;
}

int *ret_through_double(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  int **pp = &p;
  return *pp;
}

int *ret_member_of_local(void) {
  struct holder h; // ERROR "moved to heap: h$"
  h.n = 0;
  return &h.n;
}

int *ret_field(void) {
  int x; // ERROR "moved to heap: x$"
  struct holder h;
  h.p = &x;
  return h.p;
}

int ret_field_int(void) {
  int x;
  struct holder h;
  h.p = &x;
  h.n = *h.p;
  return h.n;
}

struct holder ret_struct_value(void) {
  int x; // ERROR "moved to heap: x$"
  struct holder h = {&x, 0};
  return h;
}

// Field-sensitive: s.a never reaches the result.
int *ret_pair_b(void) {
  int x;
  int y; // ERROR "moved to heap: y$"
  struct pair s;
  s.a = &x;
  s.b = &y;
  return s.b;
}

// Once the address of s is taken, reads through it see every field.
int *ret_pair_through_pointer(void) {
  int x; // ERROR "moved to heap: x$"
  int y; // ERROR "moved to heap: y$"
  struct pair s;
  struct pair *ps = &s;
  s.a = &x;
  s.b = &y;
  return ps->b;
}

int *ret_inner_block(int c) {
  int *p = NULL;
  if (c) {
    int x; // ERROR "moved to heap: x$"
    p = &x;
  }
  return p;
}

int ret_inner_block_value(void) {
  int x = 1;
  int *p = &x;
  {
    int *q = p;
    return *q;
  }
}

// Flow-insensitive, as Go: p once held &x.
int *ret_reassigned(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  *p = 2;
  p = &g;
  return p;
}

int *ret_static(void) {
  static int s;
  return &s;
}

int *ret_static_array(void) {
  static int s[4];
  return s + 1;
}

int *ret_global(void) {
  return &g;
}

int *ret_static_global(void) {
  return &sg;
}

const char *ret_string(void) {
  return "hello";
}

const char *ret_string_elem(void) {
  return &"hello"[1];
}

const char *ret_string_cond(int c) {
  const char *s = c ? "yes" : "no";
  return s;
}

const char *ret_string_table(int i) {
  static const char *const names[] = {"a", "b"};
  return names[i];
}

// Go: func foo3(x int) *int { return &x }
int *ret_param_addr(int x) { // ERROR "moved to heap: x$"
  return &x;
}

int ret_param_addr_value(int x) {
  int *p = &x;
  return *p;
}

int *ret_param(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return p;
}

char *ret_param_arith(char *s) { // ERROR "leaking param: s to result ~r0 level=0$"
  while (*s == ' ')
    s++;
  return s + 1;
}

int *ret_param_pick(int *a, int *b, int c) { // ERROR "leaking param: a to result ~r0 level=0$" "leaking param: b to result ~r0 level=0$"
  return c ? a : b;
}

int *ret_param_deref(int **p) { // ERROR "leaking param: p to result ~r0 level=1$"
  return *p;
}

int **ret_param_member_addr(struct pair *s) { // ERROR "leaking param: s to result ~r0 level=0$"
  return &s->a;
}

int *ret_param_member(struct pair *s) { // ERROR "leaking param: s to result ~r0 level=1$"
  return s->b;
}

// Go: (b Bar) AlsoLeak: a by-value struct's pointer field is its value.
int *ret_byval_field(struct holder h) { // ERROR "leaking param: h to result ~r0 level=0$"
  return h.p;
}

// Go: (b Bar) StillNoLeak.
int ret_byval_still_no_leak(struct holder h) { // ERROR "h does not escape$"
  int v = 0;
  h.p = &v;
  return h.n;
}

int *ret_malloc(void) {
  return malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) escapes to heap$"
}

int *ret_malloc_temp(void) {
  int *p = malloc(4); // ERROR "malloc\(4\) escapes to heap$"
  return p;
}

int ret_malloc_value(void) {
  int *p = malloc(4); // ERROR "malloc\(4\) does not escape$"
  int v;
  *p = 1;
  v = *p;
  free(p);
  return v;
}

struct pair *ret_literal(void) {
  return &(struct pair){0, 0}; // ERROR "&\(struct pair\)\{\.\.\.\} escapes to heap$"
}

int ret_literal_value(void) {
  struct pair *p = &(struct pair){0, 0}; // ERROR "&\(struct pair\)\{\.\.\.\} does not escape$"
  return p->a == 0;
}

int *ret_array_literal(void) {
  return (int[]){1, 2}; // ERROR "\(int\[\]\)\{\.\.\.\} escapes to heap$"
}

int *ret_vla(int n) {
  int a[n]; // ERROR "moved to heap: a$"
  return a;
}

int ret_vla_value(int n) {
  int a[n];
  int *p = a;
  p[0] = 1;
  return a[0];
}

void *ret_alloca(void) {
  return __builtin_alloca(8); // ERROR "__builtin_alloca\(8\) escapes to heap$"
}

int ret_alloca_value(void) {
  int *p = __builtin_alloca(sizeof(int)); // ERROR "__builtin_alloca\(sizeof\(int\)\) does not escape$"
  *p = 3;
  return *p;
}

struct outer {
  struct holder h;
  int *q;
};

int *ret_nested_field(void) {
  int x; // ERROR "moved to heap: x$"
  int y;
  struct outer o;
  o.h.p = &x;
  o.q = &y;
  return o.h.p;
}

int *ret_from_switch(int c) {
  int x; // ERROR "moved to heap: x$"
  int y;
  int *p = &y;
  switch (c) {
  case 0:
    return &x;
  default:
    return p ? &g : NULL;
  }
}

int *ret_param_addr_of_deref(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return &*p;
}

int *ret_param_deref2(int ***p) { // ERROR "leaking param: p to result ~r0 level=2$"
  return **p;
}

int ret_param_value(int **p) { // ERROR "p does not escape$"
  return **p;
}

// Addresses that are compared, subtracted, measured or read through are not
// returned.
int ret_compare(void) {
  int x;
  int y;
  return &x < &y;
}

ptrdiff_t ret_diff(void) {
  int a[4];
  return &a[3] - &a[0];
}

size_t ret_sizeof(void) {
  int x;
  return sizeof(&x);
}

intptr_t ret_as_integer(void) {
  int x;
  return (intptr_t)&x;
}

int ret_deref_chain(void) {
  int x = 1;
  int *p = &x;
  int **pp = &p;
  return **pp;
}

int ret_self_pointer(void) {
  struct holder h;
  h.n = 1;
  h.p = &h.n;
  return *h.p;
}

struct holder ret_struct_static(void) {
  static int s;
  struct holder h = {&s, 0};
  return h;
}

struct holder ret_struct_int_only(void) {
  int x = 1;
  int *p = &x;
  struct holder h = {NULL, 0};
  h.n = *p;
  return h;
}

int ret_static_pointer(void) {
  static int s;
  static int *sp;
  sp = &s;
  return *sp;
}

// Designated initializers fill the named field only.
int *ret_designated(void) {
  int x = 0;
  int y = 0; // ERROR "moved to heap: y$"
  struct pair s = {.b = &y, .a = &x};
  return s.b;
}

int *ret_positional(void) {
  int x = 0;
  int y = 0; // ERROR "moved to heap: y$"
  struct pair s = {&x, &y};
  return s.b;
}

// A struct copy keeps its fields apart.
int *ret_struct_copy_field(void) {
  int x = 0;
  int y = 0; // ERROR "moved to heap: y$"
  struct pair s;
  struct pair t;
  s.a = &x;
  s.b = &y;
  t = s;
  return t.b;
}

struct pair ret_struct_copy(void) {
  int x = 0; // ERROR "moved to heap: x$"
  int y = 0; // ERROR "moved to heap: y$"
  struct pair s = {&x, &y};
  struct pair t = s;
  return t;
}

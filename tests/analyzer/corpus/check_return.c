// escape-check
// Check mode, returned addresses: each warning names the local and is printed
// where its address is taken (or where the array decays). Heap memory, static
// storage and values that are not addresses are fine to return.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct holder {
  int *p;
  int n;
};

struct pair {
  int *a;
  int *b;
};

int g;

int *ret_addr(void) {
  int x = 0;
  return &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
}

int ret_value(void) {
  int x = 1;
  int *p = &x;
  return *p;
}

int *ret_temp(void) {
  int x = 0;
  int *p = &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
  int *q = p;
  return q;
}

// The warning points at the flow that escapes, not at every &x.
int *ret_second_addr(void) {
  int x = 0;
  int *p = &x;
  *p = 1;
  return &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
}

int *ret_cond(int c) {
  int x = 0;
  int y = 0;
  return c ? &x : &y; // ERROR "local variable 'x' escapes: returned to caller \[-Wescape-return\]$" "local variable 'y' escapes: returned to caller \[-Wescape-return\]$"
}

int *ret_cond_global(int c) {
  int x = 0;
  return c ? &g : &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
}

int *ret_comma(void) {
  int x = 0;
  return (g++, &x); // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
}

int *ret_comma_left(void) {
  int x = 0;
  int *p;
  return (p = &x, &g);
}

int *ret_cast(void) {
  int x = 0;
  return (int *)(void *)&x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
}

// As Go's unsafe.Pointer(uintptr(p)): converted to an integer and back in
// one expression, the address is still returned.
int *ret_through_integer(void) {
  int x = 0;
  return (int *)(uintptr_t)&x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
}

// A pointer's hash is an integer that holds no address.
unsigned long ret_hash(void) {
  int x = 0;
  return (uintptr_t)&x % 31;
}

char *ret_array(void) {
  char buf[16] = "";
  return buf; // ERROR "^warning: address of local variable 'buf' escapes: returned to caller \[-Wescape-return\]$"
}

int *ret_arith(void) {
  int a[4] = {0};
  return a + 1; // ERROR "^warning: address of local variable 'a' escapes: returned to caller \[-Wescape-return\]$"
}

int *ret_elem(void) {
  int a[4] = {0};
  int *p = &a[3]; // ERROR "^warning: address of local variable 'a' escapes: returned to caller \[-Wescape-return\]$"
  return p - 1;
}

int *ret_member(void) {
  struct holder h = {0, 0};
  return &h.n; // ERROR "^warning: address of local variable 'h' escapes: returned to caller \[-Wescape-return\]$"
}

int *ret_field(void) {
  int x = 0;
  struct holder h;
  h.p = &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
  return h.p;
}

struct holder ret_struct(void) {
  int x = 0;
  struct holder h = {&x, 0}; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
  return h;
}

int *ret_pair_b(void) {
  int x = 0;
  int y = 0;
  struct pair s;
  s.a = &x;
  s.b = &y; // ERROR "^warning: address of local variable 'y' escapes: returned to caller \[-Wescape-return\]$"
  return s.b;
}

int *ret_inner_block(int c) {
  int *p = NULL;
  if (c) {
    int x = 0;
    p = &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
  }
  return p;
}

int *ret_param_addr(int x) {
  return &x; // ERROR "^warning: address of parameter 'x' escapes: returned to caller \[-Wescape-return\]$"
}

int **ret_param_ptr_addr(int *p) {
  return &p; // ERROR "^warning: address of parameter 'p' escapes: returned to caller \[-Wescape-return\]$"
}

int ret_param_addr_value(int x) {
  int *p = &x;
  return *p;
}

int *ret_param(int *p) {
  return p;
}

int *ret_param_member(struct holder *h) {
  return &h->n;
}

struct pair *ret_literal(void) {
  return &(struct pair){0, 0}; // ERROR "^warning: address of compound literal escapes: returned to caller \[-Wescape-return\]$"
}

int ret_literal_value(void) {
  struct pair *p = &(struct pair){0, 0};
  return p->a == NULL;
}

int *ret_array_literal(void) {
  return (int[]){1, 2}; // ERROR "^warning: address of compound literal escapes: returned to caller \[-Wescape-return\]$"
}

void *ret_alloca(void) {
  return __builtin_alloca(16); // ERROR "^warning: address of alloca'd memory escapes: returned to caller \[-Wescape-return\]$"
}

int ret_alloca_value(void) {
  int *p = __builtin_alloca(sizeof(int));
  *p = 1;
  return *p;
}

int *ret_vla(int n) {
  int a[n];
  a[0] = 0;
  return a; // ERROR "^warning: address of local variable 'a' escapes: returned to caller \[-Wescape-return\]$"
}

// Heap memory outlives the call: no warning in check mode.
int *ret_malloc(void) {
  int *p = malloc(sizeof *p);
  return p;
}

int *ret_static(void) {
  static int s;
  return &s;
}

int *ret_global(void) {
  return &g;
}

const char *ret_string(int c) {
  return c ? "yes" : "no";
}

const char *ret_string_table(int i) {
  static const char *const names[] = {"a", "b"};
  return names[i];
}

int *ret_through_callee(void) {
  int x = 0;
  int *ret_param(int *p);
  return ret_param(&x); // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
}

int ret_through_callee_value(void) {
  int x = 0;
  return *ret_param(&x);
}

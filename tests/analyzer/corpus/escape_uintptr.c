// escape-check -m
// A pointer converted to an integer and back, after Go's unsafe.Pointer
// rules (package unsafe: "Conversion of a Pointer to a uintptr and back,
// with arithmetic", and test/escape_unsafe.go): within one expression,
// through one integer local, or through an integer field it is stored in
// (Go's reflect.SliceHeader rule), the address keeps its flow; an integer
// that was computed otherwise (a hash, a second local copied from the
// first, a difference of two pointers) or a global integer holds no
// address (escape_global.c's store_as_integer).
#include <stddef.h>
#include <stdint.h>

int *g;

// Go's escape_unsafe.go.

// (1) Conversion of a *T1 to Pointer to *T2.
unsigned long *convert(double *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return (unsigned long *)(void *)p;
}

// (3) Conversion of a Pointer to a uintptr and back, with arithmetic.
void *arithAdd(void) {
  char x[2]; // ERROR "moved to heap: x$"
  return (void *)((uintptr_t)(void *)&x[0] + 1);
}

void *arithSub(void) {
  char x[2]; // ERROR "moved to heap: x$"
  return (void *)((uintptr_t)(void *)&x[1] - 1);
}

void *arithMask(void) {
  char x[2]; // ERROR "moved to heap: x$"
  return (void *)((uintptr_t)(void *)&x[1] & ~(uintptr_t)1);
}

// (6) A slice header's Data field, an integer, read and written.
struct int_slice {
  int *array;
  long len, cap;
};
struct slice_header {
  uintptr_t data;
  long len, cap;
};

void *fromSliceData(struct int_slice s) { // ERROR "leaking param: s to result ~r0 level=0$"
  return (void *)((struct slice_header *)&s)->data;
}

// Go: "s does not escape" "leaking param: p"; here p goes where s points.
void toSliceData(struct int_slice *s, void *p) { // ERROR "s does not escape$" "leaking param: p to content of s level=0$"
  ((struct slice_header *)s)->data = (uintptr_t)p;
}

// Go's (5), reflect.Value.Pointer, and the string cases have no meaning in
// C. C's own cases follow.

// Go's unsafe.Pointer(uintptr(p) + off), in one expression.
void offset_in_one_expression(void) {
  int x[4]; // ERROR "moved to heap: x$"
  g = (int *)((uintptr_t)x + sizeof(int));
}

// Rounding an address up to an alignment: & and | keep it too.
void aligned(void) {
  char buf[64]; // ERROR "moved to heap: buf$"
  g = (int *)(((uintptr_t)buf + 15) & ~(uintptr_t)15);
}

// Through one integer local.
void one_local(void) {
  int y = 0; // ERROR "moved to heap: y$"
  uintptr_t a = (uintptr_t)&y;
  g = (int *)a;
}

// Assigned, not initialized.
void one_local_assigned(void) {
  int z = 0; // ERROR "moved to heap: z$"
  uintptr_t a;
  a = (uintptr_t)&z + 0;
  g = (int *)(a - 0);
}

// Returned as a pointer again.
int *returned(void) {
  int r = 0; // ERROR "moved to heap: r$"
  return (int *)(intptr_t)&r;
}

// A parameter's address through an integer is still its flow.
int *param_through_integer(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return (int *)((uintptr_t)p | 0);
}

// Negatives. A second local copied from the first holds no address (Go's
// rule allows the one conversion only).
void two_locals(void) {
  int w = 0;
  uintptr_t a = (uintptr_t)&w;
  uintptr_t b = a;
  g = (int *)b;
}

// A hash of an address is an integer.
unsigned hash(void) {
  int v = 0;
  return (unsigned)((uintptr_t)&v * 2654435761u >> 7);
}

// A difference of two pointers is a size.
ptrdiff_t distance(void) {
  int arr[8];
  return &arr[7] - &arr[0];
}

// An address printed or compared as an integer goes nowhere.
int compare(int *p) { // ERROR "p does not escape$"
  int q = 0;
  return (uintptr_t)p < (uintptr_t)&q;
}

// Either branch of ?: may be the address.
void through_conditional(int c) {
  int x = 0; // ERROR "moved to heap: x$"
  uintptr_t a = c ? (uintptr_t)&x : 0;
  g = (int *)a;
}

// a += (uintptr_t)p keeps it too.
void compound_assigned(void) {
  int x = 0; // ERROR "moved to heap: x$"
  uintptr_t a = 0;
  a += (uintptr_t)&x;
  g = (int *)a;
}

// An element of an integer array.
void array_element(void) {
  int x = 0; // ERROR "moved to heap: x$"
  uintptr_t a[1];
  a[0] = (uintptr_t)&x;
  g = (int *)a[0];
}

// escape-check -m -- -Iruntime/include
// Slices (<escape/slice.h>), after Go's test/escape_slice.go and the slice
// cases of escape2.go, then C's own cases. A slice's backing array is an
// allocation site (make(S, n) escapes to heap / does not escape); a value
// stored into an element goes where the array goes; append may move the
// array into a new one on the heap (escrt_growslice), so what is appended,
// and what the old array held, escapes, as Go's "appended to slice" and
// "appendee slice" say.
//
// Go's cases without a meaning here: slice literals ([]*int{&i}: C has no
// slice literal; an array compound literal is escape_literal.c's), range
// over a slice (a C loop over escrt_at is slice3), strings (envForDir,
// mergeEnvLists' string keys are char *: mergeEnvLists is kept with them),
// and Go's package-level initializers (setupTestData).
//
// Where Go reports "BAD" (an imprecision its comments admit), the C answer
// is the precise one and the case says so.
#include <escape/slice.h>

typedef ESCRT_SLICE(int *) ptr_slice;
typedef ESCRT_SLICE(int) int_slice;
typedef ESCRT_SLICE(char) byte_slice;
typedef ESCRT_SLICE(char *) str_slice;

void *sink;
int *gp;

// Go's slice0: appending to a nil slice moves the array to the heap (Go:
// "BAD: i should not escape"; here too, as the growth is a heap array).
void slice0(void) {
  ptr_slice s = escrt_nil(ptr_slice);
  int i = 0; // ERROR "moved to heap: i$"
  s = escrt_append(s, &i);
  (void)s;
}

int *slice1(void) {
  ptr_slice s = escrt_nil(ptr_slice);
  int i = 0; // ERROR "moved to heap: i$"
  s = escrt_append(s, &i);
  return escrt_at(s, 0);
}

ptr_slice slice2(void) {
  ptr_slice s = escrt_nil(ptr_slice);
  int i = 0; // ERROR "moved to heap: i$"
  s = escrt_append(s, &i);
  return s;
}

int *slice3(void) {
  ptr_slice s = escrt_nil(ptr_slice);
  int i = 0; // ERROR "moved to heap: i$"
  s = escrt_append(s, &i);
  for (ptrdiff_t k = 0; k < escrt_len(s); k++)
    return escrt_at(s, k);
  return 0;
}

void slice4(ptr_slice s) { // ERROR "s does not escape$"
  int i = 0;               // ERROR "moved to heap: i$"
  escrt_at(s, 0) = &i;
}

void slice5(ptr_slice s) { // ERROR "s does not escape$"
  if (s.array)
    s = escrt_make(ptr_slice, 10); // ERROR "make\(ptr_slice, 10\) does not escape$"
  int i = 0;                       // ERROR "moved to heap: i$"
  escrt_at(s, 0) = &i;
}

// Go's slice6 is "BAD: i should not escape": the array does not escape,
// so neither does what it holds.
void slice6(void) {
  ptr_slice s = escrt_make(ptr_slice, 10); // ERROR "make\(ptr_slice, 10\) does not escape$"
  int i = 0;
  escrt_at(s, 0) = &i;
  (void)s;
}

int *slice7(void) {
  ptr_slice s = escrt_make(ptr_slice, 10); // ERROR "make\(ptr_slice, 10\) does not escape$"
  int i = 0;                               // ERROR "moved to heap: i$"
  escrt_at(s, 0) = &i;
  return escrt_at(s, 0);
}

void slice11(void) {
  int i = 2;
  int_slice s = escrt_make3(int_slice, 2, 3); // ERROR "make\(int_slice, 2, 3\) does not escape$"
  s = escrt_make3(int_slice, i, 3);           // ERROR "make\(int_slice, i, 3\) does not escape$"
  s = escrt_make3(int_slice, i, 1);           // ERROR "make\(int_slice, i, 1\) does not escape$"
  (void)s;
}

// Go's slice12: a slice converted to an array pointer is its array.
int (*slice12(int_slice x))[1] { // ERROR "leaking param: x to result ~r0 level=0$"
  return (int(*)[1])x.array;
}

// Go's mergeEnvLists, with char * for string: what in holds is stored in
// out or appended to it; out is returned.
str_slice mergeEnvLists(str_slice in, str_slice out) { // ERROR "leaking param content: in$" "leaking param content: out$" "leaking param: out to result ~r0 level=0$"
  for (ptrdiff_t a = 0; a < escrt_len(in); a++) {
    char *inkv = escrt_at(in, a);
    int found = 0;
    for (ptrdiff_t b = 0; b < escrt_len(out) && !found; b++)
      if (escrt_at(out, b)[0] == inkv[0]) {
        escrt_at(out, b) = inkv;
        found = 1;
      }
    if (!found)
      out = escrt_append(out, inkv);
  }
  return out;
}

// Go's IPv4: the array is returned.
byte_slice IPv4(char a, char b, char c, char d) {
  byte_slice p = escrt_make(byte_slice, 16); // ERROR "make\(byte_slice, 16\) escapes to heap$"
  escrt_at(p, 12) = a;
  escrt_at(p, 13) = b;
  escrt_at(p, 14) = c;
  escrt_at(p, 15) = d;
  return p;
}

// C's own cases.

// The array stored in a global: what it holds escapes.
ptr_slice gslice;
void to_global(void) {
  ptr_slice s = escrt_make(ptr_slice, 1); // ERROR "make\(ptr_slice, 1\) escapes to heap$"
  int i = 0;                              // ERROR "moved to heap: i$"
  escrt_at(s, 0) = &i;
  gslice = s;
}

// An element's address escapes with the array, not with the local.
int *elem_addr(void) {
  int_slice s = escrt_make(int_slice, 4); // ERROR "make\(int_slice, 4\) escapes to heap$"
  return &escrt_at(s, 2);
}

// A re-slice is the same array.
ptr_slice reslice(void) {
  ptr_slice s = escrt_make(ptr_slice, 8); // ERROR "make\(ptr_slice, 8\) escapes to heap$"
  int i = 0;                              // ERROR "moved to heap: i$"
  escrt_at(s, 0) = &i;
  return escrt_slice_expr(s, 0, 4);
}

// copy moves what src's array holds into dst's array.
void copy_to_global(ptr_slice src) { // ERROR "leaking param content: src$"
  escrt_copy(gslice, src);
}

// Negatives: an int slice carries no address; a local slice that only
// holds pointers to locals used locally; make in a loop.
int sum(void) {
  int_slice s = escrt_make(int_slice, 3); // ERROR "make\(int_slice, 3\) does not escape$"
  for (int k = 0; k < 3; k++)
    escrt_at(s, k) = k;
  int t = 0;
  for (int k = 0; k < 3; k++)
    t += escrt_at(s, k);
  return t;
}

int local_ptrs(void) {
  int a = 1, b = 2;
  ptr_slice s = escrt_make(ptr_slice, 2); // ERROR "make\(ptr_slice, 2\) does not escape$"
  escrt_at(s, 0) = &a;
  escrt_at(s, 1) = &b;
  return *escrt_at(s, 0) + *escrt_at(s, 1);
}

int in_loop(int n) {
  int t = 0;
  for (int k = 0; k < n; k++) {
    int_slice s = escrt_make(int_slice, 2); // ERROR "make\(int_slice, 2\) does not escape$"
    escrt_at(s, 1) = k;
    t += escrt_at(s, 1) + (int)escrt_len(s);
  }
  return t;
}

ptrdiff_t lengths(int_slice s) { // ERROR "s does not escape$"
  return escrt_len(s) + escrt_cap(s);
}

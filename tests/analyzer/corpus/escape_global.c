// escape-check -m
// Stores into globals, static locals, extern and thread-local variables, global
// arrays of pointers and global structs: what they receive the address of is
// moved to heap. Go's escape_level.go and escape2.go foo12-foo19, foo41-foo46.
#include <stdlib.h>

struct pair {
  int *a;
  int *b;
};

struct foo {
  int *xx;
  int x;
};

int *gp;
int **gpp;
int gi;
void *sink;
int *gtab[4];
struct pair gs;
struct pair *gps;
struct foo F;
extern int *ext;
_Thread_local int *tls;

void to_global(void) {
  int x; // ERROR "moved to heap: x$"
  gp = &x;
}

void to_global_via_temp(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  gp = p;
}

void to_global_value(void) {
  int x = 1;
  int *p = &x;
  gi = *p;
}

void through_global_value(void) {
  int x = 2;
  *gp = x;
}

void global_to_global(void) {
  gp = &gi;
  gpp = &gp;
}

void global_to_local(void) {
  int *p = &gi;
  int **pp = &p;
  **pp = 3;
}

void to_extern(void) {
  int x; // ERROR "moved to heap: x$"
  ext = &x;
}

void to_thread_local(void) {
  int x; // ERROR "moved to heap: x$"
  tls = &x;
}

void to_static_local(void) {
  static int *last;
  int x; // ERROR "moved to heap: x$"
  last = &x;
}

void static_to_static(void) {
  static int s;
  static int *sp;
  sp = &s;
  gp = &s;
}

void static_initialized(void) {
  static int s;
  static int *sp = &s;
  gp = sp;
}

void to_static_array(int i) {
  static int *cache[8];
  int x; // ERROR "moved to heap: x$"
  cache[i] = &x;
}

void to_global_array(int i) {
  int x; // ERROR "moved to heap: x$"
  gtab[i] = &x;
}

void to_global_array_elem_addr(void) {
  int a[4]; // ERROR "moved to heap: a$"
  gtab[0] = &a[1];
}

void from_global_array(void) {
  int x = 0;
  int *p = &x;
  *p = *gtab[0];
}

void to_global_struct_field(void) {
  int x; // ERROR "moved to heap: x$"
  gs.a = &x;
}

void to_global_struct(void) {
  int x; // ERROR "moved to heap: x$"
  int y; // ERROR "moved to heap: y$"
  struct pair s;
  s.a = &x;
  s.b = &y;
  gs = s;
}

// Field-sensitive: only s.a is stored.
void to_global_from_field(void) {
  int x; // ERROR "moved to heap: x$"
  int y;
  struct pair s;
  s.a = &x;
  s.b = &y;
  gp = s.a;
}

void through_global_pointer(void) {
  int x; // ERROR "moved to heap: x$"
  gps->a = &x;
}

void through_global_pointer_pointer(void) {
  int x; // ERROR "moved to heap: x$"
  *gpp = &x;
}

// A pointer loaded from a global points to memory the analysis cannot see.
void through_loaded_pointer(void) {
  int x; // ERROR "moved to heap: x$"
  int **pp = gpp;
  *pp = &x;
}

void through_alias_of_global(void) {
  int x; // ERROR "moved to heap: x$"
  int **alias = &gp;
  *alias = &x;
}

void through_alias_of_local(void) {
  int x;
  int *p;
  int **alias = &p;
  *alias = &x;
  gi = *p;
}

void malloc_to_global(void) {
  gp = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) escapes to heap$"
}

void malloc_to_local(void) {
  int *p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
  gi = *p;
  free(p);
}

void literal_to_global(void) {
  gps = &(struct pair){0, 0}; // ERROR "&\(struct pair\)\{\.\.\.\} escapes to heap$"
}

// Go's escape_level.go, with sink a void * global.
void level0(void) {
  int i;     // ERROR "moved to heap: i$"
  int *p0;   // ERROR "moved to heap: p0$"
  int **p1;  // ERROR "moved to heap: p1$"
  int ***p2; // ERROR "moved to heap: p2$"
  p0 = &i;
  p1 = &p0;
  p2 = &p1;
  sink = &p2;
}

void level1(void) {
  int i;    // ERROR "moved to heap: i$"
  int *p0;  // ERROR "moved to heap: p0$"
  int **p1; // ERROR "moved to heap: p1$"
  int ***p2;
  p0 = &i;
  p1 = &p0;
  p2 = &p1;
  sink = p2;
}

void level2(void) {
  int i;   // ERROR "moved to heap: i$"
  int *p0; // ERROR "moved to heap: p0$"
  int **p1;
  int ***p2;
  p0 = &i;
  p1 = &p0;
  p2 = &p1;
  sink = *p2;
}

void level3(void) {
  int i; // ERROR "moved to heap: i$"
  int *p0;
  int **p1;
  int ***p2;
  p0 = &i;
  p1 = &p0;
  p2 = &p1;
  sink = **p2;
}

void level4(void) {
  int i;     // ERROR "moved to heap: i$"
  int *p0;   // ERROR "moved to heap: p0$"
  int **p1;
  int **p2;  // ERROR "moved to heap: p2$"
  p0 = &i;
  p1 = &p0;
  p2 = p1;
  sink = &p2;
}

void level5(void) {
  int i;   // ERROR "moved to heap: i$"
  int *p0; // ERROR "moved to heap: p0$"
  int **p1;
  int **p2;
  p0 = &i;
  p1 = &p0;
  p2 = p1;
  sink = p2;
}

void level6(void) {
  int i; // ERROR "moved to heap: i$"
  int *p0;
  int **p1;
  int **p2;
  p0 = &i;
  p1 = &p0;
  p2 = p1;
  sink = *p2;
}

void level7(void) {
  int i; // ERROR "moved to heap: i$"
  int *p0;
  int **p1;
  int *p2; // ERROR "moved to heap: p2$"
  p0 = &i;
  p1 = &p0;
  p2 = *p1;
  sink = &p2;
}

void level8(void) {
  int i; // ERROR "moved to heap: i$"
  int *p0;
  int **p1;
  int *p2;
  p0 = &i;
  p1 = &p0;
  p2 = *p1;
  sink = p2;
}

// Go reports "*p2 escapes to heap" for the interface conversion; an int
// stored in a C int global carries nothing.
void level9(void) {
  int i;
  int *p0;
  int **p1;
  int *p2;
  p0 = &i;
  p1 = &p0;
  p2 = *p1;
  gi = *p2;
}

void level10(void) {
  int i;
  int *p0;
  int p1;
  int *p2;
  p0 = &i;
  p1 = *p0;
  p2 = &p1;
  gi = *p2;
}

void level11(void) {
  int i;
  int *p0;
  int **p1;
  int p2; // ERROR "moved to heap: p2$"
  p0 = &i;
  p1 = &p0;
  p2 = **p1;
  sink = &p2;
}

// Go's escape2.go foo12-foo19 with xxx a global int **.
void foo12(int **yyy) { // ERROR "leaking param: yyy$"
  gpp = yyy;
}

void foo13(int **yyy) { // ERROR "leaking param content: yyy$"
  *gpp = *yyy;
}

void foo14(int **yyy) { // ERROR "yyy does not escape$"
  **gpp = **yyy;
}

void foo15(int *yy) { // ERROR "moved to heap: yy$"
  gpp = &yy;
}

void foo16(int *yy) { // ERROR "leaking param: yy$"
  *gpp = yy;
}

void foo17(int *yy) { // ERROR "yy does not escape$"
  **gpp = *yy;
}

void foo18(int y) { // ERROR "moved to heap: y$"
  *gpp = &y;
}

void foo19(int y) {
  **gpp = y;
}

// foo41-foo46 with F a global struct.
void foo41(int x) { // ERROR "moved to heap: x$"
  F.xx = &x;
}

void foo44(int *yy) { // ERROR "leaking param: yy$"
  F.xx = yy;
}

void foo45(struct foo *f) { // ERROR "f does not escape$"
  F.x = f->x;
}

void foo46(struct foo *f) { // ERROR "leaking param content: f$"
  F.xx = f->xx;
}

// Go's escape2.go foo50: a global slice of pointers is a global array here.
void foo50(int *i) { // ERROR "leaking param: i$"
  gtab[0] = i;
}

void foo1(int x) { // ERROR "moved to heap: x$"
  gp = &x;
}

void foo2(int *yy) { // ERROR "leaking param: yy$"
  gp = yy;
}

void static_param_store(int *p) { // ERROR "leaking param: p$"
  static int *saved;
  saved = p;
}

// What does not escape.
char *gcp;
struct holder {
  int *p;
  int n;
} gh;

void store_null(void) {
  int x = 0;
  int *p = &x;
  gp = NULL;
  gi = *p;
}

void store_global_addr_in_struct(void) {
  struct pair s;
  s.a = &gi;
  s.b = NULL;
  gs = s;
}

void store_string(void) {
  gcp = "static";
}

void store_static_buffer(void) {
  static char buf[8];
  gcp = buf;
}

void copy_between_globals(void) {
  gtab[0] = gtab[1];
  gp = &*gp;
}

void read_through_alias(void) {
  int **pp = &gp;
  int x = 0;
  int *p = &x;
  gi = **pp + *p;
}

// Field-sensitive: only the int field reaches the global.
void store_int_field(void) {
  int x = 0;
  struct holder h;
  h.p = &x;
  h.n = *h.p;
  gh.n = h.n;
}

// As Go's uintptr: an address converted to an integer and stored in a
// global integer carries nothing (escape_uintptr.c has the rest).
void store_as_integer(void) {
  int x = 0;
  gi = (int)(__INTPTR_TYPE__)&x;
}

void store_sizeof(void) {
  int x;
  gi = (int)sizeof(&x);
}

void store_value_param(int *p) { // ERROR "p does not escape$"
  gi = *p;
}

void store_deep_value_param(int **pp) { // ERROR "pp does not escape$"
  gi = **pp;
}

void global_into_param(int **p) { // ERROR "p does not escape$"
  *p = gp;
}

void global_value_into_param(int *p) { // ERROR "p does not escape$"
  *p = *gp;
}

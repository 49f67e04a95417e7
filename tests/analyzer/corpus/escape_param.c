// escape-check -m
// Parameter summaries, after Go's escape_param.go, escape_level.go and
// escape2.go: does not escape, leaking param, leaking param content, to result
// with levels, and C's own: to content of another parameter (out-params).
#include <stdlib.h>

struct pair {
  int *a;
  int *b;
};

struct pairs {
  struct pair *pairs[2];
};

struct boxed {
  struct pair *pair;
};

struct wrapped {
  struct pair pair;
};

struct indir {
  int ***p;
};

struct val {
  int **p;
};

struct node {
  struct node *p;
};

struct bar {
  int i;
  int *ii;
};

struct bar2 {
  int i[12];
  int *ii;
};

void *sink;
int *gp;
int gi;
struct pair gs;
struct node *Sink;

// in -> out
int *param0(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return p;
}

void caller0a(void) {
  int i = 0;
  (void)param0(&i);
}

void caller0b(void) {
  int i = 0; // ERROR "moved to heap: i$"
  sink = param0(&i);
}

// in, in -> out, out: C returns one struct, one location.
struct pair param1(int *p1, int *p2) { // ERROR "leaking param: p1 to result ~r0 level=0$" "leaking param: p2 to result ~r0 level=0$"
  struct pair r = {p1, p2};
  return r;
}

// Go keeps its two results apart and moves only i; a C struct result is one
// location, so j moves too.
void caller1(void) {
  int i = 0; // ERROR "moved to heap: i$"
  int j = 0; // ERROR "moved to heap: j$"
  sink = param1(&i, &j).a;
}

// in -> other in. Go: "leaking param: p1"; C stores p1 into *p2.
void param2(int *p1, int **p2) { // ERROR "leaking param: p1 to content of p2 level=0$" "p2 does not escape$"
  *p2 = p1;
}

// Go moves i to the heap; here p is a local as long-lived as i.
void caller2a(void) {
  int i = 0;
  int *p;
  param2(&i, &p);
  gi = *p;
}

void caller2b(void) {
  int i = 0; // ERROR "moved to heap: i$"
  int *p;
  param2(&i, &p);
  sink = p;
}

// Go ignores the self-assignment: "p does not escape".
void paramArraySelfAssign(struct pairs *p) { // ERROR "p does not escape$"
  p->pairs[0] = p->pairs[1];
}

void leakParam(void *x) { // ERROR "leaking param: x$"
  sink = x;
}

void sinkAfterSelfAssignment1(struct boxed *box) { // ERROR "leaking param content: box$"
  box->pair->a = box->pair->b;
  sink = box->pair->b;
}

void sinkAfterSelfAssignment2(struct boxed *box) { // ERROR "leaking param content: box$"
  box->pair->a = box->pair->b;
  sink = box->pair;
}

void sinkAfterSelfAssignment3(struct boxed *box) { // ERROR "leaking param content: box$"
  box->pair->a = box->pair->b;
  leakParam(box->pair->b);
}

// Go ignores box1's self-assignment: "box1 does not escape".
void selfAssignmentAndUnrelated(struct boxed *box1, struct boxed *box2) { // ERROR "box1 does not escape$" "leaking param content: box2$"
  box1->pair->a = box1->pair->b;
  leakParam(box2->pair->b);
}

// The store goes into memory the callee cannot see (*box1->pair): the heap.
void notSelfAssignment1(struct boxed *box1, struct boxed *box2) { // ERROR "box1 does not escape$" "leaking param content: box2$"
  box1->pair->a = box2->pair->a;
}

// Go: "leaking param content: p2"; C stores what p2 points to into *p1.
void notSelfAssignment2(struct pairs *p1, struct pairs *p2) { // ERROR "p1 does not escape$" "leaking param: p2 to content of p1 level=1$"
  p1->pairs[0] = p2->pairs[1];
}

void notSelfAssignment3(struct pairs *p1, struct pairs *p2) { // ERROR "p1 does not escape$" "leaking param content: p2$"
  p1->pairs[0]->a = p2->pairs[1]->a;
}

// Go: "box does not escape" (self-assignment ignored).
void boxedPairSelfAssign(struct boxed *box) { // ERROR "box does not escape$"
  box->pair->a = box->pair->b;
}

// Go: "w does not escape" (self-assignment ignored).
void wrappedPairSelfAssign(struct wrapped *w) { // ERROR "w does not escape$"
  w->pair.a = w->pair.b;
}

// in -> in, self-assignment: Go: "p does not escape".
void param3(struct pair *p) { // ERROR "p does not escape$"
  p->a = p->b;
}

void caller3a(void) {
  int i = 0;
  int j = 0;
  struct pair p = {&i, &j};
  param3(&p);
}

void caller3b(void) {
  int i = 0; // ERROR "moved to heap: i$"
  int j = 0; // ERROR "moved to heap: j$"
  struct pair p = {&i, &j};
  param3(&p);
  gs = p;
}

// in -> receiver. Go: "leaking param: i".
void param4(struct pair *p, int *i) { // ERROR "p does not escape$" "leaking param: i to content of p level=0$"
  p->a = i;
}

// Go moves i; here p lives as long as i.
void caller4a(void) {
  int i = 0;
  struct pair p = {0, 0};
  param4(&p, &i);
}

void caller4b(void) {
  int i = 0; // ERROR "moved to heap: i$"
  struct pair p = {0, 0};
  param4(&p, &i);
  gs = p;
}

// in -> heap
void param5(int *i) { // ERROR "leaking param: i$"
  sink = i;
}

void caller5(void) {
  int i = 0; // ERROR "moved to heap: i$"
  param5(&i);
}

// *in -> heap
void param6(int ***i) { // ERROR "leaking param content: i$"
  sink = *i;
}

void caller6a(void) {
  int i = 0;     // ERROR "moved to heap: i$"
  int *p = &i;   // ERROR "moved to heap: p$"
  int **p2 = &p;
  param6(&p2);
}

// **in -> heap
void param7(int ***i) { // ERROR "leaking param content: i$"
  sink = **i;
}

void caller7(void) {
  int i = 0; // ERROR "moved to heap: i$"
  int *p = &i;
  int **p2 = &p;
  param7(&p2);
}

// Go reports "*(*i) escapes to heap" for the boxing; an int carries nothing.
void param8(int **i) { // ERROR "i does not escape$"
  gi = **i;
}

void caller8(void) {
  int i = 0;
  int *p = &i;
  param8(&p);
}

// *in -> out
int **param9(int ***p) { // ERROR "leaking param: p to result ~r0 level=1$"
  return *p;
}

void caller9a(void) {
  int i = 0;
  int *p = &i;
  int **p2 = &p;
  (void)param9(&p2);
}

void caller9b(void) {
  int i = 0;   // ERROR "moved to heap: i$"
  int *p = &i; // ERROR "moved to heap: p$"
  int **p2 = &p;
  sink = param9(&p2);
}

// **in -> out
int *param10(int ***p) { // ERROR "leaking param: p to result ~r0 level=2$"
  return **p;
}

void caller10a(void) {
  int i = 0;
  int *p = &i;
  int **p2 = &p;
  (void)param10(&p2);
}

void caller10b(void) {
  int i = 0; // ERROR "moved to heap: i$"
  int *p = &i;
  int **p2 = &p;
  sink = param10(&p2);
}

// The address of a parameter is returned: it moves to the heap, taking the
// caller's pointer with it.
int ***param11(int **i) { // ERROR "moved to heap: i$"
  return &i;
}

void caller11a(void) {
  int i = 0;   // ERROR "moved to heap: i$"
  int *p = &i; // ERROR "moved to heap: p$"
  (void)param11(&p);
}

void caller11c(void) {
  int i = 0;   // ERROR "moved to heap: i$"
  int *p = &i; // ERROR "moved to heap: p$"
  sink = *param11(&p);
}

void caller11d(void) {
  int i = 0;   // ERROR "moved to heap: i$"
  int *p = &i; // ERROR "moved to heap: p$"
  int **p2 = &p;
  sink = param11(p2);
}

// &in -> receiver
void param12(struct indir *r, int **i) { // ERROR "r does not escape$" "moved to heap: i$"
  r->p = &i;
}

void caller12a(void) {
  int i = 0;   // ERROR "moved to heap: i$"
  int *p = &i; // ERROR "moved to heap: p$"
  struct indir r;
  param12(&r, &p);
}

// in -> value receiver: *v.p points into the caller's memory. Go: "leaking
// param: i".
void param13(struct val v, int *i) { // ERROR "v does not escape$" "leaking param: i to content of v level=0$"
  *v.p = i;
}

// Go moves i; here p lives as long as i.
void caller13a(void) {
  int i = 0;
  int *p;
  struct val v;
  v.p = &p;
  param13(v, &i);
}

void caller13d(void) {
  int i = 0; // ERROR "moved to heap: i$"
  int *p;    // ERROR "moved to heap: p$"
  struct val v;
  v.p = &p;
  param13(v, &i);
  sink = v.p;
}

void caller13g(void) {
  int i = 0; // ERROR "moved to heap: i$"
  int *p;
  struct val v = {&p};
  param13(v, &i);
  sink = *v.p;
}

void f(struct node *x) { // ERROR "leaking param content: x$"
  Sink = &(struct node){x->p}; // ERROR "&\(struct node\)\{\.\.\.\} escapes to heap$"
}

struct node *g(struct node *x) { // ERROR "leaking param content: x$"
  return &(struct node){x->p}; // ERROR "&\(struct node\)\{\.\.\.\} escapes to heap$"
}

void h(struct node *x) { // ERROR "leaking param: x$"
  struct node *y = &(struct node){x}; // ERROR "&\(struct node\)\{\.\.\.\} does not escape$"
  Sink = g(y);
  f(y);
}

// Go's param14b: interface(in) -> out becomes void *.
void *param14b(int *x) { // ERROR "leaking param: x to result ~r0 level=0$"
  return x;
}

// A heap leak subsumes the result flow (leaks.go's Optimize).
int *leaktosink(int *p) { // ERROR "leaking param: p$"
  gp = p;
  return p;
}

// Go's Bar methods.
int bar_noleak(struct bar *b) { // ERROR "b does not escape$"
  return *(b->ii);
}

int *bar_leak(struct bar *b) { // ERROR "leaking param: b to result ~r0 level=0$"
  return &b->i;
}

int *bar_also_no_leak(struct bar *b) { // ERROR "leaking param: b to result ~r0 level=1$"
  return b->ii;
}

int *bar_leaks_a_bit(struct bar *b) { // ERROR "leaking param: b to result ~r0 level=1$"
  int v = 0; // ERROR "moved to heap: v$"
  b->ii = &v;
  return b->ii;
}

// Go: "leaking param: b"; C stores b into what b points to.
void bar2_leak_self(struct bar2 *b) { // ERROR "leaking param: b to content of b level=0$"
  b->ii = b->i;
}

struct bar *new_barp(int *x) { // ERROR "leaking param: x$"
  struct bar *b = malloc(sizeof *b); // ERROR "malloc\(sizeof \*b\) escapes to heap$"
  b->i = 42;
  b->ii = x;
  return b;
}

struct bar *new_barp2(int *x) { // ERROR "x does not escape$"
  struct bar *b = malloc(sizeof *b); // ERROR "malloc\(sizeof \*b\) escapes to heap$"
  b->i = *x;
  b->ii = NULL;
  return b;
}

// Go's escape_struct_return.go: A and B.
struct u {
  char *sp;
  char **spp;
};

struct u A(char *sp, char **spp) { // ERROR "leaking param: sp to result ~r0 level=0$" "leaking param: spp to result ~r0 level=0$"
  struct u r = {sp, spp};
  return r;
}

struct u B(char **spp) { // ERROR "leaking param: spp to result ~r0 level=0$"
  struct u r = {*spp, spp};
  return r;
}

// C's out-parameters.
void set_v(struct pair *o, int *v) { // ERROR "o does not escape$" "leaking param: v to content of o level=0$"
  o->b = v;
}

void copy_ptr(int **dst, int **src) { // ERROR "dst does not escape$" "leaking param: src to content of dst level=1$"
  *dst = *src;
}

void swap(int **a, int **b) { // ERROR "leaking param: a to content of b level=1$" "leaking param: b to content of a level=1$"
  int *t = *a;
  *a = *b;
  *b = t;
}

void out_local(int **o) { // ERROR "o does not escape$"
  int x; // ERROR "moved to heap: x$"
  *o = &x;
}

void out_param_addr(int **o, int x) { // ERROR "o does not escape$" "moved to heap: x$"
  *o = &x;
}

void out_malloc(int **o) { // ERROR "o does not escape$"
  *o = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) escapes to heap$"
}

void out_static(int **o) { // ERROR "o does not escape$"
  static int s;
  *o = &s;
}

void out_string(const char **o) { // ERROR "o does not escape$"
  *o = "static";
}

// **o is memory the callee cannot see.
void out_two_levels(int ***o) { // ERROR "o does not escape$"
  int x; // ERROR "moved to heap: x$"
  **o = &x;
}

void out_field(struct pair *o) { // ERROR "o does not escape$"
  int x; // ERROR "moved to heap: x$"
  o->a = &x;
}

void out_index(int **o, int i) { // ERROR "o does not escape$"
  int x; // ERROR "moved to heap: x$"
  o[i] = &x;
}

void unused(int *p) { // ERROR "p does not escape$"
}

int addr_of_param_local(int *p) { // ERROR "p does not escape$"
  int **pp = &p;
  return **pp;
}

void reassign_param(int *p) { // ERROR "p does not escape$"
  int x;
  p = &x;
  *p = 1;
}

int read_through(const struct pair *p) { // ERROR "p does not escape$"
  return *p->a + *p->b;
}

// A builder that fills its out-parameter and returns it: the result is o,
// not v; v only reaches what o points to.
struct pair *set_and_return(struct pair *o, int *v) { // ERROR "leaking param: o to result ~r0 level=0$" "leaking param: v to content of o level=0$"
  o->a = v;
  return o;
}

void call_set_and_return(void) {
  int x = 0;
  struct pair s;
  struct pair *r = set_and_return(&s, &x);
  *r->a = 1;
}

void call_set_and_return_global(void) {
  int x;         // ERROR "moved to heap: x$"
  struct pair s; // ERROR "moved to heap: s$"
  gp = (int *)set_and_return(&s, &x);
}

// Parameters that are only read, or written with values that carry nothing.
int length(const char *s) { // ERROR "s does not escape$"
  int n = 0;
  while (s[n])
    n++;
  return n;
}

void clear(struct pair *p) { // ERROR "p does not escape$"
  p->a = NULL;
  p->b = NULL;
}

int compare(const struct pair *a, const struct pair *b) { // ERROR "a does not escape$" "b does not escape$"
  return *a->a - *b->a;
}

void inc(int *p) { // ERROR "p does not escape$"
  (*p)++;
}

void set_int(struct bar *b, int v) { // ERROR "b does not escape$"
  b->i = v;
}

void out_int(int *o, const int *i) { // ERROR "o does not escape$" "i does not escape$"
  *o = *i;
}

void local_alias(int *p) { // ERROR "p does not escape$"
  int *q = p;
  *q = 0;
}

int byvalue_int(struct bar b) { // ERROR "b does not escape$"
  return b.i;
}

void out_static_field(struct pair *o) { // ERROR "o does not escape$"
  static int s;
  o->a = &s;
}

void out_string_field(struct u *o) { // ERROR "o does not escape$"
  o->sp = "literal";
}

void caller0c(void) {
  int i = 0;
  gi = *param0(&i);
}

void caller9c(void) {
  int i = 0;
  int *p = &i;
  int **p2 = &p;
  gi = **param9(&p2);
}

void caller_set_v(void) {
  int i = 0;
  struct pair p;
  set_v(&p, &i);
  gi = *p.b;
}

// Array-typed parameters are pointers.
void keep_first(int *a[4]) { // ERROR "leaking param content: a$"
  gp = a[0];
}

int sum4(const int a[4]) { // ERROR "a does not escape$"
  return a[0] + a[1] + a[2] + a[3];
}

int *array_param_result(int a[]) { // ERROR "leaking param: a to result ~r0 level=0$"
  return a + 1;
}

void array_param_leak(int a[]) { // ERROR "leaking param: a$"
  gp = 1 + a;
}

void array_param_out(int *o[2]) { // ERROR "o does not escape$"
  int x; // ERROR "moved to heap: x$"
  o[1] = &x;
}

void call_array_param(void) {
  int buf[4]; // ERROR "moved to heap: buf$"
  gp = array_param_result(buf);
}

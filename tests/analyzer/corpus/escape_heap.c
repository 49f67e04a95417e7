// escape-check -m
// malloc'd objects: escaping via return, globals or unknown callees vs freed
// locally; &local stored into heap objects that escape or not; out-params
// and init functions that store through their arguments; memcpy of pointers.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct T {
  int *p;
  int n;
};

struct N {
  int v;
  struct N *next;
};

struct Buf {
  char *buf;
  int len;
};

int *sink;
struct T *tsink;
struct N *gnode;
struct Buf gbuf;
int gint;

void unknown(void *);

int *ret_malloc(void) {
  int *p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) escapes to heap$"
  return p;
}

void free_malloc(void) {
  int *p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
  *p = 1;
  free(p);
}

void global_malloc(void) {
  sink = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) escapes to heap$"
}

void unknown_malloc(void) {
  void *p = malloc(8); // ERROR "malloc\(8\) escapes to heap$"
  unknown(p);
}

// printf reads its arguments and keeps none.
void printf_malloc(void) {
  char *s = malloc(8); // ERROR "malloc\(8\) does not escape$"
  s[0] = 0;
  printf("%s\n", s);
  free(s);
}

void calloc_local(void) {
  int *p = calloc(4, sizeof(int)); // ERROR "calloc\(4, sizeof\(int\)\) does not escape$"
  gint = p[3];
  free(p);
}

void *aligned_ret(void) {
  return aligned_alloc(16, 64); // ERROR "aligned_alloc\(16, 64\) escapes to heap$"
}

// realloc hands its argument back.
int *realloc_ret(void) {
  int *p = malloc(8);  // ERROR "malloc\(8\) escapes to heap$"
  p = realloc(p, 16);  // ERROR "realloc\(p, 16\) escapes to heap$"
  return p;
}

void realloc_local(void) {
  int *p = malloc(8);  // ERROR "malloc\(8\) does not escape$"
  p = realloc(p, 16);  // ERROR "realloc\(p, 16\) does not escape$"
  free(p);
}

char *strdup_ret(const char *s) { // ERROR "s does not escape$"
  return strdup(s); // ERROR "strdup\(s\) escapes to heap$"
}

size_t strdup_local(const char *s) { // ERROR "s does not escape$"
  char *d = strdup(s); // ERROR "strdup\(s\) does not escape$"
  size_t n = strlen(d);
  free(d);
  return n;
}

// &local stored into a heap object that escapes (Go's constptr01).
struct T *store_into_escaping(void) {
  int i;                                     // ERROR "moved to heap: i$"
  struct T *x = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) escapes to heap$"
  x->p = &i;
  return x;
}

// ...into a heap object that is freed locally (Go's constptr0).
void store_into_local(void) {
  int i;
  struct T *x = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) does not escape$"
  x->p = &i;
  *x->p = 1;
  free(x);
}

// ...into a heap object whose contents are copied out (Go's constptr02).
struct T copy_out(void) {
  int i;                                     // ERROR "moved to heap: i$"
  struct T *x = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) does not escape$"
  x->p = &i;
  struct T r = *x;
  free(x);
  return r;
}

// ...into a heap object published before the store.
void store_after_publish(void) {
  int i;                                     // ERROR "moved to heap: i$"
  struct T *x = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) escapes to heap$"
  tsink = x;
  x->p = &i;
}

// ...into a heap object reached through a global.
void store_through_global(void) {
  int i; // ERROR "moved to heap: i$"
  gnode->next = (struct N *)&i;
}

void heap_from_global(void) {
  gnode->next = malloc(sizeof(struct N)); // ERROR "malloc\(sizeof\(struct N\)\) escapes to heap$"
}

// A heap object kept in an outer pointer outlives an inner block's local.
void heap_outlives_block(void) {
  struct T *x = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) does not escape$"
  {
    int i; // ERROR "moved to heap: i$"
    x->p = &i;
  }
  free(x);
}

// Heap objects holding heap objects.
struct N *two_nodes_ret(void) {
  struct N *a = malloc(sizeof(struct N)); // ERROR "malloc\(sizeof\(struct N\)\) escapes to heap$"
  a->next = malloc(sizeof(struct N));     // ERROR "malloc\(sizeof\(struct N\)\) escapes to heap$"
  return a;
}

void two_nodes_local(void) {
  struct N *a = malloc(sizeof(struct N)); // ERROR "malloc\(sizeof\(struct N\)\) does not escape$"
  a->next = malloc(sizeof(struct N));     // ERROR "malloc\(sizeof\(struct N\)\) does not escape$"
  free(a->next);
  free(a);
}

// A pointer into a heap object is the heap object.
int *member_of_heap(void) {
  struct T *x = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) escapes to heap$"
  return &x->n;
}

// Go's doesNew1: x need not leak (Go: "BAD: x need not leak").
void does_new1(int *x) { // ERROR "x does not escape$"
  int **a = malloc(10 * sizeof(int *)); // ERROR "malloc\(10 \* sizeof\(int \*\)\) does not escape$"
  a[0] = x;
  free(a);
}

// A heap object of pointers to locals, freed locally.
int heap_of_local_pointers(void) {
  int x = 1;
  int **pp = malloc(sizeof(int *)); // ERROR "malloc\(sizeof\(int \*\)\) does not escape$"
  *pp = &x;
  int v = **pp;
  free(pp);
  return v;
}

// Go's foo81: a heap object that lives and dies in one iteration.
void loop_malloc_local(void) {
  for (int i = 0; i < 3; i++) {
    int *z = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
    *z = i;
    free(z);
  }
}

// Go's foo80: a pointer declared outside the loop keeps the allocation of
// each iteration. In C the objects are all distinct and all alive: the
// allocation cannot be one stack slot reused by every iteration.
int loop_malloc_list(void) {
  struct N *head = 0;
  for (int i = 0; i < 3; i++) {
    struct N *n = malloc(sizeof(struct N)); // ERROR "malloc\(sizeof\(struct N\)\) escapes to heap$"
    n->v = i;
    n->next = head;
    head = n;
  }
  int s = 0;
  while (head) {
    struct N *next = head->next;
    s += head->v;
    free(head);
    head = next;
  }
  return s;
}

// Out-parameters through heap objects.
void make(struct T **out) { // ERROR "out does not escape$"
  *out = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) escapes to heap$"
}

void make_caller(void) {
  struct T *t;
  make(&t);
  free(t);
}

void fill(struct T *o, int *v) { // ERROR "o does not escape$" "leaking param: v to content of o level=0$"
  o->p = v;
}

void fill_local_heap(void) {
  int x;
  struct T *t = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) does not escape$"
  fill(t, &x);
  free(t);
}

struct T *fill_escaping_heap(void) {
  int x;                                     // ERROR "moved to heap: x$"
  struct T *t = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) escapes to heap$"
  fill(t, &x);
  return t;
}

// Init functions: the callee stores buf into *s; nothing escapes in the
// caller as long as s stays local.
void init(struct Buf *s, char *buf) { // ERROR "s does not escape$" "leaking param: buf to content of s level=0$"
  s->buf = buf;
  s->len = 0;
}

int init_local(void) {
  struct Buf s;
  char buf[16];
  init(&s, buf);
  s.buf[0] = 'a';
  return s.buf[0];
}

void init_then_publish(void) {
  struct Buf s;
  char buf[16]; // ERROR "moved to heap: buf$"
  init(&s, buf);
  gbuf = s;
}

struct Buf *init_heap_ret(void) {
  char buf[16];                                 // ERROR "moved to heap: buf$"
  struct Buf *h = malloc(sizeof(struct Buf)); // ERROR "malloc\(sizeof\(struct Buf\)\) escapes to heap$"
  init(h, buf);
  return h;
}

void init_heap_local(void) {
  char buf[16];
  struct Buf *h = malloc(sizeof(struct Buf)); // ERROR "malloc\(sizeof\(struct Buf\)\) does not escape$"
  init(h, buf);
  free(h);
}

// An init function that allocates the buffer itself.
void init_alloc(struct Buf *s) { // ERROR "s does not escape$"
  s->buf = malloc(64); // ERROR "malloc\(64\) escapes to heap$"
  s->len = 64;
}

// memcpy of pointers between locals copies the address they hold.
int *memcpy_pointer_ret(void) {
  int x; // ERROR "moved to heap: x$"
  int *a = &x;
  int *b;
  memcpy(&b, &a, sizeof a);
  return b;
}

int memcpy_pointer_local(void) {
  int x = 1;
  int *a = &x;
  int *b;
  memcpy(&b, &a, sizeof a);
  return *b;
}

// memcpy into a heap object that escapes.
struct T *memcpy_into_heap(void) {
  int x;                                     // ERROR "moved to heap: x$"
  struct T s = {&x, 0};
  struct T *h = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) escapes to heap$"
  memcpy(h, &s, sizeof s);
  return h;
}

// Copying bytes out of a heap buffer does not leak the buffer.
void bytes_out(char *dst) { // ERROR "dst does not escape$"
  char *b = malloc(16); // ERROR "malloc\(16\) does not escape$"
  memset(b, 0, 16);
  strcpy(dst, b);
  free(b);
}

// A pointer returned by an unknown function points to memory the analysis
// cannot see: stores through it go to the heap.
struct T *lookup(int key);

void store_into_unknown(void) {
  int x; // ERROR "moved to heap: x$"
  struct T *t = lookup(1);
  t->p = &x;
}

// Through a function that hands its argument back.
static struct T *pass(struct T *t) { // ERROR "leaking param: t to result ~r0 level=0$"
  return t;
}

void store_through_pass(void) {
  int x;
  struct T *t = pass((struct T *)malloc(sizeof(struct T))); // ERROR "malloc\(sizeof\(struct T\)\) does not escape$"
  t->p = &x;
  free(t);
}

// getline allocates into *lineptr.
void getline_local(void) {
  char *line = NULL;
  size_t n = 0;
  getline(&line, &n, stdin); // ERROR "getline\(&line, &n, stdin\) does not escape$"
  free(line);
}

char *getline_ret(void) {
  char *line = NULL;
  size_t n = 0;
  getline(&line, &n, stdin); // ERROR "getline\(&line, &n, stdin\) escapes to heap$"
  return line;
}

// Negatives: heap objects that stay in the function.
static void release(int *p) { // ERROR "p does not escape$"
  free(p);
}

void free_in_callee(void) {
  int *p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
  release(p);
}

static int peek(const int *p) { // ERROR "p does not escape$"
  return *p;
}

void heap_to_reader(void) {
  int *p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
  *p = 0;
  gint = peek(p);
  free(p);
}

void heap_self_link(void) {
  struct N *n = malloc(sizeof(struct N)); // ERROR "malloc\(sizeof\(struct N\)\) does not escape$"
  n->next = n;
  free(n);
}

void calloc_of_local_pointers(void) {
  int x;
  int **a = calloc(2, sizeof(int *)); // ERROR "calloc\(2, sizeof\(int \*\)\) does not escape$"
  a[0] = &x;
  a[1] = a[0];
  free(a);
}

void heap_copy_between_locals(void) {
  int x = 0;
  struct T *a = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) does not escape$"
  struct T *b = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) does not escape$"
  a->p = &x;
  *b = *a;
  gint = *b->p;
  free(a);
  free(b);
}

// An allocation outside any loop runs at most once per call, whatever block
// it is in: keeping it in a pointer of an enclosing block is fine (Go's
// escape_goto.go f2: new(int) in an if branch does not escape). Only loop
// bodies, where one site makes many live objects, matter.
int malloc_in_if_condition(void) {
  int *p;
  if ((p = malloc(sizeof(int))) == NULL) // ERROR "malloc\(sizeof\(int\)\) does not escape$"
    return -1;
  *p = 1;
  free(p);
  return 0;
}

void malloc_in_if_body(void) {
  char *buf = NULL;
  if (gint)
    buf = malloc(16); // ERROR "malloc\(16\) does not escape$"
  free(buf);
}

void malloc_in_switch_case(void) {
  char *buf = NULL;
  switch (gint) {
  case 1: {
    buf = malloc(16); // ERROR "malloc\(16\) does not escape$"
    break;
  }
  }
  free(buf);
}

// A loop made of a backward goto is a loop too (Go's foo123): every round
// allocates a new node that stays alive in the list.
int goto_malloc_list(void) {
  struct N *head = 0;
  int i = 0;
again:;
  struct N *n = malloc(sizeof(struct N)); // ERROR "malloc\(sizeof\(struct N\)\) escapes to heap$"
  n->v = i;
  n->next = head;
  head = n;
  if (++i < 3)
    goto again;
  int s = 0;
  while (head) {
    struct N *next = head->next;
    s += head->v;
    free(head);
    head = next;
  }
  return s;
}

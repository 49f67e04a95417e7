// escape-check
// Check mode: one warning kind per way of escaping, with its exact text:
// -Wescape-global, -Wescape-heap, -Wescape-param, -Wescape-call,
// -Wescape-thread and -Wescape-scope (-Wescape-return: check_return.c).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct holder {
  int *p;
  int n;
};

struct val {
  int **p;
};

struct ops {
  void (*put)(int *);
};

int *gp;
int **gpp;
int *gtab[4];
struct holder gs;
struct holder *gh;
extern int *ext;
void (*gfp)(int *);

void ext_fn(int *p);
void keep_thread(void *p __attribute__((annotate("escape:thread"))));

void leak(int *p) {
  gp = p;
}

void set(int **o, int *v) {
  *o = v;
}

int noleak(int *p) {
  return *p;
}

static void *worker(void *arg) {
  return arg;
}

// -Wescape-global
void global_direct(void) {
  int x = 0;
  gp = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'gp' \[-Wescape-global\]$"
}

void global_via_temp(void) {
  int x = 0;
  int *p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'gp' \[-Wescape-global\]$"
  gp = p;
}

void global_extern(void) {
  int x = 0;
  ext = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'ext' \[-Wescape-global\]$"
}

void global_static_local(void) {
  static int *last;
  int x = 0;
  last = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'last' \[-Wescape-global\]$"
}

void global_array(int i) {
  int x = 0;
  gtab[i] = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'gtab' \[-Wescape-global\]$"
}

void global_struct_field(void) {
  int x = 0;
  gs.p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'gs' \[-Wescape-global\]$"
}

void global_param_addr(int x) {
  gp = &x; // ERROR "^warning: address of parameter 'x' escapes: stored in global 'gp' \[-Wescape-global\]$"
}

void global_through_callee(void) {
  int x = 0;
  leak(&x); // ERROR "^warning: address of local variable 'x' escapes: stored in global 'gp' \(through 'leak'\) \[-Wescape-global\]$"
}

void global_chain(void) {
  int x = 0;
  int *p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'gpp' \[-Wescape-global\]$"
  gpp = &p;    // ERROR "^warning: address of local variable 'p' escapes: stored in global 'gpp' \[-Wescape-global\]$"
}

void global_to_global(void) {
  static int s;
  gp = &s;
  gpp = &gp;
}

// -Wescape-heap
void heap_through_global_pointer(void) {
  int x = 0;
  gh->p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in heap memory \[-Wescape-heap\]$"
}

void heap_through_loaded_pointer(void) {
  int x = 0;
  *gpp = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in heap memory \[-Wescape-heap\]$"
}

void heap_setvbuf(void) {
  char buf[BUFSIZ];
  setvbuf(stdout, buf, _IOFBF, sizeof buf); // ERROR "^warning: address of local variable 'buf' escapes: stored in heap memory \[-Wescape-heap\]$"
}

void heap_two_levels(int ***o) {
  int x = 0;
  **o = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in heap memory \[-Wescape-heap\]$"
}

// Heap memory that outlives the call holds the address.
int **heap_malloc_returned(void) {
  int x = 0;
  int **pp = malloc(sizeof *pp);
  *pp = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in heap memory \[-Wescape-heap\]$"
  return pp;
}

void heap_malloc_in_global(void) {
  int x = 0;
  struct holder *h = malloc(sizeof *h);
  h->p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in heap memory \[-Wescape-heap\]$"
  gh = h;
}

// Heap memory freed before the return does not outlive x.
int heap_malloc_freed(void) {
  int x = 1;
  int **pp = malloc(sizeof *pp);
  int v;
  *pp = &x;
  v = **pp;
  free(pp);
  return v;
}

// -Wescape-param
void param_out(int **o) {
  int x = 0;
  *o = &x; // ERROR "^warning: address of local variable 'x' escapes: stored through parameter 'o' \[-Wescape-param\]$"
}

void param_field(struct holder *o) {
  int x = 0;
  o->p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored through parameter 'o' \[-Wescape-param\]$"
}

void param_index(int **o) {
  int x = 0;
  o[1] = &x; // ERROR "^warning: address of local variable 'x' escapes: stored through parameter 'o' \[-Wescape-param\]$"
}

void param_through_callee(int **o) {
  int x = 0;
  set(o, &x); // ERROR "^warning: address of local variable 'x' escapes: stored through parameter 'o' \[-Wescape-param\]$"
}

void param_by_value(struct val v) {
  int x = 0;
  *v.p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored through parameter 'v' \[-Wescape-param\]$"
}

void param_own_address(int **o, int x) {
  *o = &x; // ERROR "^warning: address of parameter 'x' escapes: stored through parameter 'o' \[-Wescape-param\]$"
}

void param_static(int **o) {
  static int s;
  *o = &s;
}

void param_malloc(int **o) {
  *o = malloc(sizeof **o);
}

// -Wescape-call
void call_unknown(void) {
  int x = 0;
  ext_fn(&x); // ERROR "^warning: address of local variable 'x' escapes: passed to unknown function 'ext_fn' \[-Wescape-call\]$"
}

void call_global_fp(void) {
  int x = 0;
  gfp(&x); // ERROR "^warning: address of local variable 'x' escapes: passed to unknown function 'gfp' \[-Wescape-call\]$"
}

void call_param_fp(void (*f)(int *)) {
  int x = 0;
  f(&x); // ERROR "^warning: address of local variable 'x' escapes: passed to unknown function 'f' \[-Wescape-call\]$"
}

void call_member_fp(const struct ops *ops) {
  int x = 0;
  ops->put(&x); // ERROR "^warning: address of local variable 'x' escapes: passed to unknown function 'ops->put' \[-Wescape-call\]$"
}

void call_asm(void) {
  int x = 0;
  __asm__ volatile("" : : "r"(&x) : "memory"); // ERROR "^warning: address of local variable 'x' escapes: passed to inline assembly \[-Wescape-call\]$"
}

void call_known(void) {
  int x = 0;
  int (*f)(int *) = noleak;
  char buf[8] = "x";
  printf("%d %zu\n", noleak(&x) + f(&x), strlen(buf));
  memset(&x, 0, sizeof x);
}

// -Wescape-thread
void thread_create(void) {
  pthread_t t;
  int x = 0;
  pthread_create(&t, NULL, worker, &x); // ERROR "^warning: address of local variable 'x' escapes: handed to another thread \[-Wescape-thread\]$"
  pthread_join(t, NULL);
}

void thread_annotated(void) {
  int x = 0;
  keep_thread(&x); // ERROR "^warning: address of local variable 'x' escapes: handed to another thread \(through 'keep_thread'\) \[-Wescape-thread\]$"
}

void thread_setspecific(pthread_key_t k) {
  int x = 0;
  pthread_setspecific(k, &x); // ERROR "^warning: address of local variable 'x' escapes: handed to another thread \[-Wescape-thread\]$"
}

void thread_join_only(pthread_t t) {
  void *ret;
  pthread_join(t, &ret);
}

// -Wescape-scope
int scope_block(int c) {
  int *p = NULL;
  if (c) {
    int x = c;
    p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  return p ? *p : 0;
}

// Flow-insensitive, as Go's loop depth: p outlives every iteration's x.
int scope_loop(void) {
  int *p = NULL;
  int sum = 0;
  for (int i = 0; i < 3; i++) {
    int x = i;
    p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
    sum += *p;
  }
  return sum;
}

int scope_for_init(void) {
  int *p = NULL;
  for (int i = 0; i < 3; i++)
    p = &i; // ERROR "^warning: address of local variable 'i' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  return p != NULL;
}

int scope_while(int n) {
  int *p = NULL;
  while (n-- > 0) {
    int x = n;
    p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  return p != NULL;
}

int scope_nested(int c) {
  int *p = NULL;
  {
    {
      int x = c;
      p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
    }
  }
  return p != NULL;
}

int scope_field(void) {
  struct holder h = {0, 0};
  {
    int x = 1;
    h.p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in 'h.p', which outlives it \[-Wescape-scope\]$"
  }
  return h.p != NULL;
}

int scope_through_pointer(void) {
  int *p = NULL;
  int **pp = &p;
  {
    int x = 1;
    *pp = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  return p != NULL;
}

int scope_literal(void) {
  int *p;
  {
    p = (int[]){1, 2}; // ERROR "^warning: address of compound literal escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  return p[0];
}

// A parameter lives in the function's outermost block.
int scope_param(int *p) {
  {
    int x = 1;
    p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  return *p;
}

// Same block: both die together.
int scope_same_block(void) {
  int *p;
  int x = 1;
  p = &x;
  return *p;
}

// The pointer lives in the inner block, the variable outside it.
int scope_inner_pointer(void) {
  int x = 1;
  {
    int *p = &x;
    return *p;
  }
}

int scope_sibling_blocks(void) {
  int r = 0;
  {
    int x = 1;
    int *p = &x;
    r += *p;
  }
  {
    int y = 2;
    int *q = &y;
    r += *q;
  }
  return r;
}

// What does not escape, kind by kind.
int gi;
char *gcp;
void ext_int(int v);

void global_value_only(void) {
  int x = 1;
  int *p = &x;
  gi = *p;
}

void global_string(void) {
  gcp = "literal";
}

void heap_value_only(void) {
  int x = 1;
  *gp = x;
  gh->n = x;
}

// Heap memory returned or kept in a global is no dangling pointer.
int *heap_malloc_result(void) {
  int *p = malloc(sizeof *p);
  gh = malloc(sizeof *gh);
  return p;
}

void param_value_only(int *o) {
  int x = 1;
  int *p = &x;
  *o = *p;
}

void param_local_pointee(int **o) {
  int x = 1;
  int *p = &x;
  int **q = &p;
  *o = *q == NULL ? NULL : gp;
}

void call_value_only(void) {
  int x = 1;
  int *p = &x;
  ext_int(*p);
}

void call_free_and_libc(void) {
  char buf[16];
  int *p = malloc(sizeof *p);
  snprintf(buf, sizeof buf, "%p", (void *)&buf);
  free(p);
}

void thread_arg_static(void) {
  static int s;
  pthread_t t;
  pthread_create(&t, NULL, worker, &s);
  pthread_join(t, NULL);
}

int scope_loop_both_inside(void) {
  int sum = 0;
  for (int i = 0; i < 3; i++) {
    int x = i;
    int *p = &x;
    sum += *p;
  }
  return sum;
}

int scope_outer_variable(void) {
  int x = 2;
  int sum = 0;
  for (int i = 0; i < 3; i++) {
    int *p = &x;
    sum += *p;
  }
  return sum;
}

int scope_static_in_block(void) {
  int *p;
  {
    static int s = 3;
    p = &s;
  }
  return *p;
}

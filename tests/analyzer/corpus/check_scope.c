// escape-check
// Check mode: one warning per local whose address outlives it, at the
// expression that takes the address, named for how it escapes; mostly
// block scopes and loops (-Wescape-scope), with each other kind once.

#include <alloca.h>
#include <pthread.h>
#include <stdlib.h>

int *g;
int gb;
int gint;

struct Holder {
  int *p;
  int n;
};

void unknown(int *);

// Each way of escaping once.
int *ret(void) {
  int x = 0;
  return &x; // ERROR "warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
}

void global(void) {
  int x;
  g = &x; // ERROR "warning: address of local variable 'x' escapes: stored in global 'g' \[-Wescape-global\]$"
}

struct Holder *gh;

void heap(void) {
  int x;
  gh->p = &x; // ERROR "warning: address of local variable 'x' escapes: stored in heap memory \[-Wescape-heap\]$"
}

// A heap object published in a global: the warning names the global.
void heap_published(void) {
  int x;
  struct Holder *h = malloc(sizeof(struct Holder));
  g = (int *)h;
  h->p = &x; // ERROR "warning: address of local variable 'x' escapes: stored in heap memory \[-Wescape-heap\]$"
}

void param(int **o) {
  int x;
  *o = &x; // ERROR "warning: address of local variable 'x' escapes: stored through parameter 'o' \[-Wescape-param\]$"
}

void call(void) {
  int x;
  unknown(&x); // ERROR "warning: address of local variable 'x' escapes: passed to unknown function 'unknown' \[-Wescape-call\]$"
}

static void *worker(void *arg) {
  return arg;
}

void thread(void) {
  int x;
  pthread_t t;
  pthread_create(&t, 0, worker, &x); // ERROR "warning: address of local variable 'x' escapes: handed to another thread \[-Wescape-thread\]$"
}

// A by-value parameter is a local too.
int *ret_param(int x) {
  return &x; // ERROR "warning: address of parameter 'x' escapes: returned to caller \[-Wescape-return\]$"
}

// An array escapes where it decays.
int *ret_array(void) {
  int a[4];
  return a; // ERROR "warning: address of local variable 'a' escapes: returned to caller \[-Wescape-return\]$"
}

// Compound literals and alloca'd memory.
int *ret_literal(void) {
  return &(int){1}; // ERROR "warning: address of compound literal escapes: returned to caller \[-Wescape-return\]$"
}

int *ret_alloca(void) {
  int *p = alloca(16); // ERROR "warning: address of alloca'd memory escapes: returned to caller \[-Wescape-return\]$"
  return p;
}

// Block scopes: the pointer outlives the block of x.
void for_body(void) {
  int *p = 0;
  for (int i = 0; i < 3; i++) {
    int x = i;
    p = &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  (void)p;
}

void for_init(void) {
  int *p = 0;
  for (int i = 0; i < 3; i++)
    p = &i; // ERROR "warning: address of local variable 'i' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  (void)p;
}

void while_body(void) {
  int *p = 0;
  while (gb) {
    int x;
    p = &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  (void)p;
}

void do_body(void) {
  int *p = 0;
  do {
    int x;
    p = &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  } while (gb);
  (void)p;
}

void if_else(void) {
  int *p;
  if (gb) {
    int x;
    p = &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  } else {
    int y;
    p = &y; // ERROR "warning: address of local variable 'y' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  (void)p;
}

void switch_case(void) {
  int *p = 0;
  switch (gb) {
  case 1: {
    int x;
    p = &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
    break;
  }
  }
  (void)p;
}

void nested_block(void) {
  int *q;
  {
    int x;
    q = &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'q', which outlives it \[-Wescape-scope\]$"
  }
  (void)q;
}

// The warning is at the address-of, even when a copy carries it out.
void chain_out(void) {
  int *p = 0;
  {
    int x;
    int *q = &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
    p = q;
  }
  (void)p;
}

// A field or an array of the outer block.
void outer_field(void) {
  struct Holder h = {0, 0};
  {
    int x;
    h.p = &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'h\.p', which outlives it \[-Wescape-scope\]$"
  }
  (void)h;
}

void outer_array(void) {
  int *arr[2];
  for (int i = 0; i < 2; i++) {
    int x = i;
    arr[i] = &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'arr', which outlives it \[-Wescape-scope\]$"
  }
  (void)arr;
}

// A compound literal in a loop body dies with the iteration.
void literal_in_loop(void) {
  int *p = 0;
  for (int i = 0; i < 3; i++)
    p = &(int){i}; // ERROR "warning: address of compound literal escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  (void)p;
}

// An array of the loop body that decays into an outer pointer.
void array_in_loop(void) {
  char *p = 0;
  for (int i = 0; i < 3; i++) {
    char buf[8];
    p = buf; // ERROR "warning: address of local variable 'buf' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  (void)p;
}

// Through a callee's out-parameter.
static void set(int **o, int *v) {
  *o = v;
}

void call_store_out(void) {
  int *p = 0;
  {
    int x;
    set(&p, &x); // ERROR "warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  (void)p;
}

// A statement expression is a block.
void stmt_expr(void) {
  int *p = ({
    int x = 1;
    &x; // ERROR "warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  });
  (void)p;
}

// An if statement is a block (C11 6.8.4p3): a literal in its condition dies
// at the end of the statement.
void literal_in_if_condition(void) {
  int *p;
  if ((p = &(int){1}) != 0) // ERROR "warning: address of compound literal escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
    gint = *p;
  gint = *p;
}

// A designated initializer carries the address like any other.
void designated_out_of_block(void) {
  struct Holder h = {0, 0};
  {
    int x;
    struct Holder t = {.p = &x}; // ERROR "warning: address of local variable 'x' escapes: stored in 'h\.p', which outlives it \[-Wescape-scope\]$"
    h = t;
  }
  (void)h;
}

// Negatives: the pointer dies no later than what it points to.
void same_block(void) {
  int x;
  int *q = &x;
  *q = 1;
}

void same_iteration(void) {
  for (int i = 0; i < 3; i++) {
    int x = i;
    int *q = &x;
    gint += *q;
  }
}

void inner_pointer(void) {
  int x = 0;
  {
    int *q = &x;
    gint = *q;
  }
}

void outer_var_in_loop(void) {
  int x = 0;
  int *p = 0;
  for (int i = 0; i < 3; i++)
    p = &x;
  gint = *p;
}

void call_store_in(void) {
  {
    int *q;
    int x = 0;
    set(&q, &x);
    gint = *q;
  }
}

// A backward goto in one block: x is one object for the whole block.
void goto_loop(void) {
  int *p = 0;
  int n = 0;
again:;
  int x = n;
  if (p)
    gint = *p;
  p = &x;
  if (++n < 3)
    goto again;
}

// Static storage never dangles.
int *static_local(void) {
  static int s;
  return &s;
}

const char *string_literal(void) {
  return "abc";
}

// A heap object freed in the block holds x only while x lives.
void heap_local(void) {
  int x;
  struct Holder *h = malloc(sizeof(struct Holder));
  h->p = &x;
  free(h);
}

// alloca'd memory lives until the function returns.
int alloca_in_loop(void) {
  int *q = 0;
  for (int i = 0; i < 3; i++) {
    q = alloca(sizeof(int));
    *q = i;
  }
  return q ? *q : 0;
}

void param_copy_in_block(int *p) {
  {
    int *q = p;
    gint = *q;
  }
}

void while_same_iteration(void) {
  while (gb) {
    int x = 0;
    int *q = &x;
    gint = *q;
    gb--;
  }
}

void do_same_iteration(void) {
  do {
    int x = 0;
    int *q = &x;
    gint += *q;
  } while (gint < 3);
}

void switch_same_block(void) {
  switch (gb) {
  case 0: {
    int x = 0;
    int *q = &x;
    gint = *q;
    break;
  }
  }
}

void literal_same_block(void) {
  int *p = &(int){1};
  gint = *p;
}

void stmt_expr_value(void) {
  gint = ({
    int x = 1;
    int *q = &x;
    *q;
  });
}

void array_decay_local(void) {
  char buf[8];
  char *p = buf;
  p[0] = 0;
}

void struct_in_loop(void) {
  for (int i = 0; i < 3; i++) {
    struct Holder h;
    int x = i;
    h.p = &x;
    gint += *h.p;
  }
}

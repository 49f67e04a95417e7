// escape-check -m
// Compound literals: automatic storage of their enclosing block (C11
// 6.5.2.5p5). Taking their address (or letting an array literal decay) makes
// an allocation site that escapes or does not, as Go's &T{...} does.

#include <string.h>

struct T {
  int *p;
  int n;
};

struct N {
  int v;
  struct N *next;
};

int *sink;
struct T *tsink;
int gint;

int first(const int *p) { // ERROR "p does not escape$"
  return p[0];
}

void keep(int *p) { // ERROR "leaking param: p$"
  sink = p;
}

int *ret_int_literal(void) {
  return &(int){1}; // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
}

int int_literal_local(void) {
  int *p = &(int){1}; // ERROR "&\(int\)\{\.\.\.\} does not escape$"
  return *p;
}

void struct_literal_global(void) {
  tsink = &(struct T){0, 1}; // ERROR "&\(struct T\)\{\.\.\.\} escapes to heap$"
}

int struct_literal_local(void) {
  struct T *t = &(struct T){0, 1}; // ERROR "&\(struct T\)\{\.\.\.\} does not escape$"
  return t->n;
}

// Array literals decay to their address.
int *ret_array_literal(void) {
  int *a = (int[]){1, 2, 3}; // ERROR "\(int\[\]\)\{\.\.\.\} escapes to heap$"
  return a;
}

int array_literal_local(void) {
  int *a = (int[]){1, 2, 3}; // ERROR "\(int\[\]\)\{\.\.\.\} does not escape$"
  return a[2];
}

int *ret_sized_array_literal(void) {
  return (int[4]){0}; // ERROR "\(int\[4\]\)\{\.\.\.\} escapes to heap$"
}

// A const literal may be shared by the compiler, but it is still automatic.
const int *ret_const_literal(void) {
  return (const int[]){1, 2}; // ERROR "\(const int\[\]\)\{\.\.\.\} escapes to heap$"
}

char *ret_char_literal(void) {
  return (char[]){"abc"}; // ERROR "\(char\[\]\)\{\.\.\.\} escapes to heap$"
}

// Indexing an array literal reads it; no address is kept.
int index_literal(void) {
  return (int[]){1, 2}[1];
}

// A literal used by value is not an allocation site of its own: what it
// holds goes where the copy goes.
void by_value_escapes(void) {
  int x; // ERROR "moved to heap: x$"
  struct T s = (struct T){&x, 0};
  sink = s.p;
}

void by_value_local(void) {
  int x;
  struct T s = (struct T){&x, 0};
  gint = *s.p;
}

int by_value_member(void) {
  return ((struct T){0, 3}).n;
}

// A literal holding the address of a local carries it along.
struct T *literal_holds_local(void) {
  int x;                          // ERROR "moved to heap: x$"
  return &(struct T){&x, 0}; // ERROR "&\(struct T\)\{\.\.\.\} escapes to heap$"
}

void literal_holds_local_content(void) {
  int x;                                 // ERROR "moved to heap: x$"
  struct T *t = &(struct T){&x, 0}; // ERROR "&\(struct T\)\{\.\.\.\} does not escape$"
  sink = t->p;
}

int literal_holds_local_local(void) {
  int x = 1;
  struct T *t = &(struct T){&x, 0}; // ERROR "&\(struct T\)\{\.\.\.\} does not escape$"
  return *t->p;
}

// Nested literals: the inner one is stored in the outer one.
struct N *nested_escape(void) {
  return &(struct N){1, &(struct N){2, 0}}; // ERROR "&\(struct N\)\{\.\.\.\} escapes to heap$"
}

int nested_local(void) {
  struct N *n = &(struct N){1, &(struct N){2, 0}}; // ERROR "&\(struct N\)\{\.\.\.\} does not escape$"
  return n->next->v;
}

// Only the inner literal leaves.
void nested_inner_escapes(void) {
  struct N *n = &(struct N){1, &(struct N){2, 0}}; // ERROR "&\(struct N\)\{\.\.\.\} does not escape$" "&\(struct N\)\{\.\.\.\} escapes to heap$"
  sink = (int *)n->next;
}

// The address of a member of a literal.
void member_of_literal(void) {
  int **pp = &(struct T){0, 0}.p; // ERROR "\(struct T\)\{\.\.\.\} escapes to heap$"
  sink = (int *)pp;
}

// Literals in loops live in the loop body: a pointer declared outside the
// loop outlives them.
void loop_literal_escapes(void) {
  int *p = 0;
  for (int i = 0; i < 3; i++)
    p = &(int){i}; // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
  (void)p;
}

void loop_literal_local(void) {
  for (int i = 0; i < 3; i++) {
    int *q = &(int){i}; // ERROR "&\(int\)\{\.\.\.\} does not escape$"
    gint += *q;
  }
}

// Building a list of literals in a loop: each node dies with its iteration.
int loop_literal_list(void) {
  struct N *head = 0;
  for (int i = 0; i < 3; i++) {
    head = &(struct N){i, head}; // ERROR "&\(struct N\)\{\.\.\.\} escapes to heap$"
  }
  return head ? head->v : 0;
}

void if_literal_escapes(void) {
  int *p = 0;
  if (gint) {
    p = (int[]){1, 2}; // ERROR "\(int\[\]\)\{\.\.\.\} escapes to heap$"
  }
  (void)p;
}

// A selection or iteration statement is itself a block (C11 6.8.4p3,
// 6.8.5p5): a literal in its controlling expression dies with the statement.
void if_condition_literal(void) {
  int *p;
  if ((p = (int[]){1, 2})) // ERROR "\(int\[\]\)\{\.\.\.\} escapes to heap$"
    gint = *p;
  gint = *p;
}

void while_condition_literal(void) {
  int *p;
  while ((p = &(int){0}) && gint) // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
    gint--;
  (void)p;
}

void for_condition_literal(void) {
  int *p = 0;
  for (int i = 0; (p = &(int){i}) && i < 3; i++) // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
    ;
  (void)p;
}

void switch_condition_literal(void) {
  int *p;
  switch (*(p = &(int){1})) { // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
  default:
    break;
  }
  (void)p;
}

// ...but used only inside the statement, it does not escape.
void if_condition_literal_local(void) {
  if (first((int[]){1, 2}) > 0) // ERROR "\(int\[\]\)\{\.\.\.\} does not escape$"
    gint = 1;
}

// A literal at the top of a function lives until the function returns.
int function_scope_literal(void) {
  int *p;
  p = &(int){4}; // ERROR "&\(int\)\{\.\.\.\} does not escape$"
  {
    gint = *p;
  }
  return *p;
}

// Passed to callees.
void literal_to_first(void) {
  gint = first((int[]){1, 2}); // ERROR "\(int\[\]\)\{\.\.\.\} does not escape$"
}

void literal_to_keep(void) {
  keep((int[]){1, 2}); // ERROR "\(int\[\]\)\{\.\.\.\} escapes to heap$"
}

void unknown(int *);

void literal_to_unknown(void) {
  unknown(&(int){0}); // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
}

void literal_to_memcpy(int *dst) { // ERROR "dst does not escape$"
  memcpy(dst, &(int){7}, sizeof(int)); // ERROR "&\(int\)\{\.\.\.\} does not escape$"
}

// Stored through an out-parameter.
void literal_to_out(struct T *o) { // ERROR "o does not escape$"
  o->p = &(int){1}; // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
}

// Returned inside a struct returned by value.
struct T literal_in_returned_struct(void) {
  struct T t = {&(int){1}, 0}; // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
  return t;
}

// ?: and comma pass literal addresses through.
int *literal_cond(int c) {
  return c ? &(int){1} : &(int){2}; // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
}

int *literal_comma(void) {
  int *p;
  return (p = &(int){1}, &(int){2}); // ERROR "&\(int\)\{\.\.\.\} does not escape$" "&\(int\)\{\.\.\.\} escapes to heap$"
}

// A file-scope literal has static storage.
int *file_literal = (int[]){1, 2};

int *ret_file_literal(void) {
  return file_literal;
}

// Negatives: literals used where they live.
int literal_in_stmt_expr(void) {
  return ({
    int *p = &(int){3}; // ERROR "&\(int\)\{\.\.\.\} does not escape$"
    *p;
  });
}

int nested_literal_read(void) {
  struct T t = {&(int){1}, 0}; // ERROR "&\(int\)\{\.\.\.\} does not escape$"
  return *t.p;
}

void literal_self_ref(void) {
  struct N *n = &(struct N){0, 0}; // ERROR "&\(struct N\)\{\.\.\.\} does not escape$"
  n->next = n;
}

int literal_memcmp(void) {
  return memcmp((int[]){1}, (int[]){1}, sizeof(int)); // ERROR "\(int\[\]\)\{\.\.\.\} does not escape$"
}

int literal_holds_literal_local(void) {
  int **pp = &(int *){&(int){5}}; // ERROR "&\(int \*\)\{\.\.\.\} does not escape$" "&\(int\)\{\.\.\.\} does not escape$"
  return **pp;
}

// More statements that are blocks of their own.
void do_condition_literal(void) {
  int *p;
  do {
    gint++;
  } while ((p = &(int){1}) && gint < 3); // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
  (void)p;
}

void for_init_literal(void) {
  int *p;
  for (p = &(int){0}; *p < 3; (*p)++) // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
    ;
  (void)p;
}

void for_init_literal_local(void) {
  for (int *p = &(int){0}; *p < 3; (*p)++) // ERROR "&\(int\)\{\.\.\.\} does not escape$"
    ;
}

void else_literal(void) {
  int *p = 0;
  if (gint)
    gint = 0;
  else
    p = &(int){2}; // ERROR "&\(int\)\{\.\.\.\} escapes to heap$"
  (void)p;
}

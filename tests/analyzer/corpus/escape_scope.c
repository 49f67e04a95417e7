// escape-check -m
// Block scopes and loops: a local escapes when its address is kept in a
// pointer that outlives its block (for, while, do, if, switch bodies, plain
// blocks); same-scope assignments do not escape. Also goto loops (Go's
// test/escape_goto.go), static locals and string literals.

#include <stdlib.h>

int *sink;
int gb;
int gint;

// Go's foo72a: x dies at the end of each iteration; y outlives it.
void for_body(void) {
  int *y[10];
  for (int i = 0; i < 10; i++) {
    int x = i; // ERROR "moved to heap: x$"
    y[i] = &x;
  }
}

// The pointer lives in the same iteration as x.
void for_body_same_scope(void) {
  for (int i = 0; i < 10; i++) {
    int x = i;
    int *q = &x;
    gint = *q;
  }
}

// The loop variable dies when the loop ends.
void for_init(void) {
  int *p = 0;
  for (int i = 0; i < 3; i++) // ERROR "moved to heap: i$"
    p = &i;
  (void)p;
}

void for_init_same_scope(void) {
  for (int i = 0, *q = &i; i < 3; i++)
    gint = *q;
}

// A pointer declared in the for's init outlives the body.
void for_init_pointer(void) {
  for (int i = 0, *q = 0; i < 3; i++) {
    int x; // ERROR "moved to heap: x$"
    q = &x;
  }
}

// A variable declared before the loop outlives nothing in it.
void for_outer_var(void) {
  int x = 0;
  int *p = 0;
  for (int i = 0; i < 3; i++)
    p = &x;
  gint = *p;
}

// Go's foo145-foo149: the address of a variable has the depth of the
// variable, not of the loop that takes it.
struct List {
  struct List *next;
};

void foo145(struct List l) { // ERROR "l does not escape$"
  struct List *p;
  for (p = &l; p->next != 0; p = p->next) {
  }
}

void foo148(struct List l) { // ERROR "l does not escape$"
  for (struct List *p = &l; p->next != 0; p = p->next) {
  }
}

void foo149(struct List l) { // ERROR "l does not escape$"
  struct List *p;
  for (;;) {
    for (p = &l; p->next != 0; p = p->next) {
    }
  }
}

void while_body(void) {
  int *p = 0;
  while (gb) {
    int x; // ERROR "moved to heap: x$"
    p = &x;
  }
  (void)p;
}

void while_body_same_scope(void) {
  while (gb) {
    int x = 0;
    int *q = &x;
    gint = *q;
  }
}

void do_body(void) {
  int *p = 0;
  do {
    int x; // ERROR "moved to heap: x$"
    p = &x;
  } while (gb);
  (void)p;
}

void if_body(void) {
  int *p = 0;
  if (gb) {
    int x; // ERROR "moved to heap: x$"
    p = &x;
  }
  (void)p;
}

void if_else(void) {
  int *p;
  if (gb) {
    int x; // ERROR "moved to heap: x$"
    p = &x;
  } else {
    int y; // ERROR "moved to heap: y$"
    p = &y;
  }
  (void)p;
}

// Unbraced branches take the address of a variable of the enclosing block.
void if_unbraced(void) {
  int x;
  int y;
  int *p;
  if (gb)
    p = &x;
  else
    p = &y;
  *p = 1;
}

void switch_case_block(void) {
  int *p = 0;
  switch (gb) {
  case 1: {
    int x; // ERROR "moved to heap: x$"
    p = &x;
    break;
  }
  default:
    break;
  }
  (void)p;
}

// A variable declared at the top of a switch body lives in the body.
void switch_body_decl(void) {
  int *p = 0;
  switch (gb) {
    int x; // ERROR "moved to heap: x$"
  case 0:
    p = &x;
    break;
  }
  (void)p;
}

void switch_same_scope(void) {
  switch (gb) {
  case 0: {
    int x = 0;
    int *q = &x;
    gint = *q;
    break;
  }
  }
}

void nested_blocks(void) {
  {
    int *q;
    {
      int x; // ERROR "moved to heap: x$"
      q = &x;
    }
    (void)q;
  }
}

void same_block(void) {
  {
    int x;
    int *q;
    q = &x;
    *q = 1;
  }
}

// An inner pointer to an outer variable dies first: fine.
void inner_pointer(void) {
  int x;
  {
    int *q = &x;
    *q = 1;
  }
}

// Through a chain of pointers that ends outside the block.
void chain_out(void) {
  int *p = 0;
  {
    int x; // ERROR "moved to heap: x$"
    int *q = &x;
    p = q;
  }
  (void)p;
}

// A chain that stays inside the block.
void chain_in(void) {
  {
    int x;
    int *q = &x;
    int *r = q;
    gint = *r;
  }
}

// A store through a pointer to an outer pointer.
void store_to_outer(void) {
  int *p = 0;
  int **pp = &p;
  {
    int x; // ERROR "moved to heap: x$"
    *pp = &x;
  }
  (void)p;
}

// A store through a pointer to an inner pointer.
void store_to_inner(void) {
  {
    int x;
    int *q;
    int **qq = &q;
    *qq = &x;
    gint = *q;
  }
}

// Through calls: the callee's summary carries the address out of the block.
int *id(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return p;
}

void set(int **o, int *v) { // ERROR "o does not escape$" "leaking param: v to content of o level=0$"
  *o = v;
}

void call_result_out(void) {
  int *p = 0;
  {
    int x; // ERROR "moved to heap: x$"
    p = id(&x);
  }
  (void)p;
}

void call_result_in(void) {
  {
    int x;
    int *q = id(&x);
    gint = *q;
  }
}

void call_store_out(void) {
  int *p = 0;
  {
    int x; // ERROR "moved to heap: x$"
    set(&p, &x);
  }
  (void)p;
}

void call_store_in(void) {
  {
    int *q;
    int x;
    set(&q, &x);
    gint = *q;
  }
}

// As in Go, the analysis is flow-insensitive: resetting p does not help.
void reset_after(void) {
  int *p = 0;
  {
    int x; // ERROR "moved to heap: x$"
    p = &x;
    *p = 1;
    p = 0;
  }
  (void)p;
}

// An outer struct's field or an outer array outlives the block.
struct Holder {
  int *p;
  int n;
};

void outer_field(void) {
  struct Holder h = {0, 0};
  {
    int x; // ERROR "moved to heap: x$"
    h.p = &x;
  }
  (void)h;
}

void outer_array(void) {
  int *arr[2];
  {
    int x; // ERROR "moved to heap: x$"
    arr[0] = &x;
  }
  (void)arr;
}

// An inner struct's field does not.
void inner_field(void) {
  {
    int x;
    struct Holder h;
    h.p = &x;
    gint = *h.p;
  }
}

// A pointer parameter lives in the function's outermost block.
void param_outlives(int *p) { // ERROR "p does not escape$"
  {
    int x; // ERROR "moved to heap: x$"
    p = &x;
  }
  (void)p;
}

// Nested loops: the inner body is a block of its own.
void nested_loops(void) {
  for (int i = 0; i < 2; i++) {
    int *q = 0;
    for (int j = 0; j < 2; j++) {
      int x; // ERROR "moved to heap: x$"
      q = &x;
    }
    (void)q;
  }
}

void nested_loops_outer_var(void) {
  for (int i = 0; i < 2; i++) {
    int x = i;
    int *q = 0;
    for (int j = 0; j < 2; j++)
      q = &x;
    gint = *q;
  }
}

// Go's foo126 without the closure: break leaves x's block.
void loop_break(void) {
  int *px = 0;
  for (;;) {
    int i; // ERROR "moved to heap: i$"
    px = &i;
    break;
  }
  (void)px;
}

// A GNU statement expression is a block: x dies at its end.
void stmt_expr(void) {
  int *p = ({
    int x = 1; // ERROR "moved to heap: x$"
    &x;
  });
  (void)p;
}

void stmt_expr_inside(void) {
  int v = ({
    int x = 1;
    int *q = &x;
    *q;
  });
  gint = v;
}

// Go's escape_goto.go f1 reports "BAD: escapes"; in C the label and the
// backward goto change no lifetime, and p never leaves the function.
void goto_f1(void) {
  int *p;
loop:
  if (gb)
    goto loop;
  p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
  free(p);
}

void goto_f2(void) {
  int *p = 0;
  if (gb) {
  loop:
    goto loop;
  } else {
    p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
  }
  free(p);
}

void goto_f3(void) {
  int *p;
  if (gb) {
  loop:
    goto loop;
  }
  p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
  free(p);
}

// Go's foo122: a harmless forward jump.
void goto_forward(void) {
  int *i = 0;
  goto L1;
  i = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
L1:
  free(i);
}

// A goto loop in one block: x is the same object on every round, so unlike
// Go's loop depth, a backward goto keeps x alive (C11 6.2.4p6).
void goto_same_block(void) {
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

// Jumping out of a block ends its variables, like leaving it.
void goto_out_of_block(void) {
  int *p = 0;
  {
    int x; // ERROR "moved to heap: x$"
    p = &x;
    goto out;
  }
out:
  (void)p;
}

// Static locals have static storage: their address never dangles.
int *static_local(void) {
  static int s;
  return &s;
}

char *static_buffer(void) {
  static char buf[16];
  return buf;
}

// Storing into a static local is storing into a global.
void store_into_static(void) {
  static int *saved;
  int x; // ERROR "moved to heap: x$"
  saved = &x;
}

// A static local may hold a static local's address.
void static_to_static(void) {
  static int s;
  static int *saved;
  saved = &s;
}

// String literals have static storage.
const char *string_literal(void) {
  return "abc";
}

const char *string_literal_var(void) {
  const char *s = "abc";
  return s;
}

const char *string_literal_table(int i) {
  const char *t[] = {"zero", "one"};
  return t[i & 1];
}

void string_literal_global(void) {
  sink = (int *)"abcd";
}

// ...but a char array initialized from one is a local copy.
const char *string_array_copy(void) {
  char s[] = "abc"; // ERROR "moved to heap: s$"
  const char *p = s;
  return p;
}

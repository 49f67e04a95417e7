// stack.c: a stack of structs on a slice, Go's way:
//
//   type point struct{ x, y int }
//   var stack []point
//   stack = append(stack, p)                           // push
//   p, stack = stack[len(stack)-1], stack[:len(stack)-1] // pop
//
// Pushing 1000 points one by one shows append's growth: each time the
// backing array is full, escrt_growslice moves the elements into a larger
// one, by Go 1.19's rule (double while small, then by about a quarter,
// rounded up to the allocator's size classes), and the program prints
// each capacity it passes through. Popping reslices and never shrinks.
//
// Then the two facts about backing arrays that pointers rely on:
//   - a pointer to an element keeps the whole backing array alive, as Go's
//     interior pointers do: top points at the last element left, and is
//     the only reference to the array once half_popped returns;
//     collections run, new objects of the array's size fill the memory they
//     free, and *top still holds its point (the collector is conservative:
//     a stale copy of a pointer in a register may keep an array alive too,
//     so this shows the guarantee rather than proves it);
//   - an append that grows the slice moves it to a new array, and the old
//     one stays as it was for those that still point into it: first
//     points at element 0 of the full stack, a push moves the stack, and
//     writes through first are not seen by the stack.
//
// Every function that runs on a goroutine starts with ESCRT_STACK_CHECK(),
// the prologue check that escape-cc inserts (escape/go.h): the samples are
// built by the plain compiler.
#include "fmt.h"

#include <escape/gc.h>
#include <escape/go.h>
#include <escape/slice.h>

enum { POINTS = 1000 };

struct point {
  long x, y;
};
// []point. Points hold no pointers: their arrays need not be scanned, but
// the typed macros decide scanning by element type, and a struct is
// scanned (escape/slice.h); that costs nothing here.
typedef ESCRT_SLICE(struct point) point_stack;

static point_stack push(point_stack s, struct point p) {
  ESCRT_STACK_CHECK();
  return escrt_append(s, p);
}

// pop removes the top of *s and returns it. *s must not be empty.
static struct point pop(point_stack *s) {
  ESCRT_STACK_CHECK();
  struct point p = escrt_at(*s, escrt_len(*s) - 1);
  *s = escrt_slice_expr(*s, 0, escrt_len(*s) - 1);
  return p;
}

// churn runs collections and fills the memory they free with other objects
// of bytes bytes each, all -1s: an array that a collection freed would be
// overwritten.
static void churn(size_t bytes) {
  ESCRT_STACK_CHECK();
  for (int round = 0; round < 3; round++) {
    escrt_gc(); // runtime.GC()
    for (int i = 0; i < 64; i++)
      __builtin_memset(escrt_new(bytes), 0xff, bytes);
  }
}

static point_stack growing(void) {
  ESCRT_STACK_CHECK();
  point_stack s = escrt_nil(point_stack);
  ptrdiff_t cap = escrt_cap(s);
  fmt_printf("capacities:");
  for (long i = 0; i < POINTS; i++) {
    s = push(s, (struct point){i, i * i});
    if (escrt_cap(s) != cap) {
      cap = escrt_cap(s);
      fmt_printf(" %td", cap);
    }
  }
  fmt_printf("\n");
  return s;
}

// half_popped builds the stack, pops its upper half, and returns a pointer
// to its top element: the only reference to the backing array left once
// this frame is gone.
static struct point *half_popped(void) {
  ESCRT_STACK_CHECK();
  point_stack s = growing();
  fmt_printf("len %td cap %td\n", escrt_len(s), escrt_cap(s));
  long sum = 0;
  while (escrt_len(s) > POINTS / 2)
    sum += pop(&s).x;
  fmt_printf("popped %d, sum of x %ld, len %td cap %td\n", POINTS / 2, sum,
             escrt_len(s), escrt_cap(s));
  return &escrt_at(s, escrt_len(s) - 1);
}

static void gomain(void *arg) {
  ESCRT_STACK_CHECK();
  // An interior pointer keeps the backing array (1280 points) alive.
  struct point *top = half_popped();
  churn(1280 * sizeof(struct point));
  fmt_printf("after collections, *top is {%ld %ld}\n", top->x, top->y);

  // An append that grows moves the stack; the old array stays.
  point_stack s = escrt_make(point_stack, 4); // len 4, cap 4: full
  struct point *first = &escrt_at(s, 0);
  s = push(s, (struct point){4, 4}); // moves the stack
  first->x = 99;
  churn(4 * sizeof(struct point));
  fmt_printf("old array {%ld %ld}, stack {%ld %ld}, len %td cap %td\n",
             first->x, first->y, escrt_at(s, 0).x, escrt_at(s, 0).y,
             escrt_len(s), escrt_cap(s));
}

int main(void) { escrt_main(gomain, NULL); }

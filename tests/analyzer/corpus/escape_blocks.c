// escape-check -m
// Blocks in C's own terms (block.c): Block_copy, a block stored in a global,
// returned, passed to an unknown function, run as a goroutine, nested, in a
// loop, called directly and through a variable; __block against by-value
// captures. The negatives first: a block only called where it is made
// makes nothing it captures escape.
#include <Block.h>

#define ESC_THREAD __attribute__((annotate("escape:thread")))

void escrt_go_block(void (^fn)(void) ESC_THREAD);
void unknown_block(void (^fn)(void));
void run(void (^fn)(void)) { // ERROR "fn does not escape"
  fn();
}

int *gp;
void (^gblock)(void);

// Negatives.

void called_directly(void) {
  int x = 0;
  int *p = &x;
  ^{ // ERROR "block literal does not escape"
    *p = 1;
  }();
}

void called_through_variable(void) {
  int x = 0;
  int *p = &x;
  void (^b)(void) = ^{ // ERROR "block literal does not escape"
    *p = 1;
  };
  b();
  b();
}

void byref_called_locally(void) {
  __block int n = 0;
  void (^inc)(void) = ^{ // ERROR "block literal does not escape"
    n++;
  };
  inc();
}

void passed_to_known_function(void) {
  __block int n = 0;
  run(^{ // ERROR "block literal does not escape"
    n++;
  });
}

void copied_and_released(void) {
  __block int n = 0;
  void (^c)(void) = Block_copy(^{ // ERROR "block literal does not escape" "_Block_copy.* does not escape"
    n++;
  });
  c();
  Block_release(c);
}

int *param_through_known_block(int *q) { // ERROR "leaking param: q to result ~r0 level=0"
  int *(^id)(int *) = ^(int *p) {        // ERROR "block literal does not escape" "leaking param: p to result ~r0 level=0"
    return p;
  };
  return id(q);
}

// Positives.

void byref_in_global(void) {
  __block int n = 0; // ERROR "moved to heap: n"
  gblock = ^{        // ERROR "block literal escapes to heap"
    n++;
  };
}

void byvalue_in_global(void) {
  int x = 0; // ERROR "moved to heap: x"
  int *p = &x;
  gblock = ^{ // ERROR "block literal escapes to heap"
    *p = 1;
  };
}

void byvalue_int_in_global(void) {
  int x = 0;
  gblock = ^{ // ERROR "block literal escapes to heap"
    (void)x;
  };
}

void (^returned(void))(void) {
  __block int n = 0;     // ERROR "moved to heap: n"
  void (^b)(void) = ^{ // ERROR "block literal escapes to heap"
    n++;
  };
  return b;
}

void passed_to_unknown(void) {
  __block int n = 0;  // ERROR "moved to heap: n"
  unknown_block(^{ // ERROR "block literal escapes to heap"
    n++;
  });
}

void goroutine(void) {
  __block int done = 0; // ERROR "moved to heap: done"
  int x = 0;            // ERROR "moved to heap: x"
  int *p = &x;
  escrt_go_block(^{ // ERROR "block literal escapes to heap"
    done = *p;
  });
}

void copy_escapes(void) {
  __block int n = 0;     // ERROR "moved to heap: n"
  gblock = Block_copy(^{ // ERROR "block literal does not escape" "_Block_copy.* escapes to heap"
    n++;
  });
}

void body_leaks_capture(void) {
  int x = 0; // ERROR "moved to heap: x"
  int *p = &x;
  void (^b)(void) = ^{ // ERROR "block literal does not escape"
    gp = p;
  };
  run(b);
}

// BAD: p need not move: an assignment to a __block variable in a body is
// a store into what the block points to, which a summary cannot say (it
// leaks), so every variable the block holds by reference escapes with it.
void byref_assigned_in_body(void) {
  int x = 0; // ERROR "moved to heap: x"
  int *q = &x;
  __block int *p = 0; // ERROR "moved to heap: p"
  ^{                  // ERROR "block literal does not escape"
    p = q;
  }();
  gp = p;
}

void nested(void) {
  __block int n = 0; // ERROR "moved to heap: n"
  ^{                 // ERROR "block literal does not escape"
    gblock = ^{      // ERROR "block literal escapes to heap"
      n++;
    };
  }();
}

void in_loop(int k) {
  void (^last)(void) = 0;
  for (int i = 0; i < k; i++) {
    __block int n = i; // ERROR "moved to heap: n"
    last = ^{          // ERROR "block literal escapes to heap"
      n++;
    };
  }
  last();
}

void in_loop_called_there(int k) {
  for (int i = 0; i < k; i++) {
    __block int n = i;
    void (^b)(void) = ^{ // ERROR "block literal does not escape"
      n++;
    };
    b();
  }
}

int *result_of_unknown_block(int *(^f)(void)) { // ERROR "leaking param: f"
  return f();
}

void block_result_used(void) {
  int x = 0; // ERROR "moved to heap: x"
  int *p = &x;
  gp = result_of_unknown_block(^{ // ERROR "block literal escapes to heap"
    return p;
  });
}

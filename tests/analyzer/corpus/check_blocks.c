// escape-check
// Check mode on blocks (block.c): a block literal that escapes is named
// "block literal", and what it holds by reference escapes with it, by the
// same kind, reported where the body names it first; a block only called where it is made warns of nothing.
#define ESC_THREAD __attribute__((annotate("escape:thread")))

void escrt_go_block(void (^fn)(void) ESC_THREAD);

void (^gblock)(void);

void stored_in_global(void) {
  __block int n = 0;
  gblock = ^{ // ERROR "warning: address of block literal escapes: stored in global 'gblock' \[-Wescape-global\]"
    n++; // ERROR "warning: address of local variable 'n' escapes: stored in global 'gblock' \[-Wescape-global\]"
  };
}

void goroutine(void) {
  __block int done = 0;
  escrt_go_block(^{ // ERROR "warning: address of block literal escapes: handed to another thread \(through 'escrt_go_block'\) \[-Wescape-thread\]"
    done = 1; // ERROR "warning: address of local variable 'done' escapes: handed to another thread \(through 'escrt_go_block'\) \[-Wescape-thread\]"
  });
}

void (^returned(void))(void) {
  int x = 0;
  void (^b)(void) = ^{ // ERROR "warning: address of block literal escapes: returned to caller \[-Wescape-return\]"
    (void)x;
  };
  return b;
}

void called_here(void) {
  __block int n = 0;
  void (^b)(void) = ^{
    n++;
  };
  b();
}

// escape-check
// Check mode on blocks (block.c): a block literal that escapes is named
// "block literal"; a __block variable it captures is not reported, since
// the Blocks runtime moves it to the heap when the block is copied, and a
// block that escapes uncopied is the literal's warning. A goroutine block
// (escrt_go_block, declared as <escape/go.h> declares it) runs a copy: the
// literal stays, and what its captured pointers point to goes to the
// goroutine. A block only called where it is made warns of nothing.
#define ESC_NOESCAPE __attribute__((annotate("escape:noescape")))

void escrt_go_block(void (^fn)(void) ESC_NOESCAPE);

void (^gblock)(void);

void stored_in_global(void) {
  __block int n = 0;
  gblock = ^{ // ERROR "warning: address of block literal escapes: stored in global 'gblock' \[-Wescape-global\]"
    n++;
  };
}

void goroutine(void) {
  __block int done = 0;
  escrt_go_block(^{
    done = 1;
  });
}

void goroutine_gets_local(void) {
  int x = 0;
  int *p = &x; // ERROR "warning: address of local variable 'x' escapes: handed to another thread \(through 'escrt_go_block'\) \[-Wescape-thread\]"
  escrt_go_block(^{
    *p = 1;
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

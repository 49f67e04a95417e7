// Goroutines from clang Blocks: Go's go func() { ... }().
//
// escrt_go_block(^{ ... }) runs a block literal as a goroutine. A block
// literal lives in its creator's frame, which may be gone before the
// goroutine runs, so the goroutine runs a copy, as Block_copy would make
// one, and drops it when the block returns.
//
// The copy is the runtime's own, not libBlocksRuntime's: Block_copy puts a
// block in C's malloc memory, which plain libescrt's collector does not
// scan (escape/gc.h), and a block's captured variables are often the only
// pointers to the collected objects the goroutine works on. So the copy is
// made as the Blocks ABI lays it out (clang's "Block Implementation
// Specification"): an escrt_malloc object of the block's size (every
// escrt_malloc object is a root until it is freed), its bytes copied, then
// the block's copy helper run on it, which retains what the block
// captured (blocks, __block variables) through libBlocksRuntime's
// _Block_object_assign. When the goroutine's block returns, the dispose
// helper releases those and the copy is freed. Nobody else ever sees the
// copy (a block's code cannot name the block it runs in), so its isa and
// flags stay the original's: libBlocksRuntime never retains or frees it.
// A global block (one that captures nothing) is run as it is.
//
// What is not scanned: the __block variables and blocks the goroutine's
// block captured are moved by libBlocksRuntime into C's malloc memory; in
// plain libescrt a collected pointer kept only there is not seen (in a
// program escape-cc linked, malloc is escrt_malloc and it is). escape/go.h
// says so to users.
//
// This file calls no function of libBlocksRuntime itself: the copy and
// dispose helpers that clang wrote into the program do. A program that
// makes block literals links libBlocksRuntime anyway (they refer to its
// _NSConcreteStackBlock), and one that never calls escrt_go_block does not
// pull this file out of libescrt.a.
//
// Copying and disposing call escrt_malloc and the C library: both run on
// the system stack (escrt_systemstack), since escrt_go_block may be called
// on a goroutine.
#define ESCRT_GOBLOCK_IMPL // go.h declares the functions with block types
#include "runtime.h"

#include "escape/go.h"

#include <stdlib.h>
#include <string.h>

// go.h declares these with block types, for clang with -fblocks; the
// runtime itself is compiled by any C compiler.
#define PUBLIC __attribute__((visibility("default")))
PUBLIC void escrt_go_block(const void *fn);
PUBLIC void escrt_run_block(const void *fn);
PUBLIC _Noreturn void escrt_main_block(const void *fn);

// The Blocks ABI: the header every block starts with, and its descriptor.
enum {
  BLOCK_HAS_COPY_DISPOSE = 1 << 25,
  BLOCK_IS_GLOBAL = 1 << 28,
};

typedef struct block_descriptor {
  unsigned long reserved;
  unsigned long size; // of the whole block, header and captures
  void (*copy)(void *dst, const void *src);
  void (*dispose)(const void *blk);
} block_descriptor;

typedef struct block_layout {
  void *isa;
  int flags;
  int reserved;
  void (*invoke)(void *blk);
  block_descriptor *descriptor;
} block_layout;

// copy_on_system_stack makes the goroutine's copy of *(block_layout **)arg
// and stores it there.
static void copy_on_system_stack(void *arg) {
  block_layout **blk = arg;
  const block_layout *src = *blk;
  block_layout *dst = escrt_malloc(src->descriptor->size);
  if (dst == NULL)
    fatal("out of memory");
  memcpy(dst, src, src->descriptor->size);
  if (src->flags & BLOCK_HAS_COPY_DISPOSE)
    src->descriptor->copy(dst, src);
  *blk = dst;
}

// dispose_on_system_stack releases what the copy arg holds and frees it,
// cleared first: an object freed by a thread other than the one that
// allocated it stays a root until that thread folds the free in (malloc.c),
// and its captured pointers would keep their objects alive meanwhile.
static void dispose_on_system_stack(void *arg) {
  block_layout *blk = arg;
  if (blk->flags & BLOCK_HAS_COPY_DISPOSE)
    blk->descriptor->dispose(blk);
  memset(blk, 0, blk->descriptor->size);
  escrt_free(blk);
}

// goblock_copy returns what the goroutine runs for fn: a copy that
// goblock_main disposes of, or fn itself when it is global.
static block_layout *goblock_copy(const void *fn) {
  block_layout *blk = (block_layout *)fn;
  if (blk->flags & BLOCK_IS_GLOBAL)
    return blk;
  escrt_systemstack(copy_on_system_stack, &blk);
  return blk;
}

// goblock_main is the goroutine: it calls the block and drops its copy.
static void goblock_main(void *arg) {
  ESCRT_STACK_CHECK();
  block_layout *blk = arg;
  blk->invoke(blk);
  if (!(blk->flags & BLOCK_IS_GLOBAL))
    escrt_systemstack(dispose_on_system_stack, blk);
}

void escrt_go_block(const void *fn) {
  if (fn == NULL)
    panic_goroutine("go of nil func value");
  escrt_go(goblock_main, goblock_copy(fn));
}

void escrt_run_block(const void *fn) {
  if (fn == NULL)
    fatal("escrt_run_block of nil block");
  escrt_run(goblock_main, goblock_copy(fn));
}

void escrt_main_block(const void *fn) {
  escrt_run_block(fn);
  exit(0);
}

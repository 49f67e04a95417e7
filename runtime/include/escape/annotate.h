// escape/annotate.h: escape annotations for declarations without bodies.
//
// escape-check analyzes every function whose body it sees. For an extern
// function it cannot see, it uses, in order: these annotations on the
// declaration, its built-in model of the C library, or the conservative
// answer (every pointer argument escapes). Put them on parameters:
//
//   void cache_put(struct cache *c, void *v ESC_LEAK);
//   size_t hash(const void *p ESC_NOESCAPE, size_t n);
//   char *skip_spaces(char *s ESC_RESULT);
//   void call_later(void (*fn)(void *), void *arg ESC_ARG_OF(1) ESC_THREAD);
//   void put(struct queue *q, const void *item ESC_SEND);
//
// ESC_ARG_OF(n) names a function pointer parameter by its position,
// counted from 1 as GCC's nonnull and format attributes count: the callee
// calls it with this pointer as its argument and keeps the pointer no
// longer than that function does. Alone, it says the call happens before
// the callee returns (escrt_systemstack, escrt_once_do); with ESC_THREAD,
// on another thread, later. ESC_SEND is Go's ch <- v: the pointers stored
// in what the parameter points to (the element sent, not its address) go
// to whichever goroutine receives them (escrt_chan_send). ESC_RECV is Go's
// v := <-ch: the callee stores into what the parameter points to a value
// from another goroutine, which the caller sees as heap memory.
//
// A declaration with any annotated parameter is taken as fully annotated:
// its other parameters do not escape. The annotations expand to clang's
// annotate attribute, which compilers other than clang ignore (GCC warns
// about unknown attributes only with -Wattributes on).
#ifndef ESCAPE_ANNOTATE_H
#define ESCAPE_ANNOTATE_H

#if defined(__clang__)
#define ESC_ANNOTATE_(what) __attribute__((annotate(what)))
#else
#define ESC_ANNOTATE_(what)
#endif

// ESC_NOESCAPE: the callee neither keeps the pointer nor hands it on.
#define ESC_NOESCAPE ESC_ANNOTATE_("escape:noescape")
// ESC_LEAK: the callee may keep the pointer anywhere (leaking param).
#define ESC_LEAK ESC_ANNOTATE_("escape:leak")
// ESC_LEAK_CONTENT: the callee may keep the pointers stored in *p, not p.
#define ESC_LEAK_CONTENT ESC_ANNOTATE_("escape:leak-content")
// ESC_RESULT: the pointer flows to the result (leaking param to result).
#define ESC_RESULT ESC_ANNOTATE_("escape:result")
// ESC_THREAD: the pointer is handed to another thread.
#define ESC_THREAD ESC_ANNOTATE_("escape:thread")
// ESC_ARG_OF(n): the callee calls its parameter n (a function pointer, n
// from 1) with this pointer and keeps it no longer than that function does.
#define ESC_ARG_OF(n) ESC_ANNOTATE_("escape:arg-of:" #n)
// ESC_SEND: the pointers stored in *p are sent on a channel: they escape
// to whichever goroutine receives them.
#define ESC_SEND ESC_ANNOTATE_("escape:send")
// ESC_RECV: the callee stores into *p values another goroutine sent (Go's
// v := <-ch): heap memory the caller has not seen.
#define ESC_RECV ESC_ANNOTATE_("escape:recv")

#endif

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
#define ESC_ARG_OF(n) ESC_ANNOTATE_("escape:arg-of:" #n)

#endif

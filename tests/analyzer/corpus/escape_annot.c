// escape-check -m
// Annotations on declarations of functions without bodies: escape:noescape,
// escape:leak, escape:leak-content, escape:result, escape:thread and clang's
// noescape. A declaration with any annotated parameter is fully annotated.
#include <stddef.h>

#define NOESCAPE __attribute__((annotate("escape:noescape")))
#define LEAK __attribute__((annotate("escape:leak")))
#define LEAK_CONTENT __attribute__((annotate("escape:leak-content")))
#define RESULT __attribute__((annotate("escape:result")))
#define THREAD __attribute__((annotate("escape:thread")))

int *gp;
int **gpp;
int gi;

void ann_noescape(int *p NOESCAPE);
void ann_noescape2(int **pp NOESCAPE);
void ann_leak(void *p LEAK);
void ann_leak_content(int **pp LEAK_CONTENT);
int *ann_result(int *p RESULT);
int **ann_result2(int **p RESULT);
void ann_thread(void *arg THREAD);
void clang_noescape(int *p __attribute__((noescape)));
void ann_first(int *a LEAK, int *b);
void ann_second(int *a, int *b NOESCAPE);
void ann_other(int *p __attribute__((annotate("something else"))));
void ann_varargs(const char *fmt NOESCAPE, ...);
void ann_int(int n LEAK, int *p NOESCAPE);
void plain(int *p);
void plain_two(int *a, int *b);

void call_noescape(void) {
  int x = 0;
  ann_noescape(&x);
}

void call_noescape_twice(void) {
  int x = 0;
  int *p = &x;
  ann_noescape(p);
  ann_noescape2(&p);
}

void call_leak(void) {
  int x; // ERROR "moved to heap: x$"
  ann_leak(&x);
}

void call_leak_array(void) {
  char buf[16]; // ERROR "moved to heap: buf$"
  ann_leak(buf);
}

void pass_leak(int *p) { // ERROR "leaking param: p$"
  ann_leak(p);
}

void pass_noescape(int *p) { // ERROR "p does not escape$"
  ann_noescape(p);
}

// leak-content: what the argument points to escapes, not the argument.
void call_leak_content(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  ann_leak_content(&p);
}

void pass_leak_content(int **pp) { // ERROR "leaking param content: pp$"
  ann_leak_content(pp);
}

// result: the argument comes back.
void call_result_local(void) {
  int x = 0;
  int *r = ann_result(&x);
  *r = 1;
}

void call_result_global(void) {
  int x; // ERROR "moved to heap: x$"
  gp = ann_result(&x);
}

int *pass_result(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return ann_result(p);
}

void call_thread(void) {
  int x; // ERROR "moved to heap: x$"
  ann_thread(&x);
}

void pass_thread(void *p) { // ERROR "leaking param: p$"
  ann_thread(p);
}

// clang's own noescape attribute.
void call_clang_noescape(void) {
  int x = 0;
  clang_noescape(&x);
}

void pass_clang_noescape(int *p) { // ERROR "p does not escape$"
  clang_noescape(p);
}

// A declaration with one annotated parameter is fully annotated: the others
// do not escape.
void call_first(void) {
  int x; // ERROR "moved to heap: x$"
  int y = 0;
  ann_first(&x, &y);
}

void call_second(void) {
  int x = 0;
  int y = 0;
  ann_second(&x, &y);
}

void call_int_annotated(void) {
  int x = 0;
  ann_int(1, &x);
}

// Annotations the analysis does not know are not annotations.
void call_other(void) {
  int x; // ERROR "moved to heap: x$"
  ann_other(&x);
}

// The "..." of an annotated declaration is not annotated: it leaks.
void call_varargs(void) {
  int x; // ERROR "moved to heap: x$"
  char fmt[4] = "%p";
  ann_varargs(fmt, &x);
}

// Without annotations a function without a body is unknown.
void call_plain(void) {
  int x; // ERROR "moved to heap: x$"
  int y; // ERROR "moved to heap: y$"
  plain(&x);
  plain_two(&x, &y);
}

// A body wins over an annotation.
void annotated_body(int *p NOESCAPE) { // ERROR "leaking param: p$"
  gp = p;
}

void call_annotated_body(void) {
  int x; // ERROR "moved to heap: x$"
  annotated_body(&x);
}

// An annotation on an earlier declaration holds for later ones.
void redeclared(int *p NOESCAPE);
void redeclared(int *p);

void call_redeclared(void) {
  int x = 0;
  redeclared(&x);
}

// And one on a later declaration holds from there on.
void late(int *p);
void late(int *p NOESCAPE);

void call_late(void) {
  int x = 0;
  late(&x);
}

// The result of an annotated function may also be memory we did not see.
void store_through_result(void) {
  int y; // ERROR "moved to heap: y$"
  int *p = NULL;
  int **r = ann_result2(&p);
  *r = &y;
}

void call_leak_content_nothing(void) {
  int *p = NULL;
  ann_leak_content(&p);
}

void call_result_discarded(void) {
  int x = 0;
  (void)ann_result(&x);
}

void call_leak_static(void) {
  static int s;
  ann_leak(&s);
  ann_thread(&s);
}

void call_clang_noescape_local_pointer(void) {
  int x = 0;
  int *p = &x;
  clang_noescape(p);
  gi = *p;
}

// The README's example, with the macros of escape/annotate.h.
struct cache;
void cache_put(struct cache *c NOESCAPE, void *v LEAK);

void call_cache_put(struct cache *c) { // ERROR "c does not escape$"
  int v; // ERROR "moved to heap: v$"
  cache_put(c, &v);
}

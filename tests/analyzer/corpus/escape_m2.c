// escape-check -m=2
// -m=2 explains each verdict with Go's flow lines, printed at the position
// of the verdict: "x escapes to heap:", "  flow: dst = &src:", "    from EXPR
// (why) at POS", then the verdict itself; leaking parameters likewise.

#include <stdlib.h>

struct T {
  int *p;
  int *q;
};

int *g;

void unknown(int *);

// Returned: the flow ends at the result ~r0.
int *ret_addr(void) {
  int x = 0; // ERROR "x escapes to heap:$" "  flow: ~r0 = &x:$" "    from &x \(address-of\) at .*:20:10$" "    from return &x \(return\) at .*:20:3$" "moved to heap: x$"
  return &x;
}

// Stored in a global: the flow ends at {heap}.
void to_global(void) {
  int x; // ERROR "x escapes to heap:$" "  flow: \{heap\} = &x:$" "    from &x \(address-of\) at .*:26:7$" "    from g = &x \(assign\) at .*:26:3$" "moved to heap: x$"
  g = &x;
}

// Through one member path of a struct: the flow names it.
void through_field(void) {
  int x; // ERROR "x escapes to heap:$" "  flow: s\.p = &x:$" "    from &x \(address-of\) at .*:33:9$" "    from s\.p = &x \(assign\) at .*:33:3$" "  flow: \{heap\} = s\.p:$" "    from s\.p \(dot\) at .*:34:9$" "    from g = s\.p \(assign\) at .*:34:3$" "moved to heap: x$"
  struct T s;
  s.p = &x;
  g = s.p;
}

// Another member path: nothing to explain.
void other_field(void) {
  int x;
  struct T s;
  s.p = &x;
  g = s.q;
}

// Out of its block: the flow ends at the pointer that outlives x.
void out_of_loop(void) {
  int *p = 0;
  for (int i = 0; i < 3; i++) {
    int x = i; // ERROR "x escapes to heap:$" "  flow: p = &x:$" "    from &x \(address-of\) at .*:50:9$" "    from p = &x \(assign\) at .*:50:5$" "moved to heap: x$"
    p = &x;
  }
  (void)p;
}

// Parameters: the flow that builds each summary.
void keep(int *p) { // ERROR "parameter p leaks to \{heap\} with derefs=0:$" "  flow: \{heap\} = p:$" "    from g = p \(assign\) at .*:57:3$" "leaking param: p$"
  g = p;
}

int *pass(int *p) { // ERROR "parameter p leaks to ~r0 with derefs=0:$" "  flow: ~r0 = p:$" "    from return p \(return\) at .*:61:3$" "leaking param: p to result ~r0 level=0$"
  return p;
}

void set(int **o, int *v) { // ERROR "o does not escape$" "parameter v leaks to \{\*o\} with derefs=0:$" "  flow: \{\*o\} = v:$" "    from \*o = v \(assign\) at .*:65:3$" "    from \*o \(indirection\) at .*:65:3$" "leaking param: v to content of o level=0$"
  *o = v;
}

int read(const int *p) { // ERROR "p does not escape$"
  return *p;
}

int *deref(int **pp) { // ERROR "parameter pp leaks to ~r0 with derefs=1:$" "  flow: ~r0 = \*pp:$" "    from \*pp \(indirection\) at .*:73:10$" "    from return \*pp \(return\) at .*:73:3$" "leaking param: pp to result ~r0 level=1$"
  return *pp;
}

void keep_content(int **pp) { // ERROR "parameter pp leaks to \{heap\} with derefs=1:$" "  flow: \{heap\} = \*pp:$" "    from \*pp \(indirection\) at .*:77:7$" "    from g = \*pp \(assign\) at .*:77:3$" "leaking param content: pp$"
  g = *pp;
}

// Call sites apply the callee's summary through a temporary.
void call_keep(void) {
  int x; // ERROR "x escapes to heap:$" "  flow: \{temp\} = &x:$" "    from &x \(address-of\) at .*:83:8$" "    from keep\(&x\) \(call parameter\) at .*:83:3$" "  flow: \{heap\} = \{temp\}:$" "moved to heap: x$"
  keep(&x);
}

int *call_pass(void) {
  int x; // ERROR "x escapes to heap:$" "  flow: \{temp\} = &x:$" "    from &x \(address-of\) at .*:88:17$" "    from pass\(&x\) \(call parameter\) at .*:88:12$" "  flow: \{temp\} = \{temp\}:$" "  flow: p = \{temp\}:$" "    from int \*p = pass\(&x\) \(assign\) at .*:88:8$" "  flow: ~r0 = p:$" "    from return p \(return\) at .*:89:3$" "moved to heap: x$"
  int *p = pass(&x);
  return p;
}

// A callee that does not keep its argument: no flow.
int call_read(void) {
  int x = 1;
  return read(&x);
}

// An unknown callee keeps everything.
void call_unknown(void) {
  int x; // ERROR "x escapes to heap:$" "  flow: \{temp\} = &x:$" "    from &x \(address-of\) at .*:101:11$" "    from unknown\(&x\) \(call parameter\) at .*:101:3$" "  flow: \{heap\} = \{temp\}:$" "    from unknown\(&x\) \(call to unknown function\) at .*:101:3$" "moved to heap: x$"
  unknown(&x);
}

// Allocation sites. Only the words between parentheses on the line of the
// call itself are left open: the reason for a malloc result's flow.
int *ret_malloc(void) {
  int *p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) escapes to heap:$" "  flow: \{temp\} = &\{storage for malloc\(sizeof\(int\)\)\}:$" "    from malloc\(sizeof\(int\)\) \(.*\) at .*:107:12$" "  flow: p = \{temp\}:$" "    from int \*p = malloc\(sizeof\(int\)\) \(assign\) at .*:107:8$" "  flow: ~r0 = p:$" "    from return p \(return\) at .*:108:3$" "malloc\(sizeof\(int\)\) escapes to heap$"
  return p;
}

void free_malloc(void) {
  int *p = malloc(sizeof(int)); // ERROR "malloc\(sizeof\(int\)\) does not escape$"
  free(p);
}

// A local stored into an escaping heap object: its flow ends at the object.
struct T *heap_holds_local(void) {
  int x; // ERROR "x escapes to heap:$" "  flow: \{storage for malloc\(sizeof\(struct T\)\)\} = &x:$" "    from &x \(address-of\) at .*:120:10$" "    from t->p = &x \(assign\) at .*:120:3$" "    from t->p \(indirection\) at .*:120:6$" "moved to heap: x$"
  struct T *t = malloc(sizeof(struct T)); // ERROR "malloc\(sizeof\(struct T\)\) escapes to heap:$" "  flow: \{temp\} = &\{storage for malloc\(sizeof\(struct T\)\)\}:$" "    from malloc\(sizeof\(struct T\)\) \(.*\) at .*:119:17$" "  flow: t = \{temp\}:$" "    from struct T \*t = malloc\(sizeof\(struct T\)\) \(assign\) at .*:119:13$" "  flow: ~r0 = t:$" "    from return t \(return\) at .*:121:3$" "malloc\(sizeof\(struct T\)\) escapes to heap$"
  t->p = &x;
  return t;
}

// A compound literal.
void literal_global(void) {
  g = &(int){1}; // ERROR "&\(int\)\{\.\.\.\} escapes to heap:$" "  flow: \{heap\} = &\{storage for &\(int\)\{\.\.\.\}\}:$" "    from &\(int\)\{1\} \(address-of\) at .*:126:7$" "    from g = &\(int\)\{1\} \(assign\) at .*:126:3$" "&\(int\)\{\.\.\.\} escapes to heap$"
}

// Through two levels of pointers (Go's escape_level.go level2).
void level2(void) {
  int i; // ERROR "i escapes to heap:$" "  flow: p0 = &i:$" "    from &i \(address-of\) at .*:132:13$" "    from int \*p0 = &i \(assign\) at .*:132:8$" "  flow: p1 = &p0:$" "    from &p0 \(address-of\) at .*:133:14$" "    from int \*\*p1 = &p0 \(assign\) at .*:133:9$" "  flow: \{heap\} = \*p1:$" "    from \*p1 \(indirection\) at .*:134:7$" "    from g = \*p1 \(assign\) at .*:134:3$" "moved to heap: i$"
  int *p0 = &i;
  int **p1 = &p0;
  g = *p1;
}

// Stored through an out-parameter: the flow ends at what o points to.
void out_param(int **o) { // ERROR "o does not escape$"
  int x; // ERROR "x escapes to heap:$" "  flow: \{\*o\} = &x:$" "    from &x \(address-of\) at .*:140:8$" "    from \*o = &x \(assign\) at .*:140:3$" "    from \*o \(indirection\) at .*:140:3$" "moved to heap: x$"
  *o = &x;
}

// Negatives: verdicts that need no flow.
void local_only(void) {
  int x;
  int *p = &x;
  *p = 1;
}

void set_local(void) {
  int *p;
  int x;
  set(&p, &x);
  *p = 2;
}

int field_read(struct T *t) { // ERROR "t does not escape$"
  return *t->p;
}

void literal_local(void) {
  int *p = &(int){1}; // ERROR "&\(int\)\{\.\.\.\} does not escape$"
  *p = 2;
}

void loop_local(void) {
  for (int i = 0; i < 3; i++) {
    int x = i;
    int *q = &x;
    *q = 0;
  }
}

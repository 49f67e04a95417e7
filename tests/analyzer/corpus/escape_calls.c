// escape-check -m
// Interprocedural: summaries applied at call sites, chains of calls, recursion
// and mutual recursion (SCCs), unknown extern functions, and calls through
// function pointers (unknown targets leak; known targets use their summaries).
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct node {
  struct node *next;
  int v;
};

struct holder {
  int *p;
};

struct ops {
  void (*put)(int *);
  int (*get)(int *);
};

int *gp;
int gi;
void *sink;

void ext_fn(int *p);
void ext_const(const int *p);
void ext_int(int v);
int **ext_pp(void);
void (*gfp)(int *);

int noleak(int *p) { // ERROR "p does not escape$"
  return *p;
}

int noleak2(int *p) { // ERROR "p does not escape$"
  return *p + 1;
}

void leak(int *p) { // ERROR "leaking param: p$"
  gp = p;
}

int *id(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return p;
}

int *deref(int **pp) { // ERROR "leaking param: pp to result ~r0 level=1$"
  return *pp;
}

void set(int **o, int *v) { // ERROR "o does not escape$" "leaking param: v to content of o level=0$"
  *o = v;
}

// Chains: summaries compose.
int *id2(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return id(p);
}

void leak2(int *p) { // ERROR "leaking param: p$"
  leak(p);
}

int noleak_chain(int *p) { // ERROR "p does not escape$"
  return noleak(p) + noleak2(p);
}

void leak_via_id(int *p) { // ERROR "leaking param: p$"
  gp = id2(p);
}

void call_noleak(void) {
  int x = 0;
  gi = noleak(&x) + noleak_chain(&x);
}

void call_leak2(void) {
  int x; // ERROR "moved to heap: x$"
  leak2(&x);
}

void call_id_discard(void) {
  int x = 0;
  int *p = id(&x);
  *p = 1;
  (void)id2(&x);
}

void call_id_keep(void) {
  int x; // ERROR "moved to heap: x$"
  gp = id2(id(&x));
}

void call_deref(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  gp = deref(&p);
}

void call_set_local(void) {
  int x = 0;
  int *p;
  set(&p, &x);
  gi = *p;
}

void call_set_global(void) {
  int x; // ERROR "moved to heap: x$"
  set(&gp, &x);
}

int *later(int *p);

void call_later(void) {
  int x; // ERROR "moved to heap: x$"
  gp = later(&x);
}

int *later(int *p) { // ERROR "leaking param: p to result ~r0 level=0$"
  return p;
}

// A struct argument carries its pointer fields.
void take(struct holder h) { // ERROR "leaking param: h$"
  gp = h.p;
}

void call_take(void) {
  int x; // ERROR "moved to heap: x$"
  struct holder h = {&x};
  take(h);
}

// Recursion.
int *rec(int *p, int n) { // ERROR "leaking param: p to result ~r0 level=0$"
  if (n == 0)
    return p;
  return rec(p, n - 1);
}

int sum(struct node *n) { // ERROR "n does not escape$"
  return n ? n->v + sum(n->next) : 0;
}

void rec_leak(int *p, int n) { // ERROR "leaking param: p$"
  if (n)
    rec_leak(p, n - 1);
  else
    gp = p;
}

int *rec_addr(int n) {
  int x; // ERROR "moved to heap: x$"
  if (n)
    return rec_addr(n - 1);
  return &x;
}

void count(struct node *n, int *c) { // ERROR "n does not escape$" "c does not escape$"
  if (!n)
    return;
  (*c)++;
  count(n->next, c);
}

int call_count(struct node *list) { // ERROR "list does not escape$"
  int c = 0;
  count(list, &c);
  return c;
}

// Go's escape_calls.go walk: *np = n stores through memory loaded from *np.
struct tnode {
  struct tnode *left, *right;
  int w;
};

int walk(struct tnode **np) { // ERROR "leaking param content: np$"
  struct tnode *n = *np;
  int wl, wr;
  if (n == NULL)
    return 0;
  wl = walk(&n->left);
  wr = walk(&n->right);
  if (wl < wr) {
    struct tnode *t = n->left;
    n->left = n->right;
    n->right = t;
  }
  *np = n;
  return n->w + wl + wr;
}

// Mutual recursion (Go's leakrecursive1/2 with one result): the SCC is solved
// as one batch. lr2 returns its p, lr1 its q. (Go, with two results and no
// fixpoint over the SCC, reports both parameters of both as leaking.)
int *lr1(int *p, int *q);

int *lr2(int *p, int *q) { // ERROR "leaking param: p to result ~r0 level=0$" "q does not escape$"
  if (*p > *q)
    return lr1(q, p);
  return p;
}

int *lr1(int *p, int *q) { // ERROR "p does not escape$" "leaking param: q to result ~r0 level=0$"
  return lr2(q, p);
}

void pong(int *p, int n);

void ping(int *p, int n) { // ERROR "leaking param: p$"
  if (n)
    pong(p, n - 1);
}

void pong(int *p, int n) { // ERROR "leaking param: p$"
  if (n)
    ping(p, n - 1);
  else
    gp = p;
}

int is_odd(int *p, int n);

int is_even(int *p, int n) { // ERROR "p does not escape$"
  return n == 0 ? *p : is_odd(p, n - 1);
}

int is_odd(int *p, int n) { // ERROR "p does not escape$"
  return n == 0 ? -*p : is_even(p, n - 1);
}

void call_ping(void) {
  int x; // ERROR "moved to heap: x$"
  ping(&x, 3);
}

void call_even(void) {
  int x = 0;
  gi = is_even(&x, 3);
}

// Unknown functions (declared, no body): every pointer argument escapes.
void call_ext(void) {
  int x; // ERROR "moved to heap: x$"
  ext_fn(&x);
}

// const does not stop the callee from keeping the pointer.
void call_ext_const(void) {
  int x; // ERROR "moved to heap: x$"
  ext_const(&x);
}

void call_ext_int(void) {
  int x = 0;
  int *p = &x;
  ext_int(*p);
}

// Memory returned by an unknown function is memory we cannot see.
void store_into_unknown_result(void) {
  int x; // ERROR "moved to heap: x$"
  int **pp = ext_pp();
  *pp = &x;
}

void pass_to_unknown(int *p) { // ERROR "leaking param: p$"
  ext_fn(p);
}

// Go's escape_calls.go h: the result of f, indexed, is passed to unknown g.
char *fbuf(char *buf) { // ERROR "leaking param: buf to result ~r0 level=0$"
  return buf;
}

void gext(char *);

void hbuf(void) {
  char x[32]; // ERROR "moved to heap: x$"
  gext(&fbuf(x)[0]);
}

// Calls through function pointers: an unknown target makes arguments leak.
void call_global_fp(void) {
  int x; // ERROR "moved to heap: x$"
  gfp(&x);
}

void apply(void (*f)(int *), int *p) { // ERROR "f does not escape$" "leaking param: p$"
  f(p);
}

// A local assigned only from named functions uses their summaries.
void call_local_fp(void) {
  int x = 0;
  int (*f)(int *) = noleak;
  gi = f(&x);
}

void call_local_fp_leak(void) {
  int x; // ERROR "moved to heap: x$"
  void (*f)(int *) = leak;
  f(&x);
}

void call_local_fp_union(int c) {
  int x; // ERROR "moved to heap: x$"
  int (*f)(int *);
  int (*g)(int *) = noleak;
  if (c)
    f = noleak;
  else
    f = (int (*)(int *))leak2;
  gi = f(&x) + g(&x);
}

void call_local_fp_zero(void) {
  int x = 0;
  int (*f)(int *) = 0;
  f = noleak2;
  gi = f(&x);
}

// NULL is no target either.
void call_local_fp_both_noleak(int c) {
  int x = 0;
  int (*f)(int *) = NULL;
  if (c)
    f = noleak;
  else
    f = &noleak2;
  gi = f(&x);
}

// (*f)(x) is the same call as f(x).
void call_local_fp_deref(void) {
  int x = 0;
  int (*f)(int *) = noleak;
  gi = (*f)(&x);
}

// ?: between two named functions can only yield one of them.
void call_local_fp_cond(int c) {
  int x = 0;
  int (*f)(int *) = c ? noleak : noleak2;
  gi = f(&x);
}

// strlen is a named function with a known contract.
size_t call_local_fp_libc(void) {
  char buf[8] = "abc";
  size_t (*len)(const char *) = strlen;
  return len(buf);
}

void call_local_fp_from_param(int (*p)(int *)) { // ERROR "p does not escape$"
  int x; // ERROR "moved to heap: x$"
  int (*f)(int *) = p;
  gi = f(&x);
}

// Once its address is taken, the local may hold anything.
void call_local_fp_addr_taken(void) {
  int x; // ERROR "moved to heap: x$"
  int (*f)(int *) = noleak;
  int (**pf)(int *) = &f;
  gi = (*pf)(&x) + f(&x);
}

void call_local_fp_extern(void) {
  int x; // ERROR "moved to heap: x$"
  void (*f)(int *) = ext_fn;
  f(&x);
}

// A static const table of functions: the union of their summaries.
static int (*const getters[])(int *) = {noleak, noleak2};

int call_table(int i) {
  int x = 0;
  return getters[i](&x);
}

static void (*const putters[])(int *) = {leak, leak2};

void call_table_leak(int i) {
  int x; // ERROR "moved to heap: x$"
  putters[i](&x);
}

static int put_nothing(int *p) { // ERROR "p does not escape$"
  return p != NULL;
}

void put_noop(int *p) { // ERROR "p does not escape$"
  (void)p;
}

static const struct ops quiet_ops = {put_noop, put_nothing};

int call_ops_table(void) {
  int x = 0;
  quiet_ops.put(&x);
  return quiet_ops.get(&x);
}

// A table that is not const may be rewritten: its targets are unknown.
static int (*mutable_getters[])(int *) = {noleak, noleak2};

int call_mutable_table(int i) {
  int x; // ERROR "moved to heap: x$"
  return mutable_getters[i](&x);
}

// A table holding a function without a body is unknown.
static void (*const ext_table[])(int *) = {put_noop, ext_fn};

void call_ext_table(int i) {
  int x; // ERROR "moved to heap: x$"
  ext_table[i](&x);
}

// Variadic functions: the "..." arguments get one summary.
void keep_va(int n, ...) {
  va_list ap;
  va_start(ap, n);
  gp = va_arg(ap, int *);
  va_end(ap);
}

int read_va(int n, ...) {
  va_list ap;
  int v;
  va_start(ap, n);
  v = *va_arg(ap, int *);
  va_end(ap);
  return v;
}

void call_keep_va(void) {
  int x; // ERROR "moved to heap: x$"
  keep_va(1, &x);
}

void call_read_va(void) {
  int x = 0;
  gi = read_va(1, &x);
}

// Results used only for their values.
void call_deref_value(void) {
  int x = 0;
  int *p = &x;
  gi = *deref(&p);
}

void call_rec_value(void) {
  int x = 0;
  gi = *rec(&x, 3);
}

void call_lr_value(void) {
  int x = 0;
  int y = 0;
  gi = *lr2(&x, &y) + *lr1(&x, &y);
}

void call_with_static(void) {
  static int s;
  gp = id(&s);
  set(&gp, &s);
  leak(&s);
}

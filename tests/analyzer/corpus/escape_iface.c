// escape-check -m
// Interfaces as function pointers: Go's test/escape_iface.go in C, then
// C's own interface calls (iface.c): ops tables, callbacks in struct fields,
// function pointers passed to static functions, ESC_ARG_OF.
//
// A Go interface value is a method table and a data pointer: struct M
// below. Calling through it (x.methods->M(x.data)) is an interface call;
// escape-check resolves it when every value the field can hold in the
// program is known (here, M0_M, M1_M and M2_M), which is Go's
// devirtualization done for every call whose targets are all known.
//
// Cases of escape_iface.go with no meaning in C, skipped: the type
// assertions (x.(M0), v1, ok := x.(*M2) in efaceEscape0/1/2: C has no
// dynamic types, a cast is no check), dotTypeEscape and dotTypeEscape2
// (type assertions again), and issue42279's "partially devirtualizing"
// (there is no conversion to an interface to see through). The
// "devirtualizing x.M" remark has no C counterpart: a resolved call says
// nothing of its own. Go's boxing (v1 escapes to heap when converted)
// does not exist either: in C the data pointer is &v, so v itself moves
// where Go would move only the box. Of escape2.go, escape5.go and
// escape_calls.go, the calls through function values are mirrored below
// (foo141, foo142, bar); their func literals (foo21 to foo24, the
// issue10353 cases, bar's literal) are closures, which C does not have.
#define _GNU_SOURCE // cookie_io_functions_t
#include <stddef.h>
#include <stdio.h>
#include <string.h>

// As runtime/include/escape/annotate.h defines it.
#define ESC_ARG_OF(n) __attribute__((annotate("escape:arg-of:" #n)))

void *sink;

struct M_methods {
  void (*M)(void *self);
};

struct M {
  void *data;
  const struct M_methods *methods;
};

void mescapes(struct M m) { // ERROR "leaking param: m$"
  sink = m.data;
}

void mdoesnotescape(struct M m) { // ERROR "m does not escape$"
  (void)m;
}

// Type stored directly in the interface, value receiver (Go's M0).
struct M0 {
  int *p;
};

static void M0_M(void *self) { // ERROR "self does not escape$"
  (void)self;
}

static const struct M_methods M0_methods = {M0_M};

void efaceEscape0(void) {
  {
    int i = 0;
    struct M0 v = {&i};
    struct M x = {&v, &M0_methods};
    (void)x;
  }
  {
    int i = 0;          // ERROR "moved to heap: i$"
    struct M0 v = {&i}; // ERROR "moved to heap: v$"
    struct M x = {&v, &M0_methods};
    sink = x.data;
  }
  {
    int i = 0;
    struct M0 v = {&i};
    struct M x = {&v, &M0_methods};
    x.methods->M(x.data); // Go: devirtualizing x.M
  }
  {
    int i = 0;          // ERROR "moved to heap: i$"
    struct M0 v = {&i}; // ERROR "moved to heap: v$"
    struct M x = {&v, &M0_methods};
    mescapes(x);
  }
  {
    int i = 0;
    struct M0 v = {&i};
    struct M x = {&v, &M0_methods};
    mdoesnotescape(x);
  }
}

// Type stored indirectly, value receiver (Go's M1).
struct M1 {
  int *p;
  int x;
};

static void M1_M(void *self) { // ERROR "self does not escape$"
  struct M1 *m = self;
  m->x++;
}

static const struct M_methods M1_methods = {.M = M1_M};

void efaceEscape1(void) {
  {
    int i = 0;
    struct M1 v = {&i, 0};
    struct M x = {&v, &M1_methods};
    (void)x;
  }
  {
    int i = 0;             // ERROR "moved to heap: i$"
    struct M1 v = {&i, 0}; // ERROR "moved to heap: v$"
    struct M x = {&v, &M1_methods};
    sink = x.data;
  }
  {
    int i = 0;
    struct M1 v = {&i, 0};
    struct M x = {&v, &M1_methods};
    x.methods->M(x.data); // Go: devirtualizing x.M
  }
  {
    int i = 0;             // ERROR "moved to heap: i$"
    struct M1 v = {&i, 0}; // ERROR "moved to heap: v$"
    struct M x = {&v, &M1_methods};
    mescapes(x);
  }
  {
    int i = 0;
    struct M1 v = {&i, 0};
    struct M x = {&v, &M1_methods};
    mdoesnotescape(x);
  }
}

// Pointer receiver (Go's M2): the data pointer is the object's address.
struct M2 {
  int *p;
};

static void M2_M(void *self) { // ERROR "self does not escape$"
  (void)self;
}

static const struct M_methods M2_methods = {M2_M};

void efaceEscape2(void) {
  {
    int i = 0;
    struct M2 *v = &(struct M2){&i}; // ERROR "&\(struct M2\)\{\.\.\.\} does not escape$"
    struct M x = {v, &M2_methods};
    (void)x;
  }
  {
    int i = 0;                       // ERROR "moved to heap: i$"
    struct M2 *v = &(struct M2){&i}; // ERROR "&\(struct M2\)\{\.\.\.\} escapes to heap$"
    struct M x = {v, &M2_methods};
    sink = x.data;
  }
  {
    int i = 0;                       // ERROR "moved to heap: i$"
    struct M2 *v = &(struct M2){&i}; // ERROR "&\(struct M2\)\{\.\.\.\} does not escape$"
    struct M x = {v, &M2_methods};
    struct M2 *v1 = x.data;
    sink = v1->p;
  }
  {
    int i = 0;
    struct M2 *v = &(struct M2){&i}; // ERROR "&\(struct M2\)\{\.\.\.\} does not escape$"
    struct M x = {v, &M2_methods};
    x.methods->M(x.data); // Go: devirtualizing x.M
  }
  {
    int i = 0;                       // ERROR "moved to heap: i$"
    struct M2 *v = &(struct M2){&i}; // ERROR "&\(struct M2\)\{\.\.\.\} escapes to heap$"
    struct M x = {v, &M2_methods};
    mescapes(x);
  }
  {
    int i = 0;
    struct M2 *v = &(struct M2){&i}; // ERROR "&\(struct M2\)\{\.\.\.\} does not escape$"
    struct M x = {v, &M2_methods};
    mdoesnotescape(x);
  }
}

// escape2.go's foo141 and foo142: a method value t.M is a function and its
// receiver; C writes it as a callback and its data.
struct Tm {
  int x;
};

struct method_value {
  void (*fn)(struct Tm *);
  struct Tm *recv;
};

static void Tm_M(struct Tm *t) { // ERROR "t does not escape$"
  (void)t;
}

struct method_value gf;

void foo141(void) {
  struct Tm t = {0};
  struct method_value f = {Tm_M, &t};
  f.fn(f.recv);
}

void foo142(void) {
  struct Tm t = {0}; // ERROR "moved to heap: t$"
  gf = (struct method_value){Tm_M, &t};
}

// escape_calls.go's bar: a function variable assigned twice calls the
// union of both functions' summaries, not the first one's.
static void prototype(int **xyz) { // ERROR "xyz does not escape$"
  (void)xyz;
}

static void keeps(int **ss) { // ERROR "leaking param content: ss$"
  sink = *ss;
}

void bar(int c) {
  void (*f)(int **) = prototype;
  if (c)
    f = keeps;
  int s = 0; // ERROR "moved to heap: s$"
  int *ps = &s;
  f(&ps);
}

//
// C's own interfaces: ops tables, callbacks, function-pointer parameters.
//

struct file;

struct file_ops {
  int (*read)(struct file *f, char *buf, size_t n);
  void (*close)(struct file *f);
};

struct file {
  const struct file_ops *ops;
  int fd;
};

static int disk_read(struct file *f, char *buf, size_t n) { // ERROR "f does not escape$" "buf does not escape$"
  (void)f;
  memset(buf, 0, n);
  return 0;
}

static int pipe_read(struct file *f, char *buf, size_t n) { // ERROR "f does not escape$" "buf does not escape$"
  return buf[0] + f->fd + (int)n;
}

static void no_close(struct file *f) { // ERROR "f does not escape$"
  (void)f;
}

// Several tables, designated and positional, const and not.
static const struct file_ops disk_ops = {.read = disk_read, .close = no_close};
static struct file_ops pipe_ops = {pipe_read, NULL};

int read_some(struct file *f) { // ERROR "f does not escape$"
  char buf[64];
  return f->ops->read(f, buf, sizeof buf);
}

void close_it(struct file *f) { // ERROR "f does not escape$"
  f->ops->close(f);
}

void open_pipe(struct file *f) { // ERROR "f does not escape$"
  f->ops = &pipe_ops;
}

void open_disk(struct file *f) { // ERROR "f does not escape$"
  f->ops = &disk_ops;
}

// A visitor: the callback field is stored with functions only, through a
// pointer and in a local's initializer.
struct visitor {
  int (*visit)(struct visitor *v, int *node);
  int depth;
};

static int count_visit(struct visitor *v, int *node) { // ERROR "v does not escape$" "node does not escape$"
  return v->depth + *node;
}

static int sum_visit(struct visitor *v, int *node) { // ERROR "v does not escape$" "node does not escape$"
  return *node - v->depth;
}

int walk(struct visitor *v, int *nodes, int n) { // ERROR "v does not escape$" "nodes does not escape$"
  int t = 0;
  for (int i = 0; i < n; i++)
    t += v->visit(v, &nodes[i]);
  return t;
}

int walk_all(int *nodes, int n) { // ERROR "nodes does not escape$"
  struct visitor v = {.visit = count_visit};
  int t = walk(&v, nodes, n);
  v.visit = sum_visit;
  return t + walk(&v, nodes, n);
}

// An array of function pointers in a field, and a nested table.
struct handlers {
  int (*on[2])(int *p);
};

struct server {
  struct handlers h;
  int port;
};

static int on_open(int *p) { // ERROR "p does not escape$"
  return *p;
}

static int on_close(int *p) { // ERROR "p does not escape$"
  return -*p;
}

static const struct server default_server = {{{on_open, on_close}}, 80};

int dispatch(const struct server *s, int which) { // ERROR "s does not escape$"
  int x = which;
  return s->h.on[which](&x) + default_server.port;
}

// Function pointers passed to static functions: every caller passes a
// known function, or NULL, or its own parameter, passed on.
static int apply(int (*fn)(int *), int *p) { // ERROR "fn does not escape$" "p does not escape$"
  return fn ? fn(p) : 0;
}

static int apply_twice(int (*fn)(int *), int *p) { // ERROR "fn does not escape$" "p does not escape$"
  return apply(fn, p) + apply(fn, p);
}

int use_apply(void) {
  int x = 1;
  return apply(on_open, &x) + apply_twice(on_close, &x) + apply(NULL, &x);
}

// ESC_ARG_OF: run_with calls fn(arg), and keeps arg no longer than fn.
void run_with(void (*fn)(void *), void *arg ESC_ARG_OF(1));

static void quiet(void *arg) { // ERROR "arg does not escape$"
  (void)arg;
}

static void stash(void *arg) { // ERROR "leaking param: arg$"
  sink = arg;
}

void arg_of_known(void) {
  int x = 0;
  run_with(quiet, &x);
}

void arg_of_leaks(void) {
  int y = 0; // ERROR "moved to heap: y$"
  run_with(stash, &y);
}

void arg_of_local(int c) {
  int z = 0; // ERROR "moved to heap: z$"
  void (*fn)(void *) = quiet;
  if (c)
    fn = stash;
  run_with(fn, &z);
}

void arg_of_unknown(void (*fn)(void *)) { // ERROR "fn does not escape$"
  int w = 0; // ERROR "moved to heap: w$"
  run_with(fn, &w);
}

//
// Negatives: the call must stay unknown.
//

// A field also assigned a parameter: any function may be there.
struct hook {
  void (*cb)(int *p);
};

static void hook_quiet(int *p) { // ERROR "p does not escape$"
  (void)p;
}

void set_hook(struct hook *h, void (*cb)(int *)) { // ERROR "h does not escape$" "leaking param: cb to content of h level=0$"
  h->cb = cb;
}

void fire_hook(struct hook *h) { // ERROR "h does not escape$"
  int x = 0; // ERROR "moved to heap: x$"
  h->cb = hook_quiet;
  h->cb(&x);
}

// A callback that escapes to an unknown function: its parameters have
// callers not seen.
void register_cb(int (*cb)(int *, int (*)(int *)));

static int relay(int *p, int (*next)(int *)) { // ERROR "leaking param: p$" "next does not escape$"
  return next(p);
}

void install(void) { register_cb(relay); }

// A struct written by memcpy from bytes: its fields may hold anything.
struct codec {
  int (*decode)(int *p);
};

static int plain_decode(int *p) { // ERROR "p does not escape$"
  return *p;
}

static struct codec the_codec = {plain_decode};

void load_codec(const unsigned char *bytes) { // ERROR "bytes does not escape$"
  memcpy(&the_codec, bytes, sizeof the_codec);
}

int decode(int v) {
  int x = v; // ERROR "moved to heap: x$"
  return the_codec.decode(&x);
}

// A struct cast from a pointer to another type: its fields are that
// type's bytes.
struct filter {
  int (*accept)(int *p);
};

static int accept_all(int *p) { // ERROR "p does not escape$"
  (void)p;
  return 1;
}

static struct filter default_filter = {accept_all};

int filtered(long *raw) { // ERROR "raw does not escape$"
  int x = 0; // ERROR "moved to heap: x$"
  struct filter *f = (struct filter *)raw;
  return f->accept(&x) + default_filter.accept(&x);
}

// The address of a function-pointer field: written where it is not seen.
struct timer {
  void (*fire)(int *p);
};

static void fire_quiet(int *p) { // ERROR "p does not escape$"
  (void)p;
}

void arm(struct timer *t, void (**slot)(int *)) { // ERROR "t does not escape$" "slot does not escape$"
  t->fire = fire_quiet;
  (void)slot;
}

void expose(struct timer *t, void (***out)(int *)) { // ERROR "leaking param: t to content of out level=0$" "out does not escape$"
  *out = &t->fire;
}

void tick(struct timer *t) { // ERROR "t does not escape$"
  int x = 0; // ERROR "moved to heap: x$"
  t->fire(&x);
}

// A struct declared in a system header: code that is not analyzed may fill
// its fields.
static ssize_t cookie_read(void *cookie, char *buf, size_t n) { // ERROR "cookie does not escape$" "buf does not escape$"
  (void)cookie;
  (void)buf;
  return (ssize_t)n;
}

ssize_t read_cookie(void) {
  cookie_io_functions_t io = {.read = cookie_read};
  char buf[8]; // ERROR "moved to heap: buf$"
  return io.read(NULL, buf, sizeof buf);
}

// Negative: a struct handed as void * to a function pointer, which may be a
// function without a body that writes its bytes, makes its fields unknown.
struct rawops {
  void (*f)(int *);
};
static void raw_good(int *p) { (void)p; } // ERROR "p does not escape$"
void raw_use(struct rawops *o) {          // ERROR "o does not escape$"
  int x;                                  // ERROR "moved to heap: x$"
  o->f(&x);
}
void raw_fill(void (*cb)(void *), struct rawops *o) { // ERROR "cb does not escape$" "leaking param: o$"
  cb(o);
}
void raw_init(struct rawops *o) { // ERROR "o does not escape$"
  o->f = raw_good;
}

// An element of a function-pointer array field, designated: .fns[1] = f.
struct arrops {
  void (*fns[2])(int *);
};
int *arr_kept;
static void arr_good(int *p) { (void)p; } // ERROR "p does not escape$"
static void arr_keep(int *p) {            // ERROR "leaking param: p$"
  arr_kept = p;
}
void arr_use(struct arrops *o) { // ERROR "o does not escape$"
  int x;                         // ERROR "moved to heap: x$"
  o->fns[1](&x);
}
void arr_set(struct arrops *o) { // ERROR "o does not escape$"
  o->fns[0] = arr_good;
}
struct arrops arr_table = {.fns[1] = arr_keep};

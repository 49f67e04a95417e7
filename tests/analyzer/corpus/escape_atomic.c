// escape-check -m
// Atomics are the loads and stores they name (analyzer/atomic.c):
// atomic_store(&g, &x) is g = &x, p = atomic_load(&q) is p = q, exchange is
// both, compare-exchange stores desired into *obj and *obj into *expected.
// C11's <stdatomic.h> and clang's __c11_atomic_*, GCC's __atomic_* (the _n
// forms and the generic ones, which take pointers to the values) and
// __sync_* builtins. Atomics of pointer-free objects carry nothing.
#include <stdatomic.h>
#include <stdbool.h>

int *gp;
_Atomic(int *) agp;
int gi;

// Stores: x escapes exactly as it would by gp = &x.
void c11_store(void) {
  int x; // ERROR "moved to heap: x$"
  atomic_store(&agp, &x);
}

void c11_store_explicit(void) {
  int x; // ERROR "moved to heap: x$"
  atomic_store_explicit(&agp, &x, memory_order_release);
}

void c11_init(void) {
  int x; // ERROR "moved to heap: x$"
  atomic_init(&agp, &x);
}

void gnu_store_n(void) {
  int x; // ERROR "moved to heap: x$"
  __atomic_store_n(&gp, &x, __ATOMIC_SEQ_CST);
}

void gnu_store_generic(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  __atomic_store(&gp, &p, __ATOMIC_SEQ_CST);
}

void store_param(int *p) { // ERROR "leaking param: p$"
  __atomic_store_n(&gp, p, __ATOMIC_RELAXED);
}

// A store into a local atomic keeps x on the stack, as p = &x does.
int store_local(void) {
  int x = 1;
  _Atomic(int *) p;
  atomic_store(&p, &x);
  return *atomic_load(&p);
}

// Loads: p = atomic_load(&q) is p = q.
int load_local(void) {
  int x = 1;
  int *p = &x;
  int *q = __atomic_load_n(&p, __ATOMIC_ACQUIRE);
  return *q;
}

void load_to_global(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  gp = __atomic_load_n(&p, __ATOMIC_ACQUIRE);
}

int *load_param(int **pp) { // ERROR "leaking param: pp to result ~r0 level=1$"
  return atomic_load((_Atomic(int *) *)pp);
}

void load_generic(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  int *q;
  __atomic_load(&p, &q, __ATOMIC_SEQ_CST);
  gp = q;
}

int load_generic_local(void) {
  int x = 2;
  int *p = &x;
  int *q;
  __atomic_load(&p, &q, __ATOMIC_SEQ_CST);
  return *q;
}

// Exchange stores the new value and returns the old one.
void exchange_stores(void) {
  int x; // ERROR "moved to heap: x$"
  atomic_exchange(&agp, &x);
}

// The old value is returned; the analysis does not know which of the values
// p held, as for old = p; p = &x; return old.
int *exchange_returns_old(void) {
  int x; // ERROR "moved to heap: x$"
  int y; // ERROR "moved to heap: y$"
  int *p = &y;
  return __atomic_exchange_n(&p, &x, __ATOMIC_SEQ_CST);
}

void exchange_generic(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  int *old;
  __atomic_exchange(&gp, &p, &old, __ATOMIC_SEQ_CST);
}

// Compare-exchange: desired goes into *obj, *obj into *expected.
bool cas_desired(int *e) { // ERROR "e does not escape$"
  int x; // ERROR "moved to heap: x$"
  int *expected = e;
  return __atomic_compare_exchange_n(&gp, &expected, &x, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

bool cas_c11(void) {
  int x; // ERROR "moved to heap: x$"
  int *expected = 0;
  return atomic_compare_exchange_strong(&agp, &expected, &x);
}

int *cas_expected_gets_old(void) {
  int x; // ERROR "moved to heap: x$"
  int *obj = &x;
  int *expected = 0;
  atomic_compare_exchange_weak((_Atomic(int *) *)&obj, &expected, 0);
  return expected;
}

bool cas_generic(void) {
  int x; // ERROR "moved to heap: x$"
  int *desired = &x;
  int *expected = 0;
  return __atomic_compare_exchange(&gp, &expected, &desired, false,
                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

// Arithmetic on an atomic pointer returns where it points.
int *fetch_add_returns(void) {
  int a[4]; // ERROR "moved to heap: a$"
  int *p = a;
  return __atomic_fetch_add(&p, 1, __ATOMIC_SEQ_CST);
}

int fetch_add_local(void) {
  int a[4] = {1, 2, 3, 4};
  _Atomic(int *) p = a;
  int *q = atomic_fetch_add(&p, 1);
  return *q;
}

// __sync builtins.
void sync_lock_test_and_set(void) {
  int x; // ERROR "moved to heap: x$"
  __sync_lock_test_and_set(&gp, &x);
}

void sync_val_cas(void) {
  int x; // ERROR "moved to heap: x$"
  __sync_val_compare_and_swap(&gp, 0, &x);
}

void sync_bool_cas_old_does_not_escape(void) {
  int x;
  int y; // ERROR "moved to heap: y$"
  __sync_bool_compare_and_swap(&gp, &x, &y);
}

int *sync_val_cas_returns_old(void) {
  int a[4]; // ERROR "moved to heap: a$"
  int *p = a;
  return __sync_val_compare_and_swap(&p, 0, 0);
}

int sync_swap_local(void) {
  int a = 1, b = 2;
  int *p = &a;
  int *old = __sync_lock_test_and_set(&p, &b);
  return *old + *p;
}

// Pointer-free atomics carry nothing: neither the counter nor the flag
// escapes.
int counters(void) {
  int n = 0;
  _Atomic int a;
  atomic_init(&a, 0);
  atomic_store(&a, 1);
  atomic_fetch_add(&a, 2);
  __atomic_fetch_add(&n, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&n, 1, __ATOMIC_RELAXED);
  __sync_fetch_and_add(&n, 1);
  __sync_lock_release(&n);
  return atomic_load(&a) + __atomic_load_n(&n, __ATOMIC_RELAXED);
}

bool flags(void) {
  atomic_flag f = ATOMIC_FLAG_INIT;
  bool was = atomic_flag_test_and_set(&f);
  atomic_flag_clear(&f);
  return was;
}

bool lock_free(void) {
  long v = 0;
  return __atomic_is_lock_free(sizeof v, &v) &&
         __atomic_always_lock_free(sizeof v, &v);
}

void fences(void) {
  atomic_thread_fence(memory_order_seq_cst);
  __sync_synchronize();
  gi++;
}

// A builtin named by token pasting: its name cannot be read back, so its
// operands go to the heap.
#define PASTED_ATOMIC(op) __atomic_##op
int *pasted_g;
void pasted_store(void) {
  int x; // ERROR "moved to heap: x$"
  PASTED_ATOMIC(store_n)(&pasted_g, &x, __ATOMIC_SEQ_CST);
}

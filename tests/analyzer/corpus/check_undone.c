// escape-check
// Check mode is flow-sensitive (held.c): an address that the function stores
// and then undoes on every path (restores, overwrites, clears) before the
// local dies is not a warning, nor is a pointer reassigned before it is
// returned. An undo that some path skips still warns. escape_*.c pin -m,
// which stays Go's flow-insensitive verdict for the same code.
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

struct lua_longjmp {
  struct lua_longjmp *previous;
  jmp_buf b;
  volatile int status;
};

struct lua_State {
  struct lua_longjmp *errorJmp;
  int nCcalls;
};

typedef void (*Pfunc)(struct lua_State *L, void *ud);

int *g;
int *h;
void work(void);
static int peek(const int *p) { return *p; }

// Lua's luaD_rawrunprotected: chain a handler, run, restore the old one.
int rawrunprotected(struct lua_State *L, Pfunc f, void *ud) {
  int oldnCcalls = L->nCcalls;
  struct lua_longjmp lj;
  lj.status = 0;
  lj.previous = L->errorJmp;
  L->errorJmp = &lj;
  if (setjmp(lj.b) == 0)
    (*f)(L, ud);
  L->errorJmp = lj.previous;
  L->nCcalls = oldnCcalls;
  return lj.status;
}

// The same with an early return between the store and the restore.
int rawrunprotected_early(struct lua_State *L, Pfunc f, void *ud) {
  struct lua_longjmp lj;
  lj.status = 0;
  lj.previous = L->errorJmp;
  L->errorJmp = &lj; // ERROR "^warning: address of local variable 'lj' escapes: stored through parameter 'L' \[-Wescape-param\]$"
  if (L->nCcalls > 200)
    return -1;
  (*f)(L, ud);
  L->errorJmp = lj.previous;
  return lj.status;
}

// Restored on one branch only.
void restore_one_branch(struct lua_State *L, int c) {
  struct lua_longjmp lj;
  lj.previous = L->errorJmp;
  L->errorJmp = &lj; // ERROR "^warning: address of local variable 'lj' escapes: stored through parameter 'L' \[-Wescape-param\]$"
  work();
  if (c)
    L->errorJmp = lj.previous;
}

// Restored on both branches, and at a cleanup label reached by goto.
void restore_both_branches(struct lua_State *L, int c) {
  struct lua_longjmp lj;
  lj.previous = L->errorJmp;
  L->errorJmp = &lj;
  if (c) {
    work();
    L->errorJmp = lj.previous;
  } else {
    L->errorJmp = NULL;
  }
}

int restore_at_label(struct lua_State *L, int c) {
  struct lua_longjmp lj;
  int rc = 0;
  lj.previous = L->errorJmp;
  L->errorJmp = &lj;
  if (c) {
    rc = -1;
    goto out;
  }
  work();
out:
  L->errorJmp = lj.previous;
  return rc;
}

int goto_past_restore(struct lua_State *L, int c) {
  struct lua_longjmp lj;
  lj.previous = L->errorJmp;
  L->errorJmp = &lj; // ERROR "^warning: address of local variable 'lj' escapes: stored through parameter 'L' \[-Wescape-param\]$"
  if (c)
    goto out;
  L->errorJmp = lj.previous;
out:
  return c;
}

// The pointer the place is reached through changes: the undo writes
// another object's field.
void restore_elsewhere(struct lua_State *L, struct lua_State *M) {
  struct lua_longjmp lj;
  lj.previous = L->errorJmp;
  L->errorJmp = &lj; // ERROR "^warning: address of local variable 'lj' escapes: stored through parameter 'L' \[-Wescape-param\]$"
  L = M;
  L->errorJmp = lj.previous;
}

// A global set, used, then cleared or overwritten before returning.
void global_cleared(void) {
  int x = 0;
  g = &x;
  work();
  g = 0;
}

void global_overwritten(int *other) {
  int x = 0;
  g = &x;
  work();
  g = other;
}

void global_cleared_in_loop(int n) {
  int x = 0;
  for (int i = 0; i < n; i++) {
    g = &x;
    work();
    g = NULL;
  }
}

void global_cleared_on_all_cases(int c) {
  int x = 0;
  g = &x;
  switch (c) {
  case 1:
    g = 0;
    break;
  default:
    g = &c;
    g = 0;
  }
}

// Cleared on some paths only.
void global_cleared_sometimes(int c) {
  int x = 0;
  g = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'g' \[-Wescape-global\]$"
  if (c)
    g = 0;
}

void global_cleared_in_some_cases(int c) {
  int x = 0;
  g = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'g' \[-Wescape-global\]$"
  switch (c) {
  case 1:
    g = 0;
    break;
  case 2:
    break;
  }
}

void global_cleared_conditionally(int c) {
  int x = 0;
  g = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'g' \[-Wescape-global\]$"
  c ? (g = 0) : 0;
}

void global_cleared_if_the_loop_runs(int n) {
  int x = 0;
  g = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'g' \[-Wescape-global\]$"
  while (n-- > 0)
    g = 0;
}

void global_early_return(int c) {
  int x = 0;
  g = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'g' \[-Wescape-global\]$"
  if (c)
    return;
  g = 0;
}

// Copied out before it is cleared: h keeps the address.
void global_copied_first(void) {
  int x = 0;
  g = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'g' \[-Wescape-global\]$"
  h = g;
  g = 0;
}

// Its address is taken: what it holds may be read through the alias.
int *global_aliased(int **alias) {
  int x = 0;
  int **a = &g;
  g = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'g' \[-Wescape-global\]$"
  *alias = *a;
  g = 0;
  return NULL;
}

// Set in a loop body whose local dies at each iteration's end.
void global_per_iteration(int n) {
  for (int i = 0; i < n; i++) {
    int x = i;
    g = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in global 'g' \[-Wescape-global\]$"
    work();
  }
  g = 0;
}

// An out-parameter set for the duration of a call, then cleared.
void out_cleared(int **out) {
  int x = 0;
  *out = &x;
  work();
  *out = NULL;
}

int out_not_cleared_on_error(int **out, int err) {
  int x = 0;
  *out = &x; // ERROR "^warning: address of local variable 'x' escapes: stored through parameter 'out' \[-Wescape-param\]$"
  if (err)
    return -1;
  *out = NULL;
  return 0;
}

// A pointer reassigned before it is returned is not a returned address.
int *reassigned(int *other) {
  int x = 0;
  int *p = &x;
  *p = peek(p);
  p = other;
  return p;
}

// Passed to a callee, then reassigned: the callee saw &x, the caller does
// not return it.
char *reassigned_after_call(void) {
  char buf[16] = "x";
  char *p = buf;
  p[0] = (char)peek((const int *)p);
  p = strdup(buf);
  return p;
}

int *reassigned_in_both_branches(int c, int *a, int *b) {
  int x = 0;
  int *p = &x;
  work();
  if (c)
    p = a;
  else
    p = b;
  return p;
}

int *reassigned_on_one_branch(int c, int *other) {
  int x = 0;
  int *p = &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
  if (c)
    p = other;
  return p;
}

int *returned_before_reassigned(int c, int *other) {
  int x = 0;
  int *p = &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
  if (c)
    return p;
  p = other;
  return p;
}

// setjmp returns a second time when work() longjmps: p then holds &x.
int *reassigned_after_setjmp(jmp_buf jb, int *other) {
  int x = 0;
  int *p = other;
  if (setjmp(jb))
    return p;
  p = &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
  work();
  p = other;
  return p;
}

int *reassigned_in_loop(int n, int *other) {
  int x = 0;
  int *p = other;
  for (int i = 0; i < n; i++) {
    p = &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
    work();
  }
  return p;
}

// A jump in an operand evaluated only sometimes may not happen.
int *past_a_conditional_return(int c) {
  int x = 0;
  int *p = &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
  int v = c ? ({ return NULL; 1; }) : 2;
  return v ? p : NULL;
}

// A computed goto jumps where the graph has no edge: the function is left
// to Go's flow-insensitive view.
int *computed_goto(int i, int *other) {
  static void *const targets[] = {&&keep, &&drop};
  int x = 0;
  int *p = &x; // ERROR "^warning: address of local variable 'x' escapes: returned to caller \[-Wescape-return\]$"
  goto *targets[i & 1];
keep:
  return p;
drop:
  p = other;
  return p;
}

// A parameter pointed at a fallback local, and cleared when it still is.
int *fallback_cleared(int *p) {
  int q = 0;
  if (!p)
    p = &q;
  peek(p);
  if (p == &q)
    p = 0;
  return p;
}

int *fallback_kept(int *p) {
  int q = 0;
  if (!p)
    p = &q;
  if (p != &q)
    return p;
  return NULL;
}

int *fallback_compared_with_another(int *p) {
  int q = 0;
  int r = 0;
  if (!p)
    p = &q; // ERROR "^warning: address of local variable 'q' escapes: returned to caller \[-Wescape-return\]$"
  if (p == &r)
    p = 0;
  return p;
}

// Moved past the local's start: p == q no longer says where p points.
int *fallback_moved(int *p) {
  int q[2] = {0, 0};
  if (!p) {
    p = q; // ERROR "^warning: address of local variable 'q' escapes: returned to caller \[-Wescape-return\]$"
    p++;
  }
  if (p == q)
    p = 0;
  return p;
}

// A pointer outliving a block, reset before the block ends.
int scope_reset(void) {
  int *p = NULL;
  {
    int x = 1;
    p = &x;
    *p = 2;
    p = NULL;
  }
  return p != NULL;
}

int scope_reset_too_late(void) {
  int *p = NULL;
  {
    int x = 1;
    p = &x; // ERROR "^warning: address of local variable 'x' escapes: stored in 'p', which outlives it \[-Wescape-scope\]$"
  }
  int v = *p;
  p = NULL;
  return v;
}

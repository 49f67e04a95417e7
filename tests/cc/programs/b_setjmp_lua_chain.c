// asan: stack-use-after-return
#include <setjmp.h>
#include <stdio.h>

/* Lua's error chain: each protected call links a lua_longjmp in its frame. */
struct lua_longjmp {
  struct lua_longjmp *previous;
  jmp_buf b;
  volatile int status;
};
typedef struct State {
  struct lua_longjmp *errorJmp;    /* current error recover point */
  struct lua_longjmp *lastCatcher; /* kept for the error report */
  const char *errmsg;
} State;
typedef void (*Pfunc)(State *L, void *ud);

static void throw_(State *L, int status, const char *msg) {
  L->errmsg = msg;
  L->errorJmp->status = status;
  L->lastCatcher = L->errorJmp;
  longjmp(L->errorJmp->b, 1);
}

static void try_(State *L, Pfunc f, void *ud) {
  if (setjmp(L->errorJmp->b) == 0) f(L, ud);
}

static int rawrunprotected(State *L, Pfunc f, void *ud) {
  struct lua_longjmp lj;
  lj.status = 0;
  lj.previous = L->errorJmp;
  L->errorJmp = &lj;
  try_(L, f, ud);
  L->errorJmp = lj.previous;
  return lj.status;
}

static void scrub(void) {
  volatile char junk[1024];
  for (int i = 0; i < 1024; i++) junk[i] = '#';
}

static void divide(State *L, void *ud) {
  int *args = ud;
  char msg[40];
  if (args[1] == 0) {
    snprintf(msg, sizeof msg, "attempt to divide %d by zero", args[0]);
    throw_(L, 2, msg);
  }
  args[2] = args[0] / args[1];
}

static void call_divide(State *L, void *ud) {
  int status = rawrunprotected(L, divide, ud);
  if (status != 0) throw_(L, status + 10, L->errmsg); /* rethrow outwards */
}

int main(void) {
  State L = {0};
  int ok[3] = {84, 2, 0}, bad[3] = {7, 0, 0};
  int s1 = rawrunprotected(&L, call_divide, ok);
  printf("ok: status %d result %d\n", s1, ok[2]);
  int s2 = rawrunprotected(&L, call_divide, bad);
  scrub();
  printf("bad: status %d\n", s2);
  printf("caught at %s level, status %d\n", L.lastCatcher->previous ? "inner" : "top",
         L.lastCatcher->status);
  printf("message: %s\n", L.errmsg);
  return 0;
}

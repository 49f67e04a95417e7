// asan: stack-use-after-scope
#include <setjmp.h>
#include <stdio.h>

struct error { int code; char where[24]; };
struct try_frame {
  jmp_buf env;
  struct try_frame *prev;
  struct error *volatile err;
  int level;
};
static struct try_frame *try_top;

#define TRY                                                   \
  {                                                           \
    struct try_frame tf_;                                     \
    tf_.prev = try_top;                                       \
    tf_.err = NULL;                                           \
    tf_.level = try_top ? try_top->level + 1 : 1;             \
    try_top = &tf_;                                           \
    if (setjmp(tf_.env) == 0) {
#define CATCH(e) try_top = tf_.prev; } else { struct error *e = tf_.err; try_top = tf_.prev;
#define END_TRY } }
#define HANDLER (&tf_)

static void throw_error(struct error *e) {
  try_top->err = e;
  longjmp(try_top->env, 1);
}

static int checked_root(int v) {
  struct error e;
  if (v < 0) {
    e.code = v;
    snprintf(e.where, sizeof e.where, "root(%d)", v);
    throw_error(&e);
  }
  int r = 0;
  while (r * r < v) r++;
  return r;
}

struct failure { const struct error *err; const struct try_frame *handler; };

int main(void) {
  int in[] = {16, -4, 9, -1, 25};
  struct failure failures[4];
  int nfail = 0;
  volatile int total = 0;
  TRY
    for (int i = 0; i < 5; i++) {
      TRY
        total += checked_root(in[i]);
      CATCH(err)
        failures[nfail++] = (struct failure){err, HANDLER};
      END_TRY
    }
  CATCH(err)
    printf("unexpected %d\n", err->code);
  END_TRY
  printf("sum of roots %d, %d failures\n", total, nfail);
  for (int i = 0; i < nfail; i++)
    printf("%s failed with %d (handler level %d)\n", failures[i].err->where,
           failures[i].err->code, failures[i].handler->level);
  return 0;
}

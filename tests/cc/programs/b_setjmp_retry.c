// asan: stack-use-after-return
#include <setjmp.h>
#include <stdio.h>

/* Retry loop: every failed attempt longjmps out of the operation. */
struct attempt_log {
  int failures;
  int last_code;
  const char *last_detail;
};
static struct attempt_log *current_log;
static jmp_buf *handler;

static _Noreturn void raise_error(int code, const char *detail) {
  current_log->failures++;
  current_log->last_code = code;
  current_log->last_detail = detail;
  longjmp(*handler, code);
}

static int guarded(int (*op)(int), int arg) {
  jmp_buf here;
  jmp_buf *const saved = handler;
  handler = &here;
  if (setjmp(here) != 0) {
    handler = saved;
    return -1;
  }
  int r = op(arg);
  handler = saved;
  return r;
}

static int fetch(int attempt) {
  char detail[32];
  snprintf(detail, sizeof detail, "timeout on attempt %d", attempt);
  if (attempt < 2)
    raise_error(110, detail);
  return 200 + attempt;
}

static int with_retry(int (*op)(int), int max) {
  struct attempt_log log = {0, 0, "none"};
  current_log = &log;
  for (int i = 0; i < max; i++) {
    int r = guarded(op, i);
    if (r >= 0)
      return r;
  }
  return -1;
}

static void scrub(void) {
  volatile char junk[700];
  for (int i = 0; i < 700; i++) junk[i] = '~';
}

int main(void) {
  int r = with_retry(fetch, 5);
  scrub();
  printf("result %d\n", r);
  printf("%d failures, last code %d: %s\n", current_log->failures,
         current_log->last_code, current_log->last_detail);
  return 0;
}

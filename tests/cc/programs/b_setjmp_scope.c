// asan: stack-use-after-scope
#include <setjmp.h>
#include <stdio.h>

/* A batch runner: each job's record lives in the loop body; a failing
   step longjmps back to run_job with a detail string from its frame. */
struct job {
  int id;
  int status;
  const char *detail;
  jmp_buf env;
};

static _Noreturn void fail(struct job *j, int status, const char *detail) {
  j->status = status;
  j->detail = detail;
  longjmp(j->env, 1);
}

static void step_two(struct job *j) {
  char note[32];
  snprintf(note, sizeof note, "job %d gave up in step two", j->id);
  if (j->id == 1)
    fail(j, 2, note);
}

static void run(struct job *j) {
  if (j->id == 2)
    fail(j, 1, "rejected in step one");
  step_two(j);
  j->status = 0;
  j->detail = "done";
}

static void run_job(struct job *j) {
  if (setjmp(j->env) == 0)
    run(j);
}

int main(void) {
  const struct job *saved[3];
  for (int k = 0; k < 3; k++) {
    struct job j = {k, -1, "not run"};
    run_job(&j);
    saved[k] = &j;
  }
  for (int k = 0; k < 3; k++) {
    char line[64];
    snprintf(line, sizeof line, "job %d: status %d (%s)", saved[k]->id,
             saved[k]->status, saved[k]->detail);
    puts(line);
  }
  return 0;
}

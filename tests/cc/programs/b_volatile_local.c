// asan: stack-use-after-return
#include <signal.h>
#include <stdio.h>

/* Each job installs its own volatile flag for the signal handler and
   never uninstalls it: a late signal writes into the last job's flag. */
static volatile sig_atomic_t *pending;

static void on_signal(int sig) { *pending = sig; }

static int run_job(int id) {
  volatile sig_atomic_t got = 0;
  pending = &got;
  if (id == 2)
    raise(SIGUSR1);
  return got ? -1 : id * 10;
}

static void scrub(void) {
  volatile int junk[100];
  for (int i = 0; i < 100; i++) junk[i] = 0x55;
}

int main(void) {
  signal(SIGUSR1, on_signal);
  int r1 = run_job(1);
  const volatile sig_atomic_t *f1 = pending;
  int r2 = run_job(2);
  const volatile sig_atomic_t *f2 = pending;
  printf("jobs: %d %d\n", r1, r2);
  scrub();
  raise(SIGUSR1);
  printf("job 1 flag %d, job 2 flag %s\n", (int)*f1, *f2 == SIGUSR1 ? "SIGUSR1" : "clear");
  return 0;
}

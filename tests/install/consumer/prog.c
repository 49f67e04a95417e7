// prog.c: a program built against an installed libescrt (tests/install):
// it allocates on the runtime's heap, collected and not, and runs ten
// goroutines that send their results on a channel to the main goroutine.
// It prints what it computed, and exits 1 if anything is off.
#include <escape/gc.h>
#include <escape/go.h>
#include <escape/malloc.h>

#include <stdio.h>
#include <string.h>

struct job {
  long n;
  long *result; // a collected object, filled by the goroutine
};

static escrt_chan *done;

// square runs on a goroutine: it computes n*n into its job's result, then
// sends the job's index.
static void square(void *arg) {
  struct job *j = arg;
  *j->result = j->n * j->n;
  escrt_chan_send(done, &j->n);
}

// gomain starts one goroutine per job and waits for each to report.
static void gomain(void *arg) {
  struct job *jobs = arg;
  done = escrt_chan_make(sizeof(long), 0);
  for (int i = 0; i < 10; i++)
    escrt_go(square, &jobs[i]);
  long n;
  for (int i = 0; i < 10; i++)
    escrt_chan_recv(done, &n);
}

int main(void) {
  char *s = escrt_malloc(64);
  if (s == NULL || escrt_usable_size(s) < 64)
    return 1;
  strcpy(s, "escrt");

  struct job *jobs = escrt_new(10 * sizeof *jobs); // zeroed, collected
  for (int i = 0; i < 10; i++) {
    jobs[i].n = i + 1;
    jobs[i].result = escrt_new(sizeof(long));
  }
  escrt_run(gomain, jobs);
  escrt_gc(); // jobs is still referenced from this frame: nothing is lost

  long sum = 0;
  for (int i = 0; i < 10; i++)
    sum += *jobs[i].result;
  escrt_gcstats gs;
  escrt_read_gcstats(&gs);
  printf("%s: 10 goroutines, sum of squares %ld, %s\n", s, sum,
         gs.cycles >= 1 ? "collected" : "no collection");
  escrt_free(s);
  return sum == 385 && gs.cycles >= 1 ? 0 : 1;
}

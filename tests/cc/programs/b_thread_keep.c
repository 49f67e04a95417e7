// asan: stack-use-after-return
// cflags: -pthread
#include <pthread.h>
#include <stdio.h>

/* Each worker keeps pointers to the samples measure() made on its own
   stack; the worker totals them, and main prints them after join. */
struct sample {
  int thread, seq;
  double value;
};
struct worker {
  int id;
  double sum;
  const struct sample *kept[3];
};

static void measure(struct worker *w, int seq) {
  struct sample s = {w->id, seq, w->id * 1.5 + seq};
  w->kept[seq] = &s;
}

static void scrub(void) {
  volatile double junk[64];
  for (int i = 0; i < 64; i++) junk[i] = -1e9;
}

static void *run(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < 3; i++)
    measure(w, i);
  scrub();
  for (int i = 0; i < 3; i++)
    w->sum += w->kept[i]->value;
  return NULL;
}

int main(void) {
  pthread_t th[2];
  struct worker w[2] = {{.id = 1}, {.id = 2}};
  for (int i = 0; i < 2; i++)
    pthread_create(&th[i], NULL, run, &w[i]);
  for (int i = 0; i < 2; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < 2; i++) {
    printf("worker %d: sum %.1f\n", w[i].id, w[i].sum);
    for (int k = 0; k < 3; k++)
      printf("  sample %d/%d = %.1f\n", w[i].kept[k]->thread, w[i].kept[k]->seq,
             w[i].kept[k]->value);
  }
  return 0;
}

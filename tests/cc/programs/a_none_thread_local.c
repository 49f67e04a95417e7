// asan: none
// cflags: -pthread
// A _Thread_local block-scope variable: each thread's copy lives as long as
// its thread, so handing out its address on that thread is fine.
#include <pthread.h>
#include <stdio.h>

static int *tls_counter(void) {
  static _Thread_local int count;
  return &count;
}

struct job {
  int id, steps, result;
};

static void *worker(void *arg) {
  struct job *j = arg;
  for (int i = 0; i < j->steps; i++)
    ++*tls_counter();
  j->result = *tls_counter();
  return NULL;
}

int main(void) {
  struct job jobs[3] = { { 0, 5, 0 }, { 1, 10, 0 }, { 2, 1, 0 } };
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&t[i], NULL, worker, &jobs[i]);
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
  ++*tls_counter();
  for (int i = 0; i < 3; i++)
    printf("job %d: %d\n", jobs[i].id, jobs[i].result);
  printf("main: %d\n", *tls_counter());
  return 0;
}

// asan: none
// cflags: -pthread
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* label() returns a per-thread static buffer: the pointer stays valid for
   the thread's life, each thread has its own copy and counter. */
static const char *label(int id) {
  static __thread char buf[32];
  static _Thread_local int calls;
  calls++;
  snprintf(buf, sizeof buf, "id%d/call%d", id, calls);
  return buf;
}

struct job {
  int id;
  char first[32];
  char out[3][32];
};

static void *worker(void *arg) {
  struct job *j = arg;
  const char *first = label(j->id); /* same buffer as every later call */
  for (int k = 0; k < 3; k++)
    strcpy(j->out[k], label(j->id));
  strcpy(j->first, first);
  return NULL;
}

int main(void) {
  struct job jobs[2] = {{.id = 1}, {.id = 2}};
  pthread_t th[2];
  const char *mine = label(0);
  for (int i = 0; i < 2; i++)
    pthread_create(&th[i], NULL, worker, &jobs[i]);
  for (int i = 0; i < 2; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < 2; i++)
    printf("job %d: %s %s %s, first now %s\n", jobs[i].id, jobs[i].out[0],
           jobs[i].out[1], jobs[i].out[2], jobs[i].first);
  printf("main: %s", mine);
  printf(" then %s\n", label(0));
  return 0;
}

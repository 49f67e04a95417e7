// asan: none
// cflags: -pthread
// Worker threads get pointers to the starting function's local array and
// are joined before that function returns.
#include <pthread.h>
#include <stdio.h>

struct range {
  long from, to;
  long sum;
};

static void *sum_range(void *arg) {
  struct range *r = arg;
  for (long i = r->from; i <= r->to; i++)
    r->sum += i;
  return NULL;
}

static long parallel_sum(long n) {
  struct range parts[2] = { { 1, n / 2, 0 }, { n / 2 + 1, n, 0 } };
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, sum_range, &parts[i]);
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  return parts[0].sum + parts[1].sum;
}

int main(void) {
  long a = parallel_sum(100);
  long b = parallel_sum(1001);
  printf("%ld %ld\n", a, b);
  return 0;
}

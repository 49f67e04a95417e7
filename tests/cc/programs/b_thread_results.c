// asan: stack-use-after-scope
// cflags: -pthread
#include <pthread.h>
#include <stdio.h>

/* Word scanner run on several threads: the longest word is remembered
   by pointer into the loop body's buffer, then upper-cased at the end. */
struct task {
  const char *text;
  char *longest;
  size_t len;
  int words;
};

static void *scan(void *arg) {
  struct task *t = arg;
  const char *p = t->text;
  while (*p) {
    while (*p == ' ') p++;
    if (!*p) break;
    char word[16];
    size_t n = 0;
    for (; *p && *p != ' '; p++)
      if (n < sizeof word - 1) word[n++] = *p;
    word[n] = 0;
    t->words++;
    if (n > t->len) {
      t->len = n;
      t->longest = word;
    }
  }
  for (char *c = t->longest; *c; c++)
    *c = (char)(*c - 'a' + 'A');
  return NULL;
}

int main(void) {
  struct task tasks[3] = {
      {"the quick brown fox"}, {"a bb ccc dd"}, {"  lorem ipsum dolor sit amet"}};
  pthread_t th[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&th[i], NULL, scan, &tasks[i]);
  for (int i = 0; i < 3; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < 3; i++)
    printf("thread %d: %d words, longest %s (%zu)\n", i, tasks[i].words,
           tasks[i].longest, tasks[i].len);
  return 0;
}

// escape-check -m
// Negatives: each function takes the address of a local (with &, by array
// decay, or through a compound literal) and nothing escapes. C code does
// this all the time; a false "moved to heap" here is a false alarm in
// check mode. One construct per function, as Go's corpus does.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

struct pair {
  int *a;
  int *b;
};

struct node {
  struct node *next;
  int v;
};

struct buf {
  char *p;
  size_t len;
};

static int read_int(const int *p) { return *p; } // ERROR "p does not escape$"

static void write_int(int *p, int v) { *p = v; } // ERROR "p does not escape$"

static void swap(int *a, int *b) { // ERROR "a does not escape$" "b does not escape$"
  int t = *a;
  *a = *b;
  *b = t;
}

static int sum(const int *xs, int n) { // ERROR "xs does not escape$"
  int s = 0;
  for (int i = 0; i < n; i++)
    s += xs[i];
  return s;
}

static void pair_init(struct pair *p, int *a, int *b) { // ERROR "p does not escape$" "leaking param: a to content of p level=0$" "leaking param: b to content of p level=0$"
  p->a = a;
  p->b = b;
}

static int pair_sum(const struct pair *p) { // ERROR "p does not escape$"
  return *p->a + *p->b;
}

static void buf_init(struct buf *b, char *storage, size_t n) { // ERROR "b does not escape$" "leaking param: storage to content of b level=0$"
  b->p = storage;
  b->len = n;
}

static int list_len(const struct node *n) { // ERROR "n does not escape$"
  int k = 0;
  for (; n; n = n->next)
    k++;
  return k;
}

static int cmp_int(const void *a, const void *b) { // ERROR "a does not escape$" "b does not escape$"
  return *(const int *)a - *(const int *)b;
}

static int *first(int *p) { return p; } // ERROR "leaking param: p to result ~r0 level=0$"

int g;

void neg_read(void) {
  int x = 1;
  g = read_int(&x);
}

void neg_write(void) {
  int x;
  write_int(&x, 2);
  g = x;
}

void neg_swap(void) {
  int a = 1, b = 2;
  swap(&a, &b);
  g = a - b;
}

void neg_array_decay(void) {
  int xs[4] = {1, 2, 3, 4};
  g = sum(xs, 4);
}

void neg_array_element(void) {
  int xs[4] = {1, 2, 3, 4};
  g = read_int(&xs[2]);
}

void neg_pair_init(void) {
  int a = 1, b = 2;
  struct pair p;
  pair_init(&p, &a, &b);
  g = pair_sum(&p);
}

void neg_buf_init(void) {
  char storage[32];
  struct buf b;
  buf_init(&b, storage, sizeof storage);
  g = (int)b.len;
}

void neg_stack_list(void) {
  struct node c = {NULL, 3};
  struct node b = {&c, 2};
  struct node a = {&b, 1};
  g = list_len(&a);
}

void neg_result_local(void) {
  int x = 5;
  int *p = first(&x);
  g = *p;
}

void neg_pointer_to_pointer(void) {
  int x = 1;
  int *p = &x;
  int **pp = &p;
  g = **pp;
}

void neg_struct_field(void) {
  int x = 1;
  struct pair p;
  p.a = &x;
  p.b = &x;
  g = *p.a + *p.b;
}

void neg_struct_copy(void) {
  int x = 1;
  struct pair p = {&x, &x};
  struct pair q = p;
  g = *q.a;
}

void neg_compound_literal(void) {
  struct pair *p = &(struct pair){NULL, NULL}; // ERROR "&\(struct pair\)\{\.\.\.\} does not escape$"
  g = p->a == NULL;
}

void neg_array_literal(void) {
  g = sum((int[]){1, 2, 3}, 3); // ERROR "\(int\[\]\)\{\.\.\.\} does not escape$"
}

void neg_conditional(int c) {
  int a = 1, b = 2;
  int *p = c ? &a : &b;
  g = *p;
}

void neg_pointer_arith(void) {
  int xs[8] = {0};
  int *p = xs + 3;
  *p = 1;
  g = xs[3];
}

void neg_cast(void) {
  long x = 7;
  char *p = (char *)&x;
  g = p[0];
}

void neg_same_block_loop(void) {
  for (int i = 0; i < 3; i++) {
    int x = i;
    int *p = &x;
    g += *p;
  }
}

void neg_outer_var_in_loop(void) {
  int x = 0;
  for (int i = 0; i < 3; i++) {
    int *p = &x;
    *p += i;
  }
  g = x;
}

void neg_while_same_scope(void) {
  int n = 3;
  int *p = &n;
  while (*p > 0)
    (*p)--;
  g = n;
}

void neg_goto_same_scope(void) {
  int x = 0;
  int *p = &x;
again:
  if (*p < 3) {
    (*p)++;
    goto again;
  }
  g = x;
}

void neg_switch_case(int k) {
  int x = k;
  switch (k) {
  case 0: {
    int *p = &x;
    g = *p;
    break;
  }
  default:
    g = 0;
  }
}

void neg_memset(void) {
  struct pair p;
  memset(&p, 0, sizeof p);
  g = p.a == NULL;
}

void neg_memcpy_values(void) {
  int a[4] = {1, 2, 3, 4};
  int b[4];
  memcpy(b, a, sizeof a);
  g = b[3];
}

void neg_memcpy_local_pointers(void) {
  int x = 1;
  int *src[1] = {&x};
  int *dst[1];
  memcpy(dst, src, sizeof src);
  g = *dst[0];
}

void neg_memmove(void) {
  char s[8] = "abcdef";
  memmove(s + 1, s, 4);
  g = s[1];
}

void neg_strlen(void) {
  char s[8] = "abc";
  g = (int)strlen(s);
}

void neg_strcpy(void) {
  char d[8];
  strcpy(d, "abc");
  g = d[0];
}

void neg_strncpy_strcmp(void) {
  char a[8], b[8];
  strncpy(a, "x", sizeof a);
  strncpy(b, "y", sizeof b);
  g = strcmp(a, b);
}

void neg_strchr(void) {
  char s[8] = "a=b";
  char *eq = strchr(s, '=');
  g = eq ? eq - s : -1;
}

void neg_strtol(void) {
  char s[8] = "42x";
  char *end;
  g = (int)strtol(s, &end, 10) + (*end == 'x');
}

void neg_snprintf(void) {
  char out[16];
  snprintf(out, sizeof out, "%d", g);
  g = out[0];
}

void neg_sprintf_pointer_arg(void) {
  int x = 1;
  char out[32];
  sprintf(out, "%p", (void *)&x);
  g = out[0];
}

void neg_printf(void) {
  int x = 1;
  printf("%d %p\n", x, (void *)&x);
}

void neg_fprintf(void) {
  char name[8] = "n";
  fprintf(stderr, "%s\n", name);
}

void neg_sscanf(void) {
  int a, b;
  if (sscanf("1 2", "%d %d", &a, &b) == 2)
    g = a + b;
}

void neg_puts(void) {
  char s[4] = "hi";
  puts(s);
}

void neg_fgets(FILE *f) { // ERROR "f does not escape$"
  char line[64];
  char *r = fgets(line, sizeof line, f);
  g = r != NULL;
}

void neg_fread_fwrite(FILE *f) { // ERROR "f does not escape$"
  char b[16];
  size_t n = fread(b, 1, sizeof b, f);
  fwrite(b, 1, n, stdout);
}

void neg_qsort(void) {
  int xs[4] = {3, 1, 2, 0};
  qsort(xs, 4, sizeof xs[0], cmp_int);
  g = xs[0];
}

void neg_bsearch(void) {
  int xs[4] = {0, 1, 2, 3};
  int key = 2;
  int *hit = bsearch(&key, xs, 4, sizeof xs[0], cmp_int);
  g = hit ? *hit : -1;
}

void neg_time(void) {
  time_t t;
  time(&t);
  g = t > 0;
}

void neg_gettimeofday(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  g = tv.tv_sec > 0;
}

void neg_localtime_r(void) {
  time_t t = 0;
  struct tm tm;
  struct tm *r = localtime_r(&t, &tm);
  g = r->tm_year;
}

void neg_clock_gettime(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  g = ts.tv_sec > 0;
}

void neg_mutex(void) {
  pthread_mutex_t m;
  pthread_mutex_init(&m, NULL);
  pthread_mutex_lock(&m);
  pthread_mutex_unlock(&m);
  pthread_mutex_destroy(&m);
}

void neg_pthread_join_result(pthread_t t) {
  void *ret;
  pthread_join(t, &ret);
  g = ret != NULL;
}

void neg_free_malloc(void) {
  int *p = malloc(sizeof *p); // ERROR "malloc\(sizeof \*p\) does not escape$"
  int x = 1;
  *p = x;
  g = *p;
  free(p);
}

void neg_malloc_holds_local_freed(void) {
  int x = 1;
  int **pp = malloc(sizeof *pp); // ERROR "malloc\(sizeof \*pp\) does not escape$"
  *pp = &x;
  g = **pp;
  free(pp);
}

void neg_calloc_array(void) {
  int *xs = calloc(4, sizeof *xs); // ERROR "calloc\(4, sizeof \*xs\) does not escape$"
  xs[0] = 1;
  g = sum(xs, 4);
  free(xs);
}

void neg_function_pointer_known(void) {
  int x = 1;
  int (*f)(const int *) = read_int;
  g = f(&x);
}

static int (*const readers[])(const int *) = {read_int};

void neg_const_table(void) {
  int x = 1;
  g = readers[0](&x);
}

void neg_nested_blocks_same_scope(void) {
  {
    int x = 1;
    int *p = &x;
    {
      g = *p;
    }
  }
}

void neg_dead_after_block(int c) {
  int *p = NULL;
  if (c) {
    int x = 1;
    p = &x;
    g = *p;
  }
}

void neg_self_referencing_struct(void) {
  struct node n;
  n.next = &n;
  n.v = 1;
  g = n.next->v;
}

void neg_union(void) {
  int x = 1;
  union {
    int *p;
    long l;
  } u;
  u.p = &x;
  g = *u.p;
}

void neg_vla(int n) {
  int xs[n > 0 ? n : 1];
  xs[0] = 1;
  g = sum(xs, 1);
}

void neg_string_literal_pointer(void) {
  const char *s = "static storage";
  const char **ps = &s;
  g = (*ps)[0];
}

void neg_array_of_pointers(void) {
  int a = 1, b = 2;
  int *ps[2] = {&a, &b};
  g = *ps[0] + *ps[1];
}

void neg_2d_array(void) {
  int m[2][2] = {{1, 2}, {3, 4}};
  g = sum(m[1], 2);
}

void neg_address_of_param(int v) {
  write_int(&v, 3);
  g = v;
}

void neg_pointer_compare(void) {
  int a, b;
  g = &a < &b;
}

void neg_comma(void) {
  int a = 1, b = 2;
  int *p = (g++, &a);
  int *q = (p, &b);
  g = *p + *q;
}

void neg_statement_expression(void) {
  int x = 2;
  g = ({
    int *p = &x;
    *p;
  });
}

void neg_sizeof_address(void) {
  int x;
  g = (int)sizeof(&x);
}

void neg_two_level_call(void) {
  int x = 4;
  int y;
  write_int(&y, read_int(&x));
  g = y;
}

void neg_loop_pointer_array(void) {
  int xs[3] = {1, 2, 3};
  for (int *p = xs; p < xs + 3; p++)
    g += *p;
}

void neg_struct_array_field(void) {
  struct {
    int v[4];
  } s = {{1, 2, 3, 4}};
  g = sum(s.v, 4);
}

void neg_memset_array(void) {
  char b[64];
  memset(b, 0, sizeof b);
  g = b[63];
}

void neg_strdup_local_source(void) {
  char s[8] = "abc";
  char *d = strdup(s); // ERROR "strdup\(s\) does not escape$"
  g = d[0];
  free(d);
}

// escape-check -m
// The built-in model of the C library and POSIX: printf, snprintf, strlen,
// memset, qsort, strcmp keep nothing; memcpy and memmove copy what src points
// to; realloc, strchr, fgets hand an argument back; strtol stores through its
// endptr; pthread_create hands its argument to a thread; free keeps nothing;
// setvbuf keeps the buffer. Then an entry of each kind of the whole table.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <net/if.h>
#include <pthread.h>
#include <pwd.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>


struct pair {
  int *a;
  int *b;
};

int *gp;
char *gcp;
int gi;
long gl;

// Go: fmt.Printf's arguments escape (interface conversion). C's printf only
// reads them.
void call_printf(void) {
  int x = 1;
  char buf[8] = "abc";
  printf("%p %s %d\n", (void *)&x, buf, x);
}

void call_snprintf(void) {
  char buf[32];
  int x = 2;
  snprintf(buf, sizeof buf, "%d %p", x, (void *)&x);
  puts(buf);
}

void call_fprintf(FILE *f) { // ERROR "f does not escape$"
  char name[8] = "n";
  fprintf(f, "%s\n", name);
}

size_t call_strlen(void) {
  char buf[16] = "hello";
  return strlen(buf);
}

int call_strcmp(const char *s) { // ERROR "s does not escape$"
  char buf[8] = "abc";
  return strcmp(buf, s) + strncmp(s, buf, 2);
}

void call_memset(void) {
  struct pair s;
  int a[4];
  memset(&s, 0, sizeof s);
  memset(a, 0, sizeof a);
}

// memset returns its first argument.
void call_memset_result(void) {
  int x; // ERROR "moved to heap: x$"
  gp = memset(&x, 0, sizeof x);
}

static int cmp_int(const void *a, const void *b) { // ERROR "a does not escape$" "b does not escape$"
  return *(const int *)a - *(const int *)b;
}

void call_qsort(void) {
  int a[8] = {3, 1, 2};
  qsort(a, 8, sizeof a[0], cmp_int);
}

int *call_bsearch(int *key, int *arr, size_t n) { // ERROR "key does not escape$" "leaking param: arr to result ~r0 level=0$"
  return bsearch(key, arr, n, sizeof *arr, cmp_int);
}

// memcpy copies what src points to into what dst points to.
void call_memcpy_local(void) {
  int x = 0;
  int *p = &x;
  int *q;
  memcpy(&q, &p, sizeof p);
  gi = *q;
}

void call_memcpy_then_global(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  int *q;
  memcpy(&q, &p, sizeof p);
  gp = q;
}

void call_memcpy_to_global(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  memcpy(&gp, &p, sizeof p);
}

void call_memmove_to_global(void) {
  int x; // ERROR "moved to heap: x$"
  int *p = &x;
  memmove(&gp, &p, sizeof p);
}

void call_memcpy_bytes(void) {
  char a[8] = "abc";
  char b[8];
  memcpy(b, a, sizeof a);
  memmove(a, b + 1, 4);
  gi = b[0] + a[0];
}

// Copying chars out of a buffer does not leak the buffer.
void call_memcpy_from_local_to_global(void) {
  static char out[8];
  char in[8] = "abc";
  memcpy(out, in, sizeof in);
}

// memcpy returns dst.
void call_memcpy_result(void) {
  int x = 0;
  int y; // ERROR "moved to heap: y$"
  gp = memcpy(&y, &x, sizeof x);
}

void copy_pair(struct pair *d, const struct pair *s) { // ERROR "d does not escape$" "leaking param: s to content of d level=1$"
  memcpy(d, s, sizeof *d);
}

// memcpy returns d; what s points to reaches what d points to, not the result.
void *call_builtin_memcpy(void *d, const void *s, size_t n) { // ERROR "leaking param: d to result ~r0 level=0$" "leaking param: s to content of d level=1$"
  return __builtin_memcpy(d, s, n);
}

// realloc hands its argument back.
void *grow(void *p, size_t n) { // ERROR "leaking param: p to result ~r0 level=0$"
  return realloc(p, n); // ERROR "realloc\(p, n\) escapes to heap$"
}

int call_realloc_local(void) {
  int *p = malloc(4); // ERROR "malloc\(4\) does not escape$"
  int *q = realloc(p, 8); // ERROR "realloc\(p, 8\) does not escape$"
  int v = q ? q[0] : 0;
  free(q);
  return v;
}

void realloc_to_global(void) {
  int *p = malloc(4); // ERROR "malloc\(4\) escapes to heap$"
  gp = realloc(p, 8); // ERROR "realloc\(p, 8\) escapes to heap$"
}

char *find_a(char *s) { // ERROR "leaking param: s to result ~r0 level=0$"
  return strchr(s, 'a');
}

char *find_last(char *s) { // ERROR "leaking param: s to result ~r0 level=0$"
  return strrchr(s, '/');
}

int call_strchr_local(void) {
  char buf[8] = "abc";
  char *p = strchr(buf, 'b');
  return p ? *p : 0;
}

void call_strchr_global(void) {
  char buf[8] = "abc"; // ERROR "moved to heap: buf$"
  gcp = strchr(buf, 'b');
}

void call_strstr_global(void) {
  char buf[8] = "abc"; // ERROR "moved to heap: buf$"
  gcp = strstr(buf, "b");
}

void call_memchr_global(void) {
  char buf[8] = "abc"; // ERROR "moved to heap: buf$"
  gcp = memchr(buf, 'b', sizeof buf);
}

int call_fgets_local(FILE *f) { // ERROR "f does not escape$"
  char buf[64];
  char *line = fgets(buf, sizeof buf, f);
  return line ? line[0] : -1;
}

void call_fgets_global(FILE *f) { // ERROR "f does not escape$"
  char buf[64]; // ERROR "moved to heap: buf$"
  gcp = fgets(buf, sizeof buf, f);
}

char *call_strcpy(char *d, const char *s) { // ERROR "leaking param: d to result ~r0 level=0$" "s does not escape$"
  return strcpy(d, s);
}

char *dup_string(const char *s) { // ERROR "s does not escape$"
  return strdup(s); // ERROR "strdup\(s\) escapes to heap$"
}

// strtol stores its first argument through its endptr.
long call_strtol_local(void) {
  char buf[8] = "12x";
  char *end;
  long v = strtol(buf, &end, 10);
  return v + *end;
}

void call_strtol_global(void) {
  char buf[8] = "12x"; // ERROR "moved to heap: buf$"
  gl = strtol(buf, &gcp, 10);
}

long parse(const char *s, char **end) { // ERROR "leaking param: s to content of end level=0$" "end does not escape$"
  return strtol(s, end, 10);
}

long call_strtol_null(void) {
  char buf[8] = "12";
  return strtol(buf, NULL, 10) + atoi(buf);
}

int call_sscanf(void) {
  char buf[8] = "12";
  int x = 0;
  sscanf(buf, "%d", &x);
  return x;
}

// pthread_create hands its last argument to another thread.
static void *worker(void *arg) { // ERROR "leaking param: arg to result ~r0 level=0$"
  return arg;
}

void call_pthread_create(void) {
  pthread_t t;
  int x; // ERROR "moved to heap: x$"
  pthread_create(&t, NULL, worker, &x);
  pthread_join(t, NULL);
}

void call_pthread_create_null(void) {
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_create(&t, &attr, worker, NULL);
  pthread_join(t, NULL);
}

void start(pthread_t *t, void *arg) { // ERROR "t does not escape$" "leaking param: arg$"
  pthread_create(t, NULL, worker, arg);
}

int call_mutex(void) {
  pthread_mutex_t m;
  pthread_mutex_init(&m, NULL);
  pthread_mutex_lock(&m);
  pthread_mutex_unlock(&m);
  return pthread_mutex_destroy(&m);
}

void call_pthread_join(pthread_t t) {
  void *ret;
  pthread_join(t, &ret);
}

// free does not keep its argument.
void release(int *p) { // ERROR "p does not escape$"
  free(p);
}

int call_malloc_free(void) {
  int *p = malloc(sizeof *p); // ERROR "malloc\(sizeof \*p\) does not escape$"
  int *q = calloc(4, sizeof *q); // ERROR "calloc\(4, sizeof \*q\) does not escape$"
  int v;
  *p = 1;
  v = *p + q[0];
  free(p);
  free(q);
  return v;
}

// setvbuf and setbuf keep the buffer for the stream's lifetime.
void call_setvbuf(void) {
  char buf[BUFSIZ]; // ERROR "moved to heap: buf$"
  setvbuf(stdout, buf, _IOFBF, sizeof buf);
}

void call_setbuf(FILE *f) { // ERROR "f does not escape$"
  char buf[BUFSIZ]; // ERROR "moved to heap: buf$"
  setbuf(f, buf);
}

// strtok keeps its string between calls.
void call_strtok(void) {
  char buf[16] = "a b c"; // ERROR "moved to heap: buf$"
  char *tok = strtok(buf, " ");
  gi = tok ? *tok : 0;
}

int call_strtok_r(void) {
  char buf[16] = "a b c";
  char *save;
  char *tok = strtok_r(buf, " ", &save);
  return tok ? *tok : 0;
}

int call_time(void) {
  time_t now;
  struct tm tmv;
  time(&now);
  localtime_r(&now, &tmv);
  return tmv.tm_year + localtime(&now)->tm_mon;
}

size_t call_fread(FILE *f) { // ERROR "f does not escape$"
  char buf[64];
  size_t n = fread(buf, 1, sizeof buf, f);
  fwrite(buf, 1, n, stdout);
  return n;
}

int call_getline(FILE *f) { // ERROR "f does not escape$"
  char *line = NULL;
  size_t cap = 0;
  int n = (int)getline(&line, &cap, f); // ERROR "getline\(&line, &cap, f\) does not escape$"
  free(line);
  return n;
}

// The table covers every function of glibc's headers (libc_models.def).
// Representative entries of each kind follow.

// strtok_r(NULL, ...) returns a pointer into the string *saveptr holds.
void call_strtok_r_continue(void) {
  char buf[16] = "a b c"; // ERROR "moved to heap: buf$"
  char *save;
  strtok_r(buf, " ", &save);
  gcp = strtok_r(NULL, " ", &save);
}

// Out-parameters that receive pointers into the caller's buffer.
struct passwd *gpw;

void call_getpwnam_r_global(const char *name) { // ERROR "name does not escape$"
  struct passwd pw; // ERROR "moved to heap: pw$"
  char buf[256]; // ERROR "moved to heap: buf$"
  struct passwd *res;
  getpwnam_r(name, &pw, buf, sizeof buf, &res);
  gpw = res;
}

int call_getpwnam_r_local(const char *name) { // ERROR "name does not escape$"
  struct passwd pw;
  char buf[256];
  struct passwd *res;
  getpwnam_r(name, &pw, buf, sizeof buf, &res);
  return res ? res->pw_name[0] : 0;
}

int call_readdir_r(DIR *d) { // ERROR "d does not escape$"
  struct dirent entry;
  struct dirent *res;
  readdir_r(d, &entry, &res);
  return res ? res->d_name[0] : 0;
}

// Functions that keep a pointer beyond the call.
void call_openlog(void) {
  char ident[16] = "prog"; // ERROR "moved to heap: ident$"
  openlog(ident, 0, LOG_USER);
}

void call_fmemopen(void) {
  char buf[64]; // ERROR "moved to heap: buf$"
  FILE *f = fmemopen(buf, sizeof buf, "w");
  fclose(f);
}

static int cmp_r(const void *a, const void *b, void *arg) { // ERROR "a does not escape$" "b does not escape$" "arg does not escape$"
  return *(const int *)a - *(const int *)b + *(int *)arg;
}

// Conservative: qsort_r's arg goes to a comparator the call does not name.
void call_qsort_r(void) {
  int a[4] = {3, 1, 2};
  int bias = 0; // ERROR "moved to heap: bias$"
  qsort_r(a, 4, sizeof a[0], cmp_r, &bias);
}

// The kernel keeps event.data.ptr, not the event.
void call_epoll_ctl(int ep) {
  int x; // ERROR "moved to heap: x$"
  struct epoll_event ev = {.events = EPOLLIN};
  ev.data.ptr = &x;
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
}

int call_epoll_wait(int ep) {
  struct epoll_event evs[8];
  int n = epoll_wait(ep, evs, 8, -1);
  return n > 0 ? (int)evs[0].events : 0;
}

// The kernel keeps ss.ss_sp, the stack, not ss.
void call_sigaltstack(void) {
  static char other[1];
  char stack[16384]; // ERROR "moved to heap: stack$"
  stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack};
  sigaltstack(&ss, NULL);
  gcp = other;
}

// What pthread_join stores is memory the caller cannot see.
void call_pthread_join_store(pthread_t t) {
  int x; // ERROR "moved to heap: x$"
  void *ret;
  pthread_join(t, &ret);
  *(int **)ret = &x;
}

void call_pthread_exit(void) {
  int x; // ERROR "moved to heap: x$"
  pthread_exit(&x);
}

// Every argument of syscall may be kept.
void call_syscall(void) {
  int x; // ERROR "moved to heap: x$"
  syscall(SYS_set_tid_address, &x);
}

// Functions that hand an argument back.
char *call_basename(char *path) { // ERROR "leaking param: path to result ~r0 level=0$"
  return basename(path);
}

void *call_memccpy(void *d, const void *s, size_t n) { // ERROR "leaking param: d to result ~r0 level=0$" "leaking param: s to content of d level=1$"
  return memccpy(d, s, 0, n);
}

char *call_if_indextoname(unsigned i, char *buf) { // ERROR "leaking param: buf to result ~r0 level=0$"
  return if_indextoname(i, buf);
}

// Functions that only read or write through their arguments.
int call_fcntl_lock(int fd) {
  struct flock fl = {.l_type = F_WRLCK};
  return fcntl(fd, F_SETLK, &fl);
}

int call_regex(const char *s) { // ERROR "s does not escape$"
  regex_t re;
  regmatch_t m[2];
  int r = regcomp(&re, "a(b)", REG_EXTENDED);
  if (r == 0)
    r = regexec(&re, s, 2, m, 0);
  regfree(&re);
  return r;
}

size_t call_mbsrtowcs(const char *s) { // ERROR "s does not escape$"
  wchar_t out[16];
  mbstate_t st;
  memset(&st, 0, sizeof st);
  return mbsrtowcs(out, &s, 16, &st);
}

int call_sigaction(void) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  return sigaction(SIGPIPE, &sa, &old);
}

long call_strtoimax(const char *s) { // ERROR "s does not escape$"
  char *end;
  long v = (long)strtoimax(s, &end, 10);
  return v + *end;
}

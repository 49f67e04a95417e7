// escape-check -m
// Variadic functions: the arguments after ... are one more parameter
// ("..."), read through va_arg from the va_list that va_start fills. A
// va_list handed to another function carries them along.
#include <stdarg.h>
#include <stdio.h>

int *gp;
void (*gcb)(int);

void keep_second(int op, ...) {
  va_list ap;
  va_start(ap, op);
  gcb = va_arg(ap, void (*)(int)); // a function pointer: no local's address
  gp = va_arg(ap, int *);
  va_end(ap);
}

int sum_ints(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int s = 0;
  for (int i = 0; i < n; i++)
    s += *va_arg(ap, int *);
  va_end(ap);
  return s;
}

void store_from(va_list ap) { // ERROR "leaking param content: ap$"
  gp = va_arg(ap, int *);
}

void forward(int n, ...) {
  va_list ap;
  va_start(ap, n);
  store_from(ap);
  va_end(ap);
}

int format(char *buf, size_t n, const char *fmt, ...) { // ERROR "buf does not escape$" "fmt does not escape$"
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

void callers(void) {
  int a = 1; // ERROR "moved to heap: a$"
  keep_second(0, 0, &a);
  int b = 2;
  int c = 3;
  gp = 0;
  (void)sum_ints(2, &b, &c);
  int d = 4; // ERROR "moved to heap: d$"
  forward(1, &d);
  char out[16];
  int e = 5;
  format(out, sizeof out, "%p", (void *)&e);
}

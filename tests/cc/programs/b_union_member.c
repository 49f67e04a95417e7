// asan: stack-use-after-return
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A value parser binds the address of whichever union member it filled. */
union value {
  long i;
  double d;
  char s[16];
};
struct binding {
  char tag;
  const void *p;
};
static struct binding bindings[8];
static int nbindings;

static void bind(char tag, const void *p) { bindings[nbindings++] = (struct binding){tag, p}; }

static void parse_value(const char *text) {
  union value v;
  if (strchr(text, '.')) {
    v.d = atof(text);
    bind('d', &v.d);
  } else if (text[0] >= '0' && text[0] <= '9') {
    v.i = atol(text);
    bind('i', &v.i);
  } else {
    snprintf(v.s, sizeof v.s, "%s", text);
    bind('s', v.s);
  }
}

static void scrub(void) {
  volatile long junk[80];
  for (int i = 0; i < 80; i++) junk[i] = -1;
}

int main(void) {
  const char *inputs[] = {"42", "2.5", "hello", "7"};
  for (int i = 0; i < 4; i++) parse_value(inputs[i]);
  scrub();
  for (int i = 0; i < nbindings; i++) {
    const struct binding *b = &bindings[i];
    if (b->tag == 'i') printf("int %ld\n", *(const long *)b->p);
    else if (b->tag == 'd') printf("double %.2f\n", *(const double *)b->p);
    else printf("string %s\n", (const char *)b->p);
  }
  return 0;
}

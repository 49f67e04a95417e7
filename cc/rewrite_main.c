// escape-cc-rewrite: the analysis and rewrite of one unit, in a process of
// its own, for the escape-cc driver.
//
//   escape-cc-rewrite [-m N] SOURCE [-- CLANG-FLAGS...]
//
// It is apart from the driver because loading libclang and LLVM costs
// about 20 ms a process: the driver, which does not link them, answers
// what it passes through (-E, --version ...) at once, and starts the
// real compiler on the unit as written while this runs beside it
// (main.c). The -m report goes to stderr. Exit status: 0 nothing moves to
// heap; 3 the rewritten unit is on stdout; 4 libclang could not parse the
// unit; 5 a local cannot be moved, and stdout says which; 2 usage.
#include "escape-cc.h"

#include "escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv) {
  rewrite_request r = {0};
  strlist flags = {0};
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--")) {
      i++;
      break;
    }
    if (!strcmp(argv[i], "-m") && i + 1 < argc)
      r.m = atoi(argv[++i]);
    else if (!r.path)
      r.path = r.line_name = argv[i];
    else
      return 2;
  }
  if (!r.path) {
    fprintf(stderr, "usage: escape-cc-rewrite [-m N] SOURCE [-- FLAGS...]\n");
    return 2;
  }
  for (; i < argc; i++)
    strlist_push(&flags, argv[i]);
  if (!flags.v)
    strlist_push(&flags, "-xc");
  char *out = NULL, *why = NULL;
  size_t len = 0;
  int status = 0;
  switch (rewrite_unit(&r, &flags, &out, &len, &why)) {
  case REWRITE_NONE:
    break;
  case REWRITE_DONE:
    fwrite(out, 1, len, stdout); // it may hold NUL bytes
    status = 3;
    break;
  case REWRITE_PARSE:
    status = 4;
    break;
  case REWRITE_FAILED:
    printf("%s\n", why);
    status = 5;
    break;
  }
  free(out);
  free(why);
  strlist_free(&flags);
  if (fflush(stdout) != 0)
    return 1;
  return status;
}

int main(int argc, char **argv) { return run_deep(run, argc, argv); }

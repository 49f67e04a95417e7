// asan: stack-use-after-return
#include <stdio.h>
#include <string.h>

/* A command interpreter: commands get the session's register by address,
   and "watch" keeps it for the end-of-run dump. */
struct cmd {
  const char *name;
  void (*fn)(int *reg);
};
static int *watched[4];
static int nwatched;

static void cmd_watch(int *reg) { watched[nwatched++] = reg; }
static void cmd_double(int *reg) { *reg *= 2; }
static void cmd_inc(int *reg) { ++*reg; }
static void cmd_print(int *reg) { printf("reg = %d\n", *reg); }

static const struct cmd commands[] = {
    {"watch", cmd_watch}, {"double", cmd_double}, {"inc", cmd_inc}, {"print", cmd_print}};

static void dispatch(const char *name, int *reg) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0) commands[i].fn(reg);
}

static void session(int start, const char *const *script, int n) {
  int reg = start;
  for (int i = 0; i < n; i++)
    dispatch(script[i], &reg);
}

static void scrub(void) {
  volatile int junk[200];
  for (int i = 0; i < 200; i++) junk[i] = 0x7f7f7f7f;
}

int main(void) {
  const char *const one[] = {"watch", "double", "print"};
  const char *const two[] = {"double", "watch", "inc", "double", "print", "inc"};
  session(3, one, 3);
  session(10, two, 6);
  scrub();
  for (int i = 0; i < nwatched; i++)
    printf("watched %d: %d\n", i, *watched[i]);
  return 0;
}

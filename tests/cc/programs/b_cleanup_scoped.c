// asan: none
#include <stdio.h>

/* Lock guards: acquiring links the guard into the 'held' chain, the
   cleanup handler unlinks it, so no pointer outlives its guard. */
struct guard {
  const char *name;
  struct guard *outer;
};
static struct guard *held; /* innermost held lock */

static int depth(void) {
  int d = 0;
  for (const struct guard *g = held; g; g = g->outer) d++;
  return d;
}

static void release(struct guard *g) {
  printf("release %s\n", g->name);
  held = g->outer;
}

#define LOCKED(var, nm)                                                 \
  struct guard var __attribute__((cleanup(release))) = {nm, held};     \
  held = &var;                                                          \
  printf("acquire %s (depth %d)\n", nm, depth())

static void transfer(int amount) {
  LOCKED(accounts, "accounts");
  if (amount > 100) {
    printf("%d is too large\n", amount);
    return;
  }
  {
    LOCKED(ledger, "ledger");
    printf("moving %d with %d locks\n", amount, depth());
  }
  printf("after ledger: %d locks, innermost %s\n", depth(), held->name);
}

int main(void) {
  transfer(50);
  transfer(500);
  printf("final depth %d\n", depth());
  return held != NULL;
}

// asan: stack-use-after-return
// typeof and __typeof__ applied to an escaping local (and to its members)
// must keep meaning the local's own type.
#include <stdio.h>

struct temp {
  char city[12];
  double c;
};

static struct temp *hottest(const struct temp *t, int n) {
  struct temp best = t[0];
  for (int i = 1; i < n; i++)
    if (t[i].c > best.c)
      best = t[i];
  __typeof__(best) *result = &best;
  typeof(best.c) f = best.c * 9 / 5 + 32;
  printf("same type: %d, sizeof best.city: %zu, %.1f F\n",
         sizeof(typeof(best)) == sizeof(struct temp), sizeof best.city, f);
  return result;
}

static void scribble(void) {
  struct temp junk[5];
  for (int i = 0; i < 5; i++)
    junk[i] = (struct temp){ "nowhere", -273.15 };
  (void)junk;
}

int main(void) {
  const struct temp south[] = { { "oslo", 12.5 }, { "cairo", 35.0 }, { "lima", 19.0 } };
  const struct temp north[] = { { "nuuk", -3.0 }, { "reykjavik", 4.5 } };
  struct temp *a = hottest(south, 3);
  struct temp *b = hottest(north, 2);
  scribble();
  typeof(*a) copy = *b;
  printf("%s %.1f C, %s %.1f C\n", a->city, a->c, copy.city, copy.c);
  return 0;
}

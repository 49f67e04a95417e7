// asan: stack-use-after-return
#include <stdio.h>

/* Lookup tables declared const inside the function: still automatic
   objects, a new one for every call. */
struct rgb {
  unsigned char r, g, b;
};

static const char *const *day_names(int abbreviated) {
  const char *const full[] = {"Monday", "Tuesday", "Wednesday"};
  const char *const abbr[] = {"Mon", "Tue", "Wed"};
  const char *const *res = abbreviated ? abbr : full;
  return res;
}

static const struct rgb *color(int idx) {
  const struct rgb palette[3] = {{255, 0, 0}, {0, 128, 0}, {0, 0, 255}};
  const struct rgb *res = &palette[idx % 3];
  return res;
}

static void scrub(void) {
  volatile long junk[64];
  for (int i = 0; i < 64; i++) junk[i] = 0;
}

int main(void) {
  const char *const *longn = day_names(0);
  const char *const *shortn = day_names(1);
  const struct rgb *green = color(1), *blue = color(5);
  scrub();
  for (int i = 0; i < 3; i++)
    printf("%s/%s\n", shortn[i], longn[i]);
  printf("green #%02x%02x%02x blue #%02x%02x%02x\n", green->r, green->g, green->b,
         blue->r, blue->g, blue->b);
  return 0;
}

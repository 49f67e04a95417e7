// asan: stack-use-after-scope
// Case blocks of a switch declare locals whose addresses outlive the case.
#include <stdio.h>

struct shape {
  char kind;
  double a, b;
};

static void scribble(void) {
  volatile double junk[16];
  for (int i = 0; i < 16; i++)
    junk[i] = -1.0;
}

int main(void) {
  struct shape shapes[] = { { 'r', 2, 3 }, { 'c', 1, 0 }, { 't', 4, 5 } };
  const double *area[3];
  const char *names[3];
  for (int i = 0; i < 3; i++) {
    switch (shapes[i].kind) {
    case 'r': {
      double r = shapes[i].a * shapes[i].b;
      area[i] = &r;
      names[i] = "rect";
      break;
    }
    case 'c': {
      double c = 3.0 * shapes[i].a * shapes[i].a;
      area[i] = &c;
      names[i] = "circle~";
      break;
    }
    default: {
      double t = shapes[i].a * shapes[i].b / 2;
      area[i] = &t;
      names[i] = "triangle";
    }
    }
  }
  scribble();
  for (int i = 0; i < 3; i++)
    printf("%s %.1f\n", names[i], *area[i]);
  return 0;
}

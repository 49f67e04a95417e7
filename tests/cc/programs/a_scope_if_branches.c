// asan: stack-use-after-scope
// Each branch of an if statement declares its own local and leaves its
// address behind for the code after the if.
#include <stdio.h>

static int scribble(int seed) {
  int junk[20];
  for (int i = 0; i < 20; i++)
    junk[i] = seed ^ 0x5555;
  return junk[3];
}

int main(void) {
  int inputs[] = { -4, 9, 0 };
  for (int i = 0; i < 3; i++) {
    const int *magnitude;
    const char *sign;
    if (inputs[i] < 0) {
      int neg = -inputs[i];
      magnitude = &neg;
      sign = "negative";
    } else {
      int pos = inputs[i];
      magnitude = &pos;
      sign = inputs[i] ? "positive" : "zero";
    }
    scribble(inputs[i]);
    printf("%d: %s, magnitude %d\n", inputs[i], sign, *magnitude);
  }
  return 0;
}

// asan: stack-use-after-return
#include <stdio.h>

/* Field decoder: the text buffer is declared at the top of the switch
   body; the case labels jump past it and the shared tail keeps it. */
struct field {
  char tag;
  const char *text;
};
static struct field fields[8];
static int nfields;

static void scrub(void) {
  volatile char junk[512];
  for (int i = 0; i < 512; i++) junk[i] = '?';
}

static void decode(char kind, int value) {
  switch (kind) {
    char text[16];
  case 'i':
    snprintf(text, sizeof text, "int:%d", value);
    goto store;
  case 'h':
    snprintf(text, sizeof text, "hex:%#x", value);
    goto store;
  case 'b':
    snprintf(text, sizeof text, "bool:%s", value ? "true" : "false");
  store:
    fields[nfields].tag = kind;
    fields[nfields++].text = text;
    break;
  default:
    break;
  }
}

int main(void) {
  decode('i', 42);
  decode('h', 255);
  decode('x', 1);
  decode('b', 0);
  decode('b', 7);
  scrub();
  for (int i = 0; i < nfields; i++)
    printf("%c %s\n", fields[i].tag, fields[i].text);
  return 0;
}

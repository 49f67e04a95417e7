// asan: stack-use-after-return
#include <stdio.h>

struct status {
  int code;
  const char *why;
};
static const struct status *last_status; /* read by the diagnostics printer */

static void scribble(void) {
  volatile char junk[300];
  for (int i = 0; i < 300; i++) junk[i] = 'x';
}

static int parse_record(const char *line) {
  int fields = 0;
  if (!*line)
    goto out; /* jumps past the declaration of 'st' */
  struct status st = {0, "counting"};
  last_status = &st;
  for (const char *c = line; *c; c++)
    fields += *c == ',';
  st.code = ++fields;
  if (fields < 3)
    goto out;
  st.why = "parsed";
  return fields;
out:
  st.code = -1;
  st.why = fields ? "too few fields" : "empty line";
  last_status = &st;
  return -1;
}

int main(void) {
  const char *lines[] = {"a,b,c,d", "", "x,y", "1,2,3"};
  const struct status *seen[4];
  for (int i = 0; i < 4; i++) {
    int r = parse_record(lines[i]);
    seen[i] = last_status;
    printf("line %d -> %d\n", i, r);
  }
  scribble();
  for (int i = 0; i < 4; i++)
    printf("status %d: %d %s\n", i, seen[i]->code, seen[i]->why);
  return 0;
}

// buffer.c: local buffers handed to the C library. printf, snprintf,
// memcpy and strlen read or write them and keep nothing: no escape.
// setvbuf keeps its buffer for the life of the stream: that one escapes.
#include <stdio.h>
#include <string.h>

size_t format_id(int id) {
  char buf[32];
  snprintf(buf, sizeof buf, "id-%d", id);
  printf("%s\n", buf);
  return strlen(buf);
}

void copy_pair(void) {
  int a = 1, b = 2;
  int *src[2] = {&a, &b};
  int *dst[2];
  memcpy(dst, src, sizeof src); // copies the pointers into another local
  printf("%d\n", *dst[0] + *dst[1]);
}

void buffered(FILE *f) {
  char iobuf[BUFSIZ];
  setvbuf(f, iobuf, _IOFBF, sizeof iobuf); // the stream keeps iobuf
}

// asan: stack-use-after-scope
// Pointers to members of a struct declared in an inner block, used after it.
#include <stdio.h>

struct packet {
  unsigned char header[4];
  char payload[12];
  unsigned short crc;
};

int main(void) {
  const char *payload;
  const unsigned short *crc;
  const unsigned char *header;
  {
    struct packet pk = { { 0xAB, 0xCD, 1, 2 }, "ping", 0 };
    for (int i = 0; pk.payload[i]; i++)
      pk.crc = pk.crc * 33 + pk.payload[i];
    payload = pk.payload;
    crc = &pk.crc;
    header = pk.header;
  }
  {
    struct packet other = { { 0 }, "XXXXXXXXXXX", 0xFFFF };
    printf("other %s\n", other.payload);
  }
  printf("crc %u\n", *crc);
  printf("payload %s header %02X%02X\n", payload, header[0], header[1]);
  return 0;
}

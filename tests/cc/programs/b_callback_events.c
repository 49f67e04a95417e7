// asan: stack-use-after-return
#include <stdio.h>

/* An event bus; setup() registers handlers whose context is one of its
   own locals, and the events keep arriving after setup() has returned. */
enum { EV_CLICK, EV_KEY, EV_FLUSH };
typedef void (*handler_fn)(void *ctx, int payload);
struct listener {
  int event;
  handler_fn fn;
  void *ctx;
};
static struct listener listeners[8];
static int nlisteners;

static void on(int event, handler_fn fn, void *ctx) {
  listeners[nlisteners++] = (struct listener){event, fn, ctx};
}

static void emit(int event, int payload) {
  for (int i = 0; i < nlisteners; i++)
    if (listeners[i].event == event) listeners[i].fn(listeners[i].ctx, payload);
}

struct counter {
  const char *name;
  int count, last;
};

static void count_cb(void *ctx, int payload) {
  struct counter *c = ctx;
  c->count++;
  c->last = payload;
}

static void print_cb(void *ctx, int payload) {
  const struct counter *c = ctx;
  printf("%s: %d events, last %d (flush %d)\n", c->name, c->count, c->last, payload);
}

static void setup(void) {
  struct counter clicks = {"clicks", 0, 0}, keys = {"keys", 0, 0};
  on(EV_CLICK, count_cb, &clicks);
  on(EV_KEY, count_cb, &keys);
  on(EV_FLUSH, print_cb, &clicks);
  on(EV_FLUSH, print_cb, &keys);
  emit(EV_CLICK, 1);
}

static void scrub(void) {
  volatile char junk[500];
  for (int i = 0; i < 500; i++) junk[i] = 1;
}

int main(void) {
  setup();
  scrub();
  emit(EV_CLICK, 7);
  emit(EV_KEY, 65);
  emit(EV_CLICK, 9);
  emit(EV_FLUSH, 1);
  return 0;
}

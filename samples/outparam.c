// outparam.c: out-parameters and callbacks. Storing a local's address
// through a pointer parameter hands it to the caller; initializing a
// caller's struct through a pointer is fine when the struct is a local too.
struct writer {
  char *buf;
  int len;
};

static void writer_init(struct writer *w, char *buf) {
  w->buf = buf; // buf flows into what w points to
  w->len = 0;
}

int use_writer(void) {
  char storage[64];
  struct writer w;
  writer_init(&w, storage); // storage stays in this frame: no escape
  return w.len;
}

void bad_out(int **out) {
  int local = 42;
  *out = &local; // stored through parameter 'out': dangling
}

static int apply(int (*fn)(int *), int v) {
  int arg = v;
  return fn(&arg); // unknown function pointer: arg escapes
}

static int twice(int *p) { return *p * 2; }

int run(void) {
  int (*op)(int *) = twice; // only ever twice: its summary is used
  int v = 1;
  return op(&v) + apply(twice, 2);
}

// goroutines: the workloads bench/goroutines.sh measures our goroutine
// runtime on, one per run, chosen by argv[1]; bench/goroutines.go is the
// same program in Go, the anchor. Each workload is the body of a main
// goroutine started by escrt_run from a plain C main, timed inside it with
// the monotonic clock around the workload alone, and main prints, once
// escrt_run has returned, one line:
//
//   WORKLOAD seconds=S gomaxprocs=P [NAME=VALUE...]
//
// Everything but seconds= and bytes_per_goroutine= must be the same in
// both programs; the script checks it. GOMAXPROCS comes from the
// environment in both (default: the number of cores).
//
//   spawn     1,000,000 goroutines, each calling escrt_waitgroup_done once
//             on one waitgroup (an add of 1 before each spawn); the main
//             goroutine waits for the count to reach zero.
//   idle      100,000 goroutines parked in a receive on one unbuffered
//             channel. Each signals a waitgroup just before it blocks;
//             once all have, and escrt_numgoroutine counts them, and 20 ms
//             more have passed for the last to reach the receive, the RSS
//             (/proc/self/statm) less the RSS read just before the first
//             spawn is divided among them: bytes_per_goroutine. Then the
//             channel is closed and the main goroutine waits for all to
//             exit. Timed: the spawns until all have signalled, plus the
//             close until all have exited; the settling is not.
//   pingpong  two goroutines, the main one and a ponger, 1,000,000 round
//             trips of an int64 over two unbuffered channels: ping i, the
//             ponger sends back i+1; sum= is the sum of the replies.
//   sieve     the concurrent prime sieve of Go's documentation: a
//             generator of 2, 3, 4, ... and one filter goroutine per prime
//             found, chained by unbuffered channels; last_prime= is the
//             5,000th prime, 48611. The generator and filters stay blocked
//             when the main goroutine returns, as in Go.
//   deep      one new goroutine recursing 1,000,000 frames deep, each
//             frame writing a 64-byte local array (volatile, so that it is
//             kept) and reading one byte of it back after the recursive
//             call returns, which also keeps the call a call rather than a
//             loop. The stack starts at 2 KB and grows by copying, to about
//             100 MB; checksum= is the sum of the bytes read back.
//
// The stack contract of escape/go.h holds throughout: goroutines get
// pointers to statics only (waitgroups, channels, the filters' arguments),
// never into a goroutine stack. Every function that runs on a goroutine
// starts with ESCRT_STACK_CHECK(), the prologue escape-cc inserts; the C
// library (the clock, reading /proc, printf) is called on the system stack
// or after escrt_run has returned, never on a 2 KB goroutine stack.
//
// usage: goroutines spawn | idle | pingpong | sieve | deep
#define _GNU_SOURCE
#include <escape/go.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
  SPAWN_GOROUTINES = 1000000,
  IDLE_GOROUTINES = 100000,
  PINGPONG_TRIPS = 1000000,
  SIEVE_PRIMES = 5000, // the 5000th prime is 48611
  DEEP_DEPTH = 1000000,
};

// IDLE_SETTLE_NS is the time left for the last idle goroutines to go from
// their waitgroup signal to their receive before the RSS is read.
#define IDLE_SETTLE_NS 20000000

/* ---- Results: written by the main goroutine, printed by main ---- */

static int gomaxprocs;
static double untimed;       // seconds the workload excludes from its time
static double elapsed;       // the workload's time, less untimed
static int64_t idle_rss0;    // bytes resident before the first spawn
static int64_t idle_rss1;    // bytes resident with all of them parked
static int64_t pingpong_sum; // sum of the ponger's replies
static int64_t sieve_last;   // the last prime found
static uint64_t deep_sum;    // what deep returned

_Noreturn static void fatal(const char *msg) {
  fprintf(stderr, "goroutines: %s\n", msg);
  exit(2);
}

/* ---- The C library, on the system stack ---- */

static void clock_read(void *ts) { clock_gettime(CLOCK_MONOTONIC, ts); }

// now returns the monotonic clock in seconds. Only the main goroutine
// calls it.
static double now(void) {
  ESCRT_STACK_CHECK();
  static struct timespec ts; // not a local: see the stack contract, go.h
  escrt_systemstack(clock_read, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// rss_read stores the resident set size in bytes, the second field of
// /proc/self/statm (in pages), in *(int64_t *)out.
static void rss_read(void *out) {
  FILE *f = fopen("/proc/self/statm", "r");
  long long size, pages;
  if (f == NULL || fscanf(f, "%lld %lld", &size, &pages) != 2)
    fatal("cannot read /proc/self/statm");
  fclose(f);
  *(int64_t *)out = (int64_t)pages * sysconf(_SC_PAGESIZE);
}

/* ---- spawn: start a million goroutines that each do one done ---- */

static escrt_waitgroup spawn_wg;

static void spawn_one(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  escrt_waitgroup_done(&spawn_wg);
}

static void spawn(void) {
  ESCRT_STACK_CHECK();
  for (int i = 0; i < SPAWN_GOROUTINES; i++) {
    escrt_waitgroup_add(&spawn_wg, 1);
    escrt_go(spawn_one, NULL);
  }
  escrt_waitgroup_wait(&spawn_wg);
}

/* ---- idle: the memory of 100,000 goroutines parked on a receive ---- */

static escrt_chan *idle_chan;
static escrt_waitgroup idle_parked; // each goroutine is about to receive
static escrt_waitgroup idle_exited;

static void idle_one(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  escrt_waitgroup_done(&idle_parked);
  escrt_chan_recv(idle_chan, NULL);
  escrt_waitgroup_done(&idle_exited);
}

static void idle(void) {
  ESCRT_STACK_CHECK();
  idle_chan = escrt_chan_make(sizeof(int64_t), 0);
  escrt_systemstack(rss_read, &idle_rss0);
  escrt_waitgroup_add(&idle_parked, IDLE_GOROUTINES);
  escrt_waitgroup_add(&idle_exited, IDLE_GOROUTINES);
  for (int i = 0; i < IDLE_GOROUTINES; i++)
    escrt_go(idle_one, NULL);
  escrt_waitgroup_wait(&idle_parked);
  double t0 = now();
  while (escrt_numgoroutine() < IDLE_GOROUTINES + 1)
    escrt_gosched();
  escrt_sleep(IDLE_SETTLE_NS);
  escrt_systemstack(rss_read, &idle_rss1);
  untimed = now() - t0;
  escrt_chan_close(idle_chan);
  escrt_waitgroup_wait(&idle_exited);
}

/* ---- pingpong: a million round trips between two goroutines ---- */

static escrt_chan *ping, *pong;
static escrt_waitgroup pong_exited;

static void ponger(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  int64_t v;
  while (escrt_chan_recv(ping, &v)) {
    v++;
    escrt_chan_send(pong, &v);
  }
  escrt_waitgroup_done(&pong_exited);
}

static void pingpong(void) {
  ESCRT_STACK_CHECK();
  ping = escrt_chan_make(sizeof(int64_t), 0);
  pong = escrt_chan_make(sizeof(int64_t), 0);
  escrt_waitgroup_add(&pong_exited, 1);
  escrt_go(ponger, NULL);
  int64_t sum = 0;
  for (int64_t i = 0; i < PINGPONG_TRIPS; i++) {
    int64_t v;
    escrt_chan_send(ping, &i);
    escrt_chan_recv(pong, &v);
    sum += v;
  }
  escrt_chan_close(ping);
  escrt_waitgroup_wait(&pong_exited);
  pingpong_sum = sum;
}

/* ---- sieve: the concurrent prime sieve of Go's documentation ---- */

// sieve_filter is the argument of one filter goroutine.
typedef struct sieve_filter {
  escrt_chan *in;
  escrt_chan *out;
  int64_t prime;
} sieve_filter;

static sieve_filter sieve_filters[SIEVE_PRIMES];

// generate sends 2, 3, 4, ... to the channel ch.
static void generate(void *ch) {
  ESCRT_STACK_CHECK();
  for (int64_t i = 2;; i++)
    escrt_chan_send(ch, &i);
}

// filter copies the values from f->in to f->out, removing those divisible
// by f->prime.
static void filter(void *arg) {
  ESCRT_STACK_CHECK();
  sieve_filter *f = arg;
  escrt_chan *in = f->in, *out = f->out;
  int64_t prime = f->prime;
  for (;;) {
    int64_t i;
    escrt_chan_recv(in, &i);
    if (i % prime != 0)
      escrt_chan_send(out, &i);
  }
}

static void sieve(void) {
  ESCRT_STACK_CHECK();
  escrt_chan *ch = escrt_chan_make(sizeof(int64_t), 0);
  escrt_go(generate, ch);
  int64_t prime = 0;
  for (int i = 0; i < SIEVE_PRIMES; i++) {
    escrt_chan_recv(ch, &prime);
    escrt_chan *ch1 = escrt_chan_make(sizeof(int64_t), 0);
    sieve_filters[i] = (sieve_filter){ch, ch1, prime};
    escrt_go(filter, &sieve_filters[i]);
    ch = ch1;
  }
  sieve_last = prime;
}

/* ---- deep: one goroutine recursing a million frames deep ---- */

static escrt_waitgroup deep_exited;

// deep recurses n frames deeper, each with 64 bytes of locals that it
// writes and reads back after the call returns.
__attribute__((noinline)) static uint64_t deep(uint64_t n) {
  ESCRT_STACK_CHECK();
  volatile unsigned char buf[64];
  for (int i = 0; i < 64; i++)
    buf[i] = (unsigned char)(n + (uint64_t)i);
  if (n == 0)
    return buf[63];
  uint64_t r = deep(n - 1);
  return r + buf[n & 63];
}

static void deep_main(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  deep_sum = deep(DEEP_DEPTH);
  escrt_waitgroup_done(&deep_exited);
}

static void deep_run(void) {
  ESCRT_STACK_CHECK();
  escrt_waitgroup_add(&deep_exited, 1);
  escrt_go(deep_main, NULL);
  escrt_waitgroup_wait(&deep_exited);
}

/* ---- Running a workload ---- */

// workload is one entry of the table argv[1] selects from: run is the
// workload, report formats its figures after escrt_run has returned.
typedef struct workload {
  const char *name;
  void (*run)(void);
  void (*report)(char *buf, size_t n);
} workload;

static void spawn_report(char *buf, size_t n) {
  snprintf(buf, n, "goroutines=%d", SPAWN_GOROUTINES);
}

static void idle_report(char *buf, size_t n) {
  snprintf(buf, n, "goroutines=%d bytes_per_goroutine=%" PRId64,
           IDLE_GOROUTINES, (idle_rss1 - idle_rss0) / IDLE_GOROUTINES);
}

static void pingpong_report(char *buf, size_t n) {
  snprintf(buf, n, "roundtrips=%d sum=%" PRId64, PINGPONG_TRIPS, pingpong_sum);
}

static void sieve_report(char *buf, size_t n) {
  snprintf(buf, n, "primes=%d last_prime=%" PRId64, SIEVE_PRIMES, sieve_last);
}

static void deep_report(char *buf, size_t n) {
  snprintf(buf, n, "depth=%d checksum=%" PRIu64, DEEP_DEPTH, deep_sum);
}

static workload workloads[] = {
    {"spawn", spawn, spawn_report},          {"idle", idle, idle_report},
    {"pingpong", pingpong, pingpong_report}, {"sieve", sieve, sieve_report},
    {"deep", deep_run, deep_report},
};

// gomain is the main goroutine: it times the workload w.
static void gomain(void *w) {
  ESCRT_STACK_CHECK();
  gomaxprocs = escrt_gomaxprocs();
  double t0 = now();
  ((workload *)w)->run();
  elapsed = now() - t0 - untimed;
}

int main(int argc, char **argv) {
  workload *w = NULL;
  for (size_t i = 0; argc == 2 && i < sizeof workloads / sizeof *workloads; i++)
    if (strcmp(argv[1], workloads[i].name) == 0)
      w = &workloads[i];
  if (w == NULL)
    fatal("usage: goroutines spawn | idle | pingpong | sieve | deep");
  escrt_run(gomain, w);
  char extra[160];
  w->report(extra, sizeof extra);
  printf("%s seconds=%.6f gomaxprocs=%d %s\n", w->name, elapsed, gomaxprocs,
         extra);
  return 0;
}

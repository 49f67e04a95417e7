// escape-fuzz: the analyzer, in-process, on mutants of real C files.
//
//   escape-fuzz [-n INPUTS] [-t SECONDS] [-s SEED] [-T SECONDS] [-o DIR]
//               [--slices FILE] FILE...
//   escape-fuzz --replay FILE...
//
// Each input is parsed once by libclang from memory (an unsaved file, as
// parse_buffer gives it) and analyzed twice on the same translation unit,
// as escape-check -m=2 and in check mode, reports printed to /dev/null.
// Unlike escape-check, it also analyzes what clang could only parse with
// errors: the analyzer must survive any AST clang recovers, not only those
// of code that compiles.
//
// Inputs. The seeds are the FILEs (the corpus, the samples) and, with
// --slices, runs of one to four consecutive top-level functions cut from a
// large real file (sqlite3.c), each parsed without the declarations before
// it. Input i (0, 1, 2, ...) is seed i itself while i < the number of
// seeds; after that, a seed drawn by an lcg seeded from (SEED, i), a file
// or a slice with even odds, with one to eight edits (fewer more often):
// the robustness suite's (tests/support/mutate.c), a cut, lines deleted or
// repeated, or a run spliced in from another seed. Input i is the same on
// every run with the same seeds and SEED.
//
// Failures. A supervisor forks a worker that runs up to BATCH inputs and
// exits; before each input the worker copies it into memory shared with
// the supervisor, and arms alarm(T). A worker killed by a signal (a crash,
// SIGALRM for a hang, SIGABRT), or exiting with any status but 0 (the
// sanitizers exit 99), is a failure: the supervisor writes the input it was
// running to DIR/fail-SEED-I.c, with the worker's stderr and how it ended
// in DIR/fail-SEED-I.txt, and starts a new worker at input i + 1. A worker
// that fails between inputs (LeakSanitizer at its exit) is reported as
// DIR/fail-SEED-after-N.txt, N the inputs run so far. The last line says
// how many inputs ran and how many failed, and the status is 1 if any did.
#include "escape.h"
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// BATCH inputs per worker: libclang's caches and LeakSanitizer's exit check
// are renewed that often, and a failure costs one fork.
enum { BATCH = 2000, MAX_INPUT = 1 << 20, SLICES = 400, SLICE_MAX = 24 << 10 };

// The name inputs are parsed under; reports name it too.
static const char input_name[] = "fuzz-input.c";

// What the worker is doing, for the supervisor to read after it died.
enum phase { IDLE, PARSE, ANALYZE_M2, ANALYZE_CHECK };
static const char *const phase_name[] = {
    "between inputs", "parsing", "analyzing (-m=2)", "analyzing (check mode)"};

// shared is the memory the supervisor and its workers share.
typedef struct shared {
  uint64_t index;               // input being run (phase != IDLE)
  int phase;                    // enum phase
  uint64_t done;                // inputs finished: the next worker's start
  uint64_t clean, errors, lost; // parsed cleanly, with errors, not at all
  char what[2048];              // how input index was made
  size_t len;
  char data[MAX_INPUT];
} shared;

typedef struct fuzz {
  strbuf *seeds;
  char **names;
  int nseeds;
  int nfiles; // seeds [0, nfiles) are files, the rest slices
  uint64_t seed, inputs;
  double seconds;
  int timeout;
  const char *dir;
  shared *sh;
} fuzz;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void add_seed(fuzz *fz, const char *name, const char *data, size_t n) {
  fz->seeds = xrealloc(fz->seeds, (fz->nseeds + 1) * sizeof(strbuf));
  fz->names = xrealloc(fz->names, (fz->nseeds + 1) * sizeof(char *));
  fz->seeds[fz->nseeds] = (strbuf){0};
  strbuf_append(&fz->seeds[fz->nseeds], data, n);
  fz->names[fz->nseeds++] = xstrdup(name);
}

// add_slices adds SLICES runs of one to four top-level functions of path:
// a function ends with a "}" alone at the start of a line.
static void add_slices(fuzz *fz, const char *path) {
  strbuf text = {0};
  if (!read_file(path, &text)) {
    fprintf(stderr, "escape-fuzz: cannot read '%s'\n", path);
    exit(2);
  }
  size_t *ends = NULL, n = 0, cap = 0;
  for (size_t i = 0; i + 3 <= text.len; i++) {
    if (memcmp(text.s + i, "\n}\n", 3) != 0)
      continue;
    if (n == cap)
      ends = xrealloc(ends, (cap = cap ? 2 * cap : 1024) * sizeof(size_t));
    ends[n++] = i + 3;
  }
  lcg r = {fz->seed * 0x9e3779b97f4a7c15u + 7};
  for (int k = 0; k < SLICES && n > 5; k++) {
    size_t a = lcg_below(&r, n - 5), b = a + 1 + lcg_below(&r, 4);
    size_t len = ends[b] - ends[a];
    if (len > SLICE_MAX)
      len = SLICE_MAX;
    char name[64];
    snprintf(name, sizeof name, "slice of %s at byte %zu", path, ends[a]);
    add_seed(fz, name, text.s + ends[a], len);
  }
  free(ends);
  strbuf_free(&text);
}

// line_at returns the start of the line holding offset off of b, and sets
// *end to its end (past the newline).
static size_t line_at(const strbuf *b, size_t off, size_t *end) {
  size_t s = off;
  while (s > 0 && b->s[s - 1] != '\n')
    s--;
  size_t e = off;
  while (e < b->len && b->s[e++] != '\n')
    ;
  *end = e;
  return s;
}

// edit applies one edit to b: mostly the robustness suite's, sometimes one
// that moves whole lines or brings code from another seed.
static void edit(fuzz *fz, lcg *r, strbuf *b, strbuf *what) {
  size_t off = lcg_below(r, b->len + 1), end;
  switch (lcg_below(r, 12)) {
  case 0: // cut
    b->len = off;
    if (b->s)
      b->s[off] = 0;
    strbuf_printf(what, " cut@%zu", off);
    return;
  case 1: { // delete one to eight lines
    size_t s = line_at(b, off, &end);
    for (int k = lcg_below(r, 8); k > 0 && end < b->len; k--)
      line_at(b, end, &end);
    mutate_splice(b, s, end - s, "", 0);
    strbuf_printf(what, " delete-lines@%zu-%zu", s, end);
    return;
  }
  case 2: { // repeat a line elsewhere
    size_t s = line_at(b, off, &end);
    char *line = xstrndup(b->s ? b->s + s : "", end - s);
    size_t at = line_at(b, lcg_below(r, b->len + 1), &end);
    mutate_splice(b, at, 0, line, strlen(line));
    strbuf_printf(what, " repeat-line@%zu->%zu", s, at);
    free(line);
    return;
  }
  case 3: { // splice in up to 2 KB of another seed, from a line start
    int k = (int)lcg_below(r, fz->nseeds);
    const strbuf *d = &fz->seeds[k];
    size_t from = line_at(d, lcg_below(r, d->len + 1), &end);
    size_t n = 1 + lcg_below(r, 2048);
    if (from + n > d->len)
      n = d->len - from;
    size_t at = line_at(b, off, &end);
    mutate_splice(b, at, 0, d->s ? d->s + from : "", n);
    strbuf_printf(what, " splice-%zu-from-seed-%d@%zu->%zu", n, k, from, at);
    return;
  }
  default:
    mutate_edit(r, b, what);
  }
}

// make_input builds input i into b and describes it in what.
static void make_input(fuzz *fz, uint64_t i, strbuf *b, strbuf *what) {
  if (i < (uint64_t)fz->nseeds) {
    strbuf_append(b, fz->seeds[i].s ? fz->seeds[i].s : "", fz->seeds[i].len);
    strbuf_printf(what, "seed %llu (%s) as is", (unsigned long long)i,
                  fz->names[i]);
    return;
  }
  lcg r = {(fz->seed + 1) * 0x9e3779b97f4a7c15u ^ i * 0xbf58476d1ce4e5b9u};
  lcg_next(&r);
  // Half the mutants come from the files, half from the slices (when there
  // are both): there are a few dozen files and hundreds of slices.
  int files = fz->nfiles, k;
  if (files < fz->nseeds && lcg_below(&r, 2))
    k = files + (int)lcg_below(&r, fz->nseeds - files);
  else
    k = (int)lcg_below(&r, files);
  strbuf_append(b, fz->seeds[k].s ? fz->seeds[k].s : "", fz->seeds[k].len);
  strbuf_printf(what, "input %llu: seed %d (%s):", (unsigned long long)i, k,
                fz->names[k]);
  // One to eight edits, fewer more often: a mutant with one edit still
  // parses cleanly now and then.
  for (int n = 1 + (int)lcg_below(&r, 1 + lcg_below(&r, 8)); n > 0; n--)
    edit(fz, &r, b, what);
  if (b->len > MAX_INPUT - 1)
    b->len = MAX_INPUT - 1;
}

// run_one parses text and analyzes it in both modes, reports to out. It
// returns 0 for a clean parse, 1 for one with errors, 2 for none.
static int run_one(shared *sh, CXIndex idx, const char *text, size_t len,
                   FILE *out) {
  int status;
  if (sh)
    sh->phase = PARSE;
  CXTranslationUnit tu = parse_buffer(idx, input_name, text ? text : "", len, 0,
                                      NULL, &status, NULL, 0);
  if (!tu)
    return 2;
  static const options modes[] = {{.m = 2, .explain = true},
                                  {.m = 0, .explain = true}};
  for (int m = 0; m < 2; m++) {
    if (sh)
      sh->phase = m == 0 ? ANALYZE_M2 : ANALYZE_CHECK;
    unit u = {0};
    u.tu = tu;
    u.path = input_name;
    u.opt = &modes[m];
    analyze_unit(&u);
    flush_reports(&u, out);
  }
  clang_disposeTranslationUnit(tu);
  return status ? 1 : 0;
}

// The worker's arguments, through run_deep's (argc, argv).
static fuzz *worker_fz;
static uint64_t worker_to;
static double worker_deadline;

static int worker(int argc, char **argv) {
  fuzz *fz = worker_fz;
  shared *sh = fz->sh;
  CXIndex idx = clang_createIndex(0, 0);
  FILE *out = fopen("/dev/null", "w");
  for (uint64_t i = sh->done; i < worker_to && now() < worker_deadline; i++) {
    strbuf b = {0}, what = {0};
    make_input(fz, i, &b, &what);
    sh->index = i;
    sh->len = b.len;
    memcpy(sh->data, b.s ? b.s : "", b.len);
    snprintf(sh->what, sizeof sh->what, "%s", strbuf_str(&what));
    alarm(fz->timeout);
    int r = run_one(sh, idx, b.s, b.len, out);
    alarm(0);
    sh->phase = IDLE;
    *(r == 0 ? &sh->clean : r == 1 ? &sh->errors : &sh->lost) += 1;
    sh->done = i + 1;
    strbuf_free(&b);
    strbuf_free(&what);
  }
  fclose(out);
  clang_disposeIndex(idx);
  return 0;
}

// put writes len bytes to path; unlike the harness's write_file it is not
// a Check assertion (escape-fuzz runs outside Check).
static void put(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "w");
  if (!f || fwrite(data, 1, len, f) != len)
    fprintf(stderr, "escape-fuzz: cannot write '%s': %s\n", path,
            strerror(errno));
  if (f)
    fclose(f);
}

// save writes the failed input and its story to fz->dir.
static void save(fuzz *fz, const char *how, const char *log) {
  shared *sh = fz->sh;
  char stem[4096];
  if (sh->phase != IDLE)
    snprintf(stem, sizeof stem, "%s/fail-%llu-%llu", fz->dir,
             (unsigned long long)fz->seed, (unsigned long long)sh->index);
  else
    snprintf(stem, sizeof stem, "%s/fail-%llu-after-%llu", fz->dir,
             (unsigned long long)fz->seed, (unsigned long long)sh->done);
  strbuf path = {0}, story = {0}, err = {0};
  read_file(log, &err);
  if (sh->phase != IDLE) {
    strbuf_printf(&path, "%s.c", stem);
    put(path.s, sh->data, sh->len);
  }
  strbuf_printf(&story, "%s while %s\n%s\nreplay: escape-fuzz --replay %s\n",
                how, phase_name[sh->phase], sh->phase != IDLE ? sh->what : "",
                path.s ? path.s : "-");
  strbuf_printf(&story, "stderr:\n%s", strbuf_str(&err));
  strbuf_free(&path);
  strbuf_printf(&path, "%s.txt", stem);
  put(path.s, strbuf_str(&story), story.len);
  fprintf(stderr, "escape-fuzz: FAILURE: %s while %s: %s\n  saved as %s\n", how,
          phase_name[sh->phase], sh->phase != IDLE ? sh->what : "", path.s);
  strbuf_free(&path);
  strbuf_free(&story);
  strbuf_free(&err);
}

// run_workers runs workers until fz->inputs inputs ran or time is up, and
// returns the number of failures.
static uint64_t run_workers(fuzz *fz) {
  shared *sh = fz->sh;
  double start = now(), deadline = fz->seconds > 0 ? start + fz->seconds : 1e18;
  uint64_t failures = 0;
  if (mkdir(fz->dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "escape-fuzz: cannot make '%s': %s\n", fz->dir,
            strerror(errno));
    exit(2);
  }
  strbuf log = {0};
  strbuf_printf(&log, "%s/worker-stderr.txt", fz->dir);
  while (sh->done < fz->inputs && now() < deadline) {
    uint64_t to = sh->done + BATCH < fz->inputs ? sh->done + BATCH : fz->inputs;
    sh->phase = IDLE;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
      perror("escape-fuzz: fork");
      exit(2);
    }
    if (pid == 0) {
      int fd = open(log.s, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 2);
        close(fd);
      }
      worker_fz = fz;
      worker_to = to;
      worker_deadline = deadline;
      exit(run_deep(worker, 0, NULL));
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
      ;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
      continue;
    char how[64];
    if (WIFSIGNALED(st))
      snprintf(how, sizeof how, "%s",
               WTERMSIG(st) == SIGALRM ? "hang (alarm)"
                                       : strsignal(WTERMSIG(st)));
    else
      snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(st));
    save(fz, how, log.s);
    failures++;
    if (sh->phase != IDLE)
      sh->done = sh->index + 1; // go on after the input that failed
    else if (sh->done < to)
      break; // failing between inputs, not at its exit: nothing to skip
  }
  double t = now() - start;
  printf("escape-fuzz: %llu inputs (seed %llu, %d seeds), %llu failures, "
         "%.0f s, %.0f inputs/s; parsed cleanly %llu, with errors %llu, "
         "not at all %llu\n",
         (unsigned long long)sh->done, (unsigned long long)fz->seed, fz->nseeds,
         (unsigned long long)failures, t, sh->done / (t > 0 ? t : 1),
         (unsigned long long)sh->clean, (unsigned long long)sh->errors,
         (unsigned long long)sh->lost);
  strbuf_free(&log);
  return failures;
}

static char **replay_files;
static int replay_count;

static int replay(int argc, char **argv) {
  CXIndex idx = clang_createIndex(0, 0);
  for (int i = 0; i < replay_count; i++) {
    strbuf b = {0};
    if (!read_file(replay_files[i], &b)) {
      fprintf(stderr, "escape-fuzz: cannot read '%s'\n", replay_files[i]);
      return 2;
    }
    int r = run_one(NULL, idx, b.s, b.len, stdout);
    printf("escape-fuzz: %s: %s\n", replay_files[i],
           r == 0   ? "parsed cleanly"
           : r == 1 ? "parsed with errors"
                    : "not parsed");
    strbuf_free(&b);
  }
  clang_disposeIndex(idx);
  return 0;
}

static const char usage[] =
    "usage: escape-fuzz [-n INPUTS] [-t SECONDS] [-s SEED] [-T SECONDS]\n"
    "                   [-o DIR] [--slices FILE] FILE...\n"
    "       escape-fuzz --replay FILE...\n"
    "  -n  inputs to run (default 1000)   -t  stop after this long (0: no "
    "limit)\n"
    "  -s  seed of the mutations (1)      -T  seconds one input may take (10)\n"
    "  -o  where failures are saved (fuzz-failures)\n"
    "  --slices FILE  also seed with runs of functions cut from FILE\n";

int main(int argc, char **argv) {
  fuzz fz = {.seed = 1, .inputs = 1000, .timeout = 10, .dir = "fuzz-failures"};
  const char *slices = NULL;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--replay")) {
      replay_files = argv + i + 1;
      replay_count = argc - i - 1;
      return run_deep(replay, 0, NULL);
    }
    if (!v || strlen(a) < 2)
      break;
    if (!strcmp(a, "-n"))
      fz.inputs = strtoull(v, NULL, 10);
    else if (!strcmp(a, "-t"))
      fz.seconds = atof(v);
    else if (!strcmp(a, "-s"))
      fz.seed = strtoull(v, NULL, 10);
    else if (!strcmp(a, "-T"))
      fz.timeout = atoi(v);
    else if (!strcmp(a, "-o"))
      fz.dir = v;
    else if (!strcmp(a, "--slices"))
      slices = v;
    else
      break;
    i++;
  }
  for (; i < argc && argv[i][0] != '-'; i++) {
    strbuf b = {0};
    if (!read_file(argv[i], &b)) {
      fprintf(stderr, "escape-fuzz: cannot read '%s'\n", argv[i]);
      return 2;
    }
    add_seed(&fz, argv[i], b.s ? b.s : "", b.len);
    strbuf_free(&b);
  }
  fz.nfiles = fz.nseeds;
  if (slices)
    add_slices(&fz, slices);
  if (i < argc || fz.nseeds == 0 || fz.timeout < 1) {
    fputs(usage, stderr);
    return 2;
  }
  // The shared memory outlives each worker; run_deep's environment
  // (LIBCLANG_NOTHREADS) is set in each worker, before libclang starts.
  fz.sh = mmap(NULL, sizeof(shared), PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (fz.sh == MAP_FAILED) {
    perror("escape-fuzz: mmap");
    return 2;
  }
  uint64_t failures = run_workers(&fz);
  munmap(fz.sh, sizeof(shared));
  for (int k = 0; k < fz.nseeds; k++) {
    strbuf_free(&fz.seeds[k]);
    free(fz.names[k]);
  }
  free(fz.seeds);
  free(fz.names);
  return failures ? 1 : 0;
}

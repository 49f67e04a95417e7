// harness.h: the support code shared by the Check suites under tests/.
//
// The suites that exercise escape-check never link the analyzer: they run the
// built binary as a child process, capture its stdout, stderr and status, and
// compare them with what the contract in README.md promises. This header is
// the one shared header of tests/ (tests/support/), sectioned by
// implementing file as chibicc.h is; tests/analyzer/corpus_annotations.h and
// tests/runtime/goroutines.h build on it.
//
// Everything here aborts on out-of-memory (xmalloc) rather than returning
// errors: a test process that cannot allocate has nothing useful to report.
#ifndef ESCAPE_TESTS_HARNESS_H
#define ESCAPE_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// The exit status the sanitizers are told to use (ASAN_OPTIONS, LSAN_OPTIONS,
// UBSAN_OPTIONS exitcode=99, set by tests/CMakeLists.txt and by check_robust),
// chosen outside escape-check's own 0, 1, 2 so that a sanitizer report can
// never pass for a normal exit.
#define SANITIZER_EXITCODE 99

//
// strbuf.c
//

// strbuf is a growable NUL-terminated string. The zero value is empty.
typedef struct strbuf {
  char *s;    // NULL until the first append; then always NUL-terminated
  size_t len; // bytes before the NUL
  size_t cap; // bytes allocated
} strbuf;

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void strbuf_append(strbuf *b, const char *s, size_t n);
void strbuf_puts(strbuf *b, const char *s);
void strbuf_printf(strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *strbuf_str(const strbuf *b);
void strbuf_free(strbuf *b);

//
// strvec.c
//

// strvec is a growable list of owned strings, kept NULL-terminated so that
// v can be passed as an argv. The zero value is empty.
typedef struct strvec {
  char **v;   // v[n] == NULL once anything was pushed
  size_t n;   // strings held
  size_t cap; // slots allocated, the terminator included
} strvec;

void strvec_push(strvec *sv, const char *s);
void strvec_pushn(strvec *sv, const char *s, size_t n);
void strvec_push_all(strvec *sv, const strvec *from);
void strvec_free(strvec *sv);

//
// scratch.c
//

// Scratch files live under one directory per test process, made by
// scratch_init (an unchecked fixture, so in Check's parent process) and
// removed with everything in it by scratch_cleanup.
void scratch_init(void);
void scratch_cleanup(void);
const char *scratch_root(void);
char *scratch_dir(const char *prefix);
char *path_join(const char *dir, const char *name);
void write_file(const char *path, const char *data, size_t len);
void write_text(const char *path, const char *text);
bool read_file(const char *path, strbuf *out);
bool file_exists(const char *path);
void make_dirs(const char *path);
void remove_tree(const char *path);

//
// spawn.c
//

// spawn_opts says how to run a child; the zero value means: in the current
// directory, with the current environment, no time limit, everything kept.
typedef struct spawn_opts {
  const char *cwd;    // directory the child starts in, or NULL
  char *const *envp;  // the child's environment, or NULL for environ
  int timeout_ms;     // SIGKILL the child after this long; 0 = no limit
  size_t max_capture; // bytes of each stream kept; 0 = unlimited
} spawn_opts;

// spawn_result is what a child did. Exactly one of spawn_errno != 0,
// timed_out, signal != 0 or "exited with status" holds.
typedef struct spawn_result {
  strbuf out, err;             // captured stdout and stderr
  size_t out_total, err_total; // bytes the child wrote, kept or not
  int status;                  // exit status, when it exited
  int signal;                  // terminating signal, else 0
  bool timed_out;              // killed by us for exceeding timeout_ms
  int spawn_errno;             // nonzero if the child could not start
  double seconds;              // wall time
} spawn_result;

void spawn_run(char *const argv[], const spawn_opts *opts, spawn_result *r);
bool spawn_exited(const spawn_result *r);
const char *spawn_describe(const spawn_result *r, char *buf, size_t n);
const char *spawn_report(const spawn_result *r);
void spawn_result_free(spawn_result *r);
// find_program returns the path of command in $PATH (malloc'd), or NULL.
char *find_program(const char *command);
char **env_with_sanitizer_exitcode(void);
void env_free(char **envp);

//
// lcg.c
//

// lcg is a deterministic pseudo-random sequence (Knuth's MMIX LCG).
typedef struct lcg {
  uint64_t s;
} lcg;
uint32_t lcg_next(lcg *r);
size_t lcg_below(lcg *r, size_t n); // uniform enough in [0, n); 0 if n is 0
// lcg_for_file seeds from path's base name, xor salt.
lcg lcg_for_file(const char *path, uint64_t salt);

//
// mutate.c
//

// mutate_splice replaces del bytes at off in b with the n bytes at s.
void mutate_splice(strbuf *b, size_t off, size_t del, const char *s, size_t n);
// mutate_edit applies one edit drawn from r to b (flip a bit, insert a
// byte, delete or duplicate a run, insert a token) and appends what it did
// to what.
void mutate_edit(lcg *r, strbuf *b, strbuf *what);

//
// diag_line.c
//

// diag_line is one line of escape-check's stdout, "PATH:LINE:COL: MESSAGE".
typedef struct diag_line {
  int line, col;       // 1-based position
  const char *message; // the text after "PATH:LINE:COL: ", not owned
} diag_line;

bool diag_line_parse(const char *text, const char *path, diag_line *d);

//
// suite.c
//

// Limits that keep one failure report readable: Check's default of 4 KB
// would cut a corpus file's list of problems short.
#define SUITE_MAX_MESSAGE (64 * 1024)

typedef struct Suite Suite;
typedef struct TCase TCase;
typedef struct TTest TTest;
int suite_run(Suite *s, const char *tcase);
TCase *suite_add_test(Suite *s, const char *name, const TTest *fn,
                      double timeout);
int suite_main(Suite *s, int argc, char **argv);

//
// fatal.c
//

// misuse_fn commits a misuse of the runtime; expect_fatal runs it in a child
// and checks that it writes exactly want to standard error and exits 2.
typedef void misuse_fn(void *arg);
void expect_fatal(misuse_fn *fn, void *arg, const char *want);
void clip(strbuf *b, size_t max);

#endif

// escape-cc: a C compiler that moves escaping locals to the heap, as Go's
// compiler does, and links the runtime that collects them.
//
//   CC=escape-cc ./configure && make     make CC=escape-cc
//   cmake -DCMAKE_C_COMPILER=escape-cc   escape-cc -m -c foo.c
//
// It is a wrapper around the real compiler ($ESCAPE_REAL_CC, default cc),
// and to a build system it is that compiler: same exit status, same
// stdout, nothing extra on stderr unless asked for, the same output files.
// For each C source of a command, it runs escape-check's analysis in
// escape-cc-rewrite (rewrite_main.c), a process of its own, so that this
// driver never loads libclang; with a processor idle, the command as
// written starts beside it and stands if nothing moves. When something
// moves to heap it writes the rewritten unit (rewrite.c)
// under the source's own name in a private hidden directory beside it
// (src/.escape-cc-PID-N/a.c; in $TMPDIR when the source's directory is not
// writable) and compiles that in the source's place, with -iquote naming
// the source's directory first, so that quoted includes resolve as they
// did. The same name keeps what compilers derive from it: the object
// without -o, -save-temps, clang's FILE symbol. What the user sees names
// the source, not the temporary: #line names it for diagnostics, __FILE__
// and the line tables, -fdebug-prefix-map for DW_AT_name; a dependency
// file (-MD, -MF ...) is written by the command as the user wrote it, run
// with -fsyntax-only after the compile, so it is the real compiler's own.
// A -c or -S command with several sources compiles each on its own, since
// each needs its own directory first. A unit in which nothing moves
// compiles as written.
//
// A unit libclang cannot parse, or a rewrite the compiler rejects, is
// compiled as written, and then, if it compiled, one line on stderr names
// the file, so that
// the user's build goes on; that fallback is a bug of ours, and
// ESCAPE_CC_STRICT=1 makes it fatal. A unit that does not compile as
// written gets exactly the real compiler's diagnostics and status: when a
// rewritten command fails, the command as written runs, and if it fails
// too, its diagnostics are the ones shown.
//
// Linking a program or shared library adds the runtime (link.c says what).
#include "escape-cc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: escape-cc [-m[=2]] [--escape-report-only] [--escape-keep-temps] "
    "COMPILER-ARGS...\n"
    "\n"
    "A C compiler that moves every local whose address escapes to the\n"
    "collected heap, as Go's compiler does, then compiles with the real\n"
    "compiler and links the escape runtime. Use it as CC.\n"
    "\n"
    "  -m, -m=1               print Go's escape decisions for each unit on "
    "stderr\n"
    "  -m=2                   also print the flow that proves each decision\n"
    "  --escape-report-only   report, compile as written, link nothing extra\n"
    "  --escape-keep-temps    keep the rewritten units (for bug reports)\n"
    "  --help                 print this help (alone)\n"
    "\n"
    "Environment:\n"
    "  ESCAPE_REAL_CC     the real compiler (default: cc)\n"
    "  ESCAPE_CC_STRICT   1: a unit escape-cc cannot rewrite is an error, not\n"
    "                     a fallback to compiling it as written\n"
    "\n"
    "Every other argument is the real compiler's. See escape-cc(1).\n";

// link_flags appends what linking a program or shared library needs.
void link_flags(const command *c, const char *libdir, strlist *out);

typedef struct {
  int arg;        // index in the command of the source
  char *temp;     // rewritten unit, or NULL
  char *tempdir;  // the private directory that holds it
  bool fell_back; // compiled as written after a failure of ours
  char *why;      // why it was not rewritten, when that is our failure
  bool goroutines; // it includes <escape/go.h> (mentions_go_h)
} source;

static bool strict(void) {
  const char *s = getenv("ESCAPE_CC_STRICT");
  return s && *s && strcmp(s, "0") != 0;
}

// self_dir returns the directory of this executable.
static char *self_dir(void) {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return strdup(".");
  buf[n] = 0;
  return strdup(dirname(buf));
}

// runtime_dir finds the runtime's archives relative to this executable:
// ../lib in the build tree and after an install, or the install's
// multiarch or lib64 directory.
static char *runtime_dir(void) {
  char *dir = self_dir();
  static const char *const candidates[] = {"../lib", "../lib64",
                                           "../lib/" ESCAPE_MULTIARCH, NULL};
  char *found = NULL;
  for (int i = 0; candidates[i] && !found; i++) {
    char *lib = NULL;
    if (asprintf(&lib, "%s/%s/libescrt-cc.a", dir, candidates[i]) < 0)
      abort();
    if (access(lib, R_OK) == 0 &&
        asprintf(&found, "%s/%s", dir, candidates[i]) < 0)
      abort();
    free(lib);
  }
  if (!found && asprintf(&found, "%s/../lib", dir) < 0)
    abort();
  free(dir);
  return found;
}

// Temporaries still on disk when a signal ends escape-cc (make interrupted)
// are removed by the handler, which then dies of the same signal.
static const char *volatile pending[128];
static volatile int npending;

static volatile pid_t speculative_group; // a speculative compile (drive)

static void remove_pending(int sig) {
  if (speculative_group > 0)
    kill(-speculative_group, SIGKILL);
  for (int i = npending - 1; i >= 0; i--)
    if (pending[i] && unlink(pending[i]) != 0)
      rmdir(pending[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

static void remove_on_signal(const char *path) {
  if (npending == 0) {
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
      struct sigaction sa = {.sa_handler = remove_pending};
      sigemptyset(&sa.sa_mask);
      sigaction(sigs[i], &sa, NULL);
    }
  }
  if (npending < 128)
    pending[npending++] = path;
}

static void forget_pending(const char *path) {
  for (int i = 0; i < npending; i++)
    if (pending[i] == path)
      pending[i] = NULL;
}

// write_temp writes text as DIR/.escape-cc-PID-N/BASE, DIR the source's
// directory, or else under $TMPDIR; it sets s->temp and s->tempdir.
static bool write_temp(source *s, const char *path, const char *text,
                       size_t len, bool keep) {
  static unsigned counter;
  char *copy = strdup(path), *copy2 = strdup(path);
  const char *dir = dirname(copy), *base = basename(copy2);
  const char *tmp = getenv("TMPDIR");
  for (int attempt = 0; attempt < 2 && !s->temp; attempt++) {
    const char *where = attempt == 0 ? dir : (tmp && *tmp ? tmp : "/tmp");
    bool here = attempt == 0 && !strcmp(dir, ".") && !strchr(path, '/');
    for (int tries = 0; tries < 100; tries++) {
      char *d = NULL;
      if (asprintf(&d, "%s%s.escape-cc-%ld-%u", here ? "" : where,
                   here ? "" : "/", (long)getpid(), counter++) < 0)
        abort();
      if (mkdir(d, 0700) != 0) {
        free(d);
        if (errno == EEXIST)
          continue;
        break;
      }
      char *name = NULL;
      if (asprintf(&name, "%s/%s", d, base) < 0)
        abort();
      if (!keep) {
        remove_on_signal(d);
        remove_on_signal(name);
      }
      FILE *f = fopen(name, "w");
      bool ok = f && fwrite(text, 1, len, f) == len;
      if (f && fclose(f) != 0)
        ok = false;
      if (ok) {
        s->temp = name;
        s->tempdir = d;
        break;
      }
      forget_pending(name);
      forget_pending(d);
      unlink(name);
      rmdir(d);
      free(name);
      free(d);
      break;
    }
  }
  free(copy);
  free(copy2);
  return s->temp != NULL;
}

// real_compiler splits $ESCAPE_REAL_CC into words.
static void real_compiler(strlist *out) {
  const char *cc = getenv("ESCAPE_REAL_CC");
  if (!cc || !*cc)
    cc = "cc";
  char *copy = strdup(cc), *save = NULL;
  for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
    strlist_push(out, w);
  free(copy);
  if (out->len == 0)
    strlist_push(out, "cc");
}

// mentions_go_h reports whether the source includes <escape/go.h>.
static bool mentions_go_h(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f)
    return false;
  char line[4096];
  bool found = false;
  while (!found && fgets(line, sizeof line, f))
    found = strstr(line, "#") && strstr(line, "escape/go.h");
  fclose(f);
  return found;
}

// build_argv is the real compiler's command for the sources (only: one of
// them, or -1 for all of them and every other input), with the rewritten
// units in their places when use_temps is set.
static void build_argv(const command *c, source *src, int nsrc, int only,
                       const char *libdir, bool use_temps, strlist *out) {
  real_compiler(out);
  bool rewritten = false;
  for (int s = 0; s < nsrc; s++)
    if ((only < 0 || s == only) && use_temps && src[s].temp &&
        !src[s].fell_back) {
      // The source's directory first, as the compiler searches the
      // including file's directory first.
      const char *path = c->args.v[src[s].arg];
      char *copy = strdup(path);
      strlist_push(out, "-iquote");
      strlist_push(out, dirname(copy));
      free(copy);
      // GCC names a header found there "./h.h" where the source's own
      // directory gave "h.h"; __FILE__ must not see the difference.
      if (!strchr(path, '/') && !strstr(out->v[0], "clang"))
        strlist_push(out, "-fmacro-prefix-map=./=");
      rewritten = true;
    }
  for (int i = 0; i < c->args.len; i++) {
    if (c->kind[i] == ARG_SOURCE) {
      int s = 0;
      while (s < nsrc && src[s].arg != i)
        s++;
      if (only >= 0 && s != only)
        continue;
      bool temp = use_temps && src[s].temp && !src[s].fell_back;
      strlist_push(out, temp ? src[s].temp : c->args.v[i]);
      continue;
    }
    if (only >= 0 && c->kind[i] == ARG_INPUT)
      continue;
    // The dependency file comes from the command as written (compile).
    int opt = c->value_of[i] >= 0 ? c->value_of[i] : i;
    if (rewritten && is_dependency_option(c->args.v[opt]))
      continue;
    strlist_push(out, c->args.v[i]);
  }
  for (int s = 0; s < nsrc; s++) {
    if ((only >= 0 && s != only) || !use_temps || !src[s].temp ||
        src[s].fell_back)
      continue;
    char *map = NULL;
    if (asprintf(&map, "-fdebug-prefix-map=%s=%s", src[s].temp,
                 c->args.v[src[s].arg]) < 0)
      abort();
    strlist_push(out, map);
    free(map);
  }
  // Goroutine code: <escape/go.h> is found, and stacks are copied
  // conservatively, so no stale stack address may sit in an unwritten
  // local (GCC's flag; clang before 16 spells it otherwise).
  char *inc = NULL;
  if (asprintf(&inc, "%s/../include", libdir) < 0)
    abort();
  char *goh = NULL;
  if (asprintf(&goh, "%s/escape/go.h", inc) < 0)
    abort();
  strlist_push(out, "-idirafter");
  strlist_push(out, access(goh, R_OK) == 0 ? inc : ESCAPE_SOURCE_INCLUDE);
  free(goh);
  free(inc);
  bool goroutines = false;
  for (int s = 0; s < nsrc; s++)
    if ((only < 0 || s == only) && src[s].goroutines)
      goroutines = true;
  if (goroutines && !strstr(out->v[0], "clang"))
    strlist_push(out, "-ftrivial-auto-var-init=zero");
  if (!c->compile_only && !c->assemble_only)
    link_flags(c, libdir, out);
}

// write_dependencies runs the command as written, for the sources (only:
// one of them, or all), with -fsyntax-only: the dependency file it writes
// is the real compiler's, naming the sources and their headers.
static void write_dependencies(const command *c, source *src, int only) {
  strlist argv = {0};
  real_compiler(&argv);
  for (int i = 0; i < c->args.len; i++) {
    if (c->kind[i] == ARG_INPUT)
      continue;
    if (c->kind[i] == ARG_SOURCE && only >= 0 && src[only].arg != i)
      continue;
    strlist_push(&argv, c->args.v[i]);
  }
  strlist_push(&argv, "-fsyntax-only");
  char *errors = NULL;
  run_command(argv.v, &errors);
  free(errors);
  strlist_free(&argv);
}

// compile runs one real-compiler command for the sources (only: one of
// them, or -1 for all and the other inputs), falling back to the sources as
// written when the rewritten ones are rejected.
static int compile(const command *c, source *src, int nsrc, int only,
                   const char *libdir) {
  bool any = false;
  for (int s = 0; s < nsrc; s++)
    if ((only < 0 || s == only) && src[s].temp)
      any = true;
  strlist argv = {0};
  build_argv(c, src, nsrc, only, libdir, true, &argv);
  if (!any) {
    int status = run_command(argv.v, NULL);
    strlist_free(&argv);
    return status;
  }
  char *errors = NULL;
  int status = run_command(argv.v, &errors);
  strlist_free(&argv);
  if (status == 0) {
    fputs(errors, stderr);
    free(errors);
    if (c->deps)
      write_dependencies(c, src, only);
    return 0;
  }
  // The rewritten units were rejected. If the command fails as written
  // too, the errors are the user's, and theirs are what the user sees;
  // otherwise the rewrite was wrong: our bug, said in one line.
  for (int s = 0; s < nsrc; s++)
    if ((only < 0 || s == only) && src[s].temp)
      src[s].fell_back = true;
  strlist plain = {0};
  build_argv(c, src, nsrc, only, libdir, false, &plain);
  char *plain_errors = NULL;
  int plain_status = run_command(plain.v, &plain_errors);
  strlist_free(&plain);
  if (plain_status != 0) {
    fputs(plain_errors, stderr);
    free(plain_errors);
    free(errors);
    return plain_status;
  }
  for (int s = 0; s < nsrc; s++)
    if ((only < 0 || s == only) && src[s].temp)
      fprintf(stderr,
              "escape-cc: %s: %s: the rewritten unit did not compile; "
              "compiled as written\n",
              strict() ? "error" : "warning", c->args.v[src[s].arg]);
  if (strict()) {
    fputs(errors, stderr);
    free(errors);
    free(plain_errors);
    return status ? status : 1;
  }
  fputs(plain_errors, stderr);
  free(plain_errors);
  free(errors);
  return 0;
}

// inputs_missing reports whether an input of the command does not exist:
// the compiler's own message for it is then the one to see.
static bool inputs_missing(const command *c) {
  for (int i = 0; i < c->args.len; i++)
    if ((c->kind[i] == ARG_SOURCE || c->kind[i] == ARG_INPUT) &&
        access(c->args.v[i], F_OK) != 0)
      return true;
  return false;
}

// analyze runs escape-cc-rewrite on path: the -m report (when m) goes to
// stderr, the rewritten unit to *text, the reason it cannot be to *why.
static rewrite_status analyze(const char *path, const strlist *flags, int m,
                              char **text, size_t *text_len, char **why) {
  *text = *why = NULL;
  char *dir = self_dir();
  strlist argv = {0};
  char *tool = NULL, level[4];
  if (asprintf(&tool, "%s/escape-cc-rewrite", dir) < 0)
    abort();
  free(dir);
  strlist_push(&argv, tool);
  free(tool);
  snprintf(level, sizeof level, "%d", m);
  strlist_push(&argv, "-m");
  strlist_push(&argv, level);
  strlist_push(&argv, path);
  strlist_push(&argv, "--");
  for (int i = 0; i < flags->len; i++)
    strlist_push(&argv, flags->v[i]);
  child ch = {.capture_fd = 1};
  char *out = NULL;
  int status = start_command(argv.v, true, &ch)
                   ? finish_command(&ch, &out, text_len)
                   : 127;
  strlist_free(&argv);
  switch (status) {
  case 0:
    free(out);
    return REWRITE_NONE;
  case 3:
    *text = out;
    return REWRITE_DONE;
  case 5:
    out[strcspn(out, "\n")] = 0;
    *why = out;
    return REWRITE_FAILED;
  case 4:
    free(out);
    return REWRITE_PARSE;
  default:
    free(out);
    if (asprintf(why, "%s: escape-cc-rewrite failed (status %d)", path,
                 status) < 0)
      abort();
    return REWRITE_FAILED;
  }
}

// idle_core reports whether a processor is idle now: fewer runnable tasks
// (ourselves included; /proc/loadavg's fourth field) than processors, as
// while configure runs its checks one by one.
static bool idle_core(void) {
  FILE *f = fopen("/proc/loadavg", "r");
  if (!f)
    return false;
  double a, b, d;
  int running = 0, total = 0;
  bool ok = fscanf(f, "%lf %lf %lf %d/%d", &a, &b, &d, &running, &total) == 5;
  fclose(f);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return ok && running < cpus;
}

static int drive(int argc, char **argv) {
  command c;
  parse_command(&c, argc, argv);
  if (c.help) {
    fputs(usage, stdout);
    free_command(&c);
    return 0;
  }
  char *libdir = runtime_dir();
  bool links = !c.compile_only && !c.assemble_only;
  // -c or -S with -o and several inputs: the compiler refuses it, in its
  // own words.
  if ((c.compile_only || c.assemble_only) && c.output && c.ninputs > 1)
    c.passthrough = true;
  if (inputs_missing(&c))
    c.passthrough = true;
  if (c.passthrough || (c.nsources == 0 && !links) || c.report_only) {
    if (c.report_only && !c.passthrough) {
      strlist flags = {0};
      analysis_flags(&c, &flags);
      for (int i = 0; i < c.args.len; i++)
        if (c.kind[i] == ARG_SOURCE) {
          char *out, *why;
          size_t len;
          analyze(c.args.v[i], &flags, c.m ? c.m : 1, &out, &len, &why);
          free(out);
          free(why);
        }
      strlist_free(&flags);
    }
    strlist cmd = {0};
    real_compiler(&cmd);
    for (int i = 0; i < c.args.len; i++)
      strlist_push(&cmd, c.args.v[i]);
    int status = run_command(cmd.v, NULL);
    strlist_free(&cmd);
    free(libdir);
    free_command(&c);
    return status;
  }

  strlist flags = {0};
  analysis_flags(&c, &flags);
  source *src = calloc(c.nsources + 1, sizeof *src);
  int nsrc = 0, status = 0;
  for (int i = 0; i < c.args.len; i++)
    if (c.kind[i] == ARG_SOURCE) {
      src[nsrc].arg = i;
      src[nsrc++].goroutines = mentions_go_h(c.args.v[i]);
    }
  // Speculation: with a processor idle, the command as written starts at
  // once, beside the analysis; if nothing moves to heap, its result is the
  // result, and the analysis cost no time. Configure scripts, which compile
  // their checks one at a time, gain most.
  child spec = {.group = true};
  bool speculating = false;
  bool save_temps = false; // its files would race the rewritten compile's
  for (int i = 0; i < c.args.len; i++)
    save_temps |= !strncmp(c.args.v[i], "-save-temps", 11);
  if (nsrc == 1 && !save_temps && idle_core()) {
    strlist argv = {0};
    build_argv(&c, src, nsrc, -1, libdir, false, &argv);
    speculating = start_command(argv.v, true, &spec);
    if (speculating)
      speculative_group = spec.pid;
    strlist_free(&argv);
  }
  bool settled = false; // the speculative compile's result is the result
  for (int n = 0; n < nsrc; n++) {
    source *s = &src[n];
    const char *path = c.args.v[s->arg];
    char *text = NULL, *why = NULL;
    size_t text_len = 0;
    rewrite_status result = analyze(path, &flags, c.m, &text, &text_len, &why);
    if (speculating && result == REWRITE_DONE) {
      discard_command(&spec);
      speculative_group = 0;
      speculating = false;
    }
    switch (result) {
    case REWRITE_NONE:
      break;
    case REWRITE_PARSE:
      if (asprintf(&s->why, "%s: libclang could not parse it", path) < 0)
        abort();
      break;
    case REWRITE_FAILED:
      s->why = why;
      why = NULL;
      break;
    case REWRITE_DONE:
      if (!write_temp(s, path, text, text_len, c.keep_temps) &&
          asprintf(&s->why, "%s: cannot write the rewritten unit: %s", path,
                   strerror(errno)) < 0)
        abort();
      break;
    }
    free(text);
    free(why);
  }
  if (speculating) { // nothing moved: the compile as written stands
    char *errs = NULL;
    status = finish_command(&spec, &errs, NULL);
    speculative_group = 0;
    fputs(errs, stderr);
    free(errs);
    settled = true;
  }
  strlist_free(&flags);
  if (!settled) {
    // Several sources with -c or -S: each on its own, with its own
    // directory first; the other inputs in one more command.
    bool any = false;
    for (int s = 0; s < nsrc; s++)
      any |= src[s].temp != NULL;
    if ((c.compile_only || c.assemble_only) && nsrc > 1 && any) {
      for (int s = 0; s < nsrc; s++) {
        int st = compile(&c, src, nsrc, s, libdir);
        if (st > status)
          status = st;
      }
      if (c.ninputs > nsrc) {
        strlist rest = {0};
        real_compiler(&rest);
        for (int i = 0; i < c.args.len; i++)
          if (c.kind[i] != ARG_SOURCE)
            strlist_push(&rest, c.args.v[i]);
        int st = run_command(rest.v, NULL);
        strlist_free(&rest);
        if (st > status)
          status = st;
      }
    } else {
      status = compile(&c, src, nsrc, -1, libdir);
    }
  }
  // A unit compiled as written because of us: said in one line, once the
  // compile has shown that the unit itself was fine (when it is not, the
  // compiler's diagnostics are all the user sees).
  for (int s = 0; s < nsrc; s++)
    if (src[s].why && status == 0) {
      fprintf(stderr, "escape-cc: %s: %s; compiled as written\n",
              strict() ? "error" : "warning", src[s].why);
      if (strict())
        status = 1;
    }
  for (int s = 0; s < nsrc; s++) {
    free(src[s].why);
    if (src[s].temp) {
      if (c.keep_temps) {
        fprintf(stderr, "escape-cc: kept %s\n", src[s].temp);
      } else {
        unlink(src[s].temp);
        rmdir(src[s].tempdir);
      }
      forget_pending(src[s].temp);
      forget_pending(src[s].tempdir);
    }
    free(src[s].temp);
    free(src[s].tempdir);
  }
  free(src);
  free(libdir);
  free_command(&c);
  return status;
}

int main(int argc, char **argv) { return drive(argc, argv); }

// spawn.c: running a program and capturing what it did.
//
// Every suite that tests escape-check runs it as a child: posix_spawn with
// an argv (never a shell, so no file name is ever re-parsed), stdin from
// /dev/null, stdout and stderr on two pipes. One poll loop drains both pipes
// at once — reading them in turn would deadlock as soon as the child fills
// the one we are not reading — and enforces the time limit by SIGKILL, so a
// hang in the analyzer becomes a reported failure with its output so far
// rather than a test killed by Check's own timer with nothing to show.
//
// Children that run under the sanitizers should exit with SANITIZER_EXITCODE
// when they report; env_with_sanitizer_exitcode builds such an environment.
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// start launches argv with stdout and stderr on the write ends of out and
// err. It returns the pid, or -1 with errno set.
static pid_t start(char *const argv[], const spawn_opts *o, int out[2],
                   int err[2]) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  if (o->cwd != NULL)
    posix_spawn_file_actions_addchdir_np(&fa, o->cwd);
  pid_t pid;
  int rc =
      posix_spawn(&pid, argv[0], &fa, NULL, argv, o->envp ? o->envp : environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    errno = rc;
    return -1;
  }
  return pid;
}

// keep appends what was read to the buffer, up to the capture limit.
static void keep(strbuf *b, size_t *total, const char *buf, size_t n,
                 size_t max) {
  *total += n;
  if (max != 0 && b->len + n > max)
    n = b->len < max ? max - b->len : 0;
  strbuf_append(b, buf, n);
}

// drain reads both pipes until both are closed, killing pid once the
// deadline (if any) has passed.
static void drain(pid_t pid, int fds[2], const spawn_opts *o, spawn_result *r,
                  double t0) {
  strbuf *bufs[2] = {&r->out, &r->err};
  size_t *totals[2] = {&r->out_total, &r->err_total};
  struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
  char buf[65536];
  while (p[0].fd >= 0 || p[1].fd >= 0) {
    int wait = -1;
    if (o->timeout_ms > 0 && !r->timed_out) {
      wait = (int)(o->timeout_ms - (now() - t0) * 1000);
      if (wait <= 0) {
        kill(pid, SIGKILL);
        r->timed_out = true;
        wait = -1;
      }
    }
    if (poll(p, 2, wait) < 0 && errno != EINTR)
      break;
    for (int i = 0; i < 2; i++) {
      if (p[i].fd < 0 || p[i].revents == 0)
        continue;
      ssize_t n = read(p[i].fd, buf, sizeof buf);
      if (n > 0) {
        keep(bufs[i], totals[i], buf, (size_t)n, o->max_capture);
      } else if (n == 0 || errno != EINTR) {
        close(p[i].fd);
        p[i].fd = -1;
      }
    }
  }
}

// spawn_run runs argv[0] (a path: no PATH search) to completion. It always
// fills r; the caller frees it with spawn_result_free.
void spawn_run(char *const argv[], const spawn_opts *opts, spawn_result *r) {
  static const spawn_opts none = {0};
  const spawn_opts *o = opts ? opts : &none;
  *r = (spawn_result){0};
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    r->spawn_errno = errno;
    return;
  }
  double t0 = now();
  pid_t pid = start(argv, o, out, err);
  int saved = errno;
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    close(out[0]);
    close(err[0]);
    r->spawn_errno = saved;
    return;
  }
  drain(pid, (int[2]){out[0], err[0]}, o, r, t0);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  r->seconds = now() - t0;
  if (WIFEXITED(st))
    r->status = WEXITSTATUS(st);
  else if (WIFSIGNALED(st) && !r->timed_out)
    r->signal = WTERMSIG(st);
}

// spawn_exited reports whether the child ran and exited by itself.
bool spawn_exited(const spawn_result *r) {
  return r->spawn_errno == 0 && !r->timed_out && r->signal == 0;
}

// spawn_describe writes how the child ended into buf, e.g. "exit status 1"
// or "killed by signal 11 (Segmentation fault)", and returns buf.
const char *spawn_describe(const spawn_result *r, char *buf, size_t n) {
  if (r->spawn_errno != 0)
    snprintf(buf, n, "could not start: %s", strerror(r->spawn_errno));
  else if (r->timed_out)
    snprintf(buf, n, "timed out after %.1f s (killed)", r->seconds);
  else if (r->signal != 0)
    snprintf(buf, n, "killed by signal %d (%s)", r->signal,
             strsignal(r->signal));
  else if (r->status == SANITIZER_EXITCODE)
    snprintf(buf, n, "exit status %d (a sanitizer report, see stderr)",
             r->status);
  else
    snprintf(buf, n, "exit status %d", r->status);
  return buf;
}

// spawn_report renders what the child did for a failure message: how it
// ended (spawn_describe), then its stdout and stderr in quotes, each on a
// line of its own; clipped to half a Check message, so that two fit in one.
// The text lives in a static buffer until the next call.
const char *spawn_report(const spawn_result *r) {
  static strbuf b;
  char how[128];
  strbuf_free(&b);
  strbuf_printf(&b, "\n  %s\n  stdout: \"%s\"\n  stderr: \"%s\"",
                spawn_describe(r, how, sizeof how), strbuf_str(&r->out),
                strbuf_str(&r->err));
  clip(&b, SUITE_MAX_MESSAGE / 2);
  return strbuf_str(&b);
}

void spawn_result_free(spawn_result *r) {
  strbuf_free(&r->out);
  strbuf_free(&r->err);
}

// is_sanitizer_var reports whether the environment entry e sets one of the
// sanitizer option variables.
static bool is_sanitizer_var(const char *e) {
  return strncmp(e, "ASAN_OPTIONS=", 13) == 0 ||
         strncmp(e, "LSAN_OPTIONS=", 13) == 0 ||
         strncmp(e, "UBSAN_OPTIONS=", 14) == 0;
}

// env_with_sanitizer_exitcode returns a copy of the environment in which
// ASAN_OPTIONS, LSAN_OPTIONS and UBSAN_OPTIONS keep their settings and add
// exitcode=SANITIZER_EXITCODE (the last setting of a flag wins). Free it
// with env_free.
char **env_with_sanitizer_exitcode(void) {
  static const char *const vars[] = {"ASAN_OPTIONS", "LSAN_OPTIONS",
                                     "UBSAN_OPTIONS"};
  strvec env = {0};
  for (char **e = environ; *e; e++)
    if (!is_sanitizer_var(*e))
      strvec_push(&env, *e);
  for (size_t i = 0; i < 3; i++) {
    const char *old = getenv(vars[i]);
    strbuf b = {0};
    strbuf_printf(&b, "%s=%s%sexitcode=%d", vars[i], old ? old : "",
                  old && *old ? ":" : "", SANITIZER_EXITCODE);
    strvec_push(&env, b.s);
    strbuf_free(&b);
  }
  return env.v;
}

void env_free(char **envp) {
  for (char **e = envp; e && *e; e++)
    free(*e);
  free(envp);
}

char *find_program(const char *command) {
  const char *path = getenv("PATH");
  char *copy = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL;
  char *found = NULL;
  for (char *d = strtok_r(copy, ":", &save); d && !found;
       d = strtok_r(NULL, ":", &save)) {
    char *p = path_join(d, command);
    if (access(p, X_OK) == 0)
      found = p;
    else
      free(p);
  }
  free(copy);
  return found;
}

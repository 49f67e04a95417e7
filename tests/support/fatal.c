// fatal.c: running a misuse in a child and matching what the runtime says.
//
// The runtime stops a program that misuses it with one line on standard
// error and exit status 2 (runtime/HACKING.md), as Go's crash tests expect
// (crash_test.go). expect_fatal forks, runs the misuse in the child with its
// standard error in a pipe, and compares the whole text and the status.
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// Seconds a child may take before it is killed: a misuse that hangs (a
// deadlock on a runtime lock) fails instead of stopping the suite.
enum { CHILD_SECONDS = 20 };

// expect_fatal runs fn(arg) in a child and checks that it writes exactly
// want to standard error and exits with status 2.
void expect_fatal(misuse_fn *fn, void *arg, const char *want) {
  int fds[2];
  ck_assert_msg(pipe(fds) == 0, "pipe: %s", strerror(errno));
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    alarm(CHILD_SECONDS);
    fn(arg);
    _exit(0); // the misuse went unnoticed
  }
  close(fds[1]);
  strbuf err = {0};
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    ck_assert_msg(n > 0, "read: %s", strerror(errno));
    strbuf_append(&err, buf, (size_t)n);
  }
  close(fds[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    ck_assert_msg(errno == EINTR, "waitpid: %s", strerror(errno));
  const char *got = strbuf_str(&err);
  if (WIFSIGNALED(status))
    ck_abort_msg("the child died of signal %d; stderr:\n%s", WTERMSIG(status),
                 got);
  ck_assert_msg(WEXITSTATUS(status) == 2 && strcmp(got, want) == 0,
                "exit status %d, stderr:\n%s\nwant status 2, stderr:\n%s",
                WEXITSTATUS(status), got, want);
  strbuf_free(&err);
}

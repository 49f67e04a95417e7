// Running the real compiler (and escape-cc-rewrite): fork and exec, its
// stdout and stdin shared with ours, its stderr passed through or
// collected (or its stdout, for escape-cc-rewrite's answer). Collecting lets
// escape-cc show the compiler's diagnostics only when they are the user's:
// a rewritten unit the compiler rejects is our bug, and its errors give way
// to those of the unit compiled as written. A speculative compile (main.c)
// runs in a process group of its own, which escape-cc's signal handler
// ends with it; when its result is not wanted it is still waited for, not
// killed: a compiler killed in mid-run leaves its temporary files behind.
#include "escape-cc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

bool start_command(char *const *argv, bool capture, child *ch) {
  ch->err_fd = -1;
  int fd = ch->capture_fd ? ch->capture_fd : 2;
  int fds[2] = {-1, -1};
  if (capture && pipe(fds) != 0)
    return false;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    if (capture) {
      close(fds[0]);
      close(fds[1]);
    }
    return false;
  }
  if (pid == 0) {
    if (ch->group)
      setpgid(0, 0);
    if (capture) {
      dup2(fds[1], fd);
      close(fds[0]);
      close(fds[1]);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "escape-cc: error: cannot run '%s': %s\n", argv[0],
            strerror(errno));
    _exit(127);
  }
  if (ch->group)
    setpgid(pid, pid); // as the child does: whichever runs first
  ch->pid = pid;
  if (capture) {
    close(fds[1]);
    ch->err_fd = fds[0];
  }
  return true;
}

int finish_command(child *ch, char **capture, size_t *got) {
  if (got)
    *got = 0;
  if (ch->err_fd >= 0) {
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    for (;;) {
      if (len + 1024 > cap)
        buf = realloc(buf, cap *= 2);
      ssize_t n = read(ch->err_fd, buf + len, cap - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += n;
    }
    buf[len] = 0;
    if (got)
      *got = len;
    close(ch->err_fd);
    ch->err_fd = -1;
    if (capture)
      *capture = buf;
    else
      free(buf);
  }
  int status;
  while (waitpid(ch->pid, &status, 0) < 0)
    if (errno != EINTR)
      return 127;
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

void discard_command(child *ch) { finish_command(ch, NULL, NULL); }

int run_command(char *const *argv, char **capture) {
  child ch = {0};
  if (!start_command(argv, capture != NULL, &ch)) {
    if (capture)
      *capture = strdup("");
    return 127;
  }
  return finish_command(&ch, capture, NULL);
}

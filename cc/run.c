// Running the real compiler: fork and exec, its stdout and stdin shared
// with ours, its stderr passed through or collected. Collecting lets
// escape-cc show the compiler's diagnostics only when they are the user's:
// a rewritten unit the compiler rejects is our bug, and its errors give way
// to those of the unit compiled as written.
#include "escape-cc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int run_command(char *const *argv, char **capture) {
  int fds[2] = {-1, -1};
  if (capture && pipe(fds) != 0)
    return 127;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0)
    return 127;
  if (pid == 0) {
    if (capture) {
      dup2(fds[1], 2);
      close(fds[0]);
      close(fds[1]);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "escape-cc: error: cannot run '%s': %s\n", argv[0],
            strerror(errno));
    _exit(127);
  }
  if (capture) {
    close(fds[1]);
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    for (;;) {
      if (len + 1024 > cap)
        buf = realloc(buf, cap *= 2);
      ssize_t n = read(fds[0], buf + len, cap - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += n;
    }
    buf[len] = 0;
    close(fds[0]);
    *capture = buf;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return 127;
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

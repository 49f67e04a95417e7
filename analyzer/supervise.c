// Running the analysis in a child process, so that no input can take the
// whole run down.
//
// libclang crashes on some inputs (a 300,000-deep expression overflows its
// parser's stack) and a crash in a thread kills the process. So the
// analysis runs in a child; the parent reads the child's progress lines
// (driver.c: "S i" when file i is started, "D i" when it is lowered, "P n"
// when solving starts), draws a progress bar when stderr is a terminal,
// and waits. When the child dies by a signal, the files in flight are the
// suspects: one suspect is the culprit, and is marked failed with the
// signal's name; several are parsed alone, first, by the next child, so
// that the next crash names one. Either way the run starts again, and the
// other files are analyzed. The child prints nothing until the end, so a
// crashed child's output never mixes with the next one's.
#include "escape.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

// draw shows "[=====>    ] 12/40 files  lstrlib.c" on one terminal line.
static void draw(int done, int total, const char *current, bool solving) {
  enum { WIDTH = 30 };
  int fill = total ? done * WIDTH / total : WIDTH;
  char bar[WIDTH + 1];
  for (int i = 0; i < WIDTH; i++)
    bar[i] = i < fill ? '=' : ' ';
  bar[WIDTH] = 0;
  const char *base = current ? strrchr(current, '/') : NULL;
  base = base ? base + 1 : current;
  fprintf(stderr, "\r\033[K[%s] %d/%d files%s%s", bar, done, total,
          solving ? "  solving"
          : base  ? "  "
                  : "",
          solving ? ""
          : base  ? base
                  : "");
  fflush(stderr);
}

int supervise(source_list *sources, bool show_progress,
              int (*child)(source_list *, int progress_fd, void *), void *arg) {
  int total = 0;
  for (int i = 0; i < sources->len; i++)
    total += !sources->items[i].failed;
  for (;;) {
    int fds[2];
    if (pipe(fds) != 0)
      return child(sources, -1, arg); // unsupervised, as a last resort
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      return child(sources, -1, arg);
    }
    if (pid == 0) {
      close(fds[0]);
      int status = child(sources, fds[1], arg);
      fflush(stdout);
      fflush(stderr);
      _exit(status);
    }
    close(fds[1]);
    char *inflight = must_calloc(sources->len, 1);
    int done = 0;
    const char *current = NULL;
    double last = 0;
    FILE *in = fdopen(fds[0], "r");
    char line[64];
    while (in && fgets(line, sizeof line, in)) {
      int i = atoi(line + 2);
      bool solving = line[0] == 'P';
      if (line[0] == 'S' && i >= 0 && i < sources->len) {
        inflight[i] = 1;
        current = sources->items[i].path;
      } else if (line[0] == 'D' && i >= 0 && i < sources->len) {
        inflight[i] = 0;
        done++;
      }
      if (show_progress && (now() - last > 0.1 || solving)) {
        draw(done, total, current, solving);
        last = now();
      }
    }
    if (in)
      fclose(in);
    else
      close(fds[0]);
    if (show_progress)
      fputs("\r\033[K", stderr);
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
      ;
    if (!WIFSIGNALED(ws)) {
      free(inflight);
      return WIFEXITED(ws) ? WEXITSTATUS(ws) : 3;
    }
    int sig = WTERMSIG(ws);
    int suspects = 0, culprit = -1;
    for (int i = 0; i < sources->len; i++)
      if (inflight[i]) {
        suspects++;
        culprit = i;
      }
    if (suspects == 0) {
      free(inflight);
      fprintf(stderr,
              "escape-check: error: the analysis crashed (%s) after every "
              "file was parsed; please report it with the files\n",
              strsignal(sig));
      return 3;
    }
    if (suspects == 1) {
      source_file *s = &sources->items[culprit];
      source_fail(s, "libclang or the analysis crashed on it (%s)",
                  strsignal(sig));
      s->suspect = false;
      total--;
    } else {
      for (int i = 0; i < sources->len; i++)
        sources->items[i].suspect = inflight[i];
    }
    free(inflight);
  }
}

// check_cgo: what escape-cc links into every program (runtime/cgo.c), seen
// from programs linked as escape-cc links them (cgo/child.c).
//
// A thread from pthread_create that never allocates a collected object
// keeps one alive through collections with a pointer in a local, even with
// every signal blocked; so do a local that AddressSanitizer moved to a fake
// frame, on such a thread and on the collecting thread, and an object from
// malloc (the sanitizer's, under AddressSanitizer). C's malloc family is
// the span heap's without a sanitizer and the sanitizer's with one; a
// shared library loaded with dlopen allocates from the executable's
// runtime. The keeping tests run with the mark concurrent and stopped
// (GODEBUG=gcstoptheworld=1), and check that the object is freed once its
// holder lets it go: the children leave no other copy of its address where
// the collector looks. A child that hangs is killed after CHILD_TIMEOUT_MS.
//
// usage: check_cgo CGO_CHILD CGO_CHILD_NOSAN CGO_LIB [TEST]
#define _GNU_SOURCE
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

extern char **environ;

enum { CHILD_TIMEOUT_MS = 60 * 1000 };

static const char *child_asan, *child_nosan, *cgo_lib;

// child_env is the environment with GODEBUG set to godebug (none if NULL)
// and, if uar, detect_stack_use_after_return=1 added to ASAN_OPTIONS.
static strvec child_env(const char *godebug, bool uar) {
  strvec env = {0};
  const char *asan = "";
  for (char **e = environ; *e; e++) {
    if (strncmp(*e, "ASAN_OPTIONS=", 13) == 0)
      asan = *e + 13;
    else if (strncmp(*e, "GODEBUG=", 8) != 0)
      strvec_push(&env, *e);
  }
  strbuf b = {0};
  strbuf_printf(&b, "ASAN_OPTIONS=%s%s%s", asan, *asan && uar ? ":" : "",
                uar ? "detect_stack_use_after_return=1" : "");
  strvec_push(&env, strbuf_str(&b));
  strbuf_free(&b);
  if (godebug != NULL) {
    strbuf_printf(&b, "GODEBUG=%s", godebug);
    strvec_push(&env, strbuf_str(&b));
    strbuf_free(&b);
  }
  return env;
}

// expect_child runs prog with command cmd (and arg, if not NULL) and
// asserts that it exits 0, prints want and nothing on stderr.
static void expect_child(const char *prog, const char *cmd, const char *arg,
                         const char *godebug, bool uar, const char *want) {
  char *argv[] = {(char *)prog, (char *)cmd, (char *)arg, NULL};
  strvec env = child_env(godebug, uar);
  spawn_opts o = {.envp = env.v, .timeout_ms = CHILD_TIMEOUT_MS};
  spawn_result r;
  spawn_run(argv, &o, &r);
  strbuf out = {0}, err = {0};
  strbuf_puts(&out, strbuf_str(&r.out));
  strbuf_puts(&err, strbuf_str(&r.err));
  clip(&out, 4096);
  clip(&err, 8192);
  char how[128];
  ck_assert_msg(spawn_exited(&r) && r.status == 0 && r.err.len == 0 &&
                    strcmp(strbuf_str(&r.out), want) == 0,
                "%s %s (GODEBUG=%s%s): want status 0, stdout \"%s\" and an "
                "empty stderr; got %s\n  stdout: \"%s\"\n  stderr: \"%s\"",
                prog, cmd, godebug ? godebug : "",
                uar ? ", detect_stack_use_after_return=1" : "", want,
                spawn_describe(&r, how, sizeof how), strbuf_str(&out),
                strbuf_str(&err));
  strbuf_free(&out);
  strbuf_free(&err);
  spawn_result_free(&r);
  strvec_free(&env);
}

// The two marks: concurrent where the kernel tracks written pages, and
// stopped.
static const char *const marks[] = {NULL, "gcstoptheworld=1"};

START_TEST(malloc_on_span_heap) {
  expect_child(child_nosan, "malloc", NULL, NULL, false, "span heap\n");
}
END_TEST

START_TEST(malloc_left_to_sanitizer) {
  expect_child(child_asan, "malloc", NULL, NULL, false, "not the span heap\n");
}
END_TEST

// Under detect_stack_use_after_return the holder's local would be in a
// fake frame: cgo-child runs without it here.
START_TEST(thread_keeps_object) {
  for (int i = 0; i < 2; i++) {
    expect_child(child_nosan, "thread", NULL, marks[i], false, "kept\nfreed\n");
    expect_child(child_asan, "thread", NULL, marks[i], false, "kept\nfreed\n");
  }
}
END_TEST

START_TEST(thread_blocking_signals_does_not_hold_off_collection) {
  for (int i = 0; i < 2; i++) {
    expect_child(child_nosan, "thread-blocks-signals", NULL, marks[i], false,
                 "kept\nfreed\n");
    expect_child(child_asan, "thread-blocks-signals", NULL, marks[i], false,
                 "kept\nfreed\n");
  }
}
END_TEST

START_TEST(malloc_object_keeps_object) {
  for (int i = 0; i < 2; i++) {
    expect_child(child_nosan, "malloc-object", NULL, marks[i], false,
                 "kept\nfreed\n");
    expect_child(child_asan, "malloc-object", NULL, marks[i], false,
                 "kept\nfreed\n");
  }
}
END_TEST

START_TEST(fake_frame_keeps_object) {
  for (int i = 0; i < 2; i++) {
    expect_child(child_asan, "fake-frame", NULL, marks[i], true,
                 "kept\nfreed\n");
    expect_child(child_asan, "fake-frame-main", NULL, marks[i], true, "kept\n");
  }
}
END_TEST

START_TEST(shared_library_uses_executable_runtime) {
  expect_child(child_asan, "shared-lib", cgo_lib, NULL, false,
               "the executable's heap\n");
}
END_TEST

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr,
            "usage: check_cgo CGO_CHILD CGO_CHILD_NOSAN CGO_LIB [TEST]\n");
    return 2;
  }
  child_asan = argv[1];
  child_nosan = argv[2];
  cgo_lib = argv[3];
  Suite *s = suite_create("cgo");
  suite_add_test(s, "malloc-on-span-heap", malloc_on_span_heap, 60);
  suite_add_test(s, "malloc-left-to-sanitizer", malloc_left_to_sanitizer, 60);
  suite_add_test(s, "thread-keeps-object", thread_keeps_object, 60);
  suite_add_test(s, "thread-blocking-signals-does-not-hold-off-collection",
                 thread_blocking_signals_does_not_hold_off_collection, 60);
  suite_add_test(s, "malloc-object-keeps-object", malloc_object_keeps_object,
                 60);
  suite_add_test(s, "fake-frame-keeps-object", fake_frame_keeps_object, 60);
  suite_add_test(s, "shared-library-uses-executable-runtime",
                 shared_library_uses_executable_runtime, 60);
  return suite_run(s, argc == 5 ? argv[4] : NULL);
}

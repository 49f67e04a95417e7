// check_sizeclasses: the size-class tables of runtime/sizeclasses.h, and the
// generator that writes them (runtime/mksizeclasses.c).
//
// The tables are checked for what the allocator relies on: every request
// size maps to the smallest class that holds it; class sizes grow and keep
// the alignment the generator gives them; a span's tail waste is at most
// 1/8 of it; round-up and tail waste together stay within the generator's
// 1.266x for all but the smallest classes; the division magic gives the object
// index for every offset in a span; every span holds an object. A last test
// runs the generator and compares its output byte for byte with the committed
// header, so that the header cannot be edited by hand or go stale.
//
// Usage: check_sizeclasses MKSIZECLASSES SIZECLASSES_H
// (the built generator and the committed header). The suite depends on
// nothing but Check and the header: it does not link the analyzer.
#include "sizeclasses.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// The command line, set by main before the tests run (forked children
// inherit them).
static const char *generator_path;
static const char *header_path;

// size_to_class returns the class of a request of size bytes,
// 0 < size <= MAX_SMALL_SIZE, the way the allocator looks it up.
static int size_to_class(int size) {
  if (size <= SMALL_SIZE_MAX)
    return size_to_class8[(size + SMALL_SIZE_DIV - 1) / SMALL_SIZE_DIV];
  return size_to_class128[(size - SMALL_SIZE_MAX + LARGE_SIZE_DIV - 1) /
                          LARGE_SIZE_DIV];
}

static int span_bytes(int c) { return class_to_allocnpages[c] * PAGE_SIZE; }

static int objects_per_span(int c) { return span_bytes(c) / class_to_size[c]; }

// ---------------------------------------------------------------------------
// Lookup tables
// ---------------------------------------------------------------------------

START_TEST(every_size_maps_to_the_smallest_class_that_holds_it) {
  for (int size = 1; size <= MAX_SMALL_SIZE; size++) {
    int c = size_to_class(size);
    ck_assert_msg(c >= 1 && c < NUM_SIZE_CLASSES, "size %d: class %d", size, c);
    ck_assert_msg(class_to_size[c] >= size, "size %d: class %d holds %d", size,
                  c, class_to_size[c]);
    ck_assert_msg(class_to_size[c - 1] < size,
                  "size %d: class %d (%d bytes) chosen, but class %d holds "
                  "%d bytes",
                  size, c, class_to_size[c], c - 1, class_to_size[c - 1]);
  }
}
END_TEST

START_TEST(the_largest_small_size_maps_to_the_last_class) {
  ck_assert_int_eq(size_to_class(MAX_SMALL_SIZE), NUM_SIZE_CLASSES - 1);
  ck_assert_int_eq(class_to_size[NUM_SIZE_CLASSES - 1], MAX_SMALL_SIZE);
}
END_TEST

// ---------------------------------------------------------------------------
// Class sizes
// ---------------------------------------------------------------------------

START_TEST(class_sizes_strictly_increase_from_zero) {
  ck_assert_int_eq(class_to_size[0], 0);
  ck_assert_int_eq(class_to_allocnpages[0], 0);
  for (int c = 1; c < NUM_SIZE_CLASSES; c++)
    ck_assert_msg(class_to_size[c] > class_to_size[c - 1],
                  "class %d: %d bytes after %d", c, class_to_size[c],
                  class_to_size[c - 1]);
}
END_TEST

// guaranteed_align returns the alignment the generator guarantees a class of
// size bytes: it steps through sizes 8 bytes apart, 16 from 32 bytes (heap
// bitmaps assume it), and from 128 bytes size/8 rounded down to a power of
// two (256 from 2048). Its second pass then enlarges some classes keeping
// only LARGE_SIZE_DIV alignment, so above that only 128 is guaranteed.
static int guaranteed_align(int size) {
  if (size < 32)
    return 8;
  if (size < 128)
    return 16;
  int pow2 = 128;
  while (pow2 * 2 <= size)
    pow2 *= 2;
  return pow2 / 8 < LARGE_SIZE_DIV ? pow2 / 8 : LARGE_SIZE_DIV;
}

START_TEST(class_sizes_keep_the_generators_alignment) {
  for (int c = 1; c < NUM_SIZE_CLASSES; c++) {
    int size = class_to_size[c];
    ck_assert_msg(size % guaranteed_align(size) == 0,
                  "class %d: %d bytes is not a multiple of %d", c, size,
                  guaranteed_align(size));
  }
}
END_TEST

// ---------------------------------------------------------------------------
// Spans and waste
// ---------------------------------------------------------------------------

START_TEST(every_span_holds_an_object_in_at_most_ten_pages) {
  for (int c = 1; c < NUM_SIZE_CLASSES; c++) {
    ck_assert_msg(class_to_allocnpages[c] >= 1 && class_to_allocnpages[c] <= 10,
                  "class %d: %d pages", c, class_to_allocnpages[c]);
    ck_assert_msg(objects_per_span(c) >= 1, "class %d: %d bytes in %d", c,
                  class_to_size[c], span_bytes(c));
  }
}
END_TEST

START_TEST(span_tail_waste_is_at_most_an_eighth_of_the_span) {
  for (int c = 1; c < NUM_SIZE_CLASSES; c++) {
    int tail = span_bytes(c) % class_to_size[c];
    ck_assert_msg(tail <= span_bytes(c) / 8,
                  "class %d: %d of %d span bytes left over", c, tail,
                  span_bytes(c));
  }
}
END_TEST

// The generator aims at 12.5% round-up waste and enforces 12.5% tail waste,
// so it claims at most 1.125 * 1.125 = 81/64 (1.266x) of span bytes per
// requested byte. The worst request of class c is one byte more than class
// c-1 holds, so the claim is span_bytes <= 81/64 * objects * request. It
// holds for every class above 64 bytes; the six classes up to 64 bytes are
// exempt: their 8- and 16-byte steps are a quarter of the size or more
// (64 bytes serves a 49-byte request at 1.31x).
//
// The round-up aim alone is no bound: where neighbouring sizes fitted the
// same objects into the same pages the generator merged them into the
// larger, and where it enlarged a class to fill its span the step widened,
// so 769 bytes round up to 896 (16.5%) and 4097 to 4864 (18.7%). Only the
// product is kept in check, by the tail of the larger span being smaller.
START_TEST(round_up_and_tail_waste_together_stay_within_1_266x_above_64_bytes) {
  for (int c = 2; c < NUM_SIZE_CLASSES; c++) {
    if (class_to_size[c] <= 64)
      continue;
    long request = class_to_size[c - 1] + 1;
    long used = objects_per_span(c) * request;
    ck_assert_msg(64L * span_bytes(c) <= 81L * used,
                  "class %d: %d span bytes for %d requests of %ld bytes", c,
                  span_bytes(c), objects_per_span(c), request);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// Division magic
// ---------------------------------------------------------------------------

START_TEST(divmagic_gives_the_object_index_for_every_span_offset) {
  ck_assert_uint_eq(class_to_divmagic[0], 0);
  for (int c = 1; c < NUM_SIZE_CLASSES; c++) {
    uint32_t size = class_to_size[c];
    uint64_t magic = class_to_divmagic[c];
    for (uint32_t off = 0; off <= (uint32_t)span_bytes(c); off++) {
      uint32_t index = (uint32_t)((off * magic) >> 32);
      if (index != off / size)
        ck_abort_msg("class %d: offset %u gives index %u, not %u", c, off,
                     index, off / size);
    }
    ck_assert_uint_eq(magic, UINT32_MAX / size + 1); // Go's choice of magic
  }
}
END_TEST

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

typedef struct buffer {
  char *data;
  size_t len;
} buffer;

// read_fd reads fd to its end into a new buffer; the test fails on error.
static buffer read_fd(int fd, const char *what) {
  buffer b = {0};
  size_t cap = 0;
  for (;;) {
    if (b.len == cap) {
      cap = cap ? 2 * cap : 1 << 16;
      b.data = realloc(b.data, cap);
      ck_assert_ptr_nonnull(b.data);
    }
    ssize_t n = read(fd, b.data + b.len, cap - b.len);
    if (n < 0 && errno == EINTR)
      continue;
    ck_assert_msg(n >= 0, "reading %s: %s", what, strerror(errno));
    if (n == 0)
      return b;
    b.len += (size_t)n;
  }
}

// run_generator runs path with no arguments and returns its stdout; the
// test fails unless it exits with status 0.
static buffer run_generator(const char *path) {
  int fds[2];
  ck_assert_int_eq(pipe(fds), 0);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(path, path, (char *)NULL);
    fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  buffer out = read_fd(fds[0], path);
  close(fds[0]);
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "%s did not exit with status 0 (wait status %d)", path, status);
  return out;
}

static buffer read_path(const char *path) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
  buffer b = read_fd(fileno(f), path);
  fclose(f);
  return b;
}

// first_difference returns the offset of the first byte where a and b
// differ, or the shorter length if one is a prefix of the other.
static size_t first_difference(buffer a, buffer b) {
  size_t i = 0;
  while (i < a.len && i < b.len && a.data[i] == b.data[i])
    i++;
  return i;
}

static int line_of(buffer b, size_t off) {
  int line = 1;
  for (size_t i = 0; i < off && i < b.len; i++)
    line += b.data[i] == '\n';
  return line;
}

START_TEST(generator_output_equals_the_committed_header) {
  ck_assert_msg(generator_path && header_path,
                "usage: check_sizeclasses MKSIZECLASSES SIZECLASSES_H");
  buffer want = run_generator(generator_path);
  buffer got = read_path(header_path);
  size_t at = first_difference(want, got);
  ck_assert_msg(at == want.len && at == got.len,
                "%s differs from the output of %s from line %d on (%zu bytes, "
                "generator %zu); regenerate it: %s %s",
                header_path, generator_path, line_of(got, at), got.len,
                want.len, generator_path, header_path);
  free(want.data);
  free(got.data);
}
END_TEST

int main(int argc, char **argv) {
  if (argc == 3) {
    generator_path = argv[1];
    header_path = argv[2];
  }
  Suite *s = suite_create("sizeclasses");
  TCase *tc = tcase_create("lookup");
  tcase_add_test(tc, every_size_maps_to_the_smallest_class_that_holds_it);
  tcase_add_test(tc, the_largest_small_size_maps_to_the_last_class);
  tcase_add_test(tc, class_sizes_strictly_increase_from_zero);
  tcase_add_test(tc, class_sizes_keep_the_generators_alignment);
  suite_add_tcase(s, tc);
  tc = tcase_create("waste");
  tcase_add_test(tc, every_span_holds_an_object_in_at_most_ten_pages);
  tcase_add_test(tc, span_tail_waste_is_at_most_an_eighth_of_the_span);
  tcase_add_test(
      tc, round_up_and_tail_waste_together_stay_within_1_266x_above_64_bytes);
  suite_add_tcase(s, tc);
  tc = tcase_create("divmagic");
  tcase_add_test(tc, divmagic_gives_the_object_index_for_every_span_offset);
  suite_add_tcase(s, tc);
  tc = tcase_create("generator");
  tcase_add_test(tc, generator_output_equals_the_committed_header);
  suite_add_tcase(s, tc);

  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  int run = srunner_ntests_run(sr);
  srunner_free(sr);
  return failed == 0 && run > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

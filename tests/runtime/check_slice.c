// check_slice: slices (runtime/slice.c, escape/slice.h, the bounds errors
// of runtime/panic.c), one named test per behaviour.
//
// Operations: make zeroes its array and gives len and cap, a length of 0
// is not the nil slice, and the collector scans the array exactly when the
// element type may hold pointers; escrt_at reads and writes and is an
// lvalue; slice expressions share the array, with Go's lengths and
// capacities, and one of capacity 0 keeps the old base; append writes into
// the array while it has room (visible through other slices of it) and
// moves to a new one when it has not (invisible to them), takes one value,
// several, or a slice (itself too); copy copies the shorter length and may
// overlap; every macro evaluates each argument once.
//
// Growth: the capacities of slices of 1, 2, 8, 12, 24, 40, 64 and 100-byte
// elements appended one at a time to 5000 (bench/growslice.h grows them)
// are Go 1.19's, which bench/growslice.sh printed with Go (the expected
// lines below), and every element keeps its value.
//
// Panics: every bounds error of Go's table, negative and unsigned indices,
// make's and growslice's range errors, each in a child with Go's text and
// the goroutine's line, and exit status 2.
//
// The collector: slices held only in a goroutine's frame survive
// collections while the goroutine blocks, its stack grown (copied) below
// them; a scanned array keeps what it points to alive, a noscan one does
// not.
//
// usage: check_slice [TEST]
#include "goroutines.h"

#include "escape/gc.h"
#include "escape/slice.h"

#include "../../bench/growslice.h"

#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

typedef ESCRT_SLICE(int) int_slice;
typedef ESCRT_SLICE(long) long_slice;
typedef ESCRT_SLICE(void *) ptr_slice;

typedef struct point {
  int x, y;
} point;
typedef ESCRT_SLICE(point) point_slice;

typedef struct named {
  const char *name;
  long n;
} named;
typedef ESCRT_SLICE(named) named_slice;

// How many objects a conservative collection may keep on stale words.
enum { SLACK = 16 };

// kind_of is the collected kind of the span holding p: GC_KIND_SCAN or
// GC_KIND_NOSCAN.
static int kind_of(const void *p) {
  mspan *s = span_of((uintptr_t)p);
  ck_assert_ptr_nonnull(s);
  return s->gckind;
}

// ints returns a slice of n ints 0, 1, ..., n-1 with capacity cap.
static int_slice ints(ptrdiff_t n, ptrdiff_t cap) {
  int_slice s = escrt_make3(int_slice, n, cap);
  for (ptrdiff_t i = 0; i < n; i++)
    escrt_at(s, i) = (int)i;
  return s;
}

// assert_ints checks that s holds exactly the values want.
static void assert_ints(int_slice s, const int *want, ptrdiff_t n) {
  ck_assert_int_eq(escrt_len(s), n);
  for (ptrdiff_t i = 0; i < n; i++)
    ck_assert_msg(escrt_at(s, i) == want[i], "s[%td] = %d, want %d", i,
                  escrt_at(s, i), want[i]);
}
#define ASSERT_INTS(s, ...)                                                    \
  assert_ints(s, (const int[]){__VA_ARGS__},                                   \
              sizeof((const int[]){__VA_ARGS__}) / sizeof(int))

// ---------------------------------------------------------------------------
// make, len, cap, nil
// ---------------------------------------------------------------------------

START_TEST(make_zeroed_with_len_and_cap) {
  long_slice s = escrt_make(long_slice, 5);
  ck_assert_int_eq(escrt_len(s), 5);
  ck_assert_int_eq(escrt_cap(s), 5);
  for (int i = 0; i < 5; i++)
    ck_assert_int_eq(escrt_at(s, i), 0);
  long_slice t = escrt_make3(long_slice, 2, 1000);
  ck_assert_int_eq(escrt_len(t), 2);
  ck_assert_int_eq(escrt_cap(t), 1000);
  for (int i = 0; i < 1000; i++) // the capacity beyond len is zeroed too
    ck_assert_int_eq(t.array[i], 0);
}
END_TEST

// make(S, 0) is empty but not nil, as in Go; every array of no bytes is
// the same address.
START_TEST(make_empty_is_not_nil) {
  int_slice s = escrt_make(int_slice, 0);
  int_slice t = escrt_make3(int_slice, 0, 0);
  ck_assert_ptr_nonnull(s.array);
  ck_assert_ptr_eq(s.array, t.array);
  ck_assert_int_eq(escrt_len(s), 0);
  ck_assert_int_eq(escrt_cap(s), 0);
  int_slice n = escrt_nil(int_slice);
  ck_assert_ptr_null(n.array);
  ck_assert_int_eq(escrt_len(n), 0);
  ck_assert_int_eq(escrt_cap(n), 0);
}
END_TEST

enum color { RED, GREEN };
typedef ESCRT_SLICE(enum color) color_slice;
typedef ESCRT_SLICE(double) double_slice;
typedef ESCRT_SLICE(unsigned char) byte_slice;
typedef ESCRT_SLICE(uintptr_t) uintptr_slice;
typedef ESCRT_SLICE(int *) intp_slice;

// Arrays of arithmetic elements are noscan; of pointers and structs,
// scanned unless the _noscan form says otherwise; growth keeps the kind.
START_TEST(noscan_from_element_type) {
  ck_assert_int_eq(kind_of(escrt_make(int_slice, 4).array), GC_KIND_NOSCAN);
  ck_assert_int_eq(kind_of(escrt_make(double_slice, 4).array), GC_KIND_NOSCAN);
  ck_assert_int_eq(kind_of(escrt_make(byte_slice, 4).array), GC_KIND_NOSCAN);
  ck_assert_int_eq(kind_of(escrt_make(color_slice, 4).array), GC_KIND_NOSCAN);
  ck_assert_int_eq(kind_of(escrt_make(uintptr_slice, 4).array), GC_KIND_NOSCAN);
  ck_assert_int_eq(kind_of(escrt_make(intp_slice, 4).array), GC_KIND_SCAN);
  ck_assert_int_eq(kind_of(escrt_make(named_slice, 4).array), GC_KIND_SCAN);
  ck_assert_int_eq(kind_of(escrt_make(point_slice, 4).array), GC_KIND_SCAN);
  ck_assert_int_eq(kind_of(escrt_make_noscan(point_slice, 4).array),
                   GC_KIND_NOSCAN);
  ck_assert_int_eq(kind_of(escrt_make3_noscan(point_slice, 0, 4).array),
                   GC_KIND_NOSCAN);

  int_slice i = escrt_nil(int_slice);
  intp_slice p = escrt_nil(intp_slice);
  for (int k = 0; k < 100; k++) {
    i = escrt_append(i, k);
    p = escrt_append(p, &i.array[k]);
  }
  ck_assert_int_eq(kind_of(i.array), GC_KIND_NOSCAN);
  ck_assert_int_eq(kind_of(p.array), GC_KIND_SCAN);
}
END_TEST

// ---------------------------------------------------------------------------
// Indexing and slice expressions
// ---------------------------------------------------------------------------

START_TEST(at_is_an_lvalue) {
  point_slice s = escrt_make(point_slice, 3);
  escrt_at(s, 0) = (point){1, 2};
  escrt_at(s, 1).y = 5;
  point *p = &escrt_at(s, 2);
  p->x = 7;
  escrt_at(s, 2).y += 3;
  ck_assert_int_eq(s.array[0].x, 1);
  ck_assert_int_eq(s.array[0].y, 2);
  ck_assert_int_eq(s.array[1].y, 5);
  ck_assert_ptr_eq(p, &s.array[2]);
  ck_assert_int_eq(s.array[2].x, 7);
  ck_assert_int_eq(s.array[2].y, 3);
  // Indices of any integer type, the last one too.
  unsigned char uc = 2;
  size_t z = 1;
  ck_assert_int_eq(escrt_at(s, uc).x, 7);
  ck_assert_int_eq(escrt_at(s, z).y, 5);
}
END_TEST

// s[lo:hi] and s[lo:hi:max] share the array: len hi-lo, cap cap-lo or
// max-lo; s[lo:] ends at len.
START_TEST(slice_expressions_share_the_array) {
  int_slice s = ints(5, 8);
  int_slice t = escrt_slice_expr(s, 1, 4);
  ck_assert_ptr_eq(t.array, s.array + 1);
  ck_assert_int_eq(escrt_len(t), 3);
  ck_assert_int_eq(escrt_cap(t), 7);
  ASSERT_INTS(t, 1, 2, 3);
  escrt_at(t, 0) = 10;
  ck_assert_int_eq(escrt_at(s, 1), 10);

  int_slice u = escrt_slice_expr3(s, 2, 3, 6);
  ck_assert_ptr_eq(u.array, s.array + 2);
  ck_assert_int_eq(escrt_len(u), 1);
  ck_assert_int_eq(escrt_cap(u), 4);

  int_slice v = escrt_slice_from(s, 3);
  ck_assert_int_eq(escrt_len(v), 2);
  ck_assert_int_eq(escrt_cap(v), 5);
  ASSERT_INTS(v, 3, 4);

  // Up to the capacity, past the length: Go's reslicing.
  int_slice w = escrt_slice_expr(s, 0, 8);
  ck_assert_int_eq(escrt_len(w), 8);
  ck_assert_int_eq(escrt_at(w, 7), 0);
}
END_TEST

// A result of capacity 0 keeps the old base rather than point one past
// the end of the array (into whatever object follows it).
START_TEST(slice_of_capacity_zero_keeps_base) {
  int_slice s = ints(5, 5);
  int_slice t = escrt_slice_expr(s, 5, 5);
  ck_assert_ptr_eq(t.array, s.array);
  ck_assert_int_eq(escrt_len(t), 0);
  ck_assert_int_eq(escrt_cap(t), 0);
  int_slice u = escrt_slice_expr3(s, 3, 3, 3);
  ck_assert_ptr_eq(u.array, s.array);
  int_slice v = escrt_slice_expr(s, 5, 5);
  v = escrt_append(v, 9); // a new array: s is untouched
  ck_assert_ptr_ne(v.array, s.array);
  ASSERT_INTS(s, 0, 1, 2, 3, 4);
}
END_TEST

// ---------------------------------------------------------------------------
// append and copy
// ---------------------------------------------------------------------------

START_TEST(append_values) {
  int_slice s = escrt_nil(int_slice);
  s = escrt_append(s, 1);
  ASSERT_INTS(s, 1);
  s = escrt_append(s, 2, 3, 4);
  ASSERT_INTS(s, 1, 2, 3, 4);
  point_slice p = escrt_nil(point_slice);
  p = escrt_append(p, (point){1, 2}, (point){3, 4});
  ck_assert_int_eq(escrt_len(p), 2);
  ck_assert_int_eq(escrt_at(p, 1).x, 3);
  ck_assert_int_eq(escrt_at(p, 1).y, 4);
  named_slice n = escrt_nil(named_slice);
  n = escrt_append(n, (named){"one", 1});
  ck_assert_str_eq(escrt_at(n, 0).name, "one");
}
END_TEST

// Within the capacity append writes into the shared array, as Go's does;
// beyond it, into a new array that other slices of the old one never see.
START_TEST(append_shares_until_it_grows) {
  int_slice s = ints(4, 4);
  int_slice head = escrt_slice_expr(s, 0, 2);
  head = escrt_append(head, 20);
  ck_assert_ptr_eq(head.array, s.array);
  ASSERT_INTS(s, 0, 1, 20, 3);

  int_slice grown = escrt_append(s, 4);
  ck_assert_ptr_ne(grown.array, s.array);
  ck_assert_int_eq(escrt_cap(grown), 8);
  escrt_at(grown, 0) = 100;
  ASSERT_INTS(s, 0, 1, 20, 3);
  ASSERT_INTS(grown, 100, 1, 20, 3, 4);
}
END_TEST

START_TEST(append_slice) {
  int_slice s = ints(3, 3);
  int_slice t = ints(2, 2);
  s = escrt_append_slice(s, t);
  ASSERT_INTS(s, 0, 1, 2, 0, 1);
  s = escrt_append_slice(s, s); // append(s, s...)
  ASSERT_INTS(s, 0, 1, 2, 0, 1, 0, 1, 2, 0, 1);
  // Go's append(s[:1], s[2:]...): the tail moves left, overlapping.
  int_slice u = ints(5, 5);
  u = escrt_append_slice(escrt_slice_expr(u, 0, 1), escrt_slice_from(u, 2));
  ASSERT_INTS(u, 0, 2, 3, 4);
  // Nothing appended to nil is still nil.
  int_slice n = escrt_append_slice(escrt_nil(int_slice), escrt_nil(int_slice));
  ck_assert_ptr_null(n.array);
}
END_TEST

START_TEST(copy_shorter_length_overlapping) {
  int_slice dst = escrt_make(int_slice, 3);
  ck_assert_int_eq(escrt_copy(dst, ints(5, 5)), 3);
  ASSERT_INTS(dst, 0, 1, 2);
  int_slice big = escrt_make(int_slice, 6);
  ck_assert_int_eq(escrt_copy(big, ints(2, 2)), 2);
  ASSERT_INTS(big, 0, 1, 0, 0, 0, 0);
  int_slice s = ints(5, 5);
  ck_assert_int_eq(escrt_copy(escrt_slice_from(s, 1), s), 4); // shift right
  ASSERT_INTS(s, 0, 0, 1, 2, 3);
  ck_assert_int_eq(escrt_copy(s, escrt_nil(int_slice)), 0);
  ck_assert_int_eq(escrt_copy(escrt_nil(int_slice), s), 0);
  // The runtime's copy counts elements of no bytes without touching them.
  ck_assert_int_eq(escrt_slicecopy(NULL, 7, NULL, 4, 0), 4);
}
END_TEST

// Every macro evaluates each argument once, left to right.
static int calls;
static int_slice counted(int_slice s) {
  calls++;
  return s;
}
static int step(int v) {
  calls = calls * 10 + v;
  return v;
}

START_TEST(arguments_evaluated_once) {
  int_slice s = ints(6, 6);
  calls = 0;
  escrt_at(counted(s), step(1)) += 5;
  ck_assert_int_eq(calls, 11);
  ck_assert_int_eq(escrt_at(s, 1), 6);
  calls = 0;
  int_slice t = escrt_slice_expr3(counted(s), step(1), step(2), step(3));
  ck_assert_int_eq(calls, 1123);
  ck_assert_int_eq(escrt_len(t), 1);
  calls = 0;
  t = escrt_append(counted(t), step(7), step(8));
  ck_assert_int_eq(calls, 178);
  ASSERT_INTS(t, 6, 7, 8);
  calls = 0;
  t = escrt_append_slice(counted(t), counted(s));
  ck_assert_int_eq(calls, 2);
  calls = 0;
  (void)escrt_copy(counted(t), counted(s));
  ck_assert_int_eq(calls, 2);
  calls = 0;
  int_slice m = escrt_make3(int_slice, step(2), step(4));
  ck_assert_int_eq(calls, 24);
  ck_assert_int_eq(escrt_cap(m), 4);
  calls = 0;
  (void)escrt_slice_from(counted(s), step(2));
  ck_assert_int_eq(calls, 12);
}
END_TEST

// The runtime's growslice returns the old length, the caller sets the
// new one; elements of no bytes get the requested capacity, at once.
START_TEST(growslice_returns_old_length) {
  int_slice s = ints(5, 5);
  escrt_slice g = escrt_growslice(s.array, 5, 5, 6, sizeof(int), true);
  ck_assert_int_eq(g.len, 5);
  ck_assert_int_eq(g.cap, 12); // 10 ints, 40 bytes, in the 48-byte class
  ck_assert_int_eq(((int *)g.array)[4], 4);
  g = escrt_growslice(NULL, 0, 0, 1000, 0, true);
  ck_assert_ptr_nonnull(g.array);
  ck_assert_int_eq(g.len, 0);
  ck_assert_int_eq(g.cap, 1000);
}
END_TEST

// ---------------------------------------------------------------------------
// Growth: Go 1.19's capacities
// ---------------------------------------------------------------------------

// What Go 1.19.8 (Debian golang-1.19-go 1.19.8-2, linux/amd64) printed for
// bench/growslice.go, run by bench/growslice.sh.
static const char *const go_growth[] = {
    "elemsize 1: 8 16 32 64 128 256 512 896 1408 2048 3072 4096 5376",
    "elemsize 2: 4 8 16 32 64 128 256 512 896 1344 2048 3072 4096 5440",
    "elemsize 8: 1 2 4 8 16 32 64 128 256 512 848 1280 1792 2560 3408 5120",
    "elemsize 12: 1 2 4 8 16 32 64 128 256 512 853 1365 2048 3413 4778 6826",
    "elemsize 24: 1 2 4 8 16 32 64 128 256 512 853 1365 2048 3072 4096 5461",
    "elemsize 40: 1 2 4 8 16 32 67 134 272 544 1024 1638 2252 3072 4096 5324",
    "elemsize 64: 1 2 4 8 16 32 64 128 256 512 896 1408 2048 2816 3712 4864 "
    "6272",
    "elemsize 100: 1 2 4 8 17 34 69 143 286 573 983 1474 2048 2785 3686 4833 "
    "6307",
};

START_TEST(growth_is_go_1_19s) {
  ck_assert_int_eq(GROWSLICE_NSIZES, sizeof go_growth / sizeof *go_growth);
  for (size_t i = 0; i < GROWSLICE_NSIZES; i++) {
    char line[512];
    ck_assert_msg(growslice_line(i, line, sizeof line),
                  "elements of %d bytes lost their values as the slice grew",
                  growslice_sizes[i].elemsize);
    ck_assert_str_eq(line, go_growth[i]);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// Panics
// ---------------------------------------------------------------------------

enum op {
  INDEX,          // s[a]
  INDEX_UNSIGNED, // s[(size_t)a]
  SLICE,          // s[a:b]
  SLICE3,         // s[a:b:c]
  SLICE_FROM,     // s[a:]
  MAKE,           // make([]int, a, b)
  MAKE_LONG,      // make([]long, a)
  GROW,           // growslice of s to length a
  GROW_LONG,      // growslice of []long{} to length a
  APPEND_FULL,    // append to a slice of length and capacity PTRDIFF_MAX
  BOUNDS,         // escrt_panic_bounds(a, b, true, c)
};

typedef struct misuse {
  enum op op;
  long a, b, c;
  const char *want; // after "panic: runtime error: "
} misuse;

// The slice misused: len 3, cap 5.
static const misuse misuses[] = {
    {INDEX, 5, 0, 0, "index out of range [5] with length 3"},
    {INDEX, 3, 0, 0, "index out of range [3] with length 3"},
    {INDEX, -1, 0, 0, "index out of range [-1]"},
    {INDEX_UNSIGNED, -1, 0, 0,
     "index out of range [18446744073709551615] with length 3"},
    {SLICE, 0, 7, 0, "slice bounds out of range [:7] with capacity 5"},
    {SLICE, 3, 2, 0, "slice bounds out of range [3:2]"},
    {SLICE, -1, 2, 0, "slice bounds out of range [-1:]"},
    {SLICE, 0, -1, 0, "slice bounds out of range [:-1]"},
    {SLICE3, 0, 1, 9, "slice bounds out of range [::9] with capacity 5"},
    {SLICE3, 0, 4, 3, "slice bounds out of range [:4:3]"},
    {SLICE3, 5, 3, 4, "slice bounds out of range [5:3:]"},
    {SLICE3, 0, 0, -2, "slice bounds out of range [::-2]"},
    {SLICE3, 0, -2, 3, "slice bounds out of range [:-2:]"},
    {SLICE3, -3, 1, 2, "slice bounds out of range [-3::]"},
    {SLICE_FROM, 4, 0, 0, "slice bounds out of range [4:3]"},
    {BOUNDS, ESCRT_BOUNDS_SLICE_ALEN, 7, 5,
     "slice bounds out of range [:7] with length 5"},
    {BOUNDS, ESCRT_BOUNDS_SLICE_ALEN, -4, 5, "slice bounds out of range [:-4]"},
    {BOUNDS, ESCRT_BOUNDS_SLICE3_ALEN, 9, 5,
     "slice bounds out of range [::9] with length 5"},
    {BOUNDS, ESCRT_BOUNDS_INDEX, INT64_MIN, 5,
     "index out of range [-9223372036854775808]"},
    {MAKE, -1, 0, 0, "makeslice: len out of range"},
    {MAKE, 4, 3, 0, "makeslice: cap out of range"},
    {MAKE, 1, -1, 0, "makeslice: cap out of range"},
    {MAKE, 1L << 62, 1L << 62, 0, "makeslice: len out of range"},
    {MAKE, 1, 1L << 61, 0, "makeslice: cap out of range"},
    {MAKE_LONG, 1L << 46, 0, 0, "makeslice: len out of range"},
    {GROW, 2, 0, 0, "growslice: cap out of range"},
    {GROW_LONG, 1L << 46, 0, 0, "growslice: cap out of range"},
    {APPEND_FULL, 0, 0, 0, "growslice: cap out of range"},
};

// commit runs on a goroutine (escrt_run in the child).
static void commit(void *arg) {
  ESCRT_STACK_CHECK();
  const misuse *m = arg;
  int_slice s = escrt_make3(int_slice, 3, 5);
  switch (m->op) {
  case INDEX:
    escrt_at(s, m->a) = 1;
    break;
  case INDEX_UNSIGNED:
    escrt_at(s, (size_t)m->a) = 1;
    break;
  case SLICE:
    s = escrt_slice_expr(s, m->a, m->b);
    break;
  case SLICE3:
    s = escrt_slice_expr3(s, m->a, m->b, m->c);
    break;
  case SLICE_FROM:
    s = escrt_slice_from(s, m->a);
    break;
  case MAKE:
    s = escrt_make3(int_slice, m->a, m->b);
    break;
  case MAKE_LONG:
    (void)escrt_make(long_slice, m->a);
    break;
  case GROW:
    (void)escrt_growslice(s.array, s.len, s.cap, m->a, sizeof(int), true);
    break;
  case GROW_LONG:
    (void)escrt_growslice(NULL, 0, 0, m->a, sizeof(long), true);
    break;
  case APPEND_FULL:
    s.len = s.cap = PTRDIFF_MAX;
    s = escrt_append(s, 1);
    break;
  case BOUNDS:
    escrt_panic_bounds((escrt_bounds_code)m->a, m->b, true, m->c);
  }
}

START_TEST(panics_with_gos_messages) {
  for (size_t i = 0; i < sizeof misuses / sizeof *misuses; i++) {
    strbuf want = {0};
    strbuf_printf(&want, "panic: runtime error: %s\n\ngoroutine 1 [running]:\n",
                  misuses[i].want);
    expect_fatal_run(commit, (void *)&misuses[i], strbuf_str(&want));
    strbuf_free(&want);
  }
}
END_TEST

// ---------------------------------------------------------------------------
// The collector
// ---------------------------------------------------------------------------

enum { HELD = 3000 };

// A value that is not any object's address.
static long pattern(long i) { return i * 7919 + 1; }

static escrt_chan *frame_ready, *frame_go;
static _Atomic int frame_moved; // 1: the holder's frame moved

// garbage allocates about bytes of dirty objects of a node's size and
// drops them, so that whatever nodes a collection freed are handed out
// again and overwritten.
static NOINLINE void garbage(size_t bytes) {
  ESCRT_STACK_CHECK();
  for (size_t done = 0; done < bytes; done += sizeof(long))
    *(long *)escrt_new(sizeof(long)) = -1;
}

// descend recurses n frames, each with a local array, so that the stack
// grows by copying, then blocks until the collector is done.
static NOINLINE long descend(int n) {
  ESCRT_STACK_CHECK();
  volatile long pad[16];
  for (int i = 0; i < 16; i++)
    pad[i] = n + i;
  if (n > 0)
    return descend(n - 1) + pad[5] - n - 5;
  int v = 1;
  escrt_chan_send(frame_ready, &v);
  escrt_chan_recv(frame_go, &v);
  return 0;
}

// check_held checks the slices the holder keeps: every node of nodes and
// every value of values intact.
static NOINLINE void check_held(const char *when, ptr_slice nodes,
                                long_slice values) {
  ESCRT_STACK_CHECK();
  check_eq(when, 0, escrt_len(nodes), HELD);
  check_eq(when, 1, escrt_len(values), HELD);
  for (long i = 0; i < HELD; i++) {
    check_eq(when, i, *(long *)escrt_at(nodes, i), pattern(i));
    check_eq(when, i, escrt_at(values, i), pattern(i));
  }
}

// holder keeps a scanned slice of collected nodes and a noscan slice of
// values in its own frame alone, grown by append (the old arrays are
// garbage). It blocks twice: deep below them after its stack has grown,
// and in its own frame.
static void holder(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  ptr_slice nodes = escrt_nil(ptr_slice);
  long_slice values = escrt_nil(long_slice);
  for (long i = 0; i < HELD; i++) {
    long *node = escrt_new(sizeof(long));
    *node = pattern(i);
    nodes = escrt_append(nodes, node);
    values = escrt_append(values, pattern(i));
  }
  uintptr_t before = ~(uintptr_t)&nodes; // inverted: not moved as a pointer
  (void)descend(2000);
  if (~(uintptr_t)&nodes != before)
    atomic_store(&frame_moved, 1);
  check_held("after collections below the slices", nodes, values);
  int v = 1;
  escrt_chan_send(frame_ready, &v);
  escrt_chan_recv(frame_go, &v);
  check_held("after collections in their frame", nodes, values);
  escrt_chan_send(frame_ready, &v);
}

static void collect_while_held(void *arg) {
  ESCRT_STACK_CHECK();
  (void)arg;
  int v = 1;
  escrt_go(holder, NULL);
  for (int round = 0; round < 2; round++) {
    escrt_chan_recv(frame_ready, &v);
    for (int i = 0; i < 3; i++) {
      garbage(1 << 20);
      escrt_gc();
    }
    escrt_chan_send(frame_go, &v);
  }
  escrt_chan_recv(frame_ready, &v);
}

START_TEST(survives_in_goroutine_frame) {
  frame_ready = escrt_chan_make(sizeof(int), 0);
  frame_go = escrt_chan_make(sizeof(int), 0);
  escrt_gcstats before;
  escrt_read_gcstats(&before);
  escrt_run(collect_while_held, NULL);
  assert_no_failures();
  ck_assert_msg(atomic_load(&frame_moved), "the holder's stack never moved");
  escrt_gcstats after;
  escrt_read_gcstats(&after);
  ck_assert_uint_ge(after.cycles - before.cycles, 6);
}
END_TEST

enum { POINTEES = 5000 };

// The slices whose arrays alone hold the pointees: a global keeps the
// arrays alive.
static uintptr_slice addresses; // noscan
static ptr_slice pointers;      // scanned

// make_pointees runs on a thread of its own, which exits before the
// collection: only the arrays have seen the pointees.
static void *make_pointees(void *arg) {
  bool scanned = *(bool *)arg;
  addresses = escrt_make(uintptr_slice, POINTEES);
  pointers = escrt_make(ptr_slice, POINTEES);
  for (long i = 0; i < POINTEES; i++) {
    long *p = escrt_new(sizeof(long));
    *p = pattern(i);
    if (scanned)
      escrt_at(pointers, i) = p;
    else
      escrt_at(addresses, i) = (uintptr_t)p;
  }
  return NULL;
}

// freed_after_holding runs make_pointees in a thread and returns how many
// objects the next collection frees.
static uint64_t freed_after_holding(bool scanned) {
  escrt_gc(); // earlier garbage goes now
  escrt_gcstats before;
  escrt_read_gcstats(&before);
  pthread_t maker;
  ck_assert_int_eq(pthread_create(&maker, NULL, make_pointees, &scanned), 0);
  ck_assert_int_eq(pthread_join(maker, NULL), 0);
  escrt_gc();
  escrt_gcstats after;
  escrt_read_gcstats(&after);
  return after.objects_freed - before.objects_freed;
}

START_TEST(scanned_array_keeps_pointees) {
  uint64_t freed = freed_after_holding(true);
  ck_assert_msg(freed < SLACK, "%" PRIu64 " objects freed", freed);
  garbage(4 << 20);
  escrt_gc();
  for (long i = 0; i < POINTEES; i++)
    ck_assert_int_eq(*(long *)escrt_at(pointers, i), pattern(i));
}
END_TEST

START_TEST(noscan_array_does_not_keep_pointees) {
  uint64_t freed = freed_after_holding(false);
  ck_assert_msg(freed >= POINTEES - SLACK, "%" PRIu64 " of %d objects freed",
                freed, POINTEES);
  ck_assert_int_eq(escrt_len(addresses), POINTEES); // the array itself lives
}
END_TEST

int main(int argc, char **argv) {
  Suite *s = suite_create("slice");
  suite_add_test(s, "make-zeroed-with-len-and-cap",
                 make_zeroed_with_len_and_cap, 60);
  suite_add_test(s, "make-empty-is-not-nil", make_empty_is_not_nil, 60);
  suite_add_test(s, "noscan-from-element-type", noscan_from_element_type, 60);
  suite_add_test(s, "at-is-an-lvalue", at_is_an_lvalue, 60);
  suite_add_test(s, "slice-expressions-share-the-array",
                 slice_expressions_share_the_array, 60);
  suite_add_test(s, "slice-of-capacity-zero-keeps-base",
                 slice_of_capacity_zero_keeps_base, 60);
  suite_add_test(s, "append-values", append_values, 60);
  suite_add_test(s, "append-shares-until-it-grows",
                 append_shares_until_it_grows, 60);
  suite_add_test(s, "append-slice", append_slice, 60);
  suite_add_test(s, "copy-shorter-length-overlapping",
                 copy_shorter_length_overlapping, 60);
  suite_add_test(s, "arguments-evaluated-once", arguments_evaluated_once, 60);
  suite_add_test(s, "growslice-returns-old-length",
                 growslice_returns_old_length, 60);
  suite_add_test(s, "growth-is-go-1-19s", growth_is_go_1_19s, 60);
  suite_add_test(s, "panics-with-gos-messages", panics_with_gos_messages, 120);
  suite_add_test(s, "survives-in-goroutine-frame", survives_in_goroutine_frame,
                 120);
  suite_add_test(s, "scanned-array-keeps-pointees",
                 scanned_array_keeps_pointees, 60);
  suite_add_test(s, "noscan-array-does-not-keep-pointees",
                 noscan_array_does_not_keep_pointees, 60);
  return suite_main(s, argc, argv);
}

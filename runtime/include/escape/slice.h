// escape/slice.h: Go's slices for C.
//
// A slice is a header passed by value: a pointer to a backing array on the
// collected heap (escape/gc.h), a length and a capacity. Its operations are
// Go's (runtime/slice.go), with Go's bounds checks and panic messages:
//
//   typedef ESCRT_SLICE(int) int_slice;        // []int
//   int_slice s = escrt_make(int_slice, 3);    // make([]int, 3)
//   escrt_at(s, 0) = 7;                        // s[0] = 7
//   s = escrt_append(s, 8, 9);                 // s = append(s, 8, 9)
//   int_slice t = escrt_slice_expr(s, 1, 4);   // t := s[1:4]
//   int_slice u = escrt_nil(int_slice);        // var u []int
//   u = escrt_append_slice(u, t);              // u = append(u, t...)
//   ptrdiff_t n = escrt_copy(t, s);            // n := copy(t, s)
//
// Every ESCRT_SLICE(T) is a type of its own (an anonymous struct): name
// each once with a typedef and use that name. The macros are C with GNU
// statement expressions and __typeof__ (gcc, clang); each evaluates each
// of its arguments once, in order. escrt_at is an lvalue
// (escrt_at(s, i) = v, &escrt_at(s, i)); the others are values. They
// declare locals named escrt_*_, so nesting them is fine but arguments
// must not name such locals, and -Wshadow warns about a macro nested in
// another's argument.
//
//   escrt_make(S, len), escrt_make3(S, len, cap)   make(S, len[, cap])
//   escrt_make_noscan(S, len), escrt_make3_noscan(S, len, cap)
//   escrt_nil(S)                 the nil slice of type S; len and cap 0
//   escrt_len(s), escrt_cap(s)   len(s), cap(s)
//   escrt_at(s, i)               s[i]
//   escrt_slice_expr(s, lo, hi)  s[lo:hi]
//   escrt_slice_expr3(s, lo, hi, max)  s[lo:hi:max]
//   escrt_slice_from(s, lo)      s[lo:]
//   escrt_append(s, v...)        append(s, v...): one value or several
//   escrt_append_slice(s, t)     append(s, t...)
//   escrt_copy(dst, src)         copy(dst, src)
//
// Backing arrays. escrt_make zeroes them, as make does. Whether the
// collector scans them for pointers is decided from the element type: an
// arithmetic element (the integer, enumeration, floating and complex types)
// gives a noscan array, anything else a scanned one. A struct or array
// element without pointers may use the _noscan forms; a pointer stored in
// a noscan array, also one cast to an integer (uintptr_t is arithmetic),
// does not keep its object alive, as in Go. append grows a full slice with
// escrt_growslice, exactly Go 1.19's rule (double below 256 elements, then
// grow by a quarter plus 192 until it fits, then round the bytes up to the
// allocator's size class): the result may have a new backing array, and
// other slices of the old one keep seeing the old one. Like Go, keep
// using the slice append returns.
//
// Bounds. escrt_at checks 0 <= i < len with one unsigned compare;
// slicing checks 0 <= lo <= hi <= cap (and hi <= max <= cap), as Go
// does for slices. A failed check calls the panic on a cold path, which
// prints Go's message and the goroutine line and exits with status 2:
//
//   panic: runtime error: index out of range [5] with length 3
//
//   goroutine 1 [running]:
//
// An index of unsigned type prints as unsigned, of signed type as signed
// ("index out of range [-1]").
//
// The untyped functions below are the runtime's side, for code generators
// and the analyzer's model; their pointer parameters carry the escape
// annotations (escape/annotate.h) that say what each keeps.
#ifndef ESCAPE_SLICE_H
#define ESCAPE_SLICE_H

#include <escape/annotate.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

// ---------------------------------------------------------------------------
// The runtime's functions
// ---------------------------------------------------------------------------

// escrt_slice is the untyped slice header (Go's runtime.slice).
typedef struct escrt_slice {
  void *array;
  ptrdiff_t len, cap;
} escrt_slice;

// escrt_makeslice returns a zeroed backing array for cap elements of
// elemsize bytes on the collected heap, scanned for pointers unless noscan
// (make([]T, len, cap)). Not 0 <= len <= cap, or cap elements more than
// the heap can hold, panic: "makeslice: len out of range" when len is
// bad, else "makeslice: cap out of range". An array of no bytes is a
// shared non-NULL address, as Go's zerobase.
void *escrt_makeslice(size_t elemsize, ptrdiff_t len, ptrdiff_t cap,
                      bool noscan);

// escrt_growslice returns a backing array of at least newlen elements with
// the oldlen elements at oldarray copied into it (Go 1.19's growslice: the
// capacity rule above). The result's len is oldlen; the caller sets the
// new length. newlen < oldcap (an overflowed length), or a size the heap
// cannot hold, panics: "growslice: cap out of range".
escrt_slice escrt_growslice(void *oldarray ESC_LEAK_CONTENT, ptrdiff_t oldlen,
                            ptrdiff_t oldcap, ptrdiff_t newlen, size_t elemsize,
                            bool noscan);

// escrt_slicecopy copies min(dstlen, srclen) elements of elemsize bytes
// from src to dst, which may overlap, and returns that count (Go's copy).
ptrdiff_t escrt_slicecopy(void *dst ESC_NOESCAPE, ptrdiff_t dstlen,
                          const void *src ESC_NOESCAPE, ptrdiff_t srclen,
                          size_t elemsize);

// Go's boundsErrorCode: which check failed. In the messages, x and y are
// the arguments of escrt_panic_bounds.
typedef enum escrt_bounds_code {
  ESCRT_BOUNDS_INDEX,       // s[x]: "index out of range [x] with length y"
  ESCRT_BOUNDS_SLICE_ALEN,  // s[?:x]: "slice bounds out of range [:x] with
                            // length y"
  ESCRT_BOUNDS_SLICE_ACAP,  // s[?:x]: "... [:x] with capacity y"
  ESCRT_BOUNDS_SLICE_B,     // s[x:y]: "... [x:y]"
  ESCRT_BOUNDS_SLICE3_ALEN, // s[?:?:x]: "... [::x] with length y"
  ESCRT_BOUNDS_SLICE3_ACAP, // s[?:?:x]: "... [::x] with capacity y"
  ESCRT_BOUNDS_SLICE3_B,    // s[?:x:y]: "... [:x:y]"
  ESCRT_BOUNDS_SLICE3_C,    // s[x:y:?]: "... [x:y:]"
} escrt_bounds_code;

// escrt_panic_bounds panics with Go's bounds error: "panic: runtime error:
// " and the message of code, x printed signed when x_signed (a negative x
// leaves y out: "index out of range [-1]"), else as unsigned.
_Noreturn void escrt_panic_bounds(escrt_bounds_code code, int64_t x,
                                  bool x_signed, ptrdiff_t y);

// escrt_panic_index panics with "index out of range [x] with length len".
_Noreturn void escrt_panic_index(ptrdiff_t x, ptrdiff_t len);

#pragma GCC visibility pop

// ---------------------------------------------------------------------------
// Typed slices
// ---------------------------------------------------------------------------

// ESCRT_SLICE(T) is the type []T; name it with a typedef.
#define ESCRT_SLICE(T)                                                         \
  struct {                                                                     \
    T *array;                                                                  \
    ptrdiff_t len, cap;                                                        \
  }

// escrt_elem_of_type_(S) is an element of slice type S, for sizeof and
// _Generic (never evaluated). escrt_unqual_(s) is the type of s without
// qualifiers, escrt_index_type_(i) the type of index i promoted (which a
// bit-field may be too).
#define escrt_elem_of_type_(S) (((S *)0)->array[0])
#define escrt_unqual_(s) __typeof__(((void)0, (s)))
#define escrt_index_type_(i) __typeof__((i) + 0)

// escrt_noscan_(e) is 1 when expression e (not evaluated) is of an
// arithmetic type: an array of them holds no pointers.
#define escrt_noscan_(e)                                                       \
  _Generic((e), _Bool : 1, char : 1, signed char : 1, unsigned char : 1,       \
           short : 1, unsigned short : 1, int : 1, unsigned : 1, long : 1,     \
           unsigned long : 1, long long : 1, unsigned long long : 1,           \
           float : 1, double : 1, long double : 1, float _Complex : 1,         \
           double _Complex : 1, long double _Complex : 1, default : 0)

// escrt_signed_(e) is 0 when expression e (not evaluated) is of an
// unsigned integer type, for the panic to print it as Go would.
#define escrt_signed_(e)                                                       \
  _Generic((e), _Bool : 0, unsigned char : 0, unsigned short : 0,              \
           unsigned : 0, unsigned long : 0, unsigned long long : 0,            \
           default : 1)

#define escrt_make_kind_(S, len_, cap_, noscan)                                \
  ({                                                                           \
    ptrdiff_t escrt_l_ = (len_);                                               \
    ptrdiff_t escrt_c_ = (cap_);                                               \
    (S){escrt_makeslice(sizeof escrt_elem_of_type_(S), escrt_l_, escrt_c_,     \
                        (noscan)),                                             \
        escrt_l_, escrt_c_};                                                   \
  })

// escrt_make(S, len) is make(S, len); escrt_make3(S, len, cap) is
// make(S, len, cap). The _noscan forms are for element types without
// pointers that are not arithmetic (structs of numbers).
#define escrt_make(S, len)                                                     \
  ({                                                                           \
    ptrdiff_t escrt_n_ = (len);                                                \
    escrt_make_kind_(S, escrt_n_, escrt_n_,                                    \
                     escrt_noscan_(escrt_elem_of_type_(S)));                   \
  })
#define escrt_make3(S, len, cap)                                               \
  escrt_make_kind_(S, len, cap, escrt_noscan_(escrt_elem_of_type_(S)))
#define escrt_make_noscan(S, len)                                              \
  ({                                                                           \
    ptrdiff_t escrt_n_ = (len);                                                \
    escrt_make_kind_(S, escrt_n_, escrt_n_, true);                             \
  })
#define escrt_make3_noscan(S, len, cap) escrt_make_kind_(S, len, cap, true)

// escrt_nil(S) is the nil slice of type S (var s S).
#define escrt_nil(S) ((S){NULL, 0, 0})

#define escrt_len(s) ((ptrdiff_t)(s).len)
#define escrt_cap(s) ((ptrdiff_t)(s).cap)

// escrt_at(s, i) is s[i], an lvalue.
#define escrt_at(s, i)                                                         \
  (*({                                                                         \
    escrt_unqual_(s) escrt_s_ = (s);                                           \
    escrt_index_type_(i) escrt_i_ = (i);                                       \
    if (__builtin_expect((size_t)escrt_i_ >= (size_t)escrt_s_.len, 0))         \
      escrt_panic_bounds(ESCRT_BOUNDS_INDEX, (int64_t)escrt_i_,                \
                         escrt_signed_(escrt_i_), escrt_s_.len);               \
    &escrt_s_.array[escrt_i_];                                                 \
  }))

// escrt_bound_(code, x, y) panics unless 0 <= x <= y, y known nonnegative.
#define escrt_bound_(code, x, y)                                               \
  do {                                                                         \
    if (__builtin_expect((size_t)(x) > (size_t)(y), 0))                        \
      escrt_panic_bounds(code, (int64_t)(x), escrt_signed_(x), (y));           \
  } while (0)

// escrt_reslice_(s, lo, hi, max) is s[lo:hi:max] once checked. A result of
// capacity 0 keeps the old base, as Go's does: a pointer one past the end
// of the array would keep whatever follows it alive.
#define escrt_reslice_(s, lo, hi, max)                                         \
  ({                                                                           \
    ptrdiff_t escrt_rc_ = (ptrdiff_t)(max) - (ptrdiff_t)(lo);                  \
    (__typeof__(s)){(s).array + (escrt_rc_ > 0 ? (ptrdiff_t)(lo) : 0),         \
                    (ptrdiff_t)(hi) - (ptrdiff_t)(lo), escrt_rc_};             \
  })

// escrt_slice_expr(s, lo, hi) is s[lo:hi].
#define escrt_slice_expr(s, lo, hi)                                            \
  ({                                                                           \
    escrt_unqual_(s) escrt_s_ = (s);                                           \
    escrt_index_type_(lo) escrt_lo_ = (lo);                                    \
    escrt_index_type_(hi) escrt_hi_ = (hi);                                    \
    escrt_bound_(ESCRT_BOUNDS_SLICE_ACAP, escrt_hi_, escrt_s_.cap);            \
    escrt_bound_(ESCRT_BOUNDS_SLICE_B, escrt_lo_, escrt_hi_);                  \
    escrt_reslice_(escrt_s_, escrt_lo_, escrt_hi_, escrt_s_.cap);              \
  })

// escrt_slice_expr3(s, lo, hi, max) is s[lo:hi:max].
#define escrt_slice_expr3(s, lo, hi, max)                                      \
  ({                                                                           \
    escrt_unqual_(s) escrt_s_ = (s);                                           \
    escrt_index_type_(lo) escrt_lo_ = (lo);                                    \
    escrt_index_type_(hi) escrt_hi_ = (hi);                                    \
    escrt_index_type_(max) escrt_max_ = (max);                                 \
    escrt_bound_(ESCRT_BOUNDS_SLICE3_ACAP, escrt_max_, escrt_s_.cap);          \
    escrt_bound_(ESCRT_BOUNDS_SLICE3_B, escrt_hi_, escrt_max_);                \
    escrt_bound_(ESCRT_BOUNDS_SLICE3_C, escrt_lo_, escrt_hi_);                 \
    escrt_reslice_(escrt_s_, escrt_lo_, escrt_hi_, escrt_max_);                \
  })

// escrt_slice_from(s, lo) is s[lo:], that is s[lo:len(s)].
#define escrt_slice_from(s, lo)                                                \
  ({                                                                           \
    escrt_unqual_(s) escrt_s_ = (s);                                           \
    escrt_index_type_(lo) escrt_lo_ = (lo);                                    \
    escrt_bound_(ESCRT_BOUNDS_SLICE_B, escrt_lo_, escrt_s_.len);               \
    escrt_reslice_(escrt_s_, escrt_lo_, escrt_s_.len, escrt_s_.cap);           \
  })

// escrt_append_n_(s, src, n) appends the n elements at src to the slice
// variable s, growing it first when they do not fit (Go's append: the new
// length compared unsigned with the capacity).
#define escrt_append_n_(s, src, n)                                             \
  do {                                                                         \
    size_t escrt_newlen_ = (size_t)(s).len + (size_t)(n);                      \
    if (__builtin_expect(escrt_newlen_ > (size_t)(s).cap, 0)) {                \
      escrt_slice escrt_g_ = escrt_growslice(                                  \
          (void *)(s).array, (s).len, (s).cap, (ptrdiff_t)escrt_newlen_,       \
          sizeof *(s).array, escrt_noscan_((s).array[0]));                     \
      (s).array = escrt_g_.array;                                              \
      (s).cap = escrt_g_.cap;                                                  \
    }                                                                          \
    if ((n) > 0)                                                               \
      __builtin_memmove((void *)((s).array + (s).len), (src),                  \
                        (size_t)(n) * sizeof *(s).array);                      \
    (s).len = (ptrdiff_t)escrt_newlen_;                                        \
  } while (0)

// escrt_append(s, v...) is append(s, v...): s with the values after it.
#define escrt_append(s, ...)                                                   \
  ({                                                                           \
    escrt_unqual_(s) escrt_s_ = (s);                                           \
    __typeof__(escrt_s_.array[0]) escrt_v_[] = {__VA_ARGS__};                  \
    escrt_append_n_(escrt_s_, escrt_v_,                                        \
                    (ptrdiff_t)(sizeof escrt_v_ / sizeof escrt_v_[0]));        \
    escrt_s_;                                                                  \
  })

// escrt_same_elem_(a, b) stops the compile unless slices a and b have the
// same element type (qualifiers aside), as Go's type check does.
#define escrt_same_elem_(a, b)                                                 \
  _Static_assert(__builtin_types_compatible_p(__typeof__((a).array[0]),        \
                                              __typeof__((b).array[0])),       \
                 "slices of different element types")

// escrt_append_slice(s, t) is append(s, t...).
#define escrt_append_slice(s, t)                                               \
  ({                                                                           \
    escrt_unqual_(s) escrt_s_ = (s);                                           \
    escrt_unqual_(t) escrt_t_ = (t);                                           \
    escrt_same_elem_(escrt_s_, escrt_t_);                                      \
    escrt_append_n_(escrt_s_, (const void *)escrt_t_.array, escrt_t_.len);     \
    escrt_s_;                                                                  \
  })

// escrt_copy(dst, src) is copy(dst, src): the count of elements copied.
#define escrt_copy(dst, src)                                                   \
  ({                                                                           \
    escrt_unqual_(dst) escrt_d_ = (dst);                                       \
    escrt_unqual_(src) escrt_t_ = (src);                                       \
    escrt_same_elem_(escrt_d_, escrt_t_);                                      \
    escrt_slicecopy((void *)escrt_d_.array, escrt_d_.len,                      \
                    (const void *)escrt_t_.array, escrt_t_.len,                \
                    sizeof *escrt_d_.array);                                   \
  })

#ifdef __cplusplus
}
#endif

#endif

// mksizeclasses: generate the tables of small-object size classes,
// runtime/sizeclasses.h. A port of Go 1.19's runtime/mksizeclasses.go; see
// malloc.c for an overview of the heap.
//
// The size classes are chosen so that rounding an allocation request up to
// the next size class wastes at most 12.5% (1.125x).
//
// Each size class has its own page count that gets allocated and chopped up
// when new objects of the size class are needed. That page count is chosen
// so that chopping up the run of pages into objects of the given size
// wastes at most 12.5% (1.125x) of the memory. It is not necessary that the
// cutoff here be the same as above.
//
// The two sources of waste multiply, so the worst possible case for the
// above constraints would be that allocations of some size might have a
// 26.6% (1.266x) overhead. In practice, only one of the wastes comes into
// play for a given size (sizes < 512 waste mainly on the round-up, sizes >
// 512 waste mainly on the page chopping). For really small sizes, alignment
// constraints force the overhead higher.
//
// (The round-up figure is the aim, not a guarantee: where two candidate
// sizes fit the same number of objects into the same pages they are merged
// into the larger one, and the smallest request of such a class may round up
// by more, e.g. 769 bytes to 896, 16.5%. The chopping bound is enforced, and
// the combined 1.266x holds for every class above 64 bytes;
// tests/check_sizeclasses.c checks both.)
//
// The output differs from Go's only in form: a C header, the division magic
// numbers written as values rather than as ^uint32(0)/size+1 expressions,
// and the tables fenced from clang-format so that the committed header stays
// byte for byte what this program prints.
//
// Usage: mksizeclasses [OUTPUT]; without OUTPUT the header goes to stdout.
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// Constants that we use and will transfer to the runtime.
enum {
  max_small_size = 32 << 10,
  small_size_div = 8,
  small_size_max = 1024,
  large_size_div = 128,
  page_shift = 13,

  // Derived constants.
  page_size = 1 << page_shift,

  // The number of classes, class 0 included; the allocator's tables are
  // declared with it, so a change of algorithm must not change it silently.
  num_size_classes = 68,
};

typedef struct class {
  int size;   // max size
  int npages; // number of pages
} class;

// die reports a broken invariant of the generator (Go's panic) and exits.
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("mksizeclasses: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static int power_of_two(int x) { return x != 0 && (x & (x - 1)) == 0; }

// ---------------------------------------------------------------------------
// Choosing the classes
// ---------------------------------------------------------------------------

// next_align returns the alignment of sizes from size up, given the
// alignment align of the sizes below it. The alignment is bumped once in a
// while, at powers of two.
static int next_align(int size, int align) {
  if (power_of_two(size)) {
    if (size >= 2048)
      align = 256;
    else if (size >= 128)
      align = size / 8;
    else if (size >= 32)
      align = 16; // heap bitmaps assume 16 byte alignment for allocations >= 32
                  // bytes.
  }
  if (!power_of_two(align))
    die("incorrect alignment");
  return align;
}

// span_pages returns the number of pages to allocate for objects of size:
// enough that the leftover is less than 1/8 of the total, so wasted space
// is at most 12.5%.
static int span_pages(int size) {
  int allocsize = page_size;
  while (allocsize % size > allocsize / 8)
    allocsize += page_size;
  return allocsize / page_size;
}

// add_size appends a class for size to classes[0..n) and returns the new
// count. If the previous size class chose the same allocation size and fit
// the same number of objects into the page, we might as well use just this
// size instead of having two different sizes.
static int add_size(class *classes, int n, int size) {
  int npages = span_pages(size);
  int allocsize = npages * page_size;
  class *last = &classes[n - 1];
  if (n > 1 && npages == last->npages &&
      allocsize / size == allocsize / last->size) {
    last->size = size;
    return n;
  }
  if (n == num_size_classes)
    die("number of size classes has changed");
  classes[n] = (class){.size = size, .npages = npages};
  return n + 1;
}

// enlarge_classes increases object sizes if we can fit the same number of
// larger objects into the same number of pages. For example, we choose size
// 8448 above with 6 objects in 7 pages. But we can well use object size
// 9472, which is also 6 objects in 7 pages but +1024 bytes (+12.12%). We
// need to preserve at least large_size_div alignment otherwise the
// size_to_class128 lookup won't work.
static void enlarge_classes(class *classes, int n) {
  for (int i = 1; i < n; i++) {
    class *c = &classes[i];
    int psize = c->npages * page_size;
    int new_size = (psize / (psize / c->size)) & ~(large_size_div - 1);
    if (new_size > c->size)
      c->size = new_size;
  }
}

static void compute_div_magic(const class *c);

// make_classes fills classes[num_size_classes]; class #0 is a dummy entry.
static void make_classes(class *classes) {
  classes[0] = (class){0};
  int n = 1;
  int align = 8;
  for (int size = align; size <= max_small_size; size += align) {
    align = next_align(size, align);
    n = add_size(classes, n, size);
  }
  enlarge_classes(classes, n);
  if (n != num_size_classes)
    die("number of size classes has changed");
  for (int i = 0; i < n; i++)
    compute_div_magic(&classes[i]);
}

// ---------------------------------------------------------------------------
// Division by multiplication
// ---------------------------------------------------------------------------

// bit_len returns the number of bits needed to represent x (Go's bits.Len).
static int bit_len(uint64_t x) {
  int n = 0;
  for (; x != 0; x >>= 1)
    n++;
  return n;
}

// fraction_bits returns F, the number of fractional bits needed to compute
// n / d as floor(n * ceil(2^F / d) / 2^F) for every n < 2^N.
//
// As reported in [1], if n and d are unsigned N-bit integers, we can compute
// n / d as ⌊n * c / 2^F⌋, where c is ⌈2^F / d⌉ and F is computed with:
//
//	Algorithm 2: Algorithm to select the number of fractional bits
//	and the scaled approximate reciprocal in the case of unsigned
//	integers.
//
//	if d is a power of two then
//		Let F ← log₂(d) and c = 1.
//	else
//		Let F ← N + L where L is the smallest integer
//		such that d ≤ (2^(N+L) mod d) + 2^L.
//	end if
//
// [1] "Faster Remainder by Direct Computation: Applications to Compilers and
// Software Libraries" Daniel Lemire, Owen Kaser, Nathan Kurz
// arXiv:1902.01961
//
// To minimize the risk of introducing errors, we implement the algorithm
// exactly as stated.
static int fraction_bits(uint64_t d, int N) {
  if (power_of_two((int)d))
    return bit_len(d) - 1;
  for (int L = 0;; L++) {
    if (N + L >= 64)
      die("no fraction bits for d=%" PRIu64, d);
    if (d <= ((UINT64_C(1) << (N + L)) % d) + (UINT64_C(1) << L))
      return N + L;
  }
}

// compute_div_magic checks that the division required to compute object
// index from span offset can be computed using 32-bit multiplication:
// n / c->size is implemented as (n * (UINT32_MAX / c->size + 1)) >> 32 for
// all 0 <= n <= c->npages * page_size.
static void compute_div_magic(const class *c) {
  int d = c->size;
  if (d == 0)
    return;
  // maximum input value for which the formula needs to work.
  int max = c->npages * page_size;

  // F is the smallest number of fractional bits required (noted in the
  // paper). We use 32 bits, because it works for all size classes and is
  // fast on all CPU architectures.
  int N = bit_len((uint64_t)max);
  int F = fraction_bits((uint64_t)d, N);
  if (F > 32)
    die("size class requires more than 32 bits of precision: "
        "d=%d max=%d N=%d F=%d",
        d, max, N, F);

  // Brute force double-check with the exact computation that will be done
  // by the runtime.
  uint32_t m = UINT32_MAX / (uint32_t)d + 1;
  for (int n = 0; n <= max; n++)
    if ((uint32_t)(((uint64_t)n * m) >> 32) != (uint32_t)(n / d))
      die("bad 32-bit multiply magic: d=%d max=%d m=%" PRIu32 " n=%d", d, max,
          m, n);
}

// ---------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------

static int trailing_zeros(int x) {
  int n = 0;
  for (; (x & 1) == 0; x >>= 1)
    n++;
  return n;
}

// print_class_row prints one row of the table and records in min_aligns, for
// every alignment (in bits) the class satisfies, the smallest class size that
// starts a run of classes all so aligned.
static void print_class_row(FILE *w, int i, const class *c, int prev_size,
                            int min_aligns[page_shift + 1]) {
  int span_size = c->npages * page_size;
  int objects = span_size / c->size;
  int tail_waste = span_size - c->size * (span_size / c->size);
  double max_waste =
      (double)((c->size - prev_size - 1) * objects + tail_waste) /
      (double)span_size;
  int align_bits = trailing_zeros(c->size);
  if (align_bits > page_shift) {
    // object alignment is capped at page alignment
    align_bits = page_shift;
  }
  for (int b = 0; b <= page_shift; b++) {
    if (b > align_bits)
      min_aligns[b] = 0;
    else if (min_aligns[b] == 0)
      min_aligns[b] = c->size;
  }
  fprintf(w, "// %5d  %9d  %10d  %7d  %10d  %8.2f%%  %9d\n", i, c->size,
          span_size, objects, tail_waste, 100 * max_waste, 1 << align_bits);
}

// print_comment prints the table of classes, with the waste of the worst
// request each class serves, and the table of alignments.
static void print_comment(FILE *w, const class *classes) {
  fprintf(w, "// %-5s  %-9s  %-10s  %-7s  %-10s  %-9s  %-9s\n", "class",
          "bytes/obj", "bytes/span", "objects", "tail waste", "max waste",
          "min align");
  int prev_size = 0;
  int min_aligns[page_shift + 1] = {0};
  for (int i = 1; i < num_size_classes; i++) {
    print_class_row(w, i, &classes[i], prev_size, min_aligns);
    prev_size = classes[i].size;
  }
  fprintf(w, "\n");

  fprintf(w, "// %-9s  %-4s  %-12s\n", "alignment", "bits", "min obj size");
  for (int bits = 0; bits <= page_shift; bits++) {
    int size = min_aligns[bits];
    if (size == 0)
      break;
    if (bits + 1 <= page_shift && size == min_aligns[bits + 1])
      continue;
    fprintf(w, "// %9d  %4d  %12d\n", 1 << bits, bits, size);
  }
  fprintf(w, "\n");
}

// print_array prints a table as a C array, as many values to a line as fit
// in 80 columns.
static void print_array(FILE *w, const char *type, const char *name,
                        const char *dim, const uint32_t *v, int n) {
  fprintf(w, "__attribute__((unused)) static const %s %s[%s] = {\n", type, name,
          dim);
  char item[16];
  int col = 0;
  for (int i = 0; i < n; i++) {
    int len = snprintf(item, sizeof item, "%" PRIu32 ",", v[i]);
    if (col > 0 && col + 1 + len > 80) {
      fputc('\n', w);
      col = 0;
    }
    col += fprintf(w, "%s%s", col == 0 ? "    " : " ", item);
  }
  fprintf(w, "\n};\n");
}

// size_class returns the smallest class whose objects hold size bytes.
static uint32_t size_class(const class *classes, int size) {
  for (int j = 0; j < num_size_classes; j++)
    if (classes[j].size >= size)
      return (uint32_t)j;
  die("no class holds %d bytes", size);
  return 0;
}

static void print_class_tables(FILE *w, const class *classes) {
  uint32_t v[num_size_classes];
  for (int i = 0; i < num_size_classes; i++)
    v[i] = (uint32_t)classes[i].size;
  print_array(w, "uint16_t", "class_to_size", "NUM_SIZE_CLASSES", v,
              num_size_classes);
  for (int i = 0; i < num_size_classes; i++)
    v[i] = (uint32_t)classes[i].npages;
  print_array(w, "uint8_t", "class_to_allocnpages", "NUM_SIZE_CLASSES", v,
              num_size_classes);
  for (int i = 0; i < num_size_classes; i++)
    v[i] =
        classes[i].size == 0 ? 0 : UINT32_MAX / (uint32_t)classes[i].size + 1;
  print_array(w, "uint32_t", "class_to_divmagic", "NUM_SIZE_CLASSES", v,
              num_size_classes);
}

// print_size_tables prints the maps from request size to size class: in
// steps of small_size_div up to small_size_max, then of large_size_div.
static void print_size_tables(FILE *w, const class *classes) {
  enum { n8 = small_size_max / small_size_div + 1 };
  enum { n128 = (max_small_size - small_size_max) / large_size_div + 1 };
  uint32_t sc8[n8], sc128[n128];
  for (int i = 0; i < n8; i++)
    sc8[i] = size_class(classes, i * small_size_div);
  for (int i = 0; i < n128; i++)
    sc128[i] = size_class(classes, small_size_max + i * large_size_div);
  print_array(w, "uint8_t", "size_to_class8",
              "SMALL_SIZE_MAX / SMALL_SIZE_DIV + 1", sc8, n8);
  print_array(w, "uint8_t", "size_to_class128",
              "(MAX_SMALL_SIZE - SMALL_SIZE_MAX) / LARGE_SIZE_DIV + 1", sc128,
              n128);
}

static void print_constants(FILE *w) {
  fprintf(w, "#define MAX_SMALL_SIZE %d\n", max_small_size);
  fprintf(w, "#define SMALL_SIZE_DIV %d\n", small_size_div);
  fprintf(w, "#define SMALL_SIZE_MAX %d\n", small_size_max);
  fprintf(w, "#define LARGE_SIZE_DIV %d\n", large_size_div);
  fprintf(w, "#define NUM_SIZE_CLASSES %d\n", num_size_classes);
  fprintf(w, "#define PAGE_SHIFT %d\n", page_shift);
  fprintf(w, "#define PAGE_SIZE (1 << PAGE_SHIFT)\n");
}

static void print_header(FILE *w, const class *classes) {
  fprintf(w, "// Code generated by mksizeclasses.c; DO NOT EDIT.\n");
  fprintf(w,
          "// (regenerate: build/bin/mksizeclasses runtime/sizeclasses.h)\n");
  fprintf(w, "\n");
  print_comment(w, classes);
  fprintf(w, "#ifndef ESCRT_SIZECLASSES_H\n");
  fprintf(w, "#define ESCRT_SIZECLASSES_H\n\n");
  fprintf(w, "#include <stdint.h>\n\n");
  print_constants(w);
  fprintf(w, "\n// clang-format off\n");
  print_class_tables(w, classes);
  print_size_tables(w, classes);
  fprintf(w, "// clang-format on\n\n");
  fprintf(w, "#endif // ESCRT_SIZECLASSES_H\n");
}

int main(int argc, char **argv) {
  if (argc > 2)
    die("usage: mksizeclasses [OUTPUT]");
  class classes[num_size_classes];
  make_classes(classes);

  const char *path = argc == 2 ? argv[1] : NULL;
  FILE *w = path ? fopen(path, "w") : stdout;
  if (w == NULL)
    die("cannot open %s for writing", path);
  print_header(w, classes);
  if (ferror(w) | (path ? fclose(w) : fflush(w)))
    die("error writing %s", path ? path : "standard output");
  return 0;
}

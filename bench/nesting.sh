#!/usr/bin/env bash
# nesting.sh: escape-check on code nested ever deeper, against its anchor,
# libclang alone parsing the same file and visiting every cursor once
# (bench/parse_walk.c). The analysis must be linear in the nesting depth:
# when the depth doubles, its time should double too (growth ~2x), while a
# quadratic part shows as ~4x.
#
#   bench/nesting.sh [RUNS [DEPTH...]]   (default 3 runs; 2000 4000 8000 16000)
#   SHAPES="unary parens" bench/nesting.sh ...   (only these shapes)
#
# Shapes, one function each, generated here:
#   unary    return !!!...!x;                       (a prefix-operator chain)
#   else-if  if (a == 0) ... else if (a == N) ...   (a 16,000-arm chain)
#   blocks   { int *pI = pI-1; { ... { int y; pN = &y; p0 = pN; } ... } }
#            a pointer declared in every block, an address taken at the
#            bottom: every pointer is a root of the solver
#   parens   return ((((a))));                      (a pointer, parenthesized)
#   binary   return a + i + i + ... + i;            (left-nested pointer sums)
# Depths stay under MAX_NESTING (20,000, analyzer/escape.h), beyond which a
# function is given up on. Both programs get the flags escape-check gives
# libclang (-w, see analyzer/tu.c) and -fbracket-depth, and a 1 GiB stack
# with libclang parsing on it (LIBCLANG_NOTHREADS), as run_deep does.
#
# Prints, per shape and depth, the medians of RUNS alternating runs (after
# one untimed warm-up of each), their ratio, and each one's growth factor
# from the previous depth. Release build in build-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
shift || true
depths=("${@:-2000 4000 8000 16000}")
read -r -a depths <<<"${depths[*]}"

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DESCAPE_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target escape-check >/dev/null
cc -std=gnu11 -O3 -DNDEBUG -o build-bench/parse_walk bench/parse_walk.c \
  -I/usr/lib/llvm-19/include -L/usr/lib/llvm-19/lib -lclang-19 \
  -Wl,-rpath,/usr/lib/llvm-19/lib
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
ulimit -s 1048576 # parse_walk recurses on the main thread
export LIBCLANG_NOTHREADS=1
flags=(-w -fbracket-depth=100000)

# generate SHAPE DEPTH FILE writes the function.
generate() {
  awk -v shape="$1" -v n="$2" 'BEGIN {
    if (shape == "unary") {
      printf "int f(int x) {\n  return "
      for (i = 0; i < n; i++) printf "!"
      printf "x;\n}\n"
    } else if (shape == "else-if") {
      printf "int f(int a) {\n  if (a == 0)\n    return 0;\n"
      for (i = 1; i < n; i++) printf "  else if (a == %d)\n    return %d;\n", i, i
      printf "  return -1;\n}\n"
    } else if (shape == "blocks") {
      printf "int f(int a) {\n  int *p0 = &a;\n"
      for (i = 1; i < n; i++) printf "{ int *p%d = p%d;\n", i, i - 1
      printf "int y; p%d = &y; p0 = p%d;\n", n - 1, n - 1
      for (i = 1; i < n; i++) printf "}\n"
      printf "  return *p0;\n}\n"
    } else if (shape == "parens") {
      printf "int *f(int *a) {\n  return "
      for (i = 0; i < n; i++) printf "("
      printf "a"
      for (i = 0; i < n; i++) printf ")"
      printf ";\n}\n"
    } else if (shape == "binary") {
      printf "int *f(int *a, int i) {\n  return a"
      for (i = 0; i < n; i++) printf " + i"
      printf ";\n}\n"
    }
  }' >"$3"
}

# seconds COMMAND... runs it and prints its wall time.
seconds() {
  local t0=$EPOCHREALTIME status=0
  "$@" >/dev/null 2>&1 || status=$?
  local t1=$EPOCHREALTIME
  [ "$status" -le 1 ] || echo "nesting.sh: warning: '$*' exited with status $status" >&2
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

median() { sort -n | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'; }

echo "escape-check -m against libclang parse + walk; $runs runs each, median; $(nproc) cores"
printf '%-8s %6s %10s %10s %7s %12s %12s\n' shape depth ours anchor ratio "ours growth" "anchor growth"
for shape in ${SHAPES:-unary else-if blocks parens binary}; do
  prev_o="" prev_a=""
  for d in "${depths[@]}"; do
    src="$tmp/$shape-$d.c"
    generate "$shape" "$d" "$src"
    build-bench/parse_walk "$src" -- "${flags[@]}" >/dev/null 2>&1 || true
    build-bench/bin/escape-check -m "$src" -- -fbracket-depth=100000 >/dev/null 2>&1 || true
    : >"$tmp/a" && : >"$tmp/o"
    for _ in $(seq "$runs"); do
      seconds build-bench/parse_walk "$src" -- "${flags[@]}" >>"$tmp/a"
      seconds build-bench/bin/escape-check -m "$src" -- -fbracket-depth=100000 >>"$tmp/o"
    done
    a="$(median <"$tmp/a")" o="$(median <"$tmp/o")"
    awk -v s="$shape" -v d="$d" -v o="$o" -v a="$a" -v po="$prev_o" -v pa="$prev_a" 'BEGIN {
      go = po == "" ? "" : sprintf("%.2fx", o / po)
      ga = pa == "" ? "" : sprintf("%.2fx", a / pa)
      printf "%-8s %6d %9.3fs %9.3fs %7.2f %12s %12s\n", s, d, o, a, o / a, go, ga }'
    prev_o="$o" prev_a="$a"
  done
done

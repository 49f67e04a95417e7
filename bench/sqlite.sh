#!/usr/bin/env bash
# sqlite.sh: escape-check -m on the SQLite amalgamation against its anchor,
# libclang alone parsing the same file and visiting every cursor once
# (bench/parse_walk.c), measured in the same run.
#
#   bench/sqlite.sh [RUNS]      (default 5 runs each, alternating, after
#                               one untimed warm-up run of each)
#
# Prints, for each: median and min-max wall time, peak RSS; then the ratio
# of the medians (target: <= 1.2). Also times clang-19 -fsyntax-only when
# it is installed, for reference. Release build in build-bench/; the
# cache is off (--no-cache), so every run analyzes the whole file.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
command -v /usr/bin/time >/dev/null || {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
  else
    echo "sqlite.sh: needs /usr/bin/time: sudo apt-get install -y time" >&2
    exit 1
  fi
}
scripts/fetch-sqlite.sh >/dev/null
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DESCAPE_TESTS=OFF >/dev/null
cmake --build build-bench -j2 >/dev/null
# The anchor gets the flags CMake's Release build gives the analyzer.
cc -std=gnu11 -O3 -DNDEBUG -o build-bench/parse_walk bench/parse_walk.c \
  -I/usr/lib/llvm-19/include -L/usr/lib/llvm-19/lib -lclang-19 \
  -Wl,-rpath,/usr/lib/llvm-19/lib
src=third_party/sqlite/sqlite3.c

measure() { # measure NAME COMMAND... -> appends "seconds kb" lines to $tmp/NAME
  local status=0
  /usr/bin/time -f '%e %M' -o "$tmp/t" "${@:2}" >/dev/null 2>&1 || status=$?
  # time(1) puts "Command exited with non-zero status N" before the figures.
  [ "$status" = 0 ] || echo "sqlite.sh: warning: '${*:2}' exited with status $status" >&2
  tail -n1 "$tmp/t" >>"$tmp/$1"
}
summary() { # summary NAME -> "median min max peakKB"
  sort -n "$tmp/$1" | awk '{t[NR]=$1; if ($2>m) m=$2} END {
    med = (NR%2) ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2;
    printf "%.3f %.3f %.3f %d\n", med, t[1], t[NR], m }'
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# One untimed run of each first: page cache, CPU frequency and the dynamic
# loader's caches settle, and the first timed run is not an outlier.
build-bench/parse_walk "$src" >/dev/null 2>&1 || true
build-bench/bin/escape-check --no-cache -m "$src" >/dev/null 2>&1 || true
for _ in $(seq "$runs"); do
  measure anchor build-bench/parse_walk "$src"
  measure ours build-bench/bin/escape-check --no-cache -m "$src"
  if command -v clang-19 >/dev/null; then measure clang clang-19 -fsyntax-only "$src"; fi
done
echo "sqlite3.c: $(wc -l <"$src") lines, $runs runs each, $(nproc) cores"
printf '%-34s %8s %17s %10s\n' "" median min-max "peak RSS"
for n in anchor ours clang; do
  [ -f "$tmp/$n" ] || continue
  read -r med lo hi kb <<<"$(summary $n)"
  case $n in
  anchor) label="libclang parse + walk (anchor)" ;;
  ours) label="escape-check -m" ;;
  clang) label="clang-19 -fsyntax-only" ;;
  esac
  printf '%-34s %7.3fs %7.3f-%-7.3fs %7d KB\n' "$label" "$med" "$lo" "$hi" "$kb"
done
a="$(summary anchor | cut -d' ' -f1)"
o="$(summary ours | cut -d' ' -f1)"
awk -v o="$o" -v a="$a" 'BEGIN { r = o / a; printf "ratio escape-check / anchor: %.3f (target <= 1.20): %s\n", r, (r <= 1.2 ? "met" : "MISSED") }'

#!/usr/bin/env bash
# treespeed.sh: escape-check -p on a real tree against its anchor, libclang
# parsing every file of the build once (issue 12, acceptance 4).
#
#   bench/treespeed.sh [RUNS] [TREE]   (default 3 runs each, alternating,
#                                       after one untimed warm-up; TREE one
#                                       of bench/trees-build.sh's, default
#                                       gawk, the largest)
#
# The tree is built once by its own build system for its
# compile_commands.json (bench/trees-build.sh). In each round, in this
# order:
#   anchor  build-bench/trees/parse_walk -p DB (bench/parse_walk.c): every
#           C file of the database parsed and walked once, sequentially, in
#           one process, with its entry's flags prepared as escape-check
#           prepares them;
#   -j1     escape-check -j1 -p DB (check mode, --no-cache);
#   -j2     escape-check -j2 -p DB (--no-cache);
#   cache   escape-check -j2 --cache-dir DIR -p DB with DIR new and empty
#           (the first run), then, after one line appending a function to
#           one C file (the database's median-sized one), the same command
#           again (the re-run); the file is put back after each round.
#           When escape-check has no --cache-dir, said "not available".
# Wall time (the shell's clock), peak RSS (/usr/bin/time's maximum resident
# set) and CPU time (user + sys, the stable figure on a shared machine) of
# each; medians and min-max. Printed: (a) -j1 / anchor
# (target <= 1.20), (b) -j1 / -j2 speedup (target >= 1.80 on 2 cores), (c)
# re-run / first run (target <= 0.15), (d) the peak memory of each. Also
# checked, once: -j1 and -j2 print the same report, and the re-run prints
# what a run without the cache prints on the edited tree.
# Exit status non-zero when a run fails (escape-check's status other than 0
# or 1, the anchor's other than 0) or a consistency check fails; a missed
# target is a result, not an error.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  runs=$1
  shift
fi
tree="${1:-gawk}"
usage() {
  echo "usage: bench/treespeed.sh [RUNS] [lua|zlib|bzip2|json-c|gawk]" >&2
  exit 2
}
if [ $# -gt 1 ] || ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then usage; fi
. bench/anchors.sh       # install_missing, ratio
. bench/debian-source.sh # debian_source
. bench/trees-build.sh   # tree_*, escape_check_bin
[ -n "${tree_pkg[$tree]:-}" ] || usage

tree_prepare treespeed.sh "$tree"
escape_check_bin treespeed.sh
# The anchor gets the flags CMake's Release build gives the analyzer.
cc -std=gnu11 -O3 -DNDEBUG -o "$trees_top/parse_walk" bench/parse_walk.c \
  -I/usr/lib/llvm-19/include -L/usr/lib/llvm-19/lib -lclang-19 \
  -Wl,-rpath,/usr/lib/llvm-19/lib
anchor="$trees_top/parse_walk"
dir="$trees_top/$tree"
db="$(tree_db "$tree")"
files="$(tree_c_files "$tree")"
nfiles="$(wc -l <<<"$files")"
nlines="$(xargs -d '\n' cat <<<"$files" | wc -l)"
nocache=()
cache=no
if "$ec" --help | grep -q -- '--cache-dir'; then
  nocache=(--no-cache)
  cache=yes
fi
# The file edited: the median-sized C file of the database.
edited="$(xargs -d '\n' wc -c <<<"$files" | grep -v ' total$' | sort -n |
  awk '{ f[NR] = $2 } END { print f[int((NR + 1) / 2)] }')"

tmp="$(mktemp -d)"
cp "$edited" "$tmp/edited.orig"
trap 'cp "$tmp/edited.orig" "$edited"; rm -rf "$tmp"' EXIT
failed=0
fail() {
  echo "treespeed.sh: FAILED: $*" >&2
  failed=1
}

# measure NAME OUT COMMAND... runs COMMAND in the tree, stdout to OUT;
# appends "seconds kb" to $tmp/NAME. Fails on a status other than 0 or 1
# (escape-check) or 0 (the anchor).
measure() {
  local name=$1 out=$2 status=0 t0 t1
  shift 2
  t0=$EPOCHREALTIME
  (cd "$dir" && /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$@") >"$out" 2>"$tmp/$name.err" ||
    status=$?
  t1=$EPOCHREALTIME
  if [ "$status" != 0 ] && { [ "$1" = "$anchor" ] || [ "$status" != 1 ]; }; then
    fail "$name: '$*' exited with status $status:"
    grep -v '^Command exited' "$tmp/$name.err" | tail -n 5 | sed 's/^/  /' >&2
    cp "$tmp/$name.err" "$trees_top/logs/treespeed.$name.err"
  fi
  tail -n 1 "$tmp/rss" | awk -v a="$t0" -v b="$t1" '{ printf "%.3f %d %.2f\n", b - a, $1, $2 + $3 }' \
    >>"$tmp/$name"
}
edit() { printf '\nint escape_bench_edit(int *p) { return p ? *p + 1 : 0; }\n' >>"$edited"; }
unedit() { cp "$tmp/edited.orig" "$edited"; }

load0="$(cut -d' ' -f1 /proc/loadavg)"
echo "treespeed.sh: $tree: $nfiles C files, $nlines lines; warm-up" >&2
"$anchor" -p "$db" >/dev/null 2>&1 || true
(cd "$dir" && "$ec" -q -j2 "${nocache[@]}" -p "$db") >/dev/null 2>&1 || true
for i in $(seq "$runs"); do
  echo "treespeed.sh: round $i of $runs" >&2
  measure anchor "$tmp/anchor.out" "$anchor" -p "$db"
  measure j1 "$tmp/j1.out" "$ec" -j1 "${nocache[@]}" -p "$db"
  measure j2 "$tmp/j2.out" "$ec" -j2 "${nocache[@]}" -p "$db"
  if [ "$i" = 1 ] && ! cmp -s "$tmp/j1.out" "$tmp/j2.out"; then
    diff "$tmp/j1.out" "$tmp/j2.out" >"$trees_top/logs/treespeed.j1-j2.diff" || true
    fail "-j1 and -j2 print different reports ($trees_top/logs/treespeed.j1-j2.diff)"
  fi
  [ "$cache" = yes ] || continue
  rm -rf "$tmp/cache"
  measure first "$tmp/first.out" "$ec" -j2 --cache-dir "$tmp/cache" -p "$db"
  edit
  measure rerun "$tmp/rerun.out" "$ec" -j2 --cache-dir "$tmp/cache" -p "$db"
  if [ "$i" = 1 ]; then
    (cd "$dir" && "$ec" -q -j2 --no-cache -p "$db") >"$tmp/fresh.out" 2>/dev/null || true
    if ! cmp -s "$tmp/rerun.out" "$tmp/fresh.out"; then
      diff "$tmp/fresh.out" "$tmp/rerun.out" >"$trees_top/logs/treespeed.rerun.diff" || true
      fail "the re-run after the edit prints another report than a run without the cache" \
        "($trees_top/logs/treespeed.rerun.diff)"
    fi
  fi
  unedit
done

summary() { # summary NAME -> "median min max peakKB median-cpu"
  sort -n "$tmp/$1" | awk '{ t[NR] = $1; if ($2 > m) m = $2; print $3 | "sort -n >" f } END {
    close("sort -n >" f)
    while ((getline c < f) > 0) u[++k] = c
    printf "%.3f %.3f %.3f %d %.2f\n", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2,
      t[1], t[NR], m, (k % 2) ? u[(k + 1) / 2] : (u[k / 2] + u[k / 2 + 1]) / 2 }' f="$tmp/cpu.$1"
}
med() { [ -s "$tmp/$1" ] && summary "$1" | cut -d' ' -f1; }
medcpu() { [ -s "$tmp/$1" ] && summary "$1" | cut -d' ' -f5; }
verdict() { # verdict VALUE OP LIMIT
  if [ "$1" = - ]; then echo -; elif awk "BEGIN { exit !($1 $2 $3) }"; then echo met; else echo MISSED; fi
}

echo
echo "$tree (${tree_pkg[$tree]} ${tree_version[$tree]}, ${tree_system[$tree]}): $nfiles C files," \
  "$nlines lines; $runs runs each after one warm-up; $(nproc) cores, load average $load0 at start"
echo "escape-check: $ec ($("$ec" --version 2>/dev/null | head -n 1))$(
  [ -z "${ESCAPE_CHECK:-}" ] && echo ", build-bench/ at $(git rev-parse --short HEAD)$(
    git diff --quiet HEAD -- analyzer CMakeLists.txt 2>/dev/null || echo '+changes')")"
printf '%-52s %8s %17s %12s %9s\n' "" median min-max "peak RSS" "CPU time"
for n in anchor j1 j2 first rerun; do
  case $n in
  anchor) label="libclang parse + walk, each file once (anchor)" ;;
  j1) label="escape-check -j1 -p" ;;
  j2) label="escape-check -j2 -p" ;;
  first) label="escape-check -j2 --cache-dir, first run" ;;
  rerun) label="escape-check -j2 --cache-dir, ${edited##*/} edited" ;;
  esac
  if [ ! -s "$tmp/$n" ]; then
    printf '%-52s not available (no --cache-dir)\n' "$label"
    continue
  fi
  read -r m lo hi kb cpu <<<"$(summary "$n")"
  printf '%-52s %7.3fs %7.3f-%-7.3fs %9d KB %8.2fs\n' "$label" "$m" "$lo" "$hi" "$kb" "$cpu"
done
r="$(ratio "$(med j1)" "$(med anchor)")"
echo "(a) escape-check -j1 / anchor: $r (target <= 1.20): $(verdict "$r" '<=' 1.2);" \
  "in CPU time (user + sys, medians): $(ratio "$(medcpu j1)" "$(medcpu anchor)")"
r="$(ratio "$(med j1)" "$(med j2)")"
echo "(b) speedup -j1 / -j2: $r (target >= 1.80): $(verdict "$r" '>=' 1.8)"
if [ "$cache" = yes ]; then
  r="$(ratio "$(med rerun)" "$(med first)")"
  echo "(c) re-run after editing ${edited#"$dir"/} / first run: $r (target <= 0.15): $(verdict "$r" '<=' 0.15)"
else
  echo "(c) re-run after an edit: not available ($ec has no --cache-dir)"
fi
kb() { [ -s "$tmp/$1" ] && summary "$1" | cut -d' ' -f4 || echo -; }
echo "(d) peak RSS: anchor $(kb anchor) KB, -j1 $(kb j1) KB, -j2 $(kb j2) KB, first $(kb first) KB, re-run $(kb rerun) KB"
if [ "$failed" != 0 ]; then
  echo "treespeed.sh: some runs or checks FAILED (see above)" >&2
  exit 1
fi

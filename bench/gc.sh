#!/usr/bin/env bash
# gc.sh: our collector against its anchors, on two workloads:
#   binary-trees  the Benchmarks Game's program (bench/binarytrees.go and its
#                 twin bench/binarytrees.c, whose top comments give the work
#                 and the output), at depths 18 and 20;
#   churn         bench/malloc.sh's churn with the objects dropped to the
#                 collector instead of freed (bench/churngc.c and .go): the
#                 issue's churn-gc.
# Each runs in Go 1.19 (Debian's golang-go), with the Boehm-Demers-Weiser
# collector (Debian's libgc-dev: nothing freed), with plain malloc/free
# (every object freed) under glibc's malloc and under mimalloc (Debian's
# libmimalloc2.0, put in by LD_PRELOAD), and on ours (escrt_new, nothing
# freed).
#
#   bench/gc.sh [RUNS] [DEPTH[:N]|churn[:N]...]
#
# RUNS defaults to $GC_RUNS, else 5. The workloads default to 18, 20 and
# churn. A workload runs RUNS times, except that a depth above 18 runs
# (RUNS+1)/2 times (3 of 5): each step of 2 in depth is four times the work.
# W:N runs that workload N times. At the defaults the script takes about
# five minutes on a 2-core machine.
#
# Programs, in the order each round runs them, so that the noise of the
# machine falls on all alike:
#   go        the Go program, GO111MODULE=off, caches under build-bench/go;
#             GOGC and GOMAXPROCS unset (100, the cores).
#   boehm     the C program -DALLOC_BOEHM -lgc: Boehm's defaults.
#   glibc     the C program -DALLOC_MALLOC, glibc's malloc.
#   mimalloc  the same binary with LD_PRELOAD of libmimalloc.so.2.
#   ours      the C program -DALLOC_ESCRT against build-bench/lib/libescrt.a
#             (Release); binary-trees runs as a main goroutine (escrt_run).
#             Its mark runs mostly concurrently where the kernel allows.
#   ours-stw  the same binary with GODEBUG=gcstoptheworld=1: every mark
#             with the world stopped.
# The C programs are built with cc -O2. Each run of a malloc program must
# report (on stderr) that malloc came from the library it was meant to.
#
# There is no separate warm-up: the binaries were just built. Time is what
# each program prints, the monotonic clock around the work inside the
# process; CPU is user+system time of the process (/usr/bin/time), which
# counts the collectors' other threads; peak RSS is the largest maximum
# resident set over the runs (/usr/bin/time -f %M, package time). Max
# pause is each program's longest collection pause (Go: MemStats.PauseNs;
# Boehm: GC_EVENT_START to GC_EVENT_END in binary-trees; ours: the longest
# stop of the world, escrt_read_gcstats; malloc: 0; -1: no figure): the
# table gives the median of the runs' maxima and the largest. Ratios are to
# Go's median time, median CPU and peak RSS. The issue's targets are
# checked at the end: ours faster than Go and Boehm on binary-trees at
# both depths, peak RSS at most Go's, and the largest pause at depth 18
# under 10 ms.
#
# Every run must print the same output as every other (all lines but the
# last, seconds= and max_pause_ns=); binary-trees' output must also hold
# the checks it has by construction (a tree of depth d has 2^(d+1)-1
# nodes). A run that crashes, hangs past 300 s or disagrees marks its pair
# FAILED, is not run again, and makes the exit status non-zero.
#
# golang-go, libgc-dev, libmimalloc2.0 and time are installed with apt-get
# when missing and the script runs as root; otherwise it prints the sudo
# line and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
unset GOMAXPROCS GOGC GODEBUG LD_PRELOAD GC_NPROCS GC_MARKERS

usage() {
  echo "usage: bench/gc.sh [RUNS] [DEPTH[:N]|churn[:N]...]" >&2
  exit 2
}
runs="${GC_RUNS:-5}"
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  runs="$1"
  shift
fi
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage
[ $# -gt 0 ] || set -- 18 20 churn
depths=() # the workloads: depths of binary-trees, and churn
declare -A nruns
for d; do
  [[ "$d" =~ ^([0-9]+|churn)(:([1-9][0-9]*))?$ ]] || usage
  depth="${BASH_REMATCH[1]}"
  [ "$depth" = churn ] || { [ "$depth" -ge 6 ] && [ "$depth" -le 24 ]; } || {
    echo "gc.sh: depths run from 6 to 24" >&2
    exit 2
  }
  if [ -n "${BASH_REMATCH[3]}" ]; then
    nruns[$depth]="${BASH_REMATCH[3]}"
  elif [ "$depth" != churn ] && [ "$depth" -gt 18 ]; then
    nruns[$depth]=$(((runs + 1) / 2))
  else
    nruns[$depth]="$runs"
  fi
  depths+=("$depth")
done
rounds=0
for d in "${depths[@]}"; do [ "${nruns[$d]}" -gt "$rounds" ] && rounds="${nruns[$d]}"; done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The anchors, installed from Debian when missing.
. bench/anchors.sh
libdir="/usr/lib/$(cc -print-multiarch)"
mimalloc="$libdir/libmimalloc.so.2"
missing=()
command -v go >/dev/null || missing+=(golang-go)
{ [ -f /usr/include/gc/gc.h ] && [ -e "$libdir/libgc.so" ]; } || missing+=(libgc-dev)
[ -f "$mimalloc" ] || missing+=(libmimalloc2.0)
[ -x /usr/bin/time ] || missing+=(time)
install_missing gc.sh "${missing[@]}"
go_anchor gc.sh

mkdir -p build-bench
declare -A bin=([go]=build-bench/binarytrees-go [boehm]=build-bench/binarytrees-boehm
  [glibc]=build-bench/binarytrees-malloc [mimalloc]=build-bench/binarytrees-malloc
  [ours]=build-bench/binarytrees-ours [ours-stw]=build-bench/binarytrees-ours)
declare -A cbin=([go]=build-bench/churngc-go [boehm]=build-bench/churngc-boehm
  [glibc]=build-bench/churngc-malloc [mimalloc]=build-bench/churngc-malloc
  [ours]=build-bench/churngc-ours [ours-stw]=build-bench/churngc-ours)
# The malloc each malloc program's run must report (realpath: .so.N are links).
declare -A owner=([glibc]="$(realpath "/lib/$(cc -print-multiarch)/libc.so.6")"
  [mimalloc]="$(realpath "$mimalloc")")
declare -A preload=([mimalloc]="$mimalloc")
declare -A penv=([ours-stw]=GODEBUG=gcstoptheworld=1)
go build -o "${bin[go]}" bench/binarytrees.go
go build -o "${cbin[go]}" bench/churngc.go
c_flags=(-std=gnu11 -O2 -Wall)
for w in binarytrees churngc; do
  cc "${c_flags[@]}" -DALLOC_BOEHM -o "build-bench/$w-boehm" "bench/$w.c" -lgc
  cc "${c_flags[@]}" -DALLOC_MALLOC -o "build-bench/$w-malloc" "bench/$w.c" -ldl
done
programs=(go boehm glibc mimalloc)

# Ours: target escrt brought up to date, with the flags goroutine code needs.
lib=build-bench/lib/libescrt.a
echo "gc.sh: building target escrt in build-bench/ (Release)" >&2
if ! { cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DESCAPE_TESTS=OFF &&
  cmake --build build-bench --target escrt -j2; } >"$tmp/build.log" 2>&1; then
  tail -n 5 "$tmp/build.log" | sed 's/^/  /' >&2
  echo "gc.sh: the build of target escrt failed" >&2
  exit 1
fi
for w in binarytrees churngc; do
  cc "${c_flags[@]}" -pthread -ftrivial-auto-var-init=zero -I runtime/include \
    -DALLOC_ESCRT -o "build-bench/$w-ours" "bench/$w.c" "$lib" -Wl,-z,now
done
programs+=(ours ours-stw)

# expected DEPTH -> the output binary-trees must print at DEPTH, bar the
# last line, from the sizes of its trees (a tree of depth d: 2^(d+1)-1).
expected() {
  awk -v n="$1" 'BEGIN {
    printf "stretch tree of depth %d\t check: %d\n", n + 1, 2 ^ (n + 2) - 1
    for (d = 4; d <= n; d += 2) {
      it = 2 ^ (n - d + 4)
      printf "%d\t trees of depth %d\t check: %d\n", it, d, it * (2 ^ (d + 1) - 1)
    }
    printf "long lived tree of depth %d\t check: %d\n", n, 2 ^ (n + 1) - 1 }'
}

# measure WORKLOAD PROGRAM -> appends "seconds cpu kb pause_ns" to
# $tmp/WORKLOAD.PROGRAM. A run that fails, prints other output than
# expected or gets its malloc from elsewhere marks the pair failed
# (WORKLOAD.PROGRAM.failed). churn has no expected output of its own: the
# first run's becomes the one every other run must print.
measure() {
  local d=$1 p=$2 status=0 last got env=() cmd
  [ -f "$tmp/$d.$p.failed" ] && return
  [ -n "${preload[$p]:-}" ] && env=(LD_PRELOAD="${preload[$p]}")
  [ -n "${penv[$p]:-}" ] && env=("${penv[$p]}")
  if [ "$d" = churn ]; then cmd=("${cbin[$p]}"); else cmd=("${bin[$p]}" "$d"); fi
  env "${env[@]}" timeout 300 /usr/bin/time -f '%M %U %S' -o "$tmp/usage" \
    "${cmd[@]}" >"$tmp/out" 2>"$tmp/err" || status=$?
  if [ "$status" != 0 ]; then
    [ "$status" = 124 ] && echo "timed out after 300 s" >>"$tmp/err"
    fail "$d" "$p" "exit status $status: $(tail -n 3 "$tmp/err")"
    return
  fi
  if [ -n "${owner[$p]:-}" ]; then
    got="$(sed -n 's/^malloc=//p' "$tmp/err")"
    if [ "$(realpath -m -- "${got:-?}")" != "${owner[$p]}" ]; then
      fail "$d" "$p" "malloc came from '$got', not ${owner[$p]}"
      return
    fi
  fi
  last="$(tail -n 1 "$tmp/out")"
  if ! [[ "$last" =~ ^seconds=([0-9.]+)\ max_pause_ns=(-?[0-9]+)$ ]]; then
    fail "$d" "$p" "last line '$last', not seconds= max_pause_ns="
    return
  fi
  [ -f "$tmp/$d.expect" ] || head -n -1 "$tmp/out" >"$tmp/$d.expect"
  if ! head -n -1 "$tmp/out" | cmp -s - "$tmp/$d.expect"; then
    fail "$d" "$p" "printed another output: $(head -n -1 "$tmp/out" | diff - "$tmp/$d.expect" | head -n 4 | tr '\n' ' ')"
    return
  fi
  echo "${BASH_REMATCH[1]} $(awk '{ printf "%.2f %d", $2 + $3, $1 }' "$tmp/usage") ${BASH_REMATCH[2]}" \
    >>"$tmp/$d.$p"
}
fail() { # fail DEPTH PROGRAM MESSAGE
  echo "gc.sh: depth $1 under $2 FAILED: $3" >&2
  touch "$tmp/$1.$2.failed"
}

for d in "${depths[@]}"; do [ "$d" = churn ] || expected "$d" >"$tmp/$d.expect"; done
# The load average tells a reader whether something else shared the cores.
load0="$(cut -d' ' -f1 /proc/loadavg)"
start="$(date +%s)"
for i in $(seq "$rounds"); do
  echo "gc.sh: round $i of $rounds" >&2
  for d in "${depths[@]}"; do
    [ "$i" -le "${nruns[$d]}" ] || continue
    for p in "${programs[@]}"; do measure "$d" "$p"; done
  done
done

# med COLUMN FILE -> the median of that column; max COLUMN FILE -> its largest.
med() {
  awk -v c="$1" '{ print $c }' "$2" | sort -g | awk '{ v[NR] = $1 } END {
    printf "%s", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
max() { awk -v c="$1" 'NR == 1 || $c > m { m = $c } END { printf "%s", m }' "$2"; }
lo() { awk -v c="$1" 'NR == 1 || $c < m { m = $c } END { printf "%s", m }' "$2"; }
# ms NS -> NS in milliseconds, or - for a negative figure (none available).
ms() { awk -v n="$1" 'BEGIN { if (n < 0) printf "-"; else printf "%.2f ms", n / 1e6 }'; }

echo
echo "workloads (binary-trees depths, churn): ${depths[*]} at $(for d in "${depths[@]}"; do printf '%s ' "${nruns[$d]}"; done)runs," \
  "programs alternating, $(nproc) cores, load average $load0 at start, $(($(date +%s) - start)) s in all"
echo "time = the work, measured inside the process; cpu = user+system of the process"
echo "anchors: $goversion ($(dpkg-query -W -f '${Package} ${Version}' golang-go 2>/dev/null || echo '?')); boehm:" \
  "libgc $(dpkg-query -W -f '${Version}' libgc-dev 2>/dev/null || echo '?'); glibc $(ldd --version | sed -n '1s/.* //p');" \
  "mimalloc $(dpkg-query -W -f '${Version}' libmimalloc2.0 2>/dev/null || echo '?')"
echo "ours: bench/*.c -DALLOC_ESCRT at -O2 against $lib"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
printf '\n%-5s %-9s %9s  %-15s %7s %10s %9s %9s %7s %7s %7s\n' depth program median min-max cpu \
  "peak RSS" "pause med" "pause max" time/Go cpu/Go RSS/Go
for d in "${depths[@]}"; do
  g="$tmp/$d.go"
  if [ ! -f "$g" ] || [ -f "$g.failed" ]; then g=""; fi
  for p in "${programs[@]}"; do
    f="$tmp/$d.$p"
    if [ -f "$f.failed" ] || [ ! -f "$f" ]; then
      printf '%-5s %-9s %9s\n' "$d" "$p" FAILED
      continue
    fi
    printf -v range '%.3f-%.3f' "$(lo 1 "$f")" "$(max 1 "$f")"
    printf '%-5s %-9s %7.3f s  %-15s %5.2f s %7d KB %9s %9s %7s %7s %7s\n' "$d" "$p" \
      "$(med 1 "$f")" "$range" "$(med 2 "$f")" "$(max 3 "$f")" "$(ms "$(med 4 "$f")")" \
      "$(ms "$(max 4 "$f")")" "$(ratio "$(med 1 "$f")" "${g:+$(med 1 "$g")}")" \
      "$(ratio "$(med 2 "$f")" "${g:+$(med 2 "$g")}")" "$(ratio "$(max 3 "$f")" "${g:+$(max 3 "$g")}")"
  done
done

# The issue's targets, from the figures above.
echo
for d in "${depths[@]}"; do
  [ "$d" = churn ] && continue
  f="$tmp/$d.ours"
  [ -f "$f" ] && [ ! -f "$f.failed" ] || continue
  for a in go boehm; do
    [ -f "$tmp/$d.$a" ] && [ ! -f "$tmp/$d.$a.failed" ] || continue
    awk -v d="$d" -v a="$a" -v o="$(med 1 "$f")" -v g="$(med 1 "$tmp/$d.$a")" 'BEGIN {
      printf "target: depth %s, ours faster than %s: %.3f s against %.3f s: %s\n",
        d, a, o, g, (o < g) ? "met" : "MISSED" }'
  done
  if [ -f "$tmp/$d.go" ] && [ ! -f "$tmp/$d.go.failed" ]; then
    awk -v d="$d" -v o="$(max 3 "$f")" -v g="$(max 3 "$tmp/$d.go")" 'BEGIN {
      printf "target: depth %s, peak RSS at most Go'"'"'s: %d KB against %d KB: %s\n",
        d, o, g, (o <= g) ? "met" : "MISSED" }'
  fi
  [ "$d" = 18 ] && awk -v p="$(max 4 "$f")" 'BEGIN {
    printf "target: depth 18, largest pause under 10 ms: %.2f ms: %s\n",
      p / 1e6, (p < 1e7) ? "met" : "MISSED" }'
done

if compgen -G "$tmp/*.failed" >/dev/null; then
  echo "gc.sh: some runs FAILED or disagreed (see above)" >&2
  exit 1
fi

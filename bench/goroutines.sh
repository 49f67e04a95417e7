#!/usr/bin/env bash
# goroutines.sh: our goroutine runtime (libescrt) against Go 1.19 (Debian's
# golang-go) on the workloads of bench/goroutines.c and its twin
# bench/goroutines.go: spawn, idle, pingpong, sieve and deep (the top of
# goroutines.c gives each exactly).
#
#   bench/goroutines.sh [RUNS] [WORKLOAD...]
#
# RUNS defaults to $GOROUTINES_RUNS, else 5. WORKLOADs are spawn, idle,
# pingpong (both pingpong-1 and pingpong-2), pingpong-1, pingpong-2, sieve
# and deep; default all. pingpong-N runs with GOMAXPROCS=N; the others with
# GOMAXPROCS unset, which both runtimes take as the number of cores.
#
# Go comes from golang-go, installed with apt-get when go is missing and the
# script runs as root (otherwise it prints the sudo line and stops); it is
# built with GO111MODULE=off and its cache under build-bench/go, and never
# touches the network. Ours: the script brings target escrt in build-bench/
# (Release) up to date and compiles goroutines.c against
# build-bench/lib/libescrt.a at -O2; a failed build stops the script.
# $ESCRT_GOROUTINES_BIN, when set, names a goroutines.c binary built some
# other way to measure as ours; nothing is built then. At the end it runs
# bench/systemstack.c: what a call into the C library costs a goroutine on
# the thread's stack (escrt_systemstack) against the other way out, room
# reserved on its own stack (ESCRT_STACK_RESERVE), and a plain call.
#
# RUNS rounds, each running every workload under ours then Go, so that the
# noise of this machine falls on both alike; the binaries were just built,
# so there is no separate warm-up. Time is what each program prints: the
# monotonic clock around the workload inside the process (process start and
# the runtime's set-up are not in it). Peak RSS is the largest maximum
# resident set (/usr/bin/time -f %M, package time) over the runs. For each
# workload: median and min-max time, peak RSS, and the ratios ours/Go of the
# median times and peak RSS; for idle also the median bytes per parked
# goroutine and its ratio.
#
# Every run's line must agree between the two programs apart from seconds=
# and bytes_per_goroutine= (the counts, sum=, last_prime=, checksum=), must
# report the GOMAXPROCS it was given, and sieve's last prime must be 48611.
# A run that crashes, hangs past 120 s or disagrees marks its pair FAILED,
# is not run again, and makes the exit status non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
unset GOMAXPROCS

usage() {
  echo "usage: bench/goroutines.sh [RUNS] [spawn|idle|pingpong|pingpong-1|pingpong-2|sieve|deep...]" >&2
  exit 2
}
runs="${GOROUTINES_RUNS:-5}"
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  runs="$1"
  shift
fi
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage
[ $# -gt 0 ] || set -- spawn idle pingpong sieve deep
workloads=()
for w; do
  case $w in
  pingpong) workloads+=(pingpong-1 pingpong-2) ;;
  spawn | idle | pingpong-1 | pingpong-2 | sieve | deep) workloads+=("$w") ;;
  *) usage ;;
  esac
done

# procs WORKLOAD -> the GOMAXPROCS it runs with, and both programs report.
procs() {
  case $1 in
  pingpong-*) echo "${1#pingpong-}" ;;
  *) nproc ;;
  esac
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Go and /usr/bin/time, installed from Debian when missing.
. bench/anchors.sh
missing=()
command -v go >/dev/null || missing+=(golang-go)
[ -x /usr/bin/time ] || missing+=(time)
install_missing goroutines.sh "${missing[@]}"
go_anchor goroutines.sh

mkdir -p build-bench
declare -A bin=([ours]=build-bench/goroutines [go]=build-bench/goroutines-go)
go build -o "${bin[go]}" bench/goroutines.go

# Ours: target escrt, then the workloads linked against it (with the flags
# the runtime asks of goroutine code: zeroed locals, -z now), and the
# system-stack microbenchmark; or the binary $ESCRT_GOROUTINES_BIN names.
programs=(ours go)
lib=build-bench/lib/libescrt.a
goroutine_flags=(-std=gnu11 -O2 -pthread -ftrivial-auto-var-init=zero -I runtime/include)
if [ -n "${ESCRT_GOROUTINES_BIN:-}" ]; then
  bin[ours]="$ESCRT_GOROUTINES_BIN"
  lib="$ESCRT_GOROUTINES_BIN (ESCRT_GOROUTINES_BIN)"
  [ -x "${bin[ours]}" ] || { echo "goroutines.sh: no executable $ESCRT_GOROUTINES_BIN" >&2; exit 1; }
else
  echo "goroutines.sh: building target escrt in build-bench/ (Release)" >&2
  if ! { cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DESCAPE_TESTS=OFF &&
    cmake --build build-bench --target escrt -j2; } >"$tmp/build.log" 2>&1; then
    tail -n 5 "$tmp/build.log" | sed 's/^/  /' >&2
    echo "goroutines.sh: the build of target escrt failed" >&2
    exit 1
  fi
  for prog in goroutines systemstack; do
    if ! cc "${goroutine_flags[@]}" -o "build-bench/$prog" "bench/$prog.c" "$lib" \
      -Wl,-z,now 2>"$tmp/cc.log"; then
      tail -n 5 "$tmp/cc.log" | sed 's/^/  /' >&2
      echo "goroutines.sh: bench/$prog.c did not compile or link against $lib" >&2
      exit 1
    fi
  done
fi

# measure WORKLOAD PROGRAM -> appends "seconds kb bytes_per_goroutine" to
# $tmp/WORKLOAD.PROGRAM. A run that fails, reports another GOMAXPROCS or
# prints another line than the first program did marks the pair failed
# (file WORKLOAD.PROGRAM.failed); it is not run again.
measure() {
  local w=$1 p=$2 out line same bpg status=0 np
  [ -f "$tmp/$w.$p.failed" ] && return
  np="$(procs "$w")"
  local env=()
  [[ "$w" == pingpong-* ]] && env=(GOMAXPROCS="$np")
  out="$(env "${env[@]}" timeout 120 /usr/bin/time -f %M -o "$tmp/kb" \
    "${bin[$p]}" "${w%-[0-9]*}" 2>"$tmp/err")" || status=$?
  if [ "$status" != 0 ]; then
    [ "$status" = 124 ] && echo "timed out after 120 s" >>"$tmp/err"
    fail "$w" "$p" "exit status $status: $(tail -n 3 "$tmp/err")"
    return
  fi
  line="$(grep -E "^${w%-[0-9]*} seconds=[0-9.]+ " <<<"$out" || true)"
  if [ "$(wc -l <<<"$line")" != 1 ] || [ -z "$line" ]; then
    fail "$w" "$p" "printed '$out', not one line of results"
    return
  fi
  same="$(sed -E 's/ (seconds|bytes_per_goroutine)=[^ ]*//g' <<<"$line")"
  if [[ " $same " != *" gomaxprocs=$np "* ]]; then
    fail "$w" "$p" "ran with another GOMAXPROCS than $np: '$line'"
    return
  fi
  if [[ "$w" == sieve && " $same " != *" last_prime=48611 "* ]]; then
    fail "$w" "$p" "the 5000th prime is 48611: '$line'"
    return
  fi
  [ -f "$tmp/$w.expect" ] || echo "$same" >"$tmp/$w.expect"
  if [ "$same" != "$(cat "$tmp/$w.expect")" ]; then
    fail "$w" "$p" "printed '$same', expected '$(cat "$tmp/$w.expect")'"
    return
  fi
  bpg="$(sed -nE 's/.* bytes_per_goroutine=([0-9-]+).*/\1/p' <<<"$line")"
  echo "$(sed -E 's/.* seconds=([0-9.]+) .*/\1/' <<<"$line") $(tail -n 1 "$tmp/kb") ${bpg:-0}" \
    >>"$tmp/$w.$p"
}
fail() { # fail WORKLOAD PROGRAM MESSAGE
  echo "goroutines.sh: $1 under $2 FAILED: $3" >&2
  touch "$tmp/$1.$2.failed"
}

# The load average tells a reader whether something else shared the cores.
load0="$(cut -d' ' -f1 /proc/loadavg)"
for i in $(seq "$runs"); do
  echo "goroutines.sh: round $i of $runs" >&2
  for w in "${workloads[@]}"; do
    for p in "${programs[@]}"; do measure "$w" "$p"; done
  done
done

# Summaries: med/lo/hi/kb/bpg[WORKLOAD.PROGRAM], for pairs that did not fail.
declare -A med lo hi kb bpg
for w in "${workloads[@]}"; do
  for p in "${programs[@]}"; do
    [ -f "$tmp/$w.$p.failed" ] && continue
    read -r "med[$w.$p]" "lo[$w.$p]" "hi[$w.$p]" "kb[$w.$p]" <<<"$(sort -g "$tmp/$w.$p" |
      awk '{t[NR]=$1; if ($2>m) m=$2} END {
        med = (NR%2) ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2;
        printf "%.6f %.6f %.6f %d\n", med, t[1], t[NR], m }')"
    bpg[$w.$p]="$(awk '{print $3}' "$tmp/$w.$p" | sort -g |
      awk '{b[NR]=$1} END { printf "%d", (NR%2) ? b[(NR+1)/2] : (b[NR/2]+b[NR/2+1])/2 }')"
  done
done

echo
echo "goroutine workloads: $runs runs each, ours and Go alternating, $(nproc) cores," \
  "load average $load0 at start; time = the workload's, measured inside the process"
echo "anchor: $goversion ($(dpkg-query -W -f '${Package} ${Version}' golang-go 2>/dev/null || echo '?'))"
echo "ours: bench/goroutines.c at -O2 against $lib"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"

printf '\n%-11s %5s %-8s %9s  %-16s %12s %9s %12s\n' workload procs program median min-max \
  "peak RSS" ours/Go "RSS ours/Go"
for w in "${workloads[@]}"; do
  for p in "${programs[@]}"; do
    if [ -z "${med[$w.$p]:-}" ]; then
      printf '%-11s %5s %-8s %9s\n' "$w" "$(procs "$w")" "$p" FAILED
      continue
    fi
    rt="" rk=""
    if [ "$p" = ours ]; then
      rt="$(ratio "${med[$w.ours]}" "${med[$w.go]:-}")"
      rk="$(ratio "${kb[$w.ours]}" "${kb[$w.go]:-}")"
    fi
    printf -v range '%.3f-%.3f s' "${lo[$w.$p]}" "${hi[$w.$p]}"
    printf '%-11s %5s %-8s %7.3f s  %-16s %9d KB %9s %12s\n' "$w" "$(procs "$w")" "$p" \
      "${med[$w.$p]}" "$range" "${kb[$w.$p]}" "$rt" "$rk"
  done
done
for w in "${workloads[@]}"; do
  [ "$w" = idle ] || continue
  echo
  printf 'idle: RSS per parked goroutine (median):'
  for p in "${programs[@]}"; do
    if [ -n "${bpg[idle.$p]:-}" ]; then printf ' %s %d B,' "$p" "${bpg[idle.$p]}"; else printf ' %s FAILED,' "$p"; fi
  done
  echo " ours/Go $(ratio "${bpg[idle.ours]:-}" "${bpg[idle.go]:-}")"
done

if [ -z "${ESCRT_GOROUTINES_BIN:-}" ]; then
  echo
  echo "calls out of a goroutine (bench/systemstack.c, median of $runs):"
  for i in $(seq "$runs"); do build-bench/systemstack; done | sort | awk '
    { n[$1]++; v[$1, n[$1]] = $2 }
    END { for (k in n) { m = v[k, int((n[k] + 1) / 2)]; printf "  %-10s %6.1f ns per call\n", k, m } }' | sort
fi

if compgen -G "$tmp/*.failed" >/dev/null; then
  echo "goroutines.sh: some runs FAILED or disagreed (see above)" >&2
  exit 1
fi

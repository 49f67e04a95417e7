#!/usr/bin/env bash
# malloc.sh: libescrt-malloc against four anchors — glibc's malloc,
# jemalloc, tcmalloc and mimalloc (Debian's libjemalloc2,
# libtcmalloc-minimal4, libmimalloc2.0) — on the workloads of
# bench/malloc_workloads.c, each allocator put in by LD_PRELOAD, all measured
# in the same run.
#
#   bench/malloc.sh [RUNS] [WORKLOAD...]
#
# RUNS defaults to $MALLOC_RUNS, else 5. WORKLOADs are churn, larson (both
# larson-1t and larson-2t), larson-1t, larson-2t, larson-cross and large;
# default all. Our library is $ESCRT_MALLOC_SO when it is set; otherwise
# the script brings target escrt-malloc in build-bench/ (Release) up to date
# and measures build-bench/lib/libescrt-malloc.so, and when that build fails
# it says so and measures the anchors alone. ESCRT_MALLOC_SO= (set, empty)
# measures the anchors alone without building anything.
#
# One untimed warm-up run of each workload under each allocator comes first;
# it also checks that each run prints the same checksum line and that malloc
# really comes from the preloaded library. Then RUNS rounds, each running
# every workload under every allocator in turn, so that the noise of this
# machine falls on all of them alike. Time is the wall time of the whole
# child process (fork to wait4, pre-fill included); peak RSS is the largest
# ru_maxrss over the runs. For each workload and allocator the table gives
# the median and min-max time, peak RSS, and their ratios to the best
# anchor: the fastest median, the smallest peak RSS.
#
# Then the targets, PASS or MISS with the figures: ours faster than tcmalloc
# and at most 1.10x mimalloc on every workload, at least 2x faster than glibc
# on churn and the larson workloads, peak RSS at most 1.2x the smallest
# anchor's. Missing a target is a result, not an error: the exit status is
# non-zero only when something could not be measured (missing anchors, a
# crash, a checksum that differs between allocators).
set -euo pipefail
cd "$(dirname "$0")/.."
unset LD_PRELOAD

usage() {
  echo "usage: bench/malloc.sh [RUNS] [churn|larson|larson-1t|larson-2t|larson-cross|large...]" >&2
  exit 2
}
runs="${MALLOC_RUNS:-5}"
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  runs="$1"
  shift
fi
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage
[ $# -gt 0 ] || set -- churn larson larson-cross large
workloads=()
for w; do
  case $w in
  larson) workloads+=(larson-1t larson-2t) ;;
  churn | larson-1t | larson-2t | larson-cross | large) workloads+=("$w") ;;
  *) usage ;;
  esac
done

# cmdline WORKLOAD -> the arguments of malloc_workloads that run it.
cmdline() {
  case $1 in
  larson-1t) echo larson 1 ;;
  larson-2t) echo larson 2 ;;
  *) echo "$1" ;;
  esac
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The anchors, installed from Debian when missing.
. bench/anchors.sh
libdir="/usr/lib/$(cc -print-multiarch)"
declare -A so=([glibc]="" [jemalloc]="$libdir/libjemalloc.so.2"
  [tcmalloc]="$libdir/libtcmalloc_minimal.so.4" [mimalloc]="$libdir/libmimalloc.so.2")
declare -A pkg=([jemalloc]=libjemalloc2 [tcmalloc]=libtcmalloc-minimal4 [mimalloc]=libmimalloc2.0)
anchors=(glibc jemalloc tcmalloc mimalloc)
missing=()
for a in jemalloc tcmalloc mimalloc; do
  [ -f "${so[$a]}" ] || missing+=("${pkg[$a]}")
done
install_missing malloc.sh "${missing[@]}"
# The path each run's malloc must come from (realpath: the .so.N are links).
for a in jemalloc tcmalloc mimalloc; do so[$a]="$(realpath "${so[$a]}")"; done
libc="$(realpath "/lib/$(cc -print-multiarch)/libc.so.6")"

# Ours, built (or brought up to date) unless ESCRT_MALLOC_SO names it; without
# it the anchors are still measured.
ours="${ESCRT_MALLOC_SO-build-bench/lib/libescrt-malloc.so}"
if [ -z "${ESCRT_MALLOC_SO+set}" ]; then
  echo "malloc.sh: building target escrt-malloc in build-bench/ (Release)" >&2
  if ! { cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DESCAPE_TESTS=OFF &&
    cmake --build build-bench --target escrt-malloc -j2; } >"$tmp/build.log" 2>&1; then
    tail -n 5 "$tmp/build.log" | sed 's/^/  /' >&2
  fi
fi
allocs=("${anchors[@]}")
if [ -z "$ours" ]; then
  echo "malloc.sh: ESCRT_MALLOC_SO is empty: measuring the anchors only" >&2
elif [ -f "$ours" ]; then
  so[ours]="$(realpath "$ours")"
  allocs+=(ours)
else
  echo "malloc.sh: no $ours (build failed or produced no such file): MEASURING THE ANCHORS ONLY" >&2
fi

mkdir -p build-bench
prog=build-bench/malloc_workloads
cc -std=gnu11 -O2 -pthread -o "$prog" bench/malloc_workloads.c

# measure WORKLOAD ALLOC -> appends "seconds kb" to $tmp/WORKLOAD.ALLOC.
# A run that fails, prints another checksum line than the first allocator
# did, or gets its malloc from elsewhere than the preload marks the pair
# failed (file WORKLOAD.ALLOC.failed); it is not run again.
measure() {
  local w=$1 a=$2 out line owner want
  [ -f "$tmp/$w.$a.failed" ] && return
  # shellcheck disable=SC2046 # cmdline's words are separate arguments
  if ! out="$("$prog" time "${so[$a]}" $(cmdline "$w") 2>"$tmp/err")"; then
    fail "$w" "$a" "$(cat "$tmp/err")"
    return
  fi
  line="$(sed -n 1p <<<"$out")"
  owner="$(realpath -m -- "${line##*malloc=}")"
  want="${so[$a]:-$libc}"
  if [ "$owner" != "$want" ]; then
    fail "$w" "$a" "malloc came from $owner, not $want"
    return
  fi
  [ -f "$tmp/$w.expect" ] || echo "${line% malloc=*}" >"$tmp/$w.expect"
  if [ "${line% malloc=*}" != "$(cat "$tmp/$w.expect")" ]; then
    fail "$w" "$a" "printed '${line% malloc=*}', expected '$(cat "$tmp/$w.expect")'"
    return
  fi
  sed -n 2p <<<"$out" | sed 's/wall=//; s/maxrss=//' >>"$tmp/$w.$a"
}
fail() { # fail WORKLOAD ALLOC MESSAGE
  echo "malloc.sh: $1 under $2 FAILED: $3" >&2
  touch "$tmp/$1.$2.failed"
}

# The load average tells a reader whether something else shared the cores.
load0="$(cut -d' ' -f1 /proc/loadavg)"
for w in "${workloads[@]}"; do
  for a in "${allocs[@]}"; do
    measure "$w" "$a"
    rm -f "$tmp/$w.$a" # the warm-up is not timed
  done
done
for i in $(seq "$runs"); do
  echo "malloc.sh: round $i of $runs" >&2
  for w in "${workloads[@]}"; do
    for a in "${allocs[@]}"; do measure "$w" "$a"; done
  done
done

# Summaries: med/lo/hi/kb[WORKLOAD.ALLOC], for pairs that did not fail.
declare -A med lo hi kb
for w in "${workloads[@]}"; do
  for a in "${allocs[@]}"; do
    [ -f "$tmp/$w.$a.failed" ] && continue
    read -r "med[$w.$a]" "lo[$w.$a]" "hi[$w.$a]" "kb[$w.$a]" <<<"$(sort -n "$tmp/$w.$a" |
      awk '{t[NR]=$1; if ($2>m) m=$2} END {
        med = (NR%2) ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2;
        printf "%.6f %.6f %.6f %d\n", med, t[1], t[NR], m }')"
  done
done

# calc EXPR -> EXPR evaluated by awk, to 2 decimals; holds EXPR -> its truth.
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
holds() { awk "BEGIN { exit !($1) }"; }

# best_time/best_kb WORKLOAD -> the best anchor's figure (empty if none ran).
best_time() {
  for a in "${anchors[@]}"; do echo "${med[$1.$a]:-}"; done | sed '/^$/d' | sort -g | head -n1
}
best_kb() {
  for a in "${anchors[@]}"; do echo "${kb[$1.$a]:-}"; done | sed '/^$/d' | sort -n | head -n1
}

echo
echo "malloc workloads: $runs runs each after a warm-up, $(nproc) cores, load average $load0 at start;" \
  "time = wall of the whole process"
echo "anchors: glibc $(ldd --version | sed -n '1s/.* //p'), $(for a in jemalloc tcmalloc mimalloc; do
  printf '%s %s  ' "$a" "$(dpkg-query -W -f '${Version}' "${pkg[$a]}" 2>/dev/null || echo '?')"
done)"
echo "ours: ${so[ours]:-not measured}"
echo "ratios are to the best anchor: the fastest median, the smallest peak RSS"
printf '\n%-13s %-9s %9s %-17s %12s %9s %8s\n' workload allocator median " min-max" "peak RSS" time/best RSS/best
for w in "${workloads[@]}"; do
  bt="$(best_time "$w")"
  bk="$(best_kb "$w")"
  for a in "${allocs[@]}"; do
    if [ -z "${med[$w.$a]:-}" ]; then
      printf '%-13s %-9s %9s\n' "$w" "$a" FAILED
    else
      printf -v range '%.3f-%.3f s' "${lo[$w.$a]}" "${hi[$w.$a]}"
      printf '%-13s %-9s %7.3f s  %-16s %9d KB %9s %8s\n' "$w" "$a" "${med[$w.$a]}" \
        "$range" "${kb[$w.$a]}" \
        "$(calc "${med[$w.$a]} / ${bt:-0}")" "$(calc "${kb[$w.$a]} / ${bk:-0}")"
    fi
  done
  echo
done

# A target is printed as "target NAME", one "check" per workload, then
# "end_target", which prints PASS or MISS and the checks' lines.
target() {
  t_name="$1"
  t_miss=0
  t_lines=""
}
check() { # check WORKLOAD FIGURES CONDITION: CONDITION false is a MISS
  local v=pass
  holds "$3" || {
    v=MISS
    t_miss=1
  }
  t_lines+="$(printf '      %-13s %-44s %s' "$1" "$2" "$v")"$'\n'
}
end_target() {
  [ "$t_miss" = 0 ] && echo "PASS  $t_name" || echo "MISS  $t_name"
  printf '%s' "$t_lines"
}
# figures "A UNIT" "B UNIT" -> "A UNIT / B UNIT = A/B", times to 3 decimals.
figures() {
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
    f = (x[2] == "s") ? "%.3f %s / %.3f %s = %.2f" : "%d %s / %d %s = %.2f"
    printf f, x[1], x[2], y[1], y[2], x[1] / y[1] }'
}
# need WORKLOAD ALLOC...: true if every pair has a median; else records a
# MISS for a failed pair.
need() {
  local w=$1 a
  shift
  for a; do
    if [ -z "${med[$w.$a]:-}" ]; then
      check "$w" "$a failed, no figure" 0
      return 1
    fi
  done
}

echo "targets:"
if [ -z "${so[ours]:-}" ]; then
  echo "  not evaluated: ours was not measured. Ours would need, on each workload:"
  for w in "${workloads[@]}"; do
    bound="${med[$w.tcmalloc]:-}"
    [ -n "${med[$w.mimalloc]:-}" ] && bound="$(awk -v b="${bound:-1e9}" -v m="${med[$w.mimalloc]}" \
      'BEGIN { m *= 1.10; printf "%.3f", (m < b) ? m : b }')"
    case $w in
    churn | larson*) [ -n "${med[$w.glibc]:-}" ] && bound="$(awk -v b="${bound:-1e9}" \
      -v g="${med[$w.glibc]}" 'BEGIN { g /= 2; printf "%.3f", (g < b) ? g : b }')" ;;
    esac
    printf '      %-13s time < %s s, peak RSS <= %s KB\n' "$w" "${bound:-?}" \
      "$(awk -v k="$(best_kb "$w")" 'BEGIN { printf "%d", k * 1.2 }')"
  done
else
  target "ours faster than tcmalloc on every workload (ours/tcmalloc < 1)"
  for w in "${workloads[@]}"; do
    need "$w" ours tcmalloc || continue
    o="${med[$w.ours]}" b="${med[$w.tcmalloc]}"
    check "$w" "$(figures "$o s" "$b s")" "$o < $b"
  done
  end_target
  target "ours within 10% of mimalloc on every workload (ours/mimalloc <= 1.10)"
  for w in "${workloads[@]}"; do
    need "$w" ours mimalloc || continue
    o="${med[$w.ours]}" b="${med[$w.mimalloc]}"
    check "$w" "$(figures "$o s" "$b s")" "$o / $b <= 1.10"
  done
  end_target
  target "ours at least 2x faster than glibc on churn and larson (glibc/ours >= 2)"
  for w in "${workloads[@]}"; do
    case $w in churn | larson*) ;; *) continue ;; esac
    need "$w" ours glibc || continue
    o="${med[$w.ours]}" b="${med[$w.glibc]}"
    check "$w" "$(figures "$b s" "$o s")" "$b / $o >= 2"
  done
  end_target
  target "ours peak RSS at most 1.2x the smallest anchor's (ours/best <= 1.20)"
  for w in "${workloads[@]}"; do
    need "$w" ours || continue
    o="${kb[$w.ours]}" b="$(best_kb "$w")"
    check "$w" "$(figures "$o KB" "$b KB")" "$o / $b <= 1.20"
  done
  end_target
fi

# A pair that could not be measured is an error; a missed target is not.
if compgen -G "$tmp/*.failed" >/dev/null; then
  echo "malloc.sh: some runs failed (see above)" >&2
  exit 1
fi

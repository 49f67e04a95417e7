#!/usr/bin/env bash
# projects.sh: escape-cc as a drop-in compiler for real C programs, built
# by their own build systems, against the real compiler (cc) it wraps.
#
#   bench/projects.sh [RUNS] [PROJECT...]
#
# RUNS defaults to $PROJECTS_RUNS, else 3. PROJECTs, default all four, in
# this order:
#   zlib    Debian source package zlib 1:1.2.13.dfsg-1: zlib's own configure
#           script (not autoconf; it decides from the compiler's stderr),
#           make -j2; suite `make test`; workload: its minigzip compresses
#           24 MB of generated text and decompresses it.
#   bzip2   bzip2 1.0.8-5: a plain Makefile, make -j2 CC=...; suite `make
#           test`; workload: its bzip2 compresses 16 MB of the same text and
#           decompresses it.
#   json-c  json-c 0.16-2: CMake (-DCMAKE_C_COMPILER=..., Release; json-c
#           builds with -Werror), cmake --build -j2; suite `ctest -j2`;
#           workload: its apps/json_parse parses a generated 24 MB JSON
#           array (records of objects, strings, numbers, arrays) and prints
#           it back.
#   gawk    gawk 1:5.2.1-2: autoconf configure, libtool for the extensions,
#           make -j2; suite `make -j2 check` (its locales made with localedef
#           under build-bench/projects/locales, put in with LOCPATH);
#           workload: an awk program (split, regex match, associative
#           arrays, asorti, string concatenation) over 16 MB of the text.
#
# The sources come from `apt-get source PKG=VERSION` (the versions above,
# pinned), from the archive that /etc/apt/sources.list.d/debian.sources
# names: run as root, the script adds a deb-src twin of that file
# (escape-bench-src.sources beside it) when no deb-src entry is configured,
# and runs apt-get update when the pinned versions are not yet known. It
# installs dpkg-dev and locales when missing. Everything it makes lives in
# build-bench/projects/ (untracked): src/ the unpacked sources, data/ the
# generated inputs, work/ the build tree of the moment, logs/ every step's
# output, kept after the run.
#
# The compilers:
#   cc         the real compiler, as the projects are usually built;
#   escape-cc  $ESCAPE_CC when set (any compiler, to try the plumbing:
#              ESCAPE_CC=/usr/bin/cc); otherwise the script brings
#              build-bench/ (Release, no sanitizers, no tests) up to date
#              and takes build-bench/bin/escape-cc. It runs with
#              ESCAPE_CC_STRICT=1 (an internal fallback is fatal) and
#              ESCAPE_REAL_CC=cc.
#
# For each project, first one untimed build with escape-cc in report mode
# (-m, when the compiler is named escape-cc): a wrapper passes -m on every
# compile of a C source and takes the report's lines (FILE:LINE:COL:
# followed by anything but warning/error/note) out of its stderr, so the
# project's configure checks see the same stderr as in the timed builds.
# From it: units compiled (compiles of C sources of the project; the probes
# of configure, zlib's configure and CMake not counted), the locals moved to
# heap (`moved to heap:` lines, FILE:LINE: NAME, deduplicated: a header's
# local is reported by every unit that includes it, and zlib and bzip2
# compile each library source twice, static and PIC).
#
# Then RUNS rounds; each builds the project once with each compiler, cc
# first in odd rounds, escape-cc first in even ones, each time from a clean
# copy of the source in the same directory: configure and make (timed
# together), the project's test suite (timed; must pass), the workload
# (timed; its output must be the same in every run with either compiler,
# and a round trip must give back its input). A compiler whose build fails
# is not run again on that project. The configuration each build system
# chose (zlib: Makefile and zconf.h; json-c: config.h and json_config.h;
# gawk: config.h, extension/config.h and extension/libtool; lines naming
# either compiler left out) must also be the same for both compilers: a
# difference is printed, with the diff's path, but is not an error.
#
# Prints median (min-max) of each timed part for each compiler, ratios of
# medians escape-cc/cc and the targets (build <= 1.30, workload <= 1.05;
# the test suites' ratio is given without a target: zlib's and bzip2's
# last a tenth of a second, gawk's is mostly processes started), pass/fail
# of each suite, then the report.
# Exit status non-zero when a build, a test suite or a workload failed, or
# when the report build failed; a missed target is a result, not an error.
# At RUNS=3 the four projects take about 10-15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
unset CFLAGS CPPFLAGS LDFLAGS LIBS CC MAKEFLAGS MFLAGS GNUMAKEFLAGS CMAKE_GENERATOR \
  CMAKE_BUILD_PARALLEL_LEVEL LD_PRELOAD LOCPATH LC_ALL

usage() {
  echo "usage: bench/projects.sh [RUNS] [zlib|bzip2|json-c|gawk...]" >&2
  exit 2
}
runs="${PROJECTS_RUNS:-3}"
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  runs="$1"
  shift
fi
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage
all=(zlib bzip2 json-c gawk)
[ $# -gt 0 ] || set -- "${all[@]}"
projects=()
for p; do
  case $p in zlib | bzip2 | json-c | gawk) projects+=("$p") ;; *) usage ;; esac
done

# The projects: source package, pinned version, directory apt-get source
# unpacks, build system.
declare -A pkg=([zlib]=zlib [bzip2]=bzip2 [json-c]=json-c [gawk]=gawk)
declare -A version=([zlib]=1:1.2.13.dfsg-1 [bzip2]=1.0.8-5 [json-c]=0.16-2 [gawk]=1:5.2.1-2)
declare -A srcdir=([zlib]=zlib-1.2.13.dfsg [bzip2]=bzip2-1.0.8 [json-c]=json-c-0.16
  [gawk]=gawk-5.2.1)
declare -A system=([zlib]=configure [bzip2]=Makefile [json-c]=CMake [gawk]=autoconf)
declare -A suite=([zlib]="make test" [bzip2]="make test" [json-c]="ctest -j2"
  [gawk]="make -j2 check")
declare -A workdesc=([zlib]="minigzip, 24 MB text, compress+decompress"
  [bzip2]="bzip2, 16 MB text, compress+decompress"
  [json-c]="json_parse, 24 MB JSON, parse+print"
  [gawk]="awk program over 16 MB text")

top=build-bench/projects
mkdir -p "$top"
top="$(cd "$top" && pwd)"
export data="$top/data"
work="$top/work"
logs="$top/logs"
. bench/anchors.sh # install_missing, ratio
. bench/debian-source.sh # debian_source

# --- Tools and sources -------------------------------------------------------
missing=()
command -v dpkg-source >/dev/null || missing+=(dpkg-dev)
[ -f /usr/share/i18n/locales/en_US ] || missing+=(locales)
command -v cmake >/dev/null || missing+=(cmake)
install_missing projects.sh "${missing[@]}"

specs=()
for p in "${projects[@]}"; do specs+=("${pkg[$p]}=${version[$p]}:${srcdir[$p]}"); done
debian_source projects.sh "$top/src" "${specs[@]}"

# gawk's suite needs these locales; made once, with the system's definitions.
export LOCALES="$top/locales"
if [[ " ${projects[*]} " == *" gawk "* ]]; then
  for l in en_US:UTF-8:en_US.UTF-8 fr_FR:UTF-8:fr_FR.UTF-8 ja_JP:UTF-8:ja_JP.UTF-8 \
    ru_RU:UTF-8:ru_RU.UTF-8 el_GR:ISO-8859-7:el_GR.iso88597; do
    IFS=: read -r loc charmap name <<<"$l"
    [ -f "$LOCALES/$name/LC_CTYPE" ] && continue
    mkdir -p "$LOCALES"
    localedef -i "$loc" -f "$charmap" "$LOCALES/$name" >/dev/null 2>&1 ||
      [ -f "$LOCALES/$name/LC_CTYPE" ] || {
      echo "projects.sh: localedef -i $loc -f $charmap failed" >&2
      exit 1
    }
  done
fi

# --- The workloads' inputs ------------------------------------------------------
# gen text|json MB: deterministic records (xorshift from a fixed seed).
mkdir -p "$data"
cat >"$data/gen.c.new" <<'EOF'
/* gen text|json MB: bench/projects.sh's inputs, the same on every machine.
   text: access-log lines; json: one array of records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static unsigned long long s = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n) {
  s ^= s << 13; s ^= s >> 7; s ^= s << 17;
  return (unsigned)((s >> 11) % n);
}
static const char *w[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
  "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa",
  "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray",
  "yankee", "zulu", "index", "static", "api", "v1", "v2", "users", "items", "search",
  "images", "css", "js", "login", "logout", "cart", "checkout", "orders", "admin"};
#define W (sizeof w / sizeof *w)
static const char *m[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD"};
static const unsigned st[] = {200, 200, 200, 200, 301, 304, 404, 500};
int main(int argc, char **argv) {
  if (argc != 3) return 2;
  long long want = atoll(argv[2]) << 20, n = 0, i = 0;
  int json = strcmp(argv[1], "json") == 0;
  if (json) n += printf("[\n");
  while (n < want) {
    if (json) {
      n += printf("%s{\"id\":%lld,\"name\":\"%s %s\",\"score\":%u.%03u,\"active\":%s,"
        "\"pos\":{\"x\":%d,\"y\":%d},\"tags\":[\"%s\",\"%s\",\"%s\"],\"items\":[",
        i ? ",\n" : "", i, w[rnd(W)], w[rnd(W)], rnd(1000), rnd(1000),
        rnd(2) ? "true" : "false", (int)rnd(20001) - 10000, (int)rnd(20001) - 10000,
        w[rnd(W)], w[rnd(W)], w[rnd(W)]);
      for (unsigned k = 0, e = rnd(8); k < e; k++) n += printf("%s%u", k ? "," : "", rnd(100000));
      n += printf("],\"note\":null}");
    } else {
      n += printf("2024-%02u-%02u %02u:%02u:%02u 10.%u.%u.%u %s /%s/%s/%u %u %u %u.%03u\n",
        1 + rnd(12), 1 + rnd(28), rnd(24), rnd(60), rnd(60), rnd(4), rnd(256), rnd(256),
        m[rnd(7)], w[rnd(W)], w[rnd(W)], rnd(1000), st[rnd(8)], rnd(50000), rnd(3), rnd(1000));
    }
    i++;
  }
  if (json) printf("\n]\n");
  return 0;
}
EOF
if ! cmp -s "$data/gen.c.new" "$data/gen.c" 2>/dev/null; then
  rm -f "$data"/*.txt "$data"/*.json
  mv "$data/gen.c.new" "$data/gen.c"
  cc -O2 -o "$data/gen" "$data/gen.c"
fi
rm -f "$data/gen.c.new"
for f in text:16:txt text:24:txt json:24:json; do
  IFS=: read -r kind mb ext <<<"$f"
  [ -s "$data/$kind-${mb}M.$ext" ] || "$data/gen" "$kind" "$mb" >"$data/$kind-${mb}M.$ext"
done
cat >"$data/workload.awk" <<'EOF'
# Fields: date time ip method path status bytes seconds
{
  n = split($5, p, "/")
  hits[p[2]]++
  if ($6 == "200") bytes += $7
  lat[$4] += $8
  nm[$4]++
  if ($3 ~ /^10\.[0-3]\.1[0-9][0-9]\./) sub1++
  h = substr($2, 1, 2)
  hour[h] = hour[h] " " length($0)
  if (length(hour[h]) > 4000) hour[h] = ""
  pair[p[2] SUBSEP p[3]] += n
}
END {
  n = asorti(hits, k)
  for (i = 1; i <= n; i++) printf "%s %d\n", k[i], hits[k[i]]
  n = asorti(lat, k)
  for (i = 1; i <= n; i++) printf "%s %.6f\n", k[i], lat[k[i]] / nm[k[i]]
  n = 0
  for (x in pair) n++
  printf "pairs %d sub1 %d bytes200 %d\n", n, sub1, bytes
}
EOF

# --- The project steps --------------------------------------------------------
# Each runs in the project's copy, with $1 the compiler command; the
# workload writes under $out; check_* prints the workload's fingerprint
# (or fails).
prep_gawk() { # as debian/rules does: the doc sources Debian leaves out
  touch --date="Jan 01 2000" doc/gawktexi.in doc/sidebar.awk doc/gawk.texi doc/gawk.info \
    doc/gawkinet.texi doc/gawkinet.info doc/gawkworkflow.texi doc/gawkworkflow.info \
    doc/pm-gawk.texi doc/pm-gawk.info
}
build_zlib() { CC="$1" ./configure && make -j2; }
test_zlib() { make test; }
work_zlib() { ./minigzip <"$data/text-24M.txt" >"$out/z.gz" && ./minigzip -d <"$out/z.gz" >"$out/z.txt"; }
check_zlib() { cmp "$out/z.txt" "$data/text-24M.txt" >&2 && md5sum <"$out/z.gz"; }
config_zlib() { echo Makefile zconf.h; }

build_bzip2() { make -j2 CC="$1" libbz2.a bzip2 bzip2recover; }
test_bzip2() { make CC="$1" test; }
work_bzip2() { ./bzip2 -c "$data/text-16M.txt" >"$out/b.bz2" && ./bzip2 -dc "$out/b.bz2" >"$out/b.txt"; }
check_bzip2() { cmp "$out/b.txt" "$data/text-16M.txt" >&2 && md5sum <"$out/b.bz2"; }
config_bzip2() { :; }

build_json_c() {
  cmake -S . -B _b -DCMAKE_C_COMPILER="$1" -DCMAKE_BUILD_TYPE=Release && cmake --build _b -j2
}
test_json_c() { ctest --test-dir _b -j2 --output-on-failure; }
work_json_c() { _b/apps/json_parse "$data/json-24M.json" >"$out/j.txt"; }
check_json_c() {
  grep -qxF "Successfully parsed object from $data/json-24M.json" "$out/j.txt" >&2 &&
    grep -v '^maxrss: ' "$out/j.txt" | md5sum
}
config_json_c() { echo _b/config.h _b/json_config.h; }

build_gawk() { CC="$1" ./configure && make -j2; }
test_gawk() { LOCPATH="$LOCALES" make -j2 check; }
work_gawk() { ./gawk -f "$data/workload.awk" "$data/text-16M.txt" >"$out/g.txt"; }
check_gawk() { [ -s "$out/g.txt" ] && md5sum <"$out/g.txt"; }
config_gawk() { echo config.h extension/config.h extension/libtool; }
export -f build_zlib test_zlib work_zlib build_bzip2 test_bzip2 work_bzip2 \
  build_json_c test_json_c work_json_c build_gawk test_gawk work_gawk

# --- escape-cc ----------------------------------------------------------------
if [ -n "${ESCAPE_CC:-}" ]; then
  ecc="$(command -v "$ESCAPE_CC" || true)"
  [ -n "$ecc" ] || {
    echo "projects.sh: ESCAPE_CC=$ESCAPE_CC: no such command" >&2
    exit 1
  }
  [[ "$ecc" == /* ]] || ecc="$PWD/$ecc"
  echo "projects.sh: escape-cc is ESCAPE_CC=$ecc" >&2
else
  echo "projects.sh: building build-bench/ (Release, no sanitizers) for escape-cc" >&2
  if ! { cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DESCAPE_TESTS=OFF \
    -DESCAPE_SANITIZE=OFF && cmake --build build-bench -j2; } >"$top/escape-cc-build.log" 2>&1; then
    tail -n 5 "$top/escape-cc-build.log" | sed 's/^/  /' >&2
    echo "projects.sh: the build of build-bench/ failed (log: $top/escape-cc-build.log)" >&2
    exit 1
  fi
  ecc="$repo/build-bench/bin/escape-cc"
  [ -x "$ecc" ] || {
    echo "projects.sh: build-bench/ has no bin/escape-cc yet; ESCAPE_CC=/usr/bin/cc tries the plumbing" >&2
    exit 1
  }
fi
# -m only when the compiler is escape-cc (the override may be plain cc).
mflag=""
[ "$(basename "$ecc")" = escape-cc ] && mflag=-m
declare -A ccmd=([cc]=cc [escape-cc]="$ecc")

# The report wrapper: escape-cc, -m on each compile of a C source, the
# report's lines and the units to $REPORT_DIR/unit.*, the rest of stderr
# through.
mkdir -p "$top/bin"
wrapper="$top/bin/escape-cc-report"
cat >"$wrapper" <<EOF
#!/usr/bin/env bash
# made by bench/projects.sh: $ecc ${mflag:-(no report flag)}, report to \$REPORT_DIR
units=()
for a; do case \$a in *.c) units+=("\$a") ;; esac; done
[ \${#units[@]} -gt 0 ] || exec "$ecc" "\$@"
log="\$(mktemp "\$REPORT_DIR/unit.XXXXXXXX")"
{ printf 'cwd %s\n' "\$PWD"; printf 'unit %s\n' "\${units[@]}"; } >"\$log"
{
  "$ecc" $mflag "\$@" 2>&1 1>&3 3>&- | awk -v lf="\$log" '
    /^[^ :][^:]*:[0-9]+:[0-9]+: / && !/^[^:]*:[0-9]+:[0-9]+: (warning|error|note|fatal error|remark):/ {
      print "rep " \$0 >>lf
      next
    }
    { print >"/dev/stderr"; fflush("/dev/stderr") }'
  status=\${PIPESTATUS[0]}
} 3>&1
exit \$status
EOF
chmod +x "$wrapper"

# A sanity check before anything is timed: escape-cc builds and runs a program.
mkdir -p "$top/sanity"
printf '#include <stdio.h>\nstatic int *keep;\nint main(void) { int x = 42; keep = &x; printf("%%d\\n", *keep); return 0; }\n' \
  >"$top/sanity/hello.c"
if ! (cd "$top/sanity" && ESCAPE_CC_STRICT=1 ESCAPE_REAL_CC=cc "$ecc" -O2 -o hello hello.c &&
  [ "$(./hello)" = 42 ]) >"$top/sanity/log" 2>&1; then
  cat "$top/sanity/log" >&2
  echo "projects.sh: $ecc cannot build and run hello.c" >&2
  exit 1
fi

# --- Running -----------------------------------------------------------------
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failed=0

# step PROJECT COMPILER WHAT TIMEOUT LOG -> runs WHAT_PROJECT in work/PROJECT
# with the compiler's environment; appends its seconds to
# $tmp/PROJECT.COMPILER.WHAT; returns its status.
step() {
  local p=$1 c=$2 what=$3 limit=$4 log=$5 t0 t1 status=0
  local env=(-u ESCAPE_CC_STRICT -u ESCAPE_REAL_CC)
  [ "$c" = cc ] || env=(ESCAPE_CC_STRICT=1 ESCAPE_REAL_CC=cc)
  t0=$EPOCHREALTIME
  # shellcheck disable=SC2016 # expanded by the inner bash
  (cd "$work/$p" && env "${env[@]}" timeout -k 10 "$limit" bash -c '"$1_$2" "$3"' _ \
    "$what" "${p//-/_}" "${ccmd[$c]}") >"$log" 2>&1 || status=$?
  t1=$EPOCHREALTIME
  [ "$status" != 124 ] || echo "projects.sh: timed out after $limit s" >>"$log"
  [ "$status" != 0 ] || awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' \
    >>"$tmp/$p.$c.$what"
  return "$status"
}
fresh() { # fresh PROJECT: a clean copy of the source in work/PROJECT
  rm -rf "${work:?}/$1"
  mkdir -p "$work"
  cp -a "$top/src/${srcdir[$1]}" "$work/$1"
  if declare -F "prep_${1//-/_}" >/dev/null; then (cd "$work/$1" && "prep_${1//-/_}"); fi
}
# keepconfig PROJECT COMPILER: the configuration files, lines naming either
# compiler left out, to logs/PROJECT/config.COMPILER.
keepconfig() {
  local f dst="$logs/$1/config.$2"
  : >"$dst"
  for f in $("config_${1//-/_}"); do
    echo "== $f" >>"$dst"
    if [ -f "$work/$1/$f" ]; then
      grep -vwF -e cc -e "$ecc" -e "$wrapper" "$work/$1/$f" >>"$dst" || true
    else
      echo "(missing)" >>"$dst"
    fi
  done
}
fail() { # fail PROJECT COMPILER WHAT MESSAGE
  echo "projects.sh: $1 with $2: $3 FAILED: $4" >&2
  touch "$tmp/$1.$2.$3.failed"
  failed=1
}

# report PROJECT: the report build (untimed) and its summary in $tmp/PROJECT.report.
report() {
  local p=$1 rdir="$tmp/report.$1" status=0
  rm -rf "$rdir"
  mkdir -p "$rdir"
  fresh "$p"
  # shellcheck disable=SC2016 # expanded by the inner bash
  (cd "$work/$p" && REPORT_DIR="$rdir" ESCAPE_CC_STRICT=1 ESCAPE_REAL_CC=cc \
    timeout -k 10 1800 bash -c '"build_$1" "$2"' _ "${p//-/_}" "$wrapper") \
    >"$logs/$p/report-build.log" 2>&1 || status=$?
  if [ "$status" != 0 ]; then
    fail "$p" escape-cc report-build "status $status, log $logs/$p/report-build.log"
    return
  fi
  # Units and report lines, their paths made absolute against the compile's
  # directory, kept when inside the project and not a configure or CMake probe.
  find "$rdir" -name 'unit.*' -exec cat {} + | awk -v root="$work/$p" '
    function norm(f,   n, i, a, out, k) {
      if (f !~ /^\//) f = cwd "/" f
      n = split(f, a, "/"); k = 0
      for (i = 1; i <= n; i++) {
        if (a[i] == "" || a[i] == ".") continue
        if (a[i] == "..") { if (k > 0) k--; continue }
        out[++k] = a[i]
      }
      f = ""
      for (i = 1; i <= k; i++) f = f "/" out[i]
      return f
    }
    function ours(f) {
      return index(f, root "/") == 1 && f !~ /\/CMakeFiles\// &&
        f !~ /\/(conftest[^\/]*|ztest[0-9]+\.c)$/
    }
    /^cwd / { cwd = substr($0, 5); next }
    /^unit / {
      f = norm(substr($0, 6))
      if (ours(f)) { units++; files[f] = 1 }
      next
    }
    /^rep / {
      line = substr($0, 5)
      if (!match(line, /:[0-9]+:[0-9]+: /)) next
      f = norm(substr(line, 1, RSTART - 1))
      if (!ours(f)) next
      split(substr(line, RSTART + 1, RLENGTH - 3), lc, ":")
      msg = substr(line, RSTART + RLENGTH)
      reported++
      if (msg ~ /^moved to heap: /)
        moved[substr(f, length(root) + 2) ":" lc[1] ": " substr(msg, 16)] = 1
    }
    END {
      nf = 0; for (f in files) nf++
      nm = 0; for (m in moved) nm++
      printf "units %d %d %d %d\n", units, nf, reported, nm
      for (m in moved) print "moved " m
    }' >"$tmp/$p.report"
  sed -n 's/^moved //p' "$tmp/$p.report" | sort -t: -k1,1 -k2,2n >"$logs/$p/moved-to-heap.txt"
}

# one PROJECT COMPILER ROUND: build, suite and workload from a clean copy.
one() {
  local p=$1 c=$2 i=$3 L="$logs/$1/$2.$3" fp
  [ -f "$tmp/$p.$c.build.failed" ] && return
  fresh "$p"
  if ! step "$p" "$c" build 1800 "$L.build.log"; then
    fail "$p" "$c" build "round $i, log $L.build.log"
    return
  fi
  keepconfig "$p" "$c"
  if step "$p" "$c" test 1200 "$L.test.log"; then
    echo pass >>"$tmp/$p.$c.suite"
  else
    echo fail >>"$tmp/$p.$c.suite"
    fail "$p" "$c" "test suite" "round $i, log $L.test.log"
  fi
  export out="$tmp/out"
  rm -rf "$out"
  mkdir -p "$out"
  if ! step "$p" "$c" work 300 "$L.workload.log"; then
    fail "$p" "$c" workload "round $i, log $L.workload.log"
    return
  fi
  if ! fp="$(cd "$work/$p" && "check_${p//-/_}" 2>>"$L.workload.log")"; then
    fail "$p" "$c" workload "round $i: wrong output (log $L.workload.log)"
    return
  fi
  rm -rf "$out"
  [ -f "$tmp/$p.expect" ] || echo "$fp" >"$tmp/$p.expect"
  if [ "$fp" != "$(cat "$tmp/$p.expect")" ]; then
    fail "$p" "$c" workload "round $i: output $fp, the first run's was $(cat "$tmp/$p.expect")"
  fi
}

load0="$(cut -d' ' -f1 /proc/loadavg)"
start="$(date +%s)"
for p in "${projects[@]}"; do
  rm -rf "${logs:?}/$p"
  mkdir -p "$logs/$p"
  echo "projects.sh: $p: report build (escape-cc ${mflag:-without -m})" >&2
  report "$p"
  for i in $(seq "$runs"); do
    echo "projects.sh: $p: round $i of $runs" >&2
    if [ $((i % 2)) = 1 ]; then order=(cc escape-cc); else order=(escape-cc cc); fi
    for c in "${order[@]}"; do one "$p" "$c" "$i"; done
  done
  if [ -f "$logs/$p/config.cc" ] && [ -f "$logs/$p/config.escape-cc" ] &&
    ! diff -u "$logs/$p/config.cc" "$logs/$p/config.escape-cc" >"$logs/$p/config.diff"; then
    echo "projects.sh: $p: the configuration differs between cc and escape-cc: $logs/$p/config.diff" >&2
  fi
  rm -rf "${work:?}/$p"
done

# --- Tables --------------------------------------------------------------------
# summ FILE -> "median min max" of its lines, or nothing.
summ() {
  [ -s "$1" ] || return 0
  sort -g "$1" | awk '{ t[NR] = $1 } END {
    printf "%.3f %.3f %.3f", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2, t[1], t[NR] }'
}
cell() { # cell FILE -> "1.234 s (1.200-1.300)" or FAILED
  local m lo hi
  read -r m lo hi <<<"$(summ "$1")"
  if [ -z "$m" ]; then echo FAILED; else printf '%.2f s (%.2f-%.2f)' "$m" "$lo" "$hi"; fi
}
med() { local m _; read -r m _ <<<"$(summ "$1")"; echo "${m:-}"; }
verdict() { # verdict RATIO LIMIT
  if [ "$1" = - ]; then echo -; elif awk "BEGIN { exit !($1 <= $2) }"; then echo met; else echo MISSED; fi
}
passes() { # passes FILE -> "pass 3/3" / "FAIL 1/3" / "-"
  [ -s "$1" ] || {
    echo -
    return
  }
  local n p
  n=$(wc -l <"$1")
  p=$(grep -c '^pass$' "$1" || true)
  if [ "$p" = "$n" ]; then echo "pass $p/$n"; else echo "FAIL $p/$n"; fi
}

cc_version="$(cc --version | head -n 1)"
echo
echo "real projects: $runs rounds, compilers alternating; medians (min-max); $(nproc) cores," \
  "load average $load0 at start, $(($(date +%s) - start)) s in all"
echo "cc: $cc_version"
echo "escape-cc: $ecc (ESCAPE_CC_STRICT=1, ESCAPE_REAL_CC=cc)$(
  [ -z "${ESCAPE_CC:-}" ] && echo ", build-bench/ at $(git rev-parse --short HEAD)$(
    git diff --quiet HEAD -- analyzer runtime cc CMakeLists.txt 2>/dev/null || echo '+changes')")"
echo "sources: $(for p in "${projects[@]}"; do printf '%s %s (%s)  ' "${pkg[$p]}" "${version[$p]}" "${system[$p]}"; done)"

printf '\nbuild: configure + make -j2 from a clean copy (target: ratio <= 1.30)\n'
printf '%-7s %-10s %-24s %-24s %6s %s\n' project system cc escape-cc ratio target
for p in "${projects[@]}"; do
  r="$(ratio "$(med "$tmp/$p.escape-cc.build")" "$(med "$tmp/$p.cc.build")")"
  printf '%-7s %-10s %-24s %-24s %6s %s\n' "$p" "${system[$p]}" "$(cell "$tmp/$p.cc.build")" \
    "$(cell "$tmp/$p.escape-cc.build")" "$r" "$(verdict "$r" 1.30)"
done

printf '\ntest suites (must pass with both; time without a target)\n'
printf '%-7s %-14s %-24s %-24s %6s %-9s %s\n' project suite cc escape-cc ratio "cc" escape-cc
for p in "${projects[@]}"; do
  printf '%-7s %-14s %-24s %-24s %6s %-9s %s\n' "$p" "${suite[$p]}" "$(cell "$tmp/$p.cc.test")" \
    "$(cell "$tmp/$p.escape-cc.test")" \
    "$(ratio "$(med "$tmp/$p.escape-cc.test")" "$(med "$tmp/$p.cc.test")")" \
    "$(passes "$tmp/$p.cc.suite")" "$(passes "$tmp/$p.escape-cc.suite")"
done

printf '\nworkloads: the project'"'"'s own binary, same output from every run (target: ratio <= 1.05)\n'
printf '%-7s %-42s %-24s %-24s %6s %s\n' project workload cc escape-cc ratio target
for p in "${projects[@]}"; do
  r="$(ratio "$(med "$tmp/$p.escape-cc.work")" "$(med "$tmp/$p.cc.work")")"
  printf '%-7s %-42s %-24s %-24s %6s %s\n' "$p" "${workdesc[$p]}" "$(cell "$tmp/$p.cc.work")" \
    "$(cell "$tmp/$p.escape-cc.work")" "$r" "$(verdict "$r" 1.05)"
done

printf '\nconfiguration chosen by each build system, cc against escape-cc\n'
for p in "${projects[@]}"; do
  if [ -z "$("config_${p//-/_}")" ]; then
    printf '%-7s none (plain Makefile)\n' "$p"
  elif [ ! -f "$logs/$p/config.cc" ] || [ ! -f "$logs/$p/config.escape-cc" ]; then
    printf '%-7s -\n' "$p"
  elif [ -s "$logs/$p/config.diff" ]; then
    printf '%-7s DIFFERS: %s (%d lines)\n' "$p" "$logs/$p/config.diff" "$(wc -l <"$logs/$p/config.diff")"
  else
    printf '%-7s same (%s)\n' "$p" "$("config_${p//-/_}")"
  fi
done

if [ -n "$mflag" ]; then how="escape-cc -m"; else how="$ecc (not escape-cc: no -m)"; fi
printf '\nescape report: one more build with %s, its stderr'"'"'s report lines\n' "$how"
for p in "${projects[@]}"; do
  if [ ! -f "$tmp/$p.report" ]; then
    printf '%-7s report build FAILED (%s)\n' "$p" "$logs/$p/report-build.log"
    continue
  fi
  read -r _ units files reported moved <"$tmp/$p.report"
  printf '%-7s %d units compiled (%d files), %d report lines, %d locals moved to heap\n' \
    "$p" "$units" "$files" "$reported" "$moved"
  sed 's/^/          /' "$logs/$p/moved-to-heap.txt"
done
echo
echo "logs: $logs/"
if [ "$failed" != 0 ]; then
  echo "projects.sh: some builds, test suites or workloads FAILED (see above)" >&2
  exit 1
fi

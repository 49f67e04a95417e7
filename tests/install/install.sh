#!/usr/bin/env bash
# install.sh: the project as a user installs and uses it (issue 12,
# acceptance 7). ctest runs one step per test (tests/install/CMakeLists.txt);
# the first makes the installation the others use.
#
#   install.sh build SOURCE WORK [CMAKE-ARGS...]
#       configure SOURCE as a Release build without sanitizers or tests in
#       WORK/build (kept between runs: rebuilt incrementally), build it, and
#       install it afresh into WORK/prefix with cmake --install --prefix;
#       check that every file is there and nothing is sanitized.
#   install.sh cmake WORK VERSION
#       a separate CMake project (consumer/CMakeLists.txt) finds the
#       installation with find_package(escrt MAJOR.MINOR REQUIRED) and the
#       full version; the requests the version rule refuses (the next major
#       version, the next minor, and before 1.0 the previous minor) fail
#       with CMake's version message. Its programs, linked to escape::escrt
#       and escape::escrt_shared, run goroutines on the runtime's heap.
#   install.sh pkg-config WORK VERSION
#       a Makefile project (consumer/Makefile) builds the same program through
#       pkg-config escrt, shared and static, from the installation and from
#       a copy of it moved elsewhere (escrt.pc is relocatable).
#   install.sh tools WORK VERSION
#       the installed escape-check says VERSION and analyzes a file, the
#       installed escape-cc builds a program that runs, and man finds and
#       renders escape-check(1), escape-cc(1) and libescrt(3) without a
#       warning.
#
# Any difference is a failure: one line saying what, exit status 1. Output
# is searched as grep -q <<<"$(command)", never command | grep -q: under
# pipefail, grep's early exit would fail the command with SIGPIPE.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
expected="escrt: 10 goroutines, sum of squares 385, collected"

fail() {
  echo "install: $*" >&2
  exit 1
}

# run_prog PROGRAM: PROGRAM prints the expected line and exits 0.
run_prog() {
  local out
  out="$("$1")" || fail "$1 exited with status $?"
  [ "$out" = "$expected" ] || fail "$1 printed '$out', not '$expected'"
}

# linked PROGRAM static|shared: libescrt is linked into PROGRAM, or needed
# as libescrt.so; either way every symbol is bound at load time (-z now).
linked() {
  local dyn
  dyn="$(readelf -d "$1")"
  if [ "$2" = shared ]; then
    grep -q 'NEEDED.*\[libescrt\.so\]' <<<"$dyn" || fail "$1 does not need libescrt.so"
  else
    ! grep -q 'NEEDED.*libescrt' <<<"$dyn" || fail "$1 needs a shared libescrt"
    grep -q ' T escrt_go$' <<<"$(nm "$1")" || fail "$1 does not hold the runtime"
  fi
  grep -q 'BIND_NOW' <<<"$dyn" || fail "$1 is not linked with -z now"
}

# version_parts VERSION: sets major and minor.
version_parts() {
  IFS=. read -r major minor _ <<<"$1"
}

# prefix_of WORK: sets prefix and libdir (lib, lib64 or a multiarch
# directory, as GNUInstallDirs chose) of the installation in WORK.
prefix_of() {
  prefix="$1/prefix"
  local pc
  pc="$(find "$prefix" -path '*/pkgconfig/escrt.pc' | head -n 1)"
  [ -n "$pc" ] || fail "no pkgconfig/escrt.pc under $prefix"
  libdir="$(dirname "$(dirname "$pc")")"
}

step_build() {
  local source="$1" work="$2"
  shift 2
  mkdir -p "$work"
  cmake -S "$source" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
    -DESCAPE_SANITIZE=OFF -DESCAPE_WERROR=OFF -DESCAPE_TESTS=OFF "$@" >/dev/null
  cmake --build "$work/build" -j2 >"$work/build.log" 2>&1 ||
    { tail -n 40 "$work/build.log" >&2; fail "the Release build failed"; }
  rm -rf "$work/prefix"
  cmake --install "$work/build" --prefix "$work/prefix" >/dev/null
  prefix_of "$work"

  local f
  for f in bin/escape-check bin/escape-cc bin/escape-cc-rewrite \
    include/escape/malloc.h include/escape/gc.h include/escape/go.h \
    include/escape/slice.h include/escape/annotate.h share/man/man1/escape-check.1 \
    share/man/man1/escape-cc.1 share/man/man3/libescrt.3; do
    [ -f "$prefix/$f" ] || fail "$f is not installed"
  done
  for f in libescrt.a libescrt.so libescrt-malloc.so libescrt-cc.a \
    libescrt-cc-nomalloc.a libescrt-cc.so pkgconfig/escrt.pc \
    cmake/escrt/escrt-config.cmake cmake/escrt/escrt-config-version.cmake \
    cmake/escrt/escrt-targets.cmake; do
    [ -f "$libdir/$f" ] || fail "${libdir#"$prefix"/}/$f is not installed"
  done
  # The installed build is the optimized, unsanitized one.
  for f in "$libdir/libescrt.a" "$libdir/libescrt.so" "$prefix/bin/escape-check"; do
    ! grep -q -E '__(asan_report|ubsan_handle)_' <<<"$(nm "$f")" ||
      fail "$f is built with a sanitizer"
  done
  ! grep -q -E 'NEEDED.*lib(a|ub)san' <<<"$(readelf -d "$prefix/bin/escape-check")" ||
    fail "bin/escape-check needs a sanitizer's runtime"
}

# configure_consumer DIR REQUEST: configure consumer/ in DIR, asking for
# version REQUEST, from the installation only; its output in DIR.log.
configure_consumer() {
  rm -rf "$1"
  cmake -S "$here/consumer" -B "$1" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DESCRT_VERSION="$2" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$1.log" 2>&1
}

step_cmake() {
  local work="$1" version="$2" request
  prefix_of "$work"
  version_parts "$version"

  local refused=("$((major + 1)).0" "$major.$((minor + 1))")
  if [ "$major" = 0 ] && [ "$minor" -gt 0 ]; then
    refused+=("0.$((minor - 1))")
  fi
  for request in "${refused[@]}"; do
    local dir="$work/cmake-refused"
    ! configure_consumer "$dir" "$request" ||
      fail "find_package(escrt $request) accepted version $version"
    grep -q "requested version \"$request\"" "$dir.log" &&
      grep -q "version: $version" "$dir.log" ||
      { cat "$dir.log" >&2; fail "find_package(escrt $request) failed, but not for the version"; }
  done

  for request in "$version" "$major.$minor"; do
    local dir="$work/cmake-$request"
    configure_consumer "$dir" "$request" ||
      { cat "$dir.log" >&2; fail "find_package(escrt $request) failed"; }
    grep -q "^escrt_DIR:PATH=$libdir/cmake/escrt$" "$dir/CMakeCache.txt" ||
      fail "find_package(escrt $request) found another escrt: $(grep '^escrt_DIR' "$dir/CMakeCache.txt")"
  done
  cmake --build "$dir" >"$dir/build.log" 2>&1 ||
    { cat "$dir/build.log" >&2; fail "the CMake project did not build"; }
  [ "$(grep -c -- '-ftrivial-auto-var-init=zero' "$dir/compile_commands.json")" = 2 ] ||
    fail "escape::escrt does not carry -ftrivial-auto-var-init=zero"
  linked "$dir/prog-static" static
  linked "$dir/prog-shared" shared
  run_prog "$dir/prog-static"
  run_prog "$dir/prog-shared"
}

# has 'PKG-CONFIG-OPTIONS' FLAG...: pkg-config escrt gives each FLAG.
has() {
  local flags f
  flags=" $(pkg-config $1 escrt) "
  shift
  for f in "$@"; do
    [[ "$flags" == *" $f "* ]] || fail "pkg-config escrt gives no $f:$flags"
  done
}

# make_consumer PREFIX DIR: build consumer/Makefile in DIR with pkg-config
# looking in the installation at PREFIX, and run its programs.
make_consumer() {
  local from="$1" dir="$2" pcdir
  pcdir="$(find "$from" -path '*/pkgconfig/escrt.pc' -printf '%h\n' | head -n 1)"
  export PKG_CONFIG_PATH="$pcdir"
  [ "$(pkg-config --modversion escrt)" = "$version" ] ||
    fail "pkg-config escrt says version $(pkg-config --modversion escrt), not $version"
  # Its paths lead into this copy of the installation.
  [ "$(realpath "$(pkg-config --variable=prefix escrt)")" = "$(realpath "$from")" ] ||
    fail "escrt.pc's prefix is $(pkg-config --variable=prefix escrt), not $from"
  has --cflags -ftrivial-auto-var-init=zero -pthread
  has --libs -lescrt -pthread -Wl,-z,now
  has '--static --libs' -lescrt -pthread -Wl,-z,now -ldl

  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$here/consumer/Makefile" "$here/consumer/prog.c" "$dir/"
  make -C "$dir" >"$dir.log" 2>&1 || { cat "$dir.log" >&2; fail "the Makefile project did not build"; }
  linked "$dir/prog-static" static
  linked "$dir/prog-shared" shared
  grep -q "R.*PATH.*$(realpath "$from")" <<<"$(readelf -d "$dir/prog-shared")" ||
    fail "prog-shared's rpath is not in $from"
  run_prog "$dir/prog-static"
  run_prog "$dir/prog-shared"
  ! grep -q 'NEEDED.*libBlocksRuntime' <<<"$(readelf -d "$dir/prog-shared")" ||
    fail "prog-shared, which makes no blocks, needs libBlocksRuntime"

  # The same with clang Blocks: clang before 16 takes
  # -ftrivial-auto-var-init=zero only with a flag that says so.
  local blocks_cflags=""
  clang -ftrivial-auto-var-init=zero -x c -fsyntax-only /dev/null 2>/dev/null ||
    blocks_cflags=-enable-trivial-auto-var-init-zero-knowing-it-will-be-removed-from-clang
  cp "$here/consumer/blocks.c" "$dir/"
  make -C "$dir" blocks BLOCKS_CC=clang BLOCKS_CFLAGS="$blocks_cflags" >"$dir.blocks.log" 2>&1 ||
    { cat "$dir.blocks.log" >&2; fail "the Makefile project's blocks did not build"; }
  linked "$dir/blocks-static" static
  linked "$dir/blocks-shared" shared
  # libBlocksRuntime is shared in both: Debian's archive of it is not
  # position-independent.
  local b out
  for b in blocks-static blocks-shared; do
    grep -q 'NEEDED.*libBlocksRuntime' <<<"$(readelf -d "$dir/$b")" ||
      fail "$b does not need libBlocksRuntime"
    out="$("$dir/$b")" || fail "$b exited with status $?"
    [ "$out" = "escrt: blocks, sum of squares 385" ] || fail "$b printed '$out'"
  done
}

step_pkg_config() {
  local work="$1"
  version="$2"
  prefix_of "$work"
  make_consumer "$prefix" "$work/make"
  rm -rf "$work/moved"
  cp -a "$prefix" "$work/moved"
  make_consumer "$work/moved" "$work/make-moved"
}

step_tools() {
  local work="$1" version="$2"
  prefix_of "$work"
  local t="$work/tools"
  rm -rf "$t"
  mkdir -p "$t"

  local v
  v="$("$prefix/bin/escape-check" --version | head -n 1)"
  [[ "$v" == "escape-check $version "* || "$v" == "escape-check $version" ]] ||
    fail "escape-check --version says '$v', not escape-check $version (the project's version)"

  printf 'int *f(void) {\n  int x = 1;\n  return &x;\n}\n' >"$t/ret.c"
  local status=0 out
  out="$("$prefix/bin/escape-check" -m "$t/ret.c" 2>&1)" || status=$?
  grep -q "^$t/ret.c:2:7: moved to heap: x$" <<<"$out" ||
    fail "the installed escape-check -m said (status $status): $out"

  # escape-cc moves x to the collected heap: the program reads 42 through
  # the pointer after f returned, and finds the runtime in the installation.
  printf '#include <stdio.h>\nint *f(void) {\n  int x = 42;\n  return &x;\n}\nint main(void) {\n  int *p = f();\n  printf("%%d\\n", *p);\n}\n' >"$t/dangle.c"
  "$prefix/bin/escape-cc" -O2 -w "$t/dangle.c" -o "$t/dangle" 2>"$t/cc.log" ||
    { cat "$t/cc.log" >&2; fail "the installed escape-cc failed"; }
  [ "$("$t/dangle")" = 42 ] || fail "the program escape-cc built printed $("$t/dangle")"

  command -v man >/dev/null || fail "man is not installed (apt-get install man-db)"
  local page section name want
  for page in 1:escape-check 1:escape-cc 3:libescrt; do
    section="${page%%:*}" name="${page#*:}"
    want="$prefix/share/man/man$section/$name.$section"
    [ "$(MANPATH="$prefix/share/man" man -w "$section" "$name")" = "$want" ] ||
      fail "man -w $section $name with MANPATH=$prefix/share/man does not find $want"
    out="$(MANWIDTH=80 man --warnings -l "$want" 2>"$t/man.err")"
    [ ! -s "$t/man.err" ] || { cat "$t/man.err" >&2; fail "$name($section) renders with warnings"; }
    grep -q "^escape $version " <<<"$out" || fail "$name($section) does not say escape $version"
    grep -q "^NAME" <<<"$out" || fail "$name($section) has no NAME section"
  done
}

case "${1:-}" in
build) shift; step_build "$@" ;;
cmake) step_cmake "$2" "$3" ;;
pkg-config) step_pkg_config "$2" "$3" ;;
tools) step_tools "$2" "$3" ;;
*)
  echo "usage: install.sh build SOURCE WORK [CMAKE-ARGS...] | cmake|pkg-config|tools WORK VERSION" >&2
  exit 2
  ;;
esac

#!/usr/bin/env bash
# setup.sh: set up a fresh Debian/Ubuntu machine, build, and run.
#
#   scripts/setup.sh demo   install what is missing, build, run escape-check -m on samples/
#   scripts/setup.sh test   install what is missing, build, run the whole test suite
#
# Missing packages are installed with apt-get when run as root; otherwise
# the exact command to run is printed. Each command has its own build:
#   demo  build-release/: optimized (Release), no sanitizers, no tests: the
#         build a user runs and installs (cmake --install build-release).
#   test  build/: the test build, -Wall -Wextra -Werror with AddressSanitizer
#         and UBSan, and every test; build-ucontext/ the same with the
#         portable context switch.
set -euo pipefail

mode="${1:-}"
case "$mode" in
demo | test) ;;
*)
  echo "usage: scripts/setup.sh demo|test" >&2
  exit 2
  ;;
esac
cd "$(dirname "$0")/.."

missing=()
need() { # need PACKAGE TEST-COMMAND...
  local pkg="$1"
  shift
  if ! "$@" >/dev/null 2>&1; then missing+=("$pkg"); fi
}
need cmake command -v cmake
need gcc command -v gcc
need make command -v make
need pkg-config command -v pkg-config
need libclang-19-dev test -f /usr/lib/llvm-19/include/clang-c/Index.h
need libclang-common-19-dev test -d /usr/lib/llvm-19/lib/clang/19/include
if [ "$mode" = test ]; then # npm fetches sqlite3.c and the SARIF Multitool
  need check pkg-config --exists check
  need nodejs command -v node
  need npm command -v npm
  need python3 command -v python3 # runtime/preload runs it on our malloc, formats on our JSON
  need clang command -v clang     # escape-cc's tests use both real compilers
  need libblocksruntime-dev test -f /usr/include/Block.h # runtime/goblock: clang Blocks
  need autoconf command -v autoconf # cc/driver runs ./configure with escape-cc
  need ccache command -v ccache     # cc/driver builds through ccache
  need man-db command -v man        # install/tools reads the installed man pages
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing packages; run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

case "$mode" in
demo)
  cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DESCAPE_SANITIZE=OFF \
    -DESCAPE_WERROR=OFF -DESCAPE_TESTS=OFF >/dev/null
  cmake --build build-release -j2
  build-release/bin/escape-check -m samples/ -- -Iruntime/include -fblocks
  # escape-cc at work: samples/forever.c reads locals after their frames
  # died. Built by the real compiler, AddressSanitizer stops it; built by
  # escape-cc, its escaping locals live on the collected heap.
  mkdir -p build-release/demo
  echo
  echo "\$ cc -fsanitize=address samples/forever.c && ./a.out"
  cc -O0 -g -fsanitize=address samples/forever.c -o build-release/demo/forever-cc
  ASAN_OPTIONS=detect_stack_use_after_return=1 build-release/demo/forever-cc 2>&1 |
    grep -m1 'ERROR: AddressSanitizer' || true
  echo "\$ escape-cc -m samples/forever.c && ./a.out"
  build-release/bin/escape-cc -m -O2 samples/forever.c -o build-release/demo/forever
  build-release/demo/forever
  ;;
test)
  # ctest runs every test with the sanitizers' settings (tests/CMakeLists.txt);
  # install/* makes its own Release build and installs it (tests/install).
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug -DESCAPE_SANITIZE=ON -DESCAPE_WERROR=ON >/dev/null
  cmake --build build -j2
  scripts/fetch-sqlite.sh
  scripts/fetch-sarif-multitool.sh # formats validates our SARIF with it
  ctest --test-dir build --output-on-failure -j2
  # The goroutine suites (every test labelled goroutines) and the switch's
  # own, runtime/gobuf, again on the portable context switch (swapcontext),
  # which machines without assembly for it use. tests-runtime builds every
  # suite of tests/runtime/, tests-samples the Go-style samples (labelled
  # goroutines too). The collector's stopped-mark variant
  # (runtime/gc/P2/stw) is not about the switch, and runs once, above.
  cmake -S . -B build-ucontext -DCMAKE_BUILD_TYPE=Debug -DESCAPE_SANITIZE=ON \
    -DESCAPE_WERROR=ON -DESCRT_PORTABLE_SWITCH=ON >/dev/null
  cmake --build build-ucontext -j2 --target tests-runtime tests-samples
  ctest --test-dir build-ucontext --output-on-failure -j2 --no-tests=error \
    -L goroutines -E '/stw$'
  ctest --test-dir build-ucontext --output-on-failure --no-tests=error -R '^runtime/gobuf$'
  ;;
esac

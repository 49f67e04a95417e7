#!/usr/bin/env bash
# growslice.sh: the capacities append gives a slice grown one element at a
# time, Go 1.19's (bench/growslice.go) against ours (bench/growslice.c,
# escrt_append on libescrt), for elements of 1, 2, 8, 12, 24, 40, 64 and
# 100 bytes up to 5000 elements. It prints both programs' lines, then
# "equal" or the differences, and exits 1 when they differ.
#
#   bench/growslice.sh
#
# Go comes from golang-go, installed with apt-get when go is missing and the
# script runs as root (otherwise it prints the sudo line and stops); it is
# built with GO111MODULE=off and its cache under build-bench/go, and never
# touches the network. Ours: the script brings target escrt in build-bench/
# (Release) up to date and compiles growslice.c against
# build-bench/lib/libescrt.a. The lines Go printed are also the expected
# data of tests/runtime/check_slice.c (growth-is-go-1-19s): when Go's
# change, update them there.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

. bench/anchors.sh
missing=()
command -v go >/dev/null || missing+=(golang-go)
install_missing growslice.sh "${missing[@]}"
go_anchor growslice.sh

mkdir -p build-bench
go build -o build-bench/growslice-go bench/growslice.go

echo "growslice.sh: building target escrt in build-bench/ (Release)" >&2
if ! { cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DESCAPE_TESTS=OFF &&
  cmake --build build-bench --target escrt -j2; } >"$tmp/build.log" 2>&1; then
  tail -n 5 "$tmp/build.log" | sed 's/^/  /' >&2
  echo "growslice.sh: the build of target escrt failed" >&2
  exit 1
fi
if ! cc -std=gnu11 -O2 -pthread -ftrivial-auto-var-init=zero -I runtime/include \
  -o build-bench/growslice bench/growslice.c build-bench/lib/libescrt.a \
  -Wl,-z,now 2>"$tmp/cc.log"; then
  tail -n 5 "$tmp/cc.log" | sed 's/^/  /' >&2
  echo "growslice.sh: bench/growslice.c did not compile or link" >&2
  exit 1
fi

build-bench/growslice-go >"$tmp/go.txt"
status=0
build-bench/growslice >"$tmp/ours.txt" || status=$?
echo "== Go ($goversion)"
cat "$tmp/go.txt"
echo "== ours (libescrt)"
cat "$tmp/ours.txt"
if [ "$status" != 0 ]; then
  echo "growslice.sh: bench/growslice lost elements as slices grew (status $status)"
  exit 1
fi
if diff "$tmp/go.txt" "$tmp/ours.txt" >"$tmp/diff"; then
  echo "equal"
else
  echo "different:"
  cat "$tmp/diff"
  exit 1
fi

# shellcheck shell=bash
# anchors.sh: what the benchmark scripts share, sourced by each of them
# (malloc.sh, goroutines.sh, gc.sh): installing the anchors from Debian,
# building Go programs without the network, and ratios.

# install_missing SCRIPT PACKAGE... installs the packages with apt-get when
# run as root; otherwise it prints the sudo line and exits 1. No packages:
# nothing to do.
install_missing() {
  local script=$1
  shift
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "$script: needs the anchors: sudo apt-get install -y $*" >&2
    exit 1
  fi
}

# go_anchor SCRIPT sets Go up to build from the repository alone (no
# modules, no proxy, caches under build-bench/go) and sets goversion,
# warning when it is not the anchor, Go 1.19.
go_anchor() {
  export GO111MODULE=off GOPROXY=off GOFLAGS='' GOENV=off
  export GOPATH="$PWD/build-bench/go/path" GOCACHE="$PWD/build-bench/go/cache"
  goversion="$(go env GOVERSION)"
  [[ "$goversion" == go1.19* ]] ||
    echo "$1: the anchor is Go 1.19; this is $goversion" >&2
}

# ratio A B -> A/B to 2 decimals, or - when either is missing or B is 0.
ratio() {
  if [ -z "$1" ] || [ -z "$2" ] || awk "BEGIN { exit !($2 == 0) }"; then echo -; else
    awk "BEGIN { printf \"%.2f\", $1 / $2 }"
  fi
}

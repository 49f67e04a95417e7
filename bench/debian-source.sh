# shellcheck shell=bash
# debian-source.sh: pinned Debian source packages for the benchmark
# scripts that run on real projects (projects.sh, trees.sh, treespeed.sh),
# sourced by each of them after anchors.sh.
#
#   debian_source SCRIPT DIR PKG=VERSION:SUBDIR...
#
# leaves each package's sources unpacked in DIR/SUBDIR, by `apt-get source
# PKG=VERSION` (pinned), from the archive that
# /etc/apt/sources.list.d/debian.sources names: run as root, it adds a
# deb-src twin of that file (escape-bench-src.sources beside it) when no
# deb-src entry is configured, and runs apt-get update when a pinned
# version is not yet known. A SUBDIR already there is taken as it is. It
# installs dpkg-dev when missing. apt-get's output goes to DIR/PKG.log; on
# a failure the script says why and exits 1.
debian_source() {
  local script=$1 dir=$2 spec p v d
  shift 2
  local fetch=()
  for spec; do
    d="${spec##*:}"
    [ -d "$dir/$d" ] || fetch+=("${spec%:*}:$d")
  done
  [ ${#fetch[@]} -gt 0 ] || return 0
  command -v dpkg-source >/dev/null || install_missing "$script" dpkg-dev
  debian_source_entries "$script"
  mkdir -p "$dir"
  for spec in "${fetch[@]}"; do
    p="${spec%%=*}" v="${spec#*=}"
    v="${v%:*}"
    if ! apt-cache showsrc --only-source "$p" 2>/dev/null | grep -qxF "Version: $v"; then
      if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
      else
        echo "$script: apt does not know $p $v: sudo apt-get update" >&2
        exit 1
      fi
      break
    fi
  done
  for spec in "${fetch[@]}"; do
    p="${spec%%=*}" v="${spec#*=}" d="${spec##*:}"
    v="${v%:*}"
    echo "$script: apt-get source $p=$v" >&2
    (cd "$dir" && apt-get source -qq "$p=$v") >"$dir/$p.log" 2>&1 || {
      tail -n 5 "$dir/$p.log" >&2
      echo "$script: apt-get source $p=$v failed" >&2
      exit 1
    }
    [ -d "$dir/$d" ] || {
      echo "$script: apt-get source did not unpack $dir/$d" >&2
      exit 1
    }
  done
}

# debian_source_entries SCRIPT makes sure apt has deb-src entries: a
# deb-src twin of debian.sources when none is configured (as root), else
# the sudo line and exit 1.
debian_source_entries() {
  local script=$1 aptsrc=/etc/apt/sources.list.d/debian.sources
  # shellcheck disable=SC2016 # apt's own $(FIELD) syntax
  apt-get indextargets --format '$(CREATED_BY)' 2>/dev/null | grep -qx Sources && return 0
  if [ ! -f "$aptsrc" ]; then
    echo "$script: no deb-src entry configured and no $aptsrc to copy one from" >&2
    exit 1
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "$script: needs deb-src entries: sudo sh -c \"sed 's/^Types: deb\$/Types: deb-src/'" \
      "$aptsrc >${aptsrc%/*}/escape-bench-src.sources && apt-get update\"" >&2
    exit 1
  fi
  sed 's/^Types: deb$/Types: deb-src/' "$aptsrc" >"${aptsrc%/*}/escape-bench-src.sources"
  # The new entries are known to apt only after an update.
  apt-get update -qq
}

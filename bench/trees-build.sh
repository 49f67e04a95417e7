# shellcheck shell=bash
# trees-build.sh: the real source trees escape-check -p is run on, each
# built once by its own build system to give its compile_commands.json;
# sourced by trees.sh and treespeed.sh after anchors.sh and
# debian-source.sh.
#
#   lua     Debian source package lua5.4 5.4.4-3+deb12u1, its code patches
#           (two CVE fixes, module paths) applied and its build-system patch
#           (libtool, and a C++ twin of every object) reversed, the header
#           debian/rules writes for the module paths written: Lua's own
#           Makefile, `bear -- make -j2 linux`.
#   zlib    zlib 1:1.2.13.dfsg-1: zlib's own configure, `bear -- make -j2`
#           (each library source compiled twice, static and PIC).
#   bzip2   bzip2 1.0.8-5: plain Makefile, `bear -- make -j2 libbz2.a
#           bzip2 bzip2recover`.
#   json-c  json-c 0.16-2: CMake, Release, -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
#           (the database is _b/compile_commands.json), its test programs
#           included.
#   gawk    gawk 1:5.2.1-2: autoconf configure, `bear -- make -j2` (the
#           extensions through libtool).
#
# The compiler is cc (GCC): the databases have GCC's command lines, as a
# user's would. Everything lives in build-bench/trees/ (untracked): src/
# the unpacked sources, NAME/ the built tree (kept: escape-check runs on
# it), logs/NAME.build.log.
unset CFLAGS CPPFLAGS LDFLAGS LIBS CC MAKEFLAGS MFLAGS GNUMAKEFLAGS CMAKE_GENERATOR \
  CMAKE_BUILD_PARALLEL_LEVEL CMAKE_EXPORT_COMPILE_COMMANDS LD_PRELOAD

# shellcheck disable=SC2034 # used by the scripts that source this one
trees_all=(lua zlib bzip2 json-c gawk)
declare -A tree_pkg=([lua]=lua5.4 [zlib]=zlib [bzip2]=bzip2 [json-c]=json-c [gawk]=gawk)
declare -A tree_version=([lua]=5.4.4-3+deb12u1 [zlib]=1:1.2.13.dfsg-1 [bzip2]=1.0.8-5
  [json-c]=0.16-2 [gawk]=1:5.2.1-2)
declare -A tree_srcdir=([lua]=lua5.4-5.4.4 [zlib]=zlib-1.2.13.dfsg [bzip2]=bzip2-1.0.8
  [json-c]=json-c-0.16 [gawk]=gawk-5.2.1)
declare -A tree_system=([lua]="Makefile, bear" [zlib]="configure+make, bear"
  [bzip2]="Makefile, bear" [json-c]="CMake export" [gawk]="autoconf+make, bear")
# Where compile_commands.json is, relative to the tree.
declare -A tree_dbdir=([lua]=. [zlib]=. [bzip2]=. [json-c]=_b [gawk]=.)

trees_top=build-bench/trees
mkdir -p "$trees_top"
trees_top="$(cd "$trees_top" && pwd)"
mkdir -p "$trees_top/logs"

build_tree_lua() {
  patch -R -s -p1 <debian/patches/0001-build-system.patch || return
  # As debian/rules does: the header Debian's luaconf.h patch includes.
  printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' \
    "$(dpkg-architecture -qDEB_HOST_MULTIARCH)" >src/lua5.4-deb-multiarch.h
  bear --output compile_commands.json -- make -j2 linux
}
build_tree_zlib() { ./configure && bear --output compile_commands.json -- make -j2; }
build_tree_bzip2() {
  bear --output compile_commands.json -- make -j2 libbz2.a bzip2 bzip2recover
}
build_tree_json_c() {
  cmake -S . -B _b -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON &&
    cmake --build _b -j2
}
build_tree_gawk() {
  # As debian/rules does: the doc sources Debian leaves out are up to date.
  touch --date="Jan 01 2000" doc/gawktexi.in doc/sidebar.awk doc/gawk.texi doc/gawk.info \
    doc/gawkinet.texi doc/gawkinet.info doc/gawkworkflow.texi doc/gawkworkflow.info \
    doc/pm-gawk.texi doc/pm-gawk.info
  ./configure && bear --output compile_commands.json -- make -j2
}
export -f build_tree_lua build_tree_zlib build_tree_bzip2 build_tree_json_c build_tree_gawk

# tree_prepare SCRIPT NAME... fetches and builds each tree not yet built
# (or built from another version): build-bench/trees/NAME with its
# compile_commands.json. A failed build exits 1 with its log's tail.
tree_prepare() {
  local script=$1 p specs=() stamp
  shift
  local missing=()
  command -v bear >/dev/null || missing+=(bear)
  command -v cmake >/dev/null || missing+=(cmake)
  command -v patch >/dev/null || missing+=(patch)
  command -v jq >/dev/null || missing+=(jq)
  command -v nm >/dev/null || missing+=(binutils)
  [ -x /usr/bin/time ] || missing+=(time)
  install_missing "$script" "${missing[@]}"
  for p; do specs+=("${tree_pkg[$p]}=${tree_version[$p]}:${tree_srcdir[$p]}"); done
  debian_source "$script" "$trees_top/src" "${specs[@]}"
  mkdir -p "$trees_top/logs"
  for p; do
    stamp="${tree_pkg[$p]} ${tree_version[$p]} ${tree_system[$p]}"
    [ "$(cat "$trees_top/$p/.escape-bench-built" 2>/dev/null)" = "$stamp" ] &&
      [ -s "$(tree_db "$p")/compile_commands.json" ] && continue
    echo "$script: building $p (${tree_pkg[$p]} ${tree_version[$p]}, ${tree_system[$p]})" >&2
    rm -rf "${trees_top:?}/$p"
    cp -a "$trees_top/src/${tree_srcdir[$p]}" "$trees_top/$p"
    # shellcheck disable=SC2016 # expanded by the inner bash
    if ! (cd "$trees_top/$p" && nice bash -c '"build_tree_$1"' _ "${p//-/_}") \
      >"$trees_top/logs/$p.build.log" 2>&1; then
      tail -n 15 "$trees_top/logs/$p.build.log" | sed 's/^/  /' >&2
      echo "$script: the build of $p failed (log: $trees_top/logs/$p.build.log)" >&2
      exit 1
    fi
    [ -s "$(tree_db "$p")/compile_commands.json" ] || {
      echo "$script: the build of $p gave no compile_commands.json" >&2
      exit 1
    }
    echo "$stamp" >"$trees_top/$p/.escape-bench-built"
  done
}

# tree_db NAME: the directory of NAME's compile_commands.json.
tree_db() { (cd "$trees_top/$1/${tree_dbdir[$1]}" 2>/dev/null && pwd) || echo "$trees_top/$1/${tree_dbdir[$1]}"; }

# tree_c_files NAME: the C files of NAME's database, each once, absolute
# and canonical, as escape-check counts them (an entry's file is relative
# to its directory; other languages are not counted).
tree_c_files() {
  jq -r '.[] | if (.file | startswith("/")) then .file else .directory + "/" + .file end' \
    "$(tree_db "$1")/compile_commands.json" | grep '\.c$' | xargs -r -d '\n' realpath -m | sort -u
}

# escape_check_bin SCRIPT sets ec to the escape-check to measure:
# $ESCAPE_CHECK when set, else build-bench/bin/escape-check (Release, no
# sanitizers, no tests), brought up to date. It must know -p.
escape_check_bin() {
  if [ -n "${ESCAPE_CHECK:-}" ]; then
    ec="$(command -v "$ESCAPE_CHECK" || true)"
    [ -n "$ec" ] || {
      echo "$1: ESCAPE_CHECK=$ESCAPE_CHECK: no such command" >&2
      exit 1
    }
    [[ "$ec" == /* ]] || ec="$PWD/$ec"
  else
    echo "$1: building build-bench/ (Release, no sanitizers) for escape-check" >&2
    if ! { cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DESCAPE_TESTS=OFF \
      -DESCAPE_SANITIZE=OFF && nice cmake --build build-bench -j2 --target escape-check; } \
      >"$trees_top/logs/escape-check-build.log" 2>&1; then
      tail -n 5 "$trees_top/logs/escape-check-build.log" | sed 's/^/  /' >&2
      echo "$1: the build of build-bench/ failed (log: $trees_top/logs/escape-check-build.log)" >&2
      exit 1
    fi
    ec="$PWD/build-bench/bin/escape-check"
  fi
  "$ec" --help 2>/dev/null | grep -q -- '-p DIR' || {
    echo "$1: $ec has no -p DIR (compile_commands.json)" >&2
    exit 1
  }
}

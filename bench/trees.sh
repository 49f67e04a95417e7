#!/usr/bin/env bash
# trees.sh: escape-check -p on real source trees, each built once by its
# own build system for its compile_commands.json (issue 12, acceptance 2
# and 3).
#
#   bench/trees.sh [TREE...]     TREEs: lua zlib bzip2 json-c gawk (default
#                                all; bench/trees-build.sh says how each is
#                                fetched, pinned, and built)
#
# For each tree, escape-check -p on its database, in check mode and with
# -m (the whole tree as one program, -j2), from the tree's root; checked
# and printed:
#   - no crash: exit status 0 or 1; 3 (a file could not be analyzed), 2, a
#     signal or a hang (900 s) fails;
#   - no file lost: the summary line's "N files" equals the number of C
#     files in compile_commands.json (each file once: a file compiled twice,
#     zlib's static and PIC objects, counts once, as escape-check takes it
#     once);
#   - the check-mode warnings by kind ([-Wescape-KIND]), and -m's report
#     lines and "moved to heap" lines;
#   - -Wescape-call warnings whose unknown function is defined in the tree
#     (a global function of one of its objects: `nm --defined-only`, T and
#     W): must be 0. Names that are only static functions of the tree (nm's
#     t; those the compiler kept) are counted beside, as a hint.
# For Lua, the concatenation check: escape-check on the tree (its database,
# luac.c left out) against escape-check on one file that #includes the
# library's .c files and lua.c, generated the way Lua's onelua.c is written
# (Debian's source has no onelua.c): internal functions made static, the
# files in onelua.c's order, compiled with lua.c's flags from the database.
# In both modes the verdicts must be equal: every warning with its notes,
# and every -m line, paths cut to their base names (the concatenation's
# report names the included files), compared as sets; differences are
# printed and fail.
#
# escape-check: $ESCAPE_CHECK when set, else build-bench/bin/escape-check
# (Release, no sanitizers), brought up to date; run with --no-cache when it
# has a cache. Outputs for triage stay in build-bench/trees/out/:
# TREE.MODE.out (stdout), TREE.MODE.err (stderr), TREE.defined (the tree's
# global functions), TREE.call-in-tree.txt, lua-concat.MODE.diff. Exits 1
# when any check fails. About 2 minutes on 2 cores the first time (fetching
# and building the trees), half a minute after.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: bench/trees.sh [lua|zlib|bzip2|json-c|gawk...]" >&2
  exit 2
}
. bench/anchors.sh       # install_missing
. bench/debian-source.sh # debian_source
. bench/trees-build.sh   # trees_all, tree_*, escape_check_bin
[ $# -gt 0 ] || set -- "${trees_all[@]}"
trees=()
for t; do
  [ -n "${tree_pkg[$t]:-}" ] || usage
  trees+=("$t")
done

tree_prepare trees.sh "${trees[@]}"
escape_check_bin trees.sh
# Every run analyzes every file: no cache read or written.
nocache=()
if "$ec" --help | grep -q -- '--no-cache'; then nocache=(--no-cache); fi
out="$trees_top/out"
mkdir -p "$out"
failed=0
fail() { # fail MESSAGE...
  echo "trees.sh: FAILED: $*" >&2
  failed=1
}

# run NAME DIR ARGS... runs escape-check in DIR with ARGS, its stdout and
# stderr to $out/NAME.out and .err; prints its exit status (124: timed out).
run() {
  local name=$1 dir=$2 status=0
  shift 2
  (cd "$dir" && nice timeout -k 10 900 "$ec" "$@") >"$out/$name.out" 2>"$out/$name.err" ||
    status=$?
  echo "$status"
}
# status_ok NAME STATUS: 0 or 1, else fails saying why.
status_ok() {
  case $2 in
  0 | 1) return 0 ;;
  2) fail "$1: usage error: $(grep -m1 'error' "$out/$1.err" || true)" ;;
  3) fail "$1: some file could not be analyzed (exit 3):" \
    "$(grep -E '^escape-check: (error|fatal)|error:' "$out/$1.err" | head -n 5)" ;;
  124 | 137) fail "$1: no end after 900 s" ;;
  *) fail "$1: exit status $2$([ "$2" -gt 128 ] && echo " (signal $(($2 - 128)))")" ;;
  esac
  return 1
}
# summary_files NAME: N of the summary line "escape-check: N files, ...".
summary_files() {
  sed -n 's/^escape-check: \([0-9][0-9]*\) files\{0,1\}, .*/\1/p' "$out/$1.err" | tail -n 1
}
# summary_failed NAME: K of the summary line's "K files could not be analyzed".
summary_failed() {
  local k
  k="$(sed -n 's/^escape-check: [0-9]* files\{0,1\}, .*, \([0-9][0-9]*\) files\{0,1\} could not be analyzed.*/\1/p' \
    "$out/$1.err" | tail -n 1)"
  echo "${k:-0}"
}
# kinds NAME: "call 12, param 3" from the check-mode warnings.
kinds() {
  sed -n 's/^[^ :][^:]*:[0-9]*:[0-9]*: \(warning\|error\): .*\[-W\(error=\)\{0,1\}escape-\([a-z]*\)\]$/\3/p' \
    "$out/$1.out" | sort | uniq -c | awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $2, $1 }'
}
located() { grep -cE '^[^ :][^:]*:[0-9]+:[0-9]+: ' "$out/$1.out" || true; }
warnings() { grep -cE '^[^ :][^:]*:[0-9]+:[0-9]+: (warning|error): ' "$out/$1.out" || true; }

declare -A row
for t in "${trees[@]}"; do
  dir="$trees_top/$t"
  db="$(tree_db "$t")"
  nfiles="$(tree_c_files "$t" | wc -l)"
  nentries="$(jq length "$db/compile_commands.json")"
  # The tree's functions: global (T, W) and static (t) text symbols, GCC's
  # clones (.isra.0, .constprop.0, .part.0) under their function's name.
  find "$dir" -name '*.o' -type f -exec nm --defined-only {} + 2>/dev/null |
    awk '$2 ~ /^[TWt]$/ { sub(/\..*/, "", $3); print $2, $3 }' | sort -u >"$out/$t.symbols"
  awk '$1 != "t" { print $2 }' "$out/$t.symbols" | sort -u >"$out/$t.defined"
  awk '$1 == "t" { print $2 }' "$out/$t.symbols" | sort -u | comm -23 - "$out/$t.defined" \
    >"$out/$t.static"
  ndef="$(wc -l <"$out/$t.defined")"
  echo "trees.sh: $t: $nfiles C files ($nentries entries), $ndef global functions; check mode" >&2
  for mode in check m; do
    name="$t.$mode"
    flags=(-j2 "${nocache[@]}" -p "$db")
    [ "$mode" = check ] || flags=(-m "${flags[@]}")
    [ "$mode" = check ] || echo "trees.sh: $t: -m" >&2
    status="$(run "$name" "$dir" "${flags[@]}")"
    n="$(summary_files "$name")"
    line="status $status"
    status_ok "$name" "$status" || line="$line FAILED"
    if [ -z "$n" ]; then
      fail "$name: no summary line on stderr ($out/$name.err)"
      line="$line, no summary line"
    elif [ "$n" != "$nfiles" ]; then
      fail "$name: $n files analyzed, the database has $nfiles C files"
      line="$line, $n/$nfiles files LOST"
    else
      line="$line, $n/$nfiles files"
    fi
    k="$(summary_failed "$name")"
    [ "$k" = 0 ] || line="$line ($k could not be analyzed)"
    if [ "$mode" = check ]; then
      # -Wescape-call naming a function of the tree.
      sed -n "s/^\([^ :][^:]*:[0-9]*:[0-9]*\): \(warning\|error\): .*unknown function '\([^']*\)'.*\[-W\(error=\)\{0,1\}escape-call\]\$/\3 \1/p" \
        "$out/$name.out" | sort >"$out/$t.calls"
      awk 'FILENAME == ARGV[1] { g[$1] = 1; next } FILENAME == ARGV[2] { s[$1] = 1; next }
        ($1 in g) { print "global " $0; next } ($1 in s) { print "static " $0 }' \
        "$out/$t.defined" "$out/$t.static" "$out/$t.calls" >"$out/$t.call-in-tree.txt"
      nglob="$(grep -c '^global ' "$out/$t.call-in-tree.txt" || true)"
      nstat="$(grep -c '^static ' "$out/$t.call-in-tree.txt" || true)"
      line="$line, $(warnings "$name") warnings ($(kinds "$name")), -Wescape-call for a tree function: $nglob"
      [ "$nstat" = 0 ] || line="$line (+ $nstat naming only a static function)"
      if [ "$nglob" != 0 ]; then
        fail "$t: $nglob -Wescape-call warnings name a function defined in the tree" \
          "($out/$t.call-in-tree.txt):"
        grep '^global ' "$out/$t.call-in-tree.txt" | head -n 10 | sed 's/^/  /' >&2
      fi
    else
      line="$line, $(located "$name") report lines, $(grep -c ': moved to heap: ' "$out/$name.out" || true) moved to heap"
    fi
    row[$t.$mode]="$line"
  done
done

# --- Lua: the tree against its concatenation ----------------------------------
# verdicts NAME: the report as a set of records, a warning with its notes
# joined by " | ", paths cut to base names.
verdicts() {
  awk '
    function base(s,   out) {
      # Every "dir/.../file:" becomes "file:".
      out = ""
      while (match(s, /[^ :()\x27"]*\/[^ :()\x27"\/]+:[0-9]/)) {
        p = substr(s, RSTART, RLENGTH)
        sub(/.*\//, "", p)
        out = out substr(s, 1, RSTART - 1) p
        s = substr(s, RSTART + RLENGTH)
      }
      return out s
    }
    /^[^ :][^:]*:[0-9]+:[0-9]+: note: / { if (rec != "") rec = rec " | " base($0); next }
    /^[^ :][^:]*:[0-9]+:[0-9]+: / { if (rec != "") print rec; rec = base($0); next }
    END { if (rec != "") print rec }' "$out/$1.out" | sort -u
}
concat=skipped
if [[ " ${trees[*]} " == *" lua "* ]]; then
  echo "trees.sh: lua: the tree against its concatenation" >&2
  src="$trees_top/lua/src"
  one="$trees_top/lua-one"
  mkdir -p "$one"
  # Written as Lua's onelua.c is: the library's internal functions static,
  # the core, the auxiliary library, the standard libraries, then lua.c.
  {
    echo "/* made by bench/trees.sh: Lua 5.4 in one file, as onelua.c */"
    echo '#include "lprefix.h"'
    for h in assert ctype errno float limits locale math setjmp signal stdarg stddef \
      stdio stdlib string time; do echo "#include <$h.h>"; done
    printf '#define LUA_CORE\n#define LUA_LIB\n#define ltable_c\n#define lvm_c\n#include "luaconf.h"\n'
    printf '#undef LUAI_FUNC\n#undef LUAI_DDEC\n#undef LUAI_DDEF\n'
    printf '#define LUAI_FUNC static\n#define LUAI_DDEC(def) /* empty */\n#define LUAI_DDEF static\n'
    for f in lzio lctype lopcodes lmem lundump ldump lstate lgc llex lcode lparser ldebug \
      lfunc lobject ltm lstring ltable ldo lvm lapi lauxlib lbaselib lcorolib ldblib liolib \
      lmathlib loadlib loslib lstrlib ltablib lutf8lib linit lua; do
      echo "#include \"$f.c\""
    done
  } >"$src/onelua-bench.c"
  # Its database: lua.c's entry, the file replaced.
  jq --arg f "$src/onelua-bench.c" '[.[] | select(.file | test("(^|/)lua\\.c$"))
    | .file = $f | del(.output)
    | if .arguments then .arguments |= map(if test("(^|/)lua\\.c$") then $f else . end)
      else .command |= sub("(?<a>^| )[^ ]*lua\\.c( |$)"; "\(.a)\($f) ") end][0:1]' \
    "$trees_top/lua/compile_commands.json" >"$one/compile_commands.json"
  [ "$(jq length "$one/compile_commands.json")" = 1 ] || fail "lua: no entry for lua.c in the database"
  # The tree's files as the concatenation has them: the library and lua.c.
  nlib="$(tree_c_files lua | grep -cv -e '/luac\.c$' -e '/onelua-bench\.c$')"
  concat=""
  for mode in check m; do
    flags=(-j2 "${nocache[@]}" -p)
    [ "$mode" = check ] || flags=(-m "${flags[@]}")
    st="$(run "lua-tree.$mode" "$trees_top/lua" "${flags[@]}" "$(tree_db lua)" --exclude luac.c)"
    status_ok "lua-tree.$mode" "$st" || true
    [ "$(summary_files "lua-tree.$mode")" = "$nlib" ] ||
      fail "lua-tree.$mode: $(summary_files "lua-tree.$mode") files, want $nlib (the library and lua.c)"
    so="$(run "lua-one.$mode" "$trees_top/lua" "${flags[@]}" "$one")"
    status_ok "lua-one.$mode" "$so" || true
    verdicts "lua-tree.$mode" >"$out/lua-tree.$mode.set"
    verdicts "lua-one.$mode" >"$out/lua-one.$mode.set"
    nt="$(wc -l <"$out/lua-tree.$mode.set")"
    no="$(wc -l <"$out/lua-one.$mode.set")"
    if diff -u "$out/lua-tree.$mode.set" "$out/lua-one.$mode.set" >"$out/lua-concat.$mode.diff"; then
      concat="$concat${concat:+; }$mode: equal ($nt verdicts, exit $st / $so)"
    else
      nd="$(grep -c '^[-+][^-+]' "$out/lua-concat.$mode.diff" || true)"
      concat="$concat${concat:+; }$mode: $nd DIFFERENCES ($nt tree / $no concatenation)"
      fail "lua: the tree and its concatenation differ in $mode mode ($out/lua-concat.$mode.diff;" \
        "- tree only, + concatenation only):"
      grep '^[-+][^-+]' "$out/lua-concat.$mode.diff" | head -n 20 | cut -c1-300 | sed 's/^/  /' >&2
    fi
  done
fi

# --- Report ---------------------------------------------------------------------
echo
echo "real trees: escape-check -p, the whole tree as one program, -j2; $(nproc) cores"
echo "escape-check: $ec ($("$ec" --version 2>/dev/null | head -n 1))$(
  [ -z "${ESCAPE_CHECK:-}" ] && echo ", build-bench/ at $(git rev-parse --short HEAD)$(
    git diff --quiet HEAD -- analyzer CMakeLists.txt 2>/dev/null || echo '+changes')")"
for t in "${trees[@]}"; do
  printf '\n%s: %s %s, %s, %d C files\n' "$t" "${tree_pkg[$t]}" "${tree_version[$t]}" \
    "${tree_system[$t]}" "$(tree_c_files "$t" | wc -l)"
  printf '  check: %s\n' "${row[$t.check]}"
  printf '  -m:    %s\n' "${row[$t.m]}"
done
[ "$concat" = skipped ] || printf '\nlua, tree (luac.c left out) against its concatenation: %s\n' "$concat"
echo
echo "outputs: $out/"
if [ "$failed" != 0 ]; then
  echo "trees.sh: some checks FAILED (see above)" >&2
  exit 1
fi

#!/usr/bin/env bash
# fetch-sqlite.sh: put the SQLite amalgamation (sqlite3.c, sqlite3.h) in
# third_party/sqlite/, taken from the npm package better-sqlite3, which
# ships it under deps/sqlite3/ (older releases: inside an archive under
# deps/). Does nothing when it is already there.
#
# The version is pinned: npm would otherwise pick the newest release whose
# engines match the local node, so two machines would analyze different
# SQLites and bench/README.md's figures (SQLite 3.53.2, 269,395 lines) would
# not reproduce. Override with BETTER_SQLITE3_VERSION=x.y.z.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${BETTER_SQLITE3_VERSION:-12.11.1}"
dest=third_party/sqlite

sqlite_version() { sed -n 's/^#define SQLITE_VERSION  *"\(.*\)"/\1/p' "$1"; }

if [ -f "$dest/sqlite3.c" ] && [ -f "$dest/sqlite3.h" ]; then exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "better-sqlite3@$version" >/dev/null)
tar xzf "$tmp"/better-sqlite3-*.tgz -C "$tmp"

find_source() { find "$tmp/package" -name sqlite3.c -path '*deps*' | head -n1; }
src="$(find_source)"
if [ -z "$src" ] && [ -d "$tmp/package/deps" ]; then # an archive inside
  while IFS= read -r archive; do
    case "$archive" in
    *.zip) (cd "$(dirname "$archive")" && unzip -q -o "$archive") ;;
    *) tar xf "$archive" -C "$(dirname "$archive")" ;;
    esac
  done < <(find "$tmp/package/deps" -name '*.tar.gz' -o -name '*.tgz' \
    -o -name '*.tar.xz' -o -name '*.zip')
  src="$(find_source)"
fi
if [ -z "$src" ] || [ ! -f "$(dirname "$src")/sqlite3.h" ]; then
  echo "fetch-sqlite: sqlite3.c/sqlite3.h not found in better-sqlite3@$version" >&2
  exit 1
fi

# Copy under temporary names, then rename: an interrupted run never leaves
# a truncated sqlite3.c that the check above would take as done.
mkdir -p "$dest"
cp "$(dirname "$src")/sqlite3.h" "$dest/.sqlite3.h.part"
cp "$src" "$dest/.sqlite3.c.part"
mv "$dest/.sqlite3.h.part" "$dest/sqlite3.h"
mv "$dest/.sqlite3.c.part" "$dest/sqlite3.c"
echo "fetch-sqlite: $dest/sqlite3.c: SQLite $(sqlite_version "$dest/sqlite3.h")," \
  "$(wc -l <"$dest/sqlite3.c") lines (better-sqlite3@$version)"

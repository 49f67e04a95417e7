#!/usr/bin/env bash
# fetch-sqlite.sh: put the SQLite amalgamation (sqlite3.c, sqlite3.h) in
# third_party/sqlite/, taken from the npm package better-sqlite3, which
# ships it under deps/sqlite3/. Does nothing when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=third_party/sqlite
if [ -f "$dest/sqlite3.c" ] && [ -f "$dest/sqlite3.h" ]; then exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent better-sqlite3 >/dev/null && tar xzf better-sqlite3-*.tgz)
src="$(find "$tmp/package" -name sqlite3.c -path '*deps*' | head -n1)"
if [ -z "$src" ]; then
  echo "fetch-sqlite: sqlite3.c not found in better-sqlite3" >&2
  exit 1
fi
mkdir -p "$dest"
cp "$src" "$(dirname "$src")/sqlite3.h" "$dest/"
echo "fetch-sqlite: $dest/sqlite3.c ($(wc -l <"$dest/sqlite3.c") lines)"

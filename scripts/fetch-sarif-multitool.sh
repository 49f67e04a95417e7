#!/usr/bin/env bash
# fetch-sarif-multitool.sh: put Microsoft's SARIF Multitool in
# third_party/sarif-multitool/, taken from the npm package
# @microsoft/sarif-multitool-linux: a self-contained .NET build (it needs
# libicu, which nodejs already depends on) that runs offline.
# tests/analyzer/check_formats runs its "validate" on escape-check's SARIF.
# Does nothing when that version is already there.
#
# The version is pinned, as fetch-sqlite.sh pins SQLite: another release may
# judge the same log differently. Override with SARIF_MULTITOOL_VERSION=x.y.z.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${SARIF_MULTITOOL_VERSION:-5.7.0}"
dest=third_party/sarif-multitool

if [ -x "$dest/Sarif.Multitool" ] && [ "$(cat "$dest/.version" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp" "$dest.part"' EXIT
(cd "$tmp" && npm pack --silent "@microsoft/sarif-multitool-linux@$version" >/dev/null)
tar xzf "$tmp"/microsoft-sarif-multitool-linux-*.tgz -C "$tmp"
rm "$tmp"/microsoft-sarif-multitool-linux-*.tgz
chmod u+x "$tmp/package/Sarif.Multitool" # what the package's postinstall does
echo "$version" >"$tmp/package/.version"

# Copy under a temporary name, then rename: an interrupted run never leaves
# a partial tool that the check above would take as done.
mkdir -p third_party
rm -rf "$dest.part"
cp -R "$tmp/package" "$dest.part"
rm -rf "$dest"
mv "$dest.part" "$dest"
# The tool prints its version on standard error, with no newline.
echo "fetch-sarif-multitool: $dest: $("$dest/Sarif.Multitool" --version 2>&1 | head -n1)"

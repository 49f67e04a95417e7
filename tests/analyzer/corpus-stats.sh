#!/usr/bin/env bash
# corpus-stats.sh: how many cases the corpus holds, and how many negatives.
#
# A case is one function definition of a corpus file; a negative is a case
# that takes an address (a `&`, a local array, which decays to its address,
# or a compound literal in its body) and none of whose lines expects an escape (moved to
# heap, escapes to heap, leaking param, a check-mode warning): the corpus
# asserts that nothing escapes. README.md quotes the totals.
set -euo pipefail
cd "$(dirname "$0")/corpus"
awk '
  FNR == 1 && NR > 1 { report() }
  FNR == 1 { file = FILENAME; cases = negs = 0; infn = 0 }
  !infn && /^[A-Za-z].*\)[ \t]*\{/ {
    infn = 1; pos = 0; addr = 0; start = FNR
    body = $0; sub(/\/\/.*/, "", body)
    if (body ~ /\}[ \t]*$/) { # a one-line function
      sub(/^[^{]*\{/, "", body)
      if (body ~ /&[A-Za-z_(]/) addr = 1
      if ($0 ~ /\/\/ ERROR.*(moved to heap|escapes to heap|leaking param|warning:)/) pos = 1
      infn = 0; cases++; if (!pos && addr) negs++
      next
    }
  }
  infn && FNR > start { line = $0; sub(/\/\/.*/, "", line); if (line ~ /&[A-Za-z_(]|^[ \t]+[A-Za-z_][A-Za-z_0-9 ]*[ *][A-Za-z_][A-Za-z_0-9]*\[[^]]*\]|\)[ \t]*\{/) addr = 1 }
  infn && /\/\/ ERROR.*(moved to heap|escapes to heap|leaking param|warning:)/ { pos = 1 }
  infn && /^\}/ { infn = 0; cases++; if (!pos && addr) negs++ }
  function report() {
    printf "%-22s %4d cases, %4d negatives\n", file, cases, negs
    tc += cases; tn += negs
  }
  END { report(); printf "%-22s %4d cases, %4d negatives (%d%%)\n", "total", tc, tn, 100 * tn / tc }
' *.c

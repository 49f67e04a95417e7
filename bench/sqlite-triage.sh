#!/usr/bin/env bash
# sqlite-triage.sh: every check-mode warning of escape-check on sqlite3.c,
# one markdown table row each: line, variable, how it escapes, triage.
#
#   bench/sqlite-triage.sh [ESCAPE-CHECK]   (default build-bench/bin/escape-check)
#
# The triage rules were written after reading the code behind each class of
# warning (bench/README.md gives the reasoning); lines read one by one carry
# their own verdict. A warning that no rule covers prints "unclassified".
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build-bench/bin/escape-check}"
scripts/fetch-sqlite.sh >/dev/null
{ "$bin" third_party/sqlite/sqlite3.c 2>/dev/null || true; } | grep ': warning: ' |
  sed -E "s/^third_party\/sqlite\/sqlite3.c:([0-9]+):[0-9]+: warning: address of (local variable|parameter) '([^']+)' escapes: (.*) \[(-W[a-z-]+)\]$/\1|\3|\4|\5/" |
  awk -F'|' '
  function call_rule(how) {
    if (how ~ /pWalker->x/)
      return "false alarm: the tree walker calls the callbacks stored in the Walker, which use the context only during the walk; the targets are stored in a caller'"'"'s struct, which the analysis does not track across calls";
    if (how ~ /sqlite3GlobalConfig\.m\.x(Free|Size)/)
      return "false alarm: reaches the configured allocator'"'"'s xFree/xSize only on paths where the pointer is heap memory (a pointer comparison, or printf'"'"'s %z); the analysis is path-insensitive";
    return "false alarm by API contract: the callee gets the pointer for the duration of the call; the target is chosen at run time (VFS, pager, virtual table, SQL function, comparison or syscall override), so no per-file rule can prove it";
  }
  $1 == 25298 || $1 == 25343 || $1 == 95679 { t = "real escape, benign: db->pnBytesFreed = &v is reset to 0 before the function returns" }
  $1 == 32936 { t = "false alarm: bufpt = buf on one path; pAccum->zText = bufpt only on the %z path, where bufpt is the malloc'"'"'d argument (path-insensitive)" }
  $1 == 33745 { t = "false alarm: sqlite3StrAccumFinish copies zText out of zBase (strAccumFinishRealloc) before returning it (path-insensitive)" }
  $1 == 84808 || $1 == 106017 || $1 == 148466 || $1 == 162581 { t = "real escape, benign: sqlite3ParseObjectInit links the stack Parse into db->pParse; sqlite3ParseObjectReset unlinks it before the frame returns" }
  $1 == 162339 { t = "real escape, benign: db->pVtabCtx = &sCtx is restored to sCtx.pPrior before the function returns" }
  $1 == 156330 { t = "real escape, benign: pWalker->u.pCheckOnCtx = &sCtx is restored to pCtx two lines later" }
  $1 == 150145 { t = "real escape: pSort->pDeferredRowLoad keeps &sRowLoadInfo after selectInnerLoop returns; it is only read by makeSorterRecord during the same call, so the stale pointer is never used" }
  $1 == 149005 { t = "false alarm: pNew = &standin only when mallocFailed, and then the function returns 0 (path-insensitive)" }
  $1 == 150866 || $1 == 150912 || $1 == 150962 || $1 == 151263 { t = "false alarm: recursion in columnTypeImpl with sNC.pNext = pNC; a dereference of &sNC reads every field, each level lowers the leak of pNC by one, and the SCC fixpoint falls back to Go-style direct linking" }
  $1 == 159313 { t = "real escape, benign: the sub-Vdbe keeps p->pParse = &sSubParse; codeRowTrigger deletes it (sqlite3VdbeDelete) and resets sSubParse before returning" }
  $1 == 120137 { t = "real escape, latent: findOrCreateAggInfoColumn stores &tmp in pAggInfo->aCol[k].pCExpr, which the caller overwrites with pExpr right after; on the pParse->nErr path it returns first, leaving the stale pointer in the AggInfo (harmless only as long as nothing reads pCExpr after a parse error)" }
  $1 == 148007 { t = "real escape, benign: sqlite3InitCallback sets db->init.azInit = argv (this stack array) and resets it to sqlite3StdType before returning" }
  $1 == 152694 { t = "false alarm, flow-insensitivity: ifNullRow.pLeft = pCopy is assigned before pCopy = &ifNullRow, so the struct never holds its own address when sqlite3ExprDup copies it" }
  $1 == 173529 { t = "false alarm: whereLoopAddVirtual leaks *pBuilder through pBuilder->pWC (see next line); sSubBuild.pOrSet = &sCur shares that location because pointees have no fields" }
  $1 == 173542 { t = "real escape, benign: allocateIndexInfo stores pWC = &tempWC in the sqlite3_index_info it mallocs, and freeIndexInfo frees it before whereLoopAddVirtual returns" }
  t == "" && $4 == "-Wescape-call" { t = call_rule($3) }
  { printf "| %s | `%s` | %s %s | %s |\n", $1, $2, $3, $4, (t == "" ? "unclassified" : t); t = "" }'

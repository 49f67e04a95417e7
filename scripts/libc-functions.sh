#!/usr/bin/env bash
# libc-functions.sh: list the C library functions that escape-check's model
# of the C library (analyzer/libc_models.def) must cover.
#
#   scripts/libc-functions.sh ENUMERATOR           write the list
#   scripts/libc-functions.sh ENUMERATOR --check    compare with the list
#
# ENUMERATOR is the built tests/libc/libc_functions.c (build/bin/libc-
# functions). The list, tests/analyzer/libc-functions.txt, holds every
# function declared in glibc's public headers (Debian's libc6-dev: each
# header it installs outside bits/ and gnu/, all included in one file with
# _GNU_SOURCE and _FORTIFY_SOURCE=2) whose result or a parameter carries a
# pointer, or that is variadic; then the names calls reach without a
# declaration, listed below. One "NAME<tab>HEADER" a line, sorted; its first
# line names the glibc it was made from. check_libc tests that the table
# has an entry for every name in it.
#
# --check makes the list anew and fails, naming them, if the installed
# headers declare a function the list lacks; it exits 77 (skipped) on a
# machine whose glibc is not the list's, whose headers may differ.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ] || { [ $# -eq 2 ] && [ "$2" != --check ]; }; then
  echo "usage: scripts/libc-functions.sh ENUMERATOR [--check]" >&2
  exit 2
fi
enumerator="$1"
check="${2:-}"
root="$(cd "$(dirname "$0")/.." && pwd)"
list="$root/tests/analyzer/libc-functions.txt"

if ! command -v dpkg >/dev/null || ! dpkg -s libc6-dev >/dev/null 2>&1; then
  echo "libc-functions.sh: needs Debian's libc6-dev, whose file list names glibc's headers" >&2
  [ "$check" = --check ] && exit 77
  exit 2
fi
version="# glibc headers of libc6-dev $(dpkg-query -W -f='${Version}' libc6-dev)"
if [ "$check" = --check ] && [ "$(head -n 1 "$list")" != "$version" ]; then
  echo "libc-functions.sh: $list was made from other headers ($(head -n 1 "$list" | cut -c3-)); skipped"
  exit 77
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(-D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -O2 -w)

# The public headers: those a program includes by name. A header that does
# not compile alone (regexp.h, the x86-32 sys/elf.h) declares nothing usable.
dpkg -L libc6-dev | grep '^/usr/include/.*\.h$' | grep -v '/bits/\|/gnu/\|/finclude/' |
  sed 's|^/usr/include/||; s|^x86_64-linux-gnu/||' | sort -u >"$work/headers"
: >"$work/all.c"
while read -r h; do
  printf '#include <%s>\n' "$h" >"$work/one.c"
  if "$enumerator" /usr/include/ "$work/one.c" "${flags[@]}" >/dev/null 2>&1; then
    printf '#include <%s>\n' "$h" >>"$work/all.c"
  fi
done <"$work/headers"
"$enumerator" /usr/include/ "$work/all.c" "${flags[@]}" |
  awk -F'\t' '!seen[$1]++ { sub(/^x86_64-linux-gnu\//, "", $2); print $1 "\t" $2 }' >"$work/declared"

# Names calls reach that no header declares, with where they come from.
cat >>"$work/declared" <<'EOF'
__memcpy_chk	_FORTIFY_SOURCE (__builtin___memcpy_chk)
__memmove_chk	_FORTIFY_SOURCE (__builtin___memmove_chk)
__mempcpy_chk	_FORTIFY_SOURCE (__builtin___mempcpy_chk)
__memset_chk	_FORTIFY_SOURCE (__builtin___memset_chk)
__strcpy_chk	_FORTIFY_SOURCE (__builtin___strcpy_chk)
__stpcpy_chk	_FORTIFY_SOURCE (__builtin___stpcpy_chk)
__strncpy_chk	_FORTIFY_SOURCE (__builtin___strncpy_chk)
__stpncpy_chk	_FORTIFY_SOURCE (__builtin___stpncpy_chk)
__strcat_chk	_FORTIFY_SOURCE (__builtin___strcat_chk)
__strncat_chk	_FORTIFY_SOURCE (__builtin___strncat_chk)
__strlcpy_chk	_FORTIFY_SOURCE, glibc 2.38
__strlcat_chk	_FORTIFY_SOURCE, glibc 2.38
__gets_chk	_FORTIFY_SOURCE, before C11
__open_2	_FORTIFY_SOURCE with GCC (bits/fcntl2.h)
__open64_2	_FORTIFY_SOURCE with GCC (bits/fcntl2.h)
__openat_2	_FORTIFY_SOURCE with GCC (bits/fcntl2.h)
__openat64_2	_FORTIFY_SOURCE with GCC (bits/fcntl2.h)
__longjmp_chk	_FORTIFY_SOURCE (asm label of longjmp)
__xpg_strerror_r	POSIX strerror_r (asm label)
__cxa_atexit	the C++ ABI, called by atexit in some libcs
__cxa_thread_atexit_impl	the C++ ABI
__cxa_finalize	the C++ ABI
strlcpy	glibc 2.38
strlcat	glibc 2.38
wcslcpy	glibc 2.38
wcslcat	glibc 2.38
atomic_flag_test_and_set	clang's stdatomic.h
atomic_flag_test_and_set_explicit	clang's stdatomic.h
atomic_flag_clear	clang's stdatomic.h
atomic_flag_clear_explicit	clang's stdatomic.h
EOF
for f in scanf fscanf sscanf vscanf vfscanf vsscanf wscanf fwscanf swscanf vwscanf vfwscanf vswscanf; do
  printf '__isoc99_%s\tasm label of %s (compilers without __REDIRECT)\n' "$f" "$f"
  printf '__isoc23_%s\tasm label of %s, glibc 2.38 with C23\n' "$f" "$f"
done >>"$work/declared"
for f in strtol strtoul strtoll strtoull strtol_l strtoul_l strtoll_l strtoull_l strtoimax strtoumax \
  wcstol wcstoul wcstoll wcstoull wcstol_l wcstoul_l wcstoll_l wcstoull_l wcstoimax wcstoumax; do
  printf '__isoc23_%s\tasm label of %s, glibc 2.38 with C23\n' "$f" "$f"
done >>"$work/declared"
# clang's builtins that stay calls, as call.c looks them up: without
# __builtin_ (the library's own, __builtin_memcpy, are the library's names).
for f in alloca_uninitialized alloca_with_align alloca_with_align_uninitialized assume_aligned \
  launder align_up align_down is_aligned char_memchr memcpy_inline memset_inline object_size \
  dynamic_object_size expect expect_with_probability prefetch va_start c23_va_start va_end va_copy \
  __va_start add_overflow sub_overflow mul_overflow __clear_cache constant_p frame_address \
  return_address extract_return_addr dump_struct; do
  printf '%s\tclang builtin (__builtin_%s)\n' "$f" "$f"
done >>"$work/declared"
# The atomic builtins that are calls, not AtomicExprs (analyzer/atomic.c
# lowers those and the __sync_* ones).
for f in __atomic_is_lock_free __atomic_always_lock_free __c11_atomic_is_lock_free; do
  printf '%s\tclang builtin\n' "$f"
done >>"$work/declared"

{
  echo "$version"
  LC_ALL=C sort -t "$(printf '\t')" -k1,1 -u "$work/declared"
} >"$work/list"

if [ "$check" != --check ]; then
  cp "$work/list" "$list"
  echo "libc-functions.sh: $(($(wc -l <"$list") - 1)) functions in $list"
  exit 0
fi
cut -f1 "$list" | tail -n +2 >"$work/listed"
missing="$(cut -f1 "$work/list" | tail -n +2 | LC_ALL=C comm -23 - <(LC_ALL=C sort "$work/listed"))"
if [ -n "$missing" ]; then
  echo "libc-functions.sh: the headers declare functions $list lacks (run scripts/libc-functions.sh and add them to analyzer/libc_models.def):"
  echo "$missing"
  exit 1
fi
echo "libc-functions.sh: the $(($(wc -l <"$list") - 1)) functions of $list are all the headers declare"

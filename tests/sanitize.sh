#!/usr/bin/env bash
# sanitize.sh: `make sanitize`. Every program and every suite, OpenMP and MPI, built with
# AddressSanitizer and UndefinedBehaviorSanitizer, and the whole of `make test` run with them, in a
# copy of the tree under build/sanitize/ (the normal build is left alone). Any report fails the
# test that ran into it: ASan stops a program at its first error and UBSan does too
# (-fno-sanitize-recover). Leaks are reported as well, except those the MPI library itself leaves
# at exit (tests/lsan.supp names its libraries). Ends with make test's own "total:" line.
set -u
cd "$(dirname "$0")/.." || exit 1

tree=build/sanitize/parlab
rm -rf "$tree"
mkdir -p "$tree"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -C "$tree" -xf -
# Full stacks for every allocation (slower), so that a leak inside the MPI library is seen as one.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=70:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
# What cannot run under ASan is skipped by the checks that know it: ulimit -v (ASan maps
# terabytes of shadow memory) is one.
export PLB_SANITIZE=1
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"

# The lane must be able to fail: a write one past the end of an array, built the same way, is
# stopped with a report (UBSan's object-size check sees it first, ASan's heap check otherwise).
printf '#include <stdlib.h>\nint main(void)\n{\n    int *a = malloc(4 * sizeof *a);\n    a[4] = 1;\n    free(a);\n    return 0;\n}\n' >"$tree/overflow.c"
# shellcheck disable=SC2086 # the flags are words
${CC:-cc} $flags "$tree/overflow.c" -o "$tree/overflow"
"$tree/overflow" 2>"$tree/overflow.log"
status=$?
if [ "$status" -eq 0 ] || ! grep -Eq 'heap-buffer-overflow|runtime error: store' "$tree/overflow.log"; then
    echo "sanitize: a heap overflow went unreported (exit $status): the sanitizers are not working" >&2
    exit 1
fi
echo "sanitize: a planted heap overflow is stopped (exit $status); now make test, sanitized"
make -C "$tree" --no-print-directory CFLAGS="$flags" test

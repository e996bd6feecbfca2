#!/usr/bin/env bash
# tsan.sh: `make tsan`. The thread lessons under ThreadSanitizer, both ways: the racy variant
# (omp_race -V unsync, the shared counter without synchronisation) must be reported as a data race
# in its own line, and every fixed or race-free variant must run without a report. A lane that
# reports nothing proves nothing, so the first case is the test of the tool itself.
#
# The OpenMP runtime: gcc's libgomp is not built for ThreadSanitizer, which then reports the
# runtime's own synchronisation as races. clang with LLVM's libomp and its Archer tool (Debian:
# clang, libomp-dev; OMP_TOOL_LIBRARIES=libarcher.so) tells ThreadSanitizer about barriers, locks,
# critical sections, atomics, reductions and tasks. Ends with "tsan: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1

# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh
out=build/tsan
mkdir -p "$out"
if ! read -r clang archer < <(plb_tsan "$out"); then
    echo "tsan: needs clang with LLVM's Archer and its sanitizer runtime (Debian: apt-get install" \
        "clang libomp-dev; Debian 13 also libclang-rt-19-dev)" >&2
    exit 2
fi
library=()
for f in common/*.c; do [[ $f == common/mpi_* ]] || library+=("$f"); done
library+=(omp/album.c) # the thumbnails' images
# omp_latency and omp_overhead spend their CPU time in omp_countdown's countdown(): that lesson's
# object, its main renamed, as the Makefile puts it into the lessons' library.
"$clang" -std=c11 -g -O1 -fsanitize=thread -fopenmp -Icommon -Iomp -c omp/omp_countdown.c \
    -o "$out/omp_countdown.o" || exit 1
"${OBJCOPY:-objcopy}" --redefine-sym main=main_omp_countdown "$out/omp_countdown.o" "$out/countdown.o" ||
    exit 1
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }

for p in omp_race omp_increment omp_map_square omp_countdown omp_stream omp_overhead \
    omp_deadlock omp_latency omp_queue omp_thumbnails; do
    extra=("$out/countdown.o")
    [ "$p" = omp_countdown ] && extra=()
    if ! "$clang" -std=c11 -g -O1 -fsanitize=thread -fopenmp -Icommon -Iomp "omp/$p.c" \
        "${library[@]}" "${extra[@]}" -o "$out/$p" -lm -lpthread -lpng; then
        bad "$p: clang -fsanitize=thread did not build it"
    fi
done

# run PROGRAM ARGS...: under ThreadSanitizer with Archer; output and reports go to $log.
log=
run() {
    local p=$1
    shift
    log=$out/$p.$((passed + failed)).log
    TSAN_OPTIONS="halt_on_error=0 exitcode=66 ignore_noninstrumented_modules=1" \
        OMP_TOOL_LIBRARIES=$archer timeout --kill-after=5 300 "$out/$p" -r 1 -w 0 "$@" >"$log" 2>&1
}

echo "=== the race is reported: omp_race -V unsync on 2 threads"
racy=$(grep -n 'counter = counter + 1;' omp/omp_race.c | cut -d: -f1)
run omp_race -V unsync -t 2 -n 100000
status=$?
if [ "$status" -eq 66 ] && grep -q '^WARNING: ThreadSanitizer: data race' "$log" &&
    grep -Eq "#0 .*/omp/omp_race\.c:$racy:" "$log"; then ok
else bad "omp_race -V unsync: wanted a data race at omp_race.c:$racy (counter = counter + 1), got exit $status"; fi

# clean PROGRAM ARGS...: the run verifies and ThreadSanitizer has nothing to say.
clean() {
    echo "=== no race: $*"
    run "$@"
    local status=$?
    if [ "$status" -eq 0 ] && ! grep -q 'WARNING: ThreadSanitizer' "$log"; then ok
    else bad "$*: exit $status, $(grep -c '^WARNING: ThreadSanitizer' "$log") reports (in $log)"; fi
}
clean omp_race -V seq,atomic,critical,lock,reduction -t 2 -n 100000
clean omp_increment -t 2 -n 100000
# Not -V target: LLVM 14's Archer crashes (SEGV in libarcher.so, under __kmpc_fork_teams) on the
# host fallback of a `target teams` region, before any of our code runs in it.
clean omp_map_square -V seq,static,dynamic,guided -t 2 -n 100000 -c 64
clean omp_countdown -t 2 -n 1000000
clean omp_stream -t 2 -n 100000
clean omp_overhead -t 2 -n 100
clean omp_deadlock -V fixed -n 1000
clean omp_latency -V seq,parallel,tasks,eventloop -t 4 -n 32 --wait-ms 0.1
clean omp_queue -t 4 -n 10000 --hold 10 --capacity 8
clean omp_thumbnails -t 3 -n 20 --largest 200
echo
echo "tsan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

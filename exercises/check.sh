#!/usr/bin/env bash
# check.sh: `make check EX=NAME`. Builds the learner's files of an exercise (exercises/NAME/*.c)
# with its checker (exercises/check/NAME.c), runs it at the rank counts that catch the usual
# mistakes (one rank, odd counts, more than a power of two), and ends with one verdict: DONE, or
# NOT DONE and why, in the exercise's terms (whose block, which element, which rank hangs).
# Then, as advice and never as a failure (a busy machine changes it), the speed against the
# solution's and the MPI library's, measured in the same run.
#
#   exercises/check.sh NAME [DIR]   DIR: the files to check (default exercises/NAME; the tests
#                                   pass the solution's, or planted mistakes)
# The Makefile passes MPICC, CPPFLAGS, CFLAGS, WARN, OMPFLAGS, LDFLAGS and LDLIBS. Exit 0 when
# done, 1 when not, 2 for a name that is no exercise.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=common/run/parlab.sh disable=SC1091 # followed with shellcheck -x
. common/run/parlab.sh

name=${1:-}
exercises=
for file in exercises/check/*.c; do
    file=${file##*/}
    exercises="$exercises${exercises:+ }${file%.c}"
done
if [ -z "$name" ] || [[ $name == */* ]] || [ ! -f "exercises/check/$name.c" ]; then
    nothere=
    [ -n "$name" ] && nothere="no exercise \"$name\": "
    echo "check: ${nothere}make check EX=NAME, NAME one of: $exercises" >&2
    exit 2
fi
from=${2:-exercises/$name}
case $name in
    collective_tree) ranks="1 2 3 4 5 7 8" what=gather_tree ;;
    *) echo "check: exercises/check/$name.c has no entry in $0" >&2; exit 2 ;;
esac
work=build/exercises/$name
mkdir -p "$work"

# build DIR BINARY: the checker with DIR's files; the compiler's messages (warnings never stop a
# learner's build, even under WERROR=1).
build() {
    local files=("$1"/*.c) warn=${WARN:--std=c11 -Wall -Wextra}
    [ -f "${files[0]}" ] || { echo "no .c files in $1"; return 1; }
    # shellcheck disable=SC2086 # flags, word-split as make would
    ${MPICC:-mpicc} ${CPPFLAGS:--Icommon -Iomp -Impi} -Iexercises/check ${CFLAGS:--O2} ${warn//-Werror/} \
        ${OMPFLAGS:--fopenmp} ${LDFLAGS:-} "exercises/check/$name.c" "${files[@]}" \
        build/libparlab_mpi.a build/libparlab.a -o "$2" ${LDLIBS:--lm -lpthread} 2>&1
}

echo "check: $name, the files in $from/"
if ! build "$from" "$work/exercise" >"$work/build.log"; then
    sed 's/^/    /' "$work/build.log" | head -n 30
    echo "check: $name: NOT DONE: the files in $from/ do not compile (above)"
    exit 1
fi
for np in $ranks; do
    plb_launch --timeout 60 "$np" "$work/exercise" -V exercise -n 8K -r 1 -w 0 --timeout 5 \
        >"$work/out" 2>"$work/err"
    status=$?
    if [ "$status" -ne 0 ]; then
        # -a: Open MPI 5's own messages hold bytes that are not text in the C locale
        why=$(grep -ahE '^(FAILED|HANG|MPI ERROR): ' "$work/out" "$work/err" | head -n 1)
        echo "    $np rank$([ "$np" -gt 1 ] && echo s): ${why:-exit $status: $(tail -n 3 "$work/err")}"
        echo "check: $name: NOT DONE: $what is not right on $np rank$([ "$np" -gt 1 ] && echo s) (above)"
        exit 1
    fi
    echo "    $np rank$([ "$np" -gt 1 ] && echo s): every block in its place (1, 3 and 1000 elements a block)"
done

# Speed, as advice: the learner's, the solution's (where this copy has it) and the library's, in
# one run, on as many ranks as cores (2 to 4).
cores=$(nproc 2>/dev/null || echo 2)
np=$((cores < 2 ? 2 : cores > 4 ? 4 : cores))
median() { plb_csv -v v="$2" 'col("variant") == v { printf "%.3g", col("median_s") * 1e6 }' "$1"; }
plb_launch --timeout 120 "$np" "$work/exercise" -r 5 --csv >"$work/exercise.csv" 2>/dev/null
line="your $what $(median "$work/exercise.csv" exercise) us, MPI's $(median "$work/exercise.csv" mpi) us"
if [ "$from" != "exercises/solutions/$name" ] && [ -d "exercises/solutions/$name" ] &&
    build "exercises/solutions/$name" "$work/solution" >"$work/build.log"; then
    plb_launch --timeout 120 "$np" "$work/solution" -V exercise -r 5 --csv >"$work/solution.csv" 2>/dev/null
    line="$line, the solution's $(median "$work/solution.csv" exercise) us"
fi
echo "    speed on $np ranks, 64 KiB blocks (median of 5; advice only, a busy machine changes it): $line"
echo "check: $name: DONE"

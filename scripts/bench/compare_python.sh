#!/usr/bin/env bash
# compare_python.sh: `make compare-python`. The Python way of each lesson (scripts/bench/python/) beside
# the C one, on this machine, in one table of median times and their ratio:
#   countdown (n = 50,000,000, the tutorial's): Python sequential, with threads (the GIL: no
#     speedup) and with processes, against omp_countdown seq and parallel;
#   Pool.map(square) (and numpy) against omp_map_square seq and static (n = 1M);
#   mpi4py Scatterv/Gatherv of a numpy array against mpi_map_square collective (n = 8M, 2 ranks).
# Python parts whose modules are missing (Debian: python3, python3-numpy, python3-mpi4py) are
# skipped with a message. Sizes: PLB_PY_COUNTDOWN, PLB_PY_MAP, PLB_PY_MPI; interpreter: PYTHON.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh

workers=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
count_n=${PLB_PY_COUNTDOWN:-50000000}
map_n=${PLB_PY_MAP:-1000000}
mpi_n=${PLB_PY_MPI:-8000000}
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT

python=$(plb_python numpy mpi4py)
if [ -z "$python" ]; then
    echo "compare-python: python3 is not installed (Debian: apt-get install python3): nothing to compare" >&2
    exit 0
fi
has() { "$python" -c "import $1" 2>/dev/null; }

# c_median PROGRAM VARIANT ARGS...: the median of one variant of a C program, in seconds.
c_median() {
    local program=$1 variant=$2
    shift 2
    plb_launch 2 "$program" -V "$variant" --csv -r 5 "$@" 2>/dev/null |
        plb_csv -v v="$variant" 'col("variant") == v { print col("median_s") }'
}

echo "compare-python: countdown, n = $count_n, $workers workers" >&2
"$python" scripts/bench/python/countdown.py "$count_n" "$workers" 3 >>"$rows" || echo "countdown,FAILED,,," >>"$rows"
echo "compare-python: map-square, n = $map_n" >&2
"$python" scripts/bench/python/map_square.py "$map_n" "$workers" 3 >>"$rows" || echo "map_square,FAILED,,," >>"$rows"
if has numpy && has mpi4py; then
    echo "compare-python: mpi4py scatter/gather, n = $mpi_n, 2 ranks" >&2
    scripts/run/mpilaunch 2 "$python" scripts/bench/python/mpi_map_square.py "$mpi_n" 5 >>"$rows" ||
        echo "mpi_map_square,FAILED,,," >>"$rows"
else
    echo "compare-python: numpy or mpi4py missing (Debian: python3-numpy python3-mpi4py): no mpi4py row" >&2
fi

seq_c=$(c_median omp_countdown seq -n "$count_n")
par_c=$(c_median omp_countdown parallel -n "$count_n" -t "$workers")
map_c=$(c_median omp_map_square seq -n "$map_n")
static_c=$(c_median omp_map_square static -n "$map_n" -t "$workers")
mpi_c=$(c_median mpi_map_square collective -n "$mpi_n")

printf '\n%-16s %-12s %8s %12s   %-28s %12s %10s\n' lesson python workers python_s "C (parlab)" C_s "python/C"
while IFS=, read -r lesson variant w seconds; do
    case $lesson/$variant in
        countdown/seq) c="omp_countdown seq"; cs=$seq_c ;;
        countdown/*) c="omp_countdown parallel"; cs=$par_c ;;
        map_square/map|map_square/numpy) c="omp_map_square seq"; cs=$map_c ;;
        map_square/*) c="omp_map_square static"; cs=$static_c ;;
        mpi_map_square/*) c="mpi_map_square collective"; cs=$mpi_c ;;
        *) c="-"; cs="" ;;
    esac
    ratio=$(awk -v p="$seconds" -v c="$cs" 'BEGIN { if (c > 0 && p > 0) printf "%.1fx", p / c; else print "-" }')
    printf '%-16s %-12s %8s %12s   %-28s %12s %10s\n' "$lesson" "$variant" "$w" "$seconds" "$c" "$cs" "$ratio"
done <"$rows"
! grep -q FAILED "$rows"

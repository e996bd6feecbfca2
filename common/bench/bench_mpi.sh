#!/usr/bin/env bash
# bench_mpi.sh: `make bench-mpi`. For n = 16M elements (PLB_BENCH_N) at np = 2 and 4
# (PLB_BENCH_RANKS): mpi_map_square's median total time (collective variant), its split into
# scatter, compute and gather, and the same bytes moved by bare MPI_Scatterv + MPI_Gatherv with no
# compute, all in the same run of the program. Target: total <= 1.15 x bare.
# It prints; with --check it also exits 1 when the target is missed.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=common/run/parlab.sh
. common/run/parlab.sh

check=0
[ "${1:-}" = --check ] && check=1
n=${PLB_BENCH_N:-16M}
repeats=${PLB_BENCH_REPEATS:-10}
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
missed=0

printf '%-4s %12s %12s %12s %12s %12s %8s  %s\n' np total_s scatter_s compute_s gather_s \
    bare_s ratio "target <= 1.15"
for np in ${PLB_BENCH_RANKS:-2 4}; do
    echo "bench-mpi: common/run/mpilaunch $np bin/mpi_map_square -n $n -V collective,bare -r $repeats" >&2
    if ! common/run/mpilaunch "$np" bin/mpi_map_square -n "$n" -V collective,bare -r "$repeats" \
        --csv >"$out" 2>"$err"; then
        echo "bench-mpi: mpi_map_square failed at np=$np: $(tail -n 2 "$err")" >&2
        exit 1
    fi
    read -r total bare scatter compute gather < <(plb_csv '{ m[col("variant")] = col("median_s") }
        END { print m["collective"], m["bare"], m["collective.scatter"], m["collective.compute"],
                    m["collective.gather"] }' "$out")
    verdict=$(awk -v t="$total" -v b="$bare" 'BEGIN { r = t / b; printf "%.3f %s", r, r <= 1.15 ? "meets" : "BELOW" }')
    [[ $verdict == *BELOW ]] && missed=$((missed + 1))
    printf '%-4s %12s %12s %12s %12s %12s %8s  %s\n' "$np" "$total" "$scatter" "$compute" "$gather" \
        "$bare" "${verdict% *}" "${verdict#* }"
done
[ "$check" -eq 1 ] && [ "$missed" -gt 0 ] && exit 1
exit 0

#!/usr/bin/env bash
# bench_omp.sh: `make bench-omp`. In one run, at n = 64M elements (PLB_BENCH_N) on all cores:
# the machine's STREAM triad bandwidth (omp_stream), then increment, map-square and countdown,
# and one table: median time, rate, speedup over seq, and each figure against its target:
#   increment and map-square (static) >= 90% of the triad bandwidth (bytes counted as STREAM does);
#   countdown's parallel efficiency (speedup / threads) >= 0.9, against the ideal;
#   countdown's parallel time within 5% of the machine's limit for compute-bound work: as many
#   independent single-thread countdowns, pinned to a core each, at once (common/bench/countdown_copies.sh;
#   on a shared host or with SMT siblings they get less than cores x one core).
# It prints; with --check it also exits 1 when a target is missed. A benchmark, not a test: on a
# shared or virtual machine the figures move from run to run.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=common/run/parlab.sh
. common/run/parlab.sh

check=0
[ "${1:-}" = --check ] && check=1
n=${PLB_BENCH_N:-64M}
repeats=${PLB_BENCH_REPEATS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {
    local name=$1
    shift
    echo "bench-omp: bin/$name $*" >&2
    if ! "bin/$name" -r "$repeats" --csv "$@" >"$work/$name.csv" 2>"$work/$name.err"; then
        echo "bench-omp: bin/$name failed: $(tail -n 1 "$work/$name.err")" >&2
        exit 1
    fi
}

run omp_stream -n "$n" -V triad
run omp_increment -n "$n"
run omp_map_square -n "$n" -V seq,static
run omp_countdown
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
countdown_n=$(plb_csv '{ print col("n"); exit }' "$work/omp_countdown.csv")
echo "bench-omp: common/bench/countdown_copies.sh $cores -n $countdown_n" >&2
if ! common/bench/countdown_copies.sh "$cores" -n "$countdown_n" -r "$repeats" >"$work/copies.csv"; then
    echo "bench-omp: common/bench/countdown_copies.sh failed" >&2
    exit 1
fi

grep -h '^# \(host\|compiler\|date\|threads\) ' "$work/omp_stream.csv"
plb_csv -v check="$check" '
    {
        key = col("program") "/" col("variant"); median[key] = col("median_s"); rate[key] = col("rate")
        unit[key] = col("rate_unit"); threads[key] = col("threads"); order[++rows] = key
    }
    function target(label, value, goal,    verdict) {
        verdict = value >= goal ? "meets" : "BELOW"
        if (value < goal) missed++
        printf "  %-40s %6.3f  (target >= %.2f: %s)\n", label, value, goal, verdict
    }
    END {
        printf "%-28s %8s %12s %10s %-10s %8s\n", "kernel", "threads", "median_s", "rate", "unit", "speedup"
        for (i = 1; i <= rows; i++) {
            k = order[i]; split(k, p, "/"); seq = p[1] "/seq"
            s = (seq in median && k != seq) ? sprintf("%.2f", median[seq] / median[k]) : "-"
            printf "%-28s %8s %12.4e %10.4g %-10s %8s\n", k, threads[k], median[k], rate[k], unit[k], s
        }
        triad = rate["omp_stream/triad"]
        print ""
        print "Against the targets:"
        target("increment parallel / triad bandwidth", rate["omp_increment/parallel"] / triad, 0.9)
        target("map-square static / triad bandwidth", rate["omp_map_square/static"] / triad, 0.9)
        target("countdown parallel efficiency",
               median["omp_countdown/seq"] / median["omp_countdown/parallel"] / threads["omp_countdown/parallel"], 0.9)
        target("countdown parallel / independent copies",
               median["countdown_copies/copies"] / median["omp_countdown/parallel"], 0.95)
        exit check && missed ? 1 : 0
    }' "$work"/*.csv

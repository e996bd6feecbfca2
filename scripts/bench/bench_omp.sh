#!/usr/bin/env bash
# bench_omp.sh: `make bench-omp`. The OpenMP kernels against the machine's own yardsticks, at
# n = 64M elements (PLB_BENCH_N), at every thread count from 1 to all cores (PLB_BENCH_THREADS):
#   omp_stream's copy and triad >= 0.95 of the same loops written plainly (build/bench/plain_stream:
#     twenty lines of OpenMP, built -O3 -march=native for this machine), so the yardstick is the
#     machine's and not a weaker one of ours;
#   the kernels >= 0.95 of the STREAM kernel with their access pattern, in GB/s counted as STREAM
#     counts (map-square static against copy: one array read, another written; increment against
#     triad);
# then, on all cores, countdown: its parallel efficiency (speedup / threads) >= 0.9, and its
#   parallel time within 5% of the machine's limit for compute-bound work: as many independent
#   single-thread countdowns, pinned to a core each, at once (scripts/bench/countdown_copies.sh; on a
#   shared host or with SMT siblings they get less than cores x one core).
# Each thread count's runs follow each other, PLB_BENCH_ROUNDS (3) rounds of them, so every ratio
# compares figures of one moment; each figure is the median over the rounds.
# It prints; with --check it also exits 1 when a target is missed. A benchmark, not a test: on a
# shared or virtual machine the figures move from run to run.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh
plb_bind_threads

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

cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
rounds=${PLB_BENCH_ROUNDS:-3}
echo program,variant,threads,rate >"$work/rates.csv"
read -r -a widths <<<"${PLB_BENCH_THREADS:-$(seq -s ' ' 1 "$cores")}"
start=$(date +%s) step=0
for t in "${widths[@]}"; do
    for ((round = 1; round <= rounds; round++)); do
        progress=$(plb_progress "$step" $((${#widths[@]} * rounds)) "$start")
        echo "bench-omp: $progress $t thread(s), round $round" >&2
        step=$((step + 1))
        run omp_stream -n "$n" -t "$t"
        # The plain loop gets the element count omp_stream made of -n.
        elements=$(plb_csv '{ print col("n"); exit }' "$work/omp_stream.csv")
        echo "bench-omp: build/bench/plain_stream $elements $repeats $t" >&2
        if ! build/bench/plain_stream "$elements" "$repeats" "$t" >"$work/plain.txt"; then
            echo "bench-omp: build/bench/plain_stream failed" >&2
            exit 1
        fi
        run omp_increment -n "$n" -t "$t" -V parallel
        run omp_map_square -n "$n" -t "$t" -V static
        { plb_csv -v t="$t" '{ print col("program") "," col("variant") "," t "," col("rate") }' \
              "$work"/omp_stream.csv "$work"/omp_increment.csv "$work"/omp_map_square.csv
          awk -F, -v t="$t" '{ print "plain," $1 "," t "," $3 }' "$work/plain.txt"; } >>"$work/rates.csv"
        rm -f "$work"/omp_*.csv
    done
done
run omp_countdown
countdown_n=$(plb_csv '{ print col("n"); exit }' "$work/omp_countdown.csv")
echo "bench-omp: scripts/bench/countdown_copies.sh $cores -n $countdown_n" >&2
if ! scripts/bench/countdown_copies.sh "$cores" -n "$countdown_n" -r "$repeats" >"$work/copies.csv"; then
    echo "bench-omp: scripts/bench/countdown_copies.sh failed" >&2
    exit 1
fi
plb_provenance "$work/omp_countdown.csv"
missed=0
plb_csv -v check="$check" -v rounds="$rounds" '
    {
        t = col("threads"); key = t SUBSEP col("program") "/" col("variant")
        if (!(t in seen)) { seen[t]; order[++count] = t }
        runs[key]++; value[key, runs[key]] = col("rate")
    }
    function rate(t, name,    i, v) {
        for (i = 1; i <= runs[t, name]; i++) v[i] = value[t, name, i]
        return plb_median(v, runs[t, name])
    }
    function judge(value, goal) {
        if (value < goal) missed++
        return sprintf("%6.3f %-5s", value, value >= goal ? "meets" : "BELOW")
    }
    END {
        printf "%-7s %9s %9s %9s %9s %9s %9s   %-12s %-12s %-12s %-12s\n", "threads", "copy", "plain", "triad",
            "plain", "map_sq", "incr", "copy/plain", "triad/plain", "map_sq/copy", "incr/triad"
        for (i = 1; i <= count; i++) {
            t = order[i]; copy = rate(t, "omp_stream/copy"); triad = rate(t, "omp_stream/triad")
            plain_copy = rate(t, "plain/copy"); plain_triad = rate(t, "plain/triad")
            map = rate(t, "omp_map_square/static"); incr = rate(t, "omp_increment/parallel")
            printf "%-7s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f   %s %s %s %s\n", t, copy, plain_copy, triad,
                plain_triad, map, incr, judge(copy / plain_copy, 0.95), judge(triad / plain_triad, 0.95),
                judge(map / copy, 0.95), judge(incr / triad, 0.95)
        }
        printf "(GB/s as STREAM counts them, the median over %d rounds; every ratio >= 0.95 to meet)\n", rounds
        exit check && missed ? 1 : 0
    }' "$work/rates.csv" || missed=1
plb_csv -v check="$check" '
    { key = col("program") "/" col("variant"); median[key] = col("median_s"); threads[key] = col("threads") }
    function target(label, value, goal,    verdict) {
        verdict = value >= goal ? "meets" : "BELOW"
        if (value < goal) missed++
        printf "  %-40s %6.3f  (target >= %.2f: %s)\n", label, value, goal, verdict
    }
    END {
        print ""
        printf "countdown on %d threads:\n", threads["omp_countdown/parallel"]
        target("parallel efficiency",
               median["omp_countdown/seq"] / median["omp_countdown/parallel"] / threads["omp_countdown/parallel"], 0.9)
        target("parallel / independent copies",
               median["countdown_copies/copies"] / median["omp_countdown/parallel"], 0.95)
        exit check && missed ? 1 : 0
    }' "$work"/omp_countdown.csv "$work/copies.csv" || missed=1
exit "$missed"

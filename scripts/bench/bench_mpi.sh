#!/usr/bin/env bash
# bench_mpi.sh: `make bench-mpi`. The scatter/compute/gather lessons against the two floors that
# matter, at n = 16M elements (PLB_BENCH_N) and np = 2 and 4 (PLB_BENCH_RANKS):
#   bare: MPI_Scatterv, the compute and MPI_Gatherv called directly on the same buffers, in the
#     same run of the program (the best allocation, the same collectives, nothing else);
#   mpi4py + numpy doing the same work (scripts/bench/python/mpi_map_square.py), what a Python
#     user would write.
# For mpi_map_square and mpi_increment, PLB_BENCH_ROUNDS (3) rounds of the C program and its
# Python peer, interleaved so that both see the same machine; each figure is the median over the
# rounds of each run's median. Targets: collective <= 1.05 x bare, collective <= 1.00 x mpi4py,
# at every rank count; a row with more ranks than cores is marked oversubscribed (both sides then
# share the cores alike, and each run's time is agreed before any rank verifies: common/measure.c).
# It prints; with --check it also exits 1 when a target is missed. Without numpy or mpi4py the
# Python column says so and only the bare target is judged.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh

check=0
[ "${1:-}" = --check ] && check=1
n=${PLB_BENCH_N:-16M}
repeats=${PLB_BENCH_REPEATS:-10}
rounds=${PLB_BENCH_ROUNDS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python=$(plb_python numpy mpi4py) || python=
[ -n "$python" ] || echo "bench-mpi: no python3 with numpy and mpi4py (Debian: python3-numpy python3-mpi4py): no mpi4py column" >&2

# Every figure, one row per round: program,variant,ranks,median_s.
echo program,variant,ranks,median_s >"$work/figures.csv"
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
read -r -a widths <<<"${PLB_BENCH_RANKS:-2 4}"
start=$(date +%s) step=0
for np in "${widths[@]}"; do
    for program in mpi_map_square mpi_increment; do
        kernel=square
        [ "$program" = mpi_increment ] && kernel=increment
        for ((round = 1; round <= rounds; round++)); do
            progress=$(plb_progress "$step" $((${#widths[@]} * 2 * rounds)) "$start")
            echo "bench-mpi: $progress $program on $np ranks, round $round" >&2
            step=$((step + 1))
            echo "bench-mpi: scripts/run/mpilaunch $np bin/$program -n $n -V collective,bare -r $repeats (round $round)" >&2
            if ! scripts/run/mpilaunch "$np" "bin/$program" -n "$n" -V collective,bare -r "$repeats" \
                --csv >"$work/c.csv" 2>"$work/err"; then
                echo "bench-mpi: $program failed at np=$np: $(tail -n 2 "$work/err")" >&2
                exit 1
            fi
            plb_csv '{ print col("program") "," col("variant") "," col("ranks") "," col("median_s") }' \
                "$work/c.csv" >>"$work/figures.csv"
            [ -n "$python" ] || continue
            # The Python peer gets the element count the C program made of -n.
            elements=$(plb_csv '{ print col("n"); exit }' "$work/c.csv")
            if ! scripts/run/mpilaunch "$np" "$python" scripts/bench/python/mpi_map_square.py \
                "$elements" "$repeats" "$kernel" >"$work/py" 2>"$work/err"; then
                echo "bench-mpi: mpi4py $kernel failed at np=$np: $(tail -n 2 "$work/err")" >&2
                exit 1
            fi
            awk -F, 'NF == 4 { print $1 "," $2 "," $3 "," $4 }' "$work/py" >>"$work/figures.csv"
        done
    done
done

plb_csv -v check="$check" -v cores="$cores" -v rounds="$rounds" '
    {
        group = col("ranks") " " col("program"); key = group " " col("variant")
        if (!(group in seen)) { seen[group]; groups[++g] = group }
        runs[key]++; value[key, runs[key]] = col("median_s")
    }
    function median(key,    i, v) {
        for (i = 1; i <= runs[key]; i++) v[i] = value[key, i]
        return plb_median(v, runs[key])
    }
    function seconds(x) { return x == "" ? "-" : sprintf("%.4g", x) } # "-": not measured (too short alone)
    function judge(ratio, goal) {
        if (ratio == "") return sprintf("%8s %-5s", "-", "")
        if (ratio > goal) missed++
        return sprintf("%8.3f %-5s", ratio, ratio <= goal ? "meets" : "ABOVE")
    }
    END {
        printf "%-3s %-15s %11s %11s %11s %11s %11s %11s %14s %14s\n", "np", "program", "collective", "scatter",
            "compute", "gather", "bare", "mpi4py", "/bare <=1.05", "/mpi4py <=1.00"
        for (i = 1; i <= g; i++) {
            split(groups[i], p, " "); crowded = p[1] > cores ? " (oversubscribed)" : ""
            c = median(groups[i] " collective"); b = median(groups[i] " bare"); py = median(groups[i] " mpi4py")
            printf "%-3s %-15s %11s %11s %11s %11s %11s %11s %s %s%s\n", p[1], p[2], seconds(c),
                seconds(median(groups[i] " collective.scatter")), seconds(median(groups[i] " collective.compute")),
                seconds(median(groups[i] " collective.gather")), seconds(b), seconds(py),
                judge(b > 0 ? c / b : "", 1.05), judge(py > 0 ? c / py : "", 1.00), crowded
        }
        printf "(seconds: the median over %d rounds of each run'"'"'s median; oversubscribed: more ranks than\n", rounds
        printf " the %d cores, and C and Python share them alike)\n", cores
        exit check && missed ? 1 : 0
    }' "$work/figures.csv"

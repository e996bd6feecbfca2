#!/usr/bin/env bash
# bench.sh: `make bench`, the scaling lab. In one run:
#   1. the machine's limits, with parlab's own probes: STREAM copy and triad at 1..all cores
#      (omp_stream) for memory-bound work; for compute-bound work, P independent single-thread
#      countdowns pinned to P cores at once (scripts/bench/countdown_copies.sh), at 1..all cores; the cost
#      of an empty parallel region and of a barrier (omp_overhead), and the bare round (MPI_Scatterv +
#      square + MPI_Gatherv, called directly) per message size at np = 2 and all cores (mpi_map_square -V bare);
#   2. the sweep: omp_increment, omp_map_square, omp_countdown over sizes from 1K up (log steps) at
#      1, 2, 4, ... up to all cores and twice the cores (marked oversubscribed), and mpi_map_square,
#      mpi_increment, mpi_countdown likewise over ranks;
#   3. the report (scripts/bench/bench_report.awk, in report.txt; its fitted figures in fits.csv,
#      its tables' rows in summary.csv for make report): crossover size, speedup and efficiency, a fitted
#      Amdahl serial fraction with its fit error, and rates against the measured limits (the
#      countdowns' times against the independent copies');
#   4. the heat equation's scaling: mpi_heat on a fixed grid (strong: sendrecv beside gather) and
#      with a fixed block per rank (weak: --weak) over the same rank counts, a ping-pong for the
#      messages' latency and bandwidth (mpi_pingpong), and the model they feed
#      (scripts/bench/heat_model.awk: to 4096 ranks, in heat_model.csv; PLB_NET=ALPHA_US,BETA_GBS
#      gives it the network's figures, as mpi_pingpong measures them across two nodes).
# Every point is one row in results/<UTC date>/{limits,sweep}.csv, under a provenance header, with
# the programs' own CSV columns and one more, oversubscribed (the heat runs in
# heat_strong.csv and heat_weak.csv); the MPI programs' split rows (scatter,
# compute and gather timed apart, variants such as collective.scatter) go to split.csv. QUICK=1 (or
# --quick) runs a small sweep in under a minute.
# shellcheck disable=SC2016 # the single-quoted $ are awk fields (plb_csv), not shell
set -u
# Results: in PARLAB_RESULTS, by default results/ in the folder it is started from (an install
# is never written to; in a checkout, make starts it at the top).
results=${PARLAB_RESULTS:-results}
[[ $results == /* ]] || results=$PWD/$results
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh
plb_bind_threads

quick=${QUICK:-0}
[ "${1:-}" = --quick ] && quick=1
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
if [ "$quick" = 1 ]; then
    sizes=(1K 16K 256K 4M)
    counts=(1 "$cores")
    repeats=3
else
    sizes=(1K 4K 16K 64K 256K 1M 4M 16M 64M)
    # Powers of two up to the cores, the cores, and twice the cores (oversubscribed): on 2 cores
    # 1 2 4, on 16 cores 1 2 4 8 16 32, so the sweep stays short on big nodes too.
    counts=()
    for ((c = 1; c < cores; c *= 2)); do counts+=("$c"); done
    counts+=("$cores" $((2 * cores)))
    repeats=5
fi
# One tiny run of a program gives what the files need from its output: its header and CSV columns.
probe=$(bin/omp_stream -n 1 -r 1 --csv 2>/dev/null)
# Keep the largest problem comfortable: three int64 arrays in at most a quarter of the memory the
# programs may allocate, the figure they check themselves (common/memory.c: available memory, the
# cgroup's room, ulimits), read from their header.
room=$(awk -F'[(;]' '/^# memory/ { sub(/ bytes\)$/, "", $3); printf "%.0f", $3 }' <<<"$probe")
largest=$(awk -v room="${room:-0}" 'BEGIN { printf "%.0f", room / 4 / 24 }')
fits=()
for s in "${sizes[@]}"; do
    n=$(numfmt --from=iec "$s")
    [ "$n" -le "$largest" ] && fits+=("$s")
done
sizes=("${fits[@]}")
big=${sizes[-1]}
# The heat grids: 4096 x 4096 fixed (strong), 2048 x 2048 a rank (weak); halved until the field,
# its copy and gather's whole field on the root fit the room. The weak runs check against the
# closed form (--check exact): seq's reference would put the whole grown field on the root.
heat_grid=4096
heat_block=2048
[ "$quick" = 1 ] && heat_grid=1024 heat_block=512
while [ "$heat_grid" -gt 256 ] && [ $((heat_grid * heat_grid * 8 * 6)) -gt "${room:-0}" ]; do
    heat_grid=$((heat_grid / 2))
    heat_block=$((heat_block / 2))
done

dir=$results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dir"
err=$(mktemp)
trap 'rm -f "$err"' EXIT
columns=$(grep '^program,' <<<"$probe"),oversubscribed

# The same provenance header heads every file.
provenance=$(
    echo "# parlab make bench$([ "$quick" = 1 ] && echo " QUICK=1")"
    echo "# date        : $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# host        : $(hostname) ($cores cores)"
    echo "# version     : parlab $(git describe --tags --always --dirty 2>/dev/null || echo unknown)"
    plb_provenance - <<<"$probe" | grep -vE '^# (host|mpi|date|simd|pages|binding) '
    scripts/run/mpilaunch 1 bin/mpi_map_square -n 1 -r 1 -V seq 2>/dev/null | grep '^# mpi'
    echo "# command     : $0 $*"
    echo "# sizes       : ${sizes[*]}; threads and ranks: ${counts[*]}; repeats: $repeats"
    echo "# heat        : strong $heat_grid x $heat_grid, weak $heat_block x $heat_block a rank"
)
for f in limits sweep split heat_strong heat_weak; do
    printf '%s\n%s\n' "$provenance" "$columns" >"$dir/$f.csv"
done

# The points, as "FILE WIDTH PROGRAM ARGS..." lines; WIDTH is threads or ranks.
points=()
for t in "${counts[@]}"; do points+=("limits $t omp_stream -n $big -t $t"); done
for t in "${counts[@]}"; do
    [ "$t" -le "$cores" ] && points+=("limits $t countdown_copies -n $big")
done
points+=("limits $cores omp_overhead -t $cores")
for np in 2 "$cores"; do
    for s in "${sizes[@]}"; do points+=("limits $np mpi_map_square -V bare -n $s"); done
    [ "$cores" -le 2 ] && break
done
points+=("limits 2 mpi_pingpong -n 4M")
for w in "${counts[@]}"; do
    points+=("heat_strong $w mpi_heat -V $([ "$w" = 1 ] && echo seq,)sendrecv,gather -n $heat_grid --steps 10 -t 1")
    points+=("heat_weak $w mpi_heat --weak -V sendrecv -n $heat_block --steps 10 -t 1 --check exact")
done
# Width is threads for OpenMP programs (-t) and ranks for MPI programs (the launch).
for p in omp_increment:parallel omp_map_square:static omp_countdown:parallel \
    mpi_map_square:collective mpi_increment:collective mpi_countdown:parallel; do
    for s in "${sizes[@]}"; do
        points+=("sweep 1 ${p%%:*} -V seq -n $s")
        for w in "${counts[@]}"; do
            points+=("sweep $w ${p%%:*} -V ${p#*:} -n $s$([[ $p == omp_* ]] && echo " -t $w")")
        done
    done
done

failures=0
start=$(date +%s)
for i in "${!points[@]}"; do
    read -r file width program args <<<"${points[$i]}"
    read -r -a args <<<"$args"
    case $program in
        omp_*) where= ;;
        countdown_copies) where=" on $width cores" ;;
        *) where=" on $width ranks" ;;
    esac
    echo "$(plb_progress "$i" ${#points[@]} "$start") $program ${args[*]}$where" >&2
    over=no
    [ "$width" -gt "$cores" ] && over=yes
    if [ "$program" = countdown_copies ]; then
        rows=$(scripts/bench/countdown_copies.sh "$width" "${args[@]}" -r "$repeats" --csv 2>"$err")
    else
        rows=$(plb_launch --timeout 600 "$width" "$program" "${args[@]}" -r "$repeats" --csv 2>"$err")
    fi || {
        echo "bench: FAILED: $program ${args[*]}: $(tail -n 1 "$err")" >&2
        failures=$((failures + 1))
    }
    # Rows as they came, with the oversubscribed column; split rows (a variant.step) apart.
    plb_csv -v over="$over" -v split_csv="$dir/split.csv" -v main_csv="$dir/$file.csv" \
        '{ print $0 "," over >>(col("variant") ~ /[.]/ ? split_csv : main_csv) }' <<<"$rows"
done
echo "$(plb_progress ${#points[@]} ${#points[@]} "$start") all points run" >&2
echo "bench: $((${#points[@]} - failures)) of ${#points[@]} points measured in $(($(date +%s) - start)) s; results in $dir" >&2
{
    plb_csv -v cores="$cores" -v fits="$dir/fits.csv" -v summary="$dir/summary.csv" -f scripts/bench/bench_report.awk "$dir/limits.csv" "$dir/sweep.csv"
    plb_csv -v cores="$cores" -v model="$dir/heat_model.csv" -v net="${PLB_NET:-}" -f scripts/bench/heat_model.awk \
        "$dir/limits.csv" "$dir/heat_strong.csv" "$dir/heat_weak.csv"
} | tee "$dir/report.txt"
ln -sfn "$(basename "$dir")" "$results/latest"
[ "$failures" -eq 0 ]

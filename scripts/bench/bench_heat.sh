#!/usr/bin/env bash
# bench_heat.sh: `make bench-heat`. The heat step against the machine's own yardsticks, at a
# 4096 x 4096 grid (PLB_BENCH_HEAT_N), 20 steps a run, at every worker count from 1 to all cores:
#   omp_heat parallel on T threads >= 0.95 of the same step written plainly (build/bench/plain_heat:
#     one `omp parallel for`, built -O3 -march=native for this machine) on T threads;
#   mpi_heat sendrecv on T ranks (one thread each) >= 0.90 of that plain loop: the halo exchange
#     may cost at most a tenth;
#   on all cores, omp_heat parallel >= 0.90 of the memory ceiling: STREAM copy (omp_stream, the
#     field's two arrays' worth) / 16 bytes an update. On one core a step is limited by the core,
#     not by memory, and the ceiling is only reported;
# and, reported, the step as a Python user writes it with numpy slicing (scripts/bench/python/
# heat.py, from the same field, bit for bit) against omp_heat seq, and with numpy and mpi4py on
# strips of rows over all cores (heat_mpi.py, bit for bit too) against mpi_heat sendrecv.
# Each worker count's runs follow each other, PLB_BENCH_ROUNDS (3) rounds of them; each figure is
# the median over the rounds. It prints; with --check it also exits 1 when a target is missed. A
# benchmark, not a test: on a shared or virtual machine the figures move from run to run.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh
plb_bind_threads

check=0
[ "${1:-}" = --check ] && check=1
grid=${PLB_BENCH_HEAT_N:-4096}
steps=20
repeats=${PLB_BENCH_REPEATS:-5}
rounds=${PLB_BENCH_ROUNDS:-3}
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME RANKS ARGS...: one program at a worker count, its CSV rows kept in $work/NAME.csv.
run() {
    local name=$1 ranks=$2
    shift 2
    echo "bench-heat: bin/$name $* ($ranks rank(s))" >&2
    if ! plb_launch --timeout 600 "$ranks" "$name" -r "$repeats" --csv "$@" \
        >"$work/$name.csv" 2>"$work/$name.err"; then
        echo "bench-heat: bin/$name failed: $(tail -n 1 "$work/$name.err")" >&2
        exit 1
    fi
}

echo program,variant,workers,rate >"$work/rates.csv"
read -r -a widths <<<"${PLB_BENCH_THREADS:-$(seq -s ' ' 1 "$cores")}"
start=$(date +%s) step=0
for t in "${widths[@]}"; do
    for ((round = 1; round <= rounds; round++)); do
        progress=$(plb_progress "$step" $((${#widths[@]} * rounds)) "$start")
        echo "bench-heat: $progress $t worker(s), round $round" >&2
        step=$((step + 1))
        run omp_heat 1 -n "$grid" --steps "$steps" -t "$t" -V "$([ "$t" = 1 ] && echo seq,parallel || echo parallel)"
        points=$(plb_csv '{ print col("n"); exit }' "$work/omp_heat.csv")
        run omp_stream 1 -n "$points" -t "$t" -V copy # as many doubles as the field
        run mpi_heat "$t" -n "$grid" --steps "$steps" -t 1 -V sendrecv --check exact
        echo "bench-heat: build/bench/plain_heat $grid $grid $steps $repeats $t" >&2
        if ! build/bench/plain_heat "$grid" "$grid" "$steps" "$repeats" "$t" >"$work/plain.txt"; then
            echo "bench-heat: build/bench/plain_heat failed" >&2
            exit 1
        fi
        { plb_csv -v t="$t" '{ print col("program") "," col("variant") "," t "," col("rate") }' \
              "$work"/omp_heat.csv "$work"/omp_stream.csv "$work"/mpi_heat.csv
          awk -F, -v t="$t" '{ print "plain," $1 "," t "," $3 }' "$work/plain.txt"; } >>"$work/rates.csv"
    done
done

# numpy: 5 steps from a field omp_heat saved after 1, against the one it saved after 6.
numpy_rate=''
mpi4py_rate=''
if python=$(plb_python numpy) && [ -n "$python" ]; then
    bin/omp_heat -n "$grid" --steps 1 -V parallel -r 1 -w 0 --save "$work/a.npy" >/dev/null &&
        bin/omp_heat -n "$grid" --steps 6 -V parallel -r 1 -w 0 --save "$work/b.npy" >/dev/null &&
        numpy_rate=$("$python" scripts/bench/python/heat.py numpy "$work/a.npy" "$work/b.npy" 5 0.25 3 |
                     cut -d, -f5)
    # numpy and mpi4py on every core: strips of rows, what a Python user's first MPI heat is
    if python=$(plb_python numpy mpi4py) && [ -n "$python" ] && [ -n "$numpy_rate" ]; then
        mpi4py_rate=$(scripts/run/mpilaunch "$cores" "$python" scripts/bench/python/heat_mpi.py \
                          "$work/a.npy" "$work/b.npy" 5 0.25 3 2>"$work/mpi4py.err" | cut -d, -f6)
        [ -n "$mpi4py_rate" ] || echo "bench-heat: mpi4py failed: $(tail -n 1 "$work/mpi4py.err")" >&2
    fi
fi
plb_provenance "$work/omp_heat.csv"
plb_csv -v check="$check" -v rounds="$rounds" -v cores="$cores" -v numpy="$numpy_rate" \
    -v mpi4py="$mpi4py_rate" '
    {
        t = col("workers"); key = t SUBSEP col("program") "/" col("variant")
        if (!(t in seen)) { seen[t]; order[++count] = t }
        runs[key]++; value[key, runs[key]] = col("rate")
    }
    function rate(t, name,    i, v) {
        if (!runs[t, name]) return 0
        for (i = 1; i <= runs[t, name]; i++) v[i] = value[t, name, i]
        return plb_median(v, runs[t, name])
    }
    function judge(value, goal) {
        if (goal > 0 && value < goal) missed++
        if (goal == 0) return sprintf("%6.3f %-5s", value, "")
        return sprintf("%6.3f %-5s", value, value >= goal ? "meets" : "BELOW")
    }
    END {
        printf "%-7s %9s %9s %9s %9s   %-12s %-12s %-12s\n", "workers", "omp_heat", "mpi_heat",
            "plain", "ceiling", "omp/plain", "mpi/plain", "omp/ceiling"
        for (i = 1; i <= count; i++) {
            t = order[i]; omp = rate(t, "omp_heat/parallel"); mpi = rate(t, "mpi_heat/sendrecv")
            plain = rate(t, "plain/plain"); ceiling = rate(t, "omp_stream/copy") * 1e3 / 16
            if (t == 1) seq = rate(t, "omp_heat/seq")
            printf "%-7s %9.1f %9.1f %9.1f %9.1f   %s %s %s\n", t, omp, mpi, plain, ceiling,
                judge(omp / plain, 0.95), judge(mpi / plain, 0.90),
                judge(omp / ceiling, t == cores && t > 1 ? 0.90 : 0)
        }
        printf "(MLUP/s, the median over %d rounds; ceiling: STREAM copy GB/s / 16 bytes an update;", rounds
        printf " omp/plain >= 0.95, mpi/plain >= 0.90 and, on all %d cores, omp/ceiling >= 0.90 to meet)\n", cores
        if (numpy > 0 && seq > 0)
            printf "numpy slicing, one core: %.1f MLUP/s; omp_heat seq is %.1fx that\n", numpy, seq / numpy
        mpi = rate(cores, "mpi_heat/sendrecv")
        if (mpi4py > 0 && mpi > 0)
            printf "numpy + mpi4py, strips on %d ranks: %.1f MLUP/s; mpi_heat sendrecv on %d ranks is %.1fx that\n",
                   cores, mpi4py, cores, mpi / mpi4py
        exit check && missed ? 1 : 0
    }' "$work/rates.csv"

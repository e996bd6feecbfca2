#!/usr/bin/env bash
# plots.sh: `make plots`. Turns the CSVs of a `make bench` run (default results/latest) into PNG and
# SVG figures in its plots/ folder, with gnuplot (Debian's gnuplot-nox):
#   time_vs_n        median time of seq and of the parallel variant on all cores vs n, per kernel,
#                    the crossover marked;
#   speedup          speedup and efficiency vs threads or ranks at the largest n, with the ideal
#                    and the fitted Amdahl curve;
#   bandwidth        GB/s of the memory-bound kernels on all cores vs n, the triad bandwidth as a
#                    line: the caches show as the plateaus above it;
#   mpi_split        scatter, compute and gather time of mpi_map_square per rank count, largest n;
#   heat_scaling     mpi_heat's strong and weak scaling efficiency: the points measured and the
#                    model (heat_model.csv) out to 4096 ranks, 2D blocks and 1D strips.
#   usage: scripts/plot/plots.sh [RESULTS_DIR]   (default: $PARLAB_RESULTS/latest, else results/latest)
set -u
# The folder named, or the last bench's, as seen from where it is started (before the cd).
dir=${1:-${PARLAB_RESULTS:-results}/latest}
[[ $dir == /* ]] || dir=$PWD/$dir
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "plots: gnuplot is not installed (Debian: apt-get install gnuplot-nox)" >&2
    exit 1
fi
for f in sweep limits split fits; do
    [ -f "$dir/$f.csv" ] || { echo "plots: no $dir/$f.csv: run 'make bench' first" >&2; exit 1; }
done
out=$dir/plots
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
mkdir -p "$out"
cores=$(sed -n 's/^# host .*(\([0-9]*\) cores)$/\1/p' "$dir/sweep.csv")

# Per kernel: "n seq_median parallel_median_on_all_cores" rows; width = threads (omp) or ranks (mpi).
kernels=(omp_increment omp_map_square omp_countdown mpi_map_square mpi_increment mpi_countdown)
for k in "${kernels[@]}"; do
    plb_csv -v k="$k" -v c="$cores" 'col("program") != k { next }
        { w = (k ~ /^omp_/) ? col("threads") : col("ranks"); n = col("n") }
        col("variant") == "seq" { s[n] = col("median_s") } col("variant") != "seq" && w == c { p[n] = col("median_s") }
        END { for (n in s) if (n in p) print n, s[n], p[n] }' "$dir/sweep.csv" | sort -n >"$data/$k.time"
    # speedup at the largest n, per width
    plb_csv -v k="$k" 'col("program") != k { next }
        { w = (k ~ /^omp_/) ? col("threads") : col("ranks"); n = col("n") + 0; if (n > big) big = n }
        col("variant") == "seq" { seq[n] = col("median_s"); next }
        { t[n, w] = col("median_s"); ws[w] = 1 }
        END { for (w in ws) if ((big, w) in t) print w, seq[big] / t[big, w], seq[big] / t[big, w] / w }' \
        "$dir/sweep.csv" | sort -n >"$data/$k.speedup"
    plb_csv -v k="$k" 'col("program") == k { print col("serial_fraction") >"'"$data/$k.f"'"
                                            print col("crossover_n") >"'"$data/$k.cross"'" }' "$dir/fits.csv"
    sed -i '/^$/d' "$data/$k.f" "$data/$k.cross"
done
for k in omp_increment omp_map_square; do
    plb_csv -v k="$k" -v c="$cores" 'col("program") == k && col("variant") != "seq" && col("threads") == c {
        print col("n"), col("rate") }' "$dir/sweep.csv" | sort -n >"$data/$k.bw"
done
triad=$(plb_csv -v c="$cores" 'col("program") == "omp_stream" && col("variant") == "triad" && col("threads") == c {
    print col("rate") }' "$dir/limits.csv")
# The split rows of the collective variant at the largest n: "ranks scatter compute gather".
plb_csv 'col("program") == "mpi_map_square" && col("variant") ~ /^collective[.]/ {
        n = col("n") + 0; if (n > big) big = n; step = substr(col("variant"), 12)
        t[n, col("ranks"), step] = col("median_s"); r[col("ranks")] = 1 }
    END { for (p in r) if ((big, p, "scatter") in t)
              print p, t[big, p, "scatter"], t[big, p, "compute"], t[big, p, "gather"]
          print big >"'"$data/split.n"'" }' "$dir/split.csv" | sort -n >"$data/split"
big=$(cat "$data/split.n")

render() { # NAME SIZE: renders $data/NAME.gp into NAME.png and NAME.svg
    for term in "pngcairo size $2 font ',10'" "svg size $2 dynamic font ',10'"; do
        ext=png
        [[ $term == svg* ]] && ext=svg
        gnuplot -e "set terminal $term; set output '$out/$1.$ext'; data='$data'" "$data/$1.gp" || return 1
    done
    echo "plots: $out/$1.png and .svg"
}

{
    echo "set multiplot layout 2,3 title 'Median time vs n: seq and parallel on all cores ($cores)'"
    echo "set logscale xy; set format x '10^{%T}'; set format y '10^{%T}'; set key top left"
    echo "set xlabel 'n (elements)'; set ylabel 'seconds per run'"
    for k in "${kernels[@]}"; do
        echo "set title '${k//_/\\_}'; unset arrow"
        [ -s "$data/$k.cross" ] && echo "set arrow from $(cat "$data/$k.cross"), graph 0 to $(cat "$data/$k.cross"), graph 1 nohead dt 2 lc 'gray'"
        echo "plot data.'/$k.time' using 1:2 with linespoints title 'seq', '' using 1:3 with linespoints title 'parallel'"
    done
    echo "unset multiplot"
} >"$data/time_vs_n.gp"

{
    echo "set multiplot layout 2,3 title 'Speedup (and efficiency) vs workers at the largest n'"
    echo "set key top left; set xlabel 'threads or ranks'; set ylabel 'speedup over seq'; set y2label 'efficiency'"
    echo "set y2tics; set ytics nomirror; set y2range [0:1.5]; set xrange [0.5:*]"
    for k in "${kernels[@]}"; do
        f=$(cat "$data/$k.f")
        amdahl=""
        [ -n "$f" ] && amdahl=", 1 / ($f + (1 - $f) / x) with lines dt 3 title 'Amdahl f=$f'"
        echo "set title '${k//_/\\_}'"
        echo "plot data.'/$k.speedup' using 1:2 with linespoints title 'speedup', '' using 1:3 axes x1y2 with points title 'efficiency', x with lines dt 2 title 'ideal'$amdahl"
    done
    echo "unset multiplot"
} >"$data/speedup.gp"

{
    echo "set title 'Bandwidth on $cores threads vs n (16 bytes per element counted)'"
    echo "set logscale x; set format x '10^{%T}'; set xlabel 'n (elements)'; set ylabel 'GB/s'; set key top right"
    echo "plot data.'/omp_increment.bw' with linespoints title 'increment', data.'/omp_map_square.bw' with linespoints title 'map-square', ${triad:-0} with lines dt 2 lw 2 title 'STREAM triad (memory)'"
} >"$data/bandwidth.gp"

{
    echo "set title 'mpi\\_map\\_square at n = $big: where the time goes'"
    echo "set style data histograms; set style histogram rowstacked; set style fill solid 0.8 border -1"
    echo "set boxwidth 0.6; set xlabel 'ranks'; set ylabel 'seconds (median, max over ranks)'; set key top left"
    echo "plot data.'/split' using 2:xtic(1) title 'scatter', '' using 3 title 'compute', '' using 4 title 'gather'"
} >"$data/mpi_split.gp"

# heat_model.csv: the model's efficiencies per rank count and, where measured, the runs'.
plb_csv '{ print col("ranks"), col("strong_eff"), col("strong_1d_eff") == "" ? "NaN" : col("strong_1d_eff"),
               col("weak_eff"), col("measured_strong_eff") == "" ? "NaN" : col("measured_strong_eff"),
               col("measured_weak_eff") == "" ? "NaN" : col("measured_weak_eff") }' \
    "$dir/heat_model.csv" 2>/dev/null >"$data/heat" || : >"$data/heat"
grid=$(sed -n 's/^# heat        : strong \([0-9]*\) x .*, weak \([0-9]*\) x .*/\1 x \1; weak: \2 x \2 a rank/p' "$dir/sweep.csv")
{
    echo "set multiplot layout 1,2 title 'mpi\\_heat: scaling efficiency, measured on $cores cores and modelled (strong: $grid)'"
    echo "set logscale x 2; set xlabel 'ranks (nodes of $cores)'; set ylabel 'efficiency'; set yrange [0:1.6]; set key top right"
    echo "set title 'strong scaling: one grid over more ranks'"
    echo "plot data.'/heat' using 1:2 with lines lw 2 title 'model, 2D blocks', '' using 1:3 with lines dt 2 title 'model, 1D strips', '' using 1:5 with points pt 7 ps 1.5 title 'measured', 1 with lines lc 'gray' title 'ideal'"
    echo "set title 'weak scaling: a fixed block per rank'"
    echo "plot data.'/heat' using 1:4 with lines lw 2 title 'model, 2D blocks', '' using 1:6 with points pt 7 ps 1.5 title 'measured', 1 with lines lc 'gray' title 'ideal'"
    echo "unset multiplot"
} >"$data/heat_scaling.gp"

render time_vs_n "1200,700" && render speedup "1200,700" && render bandwidth "800,500" &&
    render mpi_split "700,450" || exit 1
if [ -s "$data/heat" ]; then
    render heat_scaling "1100,450"
else
    echo "plots: no heat_model.csv in $dir (a make bench from before the heat runs): heat_scaling skipped"
fi

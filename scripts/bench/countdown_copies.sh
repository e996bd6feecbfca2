#!/usr/bin/env bash
# countdown_copies.sh: the limit for compute-bound work, as STREAM is for memory-bound work.
#
#   scripts/bench/countdown_copies.sh P [-n N] [-r REPEATS] [--csv]   (defaults: 64M, 5; always CSV)
#
# Runs P independent single-thread countdowns of N/P each (omp_countdown -V seq -t 1), each pinned
# to its own core (cores 0..P-1 of those this process may use), all at the same time: what P cores
# really give when each does its share alone. On a shared host or with SMT siblings this is less
# than P times one core, and a parallel countdown on P cores cannot beat it. Prints the program
# contract's CSV header and one row, program "countdown_copies", variant "copies", n N, threads P:
# min_s the fastest copy's min, max_s the slowest max, rate N / median_s, and the other columns
# (median_s among them) the slowest copy's: all P are done when the slowest is. Exits 1 when a copy
# fails.
# shellcheck disable=SC2016 # the single-quoted $ are awk fields (plb_csv), not shell
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh

usage() { echo "usage: countdown_copies.sh P [-n N] [-r REPEATS] [--csv]" >&2; exit 2; }
[ $# -ge 1 ] || usage
p=$1 n=64M repeats=5
shift
while [ $# -gt 0 ]; do
    case $1 in
        -n) [ $# -ge 2 ] || usage; n=$2; shift 2 ;;
        -r) [ $# -ge 2 ] || usage; repeats=$2; shift 2 ;;
        --csv) shift ;;
        *) usage ;;
    esac
done
case $p in ''|*[!0-9]*|0) usage ;; esac
n=$(numfmt --from=iec "$n") || exit 2
mapfile -t cpus < <(taskset -cp $$ | sed 's/.*: //' | tr ',' '\n' |
    awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++) print c }')
if [ "$p" -gt "${#cpus[@]}" ]; then
    echo "countdown_copies: $p copies, but only ${#cpus[@]} cores to pin them to" >&2
    exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((i = 0; i < p; i++)); do
    taskset -c "${cpus[$i]}" bin/omp_countdown -V seq -t 1 -n $((n / p)) -r "$repeats" --csv \
        >"$work/$i.csv" 2>"$work/$i.err" &
done
failed=0
for ((i = 0; i < p; i++)); do wait -n || failed=1; done
if [ "$failed" -ne 0 ]; then
    echo "countdown_copies: a copy failed: $(cat "$work"/*.err | grep -v '^VERIFIED' | head -n 1)" >&2
    exit 1
fi
plb_csv -v p="$p" -v n="$n" '
    col("program") == "omp_countdown" && col("variant") == "seq" {
        copies++
        if (min == "" || col("min_s") < min) min = col("min_s")
        if (col("max_s") > max) max = col("max_s")
        if (col("median_s") > median) { median = col("median_s"); slowest = $0 }
    }
    END {
        if (copies != p) exit 1
        OFS = ","; $0 = slowest
        $(plb_column["program"]) = "countdown_copies"; $(plb_column["variant"]) = "copies"
        $(plb_column["n"]) = n; $(plb_column["threads"]) = p; $(plb_column["min_s"]) = min
        $(plb_column["max_s"]) = max; $(plb_column["rate"]) = sprintf("%g", n / median / 1e9)
        print plb_header
        print
    }' "$work"/*.csv

#!/usr/bin/env bash
# countdown_copies.sh: the limit for compute-bound work, as STREAM is for memory-bound work.
#
#   common/countdown_copies.sh P [-n N] [-r REPEATS] [--csv]   (defaults: 64M, 5; always CSV)
#
# Runs P independent single-thread countdowns of N/P each (omp_countdown -V seq -t 1), each pinned
# to its own core (cores 0..P-1 of those this process may use), all at the same time: what P cores
# really give when each does its share alone. On a shared host or with SMT siblings this is less
# than P times one core, and a parallel countdown on P cores cannot beat it. Prints one CSV row in
# the program contract's columns, program "countdown_copies", threads P: min_s the fastest copy's
# min, median_s the slowest copy's median (all P are done when the slowest is), max_s the slowest
# max, rate N / median_s. Exits 1 when a copy fails.
set -u
cd "$(dirname "$0")/.." || exit 1

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
cat "$work"/*.csv | awk -F, -v p="$p" -v n="$n" -v r="$repeats" '
    $1 == "omp_countdown" && $2 == "seq" {
        copies++
        if (min == "" || $7 < min) min = $7
        if ($8 > median) median = $8
        if ($9 > max) max = $9
    }
    END {
        if (copies != p) exit 1
        printf "countdown_copies,copies,%d,1,%d,%d,%.9g,%.9g,%.9g,%g,Gdec/s,yes\n",
               n, p, r, min, median, max, n / median / 1e9
    }'

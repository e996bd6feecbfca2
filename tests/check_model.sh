#!/usr/bin/env bash
# check_model.sh: the heat scaling model (scripts/bench/heat_model.awk) against figures worked out
# by hand, from made-up measurements whose answers are round: one rank updates 1e9 points a
# second alone (1000 MLUP/s), STREAM copy 16 GB/s on 1 thread and 32 GB/s on 2 (each rank keeps
# its own 16 GB/s), 64 GB/s on 4 (node of 4 cores: still 16 GB/s a rank), messages of 8 bytes
# 1.008 us and of 8000008 bytes 8001.008 us (alpha 1 us, beta 1 GB/s). Ends with "model: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/run/parlab.sh disable=SC1091 # followed with shellcheck -x
. scripts/run/parlab.sh

# shellcheck source=tests/check_common.sh disable=SC1091 # followed with shellcheck -x
. tests/check_common.sh
columns="program,variant,n,ranks,threads,repeats,batch,min_s,median_s,mean_s,max_s,sd_s,rate,rate_unit,verified,oversubscribed"
row() { echo "$1,$2,$3,$4,$5,5,1,0,$6,0,0,0,$7,-,yes,$8"; }
{
    echo "$columns"
    row omp_stream copy 1000 1 1 0 16 no
    row omp_stream copy 1000 1 2 0 32 no
    row omp_stream copy 1000 1 4 0 64 no
    row mpi_pingpong pingpong 8 2 1 1.008e-6 8 no
    row mpi_pingpong pingpong 8000008 2 1 0.008001008 1000 no
} >"$tmp/limits.csv"
{
    echo "$columns"
    row mpi_heat sendrecv 1048576 1 1 0 1000 no
    row mpi_heat sendrecv 1048576 4 1 0 3000 no # measured efficiency 3000 / (4 x 1000) = 0.75
} >"$tmp/heat_strong.csv"
{
    echo "$columns"
    row mpi_heat sendrecv 262144 1 1 0 1000 no
    row mpi_heat sendrecv 524288 2 1 0 1000 no # weak: 1000 / (2 x 1000) = 0.5
} >"$tmp/heat_weak.csv"

model() { # CORES [NET]: runs the model; its CSV in $tmp/model.csv, its table in $out
    plb_csv -v cores="$1" -v model="$tmp/model.csv" -v net="${2:-}" -f scripts/bench/heat_model.awk \
        "$tmp/limits.csv" "$tmp/heat_strong.csv" "$tmp/heat_weak.csv" >"$out"
}
# expect RANKS COLUMN VALUE: the model's CSV has VALUE (to 4 significant digits) there.
expect() {
    local got
    got=$(plb_csv -v p="$1" -v c="$2" 'col("ranks") == p { v = col(c); printf "%s", v ~ /x/ ? v : sprintf("%.4g", v) }' "$tmp/model.csv")
    if [ "$got" = "$3" ]; then ok; else bad "model: $2 at $1 ranks: $got, worked out by hand $3"; fi
}

model 4
# 1 rank, 1024 x 1024, no halo: 1048576 / 1e9 s.
expect 1 strong_step_s 0.001049
# 4 ranks on 2 x 2: blocks of 512 x 512 at 1e9 points/s (16 GB/s each) = 262.144 us; each axis
# two MPI_Sendrecv in turn (at the edge the second waits on the first): 4 (1 us + 8 x 512 / 1e9 s)
# = 20.384 us; efficiency 1048.576 / (4 x 282.528) = 0.92785.
expect 4 strong_step_s 0.0002825
expect 4 strong_eff 0.9279
expect 4 dims 2x2
# 1D at 4: strips of 256 x 1024, 262.144 us, two neighbours: 2 (1 + 8.192) us; 1048.576 / (4 x 280.528).
expect 4 strong_1d_eff 0.9345
expect 4 measured_strong_eff 0.75
# 8 ranks, two nodes of 4 (same alpha and beta: no net= given): 4 x 2, blocks 256 x 512, still
# 16 GB/s a rank: 131.072 us + 2 (1 + 4.096) + 2 (1 + 2.048) = 147.36 us.
expect 8 strong_step_s 0.0001474
# Weak, 512 x 512 a rank: 262.144 us alone; at 2 ranks (2 x 1) + 2 (1 + 4.096) us.
expect 2 weak_eff 0.9626
expect 2 measured_weak_eff 0.5
# The bandwidth share: on a node of 4 with 32 GB/s for 4 ranks (8 each, half of one rank's 16),
# a rank goes at half its speed: 4 ranks' blocks of 512 x 512 take 524.288 us + 20.384 us.
sed -i 's/^omp_stream,copy,1000,1,4,5,1,0,0,0,0,0,64,/omp_stream,copy,1000,1,4,5,1,0,0,0,0,0,32,/' "$tmp/limits.csv"
model 4
expect 4 strong_step_s 0.0005447
# The network's figures once the ranks span nodes: alpha 10 us, beta 0.5 GB/s at 8 ranks on two
# nodes of 4: 4 x 2 blocks of 256 x 512: 131.072 us x 2 (half the bandwidth) + 2 (10 + 8.192) +
# 2 (10 + 4.096) us = 262.144 + 36.384 + 28.192.
model 4 10,0.5
expect 8 strong_step_s 0.0003267
if grep -q "stops paying (efficiency under 50%) at" "$out"; then ok
else bad "model: no 'stops paying' line: $(tail -n 3 "$out")"; fi

check_end model

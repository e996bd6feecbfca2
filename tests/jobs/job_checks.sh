# shellcheck shell=bash
# job_checks.sh: what tests/jobs/slurm_test.sh, pbs_test.sh and cluster_test.sh check in a job's
# results beyond its verdicts. Sourced by them, not run; needs scripts/run/parlab.sh (plb_csv).

# scaling_rows CSV RANKS: a scaling job's collected CSV has a sendrecv row at each of 1, 2, 4, ...
# below RANKS and at RANKS, in that order, and at no other rank count. Prints what it found.
scaling_rows() {
    local want='' got k
    for ((k = 1; k < $2; k *= 2)); do want+="$k "; done
    want+=$2
    got=$(plb_csv 'col("variant") == "sendrecv" { printf "%s%s", sep, col("ranks"); sep = " " }' "$1" 2>&1)
    if [ "$got" = "$want" ]; then
        echo "a sendrecv row at each rank count: $got"
    else
        echo "sendrecv rows at ranks ${got:-none}, wanted $want"
        return 1
    fi
}

# offload_devices CSV: how many offload devices OpenMP saw, as a target variant's CSV header says.
offload_devices() {
    local n
    n=$(sed -n 's/^# device      : \([0-9]*\) offload device.*/\1/p' "$1" 2>/dev/null | head -n 1)
    echo "${n:-0}"
}

# The programs' refusal under OMP_TARGET_OFFLOAD=MANDATORY without a device, as a step's verdict
# line in a job log shows it.
# shellcheck disable=SC2034 # read by the tests that source this file
REFUSED_NO_DEVICE='FAILED: exit 2: [a-z_]*: OMP_TARGET_OFFLOAD=MANDATORY, but OpenMP sees no device'

# progress_done LOG: the job's log showed its progress, and the last progress line counts every
# step done: "parlab: progress [N/N, ...]" after the steps, or for the bench job "parlab: bench
# [N/N, ...]" from make bench's points.
progress_done() {
    grep -E '^parlab: (progress|bench) \[[0-9]+/[0-9]+, ' "$1" | tail -n 1 |
        grep -Eq '^parlab: [a-z]+ \[([1-9][0-9]*)/\1, [0-9]+ s, '
}

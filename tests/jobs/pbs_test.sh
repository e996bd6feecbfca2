#!/usr/bin/env bash
# pbs_test.sh: `make pbs-test`. Proves the PBS Pro scripts as far as a machine without PBS can:
#   1. every #PBS line parses: -N, -l select=N:ncpus=C:mpiprocs=P:ompthreads=T[:ngpus=G] with
#      C = P x T, -l walltime=HH:MM:SS, -j oe, -J A-B;
#   2. every script runs to the end in a simulated PBS job: the variables PBS sets (PBS_JOBID,
#      PBS_O_WORKDIR, PBS_NODEFILE listing this host once per rank, OMP_NUM_THREADS as ompthreads
#      sets it, PBS_ARRAY_INDEX and PBS_ARRAY_ID for arrays), resized to this machine; the
#      programs and mpirun are real, only qsub and the PBS server are not. The scaling jobs must
#      collect a row per rank count (1, 2, 4, ... the node file's lines); the gpu job must verify
#      with PARLAB_OFFLOAD=DEFAULT and, where OpenMP sees no device, refuse under its MANDATORY.
# Not proven here: qsub's own reading of the directives, and PBS's placement on real nodes.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=common/run/parlab.sh
. common/run/parlab.sh
# shellcheck source=tests/jobs/job_checks.sh
. tests/jobs/job_checks.sh

cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAILED: pbs-test: $*"; failed=$((failed + 1)); }

# The directives, each checked against what PBS Pro accepts.
for script in jobs/pbs/*.pbs; do
    name=$(basename "$script" .pbs)
    errors=$(awk -v name="$name" '
        /^#PBS / {
            if ($2 == "-N") { seen["N"] = 1; if ($3 !~ /^[A-Za-z][A-Za-z0-9_.-]*$/) print "bad -N " $3 }
            else if ($2 == "-l" && $3 ~ /^select=/) {
                seen["select"] = 1; n = split($3, parts, ":")
                if (parts[1] !~ /^select=[1-9][0-9]*$/) print "bad chunk count in " $3
                for (i = 2; i <= n; i++) {
                    split(parts[i], kv, "="); r[kv[1]] = kv[2]
                    if (kv[1] !~ /^(ncpus|mpiprocs|ompthreads|ngpus)$/) print "unexpected resource " kv[1] " in " $3
                    else if (kv[2] !~ /^[1-9][0-9]*$/) print "bad count " parts[i] " in " $3
                }
                if (!(r["ncpus"] > 0 && r["mpiprocs"] > 0 && r["ompthreads"] > 0)) print "missing ncpus, mpiprocs or ompthreads: " $3
                else if (r["ncpus"] != r["mpiprocs"] * r["ompthreads"]) print "ncpus is not mpiprocs x ompthreads: " $3
            }
            else if ($2 == "-l" && $3 ~ /^walltime=/) { seen["walltime"] = 1; if ($3 !~ /^walltime=[0-9]+:[0-5][0-9]:[0-5][0-9]$/) print "bad " $3 }
            else if ($2 == "-j") { if ($3 != "oe") print "bad -j " $3 }
            else if ($2 == "-J") { split($3, ab, "-"); if (!(ab[1] ~ /^[0-9]+$/ && ab[2] ~ /^[0-9]+$/ && ab[1] + 0 < ab[2] + 0)) print "bad -J " $3 }
            else print "unexpected directive: " $0
        }
        /^[^#]/ && !body { body = 1 }
        /^#PBS / && body { print "directive after the first command: " $0 }
        END { if (!seen["N"] || !seen["select"] || !seen["walltime"]) print "missing -N, select or walltime" }
    ' "$script")
    if [ -z "$errors" ]; then ok; else bad "$script: $errors"; fi
done

# Each script, run as PBS would run it, resized to this machine.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
# Simulated job ids (the results folders results/<id> are removed at the end): one per job, one
# shared by the elements of an array.
ids=()
# simulate NAME RANKS THREADS [ARRAY-INDEX]: runs jobs/pbs/NAME.pbs as PBS would, small problems,
# its log in $log and its results in results/$id; returns the script's exit status. Settings such
# as PARLAB_OFFLOAD reach the job from the caller's environment.
simulate() {
    local name=$1 ranks=$2 threads=$3 index=${4:-}
    id=$((990000 + ${#ids[@]}))
    [ -n "$index" ] && id=990099
    ids+=("$id")
    log=$work/$name${index:+-$index}-$id.log
    for _ in $(seq "$ranks"); do hostname; done >"$work/nodefile"
    env PBS_JOBID="$id${index:+[$index]}.pbs-test" PBS_O_WORKDIR="$PWD" \
        PBS_NODEFILE="$work/nodefile" OMP_NUM_THREADS="$threads" PARLAB_QUICK=1 PARLAB_N=4M \
        PARLAB_GRID=256 ${index:+PBS_ARRAY_INDEX=$index PBS_ARRAY_ID=${id}[].pbs-test} \
        bash "jobs/pbs/$name.pbs" >"$log" 2>&1
}
run() { # NAME RANKS THREADS [ARRAY-INDEX]: the job must verify every step
    if simulate "$@" && grep -q '^parlab: all steps VERIFIED' "$log"; then
        echo "pbs-test: $1${4:+ element $4} ($2 ranks x $3 threads): all steps VERIFIED"
        ok
    else
        bad "$1${4:+ element $4}: $(tail -n 3 "$log")"
    fi
}
# collected FILE RANKS: the scaling job just run gathered a row per rank count in results/$id/FILE.
collected() {
    local found
    if found=$(scaling_rows "results/$id/$1" "$2"); then
        echo "pbs-test: $1: $found"
        ok
    else
        bad "$1: $found"
    fi
}
run omp 1 "$cpus"
run mpi "$cpus" 1
run hybrid 2 1
run sweep 1 "$cpus" 1
run sweep 1 "$cpus" 2
run bench 1 "$cpus"
# The scaling loop over a node file of 3 and of 4 lines (oversubscribed, yielding): 1 2 3, 1 2 4.
run heat-strong 3 1
collected strong.csv 3
run heat-weak 4 1
collected weak.csv 4
run heat-dims "$cpus" 1
# No GPU here: with PARLAB_OFFLOAD=DEFAULT the target variants run on the host and verify; with the
# job's own MANDATORY every step must refuse (exit 2, the programs' line) and the job fail.
PARLAB_OFFLOAD=DEFAULT run gpu 1 "$cpus"
if [ "$(offload_devices "results/$id/heat.csv")" -gt 0 ]; then
    echo "pbs-test: OpenMP sees a device here: the gpu job's refusal is not tested"
elif ! simulate gpu 1 "$cpus" && grep -q "$REFUSED_NO_DEVICE" "$log" && ! grep -q ' VERIFIED$' "$log"; then
    echo "pbs-test: gpu under OMP_TARGET_OFFLOAD=MANDATORY without a GPU: every step refused, the job failed"
    ok
else
    bad "gpu under MANDATORY without a GPU was not refused: $(tail -n 3 "$log")"
fi
if [ -f results/990099/sweep.csv ] &&
    [ "$(grep -c '^omp_map_square,static,' results/990099/sweep.csv)" -eq 2 ]; then
    ok
else
    bad "the sweep's two array elements did not land in one results/990099/sweep.csv"
fi
for id in "${ids[@]}"; do rm -rf "results/$id"; done

echo
echo "pbs-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

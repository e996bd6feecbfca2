#!/usr/bin/env bash
# slurm_test.sh: `make slurm-test`. Proves the Slurm scripts on a real Slurm: brings up a
# single-node cluster on this machine (Debian's slurm-wlm and munge: munged, slurmctld, slurmd,
# with a slurm.conf made from what `slurmd -C` reports, all state in a temporary folder), submits
# every jobs/slurm/*.sbatch unchanged (only resized to this node with sbatch options and given
# smaller problems with PARLAB_N and PARLAB_GRID, job arrays included), checks each job's state
# and exit code with scontrol and each log's verdict lines, and shuts the daemons down again, also
# when a job fails. The scaling jobs must collect a row per rank count. The node declares one
# GPU that is not there (a GRES whose device file is /dev/null), so the gpu job's --gres schedules:
# it must verify with PARLAB_OFFLOAD=DEFAULT (the target variants on the host) and fail, every
# step refused, under its own OMP_TARGET_OFFLOAD=MANDATORY.
#   Needs root to start the daemons; PARLAB_SLURM=existing uses a running Slurm instead.
set -u
cd "$(dirname "$0")/../.." || exit 1

existing=0
[ "${PARLAB_SLURM:-}" = existing ] && existing=1
if [ "$existing" = 0 ] && [ "$(id -u)" != 0 ]; then
    echo "slurm-test: starting slurmctld and slurmd needs root; or point it at a running Slurm" \
        "with PARLAB_SLURM=existing" >&2
    exit 2
fi
work=$(mktemp -d /tmp/parlab-slurm.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/out"

# shellcheck source=tests/jobs/slurm_common.sh
. tests/jobs/slurm_common.sh
ids=() # the jobs' results/<id>, removed at the end: job ids start again at 1 with the next cluster
stop() {
    [ "$existing" = 1 ] || slurm_stop "$work" command
    for id in "${ids[@]}"; do rm -rf "results/$id"; done
    rm -rf "$work"
}
trap stop EXIT

if [ "$existing" = 0 ]; then
    slurm_install || exit 1
    host=$(hostname -s)
    read -r cpus memory < <(slurmd -C | awk '/^NodeName/ {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        print v["CPUs"], int(v["RealMemory"] * 0.9) }')
    export SLURM_CONF=$work/slurm.conf
    cat >"$SLURM_CONF" <<CONF
# A one-node Slurm for parlab's tests, made by tests/jobs/slurm_test.sh.
ClusterName=parlab
SlurmctldHost=$host(127.0.0.1)
$(slurm_conf_common "$work")
GresTypes=gpu
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory Gres=gpu:1 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    # A GPU in name only. Slurm 22.05's gpu plugin drops a GPU without a device file (the node then
    # reports 0 and is drained) and wants a character device: /dev/null is one nobody can use.
    echo "NodeName=$host Name=gpu File=/dev/null" >"$work/gres.conf"
    mkdir -p "$work/state"
    munge_start || { echo "slurm-test: munged did not start" >&2; exit 1; }
    if ! slurmctld || ! slurmd; then
        echo "slurm-test: the Slurm daemons did not start" >&2
        exit 1
    fi
    for _ in $(seq 100); do
        [ "$(sinfo -h -n "$host" -o %T 2>/dev/null)" = idle ] && break
        sleep 0.2
    done
    if [ "$(sinfo -h -n "$host" -o %T 2>/dev/null)" != idle ]; then
        echo "slurm-test: node $host is not idle: $(sinfo -h -o '%T %E' 2>&1)" >&2
        tail -n 5 "$work/slurmctld.log" "$work/slurmd-$host.log" >&2
        exit 1
    fi
    echo "slurm-test: Slurm $(sinfo -V | cut -d' ' -f2) up: node $host, $cpus CPUs, ${memory} MB"
fi
cpus=${cpus:-$(sinfo -h -o %c | head -n 1)}

# shellcheck source=common/run/parlab.sh
. common/run/parlab.sh
# shellcheck source=tests/jobs/job_checks.sh
. tests/jobs/job_checks.sh

passed=0
failed=0
ok() { echo "slurm-test: $*"; passed=$((passed + 1)); }
bad() { echo "FAILED: slurm-test: $*"; failed=$((failed + 1)); }

# submit LOG NAME SBATCH-OPTIONS...: submits jobs/slurm/NAME.sbatch with small problems, logs in
# $work/out/LOG-*.out, and waits for it and every element of an array; sets id. Settings such as
# PARLAB_OFFLOAD reach the job from the caller's environment (--export=ALL,...).
submit() {
    local log=$1 name=$2
    shift 2
    id=$(sbatch --parsable --export=ALL,PARLAB_QUICK=1,PARLAB_N=4M,PARLAB_GRID=256 \
        -o "$work/out/$log-%A_%a.out" "$@" "jobs/slurm/$name.sbatch") || return 1
    id=${id%%;*}
    ids+=("$id")
    for _ in $(seq 1200); do # up to 10 minutes
        scontrol show job "$id" -o 2>/dev/null |
            grep -Eq 'JobState=(PENDING|RUNNING|CONFIGURING|COMPLETING)' || break
        sleep 0.5
    done
    [ "$existing" = 1 ] || scancel "$id" 2>/dev/null
    return 0
}

# job NAME SBATCH-OPTIONS...: submits NAME resized to this node; it (every element of an array)
# must complete with exit 0 and every log end verified.
job() {
    local name=$1 wrong logs verdicts
    submit "$name" "$@" || { bad "sbatch $name"; return 1; }
    wrong=$(scontrol show job "$id" -o | grep -v 'JobState=COMPLETED .*ExitCode=0:0' |
        grep -o 'JobId=[0-9]* \|JobState=[A-Z_]*\|ExitCode=[0-9:]*' | tr '\n' ' ')
    logs=$(find "$work/out" -name "$name-*.out" | wc -l)
    verdicts=$(grep -l '^parlab: all steps VERIFIED' "$work/out/$name-"*.out 2>/dev/null | wc -l)
    if [ -z "$wrong" ] && [ "$logs" -ge 1 ] && [ "$verdicts" -eq "$logs" ]; then
        ok "$name (job $id, $logs log(s)): COMPLETED, exit 0, all steps VERIFIED"
    else
        bad "$name (job $id): $wrong$verdicts of $logs logs verified"
        tail -n 8 "$work/out/$name-"*.out
        return 1
    fi
}

# refused LOG NAME PATTERN WHAT SBATCH-OPTIONS...: the job must fail (exit 1), its log say PATTERN,
# and no step verify.
refused() {
    local log=$1 name=$2 pattern=$3 what=$4
    shift 4
    submit "$log" "$name" "$@" || { bad "sbatch $name"; return 1; }
    if scontrol show job "$id" -o | grep -q 'JobState=FAILED .*ExitCode=1:0' &&
        grep -q "$pattern" "$work/out/$log-"*.out && ! grep -q ' VERIFIED$' "$work/out/$log-"*.out; then
        ok "$what (job $id)"
    else
        bad "not caught: $what (job $id): $(scontrol show job "$id" -o | grep -o 'JobState=[A-Z]*')"
        tail -n 4 "$work/out/$log-"*.out
    fi
}

# collected FILE: the scaling job just run gathered a row per rank count (1, 2, 4, ... its ranks)
# in results/$id/FILE.
collected() {
    local ranks found
    ranks=$(scontrol show job "$id" -o | sed -n 's/.* NumTasks=\([0-9]*\) .*/\1/p')
    if found=$(scaling_rows "results/$id/$1" "$ranks"); then ok "$1: $found"; else bad "$1: $found"; fi
}

job omp --cpus-per-task="$cpus"
job mpi --nodes=1 --ntasks-per-node="$cpus" --cpus-per-task=1
# (2 ranks x 2 threads does not fit 2 CPUs, even with --overcommit: one rank with every CPU)
job hybrid --nodes=1 --ntasks-per-node=1 --cpus-per-task="$cpus"
job sweep --array=1-"$cpus" --cpus-per-task="$cpus"
job bench --ntasks-per-node="$cpus" --cpus-per-task=1
job heat-strong --nodes=1 --ntasks-per-node="$cpus" --cpus-per-task=1 && collected strong.csv
# (Not more ranks than CPUs: the scripts' --ntasks-per-node above the CPUs is refused even with
# --overcommit. pbs-test steps through 1 2 3 and 1 2 4, cluster-test through 1 2 4 on two nodes.)
job heat-weak --nodes=1 --ntasks-per-node="$cpus" --cpus-per-task=1 && collected weak.csv
job heat-dims --nodes=1 --ntasks-per-node="$cpus" --cpus-per-task=1

# The gpu job on a node whose GPU is a name only: its --gres=gpu:1 schedules; with host fallback
# allowed it verifies, under its own MANDATORY it must refuse (when OpenMP sees no device here).
if [ "$existing" = 1 ] && ! sinfo -h -o %G | grep -q gpu; then
    echo "slurm-test: this Slurm has no gpu GRES: the gpu job is not submitted"
else
    if PARLAB_OFFLOAD=DEFAULT job gpu --cpus-per-task="$cpus"; then
        if scontrol show job "$id" -d -o | grep -q 'JOB_GRES=gpu:1'; then ok "gpu (job $id) was given its GPU"
        else bad "gpu (job $id) was given no GPU: $(scontrol show job "$id" -d -o | grep -o 'JOB_GRES=[^ ]*')"; fi
    fi
    if [ "$(offload_devices "results/$id/heat.csv")" -gt 0 ]; then
        echo "slurm-test: OpenMP sees a device here: the gpu job's refusal is not tested"
    else
        refused gpu-mandatory gpu "$REFUSED_NO_DEVICE" \
            "the gpu job without a GPU under MANDATORY failed (exit 1), every step refused" \
            --cpus-per-task="$cpus"
    fi
fi

# A job whose programs are not built must fail, say how to build them, and be caught here.
mkdir -p "$work/unbuilt"
PARLAB_DIR="$work/unbuilt" refused unbuilt omp "is not built: run 'make'" \
    "a job without built programs failed (exit 1) and said to run make" --cpus-per-task=1

echo
echo "slurm-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

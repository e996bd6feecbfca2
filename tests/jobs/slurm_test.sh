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
# step refused, under its own OMP_TARGET_OFFLOAD=MANDATORY. The heat-restart job runs past its
# time limit: warned by Slurm, stopped with a checkpoint, requeued by itself, and finished with the
# checksum of the same run uninterrupted; cancelled, it stops with a checkpoint and is not requeued
# (about 3 minutes of the test).
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
    # A requeued job waits cred_expire + 1 s before it may start again (120 by default; 5 is the
    # least); the main scheduler then starts it within sched_interval (60 s by default).
    cat >"$SLURM_CONF" <<CONF
# A one-node Slurm for parlab's tests, made by tests/jobs/slurm_test.sh.
ClusterName=parlab
SlurmctldHost=$host(127.0.0.1)
$(slurm_conf_common "$work" sched_interval=2)
AuthInfo=cred_expire=10
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

# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh
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
            grep -Eq 'JobState=(PENDING|RUNNING|CONFIGURING|COMPLETING|SIGNALING|REQUEUED)' || break
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
    local log progressed=0
    for log in "$work/out/$name-"*.out; do progress_done "$log" && progressed=$((progressed + 1)); done
    if [ -z "$wrong" ] && [ "$logs" -ge 1 ] && [ "$verdicts" -eq "$logs" ] && [ "$progressed" -eq "$logs" ]; then
        ok "$name (job $id, $logs log(s)): COMPLETED, exit 0, all steps VERIFIED, progress to the last"
    else
        bad "$name (job $id): $wrong$verdicts of $logs logs verified, $progressed showed progress to the last step"
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

# heat-restart: a production run longer than its job's time limit. The job gets a minute, and
# Slurm's warning 20 s ahead of its end (--signal=USR1@20; slurmctld looks every 30 s, so it comes
# 10 to 40 s into each run of the job); the run takes 50 s on this machine outside Slurm (steps
# calibrated here; about as long inside), so at least one warning lands before it ends. It must
# stop with a checkpoint, requeue itself, go on from that checkpoint in the next run (the same job,
# Restarts one higher), and end COMPLETED with the checksum of the same run done in one go
# outside Slurm. The ranks yield when they wait (the machine may be busy with more than this job).
restarted() {
    local grid=512 steps seconds want got restarts stops requeues last from log started=$SECONDS
    plb_launch --timeout 120 2 mpi_heat -n "$grid" -V sendrecv --steps 10000 --check exact \
        --checkpoint "$work/calibrate.npy" --every 10000 --csv >"$work/calibrate.csv" 2>&1
    seconds=$(plb_csv '{ print col("median_s") }' "$work/calibrate.csv")
    steps=$(awk -v s="$seconds" 'BEGIN { if (s > 0) printf "%d", 10000 * 50 / s }')
    if [ -z "$steps" ]; then
        bad "heat-restart: calibrating mpi_heat -n $grid on 2 ranks: $(tail -n 2 "$work/calibrate.csv")"
        return 1
    fi
    plb_launch --timeout 600 2 mpi_heat -n "$grid" -V sendrecv --steps "$steps" --check exact \
        --checkpoint "$work/whole.npy" --every "$steps" >"$work/whole.out" 2>&1
    want=$(sed -n "s/^# checksum    : \([0-9a-f]\{16\}\) after $steps steps\$/\1/p" "$work/whole.out")
    [ -n "$want" ] || { bad "heat-restart: the uninterrupted run: $(tail -n 2 "$work/whole.out")"; return 1; }
    echo "slurm-test: heat-restart: $steps steps of a ${grid}^2 grid (50 s here), uninterrupted: checksum $want"
    job heat-restart --nodes=1 --ntasks-per-node="$cpus" --cpus-per-task=1 --time=1 --signal=USR1@20 \
        --export=ALL,PARLAB_GRID="$grid",PARLAB_STEPS="$steps",OMPI_MCA_mpi_yield_when_idle=1 || return 1
    restarts=$(scontrol show job "$id" -o | sed -n 's/.* Restarts=\([0-9]*\) .*/\1/p')
    log=$(find "$work/out" -name 'heat-restart-*.out' | head -n 1) # one, appended to by every run
    stops=$(grep -c '^parlab: heat STOPPED: SIGUSR1 at step ' "$log")
    requeues=$(grep -c '^parlab: requeued as restart ' "$log")
    last=$(sed -n 's/^parlab: heat STOPPED: SIGUSR1 at step \([0-9]*\) .*/\1/p' "$log" | tail -n 1)
    from=$(sed -n "s/^# production  : one run of sendrecv, steps \([0-9]*\) to $steps, restarted from .*/\1/p" \
        "results/$id/heat.csv")
    got=$(sed -n "s/^# checksum    : \([0-9a-f]\{16\}\) after $steps steps\$/\1/p" "results/$id/heat.csv")
    if [ "${restarts:-0}" -ge 1 ] && [ "$stops" -eq "$restarts" ] && [ "$requeues" -eq "$restarts" ] &&
        [ -n "$last" ] && [ "$from" = "$last" ] && [ "$got" = "$want" ]; then
        ok "heat-restart (job $id): warned (SIGUSR1) and stopped with a checkpoint $stops time(s), requeued" \
            "itself (Restarts=$restarts), the last run went on from step $last; checksum $got, the uninterrupted" \
            "run's ($((SECONDS - started)) s with the calibration and that run)"
    else
        bad "heat-restart (job $id): Restarts=${restarts:-?}, $stops stop(s) by SIGUSR1, $requeues requeue(s)," \
            "last run from step '${from}' (last stop at '${last}'), checksum '${got}' (uninterrupted: $want)"
        grep '^parlab: ' "$log" | tail -n 8
    fi
    cancelled "$grid" "$steps"
}
# cancelled GRID STEPS: scancel of a running heat-restart sends SIGTERM to its steps and its script:
# the run must stop with a checkpoint, the job not requeue itself, and its log say how to go on.
cancelled() {
    local log=$work/out/heat-restart-cancelled.out state
    id=$(sbatch --parsable -o "$log" --nodes=1 --ntasks-per-node="$cpus" --cpus-per-task=1 \
        --export=ALL,PARLAB_GRID="$1",PARLAB_STEPS="$2",OMPI_MCA_mpi_yield_when_idle=1 \
        jobs/slurm/heat-restart.sbatch) || { bad "sbatch heat-restart"; return 1; }
    ids+=("$id")
    for _ in $(seq 600); do # until the run has written its first checkpoint (a tenth of the steps)
        [ -f "results/$id/heat.npy.meta" ] && break
        sleep 0.1
    done
    scancel "$id"
    for _ in $(seq 600); do
        state=$(scontrol show job "$id" -o 2>/dev/null)
        grep -Eq 'JobState=(PENDING|RUNNING|CONFIGURING|COMPLETING|SIGNALING|REQUEUED)' <<<"$state" || break
        sleep 0.2
    done
    if grep -q 'JobState=CANCELLED .*Restarts=0 ' <<<"$state" &&
        grep -q '^parlab: heat STOPPED: SIGTERM at step ' "$log" &&
        grep -q '^parlab: not continued: stopped by SIGTERM ' "$log" &&
        grep -q "^parlab:   cd $PWD && sbatch --export=ALL,PARLAB_CHECKPOINT_DIR=$PWD/results/$id,PARLAB_RESULTS=$PWD/results $PWD/jobs/slurm/heat-restart.sbatch$" "$log"; then
        ok "heat-restart cancelled (job $id): stopped with a checkpoint, not requeued, the log says how to go on"
    else
        bad "heat-restart cancelled (job $id): $(grep -o 'JobState=[A-Z]*\|Restarts=[0-9]*' <<<"$state" | tr '\n' ' ')"
        grep '^parlab: ' "$log" | tail -n 4
    fi
}
restarted

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

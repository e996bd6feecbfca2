#!/usr/bin/env bash
# slurm_test.sh: `make slurm-test`. Proves the Slurm scripts on a real Slurm: brings up a
# single-node cluster on this machine (Debian's slurm-wlm and munge: munged, slurmctld, slurmd,
# with a slurm.conf made from what `slurmd -C` reports, all state in a temporary folder), submits
# every jobs/slurm/*.sbatch unchanged (only resized to this node with sbatch options and given
# smaller problems with PARLAB_N, job arrays included), checks each job's state and exit code with scontrol and each log's verdict lines,
# and shuts the daemons down again, also when a job fails.
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
stop() {
    [ "$existing" = 1 ] || slurm_stop command
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
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
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
        tail -n 5 "$work/slurmctld.log" "$work/slurmd.log" >&2
        exit 1
    fi
    echo "slurm-test: Slurm $(sinfo -V | cut -d' ' -f2) up: node $host, $cpus CPUs, ${memory} MB"
fi
cpus=${cpus:-$(sinfo -h -o %c | head -n 1)}

passed=0
failed=0
# job NAME SBATCH-OPTIONS...: submits jobs/slurm/NAME.sbatch resized to this node, waits for it
# (and every element of an array), and checks state, exit code and the verdict of every log.
job() {
    local name=$1 id state bad
    shift
    id=$(sbatch --parsable --export=ALL,PARLAB_QUICK=1,PARLAB_N=4M -o "$work/out/$name-%A_%a.out" "$@" \
        "jobs/slurm/$name.sbatch") || { echo "FAILED: sbatch $name"; failed=$((failed + 1)); return; }
    id=${id%%;*}
    for _ in $(seq 1200); do # up to 10 minutes
        state=$(scontrol show job "$id" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort -u)
        grep -Eq 'PENDING|RUNNING|CONFIGURING|COMPLETING' <<<"$state" || break
        sleep 0.5
    done
    bad=$(scontrol show job "$id" -o | grep -v 'JobState=COMPLETED .*ExitCode=0:0' |
        grep -o 'JobId=[0-9]* \|JobState=[A-Z_]*\|ExitCode=[0-9:]*' | tr '\n' ' ')
    local logs verdicts
    logs=$(find "$work/out" -name "$name-*.out" | wc -l)
    verdicts=$(grep -l '^parlab: all steps VERIFIED' "$work/out/$name-"*.out 2>/dev/null | wc -l)
    if [ -z "$bad" ] && [ "$logs" -ge 1 ] && [ "$verdicts" -eq "$logs" ]; then
        echo "slurm-test: $name (job $id, $logs log(s)): COMPLETED, exit 0, all steps VERIFIED"
        passed=$((passed + 1))
    else
        echo "FAILED: slurm-test: $name (job $id): ${bad:-} $verdicts of $logs logs verified"
        tail -n 8 "$work/out/$name-"*.out
        failed=$((failed + 1))
    fi
    [ "$existing" = 1 ] || scancel "$id" 2>/dev/null
    rm -rf "results/$id" # a test run's results: job ids start again at 1 with the next cluster
}

job omp --cpus-per-task="$cpus"
job mpi --nodes=1 --ntasks-per-node="$cpus" --cpus-per-task=1
# (2 ranks x 2 threads does not fit 2 CPUs, even with --overcommit: one rank with every CPU)
job hybrid --nodes=1 --ntasks-per-node=1 --cpus-per-task="$cpus"
job sweep --array=1-"$cpus" --cpus-per-task="$cpus"
job bench --ntasks-per-node="$cpus" --cpus-per-task=1

# A job whose programs are not built must fail, say how to build them, and be caught here.
mkdir -p "$work/unbuilt"
id=$(sbatch --parsable --export=ALL,PARLAB_DIR="$work/unbuilt" -o "$work/out/unbuilt-%j.out" \
    --cpus-per-task=1 jobs/slurm/omp.sbatch)
for _ in $(seq 120); do
    scontrol show job "$id" -o | grep -Eq 'JobState=(PENDING|RUNNING|CONFIGURING|COMPLETING)' || break
    sleep 0.5
done
if scontrol show job "$id" -o | grep -q 'JobState=FAILED .*ExitCode=1:0' &&
    grep -q "is not built: run 'make'" "$work/out/unbuilt-$id.out"; then
    echo "slurm-test: a job without built programs failed (exit 1) and said to run make"
    passed=$((passed + 1))
else
    echo "FAILED: slurm-test: a job without built programs was not caught: $(scontrol show job "$id" -o | grep -o 'JobState=[A-Z]*')"
    failed=$((failed + 1))
fi
rm -rf "$work/unbuilt/results"

echo
echo "slurm-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# pbs_test.sh: `make pbs-test`. Proves the PBS Pro scripts as far as a machine without PBS can:
#   1. every #PBS line parses: -N, -l select=N:ncpus=C:mpiprocs=P:ompthreads=T[:ngpus=G] with
#      C = P x T, -l walltime=HH:MM:SS, -j oe, -J A-B;
#   2. every script runs to the end in a simulated PBS job: the variables PBS sets (PBS_JOBID,
#      PBS_O_WORKDIR, PBS_NODEFILE listing this host once per rank, OMP_NUM_THREADS as ompthreads
#      sets it, PBS_ARRAY_INDEX and PBS_ARRAY_ID for arrays), resized to this machine; the
#      programs and mpirun are real, only qsub and the PBS server are not. The scaling jobs must
#      collect a row per rank count (1, 2, 4, ... the node file's lines); the gpu job must verify
#      with PARLAB_OFFLOAD=DEFAULT and, where OpenMP sees no device, refuse under its MANDATORY;
#   3. the restartable job (heat-restart) past its walltime: its own timer stops the run with a
#      checkpoint, it submits its continuation (a fake qsub on PATH records it) with the checkpoint
#      folder and the restart count; the test runs each continuation as PBS would start it, until
#      one verifies with the checksum of the same run done in one go. qdel (SIGTERM to every
#      process of the job) stops it with a checkpoint and no continuation; so does the restart cap.
# Not proven here: qsub's own reading of the directives (and of -v), PBS's placement on real
# nodes, and how a real PBS signals a job (which processes, kill_delay).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh
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
# This machine, not the scripts, needs the rest: node files with more lines than it has cores
# (Open MPI 5's mpirun binds each rank to a core by default and refuses, exit 213, unless told not
# to bind), ranks that yield when oversubscribed, and Open MPI 5's TCP transport kept off IPv6,
# which it cannot pair between the interfaces of a chroot here (mpilaunch does the same).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
export PRTE_MCA_hwloc_default_binding_policy=none OMPI_MCA_btl_tcp_disable_family=6
# Simulated job ids (the results folders results/<id> are removed at the end): one per job, one
# shared by the elements of an array.
ids=()
# prepare NAME RANKS THREADS [ARRAY-INDEX]: a new job: sets id, log ($work/NAME-ID.log) and job, the
# command that runs jobs/pbs/NAME.pbs as PBS would, small problems, results in results/$id.
# Settings such as PARLAB_OFFLOAD reach the job from the caller's environment; job_env (NAME=VALUE
# ...) is the job's own, as qsub -v gives them.
job_env=()
prepare() {
    local name=$1 ranks=$2 threads=$3 index=${4:-}
    id=$((990000 + ${#ids[@]}))
    [ -n "$index" ] && id=990099
    ids+=("$id")
    log=$work/$name${index:+-$index}-$id.log
    for _ in $(seq "$ranks"); do hostname; done >"$work/nodefile"
    job=(env PBS_JOBID="$id${index:+[$index]}.pbs-test" PBS_O_WORKDIR="$PWD"
        PBS_NODEFILE="$work/nodefile" OMP_NUM_THREADS="$threads" PARLAB_QUICK=1 PARLAB_N=4M
        PARLAB_GRID=256 ${index:+PBS_ARRAY_INDEX=$index PBS_ARRAY_ID=${id}[].pbs-test}
        ${job_env[@]+"${job_env[@]}"} bash "jobs/pbs/$name.pbs")
}
# simulate NAME RANKS THREADS [ARRAY-INDEX]: prepares the job and runs it; the script's exit status.
simulate() {
    prepare "$@"
    "${job[@]}" >"$log" 2>&1
}
run() { # NAME RANKS THREADS [ARRAY-INDEX]: the job must verify every step
    if simulate "$@" && grep -q '^parlab: all steps VERIFIED' "$log" && progress_done "$log"; then
        echo "pbs-test: $1${4:+ element $4} ($2 ranks x $3 threads): all steps VERIFIED, progress to the last"
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
PARLAB_STEPS=2000 run heat-restart 2 1
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

# ---- 3. heat-restart past its walltime --------------------------------------------------------
# The job stops its steps 120 s before the walltime: PARLAB_WALLTIME=124 gives each run 4 s. The
# run takes about 15 s here (steps calibrated), so the job runs out of time at least once.
# Every qsub the scripts call goes to a fake one, which keeps its working folder and arguments in
# $work/queue/N; the test then starts that job as PBS would (its -v settings in the environment).
mkdir -p "$work/bin" "$work/queue"
cat >"$work/bin/qsub" <<'EOF'
#!/bin/bash
n=$(( $(find "$PBS_TEST_QUEUE" -type f | wc -l) + 1 ))
{ pwd; printf '%s\n' "$@"; } >"$PBS_TEST_QUEUE/$n"
echo "$n.pbs-test"
EOF
chmod +x "$work/bin/qsub"
export PBS_TEST_QUEUE=$work/queue
started=$SECONDS
queued() { find "$work/queue" -type f | wc -l; }
# checksum FILE STEPS: the final checksum that the run in FILE printed, after STEPS steps.
checksum() { sed -n "s/^# checksum    : \([0-9a-f]\{16\}\) after $2 steps\$/\1/p" "$1" 2>/dev/null; }
plb_launch --timeout 120 2 mpi_heat -n 256 -V sendrecv --steps 20000 --check exact --checkpoint "$work/calibrate.npy" \
    --every 20000 --csv >"$work/calibrate.csv" 2>&1
steps=$(awk -v s="$(plb_csv '{ print col("median_s") }' "$work/calibrate.csv")" \
    'BEGIN { if (s > 0) printf "%d", 20000 * 15 / s }')
plb_launch --timeout 300 2 mpi_heat -n 256 -V sendrecv --steps "${steps:-0}" --check exact \
    --checkpoint "$work/whole.npy" --every "${steps:-0}" >"$work/whole.out" 2>&1
want=$(checksum "$work/whole.out" "${steps:-0}")
if [ -z "$want" ]; then
    bad "heat-restart: the uninterrupted run: $(tail -n 2 "$work/calibrate.csv" "$work/whole.out")"
else
    job_env=(PATH="$work/bin:$PATH" PARLAB_WALLTIME=124 PARLAB_STEPS="$steps")
    simulate heat-restart 2 1
    status=$?
    checkpoints=$PWD/results/$id # where every continuation must look
    for ((k = 1; k <= 20; k++)); do # the continuations, one after the other
        [ "$status" -eq 0 ] && [ "$(queued)" -eq "$((k - 1))" ] && break
        entry=$work/queue/$k
        if [ "$status" -ne 0 ] || [ ! -f "$entry" ] || [ "$(head -n 1 "$entry")" != "$PWD" ] ||
            ! grep -qx -- "walltime=124" "$entry" || [ "$(tail -n 1 "$entry")" != "$PWD/jobs/pbs/heat-restart.pbs" ] ||
            ! grep -q "^parlab: heat STOPPED: SIGUSR1 at step [0-9]* of $steps\$" "$log" ||
            ! grep -q "^parlab: continued as restart $k: " "$log"; then
            bad "heat-restart, run $k (exit $status): wanted a stop by SIGUSR1 and a continuation queued:" \
                "$(tail -n 3 "$log")"
            break
        fi
        settings=$(sed -n '/^-v$/{n;p}' "$entry")
        if [[ ,$settings, != *",PARLAB_CHECKPOINT_DIR=$checkpoints,"* ]] ||
            [[ ,$settings, != *",PARLAB_RESTART_COUNT=$k,"* ]] || [[ ,$settings, != *",PARLAB_STEPS=$steps,"* ]] ||
            [[ ,$settings, != *",PARLAB_RESULTS=$PWD/results,"* ]]; then
            bad "heat-restart, run $k: qsub -v '$settings' lacks the checkpoint folder, restart count, steps or results folder"
            break
        fi
        IFS=, read -ra job_env <<<"$settings"
        job_env+=(PATH="$work/bin:$PATH")
        simulate heat-restart 2 1
        status=$?
    done
    got=$(checksum "results/$id/heat.csv" "$steps")
    restarts=$(queued)
    if [ "$status" -eq 0 ] && [ "$restarts" -ge 1 ] && [ "$got" = "$want" ] &&
        grep -q "^parlab: done after $restarts restart(s) of the job" "$log" &&
        grep -q '^parlab: all steps VERIFIED' "$log"; then
        echo "pbs-test: heat-restart: $steps steps, stopped before the walltime and continued by qsub $restarts" \
            "time(s), then VERIFIED with checksum $got, the uninterrupted run's"
        ok
    elif [ "$status" -eq 0 ] && [ "$restarts" -eq 0 ]; then
        bad "heat-restart: the run ended before the walltime's stop: nothing was continued"
    else
        bad "heat-restart: after $restarts continuation(s), exit $status, checksum '$got' (uninterrupted: $want):" \
            "$(tail -n 3 "$log")"
    fi

    # The cap: a job continued PARLAB_MAX_RESTARTS times already is not continued again.
    job_env=(PATH="$work/bin:$PATH" PARLAB_WALLTIME=124 PARLAB_STEPS="$steps" PARLAB_RESTART_COUNT=3
        PARLAB_MAX_RESTARTS=3)
    before=$(queued)
    simulate heat-restart 2 1
    status=$?
    if [ "$status" -eq 4 ] && [ "$(queued)" -eq "$before" ] &&
        grep -q '^parlab: not continued: it has been continued 3 times, PARLAB_MAX_RESTARTS' "$log"; then
        ok
    else
        bad "heat-restart at PARLAB_MAX_RESTARTS: wanted exit 4 and no continuation, got $status: $(tail -n 2 "$log")"
    fi

    # qdel: SIGTERM to every process of the job (PBS starts it as a session of its own). The ranks
    # stop with a checkpoint, the job is not continued and says how to go on.
    job_env=(PATH="$work/bin:$PATH" PARLAB_STEPS="$steps")
    before=$(queued)
    prepare heat-restart 2 1
    setsid "${job[@]}" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 300); do # until the run has written its first checkpoint
        [ -f "results/$id/heat.npy.meta" ] && break
        sleep 0.1
    done
    kill -TERM -- "-$pid"
    wait "$pid"
    status=$?
    if [ "$status" -eq 4 ] && [ "$(queued)" -eq "$before" ] &&
        grep -q '^parlab: heat STOPPED: SIGTERM at step ' "$log" &&
        grep -q '^parlab: not continued: stopped by SIGTERM (scancel, qdel, or the time limit itself)' "$log" &&
        grep -q "^parlab:   cd $PWD && qsub -v PARLAB_CHECKPOINT_DIR=$PWD/results/$id,PARLAB_RESULTS=$PWD/results $PWD/jobs/pbs/heat-restart.pbs" "$log"
    then
        echo "pbs-test: heat-restart under qdel (SIGTERM to the job's processes): stopped with a checkpoint," \
            "not continued (heat-restart's tests: $((SECONDS - started)) s)"
        ok
    else
        bad "heat-restart under SIGTERM: wanted exit 4, a stop by SIGTERM and no continuation, got $status: $(tail -n 3 "$log")"
    fi
    job_env=()
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

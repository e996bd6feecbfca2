#!/usr/bin/env bash
# render.sh: turns each job description jobs/describe/NAME.job into the scripts people submit:
# jobs/slurm/NAME.sbatch (Slurm), jobs/pbs/NAME.pbs (PBS Pro) and jobs/laptop/NAME.sh (plain
# mpirun on one machine), so the three never drift apart. The generated scripts are committed;
# `render.sh --check` fails when they are not what the descriptions give (make lint-jobs runs it).
# A description sets SUMMARY, MODE (omp, mpi, hybrid, bench), NODES, RANKS_PER_NODE, THREADS,
# WALLTIME and STEPS ("NAME COMMAND ARGS..." each), and optionally ARRAY (A-B: a job array),
# COLLECT (one CSV that gathers every step's rows), SCALE=ranks (every step at 1, 2, 4, ... ranks
# and at all of them), GPUS (GPUs per node; the programs then must offload) and RESTARTABLE=1
# with WARNING=SECONDS (the steps are production runs with checkpoints that the job continues past
# its time limit: see restartable()).
# shellcheck disable=SC2016 # the single-quoted lines are code for the generated scripts
set -u
cd "$(dirname "$0")/.." || exit 1

check=0
[ "${1:-}" = --check ] && check=1
target="jobs"
if [ "$check" = 1 ]; then
    target=$(mktemp -d)
    trap 'rm -rf "$target"' EXIT
fi
mkdir -p "$target/slurm" "$target/pbs" "$target/laptop"

# SCALE=ranks: every step at 1, 2, 4, ... ranks and at all of the job's, named NAME-npK; a Slurm
# step asks for as few nodes as hold its ranks, mpirun fills the node file in order, so the small
# counts run inside one node and the curve shows where the job leaves it.
scaling_steps() {
    cat <<'EOF'
# rank_counts N: 1, 2, 4, ... below N, then N.
rank_counts() {
    local k=1
    while [ "$k" -lt "$1" ]; do
        echo "$k"
        k=$((k * 2))
    done
    echo "$1"
}

EOF
    echo "steps_total=\$(( \$(rank_counts \"\$ranks\" | wc -l) * ${#STEPS[@]} ))"
    cat <<'EOF'
for np in $(rank_counts "$ranks"); do
EOF
    local s name command
    for s in "${STEPS[@]}"; do
        read -r name command <<<"$s"
        echo "    step \"$name-np\$np\" $command"
    done
    echo 'done'
}

# The part every script shares: set-up, the step runner, the steps, the verdict. Before it, each
# scheduler's script defines scheduler, job_id, index, ranks, threads and launch().
body() {
    echo
    if [ "$MODE" = omp ] || [ "$MODE" = bench ]; then
        echo 'export OMP_NUM_THREADS=$threads OMP_PLACES=cores OMP_PROC_BIND=close'
    else
        # Ranks: binding is the launcher's. OMP_PROC_BIND in a rank the launcher left unbound
        # pins its threads to the first cores it may use, every rank's on a node to the same ones:
        # set, for threaded ranks, only by the launch() that binds each rank to cores of its own.
        echo 'export OMP_NUM_THREADS=$threads'
    fi
    if [ -n "${GPUS:-}" ]; then
        # MANDATORY: on a node without a usable GPU the programs refuse (exit 2, one line saying
        # why) instead of quietly running the target regions on the host's cores.
        echo 'export OMP_TARGET_OFFLOAD=${PARLAB_OFFLOAD:-MANDATORY}'
    fi
    cat <<'EOF'
# The results' folder, made absolute before the cd: never inside an installed PARLAB_DIR.
[[ $PARLAB_RESULTS == /* ]] || PARLAB_RESULTS=$submitted_in/$PARLAB_RESULTS
cd "$PARLAB_DIR" || { echo "parlab: cannot enter PARLAB_DIR=$PARLAB_DIR"; exit 1; }
if [ -n "$PARLAB_MODULES" ]; then
    # shellcheck disable=SC2086 # a list of module names
    module load $PARLAB_MODULES || exit 1
fi
EOF
    echo "programs=(${programs[*]})"
    echo 'for program in "${programs[@]}"; do'
    cat <<'EOF'
    if [ ! -x "bin/$program" ]; then
        echo "parlab: $PARLAB_DIR/bin/$program is not built: run 'make' there, or module load parlab (see README.md)"
        exit 1
    fi
done
out=$PARLAB_RESULTS/$job_id
mkdir -p "$out" || exit 1
echo "parlab: job $job_id${index:+ element $index} on $(hostname): $ranks ranks x $threads threads, parlab in $PARLAB_DIR, results in $out"

failed=0
# Progress in the log after every step: [done/total, seconds so far, the time left at that pace]
# (plb_progress, of the scripts' helpers beside the programs).
# shellcheck source=/dev/null
. scripts/run/parlab.sh
steps_done=0
job_start=$(date +%s)
EOF
    case $MODE in mpi | hybrid) echo 'np=$ranks # the ranks a step runs on: all of the job'\''s, but in a scaling loop' ;; esac
    if [ -n "${RESTARTABLE:-}" ]; then
        cat <<'EOF'
# Checkpoints (the same folder in every run of the job, whatever its id: Slurm keeps the id on a
# requeue, a PBS continuation is told the folder) and what stopped a step, if anything did.
checkpoints=${PARLAB_CHECKPOINT_DIR:-$out}
[[ $checkpoints == /* ]] || checkpoints=$submitted_in/$checkpoints # relative: as PARLAB_RESULTS
mkdir -p "$checkpoints" && checkpoints=$(cd "$checkpoints" && pwd) || exit 1
echo "parlab: checkpoints in $checkpoints; restart $restarts (at most PARLAB_MAX_RESTARTS=$PARLAB_MAX_RESTARTS)"
stopped='' progress=0 terminated=''
# checkpoint_step FILE: the step the checkpoint FILE holds (0: none yet).
checkpoint_step() {
    local at
    at=$(sed -n 's/.*"step": \([0-9]*\),.*/\1/p' "$1.meta" 2>/dev/null)
    echo "${at:-0}"
}
EOF
    fi
    cat <<'EOF'
# step NAME COMMAND...: runs one step; its CSV goes to $out/NAME.csv with the job in its header,
# its verdict to this log.
step() {
    local name=$1 verdict status why
    shift
    name=$name${index:+-$index}
EOF
    if [ -n "${RESTARTABLE:-}" ]; then
        cat <<'EOF'
    if [ -n "$stopped" ]; then
        echo "parlab: step $name: not run: the job stopped"
        return 0
    fi
    # A production run with checkpoints, from the last one when there is one (or when a run was
    # killed between renaming a checkpoint's field and its record: the program finishes that).
    local file=$checkpoints/$name.npy at reached
    at=$(checkpoint_step "$file")
    set -- "$@" --checkpoint "$file"
    if [ -f "$file.meta" ] || { [ -f "$file" ] && [ -f "$file.meta.tmp" ]; }; then
        set -- "$@" --restart "$file"
    fi
EOF
    fi
    # (run: the launch that the time limit's warning can stop, in a restartable job)
    local runner=launch
    [ -n "${RESTARTABLE:-}" ] && runner=run
    cat <<EOF
    echo "parlab: step \$name: \$*"
    if $runner "\$@" --csv >"\$out/\$name.part" 2>"\$out/\$name.err"; then
EOF
    cat <<'EOF'
        verdict=$(grep -E '^(VERIFIED|FAILED|DEADLOCK)' "$out/$name.err" | tail -n 1)
    else
        status=$?
        # The program's own last word ("PROGRAM: why"), not the launcher's about its exit, which
        # srun may write after it.
        why=$(grep -E "^(FAILED|DEADLOCK|${1##*/}: )" "$out/$name.err" | tail -n 1)
        verdict="FAILED: exit $status: ${why:-$(tail -n 1 "$out/$name.err")}"
    fi
EOF
    if [ -n "${RESTARTABLE:-}" ]; then
        cat <<'EOF'
    # Stopped by a signal after writing a checkpoint: "STOPPED: SIGUSR1 at step N of M: FILE holds
    # it; ...", and the checkpoint at step N; the ranks exit 4, the launcher with 4, its own code
    # when it was signalled too, or 0 (MPICH's Hydra, signalled). A run again with --restart goes
    # on from there.
    why=$(sed -n 's/^\(STOPPED: SIG[A-Z0-9]* at step [0-9]* of [0-9]*\): .*/\1/p' "$out/$name.err" | tail -n 1)
    reached=${why#* at step }
    if [ -n "$why" ] && [ "$(checkpoint_step "$file")" = "${reached%% *}" ]; then
        verdict=$why
        stopped=${why#STOPPED: }
        stopped=${stopped%% *}
    elif [ -n "$terminated" ] && [ "$(checkpoint_step "$file")" -gt 0 ]; then
        # Terminated, and the launcher ended the ranks before their word reached this log (Open
        # MPI 5's mpirun, given SIGTERM, exits 1 at once): the last checkpoint holds the run.
        verdict="STOPPED: $terminated at step $(checkpoint_step "$file"), the last checkpoint (the launcher exited ${status:-0} before the ranks reported)"
        stopped=$terminated
    fi
EOF
    fi
    if [ -n "${RESTARTABLE:-}" ]; then
        cat <<'EOF'
    [ "$(checkpoint_step "$file")" -gt "$at" ] && progress=1
    [ "$verdict" = VERIFIED ] || [ -n "$stopped" ] || failed=$((failed + 1))
EOF
    else
        echo '    [ "$verdict" = VERIFIED ] || failed=$((failed + 1))'
    fi
    cat <<'EOF'
    { echo "# job script  : $scheduler $job_id${index:+ array element $index}"; cat "$out/$name.part"; } >"$out/$name.csv"
    rm -f "$out/$name.part"
EOF
    if [ -n "${COLLECT:-}" ]; then
        cat <<EOF
    # Every step (and array element) adds its rows to one CSV, one writer at a time.
    (
        flock 9
        [ -s "\$out/$COLLECT" ] ||
            { echo "# job script  : \$scheduler \$job_id"; grep -v '^#' "\$out/\$name.csv" | head -n 1; } >"\$out/$COLLECT"
        grep -v '^#' "\$out/\$name.csv" | tail -n +2 >>"\$out/$COLLECT"
    ) 9>"\$out/$COLLECT.lock"
EOF
    fi
    cat <<'EOF'
    echo "parlab: $name $verdict"
    steps_done=$((steps_done + 1))
    echo "parlab: progress $(plb_progress "$steps_done" "$steps_total" "$job_start")"
}

EOF
    if [ "$MODE" = bench ]; then
        cat <<'EOF'
echo "parlab: step bench: scripts/bench/bench.sh (QUICK=${PARLAB_QUICK:-0}); its progress per point:"
# Its whole output in bench.log; its progress lines, [point/points, s, time left], here too.
# (Its run folder inside this job's, so that two bench jobs never share a results/latest.)
if QUICK=${PARLAB_QUICK:-0} PARLAB_RESULTS=$out/make-bench scripts/bench/bench.sh 2>&1 | tee "$out/bench.log" |
    sed -un 's/^\(\[[0-9]*\/[0-9]*, [^]]*\]\).*/parlab: bench \1/p'; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    cp -r "$out/make-bench/latest/." "$out/" && rm -rf "$out/make-bench" && echo "parlab: bench VERIFIED"
else
    failed=1
    echo "parlab: bench FAILED: $(tail -n 1 "$out/bench.log")"
fi
EOF
    fi
    if [ "${SCALE:-}" = ranks ]; then
        scaling_steps
    else
        echo "steps_total=${#STEPS[@]}"
        for s in "${STEPS[@]}"; do
            echo "step ${s//\$PARLAB_INDEX/\"\$index\"}"
        done
    fi
    if [ -n "${RESTARTABLE:-}" ]; then
        echo
        cat <<'EOF'
# Stopped with checkpoints: by the time limit's warning (SIGUSR1), the job continues itself, unless
# that would loop (no step got further, or PARLAB_MAX_RESTARTS reached); stopped otherwise (scancel,
# qdel: SIGTERM), it says how to go on. Exit 4, as the programs': run again to continue.
if [ "$failed" -eq 0 ] && [ -n "$stopped" ]; then
    if [ "$stopped" != SIGUSR1 ] || [ -n "$terminated" ]; then
        why="stopped by ${terminated:-$stopped} (scancel, qdel, or the time limit itself), not by the warning before it"
    elif [ "$progress" = 0 ]; then
        why="no step got past its last checkpoint in this run: continuing would go round in circles"
    elif [ "$restarts" -ge "$PARLAB_MAX_RESTARTS" ]; then
        why="it has been continued $restarts times, PARLAB_MAX_RESTARTS"
    else
        continue_job # returns only when it could not
        why="it could not be continued"
    fi
    echo "parlab: not continued: $why. The checkpoints in $checkpoints hold the run; to go on:"
    echo "parlab:   $(continue_by_hand)"
    exit 4
fi
[ "$restarts" -gt 0 ] && [ "$failed" -eq 0 ] && echo "parlab: done after $restarts restart(s) of the job"
EOF
    fi
    cat <<'EOF'

if [ "$failed" -eq 0 ]; then
    echo "parlab: all steps VERIFIED; results in $out"
else
    echo "parlab: $failed step(s) FAILED; see $out/*.err"
    exit 1
fi
EOF
}

header_comment() { # SCHEDULER SUBMIT-HOWTO
    cat <<EOF
# parlab job "$name" for $1: $SUMMARY
# Generated by jobs/render.sh from jobs/describe/$name.job: edit that, then run make jobs.
#
# Submit from the parlab checkout, after 'make': $2
# or, parlab installed (make install) and its module loaded, from any folder:
#   ${2/jobs\//\$PARLAB_HOME/jobs/}
# parlab: PARLAB_DIR, else $([[ $1 == a\ laptop* ]] && echo "the tree this script is in (a checkout or an install)" ||
    echo "the install PARLAB_HOME names, else the folder submitted from").
# Results: results/<job id>/ in the folder submitted from (PARLAB_RESULTS: another), one CSV per
# step (its header names the job), verdicts in the job log.
EOF
    [ -n "${COLLECT:-}" ] && echo "# Every step's rows are also collected in results/<job id>/$COLLECT."
    if [ -n "${RESTARTABLE:-}" ]; then
        echo '#'
        echo "# Restartable: each step is a production run that writes checkpoints (STEP.npy and .npy.meta in"
        echo '# PARLAB_CHECKPOINT_DIR); stopped by SIGUSR1 or SIGTERM it writes one more and exits 4, and the'
        echo '# next run goes on from it (--restart) to the field an uninterrupted run ends with.'
        case $1 in
            Slurm) cat <<EOF
# Slurm sends the steps SIGUSR1 $WARNING s before the time limit (--signal, up to a minute earlier);
# the job then requeues itself (scontrol requeue: the same job id, results folder and log) until
# the steps are done. scancel (SIGTERM) stops it for good: the log says how to go on.
EOF
                ;;
            PBS*) cat <<EOF
# PBS has no warning before the walltime: this script stops the steps itself, with SIGUSR1 to the
# launcher (mpirun passes it on to the ranks) $WARNING s before the job's walltime, and submits its
# continuation (qsub of this script, with PARLAB_CHECKPOINT_DIR and the restart count) until the
# steps are done. qdel (SIGTERM) stops it for good: the log says how to go on.
EOF
                ;;
            *) cat <<EOF
# A laptop has no time limit: the steps run to the end. Stopped (SIGUSR1 to mpirun or to the
# ranks), the script says how to go on.
EOF
                ;;
        esac
    fi
    if [ -n "${GPUS:-}" ]; then
        cat <<'EOF'
#
# GPU: build the programs with 'make OFFLOAD=nvptx' (GCC's nvptx offload compiler; a login node
# without a GPU will do). Where the GPU node lacks GCC's offload runtime, copy libgomp.so.1 and
# libgomp-plugin-nvptx.so.1 of the GCC that built them (Debian: /usr/lib/x86_64-linux-gnu/) into
# a folder the node sees and point LD_LIBRARY_PATH at it: export it before submitting (qsub: -V).
EOF
    fi
    echo '#'
    echo '# Site settings: edit here, or export them before submitting.'
    # Only the settings this job's steps read.
    grep -q 'PARLAB_N:-' <<<"${STEPS[*]}" &&
        echo "#   PARLAB_N: the problem size of every step that takes one (default: each step's own, node-sized)"
    if grep -q -- '--weak' <<<"${STEPS[*]}"; then
        echo "#   PARLAB_GRID: each rank's block of the heat equation's grid, N or RxC (default: the step's own)"
    elif grep -q 'PARLAB_GRID:-' <<<"${STEPS[*]}"; then
        echo "#   PARLAB_GRID: the heat equation's grid, N or RxC (default: each step's own, node-sized)"
    fi
    [ "$MODE" = bench ] && echo "#   PARLAB_QUICK: 1 for the quick sweep (default: 0, the whole one)"
    [ -n "${GPUS:-}" ] &&
        echo "#   PARLAB_OFFLOAD: OMP_TARGET_OFFLOAD (default: MANDATORY, no quiet fallback to the host)"
    grep -q 'PARLAB_STEPS:-' <<<"${STEPS[*]}" &&
        echo "#   PARLAB_STEPS: the time steps of the whole run, over all the job's restarts (default: the step's own)"
    if [ -n "${RESTARTABLE:-}" ]; then
        echo "#   PARLAB_CHECKPOINT_DIR: the checkpoints' folder (default: results/<job id>/); to go on by hand"
        echo "#     from a stopped run, point it at that run's folder, with the same settings"
        [[ $1 == a\ laptop* ]] ||
            echo "#   PARLAB_MAX_RESTARTS: the most times the job continues itself (default: 50)"
        [[ $1 == PBS* ]] &&
            echo "#   PARLAB_WALLTIME: HH:MM:SS or seconds to stop before (default: the job's, from qstat, or $WALLTIME)"
    fi
    local timeout="mpilaunch's 600"
    [ -n "${RESTARTABLE:-}" ] && timeout='a week'
    [[ $1 == a\ laptop* ]] && [[ $MODE == mpi || $MODE == hybrid ]] &&
        echo "#   PARLAB_TIMEOUT: seconds after which a step is ended (default: $timeout)"
    return 0
}

# either_mpi HYDRA-COMMAND OPENMPI-COMMAND: a launch() in the spelling of the mpirun it finds when
# it runs (after PARLAB_MODULES are loaded), Hydra's (MPICH, Intel MPI, MVAPICH) or Open MPI's.
either_mpi() {
    echo 'launch() {'
    echo "    if mpirun --version 2>&1 | grep -Eq 'HYDRA|Intel\\(R\\) MPI'; then"
    echo "        $1"
    echo '    else'
    echo "        $2"
    echo '    fi'
    echo '}'
}

launcher() { # SCHEDULER: the launch() function for this job's mode
    case $1/$MODE in
        slurm/omp) echo 'launch() { srun --ntasks=1 --cpus-per-task="$threads" "$@"; }' ;;
        slurm/mpi | slurm/hybrid)
            # Slurm 22.05 and later no longer hand --cpus-per-task on to srun: say it again. A step
            # on fewer ranks than the job's asks for as few nodes as hold them (it would be spread
            # over all of them otherwise).
            cat <<'EOF'
ranks_per_node=$(( (ranks + ${SLURM_JOB_NUM_NODES:-1} - 1) / ${SLURM_JOB_NUM_NODES:-1} ))
EOF
            if [ "$MODE" = mpi ]; then
                cat <<'EOF'
launch() {
    srun ${PARLAB_SRUN_MPI:+"$PARLAB_SRUN_MPI"} --nodes=$(( (np + ranks_per_node - 1) / ranks_per_node )) \
        --ntasks="$np" --cpus-per-task="$threads" "$@"
}
EOF
            else # each rank bound to cores of its own (a Slurm without task/affinity says it cannot)
                cat <<'EOF'
launch() {
    OMP_PLACES=cores OMP_PROC_BIND=close srun ${PARLAB_SRUN_MPI:+"$PARLAB_SRUN_MPI"} \
        --nodes=$(( (np + ranks_per_node - 1) / ranks_per_node )) --ntasks="$np" \
        --cpus-per-task="$threads" --cpu-bind=cores "$@"
}
EOF
            fi
            ;;
        pbs/omp | laptop/omp | */bench) echo 'launch() { "$@"; }' ;;
        pbs/mpi)
            either_mpi 'mpirun -n "$np" -f "$PBS_NODEFILE" -genvlist OMP_NUM_THREADS "$@"' \
                'mpirun -np "$np" --hostfile "$PBS_NODEFILE" -x OMP_NUM_THREADS "$@"' ;;
        pbs/hybrid) # Hydra binds nothing by default: each rank's threads may use the node's cores;
            # Open MPI binds each rank to $threads cores, the node file's slots in order.
            either_mpi 'mpirun -n "$np" -f "$PBS_NODEFILE" -ppn "$ranks_per_node" -genvlist OMP_NUM_THREADS "$@"' \
                'mpirun -np "$np" --hostfile "$PBS_NODEFILE" --map-by "slot:PE=$threads" -x OMP_NUM_THREADS -x OMP_PLACES=cores -x OMP_PROC_BIND=close "$@"' ;;
        laptop/mpi) echo 'launch() { scripts/run/mpilaunch ${PARLAB_TIMEOUT:+--timeout "$PARLAB_TIMEOUT"} "$np" "$@"; }' ;;
        laptop/hybrid)
            echo 'launch() { scripts/run/mpilaunch ${PARLAB_TIMEOUT:+--timeout "$PARLAB_TIMEOUT"} --threads "$threads" "$np" "$@"; }' ;;
    esac
}

# RESTARTABLE=1: every step is a production run that writes checkpoints ($checkpoints/STEP.npy)
# and, stopped by a signal, writes one more and exits 4 (mpi_heat --checkpoint). WARNING seconds
# before the time limit the steps get SIGUSR1 (Slurm: --signal, sent to the job's tasks; PBS, which
# has no such warning: this script's own timer, sent to the launcher, which passes it on to every
# rank); the job then continues itself: Slurm requeues it (same id, the log appended to), PBS gets
# a continuation submitted with qsub; a laptop has no limit and no scheduler: it says how to go on.
# After launch(): run, continue_job and continue_by_hand for SCHEDULER.
restartable() { # SCHEDULER
    echo 'PARLAB_MAX_RESTARTS=${PARLAB_MAX_RESTARTS:-50}'
    case $1 in
        slurm)
            cat <<'EOF'
restarts=${SLURM_RESTART_COUNT:-0}
# scancel, and the time limit itself, send SIGTERM to the steps and to this script: the steps stop
# with a checkpoint, and this script stays to say how to go on (before SIGKILL, KillWait later).
trap 'terminated=SIGTERM' TERM
run() { launch "$@"; }
# scontrol requeue puts the job back in the queue under the same id and ends this script at once
# (Slurm kills the job's processes: "CANCELLED ... DUE TO JOB REQUEUE"); the next run has
# SLURM_RESTART_COUNT one higher. (Exiting with a code that slurm.conf's RequeueExit names would
# do the same, but that is the site's setting, not the job's.) A requeued job waits before it
# starts again: slurm.conf's AuthInfo cred_expire, 120 s by default.
continue_job() {
    echo "parlab: requeued as restart $((restarts + 1)): job $SLURM_JOB_ID starts again, this log goes on"
    scontrol requeue "$SLURM_JOB_ID" && exit 0
    echo "parlab: scontrol requeue $SLURM_JOB_ID failed (does this Slurm allow requeues? sbatch --requeue)"
    return 1
}
EOF
            echo "continue_by_hand() { printf 'cd %q && sbatch --export=ALL,PARLAB_CHECKPOINT_DIR=%q,PARLAB_RESULTS=%q %q' \"\$submitted_in\" \"\$checkpoints\" \"\$PARLAB_RESULTS\" \"\$PARLAB_DIR/jobs/slurm/$name.sbatch\"; }"
            ;;
        pbs)
            cat <<EOF
restarts=\${PARLAB_RESTART_COUNT:-0}
# The walltime (PARLAB_WALLTIME, else qstat's record of the job's, else the #PBS line's) and when
# this script stops the steps: $WARNING s before it, counted in \$SECONDS from the job's start; the
# account, which the continuation is charged to as well.
record=\$(qstat -f "\$PBS_JOBID" 2>/dev/null)
walltime=\${PARLAB_WALLTIME:-\$(sed -n 's/^ *Resource_List.walltime = //p' <<<"\$record")}
walltime=\${walltime:-$WALLTIME}
account=\$(sed -n 's/^ *Account_Name = //p' <<<"\$record")
stop_at=\$(( \$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + \$i; print s }' <<<"\$walltime") - $WARNING ))
if [ "\$stop_at" -le 0 ]; then
    echo "parlab: a walltime of \$walltime leaves nothing before the stop, $WARNING s ahead of it"
    exit 1
fi
EOF
            cat <<'EOF'
# children PID: its child processes.
children() { cat /proc/"$1"/task/*/children 2>/dev/null; }
# run COMMAND...: launch COMMAND in the background and wait for it. SIGUSR1 goes to its launcher
# (mpirun: Open MPI's and MPICH's pass it on to every rank) at stop_at, and at once when this
# script gets SIGTERM (qdel; or PBS at the walltime, should the stop not have ended the steps):
# the steps then stop with a checkpoint, and the job is not continued. (PBS may signal the ranks
# and mpirun too; Open MPI's mpirun, given SIGTERM, kills the ranks 1 s later, which may be before
# their checkpoint: the last periodic one then holds the run.)
run() {
    local pid timer status
    # (the subshell that runs launch ignores SIGTERM, so that it waits for the launcher, which
    # sets its own handlers, when PBS signals every process of the job)
    (
        trap '' TERM
        launch "$@"
    ) &
    pid=$!
    # shellcheck disable=SC2046 # a list of pids
    trap 'terminated=SIGTERM; kill -USR1 $(children "$pid") 2>/dev/null' TERM
    # shellcheck disable=SC2046
    { sleep $((stop_at > SECONDS ? stop_at - SECONDS : 0)) && kill -USR1 $(children "$pid") 2>/dev/null; } &
    timer=$!
    while :; do
        wait "$pid"
        status=$?
        # (a trapped signal interrupts wait: the launcher is still there)
        if [ "$status" -le 128 ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
    done
    trap - TERM
    # shellcheck disable=SC2046
    kill $(children "$timer") "$timer" 2>/dev/null
    return "$status"
}
# continue_job: submits the continuation: this script again (PARLAB_DIR's), from the folder this
# job was submitted from (where its log goes: not an install, which may be read-only), with this job's
# walltime, queue and account, every PARLAB_ setting, the checkpoint folder and the restart count.
# (Other qsub options, -l select for one, are the script's own #PBS lines again.)
continue_job() {
    local setting settings=''
    for setting in $(compgen -v PARLAB_); do
        case $setting in PARLAB_CHECKPOINT_DIR | PARLAB_RESTART_COUNT) continue ;; esac
        case ${!setting} in *,*)
            echo "parlab: $setting='${!setting}' holds a comma, which qsub -v cannot pass on"
            return 1 ;;
        esac
        settings+="$setting=${!setting},"
    done
    settings+="PARLAB_CHECKPOINT_DIR=$checkpoints,PARLAB_RESTART_COUNT=$((restarts + 1))"
    echo "parlab: continued as restart $((restarts + 1)): qsub of the same script (walltime $walltime)"
EOF
            echo "    (cd \"\$submitted_in\" && qsub \${PBS_QUEUE:+-q \"\$PBS_QUEUE\"} \${account:+-A \"\$account\"} -l \"walltime=\$walltime\" -v \"\$settings\" \"\$PARLAB_DIR/jobs/pbs/$name.pbs\") && exit 0"
            echo '    return 1'
            echo '}'
            echo "continue_by_hand() { printf 'cd %q && qsub -v PARLAB_CHECKPOINT_DIR=%q,PARLAB_RESULTS=%q %q' \"\$submitted_in\" \"\$checkpoints\" \"\$PARLAB_RESULTS\" \"\$PARLAB_DIR/jobs/pbs/$name.pbs\"; }"
            ;;
        laptop)
            cat <<'EOF'
restarts=${PARLAB_RESTART_COUNT:-0}
PARLAB_TIMEOUT=${PARLAB_TIMEOUT:-604800} # a production run may take long: a week, not mpilaunch's 600 s
run() { launch "$@"; }
continue_job() {
    echo "parlab: no scheduler here to continue the job"
    return 1
}
EOF
            echo "continue_by_hand() { printf 'cd %q && PARLAB_CHECKPOINT_DIR=%q PARLAB_RESULTS=%q %q' \"\$submitted_in\" \"\$checkpoints\" \"\$PARLAB_RESULTS\" \"\$PARLAB_DIR/jobs/laptop/$name.sh\"; }"
            ;;
    esac
}

render() { # the description is sourced: name, and the job's variables
    local slurm=$target/slurm/$name.sbatch pbs=$target/pbs/$name.pbs laptop=$target/laptop/$name.sh
    local tasks=$((NODES * RANKS_PER_NODE)) output="parlab-$name-%j.out"
    [ -n "${ARRAY:-}" ] && output="parlab-$name-%A_%a.out"
    {
        echo '#!/bin/bash'
        echo "#SBATCH --job-name=parlab-$name"
        echo "#SBATCH --nodes=$NODES"
        echo "#SBATCH --ntasks-per-node=$RANKS_PER_NODE"
        echo "#SBATCH --cpus-per-task=$THREADS"
        echo "#SBATCH --time=$WALLTIME"
        echo "#SBATCH --output=$output"
        [ -n "${ARRAY:-}" ] && echo "#SBATCH --array=$ARRAY"
        # --gres, not --gpus or --gpus-per-node: those need select/cons_tres, --gres works with
        # cons_res too and with every Slurm in use; it counts per node, as the PBS chunk does.
        [ -n "${GPUS:-}" ] && echo "#SBATCH --gres=gpu:$GPUS"
        if [ -n "${RESTARTABLE:-}" ]; then
            echo "#SBATCH --signal=USR1@$WARNING"
            echo "#SBATCH --requeue"
            echo "#SBATCH --open-mode=append"
        fi
        header_comment Slurm "sbatch [-A ACCOUNT] [-p PARTITION] jobs/slurm/$name.sbatch"
        echo '#   account and partition: sbatch -A / -p, or export SBATCH_ACCOUNT, SBATCH_PARTITION'
        echo 'PARLAB_DIR=${PARLAB_DIR:-${PARLAB_HOME:-${SLURM_SUBMIT_DIR:-$PWD}}} # parlab: see above'
        echo 'PARLAB_RESULTS=${PARLAB_RESULTS:-results}                     # relative: to the submit folder'
        echo 'PARLAB_MODULES=${PARLAB_MODULES:-}                  # e.g. "gcc openmpi": module load first'
        echo 'PARLAB_SRUN_MPI=${PARLAB_SRUN_MPI---mpi=pmix}       # srun plugin: pmix for Open MPI, pmi2 (or pmix) for'
        echo '                                                    # MPICH, Intel MPI, MVAPICH; empty: the site default'
        echo '                                                    # (Cray MPICH: cray_shasta or empty)'
        echo
        echo 'set -u'
        echo 'scheduler=slurm'
        echo 'submitted_in=${SLURM_SUBMIT_DIR:-$PWD}'
        echo 'job_id=${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:?not inside a Slurm job: submit with sbatch}}'
        echo 'index=${SLURM_ARRAY_TASK_ID:-}'
        echo 'ranks=${SLURM_NTASKS:-1}'
        echo 'threads=${SLURM_CPUS_PER_TASK:-1}'
        launcher slurm
        [ -n "${RESTARTABLE:-}" ] && restartable slurm
        body
    } >"$slurm"
    {
        echo '#!/bin/bash'
        echo "#PBS -N parlab-$name"
        echo "#PBS -l select=$NODES:ncpus=$((RANKS_PER_NODE * THREADS)):mpiprocs=$RANKS_PER_NODE:ompthreads=$THREADS${GPUS:+:ngpus=$GPUS}"
        echo "#PBS -l walltime=$WALLTIME"
        echo "#PBS -j oe"
        [ -n "${ARRAY:-}" ] && echo "#PBS -J $ARRAY"
        header_comment "PBS Pro" "qsub [-A ACCOUNT] [-q QUEUE] jobs/pbs/$name.pbs"
        echo 'PARLAB_DIR=${PARLAB_DIR:-${PARLAB_HOME:-${PBS_O_WORKDIR:-$PWD}}} # parlab: see above'
        echo 'PARLAB_RESULTS=${PARLAB_RESULTS:-results}                    # relative: to the submit folder'
        echo 'PARLAB_MODULES=${PARLAB_MODULES:-}                  # e.g. "gcc openmpi": module load first'
        echo
        echo 'set -u'
        echo 'scheduler=pbs'
        echo 'submitted_in=${PBS_O_WORKDIR:-$PWD}'
        echo 'job_id=${PBS_ARRAY_ID:-${PBS_JOBID:?not inside a PBS job: submit with qsub}}'
        echo 'job_id=${job_id%%.*}'
        echo 'job_id=${job_id//[][]/}'
        echo 'index=${PBS_ARRAY_INDEX:-}'
        echo 'ranks=$(wc -l <"$PBS_NODEFILE")'
        # (the most ranks a host has in the node file: PBS may place two chunks on one host)
        [ "$MODE" = hybrid ] &&
            echo 'ranks_per_node=$(sort "$PBS_NODEFILE" | uniq -c | sort -rn | awk '\''NR == 1 { print $1 }'\'')'
        echo 'threads=${OMP_NUM_THREADS:-1} # PBS sets it from ompthreads'
        launcher pbs
        [ -n "${RESTARTABLE:-}" ] && restartable pbs
        body
    } >"$pbs"
    {
        echo '#!/bin/bash'
        header_comment "a laptop or workstation (no scheduler)" "jobs/laptop/$name.sh"
        echo "#   cluster size: $NODES node(s) x $RANKS_PER_NODE rank(s) x $THREADS thread(s); here:"
        echo 'PARLAB_DIR=${PARLAB_DIR:-$(cd "$(dirname "$0")/../.." && pwd)} # parlab: this script'"'"'s own tree'
        echo 'PARLAB_RESULTS=${PARLAB_RESULTS:-results}      # relative: to the folder it is started in'
        echo 'PARLAB_MODULES=${PARLAB_MODULES:-}'
        if [ "$MODE" = mpi ]; then
            echo "ranks=\${PARLAB_RANKS:-4}                         # $tasks on the cluster"
            echo 'threads=1'
        elif [ "$MODE" = hybrid ]; then
            echo 'ranks=${PARLAB_RANKS:-2}'
            echo 'threads=${PARLAB_THREADS:-$(( $(nproc) / ranks > 0 ? $(nproc) / ranks : 1 ))}'
        else
            echo 'ranks=1'
            echo 'threads=${PARLAB_THREADS:-$(nproc)}'
        fi
        echo
        echo 'set -u'
        echo 'scheduler=laptop'
        echo 'submitted_in=$PWD'
        echo 'job_id=laptop-$(date -u +%Y%m%dT%H%M%SZ)'
        echo 'index='
        launcher laptop
        [ -n "${RESTARTABLE:-}" ] && restartable laptop
        if [ -n "${ARRAY:-}" ]; then # the array's elements, one after the other
            echo "for index in \$(seq ${ARRAY%-*} \$(( ${ARRAY#*-} < \$(nproc) * 2 ? ${ARRAY#*-} : \$(nproc) * 2 ))); do"
            echo '    ('
            body | sed 's/^/    /; s/^    $//'
            echo '    ) || exit 1'
            echo 'done'
        else
            body
        fi
    } >"$laptop"
    chmod +x "$slurm" "$pbs" "$laptop"
}

for description in jobs/describe/*.job; do
    (
        name=$(basename "$description" .job)
        ARRAY='' COLLECT='' SCALE='' GPUS='' RESTARTABLE='' WARNING=120 STEPS=()
        # shellcheck source=/dev/null
        . "$description"
        case $SCALE/$MODE in
            /* | ranks/mpi | ranks/hybrid) ;;
            *) echo "render: $description: SCALE=$SCALE: only SCALE=ranks, with MODE=mpi or hybrid" >&2; exit 1 ;;
        esac
        if [ -n "$RESTARTABLE" ] && ! [[ $RESTARTABLE/$ARRAY/$MODE/$WARNING =~ ^1//(omp|mpi|hybrid)/[1-9][0-9]*$ ]]; then
            echo "render: $description: RESTARTABLE=$RESTARTABLE: only RESTARTABLE=1, with WARNING=SECONDS," \
                "MODE=omp, mpi or hybrid and no ARRAY" >&2
            exit 1
        fi
        programs=()
        for s in "${STEPS[@]}"; do
            read -r _ program _ <<<"$s"
            programs+=("${program#bin/}")
        done
        [ "$MODE" = bench ] && programs=(omp_stream omp_overhead omp_increment omp_map_square omp_countdown
            omp_heat mpi_map_square mpi_increment mpi_countdown mpi_heat)
        render
    ) || exit 1
done

if [ "$check" = 1 ]; then
    stale=0
    for kind in slurm pbs laptop; do
        diff -r "$target/$kind" "jobs/$kind" || stale=1
    done
    if [ "$stale" = 1 ]; then
        echo "render: jobs/ is not what jobs/describe gives: run 'make jobs' and commit" >&2
        exit 1
    fi
    echo "render: jobs/slurm, jobs/pbs and jobs/laptop match jobs/describe"
fi

#!/usr/bin/env bash
# render.sh: turns each job description jobs/describe/NAME.job into the scripts people submit:
# jobs/slurm/NAME.sbatch (Slurm), jobs/pbs/NAME.pbs (PBS Pro) and jobs/laptop/NAME.sh (plain
# mpirun on one machine), so the three never drift apart. The generated scripts are committed;
# `render.sh --check` fails when they are not what the descriptions give (make lint-jobs runs it).
# A description sets SUMMARY, MODE (omp, mpi, hybrid, bench), NODES, RANKS_PER_NODE, THREADS,
# WALLTIME and STEPS ("NAME COMMAND ARGS..." each), and optionally ARRAY (A-B: a job array),
# COLLECT (one CSV that gathers every step's rows), SCALE=ranks (every step at 1, 2, 4, ... ranks
# and at all of them) and GPUS (GPUs per node; the programs then must offload).
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
    cat <<'EOF'

export OMP_NUM_THREADS=$threads OMP_PLACES=cores OMP_PROC_BIND=close
EOF
    if [ -n "${GPUS:-}" ]; then
        # MANDATORY: on a node without a usable GPU the programs refuse (exit 2, one line saying
        # why) instead of quietly running the target regions on the host's cores.
        echo 'export OMP_TARGET_OFFLOAD=${PARLAB_OFFLOAD:-MANDATORY}'
    fi
    cat <<'EOF'
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
        echo "parlab: bin/$program is not built: run 'make' in $PARLAB_DIR first (see README.md)"
        exit 1
    fi
done
out=results/$job_id
mkdir -p "$out"
echo "parlab: job $job_id${index:+ element $index} on $(hostname): $ranks ranks x $threads threads, results in $PARLAB_DIR/$out"

failed=0
EOF
    case $MODE in mpi | hybrid) echo 'np=$ranks # the ranks a step runs on: all of the job'\''s, but in a scaling loop' ;; esac
    cat <<'EOF'
# step NAME COMMAND...: runs one step; its CSV goes to $out/NAME.csv with the job in its header,
# its verdict to this log.
step() {
    local name=$1 verdict status why
    shift
    name=$name${index:+-$index}
    echo "parlab: step $name: $*"
    if launch "$@" --csv >"$out/$name.part" 2>"$out/$name.err"; then
        verdict=$(grep -E '^(VERIFIED|FAILED|DEADLOCK)' "$out/$name.err" | tail -n 1)
    else
        status=$?
        # The program's own last word ("PROGRAM: why"), not the launcher's about its exit, which
        # srun may write after it.
        why=$(grep -E "^(FAILED|DEADLOCK|${1##*/}: )" "$out/$name.err" | tail -n 1)
        verdict="FAILED: exit $status: ${why:-$(tail -n 1 "$out/$name.err")}"
    fi
    [ "$verdict" = VERIFIED ] || failed=$((failed + 1))
    { echo "# job         : $scheduler $job_id${index:+ array element $index}"; cat "$out/$name.part"; } >"$out/$name.csv"
    rm -f "$out/$name.part"
EOF
    if [ -n "${COLLECT:-}" ]; then
        cat <<EOF
    # Every step (and array element) adds its rows to one CSV, one writer at a time.
    (
        flock 9
        [ -s "\$out/$COLLECT" ] ||
            { echo "# job         : \$scheduler \$job_id"; grep -v '^#' "\$out/\$name.csv" | head -n 1; } >"\$out/$COLLECT"
        grep -v '^#' "\$out/\$name.csv" | tail -n +2 >>"\$out/$COLLECT"
    ) 9>"\$out/$COLLECT.lock"
EOF
    fi
    cat <<'EOF'
    echo "parlab: $name $verdict"
}

EOF
    if [ "$MODE" = bench ]; then
        cat <<'EOF'
echo "parlab: step bench: common/bench/bench.sh (QUICK=${PARLAB_QUICK:-0})"
if QUICK=${PARLAB_QUICK:-0} common/bench/bench.sh >"$out/bench.log" 2>&1; then
    cp -r results/latest/. "$out/" && echo "parlab: bench VERIFIED"
else
    failed=1
    echo "parlab: bench FAILED: $(tail -n 1 "$out/bench.log")"
fi
EOF
    fi
    if [ "${SCALE:-}" = ranks ]; then
        scaling_steps
    else
        for s in "${STEPS[@]}"; do
            echo "step ${s//\$PARLAB_INDEX/\"\$index\"}"
        done
    fi
    cat <<'EOF'

if [ "$failed" -eq 0 ]; then
    echo "parlab: all steps VERIFIED; results in $PARLAB_DIR/$out"
else
    echo "parlab: $failed step(s) FAILED; see $PARLAB_DIR/$out/*.err"
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
# Results: results/<job id>/, one CSV per step (its header names the job), verdicts in the job log.
EOF
    [ -n "${COLLECT:-}" ] && echo "# Every step's rows are also collected in results/<job id>/$COLLECT."
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
    return 0
}

# either_mpi HYDRA-COMMAND OPENMPI-COMMAND: a launch() in the spelling of the mpirun the job finds,
# Hydra's (MPICH, Intel MPI, MVAPICH) or Open MPI's.
either_mpi() {
    echo 'if mpirun --version 2>&1 | grep -q HYDRA; then'
    echo "    launch() { $1; }"
    echo 'else'
    echo "    launch() { $2; }"
    echo 'fi'
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
launch() {
    srun ${PARLAB_SRUN_MPI:+"$PARLAB_SRUN_MPI"} --nodes=$(( (np + ranks_per_node - 1) / ranks_per_node )) \
        --ntasks="$np" --cpus-per-task="$threads" "$@"
}
EOF
            ;;
        pbs/omp | laptop/omp | */bench) echo 'launch() { "$@"; }' ;;
        pbs/mpi)
            either_mpi 'mpirun -n "$np" -f "$PBS_NODEFILE" -genvlist OMP_NUM_THREADS "$@"' \
                'mpirun -np "$np" --hostfile "$PBS_NODEFILE" -x OMP_NUM_THREADS "$@"' ;;
        pbs/hybrid) # Hydra binds nothing by default: each rank's threads may use the node's cores
            either_mpi 'mpirun -n "$np" -f "$PBS_NODEFILE" -ppn "$ranks_per_node" -genvlist OMP_NUM_THREADS,OMP_PLACES,OMP_PROC_BIND "$@"' \
                'mpirun -np "$np" --hostfile "$PBS_NODEFILE" --map-by "ppr:$ranks_per_node:node:PE=$threads" -x OMP_NUM_THREADS -x OMP_PLACES -x OMP_PROC_BIND "$@"' ;;
        laptop/mpi) echo 'launch() { common/run/mpilaunch "$np" "$@"; }' ;;
        laptop/hybrid) echo 'launch() { common/run/mpilaunch --threads "$threads" "$np" "$@"; }' ;;
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
        header_comment Slurm "sbatch [-A ACCOUNT] [-p PARTITION] jobs/slurm/$name.sbatch"
        echo '#   account and partition: sbatch -A / -p, or export SBATCH_ACCOUNT, SBATCH_PARTITION'
        echo 'PARLAB_DIR=${PARLAB_DIR:-${SLURM_SUBMIT_DIR:-$PWD}} # the parlab checkout, built with make'
        echo 'PARLAB_MODULES=${PARLAB_MODULES:-}                  # e.g. "gcc openmpi": module load first'
        echo 'PARLAB_SRUN_MPI=${PARLAB_SRUN_MPI---mpi=pmix}       # srun plugin: pmix for Open MPI, pmi2 (or pmix) for'
        echo '                                                    # MPICH, Intel MPI, MVAPICH; empty: the site default'
        echo '                                                    # (Cray MPICH: cray_shasta or empty)'
        echo
        echo 'set -u'
        echo 'scheduler=slurm'
        echo 'job_id=${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:?not inside a Slurm job: submit with sbatch}}'
        echo 'index=${SLURM_ARRAY_TASK_ID:-}'
        echo 'ranks=${SLURM_NTASKS:-1}'
        echo 'threads=${SLURM_CPUS_PER_TASK:-1}'
        launcher slurm
        body
    } >"$slurm"
    {
        echo '#!/bin/bash'
        echo "#PBS -N parlab-$name"
        echo "#PBS -l select=$NODES:ncpus=$((RANKS_PER_NODE * THREADS)):mpiprocs=$RANKS_PER_NODE:ompthreads=$THREADS${GPUS:+:ngpus=$GPUS}"
        echo "#PBS -l walltime=$WALLTIME"
        echo "#PBS -j oe"
        [ -n "${ARRAY:-}" ] && echo "#PBS -J ${ARRAY/-/-}"
        header_comment "PBS Pro" "qsub [-A ACCOUNT] [-q QUEUE] jobs/pbs/$name.pbs"
        echo 'PARLAB_DIR=${PARLAB_DIR:-${PBS_O_WORKDIR:-$PWD}}    # the parlab checkout, built with make'
        echo 'PARLAB_MODULES=${PARLAB_MODULES:-}                  # e.g. "gcc openmpi": module load first'
        echo
        echo 'set -u'
        echo 'scheduler=pbs'
        echo 'job_id=${PBS_ARRAY_ID:-${PBS_JOBID:?not inside a PBS job: submit with qsub}}'
        echo 'job_id=${job_id%%.*}'
        echo 'job_id=${job_id//[][]/}'
        echo 'index=${PBS_ARRAY_INDEX:-}'
        echo 'ranks=$(wc -l <"$PBS_NODEFILE")'
        [ "$MODE" = hybrid ] && echo "ranks_per_node=$RANKS_PER_NODE"
        echo 'threads=${OMP_NUM_THREADS:-1} # PBS sets it from ompthreads'
        launcher pbs
        body
    } >"$pbs"
    {
        echo '#!/bin/bash'
        header_comment "a laptop or workstation (no scheduler)" "jobs/laptop/$name.sh"
        echo "#   cluster size: $NODES node(s) x $RANKS_PER_NODE rank(s) x $THREADS thread(s); here:"
        echo 'PARLAB_DIR=${PARLAB_DIR:-$PWD}                       # the parlab checkout, built with make'
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
        echo 'job_id=laptop-$(date -u +%Y%m%dT%H%M%SZ)'
        echo 'index='
        launcher laptop
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
        ARRAY='' COLLECT='' SCALE='' GPUS='' STEPS=()
        # shellcheck source=/dev/null
        . "$description"
        case $SCALE/$MODE in
            /* | ranks/mpi | ranks/hybrid) ;;
            *) echo "render: $description: SCALE=$SCALE: only SCALE=ranks, with MODE=mpi or hybrid" >&2; exit 1 ;;
        esac
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

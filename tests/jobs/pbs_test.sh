#!/usr/bin/env bash
# pbs_test.sh: `make pbs-test`. Proves the PBS Pro scripts as far as a machine without PBS can:
#   1. every #PBS line parses: -N, -l select=N:ncpus=C:mpiprocs=P:ompthreads=T with C = P x T,
#      -l walltime=HH:MM:SS, -j oe, -J A-B;
#   2. every script runs to the end in a simulated PBS job: the variables PBS sets (PBS_JOBID,
#      PBS_O_WORKDIR, PBS_NODEFILE listing this host once per rank, OMP_NUM_THREADS as ompthreads
#      sets it, PBS_ARRAY_INDEX and PBS_ARRAY_ID for arrays), resized to this machine; the
#      programs and mpirun are real, only qsub and the PBS server are not.
# Not proven here: qsub's own reading of the directives, and PBS's placement on real nodes.
set -u
cd "$(dirname "$0")/../.." || exit 1

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
                for (i = 2; i <= n; i++) { split(parts[i], kv, "="); r[kv[1]] = kv[2] }
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
run() { # NAME RANKS THREADS [ARRAY-INDEX]
    local name=$1 ranks=$2 threads=$3 index=${4:-} log id
    id=$((990000 + ${#ids[@]}))
    [ -n "$index" ] && id=990099
    ids+=("$id")
    log=$work/$name${index:+-$index}.log
    for _ in $(seq "$ranks"); do hostname; done >"$work/nodefile"
    if env PBS_JOBID="$id${index:+[$index]}.pbs-test" PBS_O_WORKDIR="$PWD" \
        PBS_NODEFILE="$work/nodefile" OMP_NUM_THREADS="$threads" PARLAB_QUICK=1 PARLAB_N=4M \
        ${index:+PBS_ARRAY_INDEX=$index PBS_ARRAY_ID=${id}[].pbs-test} \
        bash "jobs/pbs/$name.pbs" >"$log" 2>&1 &&
        grep -q '^parlab: all steps VERIFIED' "$log"; then
        echo "pbs-test: $name${index:+ element $index} ($ranks ranks x $threads threads): all steps VERIFIED"
        ok
    else
        bad "$name${index:+ element $index}: $(tail -n 3 "$log")"
    fi
}
run omp 1 "$cpus"
run mpi "$cpus" 1
run hybrid 2 1
run sweep 1 "$cpus" 1
run sweep 1 "$cpus" 2
run bench 1 "$cpus"
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

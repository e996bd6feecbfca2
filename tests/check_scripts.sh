#!/usr/bin/env bash
# check_scripts.sh: the shell helpers every long script shares (common/run/parlab.sh): the
# progress line with the time left, and the provenance lines a benchmark copies from a program's
# header. Ends with "scripts: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=common/run/parlab.sh disable=SC1091 # followed with shellcheck -x
. common/run/parlab.sh
# shellcheck source=tests/check_common.sh disable=SC1091 # followed with shellcheck -x
. tests/check_common.sh

# expect WHAT GOT WANTED
expect() {
    if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', wanted '$3'"; fi
}

now=$(date +%s)
# Started 100 s ago (a second's slack: the clock may tick between here and the helper).
progress() { plb_progress "$1" "$2" $((now - 100)) | sed 's/, 101 s,/, 100 s,/'; }
expect "nothing done yet" "$(progress 0 10)" "[0/10, 100 s, time left not known yet]"
expect "a fifth done: four times as long to go" "$(progress 2 10)" "[2/10, 100 s, about 7 min left]"
expect "nine of ten: the pace so far" "$(progress 9 10)" "[9/10, 100 s, about 11 s left]"
expect "all done" "$(progress 10 10)" "[10/10, 100 s, about 0 s left]"

# A program's header holds the machine; plb_provenance keeps those lines and not the others.
bin/omp_increment -n 1000 -r 1 -V seq --csv >"$out" 2>"$err"
for name in host processor topology caches numa ram kernel isolation load job compiler date; do
    if plb_provenance "$out" | grep -q "^# $name *: ."; then ok; else bad "provenance lacks '$name'"; fi
done
if plb_provenance "$out" | grep -qE '^# (command|n|repeats) '; then
    bad "provenance has the run's own parameters"
else
    ok
fi
topology=$(sed -n 's/^# topology *: //p' "$out")
usable=$(nproc)
case $topology in
    *" $usable usable here") ok ;;
    *) bad "topology '$topology' does not say the $usable CPUs nproc counts" ;;
esac
SLURM_JOB_ID=77 SLURM_ARRAY_TASK_ID=3 bin/omp_increment -n 1000 -r 1 -V seq >"$out" 2>&1
expect "a Slurm job's header" "$(sed -n 's/^# job *: //p' "$out")" "slurm 77, array element 3"

check_end scripts

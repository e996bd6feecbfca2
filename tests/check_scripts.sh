#!/usr/bin/env bash
# check_scripts.sh: the shell helpers every long script shares (scripts/run/parlab.sh): the
# progress line with the time left, and the provenance lines a benchmark copies from a program's
# header; mpilaunch's signals; the docs' excerpt check (tests/check_docs.sh), which must fail on
# an excerpt that differs; the quiz's answers. Ends with "scripts: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/run/parlab.sh disable=SC1091 # followed with shellcheck -x
. scripts/run/parlab.sh
# shellcheck source=tests/check_common.sh disable=SC1091 # followed with shellcheck -x
. tests/check_common.sh

# expect WHAT GOT WANTED
expect() {
    if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', wanted '$3'"; fi
}

now=$(date +%s)
# Started 100 s ago (some seconds' slack: a loaded machine may pause between here and the helper;
# the time left is worked out from the seconds the helper saw, so only 100 s gives these figures).
progress() { plb_progress "$1" "$2" $((now - 100)) | sed 's/, 10[0-9] s,/, 100 s,/'; }
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
usable=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc) # nproc obeys both
case $topology in
    *" $usable usable here") ok ;;
    *) bad "topology '$topology' does not say the $usable CPUs nproc counts" ;;
esac
# OpenMP binding pins the first thread to one place before main: still every CPU given counts.
OMP_PROC_BIND=close OMP_PLACES=cores bin/omp_increment -n 1000 -r 1 -V seq >"$out" 2>&1
case $(sed -n 's/^# topology *: //p' "$out") in
    *" $usable usable here") ok ;;
    *) bad "with OMP_PROC_BIND=close, topology says $(sed -n 's/^# topology *: //p' "$out")" ;;
esac
SLURM_JOB_ID=80 SLURM_ARRAY_JOB_ID=77 SLURM_ARRAY_TASK_ID=3 bin/omp_increment -n 1000 -r 1 -V seq >"$out" 2>&1
expect "a Slurm array job's header" "$(sed -n 's/^# job *: //p' "$out")" "slurm 77, array element 3 (job 80)"

# mpilaunch passes a signal on to the ranks (timeout runs them out of its reach), tells a SIGKILL
# from its timeout, and still ends a run that outlives --timeout. A run far longer than the test:
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
long=(bin/mpi_heat -n 500 -V sendrecv -r 1 -w 0 --long-run --steps) # + a step count: the run's mark
# The marks are this script's own (its pid in them): two make tests at once on one machine (lanes
# side by side, two users) must not signal each other's runs.
mark=$((1000000000 + $$ * 10))
gone() { # gone PATTERN: true once no process matches, waiting 20 s at most
    local i
    for ((i = 0; i < 200; i++)); do
        [ -z "$(processes "$1")" ] && return 0
        sleep 0.1
    done
    return 1
}
started() { # started PATTERN: true once two ranks run, waiting 60 s at most
    local i
    for ((i = 0; i < 600; i++)); do
        [ "$(processes "^bin/mpi_heat .*--steps $1" | wc -l)" -ge 2 ] && return 0
        sleep 0.1
    done
    return 1
}
scripts/run/mpilaunch 2 "${long[@]}" $((mark + 1)) >"$out" 2>"$err" &
launch=$!
started "$((mark + 1))"
kill -TERM "$launch"
wait "$launch"
status=$?
if [ "$status" -eq 143 ] && grep -q "stopped by SIGTERM$" "$err" && gone "^bin/mpi_heat .*--steps $((mark + 1))"; then ok
else bad "mpilaunch sent SIGTERM: wanted exit 143, its line and no rank left, got $status: $(cat "$err")"; fi

scripts/run/mpilaunch 2 "${long[@]}" $((mark + 2)) >"$out" 2>"$err" &
launch=$!
started "$((mark + 2))"
# The launcher is timeout's child (whatever it calls itself: mpirun, prterun, mpiexec.hydra).
launcher=
for timer in $(processes "^timeout .*--steps $((mark + 2))"); do
    for stat in /proc/[0-9]*/stat; do
        read -r pid _ _ parent _ < <({ cat "$stat"; } 2>/dev/null) || continue
        [ "$parent" = "$timer" ] && launcher=$pid
    done
done
if [ -n "$launcher" ]; then kill -KILL "$launcher"; else kill -TERM "$launch"; fi
wait "$launch"
status=$?
if [ "$status" -eq 137 ] && grep -q "killed by signal 9 (SIGKILL, before the timeout" "$err" &&
    ! grep -q "did not finish" "$err"; then ok
else bad "mpirun killed: wanted exit 137 and SIGKILL named, not a timeout, got $status: $(cat "$err")"; fi
gone "^bin/mpi_heat .*--steps $((mark + 2))" || for pid in $(processes "^bin/mpi_heat .*--steps $((mark + 2))"); do kill -KILL "$pid"; done

# SIGUSR1 to mpilaunch reaches the ranks: a production run writes its checkpoint and exits 4.
scripts/run/mpilaunch 2 bin/mpi_heat -n 500 -V sendrecv --long-run --steps $((mark + 4)) \
    --checkpoint "$tmp/usr1.npy" --every 100000000 >"$out" 2>"$err" &
launch=$!
catching 2 "^bin/mpi_heat .*--steps $((mark + 4))" # a slow start (ASan) must not meet the signal before the handler is set
kill -USR1 "$launch"
wait "$launch"
status=$?
if [ "$status" -eq 4 ] && grep -q "STOPPED: SIGUSR1 at step" "$out" "$err" && [ -s "$tmp/usr1.npy.meta" ] &&
    gone "^bin/mpi_heat .*--steps $((mark + 4))"; then ok
else bad "mpilaunch sent SIGUSR1: wanted a checkpoint and exit 4, got $status: $(tail -n 2 "$out" "$err")"; fi

scripts/run/mpilaunch --timeout 3 2 "${long[@]}" 1000000503 >"$out" 2>"$err"
status=$?
if [ "$status" -eq 124 ] && grep -q "did not finish in 3 s and was stopped$" "$err" &&
    gone "^bin/mpi_heat .*--steps 1000000503"; then ok
else bad "mpilaunch --timeout 3: wanted exit 124 and its line, got $status: $(cat "$err")"; fi

# Open MPI 5's mpirun refuses to start (exit 213) when TMPDIR holds a session directory named
# after its pid: the crumbs of one killed with SIGKILL, met again once pids wrap around. mpilaunch
# runs in a TMPDIR of its own: here one with such crumbs for each of the next 3000 pids.
major=$("${MPIRUN:-mpirun}" --version 2>&1 | sed -n 's/.*Open MPI[^0-9]*\([0-9][0-9]*\)\..*/\1/p' | head -n 1)
if [ "${major:-0}" -ge 5 ]; then
    node=$(uname -n)
    mkdir "$tmp/stale" && (cd "$tmp/stale" && awk -v pid="$BASHPID" -v max="$(cat /proc/sys/kernel/pid_max)" \
        -v name="prterun.${node%%.*}" -v uid="$(id -u)" 'BEGIN { for (i = 1; i <= 3000; i++) {
            p = pid + i; if (p >= max) p = p - max + 300; print name "." p "." uid } }' | xargs mkdir)
    TMPDIR=$tmp/stale "${MPIRUN:-mpirun}" -n 1 true >"$out" 2>&1
    echo "    (a bare mpirun among stale session directories: exit $? $(grep -o 'Exists' "$out" | head -n 1))"
    TMPDIR=$tmp/stale scripts/run/mpilaunch 2 bin/mpi_heat -n 64 --steps 10 -r 1 -w 0 >"$out" 2>"$err"
    status=$?
    if [ "$status" -eq 0 ] && [ "$(tail -n 1 "$out")" = VERIFIED ] &&
        [ -z "$(find "$tmp/stale" -maxdepth 1 -name 'mpilaunch.*')" ]; then ok
    else bad "mpilaunch among stale session directories: wanted VERIFIED, its TMPDIR gone, got $status: $(cat "$err")"; fi
fi

# The docs' excerpts: numbers may differ, words may not; --write puts today's output in.
# page TEXT...: a page with one excerpt of `echo hello 1; echo world`, showing TEXT's lines.
page() {
    { echo 'Before.'; echo '<!-- output: echo hello 1; echo world -->'; echo '```text'
        printf '%s\n' "$@"; echo '```'; echo '<!-- output end -->'; echo 'After.'; } >"$tmp/page.md"
}
page 'hello 7' 'world'
if tests/check_docs.sh "$tmp/page.md" >"$out" 2>&1; then ok; else bad "check_docs: other numbers failed: $(cat "$out")"; fi
# What a busy machine changes keeps the page's shape: a speedup that says "disturbed", a race that
# one run did not see (its threads took turns).
printf '%s\n' '<!-- output: echo "reduction  1  2  16  3.21 s  disturbed  5234 Mupd/s  yes"; echo "# unsync      : race not observed: 0 lost" -->' \
    '```text' 'reduction  1  2  16  3.21 ms  1.53x  5234 Mupd/s  yes' '# unsync      : race observed: 9 lost' \
    '```' '<!-- output end -->' >"$tmp/busy.md"
if tests/check_docs.sh "$tmp/busy.md" >"$out" 2>&1; then ok; else bad "check_docs: a busy machine's output failed: $(cat "$out")"; fi
page 'goodbye 1' 'world'
if tests/check_docs.sh "$tmp/page.md" >"$out" 2>&1; then bad "check_docs: other words passed"
elif grep -q '^< goodbye N$' "$out" && grep -q 'docs: 0 passed, 1 failed' "$out"; then ok
else bad "check_docs: other words: wanted the diff and '0 passed, 1 failed': $(cat "$out")"; fi
page 'hello 1'
if tests/check_docs.sh "$tmp/page.md" >/dev/null 2>&1; then bad "check_docs: a missing line passed"; else ok; fi
tests/check_docs.sh --write "$tmp/page.md" >/dev/null
# shellcheck disable=SC2016 # backquotes of Markdown
expect "check_docs --write" "$(tr '\n' '|' <"$tmp/page.md")" \
    'Before.|<!-- output: echo hello 1; echo world -->|```text|hello 1|world|```|<!-- output end -->|After.|'
grep -v '^<!-- output end -->$' "$tmp/page.md" >"$tmp/cut.md"
if tests/check_docs.sh "$tmp/cut.md" >"$out" 2>&1; then bad "check_docs: an excerpt without its end passed"
elif grep -q "without its command, its '-->' or its end" "$out"; then ok
else bad "check_docs: an excerpt without its end: $(cat "$out")"; fi
printf 'See [the start](start.md), [its part](start.md#part) and [nothing](gone.md).\n' >"$tmp/links.md"
: >"$tmp/start.md"
if tests/check_docs.sh "$tmp/links.md" >"$out" 2>&1; then bad "check_docs: a link to a missing file passed"
elif grep -q 'links to gone.md, which is not there' "$out" && grep -q 'docs: 1 passed, 1 failed' "$out"; then ok
else bad "check_docs: links: wanted gone.md named and '1 passed, 1 failed': $(cat "$out")"; fi

# The quiz answers from a run's medians, and judges no guess on a run the program found disturbed.
# shellcheck source=scripts/run/quiz.sh disable=SC1091 # followed with shellcheck -x
. scripts/run/quiz.sh
{ echo "program,variant,n,ranks,threads,repeats,batch,min_s,median_s,mean_s,max_s,sd_s,rate,rate_unit,verified"
    echo "p,seq,8,1,1,3,1,0.2,0.2,0.2,0.2,0,1,x/s,yes"
    echo "p,atomic,8,1,2,3,1,0.5,1.0,1.0,1.5,0.5,1,x/s,yes"; } >"$tmp/quiz.csv"
quiz_guess=slower
quiz_answer "$tmp/quiz.csv" atomic seq slower "because" >"$out"
if grep -q '^      answer: atomic is 5.00x slower than seq (1 s against 0.2 s, medians of this run)$' "$out" &&
    grep -q '^      you said slower: right$' "$out" && ! grep -q 'the lesson expects' "$out"; then ok
else bad "quiz_answer on a quiet run: $(cat "$out")"; fi
# The quiz's "about the same" is the programs' (PLB_SAME_WITHIN in common/lesson.h): atomic a
# hair more than that factor faster than seq is faster, a hair less the same.
within=$(sed -n 's/^#define PLB_SAME_WITHIN \([0-9.]*\)$/\1/p' common/lesson.h)
quiz_guess=
said=
for by in 1.001 0.999; do
    { head -n 1 "$tmp/quiz.csv"
        echo "p,seq,8,1,1,3,1,$(awk -v w="$within" -v b="$by" 'BEGIN { t = w * b; print t "," t "," t "," t }'),0,1,x/s,yes"
        echo "p,atomic,8,1,2,3,1,1,1,1,1,0,1,x/s,yes"; } >"$tmp/same.csv"
    said="$said$(quiz_answer "$tmp/same.csv" atomic seq same "because" | sed -n 's/^      answer: atomic is \([^(]*\) seq .*/\1;/p')"
done
if [ -n "$within" ] && [ "$said" = "$(awk -v w="$within" 'BEGIN { printf "%.2fx faster than;", w * 1.001 }')about the same as;" ]; then ok
else bad "the quiz's rule is not PLB_SAME_WITHIN ('$within'): a hair over and under it said '$said'"; fi
# Where the machine measured otherwise than the lesson expects, the quiz says both.
quiz_guess=
quiz_answer "$tmp/quiz.csv" seq atomic slower "because" >"$out"
if grep -q '^      the lesson expects slower; this machine measured faster' "$out"; then ok
else bad "quiz_answer against the lesson's answer: $(cat "$out")"; fi
echo "# disturbed   : atomic took a median 2 times its fastest sample" >>"$tmp/quiz.csv"
quiz_guess=faster
quiz_answer "$tmp/quiz.csv" atomic seq slower "because" >"$out"
if grep -q '^      answer: not judged: this run was disturbed (atomic took a median 2 times its fastest sample): run it again' "$out" &&
    ! grep -q 'you said' "$out" &&
    [ "$(quiz_score)" = "quiz: 1 of 1 guesses right (1 not judged: their runs were disturbed)" ]; then ok
else bad "quiz_answer on a disturbed run: $(cat "$out"; quiz_score)"; fi

check_end scripts

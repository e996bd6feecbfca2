#!/usr/bin/env bash
# run_tests.sh: what `make test` runs, after building. Every step runs under a timeout, so a hang
# is a failure and never a stuck CI. It ends with one line "total: N passed, N failed" and exits
# non-zero when anything failed.
#
#   1. the serial CUnit suites;
#   2. the MPI CUnit suites under mpirun at np = 1 to 8 (more ranks than cores too);
#   3. every lesson program run as a user would (tests/check_programs.sh): the program contract
#      and each lesson's promises; the heat lessons' own (tests/check_heat.sh) and the target
#      variants' (tests/check_offload.sh); the heat scaling model against figures worked out by
#      hand (tests/check_model.sh); mpi_heat's checkpoints, killed and restarted at other rank
#      counts (tests/check_checkpoint.sh); the scripts' shared helpers (tests/check_scripts.sh);
#      make report's page from a committed bench run (tests/check_report.sh); the course pages'
#      program output and links (tests/check_docs.sh); the exercises' checks
#      (tests/check_exercises.sh);
#   4. the runners' self-tests: a failing test must make each runner report it and exit non-zero;
#   5. make without an MPI compiler says to run `make deps`; flags given to make add to parlab's;
#   6. the rule that keeps MPI suites hang-free: no fatal asserts in them.
# Each step's heading says how long the run has taken and, from the step times of the last run in
# this tree (build/test_times.txt), about how long is left.
set -u
{ # read whole before it runs: an edit to this file while it runs cannot reach it
cd "$(dirname "$0")/.." || exit 1

T=build/tests
LAUNCH=scripts/run/mpilaunch
STEP_TIMEOUT=${PLB_TEST_TIMEOUT:-300}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
TIMES=build/test_times.txt
started=$(date +%s)
declare -A last_time=()
last_total=0
if [ -r "$TIMES" ]; then
    while IFS=$'\t' read -r seconds label; do
        last_time[$label]=$seconds
        last_total=$((last_total + seconds))
    done <"$TIMES"
fi
mkdir -p build
: >"$TIMES.new"

# count LABEL STATUS: adds the "N passed, N failed" line of the step's log to the totals. A step
# that printed no such line, or exited non-zero with no failure counted, is one failure.
count() {
    local label=$1 status=$2 line p f
    line=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "FAILED: $label printed no result line (exit $status)"
        failed=$((failed + 1))
        return
    fi
    p=${line%% passed*}
    f=${line#*, }
    f=${f%% failed}
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAILED: $label exited $status with no failed test"
        failed=$((failed + 1))
    fi
}

# heading LABEL: "=== LABEL (95 s in, about 4 min left)"; the time left is the last run's time for
# the steps not yet taken (none on a first run).
heading() {
    local left=
    if [ "$last_total" -gt 0 ]; then
        left=$((last_total - ${done_last:-0}))
        [ "$left" -lt 0 ] && left=0
        if [ "$left" -ge 120 ]; then
            left=", about $(((left + 30) / 60)) min left"
        else
            left=", about $left s left"
        fi
    fi
    echo "=== $1 ($(($(date +%s) - started)) s in$left)"
}

# run LABEL COMMAND...: runs a suite, shows its output, adds its counts, notes its time.
run() {
    local label=$1 status step_start
    shift
    heading "$label"
    step_start=$(date +%s)
    timeout --kill-after=10 "$STEP_TIMEOUT" "$@" >"$log" 2>&1
    status=$?
    cat "$log"
    count "$label" "$status"
    printf '%s\t%s\n' $(($(date +%s) - step_start)) "$label" >>"$TIMES.new"
    done_last=$((${done_last:-0} + ${last_time[$label]:-0}))
}

# tally STATUS PASSED-TEXT FAILED-TEXT: one check, passed when STATUS is 0; a failure shows the log.
tally() {
    if [ "$1" -eq 0 ]; then
        echo "=== $2"
        passed=$((passed + 1))
    else
        echo "=== FAILED: $3"
        cat "$log"
        failed=$((failed + 1))
    fi
}

# expect_failure LABEL "N passed, N failed" COMMAND...: a self-test must exit non-zero and report
# exactly the expected counts. Counts as one passed check, or one failed.
expect_failure() {
    local label=$1 expected=$2 status
    shift 2
    timeout --kill-after=10 "$STEP_TIMEOUT" "$@" >"$log" 2>&1
    status=$?
    [ "$status" -ne 0 ] && grep -q ": $expected\$" "$log"
    tally $? "$label: reported '$expected' and exited $status, as it must" \
        "$label: wanted '$expected' and a non-zero exit, got exit $status:"
}

run "serial suites" "$T/test_serial"
for np in 1 2 3 4 5 6 7 8; do
    run "MPI suites, np=$np" "$LAUNCH" --timeout "$STEP_TIMEOUT" "$np" "$T/test_mpi"
done

# Every run in it has a timeout of its own; the step's, four times the others', only stops a hang
# the runs' did not (under the sanitizers the whole takes several minutes).
STEP_TIMEOUT=$((4 * STEP_TIMEOUT)) run "lesson programs" tests/check_programs.sh
# About 120 short runs, a minute and a half here; twice the others' timeout leaves room for the
# sanitizers (each run has a timeout of its own too).
STEP_TIMEOUT=$((2 * STEP_TIMEOUT)) run "heat programs" tests/check_heat.sh
run "target variants (host fallback here)" tests/check_offload.sh
run "heat scaling model" tests/check_model.sh
run "shell helpers: progress, provenance, signals, the docs' check" tests/check_scripts.sh
run "the HTML report (make report) of a committed bench run" tests/check_report.sh
# The pages' output compared with the programs': under the sanitizers the same programs have run
# above already, and their text is no different.
if [ -z "${PLB_SANITIZE:-}" ]; then
    run "the course pages' program output" tests/check_docs.sh
else
    echo "=== the course pages' program output: not under the sanitizers (the programs ran above)"
fi
# Twice the others' timeout: seven exercises, each built and run at 4 to 7 rank or thread counts.
STEP_TIMEOUT=$((2 * STEP_TIMEOUT)) run "the exercises' checks" tests/check_exercises.sh
# Twice the others' timeout: several runs of 20000 steps on 4 ranks, slow where ranks cannot yield.
STEP_TIMEOUT=$((2 * STEP_TIMEOUT)) run "checkpoints that survive kills" tests/check_checkpoint.sh

expect_failure "serial runner self-test" "1 passed, 2 failed" "$T/selftest_serial"
for np in 1 3; do
    expect_failure "MPI runner self-test, np=$np" "1 passed, 1 failed" \
        "$LAUNCH" --timeout "$STEP_TIMEOUT" "$np" "$T/selftest_mpi"
done

# Building before the dependencies are installed names the cure instead of a compiler error.
! make --no-print-directory MPICC=parlab-no-such-mpicc all >"$log" 2>&1 &&
    grep -q "^make: 'parlab-no-such-mpicc' is not installed: run 'make deps'" "$log"
tally $? "make without an MPI compiler says to run 'make deps'" \
    "make without an MPI compiler did not say to run 'make deps':"

# A cluster's flags are added to parlab's, never instead of them: the compile line keeps -Icommon
# beside the user's -I, the link line has LDFLAGS and the user's LDLIBS before parlab's.
make --no-print-directory -B -n CPPFLAGS=-I/opt/site/include LDFLAGS=-L/opt/site/lib \
    LDLIBS=-lsite bin/omp_heat >"$log" 2>&1
grep -q -- ' -I/opt/site/include -Icommon -Iomp -Impi ' "$log" &&
    grep -q -- ' -L/opt/site/lib .* -o bin/omp_heat -lsite -lm -lpthread -lpng$' "$log"
tally $? "CPPFLAGS, LDFLAGS and LDLIBS on the command line add to parlab's flags" \
    "make CPPFLAGS=... LDFLAGS=... LDLIBS=... lost parlab's flags or the user's:"
# From the environment, make hands the sum on to a script's make: that one adds nothing twice
# (a second -Icommon would change the toolchain stamp, and rebuild everything at every call).
CPPFLAGS="-I/opt/site/include -Icommon -Iomp -Impi" LDLIBS="-lsite -lm -lpthread" \
    make --no-print-directory -B -n bin/omp_heat >"$log" 2>&1
compiles=$(grep -v '^echo ' "$log" | grep -- ' -Icommon ') # (not the toolchain stamp's line)
[ -n "$compiles" ] && ! grep -v -- ' -I/opt/site/include -Icommon -Iomp -Impi ' <<<"$compiles" &&
    ! grep -q -- '-Impi.* -Icommon' <<<"$compiles" &&
    grep -q -- ' -o bin/omp_heat -lsite -lm -lpthread -lpng$' "$log"
tally $? "CPPFLAGS and LDLIBS from a make's environment: parlab's flags added once" \
    "parlab's flags added twice to the environment's (a rebuild at every make a script starts):"

! grep -n 'CU_ASSERT[A-Z_]*_FATAL\|CU_FAIL_FATAL' tests/*mpi*.c >"$log"
tally $? "MPI suites use non-fatal asserts only" \
    "fatal asserts in MPI suites (below) can leave other ranks hanging:"

mv "$TIMES.new" "$TIMES"
echo
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
exit
}

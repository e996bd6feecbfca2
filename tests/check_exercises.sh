#!/usr/bin/env bash
# check_exercises.sh: the exercises' checks are proven. For each exercise, `make check` fails on
# the skeleton as shipped (with its reason) and passes on the solution, both built without a
# warning; mistakes planted in a copy
# of the solution are each caught with the words the exercise's page promises; a name that is no
# exercise is refused; `make handout` leaves the solutions out. Ends with "exercises: N passed,
# N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/check_common.sh disable=SC1091 # followed with shellcheck -x
. tests/check_common.sh

# checked right|not DIR: `make check EX=collective_tree FROM=DIR` succeeds, or fails (make exits
# 2 for any failed recipe); its output in $out.
checked() {
    make --no-print-directory check EX=collective_tree FROM="$2" >"$out" 2>&1
    local status=$?
    if [ "$1" = right ]; then [ "$status" -eq 0 ]; else [ "$status" -ne 0 ]; fi
}

# planted NAME SED: the solution with the sed script applied, in $tmp/NAME; fails when the sed
# changed nothing (the solution moved on: the test must follow).
planted() {
    mkdir -p "$tmp/$1"
    sed "$2" exercises/solutions/collective_tree/gather_tree.c >"$tmp/$1/gather_tree.c"
    ! cmp -s exercises/solutions/collective_tree/gather_tree.c "$tmp/$1/gather_tree.c"
}

echo "=== collective_tree"
if checked not exercises/collective_tree && grep -q "^check: collective_tree: NOT DONE: gather_tree is not right on 2 ranks" "$out" &&
    grep -q "^    2 ranks: FAILED: .*rank 1's block (element 0) never reached rank 0" "$out" &&
    [ ! -s build/exercises/collective_tree/build.log ]; then ok
else bad "the skeleton as shipped: wanted NOT DONE on 2 ranks, rank 1's block never reached: $(tail -n 3 "$out")"; fi

# A handout (make handout) has no solutions: there only the skeleton's check and the refusals are
# proven.
if [ ! -d exercises/solutions/collective_tree ]; then
    echo "    (no exercises/solutions/ in this copy, a handout: the solution's checks left out)"
else
    if checked right exercises/solutions/collective_tree && grep -q '^check: collective_tree: DONE$' "$out" &&
        [ "$(grep -c 'every block in its place' "$out")" -eq 7 ] &&
        grep -Eq '^    speed on [0-9] ranks, .*: your gather_tree [0-9.e+-]+ us, MPI.s [0-9.e+-]+ us$' "$out" &&
        [ ! -s build/exercises/collective_tree/build.log ]; then ok
    else bad "the solution: wanted DONE at 7 rank counts and the speed line: $(tail -n 4 "$out")"; fi

    # Received blocks written over the last ones: the count never grows.
    if planted overwrite '/held += more;/d' && checked not "$tmp/overwrite" &&
        grep -q "^    3 ranks: FAILED: .*where rank 1's element 0 belongs, rank 0 has rank 2's element 0" "$out"; then ok
    else bad "planted: received blocks written over the last: $(tail -n 2 "$out")"; fi

    # One block received where several arrive: the receive is too short (MPI says so) on 4 ranks.
    if planted short 's/more \* b->count, MPI_UINT64_T/b->count, MPI_UINT64_T/' && checked not "$tmp/short" &&
        grep -q "^check: collective_tree: NOT DONE: gather_tree is not right on 4 ranks" "$out" &&
        grep -Eiq "^    4 ranks: MPI ERROR: rank 0: .*truncat" "$out"; then ok
    else bad "planted: a receive of one block: $(tail -n 2 "$out")"; fi

    # Nobody sends: every receiver waits; the watchdog names a rank that hangs.
    if planted nobody 's/if (rank & d) {/if (rank \& d \&\& 0) {/' && checked not "$tmp/nobody" &&
        grep -Eq "^    2 ranks: HANG: rank 0 of 2: gather_tree has not returned in 5 s" "$out"; then ok
    else bad "planted: no rank sends: wanted rank 0 named as hanging on 2 ranks: $(tail -n 2 "$out")"; fi

    # A file that does not compile is said to, with the compiler's words.
    if planted broken 's/held += more;/held += ;/' && checked not "$tmp/broken" &&
        grep -q "^check: collective_tree: NOT DONE: the files in $tmp/broken/ do not compile" "$out" &&
        grep -q 'gather_tree.c:.*error' "$out"; then ok
    else bad "planted: a syntax error: $(tail -n 2 "$out")"; fi
fi

echo "=== make check without an exercise, with one that is not there"
for ex in "" nonsense; do
    make --no-print-directory check EX="$ex" >"$out" 2>"$err"
    status=$?
    if [ "$status" -ne 0 ] && [ "$(grep -c '^check: ' "$err")" -eq 1 ] &&
        grep -q "make check EX=NAME, NAME one of: collective_tree" "$err"; then ok
    else bad "make check EX='$ex': wanted one line naming the exercises and an error, got $status: $(cat "$err")"; fi
done

echo "=== make handout"
if make --no-print-directory handout >"$out" 2>&1 && tar -tzf results/handout/parlab-handout.tar.gz >"$tmp/list" &&
    grep -qx 'parlab/exercises/collective_tree/gather_tree.c' "$tmp/list" &&
    grep -qx 'parlab/Makefile' "$tmp/list" && ! grep -q '^parlab/exercises/solutions/' "$tmp/list"; then ok
else bad "make handout: wanted the skeletons and the Makefile, no solutions: $(cat "$out")"; fi

check_end exercises

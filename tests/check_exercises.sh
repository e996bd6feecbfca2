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
# shellcheck source=scripts/run/parlab.sh disable=SC1091 # followed with shellcheck -x
. scripts/run/parlab.sh

# Hangs are caught after 2 s here, not a learner's 5: the planted hangs cost 7 x 3 s less.
export PLB_CHECK_HANG_S=2

# How a raced run is reported, up to the variant's own words: by the race checks ("2 threads:
# FAILED: atomic, ..."), or, when they missed it on a busy core, by the timed run ("2 threads,
# timed: FAILED: atomic: result does not verify: atomic, ...").
raced='^    [2-8] threads(, timed)?: FAILED: ([a-z_]+: result does not verify: )?'

# timed REGEX: the solution's speed line matches REGEX; under the sanitizers, which time nothing,
# check.sh says so instead.
timed() {
    if [ -n "${PLB_SANITIZE:-}" ]; then grep -q '^    speed: not timed under the sanitizers$' "$out"
    else grep -Eq "$1" "$out"; fi
}
# The race and histogram exercises look for races with ThreadSanitizer where it builds OpenMP
# programs (CI's Debian 12), and say so where not; never under the sanitizers (another build).
if plb_tsan "$tmp" >/dev/null; then archer=yes; else archer=; fi
# race_words: the solution's line about races, as this machine gives it.
race_words() {
    if [ -n "${PLB_SANITIZE:-}" ]; then ! grep -q '^    races: ' "$out"
    elif [ -n "$archer" ]; then grep -q '^    races: none seen by ThreadSanitizer on 4 threads$' "$out"
    else grep -q "^    races: not looked for here: ThreadSanitizer needs clang, libomp-dev (Archer) and clang's sanitizer runtime" "$out"; fi
}
# race_caught FILE NAME PATTERN EXERCISE: in $tmp/NAME/FILE, a race that loses an update about once in 10^4 calls: NOT DONE,
# by ThreadSanitizer's report at the line PATTERN finds, or by the updates a run lost.
race_caught() {
    local line
    line=$(grep -n "$3" "$tmp/$2/$1" | head -n 1 | cut -d: -f1)
    grep -q "^check: $4: NOT DONE: " "$out" &&
        { grep -q "^    4 threads: ThreadSanitizer saw two threads use one variable at once, one of them writing, with nothing to order them (at $1:$line, build/exercises/$4/tsan.log): an update of a shared variable needs an atomic, a critical, or the reduction clause$" "$out" ||
            grep -Eq "${raced}.*(updates|additions) lost$" "$out"; }
}

# checked EXERCISE right|not DIR: `make check EX=EXERCISE FROM=DIR` succeeds, or fails (make exits
# 2 for any failed recipe); its output in $out.
checked() {
    make --no-print-directory check EX="$1" FROM="$3" >"$out" 2>&1
    local status=$?
    if [ "$2" = right ]; then [ "$status" -eq 0 ]; else [ "$status" -ne 0 ]; fi
}

# planted EXERCISE FILE NAME SED: the solution's FILE with the sed script applied, in $tmp/NAME;
# fails when the sed changed nothing (the solution moved on: the test must follow), or when NAME
# was planted before (its folder would hold another exercise's files).
planted() {
    local solution=exercises/solutions/$1/$2
    mkdir "$tmp/$3" || return 1
    sed "$4" "$solution" >"$tmp/$3/$2"
    ! cmp -s "$solution" "$tmp/$3/$2"
}

# A handout (make handout) has no solutions: there only the skeletons' checks and the refusals
# are proven.
solutions=yes
if [ ! -d exercises/solutions ]; then
    solutions=
    echo "    (no exercises/solutions/ in this copy, a handout: the solutions' checks left out)"
fi

# Under the sanitizers the checkers run on the skeletons and the solutions; the planted mistakes
# prove the checks' words, which the sanitizers do not change (and ASan ends an out-of-bounds
# plant its own way).
[ -n "${PLB_SANITIZE:-}" ] && [ -n "$solutions" ] && solutions=unplanted

echo "=== collective_tree"
if checked collective_tree not exercises/collective_tree && grep -q "^check: collective_tree: NOT DONE: gather_tree is not right on 2 ranks" "$out" &&
    grep -q "^    2 ranks: FAILED: .*rank 1's block (element 0) never reached rank 0" "$out" &&
    [ ! -s build/exercises/collective_tree/build.log ]; then ok
else bad "the skeleton as shipped: wanted NOT DONE on 2 ranks, rank 1's block never reached: $(tail -n 3 "$out")"; fi

if [ -n "$solutions" ]; then
    if checked collective_tree right exercises/solutions/collective_tree && grep -q '^check: collective_tree: DONE$' "$out" &&
        [ "$(grep -c 'every block in its place' "$out")" -eq 7 ] &&
        timed '^    speed on [0-9] ranks, .*: yours: gather_tree [0-9.e+-]+ [mu]?s; MPI_Gather [0-9.e+-]+ [mu]?s$' &&
        [ ! -s build/exercises/collective_tree/build.log ]; then ok
    else bad "the solution: wanted DONE at 7 rank counts and the speed line: $(tail -n 4 "$out")"; fi
fi
if [ "$solutions" = yes ]; then
    # Received blocks written over the last ones: the count never grows.
    if planted collective_tree gather_tree.c overwrite '/held += more;/d' && checked collective_tree not "$tmp/overwrite" &&
        grep -q "^    3 ranks: FAILED: .*where rank 1's element 0 belongs, rank 0 has rank 2's element 0" "$out"; then ok
    else bad "planted: received blocks written over the last: $(tail -n 2 "$out")"; fi

    # One block received where several arrive: the receive is too short (MPI says so) on 4 ranks.
    if planted collective_tree gather_tree.c short 's/more \* b->count, MPI_UINT64_T/b->count, MPI_UINT64_T/' &&
        checked collective_tree not "$tmp/short" &&
        grep -q "^check: collective_tree: NOT DONE: gather_tree is not right on 4 ranks" "$out" &&
        grep -Eiq "^    4 ranks: MPI ERROR: rank 0: .*truncat" "$out"; then ok
    else bad "planted: a receive of one block: $(tail -n 2 "$out")"; fi

    # Nobody sends: every receiver waits; the watchdog names a rank that hangs.
    if planted collective_tree gather_tree.c nobody 's/if (rank & d) {/if (rank \& d \&\& 0) {/' &&
        checked collective_tree not "$tmp/nobody" &&
        grep -Eq "^    2 ranks: HANG: rank 0 of 2: gather_tree has not returned in 2 s: in MPI_Recv from rank 1 \(tag 0\)$" "$out"; then ok
    else bad "planted: no rank sends: wanted rank 0 named as hanging on 2 ranks: $(tail -n 2 "$out")"; fi

    # A file that does not compile is said to, with the compiler's words.
    if planted collective_tree gather_tree.c broken 's/held += more;/held += ;/' && checked collective_tree not "$tmp/broken" &&
        grep -q "^check: collective_tree: NOT DONE: the files in $tmp/broken/ do not compile" "$out" &&
        grep -q 'gather_tree.c:.*error' "$out"; then ok
    else bad "planted: a syntax error: $(tail -n 2 "$out")"; fi
fi

# The race is found where the threads share one core too (the checks' -O0 build): the skeleton
# pinned to one core, as a loaded machine may run it.
echo "=== race_histogram"
if taskset -c 0 true 2>/dev/null; then pin=(taskset -c 0); else pin=(); fi
if ${pin[@]+"${pin[@]}"} make --no-print-directory check EX=race_histogram >"$out" 2>&1; then status=0; else status=$?; fi
if [ "$status" -ne 0 ] && grep -Eq "^check: race_histogram: NOT DONE: the histogram is not right on [2-8] threads" "$out" &&
    grep -Eq "${raced}(critical|atomic|reduction), [0-9]+ values: bin [0-9]+ counted [0-9]+, expected [0-9]+; [0-9]+ updates lost$" "$out" &&
    grep -q "^    1 thread: every bin exact" "$out" && [ ! -s build/exercises/race_histogram/build.log ] && [ ! -s build/exercises/race_histogram/checked.log ]; then ok
else bad "the skeleton as shipped, on one core: wanted NOT DONE with updates lost at 2 to 8 threads: $(tail -n 3 "$out")"; fi

if [ -n "$solutions" ]; then
    if checked race_histogram right exercises/solutions/race_histogram && grep -q '^check: race_histogram: DONE$' "$out" &&
        [ "$(grep -c 'every bin exact, three ways' "$out")" -eq 5 ] && race_words &&
        timed '^    speed on [0-9] threads, .*: yours: critical [0-9.e+-]+ [mu]?s, atomic [0-9.e+-]+ [mu]?s, reduction [0-9.e+-]+ [mu]?s; one thread alone [0-9.e+-]+ [mu]?s$' &&
        [ ! -s build/exercises/race_histogram/build.log ] && [ ! -s build/exercises/race_histogram/checked.log ]; then ok
    else bad "the solution: wanted DONE at 5 thread counts and the speed line: $(tail -n 4 "$out")"; fi
fi
if [ "$solutions" = yes ]; then
    # The atomic taken away: that way races again, and is named.
    if planted race_histogram histogram.c unatomic '/omp atomic/d' && checked race_histogram not "$tmp/unatomic" &&
        grep -Eq "${raced}atomic, [0-9]+ values: .*updates lost$" "$out"; then ok
    else bad "planted: the atomic left out: $(tail -n 2 "$out")"; fi

    # The reduction clause left out: that way races again.
    if planted race_histogram histogram.c unreduced 's/ reduction(+ : counts\[:bins\])//' &&
        checked race_histogram not "$tmp/unreduced" &&
        grep -Eq "${raced}reduction, [0-9]+ values: .*updates lost$" "$out"; then ok
    else bad "planted: the reduction left out: $(tail -n 2 "$out")"; fi

    # Private counts, then merged with no atomic: a race a run rarely loses an update to.
    if [ -n "$archer" ]; then
        mkdir "$tmp/merged" && perl -0pe 's/(void histogram_critical\([^)]*\)\n\{\n).*?\n\}\n/$1#pragma omp parallel\n    {\n        int64_t mine[64] = {0};\n#pragma omp for\n        for (int64_t i = 0; i < n; i++)\n            mine[values[i] % (uint32_t)bins]++;\n        for (int b = 0; b < bins; b++)\n            counts[b] += mine[b];\n    }\n}\n/s' \
            exercises/solutions/race_histogram/histogram.c >"$tmp/merged/histogram.c"
        if grep -q 'counts\[b\] += mine\[b\];' "$tmp/merged/histogram.c" && checked race_histogram not "$tmp/merged" &&
            race_caught histogram.c merged 'counts\[b\] += mine\[b\];' race_histogram; then ok
        else bad "planted: private counts merged with no atomic: $(tail -n 2 "$out")"; fi
    fi

    # A reduction over bin 0 alone: the other bins are written past the private copy's end.
    if planted race_histogram histogram.c onebin 's/counts\[:bins\]/counts[:1]/' && checked race_histogram not "$tmp/onebin" &&
        grep -Eq "^    1 thread: (crashed: SIG[A-Z]+|FAILED: reduction)" "$out"; then ok
    else bad "planted: a reduction over one bin: $(tail -n 2 "$out")"; fi
fi

# The reduction by hand: like the histogram, its race must show on one core.
echo "=== reduction_by_hand"
if ${pin[@]+"${pin[@]}"} make --no-print-directory check EX=reduction_by_hand >"$out" 2>&1; then status=0; else status=$?; fi
if [ "$status" -ne 0 ] && grep -Eq "^check: reduction_by_hand: NOT DONE: the sum is not right on [2-8] threads" "$out" &&
    grep -Eq "${raced}sum_(private|partials), [0-9]+ values?: [0-9]+, expected [0-9]+: [0-9]+ short, additions lost$" "$out" &&
    grep -q "^    1 thread: both sums exact" "$out" && [ ! -s build/exercises/reduction_by_hand/build.log ] &&
        [ ! -s build/exercises/reduction_by_hand/checked.log ]; then ok
else bad "the skeleton as shipped, on one core: wanted NOT DONE with additions lost at 2 to 8 threads: $(tail -n 3 "$out")"; fi

if [ -n "$solutions" ]; then
    if checked reduction_by_hand right exercises/solutions/reduction_by_hand && grep -q '^check: reduction_by_hand: DONE$' "$out" &&
        [ "$(grep -c 'both sums exact' "$out")" -eq 5 ] && race_words &&
        timed '^    speed on [0-9] threads, .*: yours: sum_private [0-9.e+-]+ [mu]?s, sum_partials [0-9.e+-]+ [mu]?s; the reduction clause [0-9.e+-]+ [mu]?s, one thread alone [0-9.e+-]+ [mu]?s$' &&
        [ ! -s build/exercises/reduction_by_hand/build.log ] &&
        [ ! -s build/exercises/reduction_by_hand/checked.log ]; then ok
    else bad "the solution: wanted DONE at 5 thread counts and the speed line: $(tail -n 4 "$out")"; fi
fi
if [ "$solutions" = yes ]; then
    # The loop adding to the shared total, not to the private sum: the race is back.
    if planted reduction_by_hand sum.c shared 's/^\( *\)mine += values/\1total += values/' &&
        checked reduction_by_hand not "$tmp/shared" &&
        grep -Eq "${raced}sum_private, [0-9]+ values?: .*short, additions lost$" "$out"; then ok
    else bad "planted: the loop adding to the shared total: $(tail -n 2 "$out")"; fi

    # The one addition a thread makes to the shared total left unguarded: a run rarely loses it.
    if [ -n "$archer" ]; then
        if planted reduction_by_hand sum.c unguarded '/#pragma omp atomic/d' &&
            checked reduction_by_hand not "$tmp/unguarded" &&
            race_caught sum.c unguarded 'total += mine;' reduction_by_hand; then ok
        else bad "planted: the thread's sum added to the total with no atomic: $(tail -n 2 "$out")"; fi
    fi

    # Every thread's partial in element 0: one shared sum again.
    if planted reduction_by_hand sum.c onepartial 's/&partial\[omp_get_thread_num() \* LINE_WORDS\]/\&partial[0]/' &&
        checked reduction_by_hand not "$tmp/onepartial" &&
        grep -Eq "${raced}sum_partials, [0-9]+ values?: .*short, additions lost$" "$out"; then ok
    else bad "planted: every thread's partial in element 0: $(tail -n 2 "$out")"; fi
fi

# The schedule: told by the items that wait behind a held-up thread, not by a clock.
echo "=== schedule_uneven"
if checked schedule_uneven not exercises/schedule_uneven &&
    grep -q "^check: schedule_uneven: NOT DONE: the loop is not right on 2 threads" "$out" &&
    grep -Eq "^    2 threads: FAILED: do_items, 2 threads: while item [0-9]+ held its thread up, [0-9]+ of the other items waited for that thread, though the others were free: they were its share before it began: hand them out a few at a time \(static deals shares out before the loop runs; guided's first chunks and large dynamic ones are shares too\)$" "$out" &&
    grep -q "^    1 thread: every item exact" "$out" && [ ! -s build/exercises/schedule_uneven/build.log ]; then ok
else bad "the skeleton as shipped: wanted NOT DONE at 2 threads, items waiting behind the held thread: $(tail -n 3 "$out")"; fi

if [ -n "$solutions" ]; then
    if checked schedule_uneven right exercises/solutions/schedule_uneven && grep -q '^check: schedule_uneven: DONE$' "$out" &&
        [ "$(grep -c 'none waiting behind a held-up thread' "$out")" -eq 5 ] &&
        timed '^    speed on [0-9] threads, .*: yours: do_items [0-9.e+-]+ [mu]?s; the static schedule [0-9.e+-]+ [mu]?s, dynamic chunks of 1 [0-9.e+-]+ [mu]?s, one thread alone [0-9.e+-]+ [mu]?s$' &&
        [ ! -s build/exercises/schedule_uneven/build.log ]; then ok
    else bad "the solution: wanted DONE at 5 thread counts and the speed line: $(tail -n 4 "$out")"; fi
fi
if [ "$solutions" = yes ]; then
    # guided: its first chunk, 1000 / threads items, waits behind the held thread.
    if planted schedule_uneven items.c guided 's/schedule(dynamic, 1)/schedule(guided)/' &&
        checked schedule_uneven not "$tmp/guided" &&
        grep -Eq "^    2 threads: FAILED: do_items, 2 threads: while item [0-9]+ held its thread up, [0-9]+ of the other items waited" "$out"; then ok
    else bad "planted: schedule(guided): $(tail -n 2 "$out")"; fi

    # No parallel loop at all: one thread did every item.
    if planted schedule_uneven items.c serial '/#pragma omp parallel for/d' &&
        checked schedule_uneven not "$tmp/serial" &&
        grep -q '^    2 threads: FAILED: do_items, 2 threads: one thread did every item: is the loop an omp parallel for, its chunks smaller than the loop?$' "$out"; then ok
    else bad "planted: no omp parallel for: $(tail -n 2 "$out")"; fi

    # The last item skipped: named.
    if planted schedule_uneven items.c skipped 's/i < n;/i < n - 1;/' &&
        checked schedule_uneven not "$tmp/skipped" &&
        grep -q '^    1 thread: FAILED: do_items, 1 item: item 0 was never done$' "$out"; then ok
    else bad "planted: the last item skipped: $(tail -n 2 "$out")"; fi
fi

# Without the waits the ring is written over, or read empty: found on one core too.
echo "=== queue_condvar"
if ${pin[@]+"${pin[@]}"} make --no-print-directory check EX=queue_condvar >"$out" 2>&1; then status=0; else status=$?; fi
if [ "$status" -ne 0 ] && grep -q "^check: queue_condvar: NOT DONE: the queue is not right on 2 threads" "$out" &&
    grep -Eq "^    2 threads: (FAILED: [0-9]+ items?: (item [0-9]+ was (never taken|taken [0-9]+ times)|the consumers took more than were put|a consumer took)|HANG: .*consumers 1 done)" "$out" &&
    [ ! -s build/exercises/queue_condvar/build.log ]; then ok
else bad "the skeleton as shipped, on one core: wanted NOT DONE on 2 threads, items lost or taken twice: $(tail -n 3 "$out")"; fi

if [ -n "$solutions" ]; then
    if checked queue_condvar right exercises/solutions/queue_condvar && grep -q '^check: queue_condvar: DONE$' "$out" &&
        [ "$(grep -c 'every item taken once, in order' "$out")" -eq 4 ] &&
        timed "^    speed on [0-9] threads, .*: yours: bq_put/bq_take [0-9.e+-]+ [mu]?s; omp_queue's condvar [0-9.e+-]+ [mu]?s$" &&
        [ ! -s build/exercises/queue_condvar/build.log ]; then ok
    else bad "the solution: wanted DONE at 4 thread counts and the speed line: $(tail -n 4 "$out")"; fi
fi
if [ "$solutions" = yes ]; then
    # No wake-up for the consumers: they sleep for ever; the HANG line says where everyone is.
    if planted queue_condvar bounded_queue.c nosignal '/pthread_cond_signal(&q->not_empty);/d' &&
        checked queue_condvar not "$tmp/nosignal" &&
        grep -Eq "^    2 threads: HANG: the queue has not moved in 2 s: producers 1 (done|in bq_put), consumers 1 in bq_take, the ring holds [0-4] of 4$" "$out"; then ok
    else bad "planted: no signal of not_empty: $(tail -n 2 "$out")"; fi

    # The consumer wakes the consumers, not the producers: a producer sleeps in bq_put.
    if planted queue_condvar bounded_queue.c wrongcv 's/pthread_cond_signal(&q->not_full);/pthread_cond_signal(\&q->not_empty);/' &&
        checked queue_condvar not "$tmp/wrongcv" &&
        grep -Eq "^    [2-8] threads: HANG: the queue has not moved in 2 s: producers [0-9]+ in bq_put" "$out"; then ok
    else bad "planted: not_empty signalled where not_full belongs: $(tail -n 2 "$out")"; fi

    # No wait while empty: a consumer takes what was never put (and, its takes used up, may
    # leave a producer asleep on a full ring: a hang).
    if planted queue_condvar bounded_queue.c nowait '/while (q->tail == q->head)/,+1d' &&
        checked queue_condvar not "$tmp/nowait" &&
        grep -Eq "^    2 threads: (FAILED: [0-9]+ items?: (the consumers took more than were put|item [0-9]+ was taken [0-9]+ times|a consumer took)|HANG: .*consumers 1 done)" "$out"; then ok
    else bad "planted: no wait while empty: $(tail -n 2 "$out")"; fi
fi

echo "=== scatter_uneven"
if checked scatter_uneven not exercises/scatter_uneven &&
    grep -q "^check: scatter_uneven: NOT DONE: the scatter/gather round is not right on 1 rank " "$out" &&
    grep -q "^    1 rank: FAILED: scatter_by_hand and gather_by_hand, 1 element: rank 0: la\[0\] = " "$out" &&
    [ ! -s build/exercises/scatter_uneven/build.log ]; then ok
else bad "the skeleton as shipped: wanted NOT DONE on 1 rank, rank 0's block wrong: $(tail -n 3 "$out")"; fi

if [ -n "$solutions" ]; then
    if checked scatter_uneven right exercises/solutions/scatter_uneven && grep -q '^check: scatter_uneven: DONE$' "$out" &&
        [ "$(grep -c 'every block dealt, scattered, squared and gathered' "$out")" -eq 7 ] &&
        timed '^    speed on [0-9] ranks, .*: yours: scatter and gather by hand [0-9.e+-]+ [mu]?s; MPI_Scatterv/MPI_Gatherv [0-9.e+-]+ [mu]?s, the root alone [0-9.e+-]+ [mu]?s$' &&
        [ ! -s build/exercises/scatter_uneven/build.log ]; then ok
    else bad "the solution: wanted DONE at 7 rank counts and the speed line: $(tail -n 4 "$out")"; fi
fi
if [ "$solutions" = yes ]; then
    # The skeleton's own dealing: the remainder goes to no rank.
    if planted scatter_uneven blocks.c rest 's/counts\[r\] = (int)(base + (r < extra));/counts[r] = (int)base;/' &&
        checked scatter_uneven not "$tmp/rest" &&
        grep -q "^    2 ranks: FAILED: deal_blocks, 1 element on 2 ranks: the blocks hold 0 elements, not 1: 1 dealt to no rank$" "$out"; then ok
    else bad "planted: the remainder dealt to no rank: $(tail -n 2 "$out")"; fi

    # The whole remainder to the last rank: every element dealt, but not evenly.
    if planted scatter_uneven blocks.c last 's/counts\[r\] = (int)(base + (r < extra));/counts[r] = (int)(base + (r == ranks - 1 ? extra : 0));/' &&
        checked scatter_uneven not "$tmp/last" &&
        grep -q "^    3 ranks: FAILED: deal_blocks, 999983 elements on 3 ranks: blocks of 333327 to 333329 elements: not as even as can be$" "$out"; then ok
    else bad "planted: the remainder to the last rank: $(tail -n 2 "$out")"; fi

    # Gathered blocks put at r * count, right only when the blocks are even: found by the
    # lesson's own check of the root's result.
    if planted scatter_uneven blocks.c gathered 's/MPI_Irecv(j->b + j->displs\[r\]/MPI_Irecv(j->b + r * j->count/' &&
        checked scatter_uneven not "$tmp/gathered" &&
        grep -Eq "^    3 ranks: FAILED: scatter_by_hand and gather_by_hand, 10 elements: rank 0: b\[[0-9]+\] = -?[0-9]+, expected [0-9]+$" "$out"; then ok
    else bad "planted: blocks gathered at r * count: $(tail -n 2 "$out")"; fi
fi

# A blocking send to oneself past the eager limit waits for ever; where a library buffers it, the
# ring of 2 deadlocks. Every stuck rank names the MPI_Send it waits in.
echo "=== deadlock_ring"
if checked deadlock_ring not exercises/deadlock_ring &&
    grep -Eq "^check: deadlock_ring: NOT DONE: the ring shift is not right on [12] ranks? " "$out" &&
    grep -Eq "^    [12] ranks?: HANG: rank 0 of [12]: the ring shift has not returned in 2 s: in MPI_Send to rank [01] \([0-9]+ bytes, tag 7\)$" "$out" &&
    [ ! -s build/exercises/deadlock_ring/build.log ]; then ok
else bad "the skeleton as shipped: wanted a HANG in MPI_Send on 1 or 2 ranks: $(tail -n 3 "$out")"; fi

if [ -n "$solutions" ]; then
    if checked deadlock_ring right exercises/solutions/deadlock_ring && grep -q '^check: deadlock_ring: DONE$' "$out" &&
        [ "$(grep -c 'every block from the left neighbour' "$out")" -eq 6 ] &&
        timed '^    speed on [0-9] ranks, .*: yours: ring_shift [0-9.e+-]+ [mu]?s, ring_shift_ordered [0-9.e+-]+ [mu]?s; a memcpy of the same bytes [0-9.e+-]+ [mu]?s$' &&
        [ ! -s build/exercises/deadlock_ring/build.log ]; then ok
    else bad "the solution: wanted DONE at 6 rank counts and the speed line: $(tail -n 4 "$out")"; fi
fi
if [ "$solutions" = yes ]; then
    # The ordered shift without its one-rank case: a send to itself, waiting in MPI_Send.
    if planted deadlock_ring ring.c nosize1 '/if (size == 1) {/,/^    }$/d' && checked deadlock_ring not "$tmp/nosize1" &&
        grep -Eq "^    [12] ranks?: HANG: rank 0 of [12]: .*: in MPI_Send to rank [01] " "$out"; then ok
    else bad "planted: no one-rank case: $(tail -n 2 "$out")"; fi

    # Receiving from the right where the left sends: on 3 ranks every rank waits for a message
    # that goes elsewhere, and each of the three lines says from whom.
    if planted deadlock_ring ring.c wrongpeer 's/in, count, MPI_INT64_T, left, TAG, comm,$/in, count, MPI_INT64_T, right, TAG, comm,/' &&
        checked deadlock_ring not "$tmp/wrongpeer" &&
        [ "$(grep -c "^    3 ranks: HANG: rank [012] of 3: .*: in MPI_Sendrecv, to rank [012] (tag 7) and from rank [012] (tag 7)$" "$out")" -eq 3 ]; then ok
    else bad "planted: receiving from the wrong neighbour: wanted three HANG lines: $(tail -n 4 "$out")"; fi

    # The ordered shift handing its work to MPI_Sendrecv: right, but not the exercise; the
    # profiling layer sees the call.
    if planted deadlock_ring ring.c ordsendrecv 's/^    if (size == 1) {/    ring_shift(out, in, count, comm);\n    return;\n    if (size == 1) {/' &&
        checked deadlock_ring not "$tmp/ordsendrecv" &&
        grep -q "^    1 rank: FAILED: ring_shift_ordered, 1 element (8 bytes): rank 0: ring_shift_ordered used MPI_Sendrecv: MPI_Send and MPI_Recv alone" "$out"; then ok
    else bad "planted: the ordered shift calling MPI_Sendrecv: $(tail -n 2 "$out")"; fi

    # The shift the wrong way round: consistent, so no hang, but every block is the right
    # neighbour's.
    if planted deadlock_ring ring.c reversed 's/MPI_Sendrecv(out, count, MPI_INT64_T, right, TAG, in, count, MPI_INT64_T, left,/MPI_Sendrecv(out, count, MPI_INT64_T, left, TAG, in, count, MPI_INT64_T, right,/' &&
        checked deadlock_ring not "$tmp/reversed" &&
        grep -q "^    3 ranks: FAILED: ring_shift, 1 element (8 bytes): rank 0: where rank 2's element 0 belongs, it has rank 1's element 0$" "$out"; then ok
    else bad "planted: the shift reversed: $(tail -n 2 "$out")"; fi
fi

echo "=== halo_exchange"
if checked halo_exchange not exercises/halo_exchange &&
    grep -q "^check: halo_exchange: NOT DONE: the halo exchange is not right on 2 ranks" "$out" &&
    grep -q "^    2 ranks: FAILED: halo_sendrecv, 2x1 ranks, one exchange: rank 1's ghost row above (from rank 0), cell (7, 1): nothing arrived" "$out" &&
    [ ! -s build/exercises/halo_exchange/build.log ]; then ok
else bad "the skeleton as shipped: wanted NOT DONE on 2 ranks, rank 1's ghost row above empty: $(tail -n 3 "$out")"; fi

if [ -n "$solutions" ]; then
    if checked halo_exchange right exercises/solutions/halo_exchange && grep -q '^check: halo_exchange: DONE$' "$out" &&
        [ "$(grep -c 'every ghost cell right, 4 steps exact' "$out")" -eq 7 ] &&
        timed '^    speed on [0-9] ranks, .*: yours: halo_sendrecv [0-9.e+-]+ [mu]?s, halo_start/finish [0-9.e+-]+ [mu]?s; MPI_Neighbor_alltoallw [0-9.e+-]+ [mu]?s$' &&
        [ ! -s build/exercises/halo_exchange/build.log ]; then ok
    else bad "the solution: wanted DONE at 7 rank counts and the speed line: $(tail -n 4 "$out")"; fi
fi
if [ "$solutions" = yes ]; then
    # The last column sent nowhere: a missing halo, seen where ranks have left neighbours.
    if planted halo_exchange halo.c nocolumn 's/\.type = d->col, \.to = d->right, \.from = d->left}/.type = d->col, .to = MPI_PROC_NULL, .from = MPI_PROC_NULL}/' &&
        checked halo_exchange not "$tmp/nocolumn" &&
        grep -q "^    4 ranks: FAILED: halo_sendrecv, 2x2 ranks, one exchange: rank 1's left ghost column (from rank 0), cell (1, 6): nothing arrived" "$out"; then ok
    else bad "planted: the last column never sent: $(tail -n 2 "$out")"; fi

    # The first row sent down where the last belongs: a ghost row holds the wrong row.
    if planted halo_exchange halo.c wrongrow 's/dir\[1\] = (direction){.send_at = last_row \* s + 1,/dir[1] = (direction){.send_at = 1 * s + 1,/' &&
        checked halo_exchange not "$tmp/wrongrow" &&
        grep -q "^    2 ranks: FAILED: halo_sendrecv, 2x1 ranks, one exchange: rank 1's ghost row above (from rank 0), cell (7, 1): holds cell (1, 1)'s value" "$out"; then ok
    else bad "planted: the first row sent down: $(tail -n 2 "$out")"; fi

    # halo_start receiving into the edges it sends: own cells overwritten.
    if planted halo_exchange halo.c intoedge 's/MPI_Irecv(u + dir\[k\].recv_at/MPI_Irecv(u + dir[k].send_at/' &&
        checked halo_exchange not "$tmp/intoedge" &&
        grep -q "^    2 ranks: FAILED: halo_start/halo_finish, 2x1 ranks, one exchange: rank 0's own cell (1, 1) was overwritten with cell (8, 1)'s value" "$out"; then ok
    else bad "planted: receives into the edges: $(tail -n 2 "$out")"; fi

    # halo_finish waiting for the receives alone: the sends are left pending.
    if planted halo_exchange halo.c finish4 's/MPI_Waitall(8, req, status);/MPI_Waitall(4, req, status);/' &&
        checked halo_exchange not "$tmp/finish4" &&
        grep -q "^    1 rank: FAILED: halo_start/halo_finish, 1x1 ranks, one exchange: rank 0: halo_finish left 4 of the 8 requests unfinished" "$out"; then ok
    else bad "planted: halo_finish waiting for 4 of 8: $(tail -n 2 "$out")"; fi

    # halo_start with blocking sends: right at this size, but it does not return at once.
    if planted halo_exchange halo.c startblocks 's/MPI_Isend(u + dir\[k\].send_at, 1, dir\[k\].type, dir\[k\].to, TAG, d->cart, &req\[4 + k\]);/MPI_Send(u + dir[k].send_at, 1, dir[k].type, dir[k].to, TAG, d->cart);/' &&
        checked halo_exchange not "$tmp/startblocks" &&
        grep -q "^    1 rank: FAILED: halo_start/halo_finish, 1x1 ranks, one exchange: rank 0: halo_start made 4 blocking calls" "$out"; then ok
    else bad "planted: halo_start with blocking sends: $(tail -n 2 "$out")"; fi

    # Receives that wait for a tag no rank sends: the watchdog names the rank that hangs.
    if planted halo_exchange halo.c tag 's/dir\[k\].from, TAG, d->cart, MPI_STATUS_IGNORE);/dir[k].from, TAG + 1, d->cart, MPI_STATUS_IGNORE);/' &&
        checked halo_exchange not "$tmp/tag" &&
        grep -q "^    2 ranks: HANG: rank 0 of 2: the exchange has not returned in 2 s: in MPI_Sendrecv, .* from rank 1 (tag 24)$" "$out"; then ok
    else bad "planted: a tag no rank sends: $(tail -n 2 "$out")"; fi
fi

# The offload: built for LLVM's CPU device, memory of its own: a loop on the host moves nothing,
# a map left out loses the result, a field mapped every step moves it every step.
# Where clang cannot build for it (no clang, or no libomptarget: make deps OFFLOAD=cpu), the check
# refuses with exit 2 and these checks are left out, said so (CI and every lane have it).
echo "=== offload_loop"
offload=$solutions
if checked offload_loop not exercises/offload_loop && grep -q '^check: offload_loop: cannot check here: ' "$out"; then
    offload=no
    echo "    (no LLVM CPU device to build for here: the offload exercise's checks left out)"
elif grep -q "^check: offload_loop: NOT DONE: the offload is not right on 1 thread" "$out" &&
    grep -q '^    1 thread: FAILED: square_on_device, n = 1: nothing crossed to the device: the loop ran on the host' "$out" &&
    [ ! -s build/exercises/offload_loop/build.log ]; then ok
else bad "the skeleton as shipped: wanted NOT DONE on 1 thread, the loop ran on the host: $(tail -n 3 "$out")"; fi

if [ -n "$offload" ] && [ "$offload" != no ]; then
    if checked offload_loop right exercises/solutions/offload_loop && grep -q '^check: offload_loop: DONE$' "$out" &&
        [ "$(grep -c 'every element exact, nothing copied twice' "$out")" -eq 2 ] &&
        timed "^    speed on [0-9] threads, .*: yours: square_on_device [0-9.e+-]+ [mu]?s, diffuse_on_device [0-9.e+-]+ [mu]?s; the device's copy loop [0-9.e+-]+ [mu]?s, the steps mapped every step [0-9.e+-]+ [mu]?s, the host's threads [0-9.e+-]+ [mu]?s$" &&
        [ ! -s build/exercises/offload_loop/build.log ]; then ok
    else bad "the solution: wanted DONE at 2 thread counts and the speed line: $(tail -n 4 "$out")"; fi
fi
if [ "$offload" = yes ]; then
    # y mapped to the device and never back: the host's y is as it was.
    if planted offload_loop device_loops.c yto 's/map(from : y\[:n\])/map(to : y[:n])/' &&
        checked offload_loop not "$tmp/yto" &&
        grep -q '^    1 thread: FAILED: square_on_device, n = 1: y is as it was before the call: nothing came back from the device into y (map it .from.)$' "$out"; then ok
    else bad "planted: y mapped to, not from: $(tail -n 2 "$out")"; fi

    # y mapped both ways: right, and twice the bytes to the device.
    if planted offload_loop device_loops.c ytofrom 's/map(from : y\[:n\])/map(tofrom : y[:n])/' &&
        checked offload_loop not "$tmp/ytofrom" &&
        grep -q '^    1 thread: FAILED: square_on_device, n = 1000: 16000 bytes went to the device, x is 8000: y need not go there' "$out"; then ok
    else bad "planted: y mapped tofrom: $(tail -n 2 "$out")"; fi

    # No target data: each step's loop maps the field, which crosses every step.
    if planted offload_loop device_loops.c perstep '/target data/d; /parallel for$/{N; s/parallel for\n\( *for (int64_t i = 1;\)/parallel for map(to : now[:n]) map(tofrom : next[:n])\n\1/; s/^ *#pragma omp target teams distribute parallel for\n\( *for (int64_t i = 0;\)/\1/}' &&
        checked offload_loop not "$tmp/perstep" &&
        grep -q '^    1 thread: FAILED: diffuse_on_device, n = 1000: the field crossed to the device again in the steps (112000 bytes to it in 7 steps, 32000 in 2): keep it there, .omp target data. around the step loop$' "$out"; then ok
    else bad "planted: the field mapped every step: $(tail -n 2 "$out")"; fi

    # The steps' loops on the host inside the target data: u comes back from the device unchanged.
    if planted offload_loop device_loops.c hostloops 's/#pragma omp target teams distribute parallel for$/#pragma omp parallel for/' &&
        checked offload_loop not "$tmp/hostloops" &&
        grep -q '^    1 thread: FAILED: diffuse_on_device, n = 1000, 2 steps: u is as it was before the steps' "$out"; then ok
    else bad "planted: the steps on the host inside target data: $(tail -n 2 "$out")"; fi

    # After an odd number of steps the last field stays in scratch.
    if planted offload_loop device_loops.c odd '/if (now != u) {/,/^        }/d' &&
        checked offload_loop not "$tmp/odd" &&
        grep -q '^    1 thread: FAILED: diffuse_on_device, n = 1000, 7 steps: u holds the field after 6 steps, not 7: after an odd number of steps the last field is in scratch$' "$out"; then ok
    else bad "planted: no copy into u after odd steps: $(tail -n 2 "$out")"; fi

    # scratch mapped back too: right, and twice the bytes back.
    if planted offload_loop device_loops.c scratchback 's/map(to : scratch\[:n\])/map(tofrom : scratch[:n])/' &&
        checked offload_loop not "$tmp/scratchback" &&
        grep -q '^    1 thread: FAILED: diffuse_on_device, n = 1000: 16000 bytes came back, u is 8000: scratch need not come back' "$out"; then ok
    else bad "planted: scratch mapped tofrom: $(tail -n 2 "$out")"; fi

    # No map at all for the steps: the device is given no field. LLVM 14 gives it no pointer, and
    # the run crashes; LLVM 19 the host's (OpenMP 5.1), which its CPU device can read: no copy.
    if planted offload_loop device_loops.c nomap '/target data/d' &&
        checked offload_loop not "$tmp/nomap" &&
        grep -Eq '^    1 thread: (crashed: SIG[A-Z]* \(an array the device was not given\?|FAILED: diffuse_on_device, n = 1000: nothing crossed to the device: the steps ran on the host, or with no map of the field)' "$out"; then ok
    else bad "planted: the steps' arrays never mapped: $(tail -n 2 "$out")"; fi
fi

echo "=== make check without an exercise, with one that is not there"
for ex in "" nonsense; do
    make --no-print-directory check EX="$ex" >"$out" 2>"$err"
    status=$?
    if [ "$status" -ne 0 ] && [ "$(grep -c '^check: ' "$err")" -eq 1 ] &&
        grep -q "make check EX=NAME, NAME one of: collective_tree deadlock_ring halo_exchange offload_loop queue_condvar race_histogram reduction_by_hand scatter_uneven schedule_uneven" "$err"; then ok
    else bad "make check EX='$ex': wanted one line naming the exercises and an error, got $status: $(cat "$err")"; fi
done

echo "=== make handout"
if make --no-print-directory handout >"$out" 2>&1 && tar -tzf results/handout/parlab-handout.tar.gz >"$tmp/list" &&
    grep -qx 'parlab/exercises/collective_tree/gather_tree.c' "$tmp/list" &&
    grep -qx 'parlab/exercises/race_histogram/histogram.c' "$tmp/list" &&
    grep -qx 'parlab/exercises/halo_exchange/halo.c' "$tmp/list" &&
    grep -qx 'parlab/exercises/deadlock_ring/ring.c' "$tmp/list" &&
    grep -qx 'parlab/exercises/scatter_uneven/blocks.c' "$tmp/list" &&
    grep -qx 'parlab/exercises/queue_condvar/bounded_queue.c' "$tmp/list" &&
    grep -qx 'parlab/exercises/reduction_by_hand/sum.c' "$tmp/list" &&
    grep -qx 'parlab/exercises/schedule_uneven/items.c' "$tmp/list" &&
    grep -qx 'parlab/exercises/offload_loop/device_loops.c' "$tmp/list" &&
    grep -qx 'parlab/Makefile' "$tmp/list" && ! grep -q '^parlab/exercises/solutions/' "$tmp/list"; then ok
else bad "make handout: wanted the skeletons and the Makefile, no solutions: $(cat "$out")"; fi

check_end exercises

# quiz.sh: the tour's questions, asked before a lesson runs and answered by its measurement
# (`make run QUIZ=1`, `common/run/tour.sh --quiz`). Sourced by tour.sh.
# shellcheck shell=bash

# quiz_entry PROGRAM THREADS RANKS: "VARIANT|BASELINE|QUESTION|WHY" for the lessons the tutorials
# ask about: is VARIANT faster than BASELINE, the same, or slower? Nothing for the others.
quiz_entry() {
    local t=$2 r=$3 doubling=0
    while [ $((2 << doubling)) -le "$r" ]; do doubling=$((doubling + 1)); done
    [ $((1 << doubling)) -lt "$r" ] && doubling=$((doubling + 2)) # ranks beyond a power of two
    case $1 in
        omp_countdown) echo "parallel|seq|$t threads count a number down to 0, each its share: faster than one thread, the same, or slower? (Python threads: the same, the GIL)|C threads run on different cores at once and share nothing until the end; only the cores you have can help" ;;
        omp_increment) echo "parallel|seq|$t threads add 1 to every element of a large array: faster than one thread, the same, or slower?|each element costs 16 bytes of memory traffic for 1 add: the memory's bandwidth sets the pace, and one core can already use much of it" ;;
        omp_map_square) echo "dynamic|seq|$t threads square an array, handed out one small chunk at a time (schedule(dynamic)): faster than one thread, the same, or slower?|each chunk is handed out at run time by a synchronised step that costs more than squaring the chunk" ;;
        omp_race) echo "atomic|seq|$t threads add 1 to one shared counter, each update atomic: faster than one thread counting alone, the same, or slower?|every update needs the counter's cache line to itself, so the threads take turns, and each turn is a trip between cores" ;;
        omp_latency) echo "parallel|seq|tasks that each wait 1 ms (a ping), on $t threads: faster than one thread, the same, or slower?|a waiting thread leaves its core free, so many more threads than cores can wait at once" ;;
        omp_thumbnails) echo "static|seq|$t threads make thumbnails of 200 images that grow with their number, each thread an equal block of images (schedule(static)): faster than one thread, the same, or slower?|the thread that drew the last, largest images works on alone while the others wait; dynamic and tasks hand out one image at a time instead" ;;
        omp_queue) echo "spin|condvar|a queue whose threads busy-wait (spin) instead of sleeping on a condition variable: faster, the same, or slower?|spinning saves the sleep and the wake-up, a system call each; it wins while every thread has a core, and burns those cores while it waits (see the # cpu notes)" ;;
        mpi_countdown) echo "parallel|seq|$r processes count a number down to 0, each its share: faster than one, the same, or slower? (Python: multiprocessing)|processes share nothing while they count; one number each crosses at the end" ;;
        mpi_map_square) echo "collective|seq|scatter an array to $r processes, square it there, gather it back: faster than one process squaring it, the same, or slower?|each element crosses between processes twice to be multiplied once: moving it costs more than squaring it" ;;
        mpi_thumbnails) echo "farm|static|thumbnails of images that grow with their number, on $r processes: handed out one at a time by a master (a task farm), against equal blocks per process: is the farm faster, the same, or slower?|the farm balances the uneven images, but its master only hands out (one process fewer at work) and every thumbnail crosses as a message; which wins depends on how uneven the work is and how many processes there are" ;;
        omp_heat) echo "target|seq|the heat equation's steps in an OpenMP target region, on a GPU where there is one (the # target note says where it ran): faster than one CPU thread, the same, or slower?|with a GPU the field goes there once and every step runs there; without one (host fallback) the target region runs on the host, and its teams cost more than they give" ;;
        mpi_heat) echo "sendrecv|seq|a heat field split over $r processes, each exchanging only its edges with its neighbours every step: faster than one process, the same, or slower?|each rank computes its block's n^2 points and sends 4n values a step: unlike scatter and gather, the data stay where they are computed" ;;
        mpi_collectives) echo "allreduce_tree|allreduce_linear|an allreduce of 1 MiB on $r processes: recursive doubling ($doubling steps, every process sending the whole message in each) against a reduce to one process and a broadcast back ($((2 * (r - 1))) steps, one message at a time): faster, the same, or slower?|a 1 MiB message costs its bytes more than its steps: the linear way pushes $((2 * (r - 1))) whole messages through one process's link one after another, doubling sends $doubling per process, all at the same time: across nodes that wins; on one machine with fewer cores than processes, they all share the cores and the memory bus, and either can win" ;;
        mpi_messages) echo "farm|static|tasks of uneven cost, handed out on request (a task farm) or in fixed blocks: is the farm faster, the same, or slower?|fixed blocks leave ranks that drew cheap tasks idle while one works on; the farm hands the next task to whoever is free" ;;
    esac
}

# The score: guesses judged, and those the measurement agreed with (quiz_score prints it).
quiz_asked=0
quiz_right=0

# quiz_ask QUESTION: prints the question and reads a guess from a terminal (none without one),
# asking again until the answer is one of the three. Sets quiz_guess to faster, same, slower or
# nothing (no terminal, or the input ended).
quiz_ask() {
    quiz_guess=
    echo "      question: $1"
    [ -t 0 ] || return 0
    local reply
    while [ -z "$quiz_guess" ]; do
        read -r -p "      [f]aster, the [s]ame or s[l]ower? " reply || return 0
        case $reply in
            f | faster) quiz_guess=faster ;;
            s | same | "the same") quiz_guess=same ;;
            l | slower) quiz_guess=slower ;;
            *) echo "      '$reply' is not an answer: f, s or l" ;;
        esac
    done
}

# quiz_score: "quiz: N of M guesses right", or why there was nothing to score.
quiz_score() {
    if [ "$quiz_asked" -gt 0 ]; then
        echo "quiz: $quiz_right of $quiz_asked guesses right"
    else
        echo "quiz: no guesses to score (they are read only from a terminal)"
    fi
}

# quiz_answer CSV VARIANT BASELINE WHY: the measured answer, from the two rows' medians in one run:
# faster or slower beyond 20% apart, else the same; then the why, and the guess against it.
quiz_answer() {
    local csv=$1 variant=$2 baseline=$3 why=$4 said
    said=$(plb_csv -v v="$variant" -v b="$baseline" '
        col("variant") == v { tv = col("median_s") }
        col("variant") == b { tb = col("median_s") }
        END {
            if (tv <= 0 || tb <= 0) exit 1
            r = tb / tv
            word = r >= 1.2 ? "faster" : r <= 1 / 1.2 ? "slower" : "same"
            printf "%s|%s is %s %s (%.3g s against %.3g s, medians of this run)\n", word, v,
                   word == "same" ? "about the same as" : sprintf("%.2fx %s than", r >= 1 ? r : 1 / r, word),
                   b, tv, tb
        }' "$csv") || { echo "      answer: not measured (no $variant and $baseline rows)"; return; }
    echo "      answer: ${said#*|}"
    echo "      why: $why"
    [ -n "$quiz_guess" ] || return 0
    quiz_asked=$((quiz_asked + 1))
    if [ "$quiz_guess" = "${said%%|*}" ]; then
        quiz_right=$((quiz_right + 1))
        echo "      you said $quiz_guess: right"
    else
        echo "      you said $quiz_guess: the measurement says ${said%%|*}"
    fi
}

#!/usr/bin/env bash
# check.sh: `make check EX=NAME`. Builds the learner's files of an exercise (exercises/NAME/*.c)
# with its checker (exercises/check/NAME.c), runs it at the rank or thread counts that catch the
# usual mistakes (one, odd counts, more than a power of two), and ends with one verdict: DONE, or
# NOT DONE and why, in the exercise's terms (whose block, which element, which bin, which rank
# hangs and in which MPI call). Then, as advice and never as a failure (a busy machine changes
# it), the speed against the solution's and the exercise's yardstick (the MPI library's call, a
# memcpy, one thread alone), measured in the same run.
#
#   exercises/check.sh NAME [DIR]   DIR: the files to check (default exercises/NAME; the tests
#                                   pass the solution's, or planted mistakes)
# The Makefile passes CC, MPICC, CPPFLAGS, CFLAGS, WARN, OMPFLAGS, LDFLAGS and LDLIBS. Exit 0
# when done, 1 when not, 2 for a name that is no exercise.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/run/parlab.sh disable=SC1091 # followed with shellcheck -x
. scripts/run/parlab.sh

name=${1:-}
exercises=
for file in exercises/check/*.c; do
    file=${file##*/}
    exercises="$exercises${exercises:+ }${file%.c}"
done
if [ -z "$name" ] || [[ $name == */* ]] || [ ! -f "exercises/check/$name.c" ]; then
    nothere=
    [ -n "$name" ] && nothere="no exercise \"$name\": "
    echo "check: ${nothere}make check EX=NAME, NAME one of: $exercises" >&2
    exit 2
fi
from=${2:-exercises/$name}
# A call that has not returned after this many seconds hangs (PLB_CHECK_HANG_S: the tests' own,
# shorter; a right answer returns in well under a second at every count here).
hang_s=${PLB_CHECK_HANG_S:-5}
# Per exercise: mpi (counts are ranks), omp (threads) or offload (threads; built for an offload
# device); the counts; what the learner writes; what
# a right run at one count showed; the arguments of those runs; the variants of the timed run that
# run the learner's code and the yardstick's, VARIANT:LABEL pairs between commas; what the timed
# run measures; flags for the build the checks run (-O0 splits `counts[b]++` or `total += v` into
# a load, an add and a store, so a race loses updates even where the threads share one core: a
# slow or loaded machine; the timed build is the Makefile's).
case $name in
    collective_tree)
        kind=mpi counts="1 2 3 4 5 7 8" what=gather_tree
        quick="-V exercise -n 8K --timeout $hang_s"
        right="every block in its place (1, 3 and 1000 elements a block)"
        yours="exercise:gather_tree" yardstick="mpi:MPI_Gather" timed="64 KiB blocks" ;;
    race_histogram)
        kind=omp counts="1 2 3 4 8" what="the histogram"
        quick="-V critical,atomic,reduction -n 1K"
        checked_at="-O0" races=1
        right="every bin exact, three ways (1, 1000 and 4194304 values)"
        yours="critical:critical,atomic:atomic,reduction:reduction"
        yardstick="seq:one thread alone" timed="2M values" ;;
    reduction_by_hand)
        kind=omp counts="1 2 3 4 8" what="the sum"
        quick="-V private,partials -n 1K"
        checked_at="-O0" races=1
        right="both sums exact (1, 1000 and 4194304 values)"
        yours="private:sum_private,partials:sum_partials"
        yardstick="clause:the reduction clause,seq:one thread alone" timed="16M values" ;;
    schedule_uneven)
        kind=omp counts="1 2 3 4 8" what="the loop"
        quick="-n 1K"
        right="every item exact (1, 7 and 1000 items), none waiting behind a held-up thread"
        yours="yours:do_items"
        yardstick="static:the static schedule,dynamic:dynamic chunks of 1,seq:one thread alone"
        timed="4000 items" ;;
    queue_condvar)
        kind=omp counts="2 3 4 8" what="the queue"
        quick="-n 1K --timeout $hang_s"
        right="every item taken once, in order (1, 1000 and 5000 items through 4 slots)"
        yours="yours:bq_put/bq_take" yardstick="lesson:omp_queue's condvar" timed="5000 items" ;;
    scatter_uneven)
        kind=mpi counts="1 2 3 4 5 7 8" what="the scatter/gather round"
        quick="-n 1K --timeout $hang_s"
        right="every block dealt, scattered, squared and gathered (1, 10, 1000, 999983 elements)"
        yours="p2p:scatter and gather by hand"
        yardstick="collective:MPI_Scatterv/MPI_Gatherv,seq:the root alone" timed="1M elements" ;;
    deadlock_ring)
        kind=mpi counts="1 2 3 4 5 8" what="the ring shift"
        quick="-n 8K --timeout $hang_s"
        right="every block from the left neighbour, 8 bytes to 4 MiB, two ways"
        yours="sendrecv:ring_shift,ordered:ring_shift_ordered"
        yardstick="copy:a memcpy of the same bytes" timed="1 MiB blocks" ;;
    halo_exchange)
        kind=mpi counts="1 2 3 4 5 6 8" what="the halo exchange"
        quick="-n 16 --timeout $hang_s"
        right="every ghost cell right, 4 steps exact (13 x 11 field, two process grids)"
        yours="sendrecv:halo_sendrecv,overlap:halo_start/finish"
        yardstick="neighbor:MPI_Neighbor_alltoallw" timed="512 x 512 field, a step" ;;
    offload_loop)
        kind=offload counts="1 2" what="the offload"
        quick="-n 1K"
        right="every element exact, nothing copied twice (square: 1, 1000 and 100003 elements; diffuse: 1000 points 2 and 7 steps, 3 points 1 step)"
        yours="square:square_on_device,diffuse:diffuse_on_device"
        yardstick="copy:the device's copy loop,per_step:the steps mapped every step,host:the host's threads"
        timed="262144 elements, 20 steps" ;;
    *) echo "check: exercises/check/$name.c has no entry in $0" >&2; exit 2 ;;
esac
checked_at=${checked_at:-} races=${races:-}
work=build/exercises/$name
mkdir -p "$work"
cc=${CC:-cc} cppflags=${CPPFLAGS:--Icommon -Iomp -Impi} omp=${OMPFLAGS:--fopenmp}
warn=${WARN:--std=c11 -Wall -Wextra} ldflags=${LDFLAGS:-}
libs="build/libomp_kernels.a build/libparlab.a"

# compiled DIR COMMAND SOURCE...: each SOURCE compiled once with COMMAND (a compiler and its flags)
# into DIR, all at once, and again when the source, a header it may include or COMMAND changes;
# the objects in $objects. The compiler's words for each stay beside its object, and are shown at
# every build (build.log holds them as if compiled anew). Fails when one does not compile.
compiled() {
    local dir=$1 command=$2 source object status=0
    shift 2
    objects=()
    mkdir -p "$dir"
    [ "$(cat "$dir/command" 2>/dev/null)" = "$command" ] || rm -f "$dir"/*.o
    for source in "$@"; do
        object=$dir/$(basename "${source%.c}").o
        objects+=("$object")
        [ "$object" -nt "$source" ] &&
            [ -z "$(find common omp mpi exercises/check -name '*.h' -newer "$object" | head -n 1)" ] &&
            continue
        rm -f "$object"
        # shellcheck disable=SC2086 # flags, word-split as make would
        $command -c "$source" -o "$object" >"$object.log" 2>&1 &
    done
    wait
    echo "$command" >"$dir/command"
    for object in "${objects[@]}"; do
        cat "$object.log"
        [ -f "$object" ] || status=1
    done
    return "$status"
}

# The offload exercise is built for LLVM's CPU device (clang, or the clang OFFLOAD_CC names): a
# device with memory of its own, copied to and from, where a map left out shows without a GPU.
# common/ is compiled the same way, into $work/lib: the Makefile's library has no device code, and
# clang 14 takes none from a static archive.
offload_build() {
    local triple flag libdir source
    local -a sources=()
    cc=${OFFLOAD_CC:-clang}
    triple=$("$cc" -dumpmachine 2>/dev/null) || return 1
    # Where the driver finds libomptarget outside the loader's path (Debian 13's LLVM 19).
    libdir=$(dirname "$("$cc" -print-file-name=libomptarget.so)")
    [ "$libdir" != . ] && ldflags="$ldflags -Wl,-rpath,$libdir"
    for flag in $cppflags; do
        [[ $flag == -DPLB_OFFLOAD=* ]] || cppflags_device="${cppflags_device:-}$flag "
    done
    # shellcheck disable=SC2089 # the quotes are the macro's own: a C string
    cppflags="${cppflags_device:-}-DPLB_OFFLOAD=\"$triple\""
    omp="-fopenmp -fopenmp-targets=$triple" warn="${warn//-Werror/} -Wno-pass-failed"
    printf '#include <omp.h>\nint main(void) { int on_host = 1;\n#pragma omp target map(tofrom : on_host)\non_host = omp_is_initial_device();\nreturn on_host; }\n' >"$work/probe.c"
    # shellcheck disable=SC2086 # flags, word-split as make would
    $cc $omp $ldflags "$work/probe.c" -o "$work/probe" >/dev/null 2>&1 && "$work/probe" || return 1
    for source in common/*.c; do
        [[ $source == common/mpi_* ]] || sources+=("$source")
    done
    compiled "$work/lib" "$cc $cppflags ${CFLAGS:--O2} $warn $omp" "${sources[@]}" >&2 || return 1
    libs=${objects[*]}
}
if [ "$kind" = offload ] && ! offload_build; then
    echo "check: $name: cannot check here: no OpenMP offload device to build for:" \
        "'${OFFLOAD_CC:-clang} -fopenmp-targets=...' did not build and run a target region" \
        "(make deps OFFLOAD=cpu installs clang, clang-tools and libomp-dev: LLVM's CPU device)" >&2
    exit 2
fi

# build DIR BINARY [FLAGS]: the checker with DIR's files; the compiler's messages (warnings never
# stop a learner's build, even under WERROR=1). The checker's own files are compiled once for
# each set of flags (in $work/checker, $work/checker-O0), the learner's every time.
build() {
    local files=("$1"/*.c) cc=$cc libs=$libs command
    local -a shared=()
    [ "$kind" = mpi ] && cc=${MPICC:-mpicc} shared=(exercises/check/shared/mpi_checker.c) \
        libs="build/libmpi_kernels.a build/libomp_kernels.a build/libparlab_mpi.a build/libparlab.a"
    [ "$kind" = offload ] && shared=(exercises/check/shared/copy_tap.c)
    [ -f "${files[0]}" ] || { echo "no .c files in $1"; return 1; }
    command="$cc $cppflags -Iexercises/check -Iexercises/check/shared ${CFLAGS:--O2} ${3:-} ${warn//-Werror/} $omp"
    compiled "$work/checker${3:-}" "$command" "exercises/check/$name.c" ${shared[@]+"${shared[@]}"} ||
        return 1
    # shellcheck disable=SC2086,SC2090 # flags and libraries, word-split as make would
    $command $ldflags "${objects[@]}" "${files[@]}" $libs -o "$2" ${LDLIBS:--lm -lpthread -lpng} 2>&1
}

# launch TIMEOUT COUNT BINARY ARGS...: on COUNT ranks, or on COUNT threads.
launch() {
    local timeout_s=$1 count=$2 binary=$3
    shift 3
    if [ "$kind" = mpi ]; then plb_launch --timeout "$timeout_s" "$count" "$binary" "$@"
    else timeout --kill-after=5 "$timeout_s" "$binary" -t "$count" "$@"; fi
}

echo "check: $name, the files in $from/"
# The compiler's words: build.log (the timed build), checked.log (the checks' build, when apart).
rm -f "$work/checked.log"
if ! build "$from" "$work/exercise" >"$work/build.log" ||
    { [ -n "$checked_at" ] &&
        ! build "$from" "$work/checked" "$checked_at" >"$work/checked.log"; }; then
    cat "$work/build.log" ${checked_at:+"$work/checked.log"} 2>/dev/null | sed 's/^/    /' |
        head -n 30
    echo "check: $name: NOT DONE: the files in $from/ do not compile (above)"
    exit 1
fi
checked=exercise
[ -n "$checked_at" ] && checked=checked
# What a crash most likely means, in the exercise's terms; the offload runtime's own word too
# (LLVM 14 says "Libomptarget", 19 "omptarget").
crash_hint="an index out of bounds?"
[ "$kind" = offload ] && crash_hint="an array the device was not given? every array a target region touches needs a map, or a target data around it"
unit=$([ "$kind" = mpi ] && echo rank || echo thread)
for count in $counts; do
    units="$count $unit$([ "$count" -gt 1 ] && echo s)"
    # shellcheck disable=SC2086 # the arguments, words
    launch 60 "$count" "$work/$checked" $quick -r 1 -w 0 >"$work/out" 2>"$work/err"
    status=$?
    if [ "$status" -ne 0 ]; then
        # -a: Open MPI 5's own messages hold bytes that are not text in the C locale. Every
        # stuck rank prints a HANG line, saying what it waits in: all of them, in rank order.
        why=$(grep -ahE '^(FAILED|MPI ERROR): ' "$work/out" "$work/err" | head -n 1)
        [ -z "$why" ] && why=$(grep -ah '^HANG: ' "$work/out" "$work/err" | sort -t ' ' -k3,3n -u |
            sed "2,\$s/^/    $units: /")
        if [ -z "$why" ] && { [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; }; then
            why="did not finish in 60 s"
        elif [ -z "$why" ] && [ "$status" -gt 128 ] && [ "$kind" != mpi ]; then
            why="crashed: SIG$(kill -l $((status - 128)) 2>/dev/null) ($crash_hint)$(grep -Eah -m 1 '^(Lib)?omptarget' "$work/err" | sed 's/^/: /')"
        fi
        echo "    $units: ${why:-exit $status: $(tail -n 3 "$work/err")}"
        echo "check: $name: NOT DONE: $what is not right on $units (above)"
        exit 1
    fi
    echo "    $units: $right"
done

# races_seen: ThreadSanitizer on the learner's code, with LLVM's Archer (which tells it about
# OpenMP's barriers, atomics, criticals and reductions), where this machine has them: a race is
# reported whether or not it lost an update in this run. (A hand-made reduction's one unguarded
# `total += mine` a thread loses about one call in 10^4: the runs above can all miss it.) True
# when it saw one, said in the exercise's terms; the reason when it cannot look.
races_seen() {
    local archer clang f status where
    local -a sources=()
    mkdir -p "$work/tsan"
    if ! read -r clang archer < <(plb_tsan "$work/tsan"); then
        echo "    races: not looked for here: ThreadSanitizer needs clang, libomp-dev (Archer) and" \
            "clang's sanitizer runtime (Debian 13: libclang-rt-19-dev)"
        return 1
    fi
    for f in common/*.c; do [[ $f == common/mpi_* ]] || sources+=("$f"); done
    local command="$clang $cppflags -Iexercises/check -Iexercises/check/shared -std=c11 -g -O1 -fsanitize=thread -fopenmp"
    # shellcheck disable=SC2086,SC2090 # the command's words, flags and libraries
    if ! compiled "$work/tsan" "$command" "exercises/check/$name.c" "${sources[@]}" \
        >"$work/tsan.log" 2>&1 ||
        ! $command $ldflags "${objects[@]}" "$from"/*.c -o "$work/tsan/exercise" \
            ${LDLIBS:--lm -lpthread -lpng} >>"$work/tsan.log" 2>&1; then
        echo "    races: not looked for: clang -fsanitize=thread did not build it ($work/tsan.log)"
        return 1
    fi
    # shellcheck disable=SC2086 # the arguments, words
    TSAN_OPTIONS="halt_on_error=1 exitcode=66 ignore_noninstrumented_modules=1" \
        OMP_TOOL_LIBRARIES=$archer timeout --kill-after=5 300 "$work/tsan/exercise" -t 4 $quick \
        -r 1 -w 0 >"$work/tsan.log" 2>&1
    status=$?
    # A race is its report; any other end of the run (ThreadSanitizer's own fatal errors exit
    # 66 too) says nothing about races.
    if ! grep -q '^WARNING: ThreadSanitizer: data race' "$work/tsan.log"; then
        if [ "$status" -eq 0 ]; then echo "    races: none seen by ThreadSanitizer on 4 threads"
        else echo "    races: not looked for: the run under ThreadSanitizer exited $status ($work/tsan.log)"; fi
        return 1
    fi
    # Where in the learner's files: the accesses' innermost frames (#0 FUNCTION FILE:LINE:COLUMN).
    local -a mine=()
    for f in "$from"/*.c; do mine+=(-e "^${f##*/}:"); done
    where=$(grep -E '^ +#0 ' "$work/tsan.log" | grep -oE '[^ /]+\.c:[0-9]+' | grep "${mine[@]}" |
        sort -u | head -n 2 | paste -sd ' ')
    echo "    4 threads: ThreadSanitizer saw two threads use one variable at once, one of them" \
        "writing, with nothing to order them (${where:+at $where, }$work/tsan.log): an update of a shared" \
        "variable needs an atomic, a critical, or the reduction clause"
    return 0
}
if [ -n "$races" ] && [ -z "${PLB_SANITIZE:-}" ] && races_seen; then
    echo "check: $name: NOT DONE: the threads race in $what (above)"
    exit 1
fi

# Under the sanitizers (make sanitize) every run is several times slower: its times tell nothing.
if [ -n "${PLB_SANITIZE:-}" ]; then
    echo "    speed: not timed under the sanitizers"
    echo "check: $name: DONE"
    exit 0
fi
# Speed, as advice: the learner's, the solution's (where this copy has it) and the yardstick's,
# in one run, on as many ranks or threads as cores (2 to 4).
cores=$(nproc 2>/dev/null || echo 2)
count=$((cores < 2 ? 2 : cores > 4 ? 4 : cores))
# median CSV VARIANT: the variant's median time, "12.3 us", "45.6 ms" or "1.23 s".
median() {
    plb_csv -v v="$2" 'col("variant") == v { t = col("median_s")
        if (t < 1e-3) printf "%.3g us", t * 1e6; else if (t < 1) printf "%.3g ms", t * 1e3
        else printf "%.3g s", t }' "$1"
}
# speeds CSV PAIRS: "label 12.3 us, label 4.56 ms" for the comma-separated VARIANT:LABEL pairs.
speeds() {
    local pair line='' pairs
    IFS=, read -ra pairs <<<"$2"
    for pair in "${pairs[@]}"; do
        line="$line${line:+, }${pair#*:} $(median "$1" "${pair%%:*}")"
    done
    echo "$line"
}
# The timed run verifies every batch too: a race that the checks missed can show here.
if ! launch 120 "$count" "$work/exercise" -r 5 --csv >"$work/exercise.csv" 2>"$work/err"; then
    why=$(grep -ahE '^(FAILED|HANG|MPI ERROR): ' "$work/exercise.csv" "$work/err" | head -n 1)
    echo "    $count ${unit}s, timed: ${why:-$(tail -n 3 "$work/err")}"
    echo "check: $name: NOT DONE: $what is not right on $count ${unit}s (above)"
    exit 1
fi
line="yours: $(speeds "$work/exercise.csv" "$yours"); $(speeds "$work/exercise.csv" "$yardstick")"
if [ "$from" != "exercises/solutions/$name" ] && [ -d "exercises/solutions/$name" ] &&
    build "exercises/solutions/$name" "$work/solution" >"$work/solution.log"; then
    launch 120 "$count" "$work/solution" -r 5 --csv >"$work/solution.csv" 2>/dev/null
    line="$line; the solution's: $(speeds "$work/solution.csv" "$yours")"
fi
echo "    speed on $count ${unit}s, $timed (median of 5; advice only, a busy machine changes it):" \
    "$line"
echo "check: $name: DONE"

#!/usr/bin/env bash
# tour.sh: `make run`, the guided tour. Runs every lesson program in bin/ at its default,
# laptop-sized problem, OpenMP programs on all cores and MPI programs on PLB_TOUR_RANKS ranks
# (default 4, oversubscribed where the machine has fewer cores), each with --csv, and prints one
# summary table in 100 columns, a program's rows below its name: variant, ranks, threads, n,
# median time, speedup over the program's `seq` variant (where it has one; "disturbed" where the
# program found that run disturbed), rate and verdict. Exits non-zero when any program failed; a
# deadlock lesson ending in DEADLOCK (exit 3) is its lesson shown, not a failure. mpi_heat also
# draws its final field, with the ranks' blocks outlined, into results/tour/mpi_heat.png (under
# PARLAB_RESULTS where that is set). The
# course's order, each lesson's finding and the arguments the course runs it with (mpi_collectives:
# its allreduce alone) come from docs/quiz.txt (scripts/run/quiz.sh).
#
#   usage: tour.sh [--quiz] [PROGRAM...]
#   --quiz   before each lesson, ask its question ("faster, the same, or slower?", or "does it
#            finish or hang?"), reading a guess where there is a terminal, again until it is an
#            answer; then answer from the run's own medians or verdict, with why; the score at
#            the end (scripts/run/quiz.sh; `make run QUIZ=1`)
#   PROGRAM  only these lessons (default: every program in bin/), in the course's order
set -u
# Results: in PARLAB_RESULTS, by default results/ in the folder it is started from (an install
# is never written to; in a checkout, make starts it at the top).
results=${PARLAB_RESULTS:-results}
[[ $results == /* ]] || results=$PWD/$results
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh
# shellcheck source=scripts/run/quiz.sh
. scripts/run/quiz.sh

quiz=0
if [ "${1:-}" = --quiz ]; then
    quiz=1
    shift
fi
ranks=${PLB_TOUR_RANKS:-4}
threads=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The programs: those named (default: every lesson program in bin/), in the course's order (the
# quiz file's), then any the course does not list.
wanted=()
for name in "$@"; do
    [ -x "bin/$name" ] || { echo "tour: no program bin/$name (run 'make' first)"; exit 2; }
    wanted+=("$name")
done
if [ $# -eq 0 ]; then
    for p in bin/omp_* bin/mpi_* bin/hybrid_*; do
        [ -x "$p" ] && wanted+=("${p#bin/}")
    done
fi
course=" $(quiz_lessons | tr '\n' ' ') "
programs=()
for name in $course; do
    [[ " ${wanted[*]:-} " == *" $name "* ]] && programs+=("bin/$name")
done
for name in "${wanted[@]:-}"; do
    [ -n "$name" ] && [[ $course != *" $name "* ]] && programs+=("bin/$name")
done
if [ ${#programs[@]} -eq 0 ]; then
    echo "tour: no lesson programs in bin/ yet (run 'make' first)"
    exit 0
fi

failures=0
i=0
for p in "${programs[@]}"; do
    i=$((i + 1))
    name=${p#bin/}
    echo "[$i/${#programs[@]}] $name --csv$([[ $name == omp_* ]] || echo " on $ranks ranks")"
    entry=$(quiz_entry "$name" "$threads" "$ranks")
    IFS=$'\t' read -r kind variant baseline expect question why finding args <<<"$entry"
    [ "$quiz" = 1 ] && [ -n "$entry" ] && quiz_ask "$kind" "$question"
    extra=()
    [ -n "$entry" ] && [ "$args" != - ] && read -r -a extra <<<"$args" # the quiz file's args
    [ ${#extra[@]} -gt 0 ] && echo "      (with ${extra[*]}, as the course runs it)"
    if [ "$name" = mpi_heat ]; then
        mkdir -p "$results/tour"
        extra+=(--png "$results/tour/mpi_heat.png" --show-ranks)
    fi
    plb_launch --timeout 300 "$ranks" "$name" --csv "${extra[@]}" >"$work/$name.csv" 2>"$work/$name.err"
    status=$?
    [ "$name" = mpi_heat ] && [ "$status" -eq 0 ] &&
        echo "      the field it computed, where the $ranks ranks' blocks meet outlined: $results/tour/mpi_heat.png"
    verdict=$(grep -E '^(VERIFIED|FAILED|DEADLOCK)' "$work/$name.err" | tail -n 1)
    echo "      ${verdict:-no verdict} (exit $status)"
    if [ "$status" -eq 3 ] && [[ $name == *_deadlock ]] && [[ $verdict == DEADLOCK:* ]]; then
        echo "      (expected: the deadlocking variant, ended by the watchdog; the fixed one is below)"
    elif [ "$status" -ne 0 ]; then
        failures=$((failures + 1))
        sed 's/^/      | /' "$work/$name.err" | tail -n 5
    fi
    # the lesson's finding: the lines of its output that show it (the quiz file's finding)
    [ -n "$entry" ] && [ "$finding" != - ] &&
        grep -hE "$finding" "$work/$name.csv" "$work/$name.err" | head -n 4 | cut -c 1-94 |
        sed 's/^/      /'
    if [ "$quiz" = 1 ] && [ -n "$entry" ]; then
        if [ "$kind" = outcome ]; then
            quiz_outcome "$work/$name.csv" "$verdict" "$variant" "$expect" "$why"
        else
            quiz_answer "$work/$name.csv" "$variant" "$baseline" "$expect" "$why"
        fi
    fi
done

echo
# Every program's CSV, in the order they ran; the runs a program found disturbed ("# disturbed"
# notes): "PROGRAM VARIANT" a line.
csvs=()
for p in "${programs[@]}"; do csvs+=("$work/${p#bin/}.csv"); done
disturbed=$(for csv in "${csvs[@]}"; do
    quiz_disturbed "$csv" | awk -v p="$(basename "$csv" .csv)" '{ print p, $1 }'
done)
# One table from every program's CSV rows (comments and header lines skipped), in 100 columns.
plb_csv -v disturbed="$disturbed" '
    function human(s) { # a time as people read it: 3 digits and a unit
        if (s >= 0.9995) return sprintf("%.3g s", s)
        if (s >= 0.9995e-3) return sprintf("%.3g ms", s * 1e3)
        if (s >= 0.9995e-6) return sprintf("%.3g us", s * 1e6)
        return sprintf("%.3g ns", s * 1e9)
    }
    BEGIN { k = split(disturbed, lines, "\n"); for (i = 1; i <= k; i++) bad[lines[i]] = 1 }
    {
        n++; prog[n] = col("program"); variant[n] = col("variant"); ranks[n] = col("ranks")
        threads[n] = col("threads"); size[n] = col("n"); median[n] = col("median_s")
        rate[n] = col("rate")
        unit[n] = col("rate_unit"); ok[n] = col("verified")
        if (variant[n] == "seq") base[prog[n]] = median[n]
    }
    END {
        printf "  %-18s %5s %7s %10s %10s %9s %9s %-9s %s\n", "variant", "ranks", "threads", "n",
               "median", "speedup", "rate", "unit", "verified"
        for (i = 1; i <= n; i++) {
            if (prog[i] != prog[i - 1])
                print prog[i] ":"
            # a split row (variant.step) is a part of a run: no speedup of its own
            speedup = "-"
            if (((prog[i] " " variant[i]) in bad) || ((prog[i] " seq") in bad))
                speedup = "disturbed"
            else if ((prog[i] in base) && median[i] > 0 && variant[i] !~ /[.]/ && variant[i] != "seq")
                speedup = sprintf("%.3gx", base[prog[i]] / median[i])
            printf "  %-18s %5s %7s %10s %10s %9s %9.4g %-9s %s\n", variant[i], ranks[i],
                   threads[i], size[i], human(median[i]), speedup, rate[i], unit[i], ok[i]
        }
    }' "${csvs[@]}"
[ -z "$disturbed" ] ||
    echo "(disturbed: another program took the cores during that run: its time is not the lesson)"
echo
[ "$quiz" = 1 ] && quiz_score
if [ "$failures" -gt 0 ]; then
    echo "tour: $failures of ${#programs[@]} programs failed"
    exit 1
fi
echo "tour: all ${#programs[@]} programs verified"

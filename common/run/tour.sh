#!/usr/bin/env bash
# tour.sh: `make run`, the guided tour. Runs every lesson program in bin/ at its default,
# laptop-sized problem, OpenMP programs on all cores and MPI programs on PLB_TOUR_RANKS ranks
# (default 4, oversubscribed where the machine has fewer cores), each with --csv, and prints one
# summary table: program, variant, threads, ranks, n, median time, speedup over the program's
# `seq` variant (where it has one), rate and verdict. Exits non-zero when any program failed; a
# deadlock lesson ending in DEADLOCK (exit 3) is its lesson shown, not a failure. mpi_heat also
# draws its final field, with the ranks' blocks outlined, into results/tour/mpi_heat.png;
# mpi_collectives shows its allreduce (its table is 90 rows).
#
#   usage: tour.sh [--quiz] [PROGRAM...]
#   --quiz   before a lesson the tutorials quiz on, ask "faster, the same, or slower?" (reading a
#            guess where there is a terminal, again until it is one of the three), then answer
#            from the run's own medians, with why; the score at the end (common/run/quiz.sh;
#            `make run QUIZ=1`)
#   PROGRAM  only these lessons (default: every program in bin/)
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=common/run/parlab.sh
. common/run/parlab.sh
# shellcheck source=common/run/quiz.sh
. common/run/quiz.sh

quiz=0
if [ "${1:-}" = --quiz ]; then
    quiz=1
    shift
fi
ranks=${PLB_TOUR_RANKS:-4}
threads=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

programs=()
for name in "$@"; do
    [ -x "bin/$name" ] || { echo "tour: no program bin/$name (run 'make' first)"; exit 2; }
    programs+=("bin/$name")
done
if [ $# -eq 0 ]; then
    for p in bin/omp_* bin/mpi_* bin/hybrid_*; do
        [ -x "$p" ] && programs+=("$p")
    done
fi
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
    entry=
    [ "$quiz" = 1 ] && entry=$(quiz_entry "$name" "$threads" "$ranks")
    if [ -n "$entry" ]; then
        IFS='|' read -r variant baseline question why <<<"$entry"
        quiz_ask "$question"
    fi
    extra=()
    if [ "$name" = mpi_heat ]; then
        mkdir -p results/tour
        extra=(--png results/tour/mpi_heat.png --show-ranks)
    elif [ "$name" = mpi_collectives ]; then # 15 variants at 6 sizes: the table shows one
        extra=(-V "allreduce_linear,allreduce_tree,allreduce_mpi")
        echo "      (allreduce only, 3 ways by message size; bin/mpi_collectives runs all five)"
    fi
    plb_launch --timeout 300 "$ranks" "$name" --csv "${extra[@]}" >"$work/$name.csv" 2>"$work/$name.err"
    status=$?
    [ "$name" = mpi_heat ] && [ "$status" -eq 0 ] &&
        echo "      the field it computed, where the $ranks ranks' blocks meet outlined: results/tour/mpi_heat.png"
    verdict=$(grep -E '^(VERIFIED|FAILED|DEADLOCK)' "$work/$name.err" | tail -n 1)
    echo "      ${verdict:-no verdict} (exit $status)"
    if [ "$status" -eq 3 ] && [[ $name == *_deadlock ]] && [[ $verdict == DEADLOCK:* ]]; then
        echo "      (expected: the deadlocking variant, ended by the watchdog; the fixed one is below)"
    elif [ "$status" -ne 0 ]; then
        failures=$((failures + 1))
        sed 's/^/      | /' "$work/$name.err" | tail -n 5
    fi
    [ -n "$entry" ] && quiz_answer "$work/$name.csv" "$variant" "$baseline" "$why"
done

echo
# One table from every program's CSV rows (comments and header lines skipped).
plb_csv '
    {
        n++; prog[n] = col("program"); variant[n] = col("variant"); ranks[n] = col("ranks")
        threads[n] = col("threads"); size[n] = col("n"); median[n] = col("median_s")
        rate[n] = col("rate")
        unit[n] = col("rate_unit"); ok[n] = col("verified")
        if (variant[n] == "seq") base[prog[n]] = median[n]
    }
    END {
        printf "%-20s %-18s %7s %5s %10s %12s %8s %10s %-12s %s\n", "program", "variant", "threads",
               "ranks", "n", "median_s", "speedup", "rate", "unit", "verified"
        for (i = 1; i <= n; i++) {
            # a split row (variant.step) is a part of a run: no speedup of its own
            speedup = "-"
            if ((prog[i] in base) && median[i] > 0 && variant[i] !~ /[.]/)
                speedup = sprintf("%.2f", base[prog[i]] / median[i])
            printf "%-20s %-18s %7s %5s %10s %12.4e %8s %10.4g %-12s %s\n", prog[i], variant[i],
                   threads[i], ranks[i], size[i], median[i], speedup, rate[i], unit[i], ok[i]
        }
    }' "$work"/*.csv
echo
[ "$quiz" = 1 ] && quiz_score
if [ "$failures" -gt 0 ]; then
    echo "tour: $failures of ${#programs[@]} programs failed"
    exit 1
fi
echo "tour: all ${#programs[@]} programs verified"

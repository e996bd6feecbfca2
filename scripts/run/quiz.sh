# quiz.sh: the course's order and its questions, read from docs/quiz.txt (a file a teacher edits;
# its head says how), asked before a lesson runs and answered by the lesson's own run
# (`make run QUIZ=1`, `scripts/run/tour.sh --quiz`). Sourced by tour.sh.
# shellcheck shell=bash

QUIZ_FILE=${QUIZ_FILE:-docs/quiz.txt}

# quiz_records: one line per lesson of the quiz file, in its order, its fields apart by tabs:
# lesson, kind (compare or outcome), variant, baseline, expect, question, why, finding and args;
# an empty field is "-" (a baseline for an outcome, a key left out), so none is ever empty: read
# with IFS=tab, empty fields would merge and shift the rest.
quiz_records() {
    awk '
        function field(x) { return x == "" ? "-" : x }
        function flush() {
            if (f["lesson"] != "")
                printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f["lesson"], field(kind),
                       field(a), field(b), field(f["expect"]), field(f["question"]),
                       field(f["why"]), field(f["finding"]), field(f["args"])
            split("", f); kind = a = b = ""
        }
        /^#/ { next }
        /^[ \t]*$/ { flush(); next }
        {
            key = $0; sub(/:.*/, "", key); text = $0; sub(/^[a-z]+: */, "", text)
            f[key] = text
            if (key == "compare") { kind = "compare"; a = text; sub(/ .*/, "", a); b = text; sub(/^[^ ]* */, "", b) }
            if (key == "outcome") { kind = "outcome"; a = text }
        }
        END { flush() }' "$QUIZ_FILE"
}

# quiz_lessons: the lessons in the course's order.
quiz_lessons() { quiz_records | cut -f 1; }

# quiz_entry PROGRAM THREADS RANKS: the lesson's record (quiz_records' fields after the lesson),
# its question and why with {threads}, {ranks}, {doubling} and {linear} filled in; nothing for a
# program the file does not hold.
quiz_entry() {
    local t=$2 r=$3 doubling=0 record
    while [ $((2 << doubling)) -le "$r" ]; do doubling=$((doubling + 1)); done
    [ $((1 << doubling)) -lt "$r" ] && doubling=$((doubling + 2)) # ranks beyond a power of two
    record=$(quiz_records | awk -F '\t' -v p="$1" '$1 == p' | cut -f 2-)
    record=${record//\{threads\}/$t}
    record=${record//\{ranks\}/$r}
    record=${record//\{doubling\}/$doubling}
    printf '%s\n' "${record//\{linear\}/$((2 * (r - 1)))}" | grep .
}

# The score: guesses judged, those the measurement agreed with, and those left unjudged because
# their run was disturbed (quiz_score prints it).
quiz_asked=0
quiz_right=0
quiz_unjudged=0

# quiz_ask KIND QUESTION: prints the question and reads a guess from a terminal (none without one),
# asking again until it is an answer: for compare, faster, same or slower; for outcome, finishes
# or hangs. Sets quiz_guess to the answer, or nothing (no terminal, or the input ended).
quiz_ask() {
    quiz_guess=
    echo "      question: $2"
    [ -t 0 ] || return 0
    local reply prompt="[f]aster, the [s]ame or s[l]ower? " choices="f, s or l"
    [ "$1" = outcome ] && prompt="does it [f]inish or [h]ang? " choices="f or h"
    while [ -z "$quiz_guess" ]; do
        read -r -p "      $prompt" reply || return 0
        case $1:$reply in
            compare:f | compare:faster) quiz_guess=faster ;;
            compare:s | compare:same | "compare:the same") quiz_guess=same ;;
            compare:l | compare:slower) quiz_guess=slower ;;
            outcome:f | outcome:finish | outcome:finishes) quiz_guess=finishes ;;
            outcome:h | outcome:hang | outcome:hangs) quiz_guess=hangs ;;
            *) echo "      '$reply' is not an answer: $choices" ;;
        esac
    done
}

# quiz_score: "quiz: N of M guesses right", or why there was nothing to score.
quiz_score() {
    local unjudged=
    [ "$quiz_unjudged" -gt 0 ] &&
        unjudged=" ($quiz_unjudged not judged: their runs were disturbed)"
    if [ "$quiz_asked" -gt 0 ]; then
        echo "quiz: $quiz_right of $quiz_asked guesses right$unjudged"
    elif [ "$quiz_unjudged" -gt 0 ]; then
        echo "quiz: no guesses to score$unjudged"
    else
        echo "quiz: no guesses to score (they are read only from a terminal)"
    fi
}

# quiz_judge MEASURED EXPECT WHY: the lesson's expected answer where this machine measured
# another, the why, and the guess against the measurement.
quiz_judge() {
    [ "$2" = depends ] || [ "$2" = "$1" ] ||
        echo "      the lesson expects $2; this machine measured $1: the why says when each holds"
    echo "      why: $3"
    [ -n "$quiz_guess" ] || return 0
    quiz_asked=$((quiz_asked + 1))
    if [ "$quiz_guess" = "$1" ]; then
        quiz_right=$((quiz_right + 1))
        echo "      you said $quiz_guess: right"
    else
        echo "      you said $quiz_guess: the measurement says $1"
    fi
}

# quiz_disturbed CSV: the variants a program's output found disturbed, "VARIANT WHY" a line (its
# "# disturbed" notes, but the last, which says what that means).
quiz_disturbed() { sed -nE 's/^# disturbed   : ([a-z0-9_.]+) ((kept|took) .*)/\1 \2/p' "$1"; }

# quiz_answer CSV VARIANT BASELINE EXPECT WHY: is VARIANT faster than BASELINE, from the two rows'
# medians in one run (VARIANT@N: the row of size N): faster or slower beyond 20% apart, else the
# same; then quiz_judge. A run the program found disturbed (a "# disturbed" note on either row)
# answers nothing: it says so, and the guess is not judged.
quiz_answer() {
    local csv=$1 variant=$2 baseline=$3 expect=$4 why=$5 said disturbed
    disturbed=$(quiz_disturbed "$csv" | awk -v a="${variant%@*}" -v b="${baseline%@*}" '$1 == a || $1 == b')
    if [ -n "$disturbed" ]; then
        echo "      answer: not judged: this run was disturbed ($(paste -sd ';' - <<<"$disturbed" |
            sed 's/;/; /g')): run it again on a quieter machine"
        echo "      why: $why"
        [ -n "$quiz_guess" ] && quiz_unjudged=$((quiz_unjudged + 1))
        return 0
    fi
    said=$(plb_csv -v v="$variant" -v b="$baseline" '
        function is(spec, at) { # the row named by spec: VARIANT, or VARIANT@N
            at = index(spec, "@")
            if (!at) return col("variant") == spec
            return col("variant") == substr(spec, 1, at - 1) && col("n") == substr(spec, at + 1)
        }
        is(v) { tv = col("median_s") }
        is(b) { tb = col("median_s") }
        END {
            if (tv <= 0 || tb <= 0) exit 1
            r = tb / tv
            word = r >= 1.2 ? "faster" : r <= 1 / 1.2 ? "slower" : "same"
            printf "%s|%s is %s %s (%.3g s against %.3g s, medians of this run)\n", word, v,
                   word == "same" ? "about the same as" : sprintf("%.2fx %s than", r >= 1 ? r : 1 / r, word),
                   b, tv, tb
        }' "$csv") || { echo "      answer: not measured (no $variant and $baseline rows)"; return; }
    echo "      answer: ${said#*|}"
    quiz_judge "${said%%|*}" "$expect" "$why"
}

# quiz_outcome CSV VERDICT VARIANT EXPECT WHY: did VARIANT finish or hang: it finished when the
# run's CSV has its row (a variant's row is printed once it completed), it hung when it has none
# and the verdict is DEADLOCK (its watchdog ended the run); then quiz_judge.
quiz_outcome() {
    local measured
    if [ -n "$(plb_csv -v v="$3" 'col("variant") == v' "$1")" ]; then
        measured=finishes
        echo "      answer: $3 finishes"
    elif [[ $2 == DEADLOCK:* ]]; then
        measured=hangs
        echo "      answer: $3 hangs: the watchdog saw no progress and ended the run"
    else
        echo "      answer: not measured (no $3 row, and the verdict is '${2:-none}')"
        return
    fi
    quiz_judge "$measured" "$4" "$5"
}

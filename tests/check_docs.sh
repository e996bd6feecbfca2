#!/usr/bin/env bash
# check_docs.sh: the program output that the course pages show is what the programs print today,
# and every link between the pages leads to a file that is there.
# A page marks each excerpt with the command that makes it:
#
#   <!-- output: bin/omp_race -n 100000 -t 2 | table '# unsync' -->
#   ```text
#   ...the command's output (stdout and stderr), as the page shows it...
#   ```
#   <!-- output end -->
#
#   tests/check_docs.sh [FILE...]          check every excerpt and link (default: README.md,
#                                          CONTRIBUTING.md, docs/*.md, docs/lessons/*.md and
#                                          the exercises' pages)
#   tests/check_docs.sh --write [FILE...]  run the commands and put their output into the pages
#
# Times and counts change from run to run and machine to machine, so the check compares the
# excerpt's lines with every number masked: the same lines, words, columns and order. A command
# whose words can change (a race not seen in one run) gets three tries. Commands run from the
# top of the tree, after make, each under a timeout. Ends with "docs: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1

write=0
if [ "${1:-}" = --write ]; then
    write=1
    shift
fi
[ $# -eq 0 ] && set -- README.md CONTRIBUTING.md docs/*.md docs/lessons/*.md exercises/README.md \
    exercises/*/README.md
# shellcheck source=tests/check_common.sh disable=SC1091 # followed with shellcheck -x
. tests/check_common.sh

# table [REGEX]: what an excerpt's command pipes a program's output through: its table for people
# (the heading, and the rows, known by their shape wherever they are: a program may print notes
# between its rows and its split rows), the notes matching the extended REGEX, and the verdict;
# every line cut at 100 columns. Defined for the commands (exported).
table() {
    awk -v keep="${1:-}" '
        /^variant +ranks / || /^[a-z][a-z0-9_.]* +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+ [nmu]?s / ||
            keep != "" && $0 ~ "^(" keep ")" || /^(VERIFIED|FAILED|DEADLOCK)/' |
        cut -c 1-100
}
export -f table

# shape: the text with numbers (1, 2.5, 3.1e-05, 0x1f) masked and runs of blanks made one; a line
# of 100 characters or more loses its last word too (a line cut at 100 columns ends in part of a
# word, which part depending on the widths of the numbers before it). What a busy machine changes
# is masked too: a row's speedup that says "disturbed" (a speedup, 1.5x, is a number already), a
# race's "lost updates" or "race observed" that one run did not see (threads that took turns on
# a busy machine), a time in another unit.
shape() {
    awk '{ cut = length($0) >= 100
           gsub(/(0x)?[0-9][0-9a-fx.]*([eE][-+]?[0-9]+)?/, "N"); gsub(/[ \t]+/, " ")
           sub(/ N [nmu]?s (disturbed|N|-) /, " N s N "); sub(/ lost updates$/, " yes")
           sub(/: race not observed: /, ": race observed: ")
           if (cut) sub(/ ?[^ ]*$/, ""); print }'
}

# excerpts FILE: "LINE<TAB>COMMAND" for each excerpt, LINE the number of its marker line; the last
# first, so that writing one leaves the lines of those above it where they were.
excerpts() {
    awk '/^<!-- output: .* -->$/ { c = $0; sub(/^<!-- output: /, "", c); sub(/ -->$/, "", c); print NR "\t" c }' "$1" |
        sort -t "$(printf '\t')" -k1,1rn
}

# shown FILE LINE: the excerpt's lines below the marker at LINE (between the fences).
shown() { awk -v at="$2" 'NR == at + 1 && $0 != "```text" { exit 1 } NR > at + 1 { if ($0 == "```") exit; print }' "$1"; }

for file in "$@"; do
    [ -f "$file" ] || { bad "docs: no file $file"; continue; }
    # A marker sed does not read as one (a missing " -->") would be skipped: count them both ways.
    if [ "$(grep -c '^<!-- output: ' "$file")" -ne "$(excerpts "$file" | grep -c .)" ] ||
        [ "$(grep -c '^<!-- output: ' "$file")" -ne "$(grep -c '^<!-- output end -->$' "$file")" ]; then
        bad "docs: $file: an output marker without its command, its '-->' or its end"
        continue
    fi
    # Links to files of the tree ([text](path) or [text](path#part)), from the page's own folder.
    if [ "$write" -eq 0 ]; then
        while read -r target; do
            if [ -e "$(dirname "$file")/$target" ]; then ok; else bad "docs: $file links to $target, which is not there"; fi
        done < <(grep -o '\]([^)#:]*[)#]' "$file" | sed 's/^](//; s/[)#]$//' | grep . | sort -u)
    fi
    while IFS=$'\t' read -r line command; do
        [ -n "$line" ] || continue
        if [ "$write" -eq 1 ]; then
            timeout --kill-after=5 120 bash -c "$command" >"$tmp/new" 2>&1
            awk -v at="$line" -v new="$tmp/new" '
                NR == at { print; print "```text"; while ((getline l < new) > 0) print l; print "```"; skip = 1; next }
                skip && $0 == "<!-- output end -->" { skip = 0 }
                !skip { print }' "$file" >"$tmp/page" && cat "$tmp/page" >"$file"
            echo "docs: $file:$line: written ($(wc -l <"$tmp/new") lines)"
            continue
        fi
        if ! shown "$file" "$line" >"$tmp/shown"; then
            bad "docs: $file:$line: the marker is not followed by a \`\`\`text fence"
            continue
        fi
        same=0
        for _ in 1 2 3; do
            timeout --kill-after=5 120 bash -c "$command" >"$tmp/now" 2>&1
            if [ -s "$tmp/now" ] && diff <(shape <"$tmp/shown") <(shape <"$tmp/now") >"$tmp/diff"; then
                same=1
                break
            fi
        done
        if [ "$same" -eq 1 ]; then
            ok
        else
            bad "docs: $file:$line: the page shows other output than '$command' prints" \
                "(numbers masked; < page, > now; tests/check_docs.sh --write $file rewrites it):"
            head -n 12 "$tmp/diff"
        fi
    done < <(excerpts "$file")
done
[ "$write" -eq 1 ] && exit 0
check_end docs

#!/usr/bin/env bash
# report.sh: `make report`. One self-contained HTML file, DIR/report.html, from the results folder
# of a `make bench` run (default: the last one): the provenance the run recorded, the bench-check
# verdicts where `make bench-check` left them (bench-check.txt), the machine's limits, each
# kernel's table at its largest size (median, spread min..max, repeats, speedup, efficiency, % of
# the measured limit; summary.csv, from scripts/bench/bench_report.awk) with its crossover and
# Amdahl fit (fits.csv), the heat equation's scaling runs (speedup, efficiency), the figures (make plots' SVGs, run here
# first when they are missing and gnuplot is there) and the text report. No script, no external
# URL (a Content-Security-Policy forbids any fetch but the figures' data: URIs): it opens from a
# cluster's file browser, downloaded, and mails as one file.
#
#   usage: scripts/bench/report.sh [DIR]   (make report [RESULTS=DIR] [BASELINE=DIR])
#   BASELINE=DIR: a column comparing each row's median with the same row (program, size, workers)
#   of another run, another machine's or this one's last month: marked faster or slower only when
#   the two runs' ranges (min..max) do not overlap, "within the spread" otherwise.
# shellcheck disable=SC2016 # the single-quoted $ are awk fields (plb_csv), not shell
set -u
# The folders named, as seen from where it is started (before the cd).
dir=${1:-${PARLAB_RESULTS:-results}/latest}
[[ $dir == /* ]] || dir=$PWD/$dir
baseline=${BASELINE:-}
[ -z "$baseline" ] || [[ $baseline == /* ]] || baseline=$PWD/$baseline
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh

for f in limits sweep summary fits; do
    [ -f "$dir/$f.csv" ] || { echo "report: no $dir/$f.csv: run 'make bench' first" >&2; exit 2; }
done
if [ -n "$baseline" ] && [ ! -f "$baseline/summary.csv" ]; then
    echo "report: BASELINE=$baseline has no summary.csv (a make bench run's folder)" >&2
    exit 2
fi
if ! ls "$dir"/plots/*.svg >/dev/null 2>&1 && command -v gnuplot >/dev/null 2>&1; then
    scripts/plot/plots.sh "$dir" >/dev/null || echo "report: make plots failed: no figures" >&2
fi
out=$dir/report.html
name=$(basename "$(cd "$dir" && pwd -P)") # the run's own folder, not "latest"
# The baseline's rows under a name of their own (BASELINE may be DIR itself).
base_rows=$(mktemp)
trap 'rm -f "$base_rows" "$out.tmp"' EXIT
[ -n "$baseline" ] && cp "$baseline/summary.csv" "$base_rows"

# html: the text of stdin with &, < and > escaped; ESC, the same in awk (esc(s)), for the cells.
html() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }
ESC='function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }'

# table FILE AWK-ROW HEADINGS...: an HTML table of FILE's rows (plb_csv), AWK-ROW printing the
# cells of one row (cell(), escaped text, and num(), a number, help), under HEADINGS.
table() {
    local file=$1 row=$2 h
    shift 2
    echo '<table><tr>'
    for h in "$@"; do printf '<th>%s</th>' "$h"; done
    echo '</tr>'
    plb_csv "$ESC
        function cell(v) { printf \"<td>%s</td>\", esc(v) }
        function num(v) { printf \"<td class=n>%s</td>\", v == \"\" ? \"\" : sprintf(\"%.4g\", v) }
        { printf \"<tr>\"; $row; print \"</tr>\" }" "$file"
    echo '</table>'
}

{
cat <<EOF
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>parlab report: $(html <<<"$name")</title>
<style>
body { font-family: sans-serif; max-width: 70em; margin: 1em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.faster { background: #d8f0d8; } .slower { background: #f6d6d6; }
pre { background: #f4f4f4; padding: 0.6em; overflow-x: auto; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
</style></head><body>
<h1>parlab: make bench, $(html <<<"$name")</h1>
<p>Results folder: <code>$(html <<<"$dir")</code>$([ -n "$baseline" ] && echo ", compared with <code>$(html <<<"$baseline")</code> (BASELINE)").</p>
<h2 id="provenance">Provenance</h2>
<table>
EOF
sed -n 's/^# \([a-z/ ]*[a-z]\) *: \(.*\)$/\1\t\2/p' "$dir/limits.csv" | html |
    awk -F'\t' '{ printf "<tr><th>%s</th><td>%s</td></tr>\n", $1, $2 }'
echo '</table>'

echo '<h2 id="bench-check">bench-check verdicts</h2>'
if [ -s "$dir/bench-check.txt" ]; then
    echo '<pre>'; html <"$dir/bench-check.txt"; echo '</pre>'
else
    echo '<p>Not run for this folder: <code>make bench-check</code> after <code>make bench</code> writes them here.</p>'
fi

echo '<h2 id="limits">The machine'"'"'s limits</h2>'
table "$dir/limits.csv" 'cell(col("program")); cell(col("variant")); cell(col("n")); cell(col("threads"));
    cell(col("ranks")); num(col("median_s")); cell(sprintf("%.4g .. %.4g", col("min_s"), col("max_s")));
    cell(col("repeats")); cell(sprintf("%.4g %s", col("rate"), col("rate_unit")))' \
    program variant n threads ranks 'median (s)' 'spread (s)' repeats rate

echo '<h2 id="kernels">The kernels, at their largest size</h2>'
echo '<p>Workers: threads (omp_*) or ranks (mpi_*), 0 for the sequential variant; * more than the cores.'
echo 'Speedup is over seq at the same size; efficiency is speedup / workers; the limit is the measured'
echo 'one each kernel is held against (STREAM triad, independent copies of the countdown, the bare'
echo 'MPI round).</p>'
for program in $(plb_csv '{ print col("program") }' "$dir/summary.csv" | awk '!seen[$0]++'); do
    echo "<h3 id=\"$(html <<<"$program")\">$(html <<<"$program")</h3>"
    plb_csv -v p="$program" 'col("program") == p {
        printf "<p>Crossover: %s. Amdahl serial fraction: %s.</p>\n",
            col("crossover_n") == "" ? "none (the parallel variant never beats seq for good)" : "from n = " col("crossover_n"),
            col("serial_fraction") == "" ? "no fit" : col("serial_fraction") " (rms error " sprintf("%.1f%%", 100 * col("fit_rms")) ")" }' \
        "$dir/fits.csv"
    plb_csv -v p="$program" -v base="$base_rows" -v has_base="${baseline:+1}" "$ESC"'
        FILENAME == base { key = col("program") "," col("n") "," col("workers")
            bmed[key] = col("median_s"); bmin[key] = col("min_s"); bmax[key] = col("max_s"); next }
        col("program") != p { next }
        !started { started = 1; print "<table><tr><th>workers</th><th>n</th><th>median (s)</th><th>spread (s)</th>" \
            "<th>repeats</th><th>speedup</th><th>efficiency</th><th>% of limit</th>" \
            (has_base ? "<th>baseline median (s)</th><th>change</th>" : "") "</tr>" }
        {
            key = col("program") "," col("n") "," col("workers"); mark = ""; change = ""
            if (has_base && (key in bmed) && col("median_s") > 0 && bmed[key] > 0) {
                ratio = bmed[key] / col("median_s")
                if (col("max_s") < bmin[key]) { mark = " class=faster"; change = sprintf("%.2fx faster", ratio) }
                else if (col("min_s") > bmax[key]) { mark = " class=slower"; change = sprintf("%.2fx slower", 1 / ratio) }
                else change = "within the spread"
            } else if (has_base) change = "not in the baseline"
            printf "<tr%s><td>%s%s</td><td class=n>%s</td><td class=n>%.4g</td><td class=n>%.4g .. %.4g</td>" \
                "<td class=n>%s</td><td class=n>%s</td><td class=n>%s</td><td>%s</td>", mark,
                col("workers") == 0 ? "seq" : col("workers"), col("oversubscribed") == "yes" ? "*" : "",
                col("n"), col("median_s"), col("min_s"), col("max_s"), col("repeats"), col("speedup"),
                col("efficiency"), col("limit_pct") == "" ? "" : col("limit_pct") "% of " esc(col("limit"))
            if (has_base) printf "<td class=n>%s</td><td>%s</td>", (key in bmed) ? sprintf("%.4g", bmed[key]) : "", change
            print "</tr>"
        }
        END { if (started) print "</table>" }' "$base_rows" "$dir/summary.csv"
done

# The heat runs: strong scaling's speedup is over seq on one rank and its efficiency that per
# rank; weak scaling's efficiency is one rank's time over this one's (the grid grows with the ranks).
for kind in strong weak; do
    [ -f "$dir/heat_$kind.csv" ] || continue
    echo "<h2 id=\"heat-$kind\">The heat equation, $kind scaling</h2>"
    plb_csv -v kind="$kind" "$ESC"'
        { rows++; v[rows] = esc(col("variant")); g[rows] = col("n"); r[rows] = col("ranks"); med[rows] = col("median_s")
          lo[rows] = col("min_s"); hi[rows] = col("max_s"); rep[rows] = col("repeats"); rate[rows] = col("rate") " " esc(col("rate_unit"))
          over[rows] = col("oversubscribed")
          if (col("ranks") == 1) one[col("variant")] = col("median_s") }
        END {
            print "<table><tr><th>variant</th><th>cells</th><th>ranks</th><th>median (s)</th><th>spread (s)</th><th>repeats</th>" \
                  (kind == "strong" ? "<th>speedup over seq</th><th>efficiency</th>" : "<th>efficiency (t1 / t)</th>") \
                  "<th>rate</th></tr>"
            for (i = 1; i <= rows; i++) {
                printf "<tr><td>%s</td><td class=n>%s</td><td class=n>%s%s</td><td class=n>%.4g</td><td class=n>%.4g .. %.4g</td><td class=n>%s</td>",
                    v[i], g[i], r[i], over[i] == "yes" ? "*" : "", med[i], lo[i], hi[i], rep[i]
                if (kind == "strong") {
                    if (("seq" in one) && med[i] > 0) printf "<td class=n>%.2f</td><td class=n>%.2f</td>", one["seq"] / med[i], one["seq"] / med[i] / r[i]
                    else printf "<td></td><td></td>"
                } else printf "<td class=n>%s</td>", ((v[i] in one) && med[i] > 0) ? sprintf("%.2f", one[v[i]] / med[i]) : ""
                printf "<td class=n>%s</td></tr>\n", rate[i]
            }
            print "</table>"
        }' "$dir/heat_$kind.csv"
done

echo '<h2 id="figures">Figures</h2>'
figures=0
for svg in "$dir"/plots/*.svg; do
    [ -f "$svg" ] || continue
    name=$(basename "$svg" .svg)
    printf '<h3>%s</h3>\n<img alt="%s" src="data:image/svg+xml;base64,%s">\n' "$name" "$name" "$(base64 -w0 <"$svg")"
    figures=$((figures + 1))
done
[ "$figures" -gt 0 ] || echo '<p>None: <code>make plots</code> needs gnuplot (Debian: gnuplot-nox).</p>'

echo '<h2 id="text">The text report</h2>'
echo '<pre>'; html <"$dir/report.txt"; echo '</pre>'
echo '</body></html>'
} >"$out.tmp" && mv "$out.tmp" "$out" || exit 1
echo "report: $out ($(($(wc -c <"$out") / 1024)) KiB, $figures figures${baseline:+, compared with $baseline})"

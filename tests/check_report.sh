#!/usr/bin/env bash
# check_report.sh: `make report` from the committed fixture tests/fixtures/bench-quick (the files
# of a make bench QUICK=1 run, on a copy): the page is one file with nothing to fetch (a
# Content-Security-Policy that forbids it, no URL in any src, href or url()), holds the
# provenance, a table per kernel with its spread, repeats, speedup and % of the limit, the heat
# runs, the bench-check verdicts once there are some, and the figures as data: URIs of SVG
# (or, without gnuplot, says there are none). BASELINE: against itself every row is within the
# spread; against a copy with one row ten times faster and one ten times slower, those two rows,
# and no other, are marked. Bad folders are refused with exit 2.
#   tests/check_report.sh [--browser]   --browser (CI): Debian's chromium, headless, renders the
#       page, every figure decodes to an SVG image, and its network log shows no fetch but the file
# shellcheck disable=SC2016 # the single-quoted $ are awk fields (plb_csv), not shell
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/run/parlab.sh disable=SC1091 # followed with shellcheck -x
. scripts/run/parlab.sh
# shellcheck source=tests/check_common.sh disable=SC1091 # followed with shellcheck -x
. tests/check_common.sh

run=$tmp/run
cp -r tests/fixtures/bench-quick "$run"
page=$run/report.html
# report DIR [BASELINE]: make report of DIR, output in $out; its exit status.
report() { BASELINE=${2:-} scripts/bench/report.sh "$1" >"$out" 2>"$err"; }

if [ "${1:-}" = --browser ]; then
    echo "=== the page in a headless browser"
    browser=$(command -v chromium || command -v chromium-browser)
    if [ -z "$browser" ] || ! command -v gnuplot >/dev/null; then
        bad "needs chromium and gnuplot (Debian: apt-get install chromium gnuplot-nox)"
        check_end report-browser
        exit 1
    fi
    report "$run" || bad "make report: $(cat "$err")"
    # Every figure: a data: URI that decodes to an SVG document.
    figures=$(grep -o 'src="data:image/svg+xml;base64,[^"]*"' "$page" | sed 's/^src="data:image\/svg+xml;base64,//; s/"$//')
    count=0 broken=0
    while read -r data; do
        [ -n "$data" ] || continue
        count=$((count + 1))
        base64 -d <<<"$data" 2>/dev/null | grep -q '<svg' || broken=$((broken + 1))
    done <<<"$figures"
    if [ "$count" -ge 4 ] && [ "$broken" -eq 0 ]; then ok; else bad "$count figures, $broken not SVG"; fi
    # Rendered: the DOM after loading, with its tables and figures; a screenshot with content.
    # page_fetches NETLOG: the URLs the page had the browser fetch, from Chromium's network log:
    # requests in the page's (file://) network partition; the browser's own (updates, accounts)
    # are in none.
    page_fetches() {
        python3 -c 'import json, sys
log = json.load(open(sys.argv[1]))
start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
for e in log["events"]:
    p = e.get("params", {})
    if e["type"] == start and "file://" in p.get("network_isolation_key", ""):
        print(p["url"])' "$1"
    }
    # browse URL NETLOG ARGS...: the browser, headless, on URL, logging its network to NETLOG.
    browse() {
        timeout 120 "$browser" --headless --no-sandbox --disable-gpu --log-net-log="$2" "${@:3}" "$1" \
            2>>"$tmp/browser.err"
    }
    browse "file://$page" "$tmp/net.json" --dump-dom >"$tmp/dom.html"
    if [ "$(grep -o '<table' "$tmp/dom.html" | wc -l)" -ge 8 ] && [ "$(grep -o '<img' "$tmp/dom.html" | wc -l)" -eq "$count" ]; then ok
    else bad "the browser's DOM: $(grep -o '<table' "$tmp/dom.html" | wc -l) tables, $(grep -o '<img' "$tmp/dom.html" | wc -l) figures: $(tail -n 3 "$tmp/browser.err")"; fi
    browse "file://$page" "$tmp/net2.json" --window-size=1200,2000 --screenshot="$tmp/page.png" >/dev/null
    if [ "$(stat -c %s "$tmp/page.png" 2>/dev/null || echo 0)" -gt 50000 ]; then ok
    else bad "no screenshot with content: $(tail -n 3 "$tmp/browser.err")"; fi
    # Nothing fetched by the page; and the log does show a fetch, in a copy of the page with one
    # image from outside and no policy: the check can fail.
    sed -e '/Content-Security-Policy/d' -e 's|<h1>|<img alt="planted" src="http://parlab.invalid/x.png"><h1>|' \
        "$page" >"$run/planted.html"
    browse "file://$run/planted.html" "$tmp/planted.json" --dump-dom >/dev/null
    fetched=$(page_fetches "$tmp/net.json")
    if [ -s "$tmp/net.json" ] && [ -z "$fetched" ] && page_fetches "$tmp/planted.json" | grep -qx 'http://parlab.invalid/x.png'; then ok
    else bad "the page fetched '${fetched}'; a planted image was$(page_fetches "$tmp/planted.json" | grep -q parlab || echo ' not') seen"; fi
    check_end report-browser
    exit
fi

echo "=== make report of the fixture"
if report "$run" && [ -s "$page" ] && grep -q "^report: $page (" "$out"; then ok
else bad "make report: $(cat "$out" "$err")"; fi
# Nothing to fetch: the policy, and no URL anywhere the browser would load one.
if grep -q "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"" "$page" &&
    ! grep -Eiq '(src|href)="[^d#]|url\(|<script|<link' "$page"; then ok
else bad "the page could fetch something: $(grep -Eio '(src|href)="[^d#][^"]*"|url\([^)]*\)|<script|<link' "$page" | head -n 3)"; fi
# The provenance, row by row, as the run recorded it.
if grep -q '<tr><th>processor</th><td>' "$page" && grep -q '<tr><th>topology</th><td>' "$page" &&
    grep -q '<tr><th>kernel</th><td>' "$page" && grep -q '<tr><th>load</th><td>' "$page"; then ok
else bad "the provenance table lacks processor, topology, kernel or load"; fi
# A table per kernel, a row per worker count, with its spread and % of the limit where there is one.
tables=0
for program in omp_increment omp_map_square omp_countdown mpi_map_square mpi_increment mpi_countdown; do
    rows=$(sed -n "/<h3 id=\"$program\">/,/<\/table>/p" "$page" | grep -c '^<tr><td>')
    want=$(grep -c "^$program," "$run/summary.csv")
    [ "$rows" -eq "$want" ] && [ "$rows" -ge 2 ] && tables=$((tables + 1))
done
if [ "$tables" -eq 6 ] && grep -q '% of triad</td>' "$page" && grep -q '% of independent copies</td>' "$page" &&
    grep -Eq '<td class=n>[0-9.e-]+ \.\. [0-9.e-]+</td>' "$page"; then ok
else bad "kernel tables: $tables of 6 with a row per summary row; spreads and limits"; fi
# The heat runs with their scaling: seq on one rank is the strong runs' 1.00, a weak run's own.
if sed -n '/<h2 id="heat-strong">/,/<\/table>/p' "$page" | grep -q '<tr><td>seq</td><td class=n>[0-9]*</td><td class=n>1</td>.*<td class=n>1.00</td><td class=n>1.00</td>' &&
    sed -n '/<h2 id="heat-weak">/,/<\/table>/p' "$page" | grep -q '<th>efficiency (t1 / t)</th>'; then ok
else bad "the heat equation's tables lack their speedup or efficiency"; fi
# Figures: data: URIs of SVG where gnuplot drew them, or the page says there are none.
figures=$(grep -c '<img alt="[a-z_]*" src="data:image/svg+xml;base64,' "$page")
if command -v gnuplot >/dev/null; then
    if [ "$figures" -ge 4 ]; then ok; else bad "gnuplot is here, but the page has $figures figures"; fi
elif [ "$figures" -eq 0 ] && grep -q 'needs gnuplot' "$page"; then ok
else bad "no gnuplot: the page should say there are no figures"; fi
# The bench-check verdicts, once make bench-check has left them.
echo 'bench-omp: PASS: omp_stream copy 0.98 of plain' >"$run/bench-check.txt"
if report "$run" && grep -q '^bench-omp: PASS: omp_stream copy 0.98 of plain$' "$page"; then ok
else bad "the bench-check verdicts are not on the page"; fi

# Text from the files is text on the page: markup in a cell is escaped.
cp -r "$run" "$tmp/marked"
sed -i 's/,MLUP\/s,/,MLUP\/s<script>,/' "$tmp/marked/heat_strong.csv"
if report "$tmp/marked" && grep -q 'MLUP/s&lt;script&gt;</td>' "$tmp/marked/report.html" &&
    ! grep -q '<script' "$tmp/marked/report.html"; then ok
else bad "markup in a CSV cell reached the page unescaped"; fi

echo "=== BASELINE"
if report "$run" "$run" && [ "$(grep -c 'within the spread' "$page")" -eq "$(grep -vc '^program,' "$run/summary.csv")" ] &&
    ! grep -q 'class=faster\|class=slower' "$page"; then ok
else bad "against itself: wanted every row within the spread: $(grep -c 'within the spread' "$page") rows"; fi
# The baseline: omp_countdown's seq row ten times faster there (so slower here), its last row ten
# times slower there (faster here); the rest as they were.
mkdir "$tmp/base"
plb_csv '
    BEGIN { OFS = "," }
    function scale(f) { $(plb_column["median_s"]) *= f; $(plb_column["min_s"]) *= f; $(plb_column["max_s"]) *= f }
    !headed { print plb_header; headed = 1 }
    col("program") == "omp_countdown" && col("workers") == 0 { scale(0.1) }
    col("program") == "mpi_countdown" && col("workers") == 2 { scale(10) }
    { print }' "$run/summary.csv" >"$tmp/base/summary.csv"
if report "$run" "$tmp/base" && [ "$(grep -c 'class=slower' "$page")" -eq 1 ] && [ "$(grep -c 'class=faster' "$page")" -eq 1 ] &&
    sed -n '/<h3 id="omp_countdown">/,/<\/table>/p' "$page" | grep -q '<tr class=slower><td>seq</td>.*10.00x slower' &&
    sed -n '/<h3 id="mpi_countdown">/,/<\/table>/p' "$page" | grep -q '<tr class=faster><td>2</td>.*10.00x faster'; then ok
else bad "against a changed baseline: wanted omp_countdown's seq slower and mpi_countdown's 2 faster, no other: $(grep -o 'class=[a-z]*' "$page" | sort | uniq -c | tr '\n' ' ')"; fi

echo "=== refused"
mkdir "$tmp/empty"
if ! report "$tmp/empty" && [ "$(wc -l <"$err")" -eq 1 ] && grep -q "^report: no $tmp/empty/limits.csv: run 'make bench' first$" "$err"; then ok
else bad "a folder without a bench run: $(cat "$err")"; fi
if ! report "$run" "$tmp/empty" && [ "$(wc -l <"$err")" -eq 1 ] && grep -q "^report: BASELINE=$tmp/empty has no summary.csv" "$err"; then ok
else bad "a baseline without a bench run: $(cat "$err")"; fi

check_end report

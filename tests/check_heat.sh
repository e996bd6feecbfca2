#!/usr/bin/env bash
# check_heat.sh: the heat lessons (omp_heat, mpi_heat) run as a user would, beyond the contract that
# check_programs.sh checks for every program. Ends with "heat: N passed, N failed".
#
#   1. the final field's checksum is the same for any thread count, rank count, --dims and variant,
#      and between omp_heat and mpi_heat, for each --check (seq, exact, mode);
#   2. --check exact passes on prime grids and on thin grids that leave a rank one row or column,
#      every rank count 1..8 and every variant (sampled); --weak grows the grid with the ranks;
#   3. grids, process grids and parameters that cannot work are refused: exit 2, one line, no hang;
#   4. --save writes the same .npy bytes from threads and from ranks, one numpy.load reads;
#   5. --png writes a PNG of the documented size;
#   6. the table output: its header lines, one row per variant, the verdict last.
#
# Every run is small (-r 1 -w 0, a few steps) and under a timeout of its own: ranks above the
# cores are oversubscribed, and a hang must be a failure, not a stuck CI.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/run/parlab.sh disable=SC1091 # followed with shellcheck -x
. scripts/run/parlab.sh

GRID=37x41 # prime sides: no rank count divides them
STEPS=20
VARIANTS=(seq gather chain sendrecv overlap neighbor)
# shellcheck source=tests/check_common.sh disable=SC1091 # followed with shellcheck -x
. tests/check_common.sh
# The rank counts of sections 1 and 2. Under the sanitizers (each run several times slower) three
# of them: one rank (no neighbours), three (odd strips), six (a 3 x 2 grid of uneven blocks, more
# ranks than cores): the blocks' shapes and edges are what they catch.
# Under Hydra on fewer than 8 cores (ranks that spin: tests/check_common.sh) five: one, even,
# odd, a 2 x 2 grid, a 3 x 2 grid with more ranks than cores.
RANKS=(1 2 3 4 5 6 7 8)
if [ -n "${PLB_SANITIZE:-}" ]; then RANKS=(1 3 6)
elif hydra && [ "$(nproc)" -lt 8 ]; then RANKS=(1 2 3 4 6); fi

for p in omp_heat mpi_heat; do
    if [ ! -x "bin/$p" ]; then
        bad "bin/$p is missing: run 'make all' first"
        echo
        echo "heat: $passed passed, $failed failed"
        exit 1
    fi
done

# heat NP PROGRAM ARGS...: one short run (-r 1 -w 0), omp_heat as one process, mpi_heat on NP
# ranks, stdout and stderr to files. Its exit status.
heat() {
    local np=$1 program=$2
    shift 2
    plb_launch --timeout 120 "$np" "$program" -r 1 -w 0 "$@" >"$out" 2>"$err"
}

# why: what the last run said when it failed (its FAILED line, its stderr), on one line.
why() { { grep -h '^FAILED' "$out"; tail -n 3 "$err"; } | tr '\n' ' ' | cut -c1-400; }

# checksum STEPS: the 16 hex digits of the last run's checksum line, when it has exactly one.
checksum() {
    local lines
    lines=$(grep -c '^# checksum    : ' "$out")
    [ "$lines" -eq 1 ] || return 1
    sed -n "s/^# checksum    : \([0-9a-f]\{16\}\) after $1 steps\$/\1/p" "$out"
}

# verified_sum NP PROGRAM ARGS...: runs it; sum is its checksum when it ended VERIFIED with exit
# 0 and one checksum line, else empty, and a failure naming the run is counted.
sum=
verified_sum() {
    local np=$1 program=$2 status
    heat "$@"
    status=$?
    sum=$(checksum "$STEPS")
    if [ "$status" -ne 0 ] || [ "$(tail -n 1 "$out")" != VERIFIED ] || [ -z "$sum" ]; then
        sum=
        bad "$program np=$np ${*:3}: wanted VERIFIED, exit 0 and one checksum line, got exit $status: $(why)"
    fi
}

# same_sum WANT NP PROGRAM ARGS...: the run verifies and its checksum is WANT.
same_sum() {
    local want=$1
    shift
    verified_sum "$@"
    [ -n "$sum" ] || return
    if [ "$sum" = "$want" ]; then ok
    else bad "$2 np=$1 ${*:3}: checksum $sum, but omp_heat -t 1 gave $want"; fi
}

# ---- 1. one checksum for every way of computing the same field -------------------------------
echo "=== checksums of -n $GRID --steps $STEPS"
declare -A reference=()
for check in seq exact mode; do
    common=(-n "$GRID" --steps "$STEPS" --check "$check")
    verified_sum 1 omp_heat -t 1 -V parallel "${common[@]}"
    ref=$sum
    if [ -z "$ref" ]; then
        echo "    (no omp_heat reference for --check $check: its comparisons skipped)"
        continue
    fi
    ok
    reference[$check]=$ref
    # Under the sanitizers the other two fields start the same steps: one run of mpi_heat each.
    if [ -n "${PLB_SANITIZE:-}" ] && [ "$check" != exact ]; then
        same_sum "$ref" 3 mpi_heat -t 1 -V sendrecv "${common[@]}"
        continue
    fi
    same_sum "$ref" 1 omp_heat -t 3 -V parallel "${common[@]}"
    rows=${GRID%x*}
    for np in "${RANKS[@]}"; do
        same_sum "$ref" "$np" mpi_heat -t 1 -V sendrecv --dims auto "${common[@]}"
        if [ "$np" -gt 1 ] && [ "$np" -le "$rows" ]; then
            same_sum "$ref" "$np" mpi_heat -t 1 -V sendrecv --dims 1d "${common[@]}"
        fi
    done
    for t in 2 3; do
        same_sum "$ref" 2 mpi_heat -t "$t" -V sendrecv "${common[@]}"
        if ! grep -Eq "^sendrecv +2 +$t " "$out"; then
            bad "mpi_heat np=2 -t $t --check $check: the row does not say $t threads"
        fi
    done
    for v in chain overlap neighbor gather; do
        same_sum "$ref" 3 mpi_heat -t 1 -V "$v" "${common[@]}"
    done
done
# Three checks start from three different fields: equal checksums would mean one was ignored.
if [ "${#reference[@]}" -eq 3 ]; then
    if [ "$(printf '%s\n' "${reference[@]}" | sort -u | wc -l)" -eq 3 ]; then ok
    else bad "--check seq, exact and mode gave checksums ${reference[*]}: wanted three different fields"; fi
fi

# ---- 2. the exact check on awkward grids, every rank count and variant -----------------------
echo "=== --check exact: prime and thin grids"
# Each rank count runs half the variants on one prime grid and the other half on the transposed
# one, rotated so that every variant meets every rank count (of RANKS); 41x37's reference is
# omp_heat's.
verified_sum 1 omp_heat -t 2 -V parallel -n 41x37 --steps "$STEPS" --check exact
ref_t=$sum
[ -z "$ref_t" ] || ok
for np in "${RANKS[@]}"; do
    first=() second=()
    for k in 0 1 2; do
        first+=("${VARIANTS[(np + k) % 6]}")
        second+=("${VARIANTS[(np + k + 3) % 6]}")
    done
    for run in "37x41 $(IFS=,; echo "${first[*]}") ${reference[exact]:-}" \
        "41x37 $(IFS=,; echo "${second[*]}") $ref_t"; do
        read -r grid variants want <<<"$run"
        verified_sum "$np" mpi_heat -n "$grid" --steps "$STEPS" --check exact -V "$variants"
        if [ -z "$sum" ]; then :
        elif [ -n "$want" ] && [ "$sum" != "$want" ]; then
            bad "mpi_heat np=$np -n $grid --check exact -V $variants: checksum $sum, omp_heat's $want"
        else ok; fi
    done
done
# A rank that owns a single row (5x64 in strips on 5 ranks) or a single column (64x3 on 1x3):
# edge loops written for blocks of two or more go wrong there.
for run in "5 5x64 1d 5 x 1" "3 64x3 1x3 1 x 3"; do
    read -r np grid dims pgrid <<<"$run"
    for v in "${VARIANTS[@]}"; do
        heat "$np" mpi_heat -n "$grid" --dims "$dims" --steps 7 --check exact -V "$v"
        status=$?
        if [ "$status" -eq 0 ] && [ "$(tail -n 1 "$out")" = VERIFIED ] &&
            grep -q "^# ranks grid  : $pgrid (--dims $dims), non-periodic\$" "$out"; then ok
        else bad "mpi_heat np=$np -n $grid --dims $dims --check exact -V $v: exit $status: $(why)"; fi
    done
done

# ---- 2b. --weak: each rank a 13 x 11 block, the grid (P 13) x (Q 11): the same field as omp_heat's
echo "=== --weak: the grid grows with the ranks"
for np in 1 2 3 4 6; do
    verified_sum "$np" mpi_heat --weak -n 13x11 --steps "$STEPS" -V sendrecv,overlap
    [ -n "$sum" ] || continue
    weak_sum=$sum
    read -r p q < <(sed -n 's/^# ranks grid  : \([0-9]*\) x \([0-9]*\) (--dims auto).*--weak.*/\1 \2/p' "$out")
    if [ -z "${p:-}" ] || [ $((p * q)) -ne "$np" ] ||
        ! grep -q "^# grid        : $((13 * p)) x $((11 * q)) interior" "$out"; then
        bad "mpi_heat np=$np --weak -n 13x11: wanted a P x Q process grid of $np and a ${p:-P}*13 x ${q:-Q}*11 grid: $(grep '^# \(grid\|ranks grid\)' "$out" | tr '\n' ' ')"
        continue
    fi
    ok
    same_sum "$weak_sum" 1 omp_heat -t 2 -V parallel -n "$((13 * p))x$((11 * q))" --steps "$STEPS"
done

# ---- 3. refused: exit 2, one line naming the program, nothing on stdout, no hang --------------
echo "=== refusals"
# refused NP PROGRAM PATTERN ARGS...: exit 2 within the timeout, and one line on stderr, the
# program's, matching PATTERN (grep -E).
refused() {
    local np=$1 program=$2 pattern=$3 status
    shift 3
    plb_launch --timeout 60 "$np" "$program" -n "$GRID" -r 1 -w 0 "$@" >"$out" 2>"$err"
    status=$?
    # (one line of the program's: Open MPI 5's prterun adds its own when a rank exits non-zero)
    if [ "$status" -eq 2 ] && [ "$(grep -c "^$program: " "$err")" -eq 1 ] &&
        grep -Eq "^$program: .*$pattern" "$err" &&
        [ ! -s "$out" ]; then ok
    else bad "$program np=$np $*: wanted exit 2 and one '$program: ...$pattern' line, got exit $status: $(head -c 300 "$err")"; fi
}
refused 4 mpi_heat 'row' -n 3x100 --dims 1d # a strip each for 4 ranks, from 3 rows
refused 4 mpi_heat '3 x 3' --dims 3x3
refused 2 mpi_heat 'unstable' --r 0.3
refused 1 omp_heat 'unstable' --r 0.3
refused 2 mpi_heat 'exact' --check exact --r 0.2
refused 1 omp_heat 'exact' --check exact --r 0.2
refused 2 mpi_heat 'bogus' --check bogus
refused 2 mpi_heat 'beyond any grid' --weak --long-run -n 4000000000000000000x1
refused 1 omp_heat 'bogus' --check bogus
# the mode decayed to near its rounding bound: a field of zeros would pass the check
refused 1 omp_heat 'too near the rounding bound' -n 5 --steps 200 --check mode
refused 2 mpi_heat 'too near the rounding bound' -n 5 --steps 200 --check mode

# ---- 4. --save: the same .npy from threads and from ranks --------------------------------------
echo "=== --save"
rows=${GRID%x*}
cols=${GRID#*x}
save=(-n "$GRID" --steps "$STEPS")
if heat 1 omp_heat -t 2 -V parallel "${save[@]}" --save "$tmp/omp.npy" && [ -s "$tmp/omp.npy" ]; then
    ok
    # v1.0 header: magic, version 1.0, a little-endian length; data from a multiple of 64 bytes.
    magic=$(head -c 8 "$tmp/omp.npy" | od -An -tx1 | tr -d ' \n')
    hlen=$(od -An -tu2 -j8 -N2 --endian=little "$tmp/omp.npy" | tr -d ' ')
    size=$(stat -c %s "$tmp/omp.npy")
    if [ "$magic" = 934e554d50590100 ] && [ $(((10 + hlen) % 64)) -eq 0 ] &&
        [ "$size" -eq $((10 + hlen + (rows + 2) * (cols + 2) * 8)) ]; then ok
    else bad "omp_heat --save: not a .npy v1.0 of $((rows + 2)) x $((cols + 2)) doubles (magic $magic, header $hlen, $size bytes)"; fi
    for run in "3 auto" "3 1d" "4 auto" "4 1d"; do
        read -r np dims <<<"$run"
        file=$tmp/mpi-$np-$dims.npy
        # A longer file already there: MPI_File_open does not truncate it.
        head -c 100000 /dev/zero >"$file"
        if heat "$np" mpi_heat -V sendrecv --dims "$dims" "${save[@]}" --save "$file" && cmp -s "$tmp/omp.npy" "$file"
        then ok; else bad "mpi_heat np=$np --dims $dims --save: not the bytes omp_heat wrote: $(why) $(cmp "$tmp/omp.npy" "$file" 2>&1)"; fi
    done
    if python=$(plb_python numpy) && [ -n "$python" ]; then
        if "$python" - "$tmp/omp.npy" "$rows" "$cols" >"$out" 2>&1 <<'EOF'
import sys
import numpy
a = numpy.load(sys.argv[1])
rows, cols = int(sys.argv[2]), int(sys.argv[3])
assert a.shape == (rows + 2, cols + 2), a.shape
assert a.dtype == numpy.float64, a.dtype
for name, ring, want in (("top", a[0, 1:-1], 100), ("bottom", a[-1, 1:-1], 0),
                         ("left", a[1:-1, 0], 75), ("right", a[1:-1, -1], 50)):
    assert (ring == want).all(), "%s edge: %s, wanted %s" % (name, ring, want)
EOF
        then ok; else bad "numpy.load of omp_heat --save: $(tail -n 1 "$out")"; fi
    else
        echo "    (no Python with numpy: numpy.load of the .npy not checked)"
    fi
else
    bad "omp_heat --save: exit, or no file: $(why)"
fi

# ---- 3b. data larger than one process may hold: refused on one rank, run over four -------------
echo "=== a field too large for one rank, spread over four"
if [ -n "${PLB_SANITIZE:-}" ]; then
    echo "    (sanitized build: ASan cannot start under ulimit -v; not checked)"
else
    # 9000 x 9000 is two arrays of 648 MB: over a 1.2 GB address space with MPI's share;
    # each of 4 ranks holds a quarter. --check exact: no rank holds the whole field.
    (ulimit -v 1200000; heat 1 mpi_heat -n 9000 --steps 2 -V sendrecv --check exact)
    if [ $? -eq 2 ] && grep -q '^mpi_heat: needs .* available (RLIMIT_AS)$' "$err"; then ok
    else bad "mpi_heat -n 9000 on 1 rank under ulimit -v 1200000: wanted the memory refusal: $(why)"; fi
    if (ulimit -v 1200000; heat 4 mpi_heat -n 9000 --steps 2 -V sendrecv --check exact) &&
        [ "$(tail -n 1 "$out")" = VERIFIED ]; then ok
    else bad "mpi_heat -n 9000 on 4 ranks under ulimit -v 1200000: wanted it to run: $(why)"; fi
fi

# ---- 4b. --load: a field from a file, whoever wrote it -------------------------------------------
echo "=== --load"
# Saved after 1 step and loaded, STEPS - 1 more steps end where STEPS steps from the start do.
if heat 1 omp_heat -n "$GRID" --steps 1 -V parallel --save "$tmp/one.npy" &&
    heat 1 omp_heat -n "$GRID" --steps "$STEPS" -V parallel; then
    want=$(checksum "$STEPS")
    for np in 1 3; do
        program=$([ "$np" = 1 ] && echo omp_heat || echo mpi_heat)
        heat "$np" "$program" --load "$tmp/one.npy" --steps $((STEPS - 1))
        if [ "$(checksum $((STEPS - 1)))" = "$want" ] && [ "$(tail -n 1 "$out")" = VERIFIED ]; then ok
        else bad "$program np=$np --load (1 step) --steps $((STEPS - 1)): not the $STEPS-step field: $(why)"; fi
    done
else
    bad "omp_heat --save after 1 step: $(why)"
fi
# A field numpy wrote: the same checksum from threads and from 4 ranks; -n is the file's.
if python=$(plb_python numpy) && [ -n "$python" ] &&
    "$python" -c 'import numpy, sys; numpy.random.seed(7); numpy.save(sys.argv[1], numpy.random.rand(23, 31))' "$tmp/rand.npy"; then
    heat 1 omp_heat --load "$tmp/rand.npy" --steps 9 -V parallel
    want=$(checksum 9)
    if grep -q '^# n           : 609 points: 21 x 29 interior$' "$out" && [ -n "$want" ]; then ok
    else bad "omp_heat --load of numpy's 23 x 31 field: wanted a 21 x 29 grid and a checksum: $(why)"; fi
    heat 4 mpi_heat --load "$tmp/rand.npy" --steps 9
    if [ -n "$want" ] && [ "$(checksum 9)" = "$want" ]; then ok
    else bad "mpi_heat np=4 --load numpy's field: checksum $(checksum 9), omp_heat's $want: $(why)"; fi
fi
# Files that are not a field, and a check that starts from its own field: refused.
printf 'not numpy' >"$tmp/junk.npy"
head -c 200 "$tmp/one.npy" >"$tmp/cut.npy"
for bad_load in "junk.npy:bad magic|not a .npy" "cut.npy:truncated" "missing.npy:No such file"; do
    file=${bad_load%%:*}
    heat 2 mpi_heat --load "$tmp/$file"
    status=$?
    if [ "$status" -eq 2 ] && [ "$(grep -c '^mpi_heat: ' "$err")" -eq 1 ] && grep -Eq "${bad_load#*:}" "$err"
    then ok; else bad "mpi_heat --load $file: wanted exit 2 and one line, got $status: $(why)"; fi
done
heat 1 omp_heat --load "$tmp/one.npy" --check exact
if [ $? -eq 2 ] && grep -q 'starts from its own' "$err"; then ok
else bad "omp_heat --load with --check exact: wanted a refusal: $(why)"; fi
heat 2 mpi_heat --load "$tmp/one.npy" --weak
if [ $? -eq 2 ] && [ "$(grep -c '^mpi_heat: ' "$err")" -eq 1 ] && grep -q 'has its own' "$err"; then ok
else bad "mpi_heat --load with --weak: wanted a refusal: $(why)"; fi

# ---- 5. --png: a PNG of the documented size ------------------------------------------------------
echo "=== --png"
# png_size FILE: "WIDTH HEIGHT" from the IHDR chunk, when FILE starts with the PNG signature.
png_size() {
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || return 1
    [ "$(head -c 16 "$1" | tail -c 4)" = IHDR ] || return 1
    od -An -tu1 -j16 -N8 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4,
                                             $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }'
}
# Each run: ranks, program, grid, accepted "WIDTH HEIGHT" sizes, more arguments.
for run in "1 omp_heat 300x400 400_300" "3 mpi_heat 300x400 400_300 --show-ranks" \
    "1 omp_heat 3000x1000 333_1000,334_1000" "2 mpi_heat 3000x1000 333_1000,334_1000"; do
    read -r np program grid sizes more <<<"$run"
    file=$tmp/$program-$np-$grid.png
    heat "$np" "$program" -n "$grid" --steps 3 -V "$([ "$program" = omp_heat ] && echo parallel || echo chain)" \
        --png "$file" ${more:+"$more"}
    status=$?
    size=$( [ -f "$file" ] && png_size "$file" | tr ' ' _)
    if [ "$status" -eq 0 ] && [ -n "$size" ] && [[ ,$sizes, == *,$size,* ]]; then ok
    else bad "$program np=$np -n $grid --png $more: wanted a PNG of ${sizes//_/ x } (w x h), got exit $status, '${size//_/ x }': $(why)"; fi
done
# Without --show-ranks, the picture is the field's: the same from threads and from ranks.
if cmp -s "$tmp/omp_heat-1-3000x1000.png" "$tmp/mpi_heat-2-3000x1000.png"; then ok
else bad "omp_heat and mpi_heat (2 ranks) drew different PNGs of the same -n 3000x1000 run"; fi

# ---- 6. the table output: the header lines, the rows, the verdict ------------------------------
echo "=== table output"
# table NP PROGRAM THREADS VARIANTS ARGS...: the last run's output is the documented table: for
# people (variant, ranks, threads, n, median, speedup, rate, unit, verified), or with -v among
# ARGS the whole one (the CSV's columns, and the ranks and threads in the header).
table() {
    local np=$1 program=$2 threads=$3 variants=$4 status v line wrong='' verbose=''
    shift 4
    [[ " $* " == *" -v "* ]] && verbose=1
    heat "$np" "$program" -t "$threads" -V "$variants" "$@"
    status=$?
    local -a want=(
        "^# program     : $program\$"
        "^# grid        : 37 x 41 interior points, a fixed boundary ring around them\$"
        "^# steps       : 7 per run, r = 0.125\$"
        "^# check       : mode: "
        "^# checksum    : [0-9a-f]{16} after 7 steps\$"
    )
    if [ -n "$verbose" ]; then
        want+=("^# ranks       : $np\$" "^# threads     : $threads\$"
            "^program +variant +n +ranks +threads +repeats +batch +min_s +median_s +mean_s +max_s +sd_s +rate +rate_unit +verified\$")
    else
        want+=("^variant +ranks +threads +n +median +speedup +rate +unit +verified\$")
    fi
    [ "$program" = mpi_heat ] && want+=("^# ranks grid  : [0-9]+ x [0-9]+ \\(--dims auto\\), non-periodic\$")
    for line in "${want[@]}"; do
        [ "$(grep -Ec "$line" "$out")" -eq 1 ] || wrong+=" no single line '$line';"
    done
    # a row per variant, verified; seq runs on one thread of one rank
    local ranks_col threads_col
    for v in ${variants//,/ }; do
        if [ "$v" = seq ]; then ranks_col=1 threads_col=1; else ranks_col=$np threads_col=$threads; fi
        if [ -n "$verbose" ]; then
            line="^$program +$v +1517 +$ranks_col +$threads_col +1 +[0-9]+ .* yes\$"
        else # the median in its unit; the speedup over seq, - for seq itself
            line="^$v +$ranks_col +$threads_col +1517 +[0-9.]+ [nmu]?s +(-|[0-9.]+x|disturbed) +[0-9.e+]+ +MLUP/s +yes\$"
        fi
        grep -Eq "$line" "$out" || wrong+=" no verified $v row on $ranks_col ranks x $threads_col threads;"
    done
    if [ -z "$verbose" ] && [ "$(grep -Ec '^seq +1 +1 +1517 +[0-9.]+ [nmu]?s +(-|disturbed) ' "$out")" -ne 1 ]; then
        wrong+=" seq's speedup is not '-' (or 'disturbed');"
    fi
    # every line is a header line, the column line, a row of this program, or the final verdict
    line=$(grep -Ev "^(# [a-z /]{11} : |program +variant |variant +ranks |$program +[a-z.]+ +1517 |[a-z.]+ +[0-9]+ +[0-9]+ +1517 |VERIFIED\$)" "$out" | head -n 1)
    [ -z "$line" ] || wrong+=" stray line '$line';"
    [ "$(tail -n 1 "$out")" = VERIFIED ] || wrong+=" last line '$(tail -n 1 "$out")', not VERIFIED;"
    [ ! -s "$err" ] || wrong+=" stderr: $(head -c 200 "$err");"
    if [ "$status" -eq 0 ] && [ -z "$wrong" ]; then ok
    else bad "$program np=$np -t $threads -V $variants $*: exit $status;$wrong"; fi
}
table 1 omp_heat 2 seq,parallel -n "$GRID" --steps 7 --r 0.125 --check mode
table 1 omp_heat 2 seq,parallel -n "$GRID" --steps 7 --r 0.125 --check mode -v
table 3 mpi_heat 1 seq,gather,chain,sendrecv,overlap,neighbor -n "$GRID" --steps 7 --r 0.125 --check mode
table 3 mpi_heat 1 seq,gather,chain,sendrecv,overlap,neighbor -n "$GRID" --steps 7 --r 0.125 --check mode -v

check_end heat

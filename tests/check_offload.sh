#!/usr/bin/env bash
# check_offload.sh: the GPU lesson's target variants in the build at hand. Where OpenMP sees a
# device they must run there, elsewhere on the host and say so; either way verified, bit for bit
# with seq; OMP_TARGET_OFFLOAD=MANDATORY without a device is refused with one line and exit 2.
# Run by make test (default build: host fallback) and by CI after `make OFFLOAD=nvptx` (the nvptx
# build on a machine without a GPU: host fallback) and `make OFFLOAD=cpu` (LLVM's CPU device: a
# device with memory of its own, where a missing map shows). Ends with "offload: N passed, N
# failed".
#
#   usage: tests/check_offload.sh [EXPECTED-TARGET]   (nvptx-none, x86_64-pc-linux-gnu, or none:
#                                                      the default)
set -u
cd "$(dirname "$0")/.." || exit 1

expected=${1:-none}
passed=0
failed=0
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

ok() { passed=$((passed + 1)); }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }

# target_run PROGRAM ARGS...: the target variant runs verified, where the header says it should.
target_run() {
    local program=$1 devices where
    shift
    unset OMP_TARGET_OFFLOAD
    timeout 300 "bin/$program" -r 2 -w 0 "$@" >"$out" 2>"$err"
    local status=$?
    devices=$(sed -n 's/^# device      : \([0-9]*\) offload device.*/\1/p' "$out")
    where="the host (no device: host fallback)"
    [ "${devices:-0}" -gt 0 ] && where="the device"
    if [ "$status" -ne 0 ] || [ "$(tail -n 1 "$out")" != VERIFIED ]; then
        bad "$program $*: exit $status, $(tail -n 1 "$out") $(head -c 300 "$err")"
    elif ! grep -q "^# device      : .*this build offloads to $expected\$" "$out"; then
        bad "$program $*: the # device line does not name '$expected': $(grep '^# device' "$out")"
    elif ! grep -q "^# target      : ran on $where;" "$out"; then
        bad "$program $*: wanted 'ran on $where': $(grep '^# target' "$out" | head -n 1)"
    else
        ok
    fi
}

echo "=== target variants, verified where they ran (this build offloads to $expected)"
target_run omp_heat -n 300x400 --steps 20 -V seq,parallel,target
target_run omp_heat -n 37x41 --steps 20 -V target --check exact
target_run omp_heat -n 64x48 --steps 30 -V target --check mode
target_run omp_map_square -n 1M -V seq,target

echo "=== OMP_TARGET_OFFLOAD=MANDATORY with no device: refused"
for program in omp_heat omp_map_square; do
    OMP_TARGET_OFFLOAD=MANDATORY timeout 60 "bin/$program" -V target >"$out" 2>"$err"
    status=$?
    devices=$(OMP_TARGET_OFFLOAD=DEFAULT "bin/$program" -V target -n 64 -r 1 -w 0 |
              sed -n 's/^# device      : \([0-9]*\) offload device.*/\1/p')
    if [ "${devices:-0}" -gt 0 ]; then
        echo "    ($program: OpenMP sees a device here: the refusal is not tested)"
    elif [ "$status" -eq 2 ] && [ ! -s "$out" ] && [ "$(wc -l <"$err")" -eq 1 ] &&
        grep -q "^$program: OMP_TARGET_OFFLOAD=MANDATORY, but OpenMP sees no device" "$err"; then
        ok
    else
        bad "$program -V target under MANDATORY: wanted exit 2 and one line, got $status: $(cat "$err")"
    fi
    # Without the target variant nothing needs a device: MANDATORY changes nothing.
    if OMP_TARGET_OFFLOAD=MANDATORY timeout 60 "bin/$program" -V seq -n 1000 -r 1 -w 0 >"$out" 2>&1 &&
        [ "$(tail -n 1 "$out")" = VERIFIED ]; then ok
    else bad "$program -V seq under MANDATORY: $(tail -n 2 "$out")"; fi
done

echo "offload: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

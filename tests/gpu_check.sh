#!/usr/bin/env bash
# gpu_check.sh: the GPU lesson proven on a machine with an NVIDIA GPU, in one run of a few minutes.
#
# Builds omp_heat and omp_map_square with `make OFFLOAD=nvptx`, or takes programs built that way
# elsewhere (--bin DIR) with the libgomp and nvptx plugin of the GCC that built them (--lib DIR:
# a GPU node often has neither GCC's offload compiler nor its runtime). Then, with
# OMP_TARGET_OFFLOAD=MANDATORY (no quiet host fallback):
#   1. omp_heat -V parallel,target at 16384 x 16384, 100 steps: the field on the device, checked
#      bit for bit against the sequential reference; and --check exact, every point;
#   2. omp_heat -V target with r = 0.2 (not a power of two: does the device round as the CPU?);
#   3. omp_map_square -V static,target at 512M elements: the data shipped every call;
#   4. the same heat step in CuPy slicing (scripts/bench/python/heat.py), where Python has CuPy,
#      equal bit for bit to omp_heat's field;
#   5. omp_heat -V parallel at 1, 2, 4, ... all cores, and mpi_heat -V sendrecv at as many ranks
#      (where an mpirun is at hand): the CPU's scaling beside the GPU.
# Prints a Tested-with row and the figures; every program's output goes to --out DIR.
#
#   usage: tests/gpu_check.sh [--bin DIR] [--lib DIR] [--out DIR] [--quick]
set -u
cd "$(dirname "$0")/.." || exit 1

bin='' lib='' out=results/gpu quick=''
while [ $# -gt 0 ]; do
    case $1 in
        --bin) bin=$2; shift 2 ;;
        --lib) lib=$(cd "$2" && pwd) || exit 2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --quick) quick=1; shift ;;
        *) echo "gpu_check.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"
[ -n "$lib" ] && export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OMP_PROC_BIND=${OMP_PROC_BIND:-spread} OMP_PLACES=${OMP_PLACES:-cores}

if ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "gpu_check.sh: no nvidia-smi: this check needs a machine with an NVIDIA GPU" >&2
    exit 2
fi
# Without --bin, build here (with --bin, even --bin bin, the programs are taken as they are).
if [ -z "$bin" ]; then
    bin=bin
    make --no-print-directory OFFLOAD=nvptx bin/omp_heat bin/omp_map_square bin/mpi_heat || exit 1
fi

gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -n 1)
cores=$(nproc)
heat_n=16384 map_n=512M steps=100
[ -n "$quick" ] && heat_n=2048 map_n=16M steps=20
passed=0
failed=0

# run NAME COMMAND...: runs one program into $out/NAME.txt; passed when it says VERIFIED.
run() {
    local name=$1
    shift
    timeout 300 "$@" >"$out/$name.txt" 2>&1
    if [ "$(tail -n 1 "$out/$name.txt")" = VERIFIED ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAILED: $name: $(tail -n 3 "$out/$name.txt")"
    fi
}

# rate FILE VARIANT: the rate in a variant's row of a program's table for people, its 8th word
# (variant, ranks, threads, n, the median and its unit, speedup, rate).
rate() { awk -v v="$2" '$1 == v { print $8 }' "$1"; }
# note FILE PREFIX: the lines of a note, prefix removed.
note() { sed -n "s/^# $2 *: //p" "$1"; }

export OMP_TARGET_OFFLOAD=MANDATORY
# First a small run: when the device cannot be reached, say why at once (libgomp's debug output,
# the libraries the program found) rather than after every size has failed.
if ! "$bin/omp_heat" -n 64 --steps 2 -V target -r 1 -w 0 >"$out/smoke.txt" 2>&1; then
    cat "$out/smoke.txt"
    GOMP_DEBUG=1 "$bin/omp_heat" -n 64 --steps 2 -V target -r 1 -w 0 2>&1 | tail -n 20
    ldd "$bin/omp_heat"
    echo "gpu: 0 passed, 1 failed"
    exit 1
fi
run heat_seq "$bin/omp_heat" -n "$heat_n" --steps "$steps" -V parallel,target -r 3
run heat_exact "$bin/omp_heat" -n "$heat_n" --steps "$steps" -V target -r 3 --check exact
# Not counted: with r not a power of two, the device may round unlike the CPU (see heat.h).
timeout 300 "$bin/omp_heat" -n 4096 --steps "$steps" --r 0.2 -V target -r 2 >"$out/heat_r02.txt" 2>&1
run map_square "$bin/omp_map_square" -n "$map_n" -V static,target -r 3
unset OMP_TARGET_OFFLOAD

# The CuPy step from a field omp_heat saved, against the field it saved 100 steps later.
cupy_line="CuPy: not run (python3 without cupy)"
if python3 -c 'import cupy' 2>/dev/null; then
    if "$bin/omp_heat" -n "$heat_n" --steps 1 -V parallel -r 1 -w 0 --save "$out/start.npy" \
        >/dev/null && "$bin/omp_heat" -n "$heat_n" --steps $((steps + 1)) -V parallel -r 1 -w 0 \
            --save "$out/end.npy" >/dev/null &&
        python3 scripts/bench/python/heat.py cupy "$out/start.npy" "$out/end.npy" "$steps" 0.25 3 \
            >"$out/cupy.txt" 2>&1; then
        passed=$((passed + 1))
        cupy_line="CuPy slicing: $(cut -d, -f5 "$out/cupy.txt") MLUP/s, equal bit for bit"
    else
        failed=$((failed + 1))
        cupy_line="CuPy: FAILED: $(tail -n 1 "$out/cupy.txt")"
    fi
    rm -f "$out/start.npy" "$out/end.npy"
fi

# The CPU beside it: threads, and ranks where an mpirun runs ours (started by
# scripts/run/mpilaunch, which speaks every MPI's dialect).
threads_line="omp_heat parallel MLUP/s by threads:"
for t in 1 2 4 8 16 32 64; do
    [ "$t" -le "$cores" ] || break
    "$bin/omp_heat" -n 8192 --steps 20 -V parallel -t "$t" -r 3 >"$out/threads_$t.txt" 2>&1
    threads_line="$threads_line $t: $(rate "$out/threads_$t.txt" parallel)"
done
ranks_line="mpi_heat sendrecv: no mpirun ran it"
if command -v mpirun >/dev/null 2>&1 && [ -x "$bin/mpi_heat" ]; then
    ranks_line="mpi_heat sendrecv MLUP/s by ranks:"
    for np in 1 2 4 8 16 32 64; do
        [ "$np" -le "$cores" ] || break
        scripts/run/mpilaunch --timeout 120 "$np" "$bin/mpi_heat" -n 8192 --steps 20 \
            -V sendrecv -r 3 >"$out/ranks_$np.txt" 2>&1
        ranks_line="$ranks_line $np: $(rate "$out/ranks_$np.txt" sendrecv)"
    done
fi

heat=$out/heat_seq.txt
echo
echo "=== GPU lesson on: $gpu; $cores CPU cores; $(gcc --version 2>/dev/null | head -n 1)"
echo "Tested with | $gpu | $(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -n 1) |" \
     "OMP_TARGET_OFFLOAD=MANDATORY | $passed passed, $failed failed |"
echo "omp_heat ${heat_n}^2, $steps steps: target $(rate "$heat" target) MLUP/s," \
     "parallel on $cores cores $(rate "$heat" parallel) MLUP/s"
awk -v g="$(rate "$heat" target)" -v c="$(rate "$heat" parallel)" \
    'BEGIN { if (c > 0) printf "  target is %.3gx parallel on all CPU cores\n", g / c }'
note "$heat" "first launch" | sed 's/^/  first launch: /'
note "$heat" "target" | sed 's/^/  /'
note "$out/heat_exact.txt" "target" | head -n 1 | sed 's/^/  exact check: /'
echo "  r = 0.2 on the device: $(tail -n 1 "$out/heat_r02.txt")"
echo "omp_map_square $map_n: target $(rate "$out/map_square.txt" target) GB/s," \
     "static on $cores cores $(rate "$out/map_square.txt" static) GB/s"
note "$out/map_square.txt" "target" | sed 's/^/  /'
echo "$cupy_line"
echo "$threads_line"
echo "$ranks_line"
echo "gpu: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

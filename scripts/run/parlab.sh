# parlab.sh: sourced by parlab's scripts, never run. The one place that knows how a lesson
# program is launched and what its CSV columns are called.
#
#   plb_launch [--timeout S] RANKS PROGRAM [ARGS...]
#       runs bin/PROGRAM (or PROGRAM when it holds a /): an OpenMP program (omp_*) as one process,
#       anything else through scripts/run/mpilaunch on RANKS ranks. --timeout S ends either after
#       S seconds (exit 124), as mpilaunch does.
#   plb_csv [-v NAME=VALUE]... 'AWK PROGRAM' [FILE...]
#   plb_csv [-v NAME=VALUE]... -f AWK_FILE [FILE...]
#       awk over parlab CSV (the output of --csv, the files of make bench). Comment lines (#) and
#       header lines are skipped; a header line names the columns of the rows after it (it is
#       kept in plb_header), and col("median_s") is the field of that name in the current row (a
#       missing column stops awk with exit 2). Rows with another field count than their header (a stray line from an MPI
#       library) are skipped. plb_median(values, count) is the median of values[1..count].
#   plb_bind_threads
#       exports OMP_PROC_BIND=spread and OMP_PLACES=cores unless they are set: for measuring. An
#       unbound thread may move to another core (another socket) after it first touched its block,
#       and its pages stay behind; SMT siblings would share one core's bandwidth.
#   plb_progress DONE TOTAL START
#       "[DONE/TOTAL, 95 s, about 3 min left]": DONE of TOTAL steps finished since START (seconds
#       since the epoch), and the time left at the pace so far (a guess: later steps may be
#       bigger), for a long run's log lines.
#   plb_python [MODULE...]
#       prints the Python interpreter that has MODULEs (PYTHON, else python3, else Debian's
#       /usr/bin/python3, which another python3 on PATH may hide), else the first one found, with
#       status 1; status 2 and nothing printed when there is no python3 at all.
#   plb_tsan DIR
#       prints "CLANG ARCHER" where this machine builds OpenMP programs under ThreadSanitizer with
#       LLVM's Archer (clang, libomp-dev, and clang's sanitizer runtime, which Debian 13 keeps in
#       libclang-rt-19-dev): a small program built and run in DIR proves it. Status 1 and nothing printed
#       otherwise.
# shellcheck shell=bash

plb_launch() {
    local timeout_s=
    if [ "${1:-}" = --timeout ]; then
        timeout_s=$2
        shift 2
    fi
    local ranks=$1 program=$2
    shift 2
    [[ $program == */* ]] || program=bin/$program
    case ${program##*/} in
        omp_*)
            if [ -n "$timeout_s" ]; then timeout --kill-after=5 "$timeout_s" "$program" "$@"
            else "$program" "$@"; fi ;;
        *) scripts/run/mpilaunch ${timeout_s:+--timeout "$timeout_s"} "$ranks" "$program" "$@" ;;
    esac
}

# shellcheck disable=SC2016 # awk, not shell
PLB_CSV_PRELUDE='
function col(name) {
    if (!(name in plb_column)) { print "parlab CSV: no column \"" name "\"" > "/dev/stderr"; exit 2 }
    return $(plb_column[name])
}
function plb_median(values, count,    i, j, t, v) {
    if (count < 1) return ""
    for (i = 1; i <= count; i++) v[i] = values[i]
    for (i = 2; i <= count; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
}
/^#/ { next }
$1 == "program" { plb_header = $0; split("", plb_column); for (i = 1; i <= NF; i++) plb_column[$i] = i; plb_nf = NF; next }
NF != plb_nf { next }
'

plb_csv() {
    local -a vars=()
    while [ "${1:-}" = -v ]; do
        vars+=(-v "$2")
        shift 2
    done
    local program=$1
    shift
    if [ "$program" = -f ]; then
        program=$(cat "$1")
        shift
    fi
    awk -F, "${vars[@]}" "$PLB_CSV_PRELUDE$program" "$@"
}

plb_progress() {
    local done=$1 total=$2 elapsed=$(($(date +%s) - $3)) left
    if [ "$done" -eq 0 ]; then
        left="time left not known yet"
    else
        left=$(((total - done) * elapsed / done))
        if [ "$left" -ge 120 ]; then
            left="about $(((left + 30) / 60)) min left"
        else
            left="about $left s left"
        fi
    fi
    printf '[%d/%d, %d s, %s]' "$done" "$total" "$elapsed" "$left"
}

# plb_provenance FILE...: the header lines that say where and how a result was measured (the
# machine, the build, the binding), from a program's output, for a benchmark's own header.
plb_provenance() {
    local names='host|processor|topology|caches|numa|ram|kernel|isolation|load|job|compiler|mpi|date'
    grep -hE "^# ($names|simd|pages|binding) +:" "$@"
}

plb_python() {
    local candidate first=
    for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        [ -z "$first" ] && first=$candidate
        if [ $# -eq 0 ] || "$candidate" -c "import $(IFS=,; echo "$*")" 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    [ -n "$first" ] || return 2
    echo "$first"
    return 1
}

plb_bind_threads() {
    export OMP_PROC_BIND=${OMP_PROC_BIND:-spread} OMP_PLACES=${OMP_PLACES:-cores}
}

plb_tsan() {
    local archer clang
    archer=$(find /usr/lib/llvm-*/lib -name libarcher.so 2>/dev/null | sort -V | tail -n 1)
    clang=${archer%/lib/libarcher.so}/bin/clang
    [ -n "$archer" ] && [ -x "$clang" ] || return 1
    printf 'int main(void) { return 0; }\n' >"$1/tsan_probe.c"
    # built and run: LLVM 14 to 17's runtime stops at start on kernels with 32 bits of mmap
    # randomness ("unexpected memory mapping")
    "$clang" -fsanitize=thread -fopenmp "$1/tsan_probe.c" -o "$1/tsan_probe" >/dev/null 2>&1 &&
        "$1/tsan_probe" >/dev/null 2>&1 || return 1
    echo "$clang $archer"
}

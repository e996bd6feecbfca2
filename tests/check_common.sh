# shellcheck shell=bash
# check_common.sh: what the check scripts share, sourced by them: the tally (ok, bad), a scratch
# folder removed at exit with $out and $err for a run's output, the processes whose command line
# matches (processes), whether they have set their stop handler (catching), independent checks
# run at once (all_at_once), and the closing line (check_end).
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2034 # used by the scripts that source this
out=$tmp/out err=$tmp/err
ok() { passed=$((passed + 1)); }
# Whether the MPI launcher is Hydra's (MPICH, Intel MPI). MPICH 4.0 has no setting that makes its
# waiting ranks yield: ranks beyond the cores spin against each other and crawl.
hydra() { "${MPIRUN:-mpirun}" --version 2>&1 | grep -qi hydra; }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }
# processes PATTERN: the pids of the processes whose command line (its words joined by blanks)
# matches the extended regular expression PATTERN, from /proc: procps may not be installed, and a
# launcher may put its processes in sessions and groups of their own.
processes() {
    local p cmd
    for p in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
        [[ $cmd =~ $1 ]] && echo "${p#/proc/}"
    done
}
# catching N PATTERN: true once N processes matching PATTERN catch SIGUSR1 (bit 10 of SigCgt in
# /proc), that is, once their stop handler is set; 60 s at most. A signal sent sooner kills a run
# that starts slowly (a sanitized build, a loaded machine).
catching() {
    local i pid n mask
    for ((i = 0; i < 600; i++)); do
        n=0
        for pid in $(processes "$2"); do
            mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
            [ -n "$mask" ] && (((0x$mask >> 9) & 1)) && n=$((n + 1))
        done
        [ "$n" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
# all_at_once CHECK "ARGS" ...: the function CHECK run with each ARGS (its words, split at blanks),
# all at once, each with an $out, $err and tally of its own; what they said is shown, and their
# tallies added, in the order given. For checks that do not depend on each other and mostly wait
# (for MPI to start): in turn, the contract's refusals were a third of check_programs' time.
all_at_once() {
    local check=$1 dir i=0 k p f args
    local -a words pids=()
    shift
    dir=$(mktemp -d -p "$tmp")
    for args in "$@"; do
        i=$((i + 1))
        read -r -a words <<<"$args"
        at_once_one "$dir/$i" "$check" "${words[@]}" >"$dir/$i.said" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}"
    for ((k = 1; k <= i; k++)); do
        cat "$dir/$k.said"
        read -r p f <"$dir/$k.count" 2>/dev/null || { bad "$check ${!k}: it left no tally"; continue; }
        passed=$((passed + p)) failed=$((failed + f))
    done
    rm -rf "$dir"
}
# at_once_one PREFIX CHECK ARGS...: CHECK ARGS with PREFIX.out, PREFIX.err and a tally of its own,
# the tally left in PREFIX.count.
at_once_one() {
    # shellcheck disable=SC2034 # the check's $out and $err
    local out=$1.out err=$1.err passed=0 failed=0 prefix=$1
    shift
    "$@"
    echo "$passed $failed" >"$prefix.count"
}
# check_end NAME: prints "NAME: N passed, N failed"; its status is whether none failed.
check_end() {
    echo
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

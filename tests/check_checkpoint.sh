#!/usr/bin/env bash
# check_checkpoint.sh: mpi_heat's checkpoints survive what kills real jobs. Ends with
# "checkpoint: N passed, N failed".
#
#   1. killed and restarted: a run on 4 ranks is killed with SIGKILL (every process of it, as a
#      failed node or a scheduler does) at a random moment, restarted on 3 ranks (other --dims,
#      another variant, threads) and killed again, then finished on 2: the final checksum is the
#      uninterrupted run's, every time. On a field whose checkpoints take most of the run, the
#      kills land inside writes (counted: at least one must); one trial kills a single rank;
#   1b. SIGUSR1 or SIGTERM (a scheduler's warning) stops a run with a checkpoint of the step it
#      reached and exit 4, and a restart on 3 ranks goes on to the uninterrupted field; SIGTERM
#      followed by SIGUSR1 (what a job script passes on) still says SIGTERM;
#   2. a run killed between the two renames of a checkpoint (the field new, its record old)
#      restarts from the new one and finishes the commit;
#   2b. omp_heat writes the same files: a checkpoint of either program restarts in the other, and
#      the final checkpoints are byte-identical; SIGUSR1 stops omp_heat too, with exit 4;
#   2c. (root) a full disk: on a file system with room for one checkpoint, the next write fails
#      with one FAILED line naming the file and exit 1, and the checkpoint before it is intact:
#      it restarts to the uninterrupted field;
#   3. refused, exit 2 and one line, before any step: a damaged field (one byte changed), a
#      truncated one, another grid, another r, a step past --steps, a missing checkpoint, and
#      production options that do not make sense (two variants, seq, --every alone), a checkpoint
#      folder that is not there.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/run/parlab.sh disable=SC1091 # followed with shellcheck -x
. scripts/run/parlab.sh

# shellcheck source=tests/check_common.sh disable=SC1091 # followed with shellcheck -x
. tests/check_common.sh
# Two kill chains a field (on the writes' field, 38 of 39 kill pairs here landed inside a write);
# one under the sanitizers, which make every run several times slower, and under Hydra (hydra:
# tests/check_common.sh).
TRIALS=${PLB_CHECKPOINT_TRIALS:-$({ [ -n "${PLB_SANITIZE:-}" ] || hydra; } && echo 1 || echo 2)}

# The runs killed here kill mpilaunch too, before it removes the directory it gives Open MPI 5's
# mpirun: they are made in this script's own, removed at its end.
export TMPDIR=$tmp

# Hydra on fewer cores than 4 ranks: MPICH 4.0's ranks cannot yield, and a 4-rank run of 400x300
# for 2000 steps did not end in 100 s on 2 cores: these runs cannot be killed and timed here.
cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
if hydra && [ "$cores" -lt 4 ]; then
    echo "    (MPICH's Hydra on $cores cores: 4 ranks that cannot yield crawl; not checked here)"
    check_end checkpoint
    exit
fi

if [ ! -x bin/mpi_heat ]; then
    bad "bin/mpi_heat is missing: run 'make all' first"
    echo "checkpoint: $passed passed, $failed failed"
    exit 1
fi

# heat NP ARGS...: mpi_heat on NP ranks to the end, output in $out and $err; its exit status.
heat() {
    local np=$1
    shift
    plb_launch --timeout 300 "$np" mpi_heat "$@" >"$out" 2>"$err"
}

# checksum: the last run's final checksum (16 hex digits), when it verified.
checksum() {
    [ "$(tail -n 1 "$out")" = VERIFIED ] && sed -n 's/^# checksum    : \([0-9a-f]\{16\}\) after .*/\1/p' "$out"
}

# procs FILE: the pids of the processes of the run whose checkpoint is FILE: its ranks, the
# launcher, mpirun and timeout; ranks FILE: its ranks alone.
procs() { processes " $1 "; }
ranks() { processes "^bin/mpi_heat .* $1 "; }

# up FILE NP: waits (30 s at most) until the NP ranks of FILE's run are there.
up() {
    for _ in $(seq 300); do
        [ "$(ranks "$1" | wc -l)" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# launched NP ARGS...: mpi_heat on NP ranks in the background, in a session of its own; $pid.
launched() {
    setsid bash -c '. scripts/run/parlab.sh; plb_launch --timeout 300 "$@"' _ "$1" mpi_heat "${@:2}" \
        >"$out" 2>"$err" &
    pid=$!
}

# committed FILE: the step of FILE's last committed checkpoint (0 when there is none).
committed() { sed -n 's/.*"step": \([0-9]*\),.*/\1/p' "$1.meta" 2>/dev/null | grep . || echo 0; }

# killed STEP FILE NP ARGS...: mpi_heat on NP ranks, checkpointing to FILE, every process of it
# killed with SIGKILL once its checkpoint has reached STEP (by progress, not by the clock: a
# sanitized build is many times slower, and a loaded machine can take 8 s to the first
# checkpoint), 60 s at most or until the run ends, and a random moment of the next tenth of a
# second later (with IN_WRITE=1, as soon as the next checkpoint write is under way; with
# ONE_RANK=1, one rank first); returns when none is left.
killed() {
    local target=$1 file=$2 rank
    shift 2
    launched "$@" --checkpoint "$file"
    up "$file" "$1"
    for _ in $(seq 1200); do
        [ "$(committed "$file")" -ge "$target" ] && break
        kill -0 "$pid" 2>/dev/null || break # it ended (or failed) first
        sleep 0.05
    done
    if [ "${IN_WRITE:-0}" = 1 ]; then # at once when the next write is under way (2 s at most)
        for _ in $(seq 1000); do [ -f "$file.tmp" ] && break; sleep 0.002; done
    else
        sleep "0.0$((RANDOM % 10))"
    fi
    if [ "${ONE_RANK:-0}" = 1 ]; then
        rank=$(ranks "$file" | tail -n 1)
        [ -n "$rank" ] && kill -KILL "$rank" 2>/dev/null
        sleep 1
    fi
    for _ in $(seq 100); do
        # shellcheck disable=SC2046 # a list of pids
        kill -KILL -- "-$pid" $(procs "$file") 2>/dev/null || break
        sleep 0.1
    done
    wait "$pid" 2>/dev/null
    return 0
}

# from CHECKPOINT: --restart CHECKPOINT once a checkpoint is there (what a job script does).
from() { [ -f "$1.meta" ] || [ -f "$1.meta.tmp" ] && echo "--restart $1"; }

# ---- 1. killed, restarted at other rank counts: the uninterrupted field --------------------------
echo "=== killed at random moments, restarted on 3 ranks, then 2"
trial() { # NAME GRID STEPS EVERY: TRIALS kill-and-restart chains against one uninterrupted run
    local name=$1 grid=$2 steps=$3 each=$4 want got t file first second hits=0 tmp_seen at start
    local interrupted=0 in_write=0
    # The writes' field: each kill waits for a write under way (the kills at random moments missed
    # them all once: the writes' 96% of the run is mostly the folder's fsync, after the renames).
    [ "$name" = writes ] && in_write=1
    heat 4 -n "$grid" --steps "$steps" -V sendrecv -r 1 -w 0
    want=$(checksum)
    [ -n "$want" ] || { bad "$name: the uninterrupted run: $(tail -n 2 "$err")"; return; }
    for ((t = 1; t <= TRIALS; t++)); do
        file=$tmp/$name-$t.npy
        # the kills: once 10% to 35% of the steps are committed, then 10% to 35% more
        first=$((steps * (10 + RANDOM % 26) / 100))
        second=$((first + steps * (10 + RANDOM % 26) / 100))
        # shellcheck disable=SC2046 # from's words are options
        ONE_RANK=$([ "$t" = "$TRIALS" ] && echo 1 || echo 0) IN_WRITE=$in_write killed "$first" "$file" 4 -n "$grid" \
            --steps "$steps" -V sendrecv --every "$each" $(from "$file")
        tmp_seen=$([ -f "$file.tmp" ] && echo 1 || echo 0)
        # shellcheck disable=SC2046
        IN_WRITE=$in_write killed "$second" "$file" 3 -n "$grid" --steps "$steps" -V overlap --dims 1d -t 2 \
            --every "$each" $(from "$file")
        [ -f "$file.tmp" ] && tmp_seen=1
        hits=$((hits + tmp_seen))
        at=$(sed -n 's/.*"step": \([0-9]*\),.*/\1/p' "$file.meta" 2>/dev/null)
        [ "${at:-0}" -gt 0 ] && [ "$at" -lt "$steps" ] && interrupted=$((interrupted + 1))
        # shellcheck disable=SC2046
        heat 2 -n "$grid" --steps "$steps" -V neighbor --checkpoint "$file" --every "$steps" $(from "$file")
        got=$(checksum)
        # it went on from the last committed step (or the pending one: killed between the
        # renames), and ended where the uninterrupted run did
        start=$(sed -n "s/^# production  : one run of neighbor, steps \([0-9]*\) to $steps.*/\1/p" "$out")
        if [ "$got" = "$want" ] && [ -n "$start" ] && [ "$start" -ge "${at:-0}" ]; then ok
        else bad "$name trial $t (kills past steps $first and $second): committed step ${at:-0}, went on from '$start', final checksum '${got}', uninterrupted $want: $(tail -n 2 "$err" | tr '\n' ' ')"; fi
    done
    echo "    $name: $interrupted of $TRIALS runs were still short of step $steps after two kills;" \
        "$hits of $TRIALS kill pairs left a half-written checkpoint behind"
    if [ "$interrupted" -ge 1 ]; then ok; else bad "$name: no run was caught between two checkpoints: nothing tested"; fi
    if [ "$name" = writes ]; then
        if [ "$hits" -ge 1 ]; then ok; else bad "$name: no kill landed inside a checkpoint write"; fi
    fi
}
# Kills mostly during steps; under the sanitizers a quarter of the steps, as many checkpoints.
# (200x150: a run of 20000 steps on 4 ranks takes 4 s here, 400x300 took 9.6 s for the same kills.)
if [ -n "${PLB_SANITIZE:-}" ]; then trial steps 200x150 5000 125; else trial steps 200x150 20000 500; fi
# An 8 MB checkpoint every step: kills mostly during writes. Not under the sanitizers (400 writes
# of 8 MB, each several times slower): what a torn write leaves is read by the refusals below.
[ -z "${PLB_SANITIZE:-}" ] && trial writes 1000x1000 400 1

# ---- 1b. the scheduler's signal: a checkpoint at the step under way, exit 4 ---------------------
echo "=== SIGUSR1 and SIGTERM: stopped with a checkpoint, continued on 3 ranks"
for signal in USR1 TERM USR1-one; do
    file=$tmp/signal-$signal.npy
    launched 4 -n 200x100 --steps 10000000 -V sendrecv --checkpoint "$file" --every 1000000
    up "$file" 4
    catching 4 "^bin/mpi_heat .* $file "
    sleep 0.5
    # the ranks, as Slurm's --signal does; USR1-one: one rank only, the others must stop with it
    # shellcheck disable=SC2046 # a list of pids
    kill "-${signal%-one}" $(ranks "$file" | if [ "$signal" = USR1-one ]; then tail -n 1; else cat; fi)
    # TERM: SIGUSR1 right after it, as a job script passes on when qdel signals it too (every
    # process of the job): the stop must still say SIGTERM. (Under load the two arrive together:
    # the later one used to win, 1 pbs-test run in 2 with another make test beside it.)
    # shellcheck disable=SC2046
    [ "$signal" = TERM ] && kill -USR1 $(ranks "$file") 2>/dev/null
    signal=${signal%-one}
    wait "$pid"
    status=$?
    stop=$(sed -n "s/^STOPPED: SIG$signal at step \([0-9]*\) of 10000000: .* holds it; the same command with --restart .* goes on\$/\1/p" "$out")
    if [ "$status" -eq 4 ] && [ -n "$stop" ] && grep -q "\"step\": $stop," "$file.meta" &&
        grep -q "^# checksum    : $(sed -n 's/.*"checksum": "\([0-9a-f]*\)".*/\1/p' "$file.meta") after $stop steps\$" "$out"
    then ok; else bad "SIG$signal: wanted exit 4, a STOPPED line and a checkpoint of its step, got exit $status: $(tail -n 2 "$out" | tr '\n' ' ')"; fi
    [ -n "$stop" ] || continue
    more=$((stop + 500))
    heat 4 -n 200x100 --steps "$more" -V sendrecv --checkpoint "$tmp/whole.npy" --every "$more"
    want=$(checksum)
    [ -n "$want" ] || { bad "SIG$signal: the uninterrupted run to $more: $(tail -n 3 "$out" "$err" | tr '\n' ' ')"; continue; }
    heat 3 -n 200x100 --steps "$more" -V overlap --restart "$file"
    if [ -n "$want" ] && [ "$(checksum)" = "$want" ]; then ok
    else bad "SIG$signal: stopped at step $stop and restarted to $more on 3 ranks: checksum $(checksum), uninterrupted '$want'"; fi
done

# ---- 2. killed between the two renames -----------------------------------------------------------
echo "=== killed between renaming the field and its record"
file=$tmp/between.npy
if heat 2 -n 60x50 --steps 100 -V sendrecv --checkpoint "$file" --every 100 &&
    cp "$file.meta" "$tmp/old.meta" &&
    heat 2 -n 60x50 --steps 200 -V sendrecv --restart "$file" --checkpoint "$file" --every 100 &&
    want=$(checksum) && [ -n "$want" ]; then
    mv "$file.meta" "$file.meta.tmp" && cp "$tmp/old.meta" "$file.meta" # the state of such a kill
    heat 3 -n 60x50 --steps 200 -V chain --restart "$file"
    if [ "$(checksum)" = "$want" ] && [ ! -e "$file.meta.tmp" ] && grep -q '"step": 200,' "$file.meta"
    then ok; else bad "restart between the renames: wanted step 200's field and the commit finished: $(tail -n 2 "$err" | tr '\n' ' ')"; fi
else
    bad "checkpoints at steps 100 and 200: $(tail -n 2 "$err" | tr '\n' ' ')"
fi

# Killed before the first rename: the new field and record only as FILE.tmp and FILE.meta.tmp;
# FILE and FILE.meta, the old pair, agree: the restart takes them and leaves the pending record.
file=$tmp/before.npy
if heat 2 -n 60x50 --steps 100 -V sendrecv --checkpoint "$file" --every 100 &&
    heat 2 -n 60x50 --steps 200 -V sendrecv --checkpoint "$tmp/later.npy" --every 200; then
    cp "$tmp/later.npy.meta" "$file.meta.tmp" && head -c 3000 "$tmp/later.npy" >"$file.tmp"
    heat 3 -n 60x50 --steps 200 -V chain --restart "$file"
    if [ "$(checksum)" = "$want" ] && grep -q '^# production  : one run of chain, steps 100 to 200, restarted' "$out"
    then ok; else bad "restart before the renames: wanted step 100's checkpoint and the same field: $(tail -n 2 "$err" | tr '\n' ' ')"; fi
else
    bad "checkpoints at steps 100 and 200 for the before-rename state: $(tail -n 2 "$err" | tr '\n' ' ')"
fi

# ---- 2b. the same files from threads and from ranks -----------------------------------------------
echo "=== omp_heat and mpi_heat: one checkpoint format, restarted by either"
ck=$tmp/cross
bin/omp_heat -n 300x200 --steps 400 -V parallel -t 2 --checkpoint "$ck-whole.npy" >"$out" 2>"$err"
want=$(checksum)
heat 3 -n 300x200 --steps 150 -V sendrecv --checkpoint "$ck-mpi.npy" --every 50
bin/omp_heat -n 300x200 --steps 400 -V parallel -t 2 --restart "$ck-mpi.npy" --checkpoint "$ck-mpi.npy" \
    >"$out" 2>"$err"
if [ -n "$want" ] && [ "$(checksum)" = "$want" ] && cmp -s "$ck-whole.npy" "$ck-mpi.npy"; then ok
else bad "mpi_heat's checkpoint at step 150, omp_heat -t 2 to 400: checksum $(checksum), uninterrupted '$want', files $(cmp "$ck-whole.npy" "$ck-mpi.npy" 2>&1)"; fi
bin/omp_heat -n 300x200 --steps 250 -V seq --checkpoint "$ck-omp.npy" >"$out" 2>"$err"
heat 4 -n 300x200 --steps 400 -V neighbor --restart "$ck-omp.npy" --checkpoint "$ck-omp.npy"
if [ -n "$want" ] && [ "$(checksum)" = "$want" ] && cmp -s "$ck-whole.npy" "$ck-omp.npy"; then ok
else bad "omp_heat's checkpoint at step 250, mpi_heat on 4 ranks to 400: checksum $(checksum), uninterrupted '$want'"; fi
bin/omp_heat -n 200x100 --steps 100000000 -V parallel -t 2 --checkpoint "$ck-signal.npy" >"$out" 2>"$err" &
pid=$!
catching 1 "^bin/omp_heat .* $ck-signal.npy"
kill -USR1 "$pid"
wait "$pid"
status=$?
if [ "$status" -eq 4 ] && grep -q '^STOPPED: SIGUSR1 at step [0-9]* of 100000000: ' "$out" &&
    [ -f "$ck-signal.npy.meta" ]; then ok
else bad "omp_heat, SIGUSR1: wanted exit 4, a STOPPED line and a checkpoint, got $status: $(tail -n 1 "$out")"; fi

# ---- 3. refused before any step ----------------------------------------------------------------
echo "=== refusals"
# refused PATTERN ARGS...: exit 2 on 2 ranks, one line naming mpi_heat and matching PATTERN.
refused() {
    local pattern=$1
    shift
    heat 2 "$@"
    local status=$?
    if [ "$status" -eq 2 ] && [ "$(grep -c '^mpi_heat: ' "$err")" -eq 1 ] && grep -Eq "$pattern" "$err" &&
        ! grep -Eq '^(variant|program) ' "$out"; then ok
    else bad "mpi_heat $*: wanted exit 2 and one line matching '$pattern', got $status: $(tail -n 2 "$err" | tr '\n' ' ')"; fi
}
good=$tmp/good.npy
if heat 2 -n 60x50 --steps 40 -V sendrecv --checkpoint "$good" --every 20; then
    cp "$good" "$tmp/damaged.npy" && cp "$good.meta" "$tmp/damaged.npy.meta"
    # one byte of the field's data changed (the data start at byte 128)
    printf '\x7f' | dd of="$tmp/damaged.npy" bs=1 seek=$((128 + 8 * 500 + 3)) conv=notrunc 2>/dev/null
    refused 'damaged' -n 60x50 --steps 80 -V sendrecv --restart "$tmp/damaged.npy"
    head -c 5000 "$good" >"$tmp/cut.npy" && cp "$good.meta" "$tmp/cut.npy.meta"
    refused 'truncated' -n 60x50 --steps 80 -V sendrecv --restart "$tmp/cut.npy"
    refused "grid's field" -n 61x50 --steps 80 -V sendrecv --restart "$good"
    refused 'not this run' -n 60x50 --steps 80 --r 0.125 -V sendrecv --restart "$good"
    refused 'past this run' -n 60x50 --steps 30 -V sendrecv --restart "$good"
else
    bad "a checkpoint to damage: $(tail -n 2 "$err" | tr '\n' ' ')"
fi
refused 'No such file' -n 60x50 -V sendrecv --restart "$tmp/missing.npy"
refused 'production run' -n 60x50 -V sendrecv,overlap --checkpoint "$tmp/x.npy"
refused 'production run' -n 60x50 -V seq --restart "$good"
refused "'--every' needs --checkpoint" -n 60x50 -V sendrecv --every 5
# a folder that cannot take the checkpoints: said before step 0, not at the first checkpoint
refused "checkpoint $tmp/none/x.npy: cannot write in its folder $tmp/none: No such file" \
    -n 60x50 -V sendrecv --checkpoint "$tmp/none/x.npy"
# omp_heat likewise (one process: its exit code and its one line)
for run in "damaged|-V parallel --restart $tmp/damaged.npy" "production run|-V seq,parallel --checkpoint $tmp/y.npy" \
    "production run|-V target --restart $good" "cannot write in its folder|-V parallel --checkpoint $tmp/none/y.npy"; do
    read -r -a args <<<"${run#*|}"
    bin/omp_heat -n 60x50 --steps 80 "${args[@]}" >"$out" 2>"$err"
    status=$?
    if [ "$status" -eq 2 ] && [ "$(wc -l <"$err")" -eq 1 ] && grep -q "^omp_heat: .*${run%%|*}" "$err"; then ok
    else bad "omp_heat ${args[*]}: wanted exit 2 and one line with '${run%%|*}', got $status: $(cat "$err")"; fi
done

# ---- 2c. a full disk ---------------------------------------------------------------------------
# 300 x 300: a checkpoint is 730 KB; 1100 KB hold one and its record, not a second beside it.
if [ "$(id -u)" = 0 ] && mkdir -p "$tmp/full" && mount -t tmpfs -o size=1100k parlab-full "$tmp/full" 2>/dev/null; then
    echo "=== a full disk: the write fails, the checkpoint before it is whole"
    if heat 2 -n 300 --steps 40 -V sendrecv --check exact; then want=$(checksum); else want=; fi
    # (3 ranks: Open MPI 4.1's collective write, meeting the full disk, left 3 ranks or more
    # waiting for each other; the bytes are now reserved by one rank before it)
    heat 3 -n 300 --steps 40 -V sendrecv --check exact --checkpoint "$tmp/full/run.npy" --every 10
    status=$?
    if [ "$status" -eq 1 ] && [ "$(grep -c '^FAILED: ' "$out" "$err" | awk -F: '{ s += $2 } END { print s }')" -eq 1 ] &&
        grep -q "^FAILED: $tmp/full/run.npy.*: No space left on device" "$out" "$err" &&
        [ "$(sed -n 's/.*"step": \([0-9]*\).*/\1/p' "$tmp/full/run.npy.meta")" = 10 ]
    then ok; else bad "a full disk: wanted exit 1, one FAILED line, the step-10 checkpoint kept; got $status: $(tail -n 1 "$out" "$err" | tr '\n' ' ')"; fi
    cp "$tmp/full/run.npy" "$tmp/kept.npy" && cp "$tmp/full/run.npy.meta" "$tmp/kept.npy.meta"
    umount "$tmp/full"
    heat 3 -n 300 --steps 40 -V overlap --check exact --checkpoint "$tmp/kept.npy" --restart "$tmp/kept.npy"
    got=$(checksum)
    if [ -n "$want" ] && [ "$got" = "$want" ]; then ok
    else bad "the checkpoint a full disk left: restarted to '$got', uninterrupted '$want'"; fi
fi

check_end checkpoint

#!/usr/bin/env bash
# cluster_test.sh: `make cluster-test`. Proves the MPI programs across two hosts, for real, on one
# machine: two network namespaces joined by a veth pair, with addresses that exist only inside
# them (10.77.0.1 and 10.77.0.2), a hostname each (parlab-a, parlab-b: Open MPI tells hosts apart
# by name) and an sshd each with a throwaway key. From parlab-a, mpirun starts ranks on both hosts
# over ssh and they talk over TCP on that link only. It runs every MPI lesson program and the MPI
# CUnit suite on 4 ranks across the two hosts, shows in the output which host each rank ran on,
# checks that both did, and measures the link with mpi_pingpong on one rank per host: its alpha
# and beta, printed as PLB_NET for make bench's heat model. Then it makes the two hosts a two-node Slurm (slurmctld on parlab-a, a
# slurmd on each) and submits the multi-node Slurm scripts (mpi, hybrid, heat-strong) unchanged,
# checking that each job ran on both nodes and verified; heat-strong's rank counts 1 2 4 must fill
# parlab-a first and only the 4-rank step reach parlab-b. It tears everything down, also on failure.
#   Needs root (namespaces, sshd) and Debian's openssh-server, iproute2 and util-linux.
set -u
cd "$(dirname "$0")/../.." || exit 1

if [ "$(id -u)" != 0 ]; then
    echo "cluster-test: network namespaces and sshd need root" >&2
    exit 2
fi
if ! command -v sshd >/dev/null 2>&1 && ! [ -x /usr/sbin/sshd ]; then
    echo "cluster-test: installing openssh-server" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssh-server \
        >/dev/null || exit 1
fi

work=$(mktemp -d /tmp/parlab-cluster.XXXXXX)
hosts=(a b)
address() { [ "$1" = a ] && echo 10.77.0.1 || echo 10.77.0.2; }

# shellcheck source=tests/jobs/slurm_common.sh
. tests/jobs/slurm_common.sh
# shellcheck source=scripts/run/parlab.sh
. scripts/run/parlab.sh
# shellcheck source=tests/jobs/job_checks.sh
. tests/jobs/job_checks.sh
ids=() # the Slurm jobs' results/<id>, removed at the end
teardown() {
    [ -n "${SLURM_CONF:-}" ] && slurm_stop "$work" on_net a
    for id in "${ids[@]}"; do rm -rf "results/$id"; done
    for h in "${hosts[@]}"; do
        [ -f "$work/sshd-$h.pid" ] && kill "$(cat "$work/sshd-$h.pid")" 2>/dev/null
        ip netns del "parlab-$h" 2>/dev/null
    done
    rm -rf "$work"
}
trap teardown EXIT

# Two hosts: a namespace each, one veth pair between them, loopback up.
ip link add parlab-va type veth peer name parlab-vb || exit 1
for h in "${hosts[@]}"; do
    ip netns add "parlab-$h" || exit 1
    ip link set "parlab-v$h" netns "parlab-$h"
    ip -n "parlab-$h" addr add "$(address "$h")/24" dev "parlab-v$h"
    ip -n "parlab-$h" link set lo up
    ip -n "parlab-$h" link set "parlab-v$h" up
done

# An sshd per host, listening only on the host's own address, in a UTS namespace with its name.
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$work/id" && ssh-keygen -q -t ed25519 -N '' -f "$work/hostkey"
cp "$work/id.pub" "$work/authorized_keys"
for h in "${hosts[@]}"; do
    cat >"$work/sshd-$h.conf" <<CONF
ListenAddress $(address "$h")
HostKey $work/hostkey
PidFile $work/sshd-$h.pid
AuthorizedKeysFile $work/authorized_keys
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
CONF
    ip netns exec "parlab-$h" unshare --uts sh -c "hostname parlab-$h && exec /usr/sbin/sshd -f '$work/sshd-$h.conf'" ||
        { echo "cluster-test: sshd did not start on parlab-$h" >&2; exit 1; }
done
ssh=(ssh -i "$work/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes
    -o LogLevel=ERROR -o ConnectTimeout=5)
for _ in $(seq 50); do
    ip netns exec parlab-a "${ssh[@]}" root@10.77.0.2 true 2>/dev/null && break
    sleep 0.1
done

# on_net HOST COMMAND...: runs a command in a host's network (not through ssh, so it stays ours).
on_net() {
    local h=$1
    shift
    nsenter --net="/run/netns/parlab-$h" "$@"
}

# on_a COMMAND: runs a shell command on parlab-a (in its network and its hostname), in this folder.
on_a() {
    ip netns exec parlab-a "${ssh[@]}" root@10.77.0.1 "cd '$PWD' && $1"
}
mpirun_hosts=(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    "OMPI_MCA_plm_rsh_agent='${ssh[*]}'" OMPI_MCA_btl_tcp_if_include=10.77.0.0/24
    OMPI_MCA_oob_tcp_if_include=10.77.0.0/24 OMPI_MCA_mpi_yield_when_idle=1
    timeout --kill-after=10 300 mpirun --oversubscribe)
mpirun_both=("${mpirun_hosts[@]}" --host "10.77.0.1:2,10.77.0.2:2" -np 4) # ranks 0 1 on a, 2 3 on b
mpirun_pair=("${mpirun_hosts[@]}" --host "10.77.0.1:1,10.77.0.2:1" -np 2) # rank 0 on a, 1 on b

passed=0
failed=0
# across [--pair] NAME CHECK COMMAND: runs COMMAND on 4 ranks across both hosts (--pair: on 2, one
# each); CHECK is an extended regex its output must match (besides the verdict, when the command
# is a lesson program).
across() {
    local launcher=("${mpirun_both[@]}") name check command out
    [ "$1" = --pair ] && launcher=("${mpirun_pair[@]}") && shift
    name=$1 check=$2 command=$3
    out=$(on_a "${launcher[*]} $command" 2>&1)
    if grep -Eq "$check" <<<"$out"; then
        echo "cluster-test: $name: ok"
        passed=$((passed + 1))
    else
        echo "FAILED: cluster-test: $name:"
        tail -n 8 <<<"$out"
        failed=$((failed + 1))
    fi
    printf '%s\n' "$out" >"$work/$name.log"
}

echo "cluster-test: hosts parlab-a (10.77.0.1) and parlab-b (10.77.0.2) up; mpirun over ssh and TCP"
across hostnames 'parlab-a' hostname
if [ "$(sort -u "$work/hostnames.log" | tr '\n' ' ')" = "parlab-a parlab-b " ]; then
    echo "cluster-test: ranks ran on: $(sort "$work/hostnames.log" | uniq -c | awk '{ printf "%s x%s ", $2, $1 }')"
else
    echo "FAILED: cluster-test: the ranks did not run on both hosts: $(tr '\n' ' ' <"$work/hostnames.log")"
    failed=$((failed + 1))
fi
across hybrid_map_square '^VERIFIED' \
    'bin/hybrid_map_square -n 1000003 -r 3 -t 1'
grep '^# placement' "$work/hybrid_map_square.log"
if grep -q '^# placement   : rank 0 on parlab-a' "$work/hybrid_map_square.log" &&
    grep -q '^# placement   : rank 3 on parlab-b' "$work/hybrid_map_square.log"; then
    passed=$((passed + 1))
else
    echo "FAILED: cluster-test: hybrid_map_square did not place ranks on both hosts"
    failed=$((failed + 1))
fi
across mpi_map_square '^VERIFIED' 'bin/mpi_map_square -n 1000003 -r 3'
across mpi_increment '^VERIFIED' 'bin/mpi_increment -n 1000003 -r 3'
across mpi_countdown '^VERIFIED' 'bin/mpi_countdown -r 3'
across mpi_messages '^VERIFIED' 'bin/mpi_messages -n 100 --spin 10000 -r 3'
across mpi_deadlock '^VERIFIED' 'bin/mpi_deadlock -V sendrecv,nonblocking,parity -n 100000 -r 3'
across mpi_deadlock_watchdog '^DEADLOCK: no progress for 1 s' 'bin/mpi_deadlock -V ssend --timeout 1'
# Two hosts are two nodes: each gets its own shared-memory window, of 2 ranks.
across mpi_shared_array '# node        : 2 ranks share' 'bin/mpi_shared_array -n 1000003 -r 3'
grep -q '^VERIFIED' "$work/mpi_shared_array.log" || { echo "FAILED: mpi_shared_array verdict"; failed=$((failed + 1)); }
across mpi_pingpong '^VERIFIED' 'bin/mpi_pingpong -n 1M -r 3' # ranks 0 and 3: parlab-a and parlab-b
across test_mpi 'mpi np=4: [0-9]+ passed, 0 failed' 'build/tests/test_mpi'

# The link itself: one rank on each host, messages of 8 bytes to 4 MiB. Its model line's alpha and
# beta are the network's figures that make bench's heat model takes (PLB_NET) for ranks that span
# nodes. (A veth pair in one kernel: a copy through the TCP stack, no wire; a real network's
# alpha is larger and its beta is its link's.)
# shellcheck disable=SC2016 # expanded by each rank's sh
across --pair pair_placement '^0 parlab-a$' 'sh -c "echo \$OMPI_COMM_WORLD_RANK \$(hostname)"'
if ! grep -q '^1 parlab-b$' "$work/pair_placement.log"; then
    echo "FAILED: cluster-test: the pair's rank 1 did not run on parlab-b: $(tr '\n' ' ' <"$work/pair_placement.log")"
    failed=$((failed + 1))
fi
across --pair mpi_pingpong_link '^VERIFIED' 'bin/mpi_pingpong -n 4M'
read -r alpha beta < <(sed -n 's/^# model       : .* alpha = \([0-9.e+-]*\) us, beta = \([0-9.e+-]*\) GB\/s .*/\1 \2/p' \
    "$work/mpi_pingpong_link.log")
if [ -n "${beta:-}" ]; then
    echo "cluster-test: between hosts (veth, TCP): alpha $alpha us, beta $beta GB/s:" \
        "PLB_NET=$alpha,$beta for make bench's heat model"
    passed=$((passed + 1))
else
    echo "FAILED: cluster-test: no '# model' line from mpi_pingpong between the hosts"
    failed=$((failed + 1))
fi

# A two-node Slurm on the same two hosts: slurmctld on parlab-a, a slurmd on each, each in its
# host's network and name; per-node spool, pid, log and PMIx folders (%n is the node's name).
slurm_install || exit 1
cpus=$(nproc)
memory=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
memory=$((memory * 9 / 10 / 2))
for h in "${hosts[@]}"; do
    mkdir -p "$work/conf-$h" "$work/pmix-$h"
    cat >"$work/conf-$h/slurm.conf" <<CONF
# A two-node Slurm for parlab's cluster test, made by tests/jobs/cluster_test.sh.
ClusterName=parlab2
SlurmctldHost=parlab-a(10.77.0.1)
$(slurm_conf_common "$work")
NodeName=parlab-a NodeAddr=10.77.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
NodeName=parlab-b NodeAddr=10.77.0.2 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=two Nodes=parlab-a,parlab-b Default=YES MaxTime=INFINITE State=UP
CONF
    echo "PMIxCliTmpDirBase=$work/pmix-$h" >"$work/conf-$h/mpi.conf"
done
export SLURM_CONF=$work/conf-a/slurm.conf
munge_start || { echo "cluster-test: munged did not start" >&2; exit 1; }
on_net a unshare --uts sh -c 'hostname parlab-a && exec slurmctld'
for h in "${hosts[@]}"; do
    SLURM_CONF=$work/conf-$h/slurm.conf on_net "$h" unshare --uts \
        sh -c "hostname parlab-$h && exec slurmd -N parlab-$h"
done
for _ in $(seq 100); do
    [ "$(on_net a sinfo -h -o %T 2>/dev/null | sort -u)" = idle ] && break
    sleep 0.2
done
echo "cluster-test: two-node Slurm: $(on_net a sinfo -h -o '%D nodes %N %T' 2>&1)"

# slurm_job NAME SBATCH-OPTIONS...: submits jobs/slurm/NAME.sbatch unchanged to both nodes and
# checks that it completed, verified, and ran on both; sets id.
slurm_job() {
    local name=$1 state
    shift
    id=$(on_net a sbatch --parsable --chdir="$PWD" --export=ALL,PARLAB_N=1M,PARLAB_GRID=256 \
        -o "$work/$name-%j.out" "$@" "jobs/slurm/$name.sbatch") ||
        { echo "FAILED: sbatch $name"; failed=$((failed + 1)); return 1; }
    ids+=("$id")
    for _ in $(seq 600); do
        state=$(on_net a scontrol show job "$id" -o 2>/dev/null)
        grep -Eq 'JobState=(PENDING|RUNNING|CONFIGURING|COMPLETING)' <<<"$state" || break
        sleep 0.5
    done
    if grep -q 'JobState=COMPLETED .*ExitCode=0:0' <<<"$state" &&
        grep -Eq 'NodeList=(parlab-a,parlab-b|parlab-\[a-b\]) ' <<<"$state" &&
        grep -q '^parlab: all steps VERIFIED' "$work/$name-$id.out"; then
        echo "cluster-test: slurm $name (job $id): COMPLETED on parlab-a and parlab-b, all steps VERIFIED"
        passed=$((passed + 1))
    else
        echo "FAILED: cluster-test: slurm $name (job $id): $(grep -o 'JobState=[A-Z]* \|NodeList=[^ ]*' <<<"$state" | tr '\n' ' ')"
        tail -n 8 "$work/$name-$id.out" "$work/slurmctld.log" 2>/dev/null
        failed=$((failed + 1))
        return 1
    fi
}
# steps_on NODE: the steps of job $id that NODE's slurmd launched, as "0 1 2".
steps_on() {
    sed -n "s/.*launch task StepId=$id\.\([0-9]*\) .*/\1/p" "$work/slurmd-$1.log" | sort -n | paste -sd ' ' -
}
slurm_job mpi --nodes=2 --ntasks-per-node=2 --cpus-per-task=1
slurm_job hybrid --nodes=2 --ntasks-per-node=1 --cpus-per-task="$cpus"
# Strong scaling on 2 x 2 ranks: steps of 1, 2 and 4 ranks (Slurm steps 0, 1, 2); the first two
# fit on parlab-a, the third needs both.
if slurm_job heat-strong --nodes=2 --ntasks-per-node=2 --cpus-per-task=1; then
    steps_a=$(steps_on parlab-a) steps_b=$(steps_on parlab-b)
    if found=$(scaling_rows "results/$id/strong.csv" 4) && [ "$steps_a" = "0 1 2" ] && [ "$steps_b" = 2 ]; then
        echo "cluster-test: heat-strong: $found; Slurm steps on parlab-a: $steps_a, on parlab-b: $steps_b"
        passed=$((passed + 1))
    else
        echo "FAILED: cluster-test: heat-strong: $found; Slurm steps on parlab-a: $steps_a, on parlab-b: $steps_b (wanted 0 1 2 and 2)"
        failed=$((failed + 1))
    fi
fi

echo
echo "cluster-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

# shellcheck shell=bash
# slurm_common.sh: what tests/jobs/slurm_test.sh and tests/jobs/cluster_test.sh share to run a throwaway
# Slurm: installing it, the slurm.conf settings that worked here without cgroups, munge, and the
# shutdown. Sourced by them, not run.

# Installs Debian's slurm-wlm and munge when they are missing.
slurm_install() {
    if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
        echo "installing slurm-wlm and munge" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
    fi
}

# slurm_conf_common WORK [SCHEDULER-PARAMETER...]: the slurm.conf lines every test cluster has;
# its state under WORK (%n in a path is the node's name, so several slurmd can share WORK); more
# SchedulerParameters after the common one.
slurm_conf_common() {
    cat <<CONF
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MailProg=/bin/true
MinJobAge=3600
SchedulerParameters=batch_sched_delay=0$([ $# -gt 1 ] && printf ",%s" "${@:2}")
StateSaveLocation=$1/state
SlurmdSpoolDir=$1/spool-%n
SlurmctldPidFile=$1/slurmctld.pid
SlurmdPidFile=$1/slurmd-%n.pid
SlurmctldLogFile=$1/slurmctld.log
SlurmdLogFile=$1/slurmd-%n.log
CONF
}

# alive NAME...: a process of one of these names runs and is not a zombie (PID 1 reaps them late,
# so pgrep alone would still see a daemon that has just been stopped).
alive() {
    # shellcheck disable=SC2009 # pgrep would also match zombies
    ps -C "$(IFS=,; echo "$*")" -o stat= 2>/dev/null | grep -qv '^Z'
}

# Starts munged as the user munge unless one answers; sets started_munge=1 when it started it.
started_munge=0
munge_start() {
    munge -n </dev/null >/dev/null 2>&1 && return 0
    mkdir -p /run/munge && chown munge:munge /run/munge
    runuser -u munge -- /usr/sbin/munged && started_munge=1
}

# slurm_stop WORK PREFIX...: `PREFIX scontrol shutdown` (PREFIX: command, or how to reach the
# cluster), waits for the daemons to be gone, and stops munged if munge_start started it. Daemons
# that scontrol could not reach (munge down, say) are stopped by their pid files in WORK: left
# running, they would answer the next test's cluster from a folder that no longer exists.
slurm_stop() {
    local work=$1 file pid
    shift
    "$@" scontrol shutdown >/dev/null 2>&1
    for _ in $(seq 50); do
        alive slurmctld slurmd || break
        sleep 0.2
    done
    for file in "$work"/slurm*.pid; do
        [ -f "$file" ] || continue
        pid=$(cat "$file")
        case $(ps -p "$pid" -o comm= 2>/dev/null) in slurmctld | slurmd) kill "$pid" ;; esac
    done
    if [ "$started_munge" = 1 ] && [ -f /run/munge/munged.pid ]; then
        kill "$(cat /run/munge/munged.pid)" 2>/dev/null
        # gone before we return: a test started right after must start its own
        for _ in $(seq 50); do
            alive munged || break
            sleep 0.1
        done
    fi
}

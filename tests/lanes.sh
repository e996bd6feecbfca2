#!/usr/bin/env bash
# lanes.sh: parlab on the systems and MPI libraries that clusters run, not only Debian 12's Open MPI
# 4 as root. Each lane copies the tree, builds it with -Werror (make check-warnings) and runs
# `make test` there as a normal user, then writes one row of the README's "Tested with" table
# from what the run itself printed (the OS, the compiler, the MPI library a program linked).
#
#   tests/lanes.sh [LANE...]   run lanes (default: all of them, in this order):
#       debian12-openmpi   Debian 12, gcc 12, Open MPI 4 (the default build)
#       debian12-mpich     Debian 12, gcc 12, MPICH 4 (make MPI=mpich); then the PBS scripts in a
#                          simulated PBS job with Hydra's mpirun (tests/jobs/pbs_test.sh)
#       debian13-openmpi   Debian 13 in a debootstrap root file system: gcc 14, Open MPI 5, and
#                          CUnit and libpng as a cluster user has them, unpacked into a prefix of
#                          the user's own and found only through CPPFLAGS and LDFLAGS; then the
#                          PBS scripts with Open MPI 5's mpirun (tests/jobs/pbs_test.sh)
#   tests/lanes.sh --check [LANE...]  the README's rows of these lanes (default: all) are what
#                              the lanes last produced (CI runs two lanes and checks their rows:
#                              the first lane's make test is CI's own last step, as root)
#   tests/lanes.sh --write     put the rows the lanes last produced into the README (a lane with no
#                              row here keeps the README's)
#   tests/lanes.sh --prepare   only make the Debian 13 root file system (CI starts it early, in the
#                              background: mostly downloads, which the lane would wait for)
#
# Needs root (it adds the user `parlab`, and debootstraps Debian 13 from the mirror apt uses into
# PLB_TRIXIE_ROOT, default /var/tmp/parlab-trixie, kept for the next run). Rows and logs go to
# build/lanes/. Every lane runs under a timeout, and the root file system's mounts are always
# undone. Exits non-zero when a lane fails.
set -u
# shellcheck disable=SC2317 # in one group shellcheck takes the functions for unreachable
{ # read whole before it runs: an edit to this file while lanes run (an hour) cannot reach them
cd "$(dirname "$0")/.." || exit 1

LANES=(debian12-openmpi debian12-mpich debian13-openmpi)
OUT=build/lanes
LANE_TIMEOUT=${PLB_LANE_TIMEOUT:-1800}
TRIXIE=${PLB_TRIXIE_ROOT:-/var/tmp/parlab-trixie}
USER_NAME=parlab
BEGIN='<!-- tested-with: begin (tests/lanes.sh --write) -->'
END='<!-- tested-with: end -->'

# lane_row LANE [--keep]: the lane's row from its last run; a lane not run is "not run", or with
# --keep the README's row for it.
lane_row() {
    if [ -f "$OUT/$1.row" ]; then cat "$OUT/$1.row"
    elif [ "${2:-}" = --keep ] && [ -n "$(readme_row "$1")" ]; then readme_row "$1"
    else echo "| $1 | | | | not run |"; fi
}

# table [--keep]: the rows of the last run, as the README shows them (--keep: as lane_row's).
table() {
    echo '| system | compiler | MPI library | ran as | result |'
    echo '| --- | --- | --- | --- | --- |'
    local lane
    for lane in "${LANES[@]}"; do lane_row "$lane" "${1:-}"; done
}

# readme_row LANE: the README's row of LANE, the table's row in the lanes' order (below its two
# heading lines); nothing for a name that is no lane.
readme_row() {
    local i
    for i in "${!LANES[@]}"; do
        [ "${LANES[$i]}" = "$1" ] && readme_table | sed -n "$((i + 3))p"
    done
}

# readme_table: the lines between the markers (matched as whole lines, not as patterns).
readme_table() {
    awk -v b="$BEGIN" -v e="$END" '$0 == e { inside = 0 } inside { print } $0 == b { inside = 1 }' README.md
}

case ${1:-} in
    --check)
        shift
        [ $# -gt 0 ] && checked=("$@") || checked=("${LANES[@]}")
        differ=0
        for lane in "${checked[@]}"; do
            [[ " ${LANES[*]} " == *" $lane "* ]] || { echo "lanes: no lane '$lane'" >&2; exit 2; }
            if [ "$(readme_row "$lane")" != "$(lane_row "$lane")" ]; then
                echo "lanes: the README's Tested-with row of $lane differs from its last run:" >&2
                diff <(readme_row "$lane") <(lane_row "$lane") >&2
                differ=1
            fi
        done
        if [ "$differ" -eq 0 ]; then
            echo "lanes: the README's Tested-with rows of ${checked[*]} are what the lanes produced"; exit 0
        fi
        echo "lanes: run tests/lanes.sh ${checked[*]}, then tests/lanes.sh --write" >&2
        exit 1 ;;
    --write)
        if [ "$(grep -cxF -e "$BEGIN" -e "$END" README.md)" -ne 2 ]; then
            echo "lanes: README.md needs the two marker lines, '$BEGIN' and '$END'" >&2; exit 1
        fi
        new=$(mktemp)
        awk -v b="$BEGIN" -v e="$END" -v t="$(table --keep)" '
            $0 == e { skip = 0 } !skip { print } $0 == b { print t; skip = 1 }' README.md >"$new" &&
            cat "$new" >README.md
        rm -f "$new"
        echo "lanes: README table written"; exit 0 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac

if [ "$(id -u)" != 0 ]; then
    echo "lanes: needs root (a user to run as, a debootstrap root file system)" >&2
    exit 2
fi
mkdir -p "$OUT"
id "$USER_NAME" >/dev/null 2>&1 || useradd --create-home "$USER_NAME"

# copy_tree DIR: the working tree as a fresh checkout has it (tracked files and untracked ones
# git does not ignore, no build outputs), owned by the lane's user.
copy_tree() {
    rm -rf "$1" && mkdir -p "$1"
    git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -C "$1" -xf -
    chown -R "$USER_NAME:" "$1"
}

# The commands a lane runs inside its copy: build with -Werror, run the suites, then report what
# it ran on. The last lines of the log are the row's facts. (Expanded by the lane's own shell.)
# make test with WERROR=1 as well: with other flags it would build everything again.
# shellcheck disable=SC2016
LANE_SCRIPT='
set -u
make check-warnings $MAKEARGS >build.log 2>&1 || { tail -n 30 build.log; echo "lane: -Werror build failed"; exit 1; }
make test WERROR=1 $MAKEARGS; status=$?
if [ -n "$LANE_EXTRA" ]; then echo "lane-extra: $LANE_EXTRA"; eval "$LANE_EXTRA" || status=1; fi
. /etc/os-release
echo "lane-system: $PRETTY_NAME"
echo "lane-compiler: $(${CC:-cc} --version | head -n 1)"
echo "lane-mpi: $(scripts/run/mpilaunch 1 bin/mpi_countdown -n 1000 -r 1 -w 0 | sed -n "s/^# mpi *: //p")"
echo "lane-user: $(id -un)"
exit $status'

# fact LOG NAME: what the lane reported as lane-NAME.
fact() { sed -n "s/^lane-$2: //p" "$1" | tail -n 1; }

# row LANE STATUS: the table row from the lane's log.
row() {
    local log=$OUT/$1.log status=$2 result
    result="make test: $(grep -Eo '^total: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | cut -c8-)"
    [ "$status" -eq 0 ] || result="FAILED (exit $status)"
    local compiler
    compiler=$(fact "$log" compiler | sed -E 's/^(gcc|cc) \(([^)]*)\) ([0-9.]+).*/gcc \3 (\2)/')
    echo "| $(fact "$log" system) | $compiler | $(fact "$log" mpi | cut -d, -f1) | $(fact "$log" user) | $result |" \
        >"$OUT/$1.row"
}

# on_host DIR MAKEARGS [EXTRA]: the lane script in DIR as the lane's user, on this machine; EXTRA
# is a command run after make test, in the same copy.
on_host() {
    timeout --kill-after=10 "$LANE_TIMEOUT" runuser -u "$USER_NAME" -- env -i \
        HOME="$(getent passwd "$USER_NAME" | cut -d: -f6)" PATH=/usr/local/bin:/usr/bin:/bin \
        MAKEARGS="$2" LANE_EXTRA="${3:-}" bash -c "cd '$1' || exit 1; $LANE_SCRIPT"
}

# The PBS scripts as a site with MPICH runs them: there `mpirun` is Hydra's, and the scripts must
# speak its options (Hydra finds its proxy beside the mpirun it was started as).
# shellcheck disable=SC2016 # expanded in the lane's copy
PBS_ON_HYDRA='mkdir -p hydra && ln -sf /usr/bin/mpirun.mpich hydra/mpirun &&
    ln -sf /usr/bin/hydra_pmi_proxy hydra/ && PATH=$PWD/hydra:$PATH tests/jobs/pbs_test.sh'

# Every lane has what the suites use where it is there (numpy reads the heat programs' files), so
# that a lane runs the same checks, and its count of them is the same, on any machine.
host_numpy() {
    /usr/bin/python3 -c 'import numpy' 2>/dev/null || apt-get install -y -q python3-numpy >/dev/null
}

lane_debian12_openmpi() {
    host_numpy
    local d=/tmp/parlab-lane-openmpi; copy_tree "$d"; on_host "$d" ""
}
lane_debian12_mpich() {
    host_numpy
    command -v mpicc.mpich >/dev/null || apt-get install -y -q mpich libmpich-dev >/dev/null
    local d=/tmp/parlab-lane-mpich; copy_tree "$d"; on_host "$d" "MPI=mpich" "$PBS_ON_HYDRA"
}

mount_trixie() {
    local m
    for m in proc sys dev dev/pts dev/shm; do
        mountpoint -q "$TRIXIE/$m" || { mount --bind "/$m" "$TRIXIE/$m" && MOUNTED_HERE=1; } || return 1
    done
}

unmount_trixie() {
    local m
    for m in dev/shm dev/pts dev sys proc; do
        mountpoint -q "$TRIXIE/$m" && umount "$TRIXIE/$m"
    done
}

# Debian 13 from the mirror this machine's apt uses, with what parlab needs preinstalled but CUnit
# and libpng, which the lane's user unpacks into a prefix of its own (PRIVATE_PACKAGES).
# debootstrap resolves no virtual packages (trixie's libltdl-dev, under libopenmpi-dev, needs
# automake-1.17, which the automake package provides), so it lays down the base system and apt,
# inside it, installs the rest.
# clang, clang-tools (its offload packager) and libomp-dev: LLVM 19's CPU device, for the offload
# exercise's check.
TRIXIE_PACKAGES=(make gcc libc6-dev openmpi-bin libopenmpi-dev python3-numpy clang clang-tools
    libomp-dev)
NOT_IN_ROOT=(libcunit1-dev libpng-dev) # their headers and link libraries: the prefix's alone
PRIVATE_PACKAGES=(libcunit1 libcunit1-dev libpng16-16t64 libpng-dev)
make_trixie() {
    if [ -x "$TRIXIE/usr/bin/mpicc" ]; then # kept from an earlier run: brought to what this one needs
        mount_trixie && DEBIAN_FRONTEND=noninteractive chroot "$TRIXIE" sh -c \
            "apt-get install -y -q --no-install-recommends ${TRIXIE_PACKAGES[*]} &&
             apt-get purge -y -q ${NOT_IN_ROOT[*]}" >>"$OUT/debootstrap.log" 2>&1 && return 0
    fi
    command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
    local mirror
    mirror=$(grep -rhoE '(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list \
        /etc/apt/sources.list.d/ 2>/dev/null | grep -oE 'https?://[^ ]+' | head -n 1)
    echo "lanes: debootstrap trixie from ${mirror:?no Debian mirror found in apt sources}"
    unmount_trixie
    rm -rf --one-file-system "$TRIXIE"
    { debootstrap --variant=minbase trixie "$TRIXIE" "$mirror" && mount_trixie &&
        chroot "$TRIXIE" apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive chroot "$TRIXIE" apt-get install -y -q --no-install-recommends \
            "${TRIXIE_PACKAGES[@]}"; } >"$OUT/debootstrap.log" 2>&1 ||
        { tail -n 20 "$OUT/debootstrap.log"; return 1; }
}

# as_user SCRIPT [NAME=VALUE...]: SCRIPT in the Debian 13 root as the lane's user, in its home,
# with only those variables set (and HOME, PATH), under the lane's timeout.
as_user() {
    timeout --kill-after=10 "$LANE_TIMEOUT" chroot --userspec="$USER_NAME:$USER_NAME" "$TRIXIE" \
        env -i HOME="/home/$USER_NAME" PATH=/usr/bin:/bin "${@:2}" \
        bash -c "cd /home/$USER_NAME || exit 1; $1"
}

lane_debian13_openmpi() {
    make_trixie && mount_trixie || return 1
    chroot "$TRIXIE" id "$USER_NAME" >/dev/null 2>&1 || chroot "$TRIXIE" useradd --create-home "$USER_NAME"
    # shellcheck disable=SC2016 # $deb: the user's shell's
    as_user "set -e; rm -rf prefix debs; mkdir debs; cd debs
        apt-get download -q ${PRIVATE_PACKAGES[*]} >/dev/null"'
        for deb in *.deb; do dpkg -x "$deb" ../prefix; done' || return 1
    local usr=/home/$USER_NAME/prefix/usr lib
    lib=$usr/lib/$(chroot "$TRIXIE" gcc -print-multiarch)
    copy_tree "$TRIXIE/home/$USER_NAME/parlab"
    chroot "$TRIXIE" chown -R "$USER_NAME:" "/home/$USER_NAME/parlab"
    as_user "cd parlab || exit 1; $LANE_SCRIPT" CPPFLAGS="-I$usr/include" \
        LDFLAGS="-L$lib -Wl,-rpath,$lib" MAKEARGS= LANE_EXTRA=tests/jobs/pbs_test.sh
}

# Only what this run mounted is unmounted: a Debian 12 lane started beside a running Debian 13 one
# must leave its root's /proc alone.
MOUNTED_HERE=
trap '[ -z "$MOUNTED_HERE" ] || unmount_trixie' EXIT
if [ "${1:-}" = --prepare ]; then
    make_trixie >"$OUT/prepare.log" 2>&1 || { cat "$OUT/prepare.log"; exit 1; }
    echo "lanes: the Debian 13 root file system is ready in $TRIXIE"
    exit 0
fi
[ $# -gt 0 ] && LANES=("$@")
failed=0
for lane in "${LANES[@]}"; do
    fn=lane_${lane//-/_}
    if ! declare -F "$fn" >/dev/null; then echo "lanes: no lane '$lane'" >&2; exit 2; fi
    echo "=== lane $lane"
    start=$(date +%s)
    "$fn" >"$OUT/$lane.log" 2>&1
    status=$?
    row "$lane" "$status"
    grep -E '^(total|programs|serial|mpi np=[0-9]+|pbs-test):' "$OUT/$lane.log" | tail -n 4
    echo "    $(cat "$OUT/$lane.row")  ($(($(date +%s) - start)) s)"
    if [ "$status" -ne 0 ]; then
        failed=$((failed + 1))
        grep -E '^FAILED|FAILED:' "$OUT/$lane.log" | head -n 20
        tail -n 15 "$OUT/$lane.log"
    fi
done
echo "lanes: ${#LANES[@]} run, $failed failed"
[ "$failed" -eq 0 ]
exit
}

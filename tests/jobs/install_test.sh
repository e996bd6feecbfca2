#!/usr/bin/env bash
# install_test.sh: `make install-test`. parlab installed as a centre's support team would install
# it, and used from the install as a cluster user would, nowhere near the checkout:
#   1. make install PREFIX=P DESTDIR=STAGE puts every file under STAGE/P, and no installed file
#      names STAGE (a package's staging folder) or this checkout;
#   2. make install PREFIX=P, then from a folder of its own, with only P/bin on the PATH: a program
#      runs VERIFIED, `parlab tour` and `parlab launch` run lessons, `parlab report` makes a bench
#      run's page (the test fixture's), a laptop job script runs from
#      P/libexec/parlab/jobs; their results land in that folder's results/ (or PARLAB_RESULTS),
#      and nothing under P changes;
#   3. the modulefile under Lmod (Debian's lmod) and Environment Modules (Debian's
#      environment-modules, unpacked here: the two packages conflict): `module load parlab` puts
#      the programs on the PATH and sets PARLAB_HOME, loads MODULE_LOAD's modules first, and
#      `module unload parlab` takes it all away again;
#   4. make dist: the tarball, unpacked where there is no git, builds, and its programs report the
#      version of the commit it was made from.
# Ends with "install: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1

passed=0
failed=0
ok() { echo "install-test: $*"; passed=$((passed + 1)); }
bad() { echo "FAILED: install-test: $*"; failed=$((failed + 1)); }
work=$(mktemp -d)
# make dist (4. below) writes parlab-VERSION.tar.gz into the checkout and the test removes it: a
# tarball of that name that was there already, the user's own, is kept aside and put back.
mkdir "$work/kept"
trap 'for f in "$work"/kept/*; do [ -e "$f" ] && mv "$f" .; done; rm -rf "$work"' EXIT
for f in parlab-*.tar.gz; do [ -e "$f" ] && mv "$f" "$work/kept/"; done
prefix=$work/opt/parlab
log=$work/log
# The make of this checkout, its build reused (the programs are built), quiet.
install_to() { make --no-print-directory "$@" install >"$log" 2>&1; }

# 1. Staged: everything under DESTDIR, nothing naming it or the checkout.
if install_to PREFIX=/opt/parlab DESTDIR="$work/stage" &&
    [ -x "$work/stage/opt/parlab/bin/omp_countdown" ] &&
    [ -z "$(find "$work/stage" -mindepth 1 -maxdepth 1 ! -name opt)" ]; then
    names=$(grep -rlF -e "$work/stage" -e "$PWD" "$work/stage" 2>/dev/null)
    if [ -z "$names" ] && grep -q '^set prefix /opt/parlab$' "$work/stage/opt/parlab/share/modulefiles/parlab/"*; then
        ok "DESTDIR: $(find "$work/stage" -type f | wc -l) files under the stage's /opt/parlab, none naming the stage or the checkout"
    else
        bad "DESTDIR: installed files name the stage or the checkout: $names"
    fi
else
    bad "make install PREFIX=/opt/parlab DESTDIR=...: $(tail -n 3 "$log")"
fi
rm -rf "$work/stage"

# 2. Installed, and used from elsewhere with the install alone on the PATH (and the MPI's).
if ! install_to PREFIX="$prefix" MODULE_LOAD=parlab-test-mpi; then
    bad "make install PREFIX=$prefix: $(tail -n 3 "$log")"
    echo "install: $passed passed, $failed failed"
    exit 1
fi
mpi_bin=$(dirname "$(command -v "${MPIRUN:-mpirun}")") # (make exports MPIRUN)
user=$work/user
mkdir -p "$user"
snapshot() { find "$prefix" -printf '%p %s %T@\n' | sort; }
snapshot >"$work/before"
# as_user COMMAND...: in the user's folder, with the install's bin and the MPI's on the PATH.
as_user() { (cd "$user" && env -u PARLAB_RESULTS PATH="$prefix/bin:$mpi_bin:/usr/bin:/bin" "$@"); }

if as_user omp_countdown -n 1M >"$log" 2>&1 && [ "$(tail -n 1 "$log")" = VERIFIED ]; then
    ok "omp_countdown from $prefix/bin: VERIFIED"
else
    bad "omp_countdown from the install: $(tail -n 3 "$log")"
fi
want_version=$(cat build/version.txt) # what the programs were built as
if [ "$(as_user parlab version)" = "parlab $want_version" ]; then
    ok "parlab version: $want_version"
else
    bad "parlab version: '$(as_user parlab version 2>&1)', wanted 'parlab $want_version'"
fi
if as_user parlab tour omp_race mpi_countdown >"$log" 2>&1 && grep -q 'mpi_countdown' "$log" &&
    [ "$(grep -c VERIFIED "$log")" -ge 2 ]; then
    ok "parlab tour omp_race mpi_countdown: both lessons verified"
else
    bad "parlab tour from the install: $(tail -n 5 "$log")"
fi
if as_user parlab launch 2 mpi_countdown -n 1M >"$log" 2>&1 && [ "$(tail -n 1 "$log")" = VERIFIED ]; then
    ok "parlab launch 2 mpi_countdown: VERIFIED"
else
    bad "parlab launch from the install: $(tail -n 3 "$log")"
fi
# A job script of the install, started in the user's folder (PARLAB_HOME as the module sets it).
if as_user PARLAB_HOME="$prefix/libexec/parlab" PARLAB_N=1M PARLAB_THREADS=2 \
    bash "$prefix/libexec/parlab/jobs/laptop/omp.sh" >"$log" 2>&1 &&
    grep -q '^parlab: all steps VERIFIED; results in '"$user"'/results/laptop-' "$log" &&
    [ "$(find "$user/results" -name '*.csv' -path '*/laptop-*' | wc -l)" -eq 3 ]; then
    ok "jobs/laptop/omp.sh from the install: 3 steps VERIFIED, CSVs in the user's results/"
else
    bad "jobs/laptop/omp.sh from the install: $(tail -n 3 "$log")"
fi
if as_user PARLAB_RESULTS=relative parlab tour mpi_heat >"$log" 2>&1 && [ -s "$user/relative/tour/mpi_heat.png" ] &&
    as_user PARLAB_RESULTS="$work/elsewhere" parlab tour omp_countdown >>"$log" 2>&1 &&
    as_user PARLAB_HOME="$prefix/libexec/parlab" PARLAB_RESULTS="$work/elsewhere" PARLAB_N=1M \
        PARLAB_THREADS=2 bash "$prefix/libexec/parlab/jobs/laptop/sweep.sh" >>"$log" 2>&1 &&
    [ -n "$(find "$work/elsewhere" -name sweep.csv)" ]; then
    ok "PARLAB_RESULTS, relative or not: the tour and a job array write where it says"
else
    bad "PARLAB_RESULTS: $(tail -n 3 "$log")"
fi
cp -r tests/fixtures/bench-quick "$user/bench"
if as_user parlab report bench >"$log" 2>&1 && [ -s "$user/bench/report.html" ]; then
    ok "parlab report bench: $user/bench/report.html"
else
    bad "parlab report from the install: $(tail -n 3 "$log")"
fi
if grep -qx "PARLAB_DIR=\${PARLAB_DIR:-$prefix/libexec/parlab} # parlab: this install" \
        "$prefix/libexec/parlab/jobs/slurm/omp.sbatch" "$prefix/libexec/parlab/jobs/pbs/omp.pbs"; then
    ok "the installed Slurm and PBS scripts take the install as their parlab (qsub passes no environment)"
else
    bad "the installed job scripts' PARLAB_DIR: $(grep -h '^PARLAB_DIR=' "$prefix/libexec/parlab/jobs/"{slurm/omp.sbatch,pbs/omp.pbs})"
fi
if snapshot | cmp -s - "$work/before"; then
    ok "nothing under $prefix was written by the runs"
else
    bad "the runs changed the install: $(snapshot | diff "$work/before" - | head -n 5)"
fi

# 3. The modulefile under each module system: MODULEPATH holds the install's modulefiles and a
# stand-in for the site's MPI module (MODULE_LOAD above), which sets PARLAB_TEST_MPI.
mkdir -p "$work/modules/parlab-test-mpi"
printf '#%%Module1.0\nsetenv PARLAB_TEST_MPI loaded\n' >"$work/modules/parlab-test-mpi/1.0"
lmod_cmd=/usr/share/lmod/lmod/libexec/lmod
em_cmd=$work/em/usr/lib/x86_64-linux-gnu/modulecmd.tcl
if [ ! -x "$em_cmd" ]; then # Environment Modules, unpacked here: it conflicts with lmod
    (cd "$work" && apt-get download environment-modules >/dev/null 2>&1 &&
        dpkg -x environment-modules_*.deb em) || true
fi
# module_session SYSTEM CMD...: load parlab, run a program, print what the module set; unload,
# print what is left. A module() of the system's command, as its own init scripts define it.
module_session() {
    local system=$1
    shift
    (
        cd "$user" || exit 1
        # shellcheck disable=SC2317 # called below
        module() { eval "$("$@" 2>"$work/module.err")"; }
        export PATH=$mpi_bin:/usr/bin:/bin MODULEPATH=$prefix/share/modulefiles:$work/modules
        unset PARLAB_HOME PARLAB_TEST_MPI LOADEDMODULES _LMFILES_
        case $system in
            lmod) mod() { module "$lmod_cmd" bash "$@"; } ;;
            *) mod() { module tclsh "$em_cmd" bash "$@"; } ;;
        esac
        state() { echo "$1: program=$(command -v omp_countdown) home=${PARLAB_HOME:-} mpi=${PARLAB_TEST_MPI:-}"; }
        mod load parlab
        state loaded
        omp_countdown -n 1M 2>&1 | tail -n 1
        mod unload parlab
        state unloaded
        mod unload parlab-test-mpi
        # The user's own MPI module, loaded before: parlab leaves it, loaded, when it goes.
        mod load parlab-test-mpi
        mod load parlab
        mod unload parlab
        state "the user's MPI module"
    )
}
for system in lmod environment-modules; do
    if [ "$system" = lmod ] && [ ! -x "$lmod_cmd" ]; then
        bad "lmod: not installed (Debian: apt-get install lmod)"
        continue
    elif [ "$system" != lmod ] && [ ! -f "$em_cmd" ]; then
        bad "environment-modules: could not be downloaded and unpacked (apt-get download)"
        continue
    fi
    got=$(module_session "$system" 2>&1)
    # The MPI module parlab loaded: Lmod leaves it; Environment Modules unloads it with parlab (a
    # requirement it loaded itself and nothing needs now). The user's own: both leave it.
    left=loaded
    [ "$system" = environment-modules ] && left=
    want="loaded: program=$prefix/bin/omp_countdown home=$prefix/libexec/parlab mpi=loaded
VERIFIED
unloaded: program= home= mpi=$left
the user's MPI module: program= home= mpi=loaded"
    if [ "$got" = "$want" ]; then
        ok "$system: module load parlab (and its MPI module first), a program VERIFIED, unload leaves the user's MPI module"
    else
        bad "$system: wanted '$want', got '$got' $(head -n 3 "$work/module.err" 2>/dev/null)"
    fi
done

# 4. The release tarball, built where there is no git.
if make --no-print-directory dist >"$log" 2>&1; then
    tarball=$(sed -n 's/^dist: \(parlab-[^ ]*[.]tar[.]gz\) .*/\1/p' "$log")
    release=$work/release/${tarball%.tar.gz}
    mkdir -p "$work/release"
    if [ -n "$tarball" ] && tar -xzf "$tarball" -C "$work/release" && rm -f "$tarball" &&
        make -C "$release" --no-print-directory -j2 bin/omp_countdown >"$log" 2>&1 &&
        [ "$("$release/bin/omp_countdown" --version | head -n 1)" = "omp_countdown (parlab) ${want_version%-dirty}" ]; then
        ok "make dist: $tarball builds without git and reports ${want_version%-dirty}"
    else
        bad "make dist: the release did not build or report its version: $(tail -n 3 "$log")"
    fi
else
    bad "make dist: $(tail -n 3 "$log")"
fi

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

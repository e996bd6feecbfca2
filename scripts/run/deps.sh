#!/usr/bin/env bash
# deps.sh: make sure this machine can build and run parlab; install what is missing.
#
# It checks by doing: compiling an OpenMP program with $CC, linking CUnit and libpng, compiling with
# $MPICC and finding mpirun. On Debian and Ubuntu it installs what failed with apt-get
# (non-interactive; through sudo when not root). Elsewhere it stops and prints the command to run.
set -u

CC=${CC:-cc}
MPICC=${MPICC:-mpicc}
MPIRUN=${MPIRUN:-mpirun}
OFFLOAD=${OFFLOAD:-}
# Debian's packages for the MPI that MPICC names: MPICH (make MPI=mpich) or Open MPI.
case $(basename "$MPICC") in
    *mpich*) mpi_dev=libmpich-dev mpi_bin=mpich ;;
    *) mpi_dev=libopenmpi-dev mpi_bin=openmpi-bin ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

missing=()   # Debian package names
problems=()  # what failed, for people

check() {
    cat >"$work/omp.c" <<'C'
#include <omp.h>
int main(void) { return omp_get_max_threads() < 1; }
C
    cat >"$work/cunit.c" <<'C'
#include <CUnit/CUnit.h>
int main(void) { CU_initialize_registry(); CU_cleanup_registry(); return 0; }
C
    cat >"$work/png.c" <<'C'
#include <png.h>
int main(void) { return png_access_version_number() == 0; }
C
    cat >"$work/mpi.c" <<'C'
#include <mpi.h>
int main(int argc, char **argv) { MPI_Init(&argc, &argv); return MPI_Finalize(); }
C
    cat >"$work/offload.c" <<'C'
int main(void) { int x = 0;
#pragma omp target map(tofrom: x)
x = 1;
return !x; }
C
    missing=()
    problems=()
    local compiler=gcc
    case $(basename "$CC") in clang*) compiler=clang ;; esac
    if ! command -v "$CC" >/dev/null 2>&1; then
        missing+=("$compiler")
        problems+=("no C compiler '$CC'")
    elif ! "$CC" -fopenmp "$work/omp.c" -o "$work/omp" >/dev/null 2>&1; then
        [ "$compiler" = clang ] && missing+=(libomp-dev) || missing+=(gcc)
        problems+=("'$CC -fopenmp' cannot build an OpenMP program")
    fi
 # make OFFLOAD=nvptx: GCC's offload compiler for NVIDIA GPUs (gcc-12-offload-nvptx on Debian 12)
    if [ "$OFFLOAD" = nvptx ] && ! "$CC" -fopenmp -foffload=nvptx-none "$work/offload.c" \
        -o "$work/offload" >/dev/null 2>&1; then
        missing+=("gcc-$("$CC" -dumpversion | cut -d. -f1)-offload-nvptx")
        problems+=("'$CC -foffload=nvptx-none' cannot build an offloaded OpenMP program")
    fi
    # make OFFLOAD=cpu: LLVM's CPU device, clang's -fopenmp-targets with libomptarget (libomp-dev;
    # from LLVM 15 on the driver packs the device code with clang-tools' clang-offload-packager)
    if [ "$OFFLOAD" = cpu ] && command -v "$CC" >/dev/null 2>&1 &&
        ! { "$CC" -fopenmp -fopenmp-targets="$("$CC" -dumpmachine)" "$work/offload.c" \
            -Wl,-rpath,"$(dirname "$("$CC" -print-file-name=libomptarget.so)")" \
            -o "$work/offload" && "$work/offload"; } >/dev/null 2>&1; then
        missing+=(libomp-dev clang-tools)
        problems+=("'$CC -fopenmp-targets=$("$CC" -dumpmachine)' cannot build and run an offloaded OpenMP program")
    fi
    # CPPFLAGS and LDFLAGS as the build adds them: libraries in a prefix of the user's own count.
    # shellcheck disable=SC2086 # flags, word-split as make would
    if ! "$CC" ${CPPFLAGS:-} ${LDFLAGS:-} "$work/cunit.c" -o "$work/cunit" -lcunit >/dev/null 2>&1; then
        missing+=(libcunit1-dev)
        problems+=("CUnit (header CUnit/CUnit.h, library -lcunit) not found")
    fi
    # shellcheck disable=SC2086
    if ! "$CC" ${CPPFLAGS:-} ${LDFLAGS:-} "$work/png.c" -o "$work/png" -lpng >/dev/null 2>&1; then
        missing+=(libpng-dev)
        problems+=("libpng (header png.h, library -lpng) not found")
    fi
    if ! command -v "$MPICC" >/dev/null 2>&1 || ! "$MPICC" "$work/mpi.c" -o "$work/mpi" >/dev/null 2>&1; then
        missing+=("$mpi_dev")
        problems+=("'$MPICC' cannot build an MPI program")
    fi
    if ! command -v "$MPIRUN" >/dev/null 2>&1; then
        missing+=("$mpi_bin")
        problems+=("no '$MPIRUN'")
    fi
    [ ${#missing[@]} -eq 0 ]
}

check && exit 0

printf 'deps: %s\n' "${problems[@]}" >&2
if command -v apt-get >/dev/null 2>&1; then
    sudo=()
    if [ "$(id -u)" != 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "deps: not root and no sudo; as root run: apt-get install -y ${missing[*]}" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    echo "deps: installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! "${sudo[@]}" apt-get update -q >/dev/null ||
        ! "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; then
        echo "deps: apt-get failed; run: ${sudo[*]} apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    check && { echo "deps: ready" >&2; exit 0; }
    printf 'deps: still failing after the install: %s\n' "${problems[@]}" >&2
    exit 1
fi

if command -v dnf >/dev/null 2>&1; then
    echo "deps: on Fedora/RHEL run: sudo dnf install -y gcc make openmpi-devel CUnit-devel libpng-devel" >&2
    echo "      then: module load mpi/openmpi-x86_64   (puts mpicc and mpirun on PATH)" >&2
elif command -v brew >/dev/null 2>&1; then
    echo "deps: on macOS run: brew install gcc open-mpi cunit libpng" >&2
    echo "      then build with Homebrew's gcc (Apple clang has no -fopenmp): make CC=gcc-NN" >&2
else
    echo "deps: install a C compiler with OpenMP, an MPI (Open MPI or MPICH: mpicc, mpirun) and" >&2
    echo "      CUnit and libpng, then retry (MPICC and MPIRUN name the MPI's compiler wrapper and launcher)" >&2
fi
exit 1

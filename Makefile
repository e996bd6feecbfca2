# parlab: OpenMP and MPI lessons, measured and verified. `make help` lists the targets.
#
# Lessons: omp/omp_*.c and mpi/{mpi,hybrid}_*.c are one lesson each, its constructs and its main,
# built into bin/. Each is compiled once; the lessons' library holds a copy of its object with main
# renamed main_<program> (objcopy), so the suites and the lessons built on it call its functions
# from that same compiled file. The other .c files of omp/ and mpi/ (the heat model, the images,
# the task farm, the scatter/gather runner) are shared code, archived with them. Objects go under
# build/ with header dependencies (-MMD), so `make -j` is safe.

# MPI=mpich builds and runs with Debian's MPICH (mpicc.mpich, mpirun.mpich) where Open MPI is
# the default; MPICC and MPIRUN name any other MPI's compiler wrapper and launcher.
ifeq ($(MPI),mpich)
MPICC    ?= mpicc.mpich
MPIRUN   ?= mpirun.mpich
endif
MPICC    ?= mpicc
MPIRUN   ?= mpirun
# CC, unless given: the compiler MPICC wraps (`-show`: Open MPI, MPICH, Intel MPI), so that every
# object comes from one compiler, the one a cluster's modules put first (`module load gcc/13
# openmpi` puts gcc 13 first on PATH, where `cc` stays the system's); cc where no MPICC runs.
# OFFLOAD=cpu (below) is clang's: its compiler unless CC names another.
ifeq ($(origin CC),default)
ifeq ($(OFFLOAD),cpu)
CC := clang
else
CC := $(or $(firstword $(shell $(MPICC) -show 2>/dev/null)),cc)
endif
endif
CFLAGS   ?= -O2
OMPFLAGS ?= -fopenmp
# Warnings are shown, never fatal, in what users build: a new compiler or MPI header must not stop
# a build. WERROR=1 (CI, developers, make check-warnings) makes them errors.
# Beyond -Wall -Wextra, what STYLE.md asks: no variable-length arrays, a prototype for every
# function that is not static, no shadowed names, printf formats checked.
WARN     := -std=c11 -Wall -Wextra -Wvla -Wmissing-prototypes -Wstrict-prototypes -Wshadow \
            -Wformat=2 $(if $(filter 1,$(WERROR)),-Werror)
# clang reports an `omp simd` loop it cannot vectorise for the build's target (an int64 multiply
# before AVX-512) as a warning: a speed-up missed, not a defect (common/simd.h says how to get it).
WARN     += $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null)),-Wno-pass-failed)
# What parlab needs is added to CPPFLAGS and LDLIBS, given on the command line or not (override:
# a cluster's `make CPPFLAGS=-I$$HOME/include LDFLAGS=-L$$HOME/lib` keeps parlab's own flags);
# LDFLAGS is on every link line. Added once: from the environment, make hands the sum on to the
# scripts and the makes they start, which must see the same flags (the toolchain stamp below).
PLB_CPPFLAGS := -Icommon -Iomp -Impi
override CPPFLAGS := $(filter-out $(PLB_CPPFLAGS),$(CPPFLAGS)) $(PLB_CPPFLAGS)
override LDLIBS   := $(filter-out -lm -lpthread,$(LDLIBS)) -lm -lpthread

# OFFLOAD=nvptx: target regions compiled for NVIDIA GPUs too, by GCC's nvptx offload compiler
# (make deps OFFLOAD=nvptx installs it), as PTX for OFFLOAD_ISA that the driver compiles for the
# GPU it finds (sm_80 runs on Ampere, Hopper and newer; CUDA 13's ptxas rejects GCC 12's default,
# sm_35); -lm for the math in them, no contraction as on the host. Without it GCC, should its
# offload compilers be installed, still builds for the host alone (-foffload=disable): the target
# variants then run there, and say so.
# OFFLOAD=cpu: LLVM's CPU device (clang, CC=clang by default; libomp-dev's libomptarget): the
# target regions run on this CPU as on a device with memory of its own, copied to and from, so a
# map clause left out shows as a wrong result without a GPU. clang 14 takes no device code from
# static archives (15's driver does): there the objects with target regions or `declare target`
# functions are linked as objects (OFFLOAD_OBJS).
IS_CLANG := $(findstring clang,$(shell $(CC) --version 2>/dev/null))
OFFLOAD_ISA ?= sm_80
OFFLOAD_OBJS :=
ifeq ($(OFFLOAD),nvptx)
OFFLOAD_FLAGS := -foffload=nvptx-none \
    -foffload-options=nvptx-none="-misa=$(OFFLOAD_ISA) -lm -ffp-contract=off"
override CPPFLAGS := $(filter-out -DPLB_OFFLOAD=%,$(CPPFLAGS)) -DPLB_OFFLOAD='"nvptx-none"'
else ifeq ($(OFFLOAD),cpu)
ifeq ($(findstring clang,$(CC))$(IS_CLANG),)
$(error OFFLOAD=cpu needs clang (CC=clang): GCC has no CPU offload device)
endif
OFFLOAD_TRIPLE := $(shell $(CC) -dumpmachine)
OFFLOAD_FLAGS := -fopenmp-targets=$(OFFLOAD_TRIPLE)
ifeq ($(shell [ "$$($(CC) -dumpversion | cut -d. -f1)" -lt 15 ] 2>/dev/null && echo old),old)
OFFLOAD_OBJS := build/common/offload.o build/omp/heat.o
endif
# Where the driver finds libomptarget outside the loader's path (Debian 13's LLVM 19), the
# programs are told where it is.
OFFLOAD_LIBDIR := $(patsubst %/,%,$(dir $(shell $(CC) -print-file-name=libomptarget.so)))
ifneq ($(OFFLOAD_LIBDIR),.)
override LDFLAGS += -Wl,-rpath,$(OFFLOAD_LIBDIR)
endif
override CPPFLAGS := $(filter-out -DPLB_OFFLOAD=%,$(CPPFLAGS)) -DPLB_OFFLOAD='"$(OFFLOAD_TRIPLE)"'
else ifneq ($(OFFLOAD),)
$(error OFFLOAD=$(OFFLOAD): nvptx (NVIDIA GPUs, GCC) or cpu (LLVM's CPU device, clang))
else
OFFLOAD_FLAGS := $(if $(IS_CLANG),,-foffload=disable)
endif
export OFFLOAD

# mpicc compiles with the same compiler as everything else (Open MPI and MPICH spellings); the
# scripts (deps, launcher, tests) see the same choice.
export OMPI_CC  := $(CC)
export MPICH_CC := $(CC)
export CC MPICC MPIRUN

# The version: a release's VERSION file (make dist writes it), else git's description of this
# checkout (only at its top: a tarball unpacked inside another repository is not described by it).
VERSION := $(shell if [ -r VERSION ]; then cat VERSION; \
    elif [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ]; then \
        git describe --tags --always --dirty; else echo unknown; fi)

obj = $(patsubst %.c,build/%.o,$(1))

COMMON_OBJS := $(call obj,$(filter-out common/mpi_%.c,$(wildcard common/*.c)))
COMMON_MPI_OBJS := $(call obj,$(wildcard common/mpi_*.c))
OMP_MAINS := $(wildcard omp/omp_*.c)
MPI_MAINS := $(wildcard mpi/mpi_*.c mpi/hybrid_*.c)
lesson = $(patsubst %.c,build/lessons/%.o,$(1))
OMP_KERNEL_OBJS := $(call obj,$(filter-out $(OMP_MAINS),$(wildcard omp/*.c))) $(call lesson,$(OMP_MAINS))
MPI_KERNEL_OBJS := $(call obj,$(filter-out $(MPI_MAINS),$(wildcard mpi/*.c))) $(call lesson,$(MPI_MAINS))
OMP_PROGRAMS := $(patsubst omp/%.c,bin/%,$(OMP_MAINS))
MPI_PROGRAMS := $(patsubst mpi/%.c,bin/%,$(MPI_MAINS))

LIBCOMMON := build/libparlab.a
LIBMPI    := build/libparlab_mpi.a
LIBOMPK   := build/libomp_kernels.a
LIBMPIK   := build/libmpi_kernels.a

# Test programs (build/tests/): serial suites, MPI suites, and the runners' own self-tests.
SERIAL_SUITES := $(call obj,$(filter-out tests/suite_mpi_%.c,$(wildcard tests/suite_*.c)))
MPI_SUITES    := $(call obj,$(wildcard tests/suite_mpi_*.c))
TESTS := build/tests/test_serial build/tests/test_mpi build/tests/selftest_serial \
         build/tests/selftest_mpi

# Everything compiled by mpicc: the MPI side of common/, mpi/, and the MPI tests.
MPI_OBJS := $(COMMON_MPI_OBJS) $(call obj,$(wildcard mpi/*.c tests/*mpi*.c))
COMPILER = $(CC)
$(MPI_OBJS): COMPILER = $(MPICC)

.PHONY: all tests test run deps check-warnings sanitize tsan bench bench-check bench-omp bench-mpi bench-heat plots compare-python jobs docs \
        lint lint-jobs format format-check slurm-test pbs-test cluster-test install-test check handout dist install report \
        clean help FORCE
.DEFAULT_GOAL := all

all: $(OMP_PROGRAMS) $(MPI_PROGRAMS)

tests: $(TESTS)

help:
	@echo 'parlab targets:'
	@echo '  make             build every program into bin/'
	@echo '  make run         install what is missing, build, and run the guided tour'
	@echo '                   (QUIZ=1: asks "faster, the same, or slower?" before each lesson)'
	@echo '  make test        install what is missing, build, run every CUnit suite (serial and MPI)'
	@echo '  make bench       the scaling lab: limits, sweeps, report in results/ (QUICK=1: a minute)'
	@echo '  make plots       PNG and SVG figures of the last make bench (RESULTS=dir for another)'
	@echo '  make report      one self-contained HTML file of the last make bench (RESULTS=dir), its'
	@echo '                   figures and verdicts; BASELINE=dir compares it with another run'
	@echo '  make compare-python  the Python way of each lesson beside the C one'
	@echo '  make check EX=NAME  check an exercise of exercises/: right at every rank count, and how fast'
	@echo '  make handout     results/handout/parlab-handout.tar.gz: the tree without the exercises'"'"' solutions'
	@echo '  make install     PREFIX=/opt/parlab (default /usr/local), DESTDIR=stage: the programs, the'
	@echo '                   parlab command, job scripts, docs and a modulefile (module load parlab)'
	@echo '  make dist        parlab-VERSION.tar.gz: a release whose build knows its version without git'
	@echo '  make bench-check fail when a performance target is missed (not part of make test)'
	@echo '  make bench-omp   omp_stream against plain OpenMP loops, the kernels against STREAM, per thread count'
	@echo '  make bench-mpi   scatter/compute/gather at 16M elements, np 2 and 4, against bare and mpi4py'
	@echo '  make bench-heat  the heat step per thread and rank count, against a plain loop and STREAM'
	@echo '  make jobs        render jobs/describe into the Slurm, PBS and laptop scripts'
	@echo '  make docs        put the programs'"'"' output of today into the course pages (docs/)'
	@echo '  make lint-jobs   check they are up to date and pass shellcheck'
	@echo '  make slurm-test  bring up a one-node Slurm here (root) and submit every Slurm script'
	@echo '  make pbs-test    parse every #PBS line and run each PBS script in a simulated PBS job'
	@echo '  make cluster-test  two hosts in network namespaces (root): MPI over TCP across them'
	@echo '  make install-test  install into a temporary prefix; run it, its jobs and its modulefile'
	@echo '  make deps        only install (or name) the missing dependencies'
	@echo '  make check-warnings  build everything with -Werror (what CI does on every lane)'
	@echo '  make lint        cppcheck over the C sources: any finding fails (CI runs it)'
	@echo '  make format      the C sources in the house style (.clang-format); format-check: only say'
	@echo '  make sanitize    make test with every program and suite built with ASan and UBSan'
	@echo '  make tsan        the thread lessons under ThreadSanitizer (clang, libomp, Archer): the'
	@echo '                  race must be reported, the fixed variants must not'
	@echo '  make clean       remove bin/ and build/'
	@echo 'Variables: CC (default cc; clang works), MPICC (default mpicc), MPIRUN (default mpirun),'
	@echo '  PLAIN_CFLAGS (the bench-omp yardstick, default -O3 -march=native),'
	@echo '  MPI=mpich (Debian'"'"'s MPICH: mpicc.mpich, mpirun.mpich), CFLAGS (default -O2),'
	@echo '  WERROR=1 (warnings are errors), OFFLOAD=nvptx (the target variants for NVIDIA GPUs, GCC)'
	@echo '  or OFFLOAD=cpu (on LLVM'"'"'s CPU device, clang: memory of its own, the maps proven)'
	@echo 'Layout: omp/ and mpi/ one file per lesson; common/ the C library; scripts/run/,'
	@echo '  scripts/bench/, scripts/plot/ the scripts; docs/ the course; figures/ its figures; tests/ the'
	@echo '  suites and checks (tests/jobs/: the Slurm, PBS and cluster tests); jobs/ the job scripts'

deps:
	@CPPFLAGS='$(CPPFLAGS)' LDFLAGS='$(LDFLAGS)' scripts/run/deps.sh

check-warnings:
	@$(MAKE) --no-print-directory WERROR=1 all tests

# Exercises: the learner's files in exercises/NAME/ (FROM=DIR: another folder's) built with the
# exercise's checker, exercises/check/NAME.c, and run by exercises/check.sh.
check:
	@$(MAKE) --no-print-directory $(LIBMPIK) $(LIBOMPK) $(LIBMPI) $(LIBCOMMON)
	@CC='$(CC)' MPICC='$(MPICC)' CPPFLAGS='$(CPPFLAGS)' CFLAGS='$(CFLAGS)' WARN='$(WARN)' OMPFLAGS='$(OMPFLAGS) $(OFFLOAD_FLAGS)' \
	    LDFLAGS='$(LDFLAGS)' LDLIBS='$(LDLIBS)' exercises/check.sh '$(EX)' $(if $(FROM),'$(FROM)')

# What a teacher hands out: the tree without exercises/solutions/ (scripts/run/archive.sh: the last
# commit's, in a git checkout).
HANDOUT := results/handout/parlab-handout.tar.gz
handout:
	@scripts/run/archive.sh $(HANDOUT) parlab '$(VERSION)' exercises/solutions
	@echo "handout: $(HANDOUT) ($$(tar -tzf $(HANDOUT) | grep -c '^parlab/exercises/check/.*[.]c$$')" \
	    "exercises, no solutions)"

# A release: parlab-VERSION.tar.gz of the last commit, with a VERSION file, so that its build says
# which it is without git. (Uncommitted changes are not in it: the version is the commit's.)
DIST := parlab-$(VERSION:-dirty=)
dist:
	@case '$(VERSION)' in *-dirty) echo "dist: the last commit's tree: your uncommitted changes are not in it" >&2 ;; esac
	@scripts/run/archive.sh $(DIST).tar.gz $(DIST) '$(VERSION:-dirty=)'
	@echo "dist: $(DIST).tar.gz ($$(tar -tzf $(DIST).tar.gz | grep -vc '/$$') files, version $(VERSION:-dirty=))"

# make install PREFIX=... DESTDIR=...: PARLAB_HOME, $(PREFIX)/libexec/parlab, is the tree the
# scripts and job scripts run in, as in a checkout (bin/, scripts/run|bench|plot/, jobs/,
# docs/quiz.txt); $(PREFIX)/bin links each program and the parlab command there; the docs go to
# share/doc/parlab, the modulefile (Tcl: Lmod and Environment Modules) to
# share/modulefiles/parlab/MODULE_VERSION (default: the version the programs were built as).
# MODULE_LOAD: modules it loads first, where not loaded yet (the compiler and MPI the programs were
# built with, e.g. "gcc/12 openmpi/4"). The Slurm and PBS scripts installed take the install as
# their parlab (qsub passes no environment); the laptop ones the tree they are in. Results never go
# into the install: they go to PARLAB_RESULTS, by default results/ in the folder a script is
# started from. It installs what `make` built (as yourself; then make install, as root if need
# be): it builds nothing, so a root shell without your compiler's module needs none.
PREFIX ?= /usr/local
MODULE_LOAD ?=
BUILT_VERSION = $(shell cat build/version.txt 2>/dev/null)
MODULE_VERSION ?= $(BUILT_VERSION)
INSTALL_HOME := $(DESTDIR)$(PREFIX)/libexec/parlab
INSTALL_SCRIPTS := scripts/run/parlab scripts/run/mpilaunch scripts/run/parlab.sh scripts/run/quiz.sh \
    scripts/run/tour.sh scripts/bench/bench.sh scripts/bench/countdown_copies.sh \
    scripts/bench/bench_report.awk scripts/bench/heat_model.awk scripts/bench/report.sh \
    scripts/bench/compare_python.sh \
    $(wildcard scripts/bench/python/*.py) scripts/plot/plots.sh \
    $(wildcard jobs/slurm/*.sbatch jobs/pbs/*.pbs jobs/laptop/*.sh) docs/quiz.txt
# (Blanks or shell characters in them would stop the lines below half-way, the install half done.)
install: export PLB_INSTALL_PATHS = $(DESTDIR)$(PREFIX)$(MODULE_VERSION)
install: export PLB_MODULE_LOAD = $(MODULE_LOAD)
install:
	@if printf '%s' "$$PLB_INSTALL_PATHS" | grep -q '[^-[:alnum:]/._+~:@,=]' || \
	    printf '%s' "$$PLB_MODULE_LOAD" | grep -q '[^-[:alnum:]/._+ ]'; then \
	    echo "install: PREFIX, DESTDIR and MODULE_VERSION are paths without blanks or shell characters, MODULE_LOAD module names and blanks" >&2; exit 2; fi
	@for p in $(OMP_PROGRAMS) $(MPI_PROGRAMS); do [ -x $$p ] && [ -n '$(MODULE_VERSION)' ] || \
	    { echo "install: $$p is not built: run make first, then make install" >&2; exit 2; }; done
	install -d $(INSTALL_HOME)/bin $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/parlab \
	    $(DESTDIR)$(PREFIX)/share/modulefiles/parlab
	install -m 755 $(OMP_PROGRAMS) $(MPI_PROGRAMS) $(INSTALL_HOME)/bin/
	@for f in $(INSTALL_SCRIPTS); do \
	    mode=644; [ -x $$f ] && mode=755; \
	    install -D -m $$mode $$f $(INSTALL_HOME)/$$f || exit 1; \
	done
	sed -i 's|^PARLAB_DIR=.*$$|PARLAB_DIR=$${PARLAB_DIR:-$(PREFIX)/libexec/parlab} # parlab: this install|' \
	    $(INSTALL_HOME)/jobs/slurm/*.sbatch $(INSTALL_HOME)/jobs/pbs/*.pbs
	@echo "install: $(words $(INSTALL_SCRIPTS)) scripts into $(INSTALL_HOME)"
	cd $(DESTDIR)$(PREFIX)/bin && for p in $(notdir $(OMP_PROGRAMS) $(MPI_PROGRAMS)); do \
	    ln -sfn ../libexec/parlab/bin/$$p $$p; done && ln -sfn ../libexec/parlab/scripts/run/parlab parlab
	cp -R README.md LICENSE docs figures $(DESTDIR)$(PREFIX)/share/doc/parlab/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(BUILT_VERSION)|g' -e 's|@MODULE_LOAD@|$(MODULE_LOAD)|g' \
	    scripts/run/modulefile.tcl >$(DESTDIR)$(PREFIX)/share/modulefiles/parlab/$(MODULE_VERSION)
	@echo "install: parlab $(BUILT_VERSION) in $(DESTDIR)$(PREFIX), module parlab/$(MODULE_VERSION):" \
	    "'module use $(PREFIX)/share/modulefiles', then 'module load parlab' puts it on the path"

install-test: deps
	@$(MAKE) --no-print-directory all
	@tests/jobs/install_test.sh

sanitize: deps
	@tests/sanitize.sh

tsan:
	@tests/tsan.sh

test: deps
	@$(MAKE) --no-print-directory all tests
	@tests/run_tests.sh

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run/tour.sh $(if $(filter 1,$(QUIZ)),--quiz)

bench: deps
	@$(MAKE) --no-print-directory all
	@QUICK=$(QUICK) scripts/bench/bench.sh

plots:
	@scripts/plot/plots.sh $(RESULTS)

report:
	@BASELINE='$(BASELINE)' scripts/bench/report.sh $(RESULTS)

compare-python: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench/compare_python.sh

jobs:
	@jobs/render.sh

# The program output the course pages show, made anew (make test checks it: tests/check_docs.sh).
docs: all
	@tests/check_docs.sh --write

# cppcheck's warning, portability and performance checks; a finding that is wrong is suppressed
# where it stands, with the reason (/* cppcheck-suppress ID ; why */).
lint:
	@command -v cppcheck >/dev/null || { echo "lint: needs cppcheck (Debian: apt-get install cppcheck)" >&2; exit 2; }
	@cppcheck --std=c11 --enable=warning,portability,performance --inline-suppr --error-exitcode=1 \
	    -q -Icommon -Iomp -Impi -Iexercises/check -Iexercises/check/shared --suppress=missingIncludeSystem common omp mpi scripts/bench \
	    tests exercises
	@echo "lint: cppcheck found nothing in common/, omp/, mpi/, tests/, exercises/ and scripts/bench/"

# The house style of the C sources is .clang-format's (CI: Debian 12's clang-format 14; another
# version may place a few lines otherwise). make format rewrites them in place; make format-check
# changes nothing and fails naming each line that differs. Tables laid out by hand sit between
# /* clang-format off */ and /* clang-format on */.
CLANG_FORMAT ?= clang-format
FORMAT_SOURCES = $(sort $(wildcard common/*.[ch] omp/*.[ch] mpi/*.[ch] tests/*.[ch] \
    scripts/bench/*.c exercises/*/*.[ch] exercises/*/*/*.[ch]))
format:
	@$(CLANG_FORMAT) -i $(FORMAT_SOURCES)
	@echo "format: $(words $(FORMAT_SOURCES)) files in the house style"
format-check:
	@command -v $(CLANG_FORMAT) >/dev/null || { echo "format-check: needs clang-format (Debian: apt-get install clang-format)" >&2; exit 2; }
	@$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_SOURCES) || \
	    { echo "format-check: not in the house style: run make format" >&2; exit 1; }
	@echo "format-check: $(words $(FORMAT_SOURCES)) C files in the house style"

lint-jobs:
	@jobs/render.sh --check
	@shellcheck jobs/*.sh jobs/slurm/*.sbatch jobs/pbs/*.pbs jobs/laptop/*.sh
	@echo "lint-jobs: every job script passes shellcheck"

slurm-test: deps
	@$(MAKE) --no-print-directory all
	@tests/jobs/slurm_test.sh

pbs-test: deps
	@$(MAKE) --no-print-directory all
	@tests/jobs/pbs_test.sh

cluster-test: deps
	@$(MAKE) --no-print-directory all tests
	@tests/jobs/cluster_test.sh

# The verdicts are kept beside the last make bench's results too (make report shows them, with
# the time they were measured: later than that run's).
bench-check: SHELL := /bin/bash
bench-check: deps
	@$(MAKE) --no-print-directory all build/bench/plain_stream build/bench/plain_heat
	@latest=$${PARLAB_RESULTS:-results}/latest; \
	 { echo "# bench-check: measured $$(date -u +%Y-%m-%dT%H:%M:%SZ), after that bench run"; \
	   scripts/bench/bench_omp.sh --check; omp=$$?; scripts/bench/bench_mpi.sh --check; mpi=$$?; \
	   scripts/bench/bench_heat.sh --check; heat=$$?; \
	   test $$omp -eq 0 && test $$mpi -eq 0 && test $$heat -eq 0; } 2>&1 | \
	 if [ -d "$$latest" ]; then tee "$$latest/bench-check.txt"; else cat; fi; \
	 exit $${PIPESTATUS[0]}

bench-heat: deps
	@$(MAKE) --no-print-directory all build/bench/plain_heat
	@scripts/bench/bench_heat.sh

bench-omp: deps
	@$(MAKE) --no-print-directory all build/bench/plain_stream
	@scripts/bench/bench_omp.sh

bench-mpi: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench/bench_mpi.sh

build/%.o: %.c build/toolchain.txt
	@mkdir -p $(@D)
	$(COMPILER) $(CPPFLAGS) $(CFLAGS) $(WARN) $(OMPFLAGS) $(OFFLOAD_FLAGS) $(EXACT_FP) -MMD -MP \
	    -c $< -o $@

# The heat equation's one update (omp/heat.c) rounds the same on every CPU: no fused multiply-add
# in the x86-64-v3/v4 clones that the baseline cannot match. After CFLAGS, so it holds over them.
build/omp/heat.o build/omp/omp_heat.o: EXACT_FP := -ffp-contract=off

# A lesson's object for the libraries: the program's own, its main renamed (binutils' objcopy, or
# llvm-objcopy: OBJCOPY=llvm-objcopy).
OBJCOPY ?= objcopy
build/lessons/%.o: build/%.o
	@mkdir -p $(@D)
	$(OBJCOPY) --redefine-sym main=main_$(notdir $*) $< $@

# Only version.o sees the version, and it is rebuilt only when the version changes.
build/version.txt: FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@
build/common/version.o: build/version.txt

# Every object depends on the toolchain it was built with: switching MPI, compiler or flags in the
# same tree rebuilds everything instead of linking Open MPI objects into an MPICH program.
TOOLCHAIN := $(CC) | $(MPICC) | $(CFLAGS) | $(WARN) | $(OMPFLAGS) | $(OFFLOAD_FLAGS) | $(CPPFLAGS) | \
             $(LDFLAGS) | $(LDLIBS)
# Before `make deps` has run, say so rather than stop at "mpicc: No such file or directory".
build/toolchain.txt: FORCE
	@for tool in $(firstword $(CC)) $(firstword $(MPICC)); do \
	    command -v $$tool >/dev/null 2>&1 || { echo "make: '$$tool' is not installed: run 'make deps'" \
	        "(or 'make run' or 'make test', which install what is missing first)" >&2; exit 2; }; \
	done
	@mkdir -p $(@D)
	@echo '$(TOOLCHAIN)' | cmp -s - $@ || echo '$(TOOLCHAIN)' > $@
build/common/version.o: override CPPFLAGS += -DPLB_VERSION='"$(VERSION)"'

build/lib%.a:
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBCOMMON): $(COMMON_OBJS)
$(LIBMPI): $(COMMON_MPI_OBJS)
$(LIBOMPK): $(OMP_KERNEL_OBJS)
$(LIBMPIK): $(MPI_KERNEL_OBJS)

# The thumbnails lessons read and write PNG files with libpng, the heat lessons draw their field
# with it; the suites call their functions.
bin/omp_thumbnails bin/mpi_thumbnails bin/omp_heat bin/mpi_heat build/tests/test_serial \
    build/tests/test_mpi check: override LDLIBS += -lpng

$(OMP_PROGRAMS): bin/%: build/omp/%.o $(OFFLOAD_OBJS) $(LIBOMPK) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(OMPFLAGS) $(OFFLOAD_FLAGS) $^ -o $@ $(LDLIBS)

$(MPI_PROGRAMS): bin/%: build/mpi/%.o $(LIBMPIK) $(LIBOMPK) $(LIBMPI) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(MPICC) $(CFLAGS) $(LDFLAGS) $(OMPFLAGS) $(OFFLOAD_FLAGS) $^ -o $@ $(LDLIBS)

build/tests/test_serial: build/tests/test_serial.o $(SERIAL_SUITES) build/tests/cunit_runner.o \
                         $(LIBOMPK) $(LIBCOMMON)
build/tests/selftest_serial: build/tests/selftest_serial.o build/tests/cunit_runner.o
$(filter build/tests/%serial,$(TESTS)):
	$(CC) $(CFLAGS) $(LDFLAGS) $(OMPFLAGS) $(OFFLOAD_FLAGS) $^ -o $@ $(LDLIBS) -lcunit

build/tests/test_mpi: build/tests/test_mpi.o $(MPI_SUITES) build/tests/cunit_mpi.o \
                      $(LIBMPIK) $(LIBOMPK) $(LIBMPI) $(LIBCOMMON)
build/tests/selftest_mpi: build/tests/selftest_mpi.o build/tests/cunit_mpi.o
$(filter build/tests/%mpi,$(TESTS)):
	$(MPICC) $(CFLAGS) $(LDFLAGS) $(OMPFLAGS) $(OFFLOAD_FLAGS) $^ -o $@ $(LDLIBS) -lcunit

# The yardstick of make bench-omp: plain OpenMP loops, built the best way for this machine.
PLAIN_CFLAGS ?= -O3 -march=native
build/bench/plain_stream build/bench/plain_heat: build/bench/%: scripts/bench/%.c build/toolchain.txt
	@mkdir -p $(@D)
	$(CC) $(PLAIN_CFLAGS) $(LDFLAGS) $(WARN) $(OMPFLAGS) $< -o $@

clean:
	rm -rf bin build

-include $(shell find build -name '*.d' 2>/dev/null)

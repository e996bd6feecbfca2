#%Module1.0
# parlab @VERSION@: made by make install from scripts/run/modulefile.tcl. Tcl, which Lmod and
# Environment Modules both read. `module load parlab` puts the programs and the parlab command on
# the path; PARLAB_HOME is the installed tree the job scripts run in.

proc ModulesHelp { } {
    puts stderr "parlab @VERSION@: OpenMP and MPI lessons, measured and verified."
    puts stderr "  parlab help             the make-less entry points: tour, bench, plots, ..."
    puts stderr "  omp_countdown --help    any lesson program (omp_*, mpi_*, hybrid_*)"
    puts stderr "  \$PARLAB_HOME/jobs/      Slurm, PBS and laptop job scripts"
    puts stderr "  Results go to \$PARLAB_RESULTS (default: results/ where you start a script)."
}

module-whatis "parlab @VERSION@: OpenMP and MPI lessons, measured and verified"

# One parlab at a time.
conflict parlab

# The compiler and MPI the programs were built with (make install MODULE_LOAD="..."), first, where
# they are not loaded yet; unloading parlab leaves them loaded (they may be the user's own).
if {[module-info mode load]} {
    foreach dependency [list @MODULE_LOAD@] {
        if {![is-loaded $dependency]} {
            module load $dependency
        }
    }
}

set prefix @PREFIX@
prepend-path PATH $prefix/bin
setenv PARLAB_HOME $prefix/libexec/parlab

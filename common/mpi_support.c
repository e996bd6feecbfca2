/* mpi_support.c: MPI helpers shared by every MPI program (see mpi_support.h). */
#include "mpi_support.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "memory.h"
#include "report.h"

static void barrier(void *ctx)
{
    MPI_Barrier(*(MPI_Comm *)ctx);
}

static double max_over_ranks(double value, void *ctx)
{
    double max;
    MPI_Allreduce(&value, &max, 1, MPI_DOUBLE, MPI_MAX, *(MPI_Comm *)ctx);
    return max;
}

plb_sync plb_mpi_sync(MPI_Comm *comm)
{
    return (plb_sync){barrier, max_over_ranks, comm};
}

int plb_mpi_agree(int code, MPI_Comm comm)
{
    int agreed;
    MPI_Allreduce(&code, &agreed, 1, MPI_INT, MPI_MAX, comm);
    return agreed;
}

void plb_mpi_library(char *buf, size_t len)
{
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int length;
    MPI_Get_library_version(version, &length);
    version[strcspn(version, "\n")] = '\0';
    for (char *c = version; *c; c++) /* MPICH: "MPICH Version:<tab>4.0.2" */
        if (*c == '\t')
            *c = ' ';
    snprintf(buf, len, "%s", version);
}

/* How many processes the launcher started, as it tells each one, and in which variable: Open MPI's
 * mpirun, then Hydra's (MPICH, Intel MPI), then srun's (set in a step only, not in the batch
 * script). 0 where none says. */
static long launched_processes(const char **variable)
{
    static const char *const said_by[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE",
                                          "SLURM_STEP_NUM_TASKS"};
    for (size_t k = 0; k < sizeof said_by / sizeof said_by[0]; k++) {
        const char *value = getenv(said_by[k]);
        char *end;
        long n = value ? strtol(value, &end, 10) : 0;
        if (value && end != value && *end == '\0' && n > 0) {
            *variable = said_by[k];
            return n;
        }
    }
    return 0;
}

/* Another MPI's launcher (Open MPI's mpirun for an MPICH build, srun without the MPI's plugin)
 * starts N copies that each MPI_Init as a world of one rank: N runs, each "VERIFIED". Returns
 * PLB_EXIT_USAGE, said by rank 0 of each world, when the launcher's count is not MPI's; -1 when
 * they agree or the launcher says nothing. */
static int launched_by_another_mpi(const char *program)
{
    const char *variable = NULL;
    long launched = launched_processes(&variable);
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (launched == 0 || launched == size)
        return -1;
    char library[MPI_MAX_LIBRARY_VERSION_STRING];
    plb_mpi_library(library, sizeof library);
    library[strcspn(library, ",")] = '\0'; /* "Open MPI v4.1.4", "MPICH Version: 4.0.2" */
    return plb_mpi_refuse(program, PLB_EXIT_USAGE, MPI_COMM_WORLD,
                          "the launcher started %ld processes (%s=%ld) but MPI sees %d rank%s: "
                          "start it with the launcher of %s, the MPI it was built with",
                          launched, variable, launched, size, size == 1 ? "" : "s", library);
}

int plb_mpi_parse_cli(const plb_program *prog, int argc, char **argv, plb_options *opt,
                      MPI_Comm comm)
{
    plb_report_by_lines();
    int status = launched_by_another_mpi(prog->name);
    if (status >= 0)
        return plb_mpi_agree(status, comm);
    int rank;
    MPI_Comm_rank(comm, &rank);
    char err[512];
    status = plb_parse_options(prog, argc, argv, opt, rank == 0 ? stdout : NULL, err, sizeof err);
    if (rank == 0 && status > 0)
        fprintf(stderr, "%s\n", err);
    return plb_mpi_agree(status, comm);
}

int plb_mpi_verdict(const plb_options *opt, const char *failure, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0)
        return plb_report_verdict(opt, failure);
    return failure ? PLB_EXIT_FAILED : PLB_EXIT_VERIFIED;
}

FILE *plb_mpi_report_start(plb_context *ctx, const char *program, int threads,
                           const plb_options *opt, MPI_Comm comm)
{
    static char library[256];
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    plb_mpi_library(library, sizeof library);
    MPI_Comm node; /* the ranks that share rank 0's node share its cores */
    int node_ranks;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_ranks);
    MPI_Comm_free(&node);
    *ctx = (plb_context){.program = program,
                         .ranks = size,
                         .threads = threads,
                         .mpi_library = library,
                         .node_ranks = node_ranks};
    if (rank != 0)
        return NULL;
    plb_report_header(stdout, ctx, opt);
    return stdout;
}

int plb_mpi_refuse(const char *program, int code, MPI_Comm comm, const char *fmt, ...)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0) {
        va_list ap;
        va_start(ap, fmt);
        plb_vrefuse(program, code, fmt, ap);
        va_end(ap);
    }
    return code;
}

bool plb_mpi_first_error(const char *err, MPI_Comm comm)
{
    int rank, first;
    MPI_Comm_rank(comm, &rank);
    int mine = err ? rank : INT_MAX;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == rank)
        fprintf(stderr, "%s\n", err);
    return first != INT_MAX;
}

bool plb_mpi_share_detail(bool failed, char *detail, int len, MPI_Comm comm)
{
    int rank, first;
    MPI_Comm_rank(comm, &rank);
    int mine = failed ? rank : INT_MAX;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == INT_MAX)
        return false;
    MPI_Bcast(detail, len, MPI_CHAR, first, comm);
    detail[len - 1] = '\0';
    return true;
}

bool plb_mpi_memory_check(const char *program, double bytes, MPI_Comm comm)
{
    char err[256];
    bool fits = plb_memory_fits(program, bytes, err, sizeof err);
    return !plb_mpi_first_error(fits ? NULL : err, comm);
}

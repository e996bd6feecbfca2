/* mpi_checker.c: the MPI exercises' shared checking (mpi_checker.h). */
#include <stdio.h>
#include <unistd.h>

#include "exit_codes.h"
#include "mpi_checker.h"
#include "watchdog.h"

static void say_mpi_error(MPI_Comm *comm, int *code, ...)
{
    char text[MPI_MAX_ERROR_STRING];
    int len, rank;
    MPI_Error_string(*code, text, &len);
    MPI_Comm_rank(*comm, &rank);
    fprintf(stderr, "MPI ERROR: rank %d: %s\n", rank, text);
    MPI_Abort(*comm, PLB_EXIT_FAILED);
}

void checker_say_mpi_errors(MPI_Comm comm)
{
    MPI_Errhandler handler;
    MPI_Comm_create_errhandler(say_mpi_error, &handler);
    MPI_Comm_set_errhandler(comm, handler);
    MPI_Errhandler_free(&handler);
}

int checker_watch_hangs(const char *call, int rank, int size, double timeout_s)
{
    char line[256];
    snprintf(line, sizeof line, "HANG: rank %d of %d: %s has not returned in %g s: it waits for "
             "a message no rank sends, or sends one no rank receives\n", rank, size, call,
             timeout_s);
    /* rank 0 prints first; the others' lines follow a tenth of a second apart */
    return plb_watchdog_install(line, STDERR_FILENO, timeout_s, 0.1 * rank, NULL);
}

/* test_mpi.c: every MPI CUnit suite, run on every rank (see cunit_mpi.h). */
#include <mpi.h>

#include "cunit_mpi.h"
#include "suites.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    CU_SuiteInfo suites[] = {
        {"mpi common", NULL, NULL, NULL, NULL, mpi_common_tests},
        {"mpi scatter-gather", NULL, NULL, NULL, NULL, mpi_scatter_tests},
        {"mpi lessons", NULL, NULL, NULL, NULL, mpi_lesson_tests},
        {"mpi heat", NULL, NULL, NULL, NULL, mpi_heat_tests},
        CU_SUITE_INFO_NULL,
    };
    int code = plb_cunit_mpi("mpi", suites, MPI_COMM_WORLD);
    MPI_Finalize();
    return code;
}

/* selftest_mpi.c: proves the MPI runner turns a failure on one rank into a failure everywhere.
 * One test passes everywhere; the other fails on the last rank only. Expected on rank 0:
 * "selftest np=P: 1 passed, 1 failed", and every rank exits 1 (so mpirun does).
 * tests/run_tests.sh runs it and checks exactly that. */
#include <mpi.h>

#include "cunit_mpi.h"

static void passes(void)
{
    CU_ASSERT_EQUAL(1 + 1, 2);
}

static void fails_on_last_rank(void)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CU_ASSERT_NOT_EQUAL(rank, size - 1);
}

static CU_TestInfo tests[] = {
    {"passes", passes}, {"fails on the last rank", fails_on_last_rank}, CU_TEST_INFO_NULL};

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    CU_SuiteInfo suites[] = {{"selftest", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
    int code = plb_cunit_mpi("selftest", suites, MPI_COMM_WORLD);
    MPI_Finalize();
    return code;
}

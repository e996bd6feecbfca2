/* cunit_mpi.h: the MPI-aware CUnit runner.
 *
 * Every rank runs every suite. Rank 0 prints CUnit's basic output; the other ranks run silently
 * and print their failures on stderr, each line tagged with the rank. A test (or a suite set-up)
 * counts as failed when it failed on any rank; rank 0 prints the combined
 * "LABEL np=P: N passed, N failed" last, and every rank returns 1 when anything failed anywhere.
 * Tests must use non-fatal asserts only: a fatal one would skip a collective and hang the others. */
#ifndef PARLAB_CUNIT_MPI_H
#define PARLAB_CUNIT_MPI_H

#include <CUnit/CUnit.h>
#include <mpi.h>

/* Collective over comm. Call between MPI_Init and MPI_Finalize. */
int plb_cunit_mpi(const char *label, CU_SuiteInfo *suites, MPI_Comm comm);

#endif

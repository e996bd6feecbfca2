/* cunit_mpi.c: the MPI-aware CUnit runner (see cunit_mpi.h). */
#include "cunit_mpi.h"

#include <CUnit/Basic.h>
#include <CUnit/TestRun.h>
#include <stdio.h>
#include <stdlib.h>

/* Slot of a failure in the flag array: suites first (set-up failures), then tests, both in
 * registration order, which is the same on every rank. */
static int slot_of(const CU_FailureRecord *f, CU_pTestRegistry reg)
{
    int slot = 0;
    for (CU_pSuite s = reg->pSuite; s; s = s->pNext, slot++)
        if (!f->pTest && s == f->pSuite)
            return slot;
    for (CU_pSuite s = reg->pSuite; s; s = s->pNext)
        for (CU_pTest t = s->pTest; t; t = t->pNext, slot++)
            if (t == f->pTest)
                return slot;
    return -1;
}

/* Whether flag is true on every rank. Collective. */
static int on_all_ranks(int flag, MPI_Comm comm)
{
    MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_LAND, comm);
    return flag;
}

static void report_failure(const char *label, int rank, const CU_FailureRecord *f)
{
    fprintf(stderr, "%s rank %d: FAILED %s/%s %s:%u: %s\n", label, rank,
            f->pSuite ? f->pSuite->pName : "?", f->pTest ? f->pTest->pName : "(suite set-up)",
            f->strFileName ? f->strFileName : "?", f->uiLineNumber,
            f->strCondition ? f->strCondition : "");
}

int plb_cunit_mpi(const char *label, CU_SuiteInfo *suites, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);

    int ok = CU_initialize_registry() == CUE_SUCCESS && CU_register_suites(suites) == CUE_SUCCESS;
    if (!ok)
        fprintf(stderr, "%s rank %d: cannot set up CUnit: %s\n", label, rank, CU_get_error_msg());
    CU_pTestRegistry reg = CU_get_registry();
    int nsuites = ok ? (int)reg->uiNumberOfSuites : 0, ntests = ok ? (int)reg->uiNumberOfTests : 0;
    int *failed = calloc((size_t)(nsuites + ntests + 1), sizeof *failed);
    if (!on_all_ranks(ok && failed, comm)) {
        free(failed);
        CU_cleanup_registry();
        return 1;
    }

    if (rank == 0) {
        CU_basic_set_mode(CU_BRM_NORMAL);
        CU_basic_run_tests();
    } else {
        CU_run_all_tests();
    }
    for (CU_pFailureRecord f = CU_get_failure_list(); f; f = f->pNext) {
        int slot = slot_of(f, reg);
        if (slot >= 0)
            failed[slot] = 1;
        if (rank != 0)
            report_failure(label, rank, f);
    }
    fflush(stderr);
    MPI_Allreduce(MPI_IN_PLACE, failed, nsuites + ntests, MPI_INT, MPI_MAX, comm);

    /* The tests of a suite whose set-up failed on some rank neither passed nor failed. */
    int failed_suites = 0, failed_tests = 0, not_run = 0, slot = 0;
    for (CU_pSuite s = reg->pSuite; s; s = s->pNext, slot++) {
        failed_suites += failed[slot];
        not_run += failed[slot] ? (int)s->uiNumberOfTests : 0;
    }
    for (int t = 0; t < ntests; t++)
        failed_tests += failed[nsuites + t];
    free(failed);
    CU_cleanup_registry();

    MPI_Barrier(comm); /* let the other ranks' failure lines out before the summary */
    if (rank == 0) {
        printf("\n%s np=%d: %d passed, %d failed\n", label, size, ntests - not_run - failed_tests,
               failed_suites + failed_tests);
        fflush(stdout);
    }
    return failed_suites + failed_tests ? 1 : 0;
}

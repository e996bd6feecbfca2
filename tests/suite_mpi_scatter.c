/* suite_mpi_scatter.c: scatter, compute and gather for every n around the rank count and a large
 * odd n, in every distributed form, identical to the serial kernel; and a kernel that does nothing
 * fails on every rank. Run under mpirun at several rank counts. Non-fatal asserts only. */
#include <stdlib.h>
#include <string.h>

#include "mpi_map_square.h"
#include "omp_map_square.h"
#include "partition.h"
#include "mpi_ranks.h"
#include "suites.h"

static void nothing(const int64_t *in, int64_t *out, int64_t count, int threads)
{
    (void)in, (void)out, (void)count, (void)threads;
}

/* mpi_map_square's own lesson, and the same with a compute that does nothing. */
static const sg_kernel *const squares = &map_square_lesson;
static sg_kernel lazy;

static void test_blocks(void)
{
    /* Blocks cover 0..n exactly once, in order, and differ in size by at most one. */
    int p = size_of();
    const int64_t ns[] = {0, 1, 2, p - 1, p, p + 1, 1000003};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        int64_t next = 0;
        int64_t smallest = INT64_MAX, largest = 0;
        for (int r = 0; r < p; r++) {
            int64_t count = plb_block_count(ns[i], p, r), displ = plb_block_start(ns[i], p, r);
            CU_ASSERT_EQUAL(displ, next);
            next += count;
            smallest = count < smallest ? count : smallest;
            largest = count > largest ? count : largest;
        }
        CU_ASSERT_EQUAL(next, ns[i]);
        CU_ASSERT(largest - smallest <= 1);
    }
}

static void test_every_variant_matches_serial(void)
{
    int p = size_of(), rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const int64_t ns[] = {1, 2, p - 1, p, p + 1, 1000003};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        if (ns[i] < 1)
            continue;
        for (int threads = 1; threads <= 2; threads++) {
            sg_job *job = sg_create(squares, ns[i], threads, MPI_COMM_WORLD);
            CU_ASSERT_PTR_NOT_NULL(job);
            if (!job)
                continue;
            int64_t *a = NULL, *ref = NULL;
            if (rank == 0) { /* the serial kernel over the whole input */
                a = malloc((size_t)ns[i] * sizeof *a);
                ref = malloc((size_t)ns[i] * sizeof *ref);
                CU_ASSERT_PTR_NOT_NULL(a && ref ? a : NULL);
                if (a && ref) {
                    map_square_inputs(a, ns[i], 0);
                    map_square_seq(a, ref, ns[i]);
                }
            }
            for (int v = 0; v < SG_VARIANTS; v++) {
                CU_ASSERT_EQUAL(sg_run_once(job, (enum sg_variant)v), 0);
                if (rank == 0 && ref)
                    CU_ASSERT_EQUAL(memcmp(sg_result(job), ref, (size_t)ns[i] * sizeof *ref), 0);
            }
            CU_ASSERT_PTR_NULL(rank == 0 ? NULL : sg_result(job));
            free(a);
            free(ref);
            sg_destroy(job);
        }
    }
}

static void test_lazy_kernel_fails_everywhere(void)
{
    /* Only the compute step is missing: every rank must see the failure, even those whose own
     * block is empty. */
    int p = size_of();
    lazy = map_square_lesson;
    lazy.compute = nothing;
    sg_job *job = sg_create(&lazy, p + 1, 1, MPI_COMM_WORLD);
    CU_ASSERT_PTR_NOT_NULL(job);
    if (!job)
        return;
    CU_ASSERT_NOT_EQUAL(sg_run_once(job, SG_COLLECTIVE), 0);
    CU_ASSERT_NOT_EQUAL(sg_run_once(job, SG_P2P), 0);
    CU_ASSERT_NOT_EQUAL(sg_run_once(job, SG_SEQ), 0);
    CU_ASSERT_NOT_EQUAL(sg_run_once(job, SG_BARE), 0);
    sg_destroy(job);
}

CU_TestInfo mpi_scatter_tests[] = {
    {"blocks cover n exactly, even split", test_blocks},
    {"seq, collective, p2p, bare: identical to serial", test_every_variant_matches_serial},
    {"a kernel that does nothing fails on every rank", test_lazy_kernel_fails_everywhere},
    CU_TEST_INFO_NULL,
};

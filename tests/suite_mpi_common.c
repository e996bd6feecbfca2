/* suite_mpi_common.c: the MPI side of common/, run on every rank at several rank counts.
 * Non-fatal asserts only: every rank must reach every collective. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "exit_codes.h"
#include "mpi_support.h"
#include "mpi_ranks.h"
#include "suites.h"

static void test_agree(void)
{
    int last = size_of() - 1;
    CU_ASSERT_EQUAL(plb_mpi_agree(rank_of() == last ? PLB_EXIT_USAGE : -1, MPI_COMM_WORLD),
                    PLB_EXIT_USAGE);
    CU_ASSERT_EQUAL(plb_mpi_agree(-1, MPI_COMM_WORLD), -1);
}

static void test_library(void)
{
    char name[256];
    plb_mpi_library(name, sizeof name);
    CU_ASSERT(strlen(name) > 0);
    CU_ASSERT_PTR_NULL(strchr(name, '\n'));
}

/* Rank r sleeps r ms per run: the reported time must be the slowest rank's, on every rank. */
static void sleep_by_rank(void *arg)
{
    (void)arg;
    plb_sleep(0.001 * rank_of());
}

static void test_time_is_max_over_ranks(void)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    plb_sync sync = plb_mpi_sync(&comm);
    plb_kernel k = {NULL, sleep_by_rank, NULL, NULL};
    plb_measure_cfg cfg = {.warmup = 0, .repeats = 3, .sync = &sync};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_OK);
    CU_ASSERT(m.stats.min >= 1e-3 * (size_of() - 1));
    /* identical statistics and batch on every rank */
    double mine[2] = {m.stats.median, (double)m.batch}, lo[2], hi[2];
    MPI_Allreduce(mine, lo, 2, MPI_DOUBLE, MPI_MIN, comm);
    MPI_Allreduce(mine, hi, 2, MPI_DOUBLE, MPI_MAX, comm);
    CU_ASSERT_DOUBLE_EQUAL(lo[0], hi[0], 0.0);
    CU_ASSERT_DOUBLE_EQUAL(lo[1], hi[1], 0.0);
}

static void busy(void *arg)
{
    volatile long *sink = arg;
    for (long i = 0; i < 1000; i++)
        *sink += i;
}

static int wrong_on_last_rank(void *arg, long runs)
{
    (void)arg;
    (void)runs;
    return rank_of() == size_of() - 1;
}

static void test_one_wrong_rank_fails_all(void)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    plb_sync sync = plb_mpi_sync(&comm);
    volatile long sink = 0;
    plb_kernel k = {NULL, busy, wrong_on_last_rank, (void *)&sink};
    plb_measure_cfg cfg = {.warmup = 1, .repeats = 3, .sync = &sync};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_UNVERIFIED);
}

static const char *const variants[] = {"seq", "p2p", NULL};
static const plb_program prog = {.name = "mpi_selftest",
                                 .summary = "expected errors from the MPI parser test",
                                 .variants = variants};

static void test_parse_agreed(void)
{
    /* Only the last rank sees a bad value: every rank must still get exit code 2. */
    int bad_here = rank_of() == size_of() - 1;
    char *argv[] = {"mpi_selftest", "-n", bad_here ? "-3" : "100", NULL};
    plb_options opt = {.n = 1, .repeats = 1};
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    dup2(null, 2); /* rank 0's expected error line is not news */
    int status = plb_mpi_parse_cli(&prog, 3, argv, &opt, MPI_COMM_WORLD);
    dup2(saved, 2);
    close(null);
    close(saved);
    CU_ASSERT_EQUAL(status, PLB_EXIT_USAGE);

    char *good[] = {"mpi_selftest", "-n", "1K", "-V", "p2p", NULL};
    CU_ASSERT_EQUAL(plb_mpi_parse_cli(&prog, 5, good, &opt, MPI_COMM_WORLD), -1);
    CU_ASSERT_EQUAL(opt.n, 1024);
    CU_ASSERT_TRUE(plb_variant_selected(&prog, &opt, "p2p"));
    CU_ASSERT_FALSE(plb_variant_selected(&prog, &opt, "seq"));
}

/* An agreed refusal: every rank returns its code, rank 0 alone prints the one line. */
static void test_refuse_once(void)
{
    FILE *err = tmpfile();
    CU_ASSERT_PTR_NOT_NULL(err);
    if (!err)
        return;
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(err), 2);
    int code = plb_mpi_refuse("mpi_selftest", PLB_EXIT_USAGE, MPI_COMM_WORLD, "n is over %d", 7);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char line[128] = "";
    rewind(err);
    size_t got = fread(line, 1, sizeof line - 1, err);
    line[got] = '\0';
    fclose(err);
    CU_ASSERT_EQUAL(code, PLB_EXIT_USAGE);
    CU_ASSERT_STRING_EQUAL(line, rank_of() == 0 ? "mpi_selftest: n is over 7\n" : "");
}

CU_TestInfo mpi_common_tests[] = {
    {"one rank's error code becomes everyone's", test_agree},
    {"library name, one line", test_library},
    {"step time is the maximum over ranks", test_time_is_max_over_ranks},
    {"a wrong result on one rank fails every rank", test_one_wrong_rank_fails_all},
    {"command line agreed across ranks", test_parse_agreed},
    {"an agreed refusal: one line, from rank 0", test_refuse_once},
    CU_TEST_INFO_NULL,
};

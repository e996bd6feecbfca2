/* suite_mpi_lessons.c: the MPI lesson kernels at several rank counts: the task farm hands out
 * every item exactly once, every deadlock fix delivers the partner's data (below and above the
 * eager limit), the shared-memory window's slices and atomic counters are exact, and the
 * hand-written collectives' results are the sums and blocks made here, at every rank count.
 * Non-fatal asserts only: every rank must reach every collective. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "omp_countdown.h"
#include "partition.h"
#include "mpi_collectives.h"
#include "mpi_deadlock.h"
#include "omp_increment.h"
#include "mpi_shared_array.h"
#include "mpi_ranks.h"
#include "mpi_support.h"
#include "suites.h"
#include "farm.h"
#include "mpi_thumbnails.h"
#include "omp_thumbnails.h"

static void test_farm_exactly_once(void)
{
    int p = size_of(), root = rank_of() == 0;
    const int64_t ns[] = {1, 2, p - 1, p, p + 1, 1000};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        int64_t n = ns[i];
        if (n < 1)
            continue;
        int64_t *results = root ? calloc((size_t)n, sizeof *results) : NULL;
        int64_t *done_by = root ? calloc((size_t)p, sizeof *done_by) : NULL;
        farm_items items = {.n = n, .unit = 10, .results = results};
        farm_work work = farm_items_work(&items);
        for (int kind = 0; kind < 3; kind++) {
            for (int64_t k = 0; root && results && k < n; k++)
                results[k] = 0;
            farm_run((farm_way)kind, &work, done_by, MPI_COMM_WORLD);
            if (root && results && done_by) {
                CU_ASSERT_EQUAL(farm_check(results, n), -1);
                int64_t total = 0;
                for (int r = 0; kind > 0 && r < p; r++)
                    total += done_by[r];
                CU_ASSERT(kind == 0 || total == n);
                CU_ASSERT(kind != 2 || p == 1 || done_by[0] == 0); /* the master only hands out */
            }
        }
        if (root && results) { /* an item counted twice is caught */
            results[n - 1] *= 2;
            CU_ASSERT_EQUAL(farm_check(results, n), n - 1);
        }
        free(results);
        free(done_by);
    }
}

/* The thumbnails farmed out, in blocks and by the root alone: on the root, the same bytes as
 * omp_thumbnails' own sequential ones; a set left untouched fails. */
static void test_thumbnail_farm(void)
{
    enum { N = 9, SIZE = 16 };
    int root = rank_of() == 0;
    album a;
    thumb *want = album_generate(&a, N, 200, SIZE) == 0 ? thumbnails_alloc(&a, 2) : NULL;
    thumb *got = want ? want + N : NULL;
    CU_ASSERT_PTR_NOT_NULL(want); /* no fatal asserts: every rank reaches every collective */
    if (plb_mpi_agree(want == NULL, MPI_COMM_WORLD) == 0) {
        CU_ASSERT_EQUAL(thumbnails_seq(&a, want), 0);
        CU_ASSERT_EQUAL(thumbnails_check(&a, got, want), 0); /* nothing taken in: caught */
        album_farm farm = {.a = &a, .out = got};
        farm_work work = album_farm_work(&farm);
        for (int kind = 0; kind < 3; kind++) {
            thumbnails_poison(&a, got);
            farm_run((farm_way)kind, &work, NULL, MPI_COMM_WORLD);
            if (root)
                CU_ASSERT_EQUAL(thumbnails_check(&a, got, want), -1);
        }
    }
    thumbnails_free(want, &a, 2);
    album_close(&a);
}

static void test_exchanges_deliver(void)
{
    int rank = rank_of(), partner = (rank ^ 1) < size_of() ? rank ^ 1 : -1;
    const int counts[] = {1, 1000, 100000}; /* 8 bytes to 800 kB: both sides of the eager limit */
    int64_t *out = malloc(100000 * sizeof *out), *in = malloc(100000 * sizeof *in);
    CU_ASSERT_PTR_NOT_NULL(out && in ? out : NULL);
    for (size_t c = 0; out && in && c < sizeof counts / sizeof counts[0]; c++) {
        for (int kind = EXCHANGE_SENDRECV; kind <= EXCHANGE_PARITY; kind++) {
            for (int i = 0; i < counts[c]; i++) {
                out[i] = rank * 1000003 + i;
                in[i] = -1;
            }
            if (partner < 0)
                continue;
            exchange((exchange_kind)kind, out, in, counts[c], partner, MPI_COMM_WORLD);
            int wrong = 0;
            for (int i = 0; i < counts[c]; i++)
                wrong += in[i] != partner * 1000003 + i;
            CU_ASSERT_EQUAL(wrong, 0);
        }
        if (partner >= 0) { /* the eager probe completes the exchange whatever it finds */
            send_completes_alone(out, in, counts[c], partner, 0.01, MPI_COMM_WORLD);
            CU_ASSERT_EQUAL(in[counts[c] - 1], partner * 1000003 + counts[c] - 1);
        }
    }
    free(out);
    free(in);
}

static void test_shared_window(void)
{
    shared_window s;
    int p = size_of();
    CU_ASSERT_EQUAL(shared_window_create(&s, 1000003, MPI_COMM_WORLD), 0);
    shared_reset(&s);
    shared_increment_slices(&s);
    shared_increment_slices(&s);
    if (s.node_rank == 0)
        CU_ASSERT_EQUAL(increment_check(s.a, s.n, 0, 2), -1);
    int64_t updates = plb_block_count(7000, p, rank_of()), node_updates;
    MPI_Allreduce(&updates, &node_updates, 1, MPI_INT64_T, MPI_SUM, s.node);
    for (int kind = COUNTER_FETCH_AND_OP; kind <= COUNTER_RACY; kind++) {
        shared_reset(&s);
        shared_count(&s, updates, (counter_kind)kind);
        if (s.node_rank == 0 && kind != COUNTER_RACY)
            CU_ASSERT_EQUAL(*s.counter, node_updates);
        if (s.node_rank == 0 && kind == COUNTER_RACY) /* lost, never invented */
            CU_ASSERT(*s.counter >= 1 && *s.counter <= node_updates);
    }
    /* The probe makes its updates (two passes of SHARED_PROBE_UPDATES per rank), atomically. */
    shared_reset(&s);
    double each = shared_atomic_seconds(&s, MPI_COMM_WORLD);
    CU_ASSERT(each > 0.0 && each < 1.0);
    if (s.node_rank == 0)
        CU_ASSERT_EQUAL(*s.counter, 2 * SHARED_PROBE_UPDATES * s.node_size);
    shared_window_free(&s);
}

/* Without --updates: the default where an atomic is fast, a run's budget's worth where it is slow
 * (MPICH 4.0 on ranks that share cores: 2 ms each), and never fewer than the probe's per rank. */
static void test_shared_default_updates(void)
{
    CU_ASSERT_EQUAL(shared_default_updates(0.0, 4), SHARED_UPDATES);
    CU_ASSERT_EQUAL(shared_default_updates(1e-7, 4), SHARED_UPDATES);
    CU_ASSERT_EQUAL(shared_default_updates(SHARED_RUN_BUDGET_S / SHARED_UPDATES, 4),
                    SHARED_UPDATES);
    CU_ASSERT_EQUAL(shared_default_updates(2e-3, 4), (int64_t)(SHARED_RUN_BUDGET_S / 2e-3));
    CU_ASSERT(shared_default_updates(2e-3, 4) * 2e-3 <= SHARED_RUN_BUDGET_S);
    CU_ASSERT_EQUAL(shared_default_updates(1.0, 4), 4 * SHARED_PROBE_UPDATES);
    CU_ASSERT_EQUAL(shared_default_updates(1e-7, 10000), 10000 * SHARED_PROBE_UPDATES);
}

/* Element i of rank r's contribution in test_collectives_by_hand. */
static uint64_t contribution(int r, int i)
{
    return (uint64_t)r * 1000003u + (uint64_t)i + 1u;
}

/* mpi_collectives' loops and trees at this run's rank count (the suites run at 1 to 8: powers of
 * two and not) and at 1, 3 and 1000 elements: the sums, the gathered blocks and the broadcast
 * message exact on every rank that has a result, each checked against sums made here. */
static void test_collectives_by_hand(void)
{
    void (*const ways[])(coll_buffers *) = {
        bcast_linear,       bcast_tree,     reduce_linear,   reduce_tree, allreduce_linear,
        allreduce_doubling, allgather_ring, allgather_bruck, scan_chain,  scan_doubling};
    const int counts[] = {1, 3, 1000};
    int rank = rank_of(), p = size_of();
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        int count = counts[c];
        coll_buffers b = {.in = calloc((size_t)count, sizeof *b.in),
                          .out = calloc((size_t)count * p, sizeof *b.out),
                          .tmp = calloc((size_t)count * p, sizeof *b.tmp),
                          .count = count,
                          .comm = MPI_COMM_WORLD};
        if (plb_mpi_agree(!b.in || !b.out || !b.tmp, MPI_COMM_WORLD)) {
            CU_FAIL("out of memory");
            free(b.in), free(b.out), free(b.tmp);
            continue;
        }
        for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
            int op = (int)w / 2; /* bcast, reduce, allreduce, allgather, scan */
            for (int i = 0; i < count; i++)
                b.in[i] = contribution(rank, i);
            for (int k = 0; k < count * p; k++)
                b.out[k] = op == 0 && rank == 0 && k < count ? 7u * (uint64_t)k + 5u : UINT64_MAX;
            ways[w](&b);
            int wrong = 0, upto = op == 3 ? count * p : count;
            for (int k = 0; k < upto && (op != 1 || rank == 0); k++) {
                uint64_t want = 0;
                if (op == 0)
                    want = 7u * (uint64_t)k + 5u;
                else if (op == 3)
                    want = contribution(k / count, k % count);
                else
                    for (int r = 0; r <= (op == 4 ? rank : p - 1); r++)
                        want += contribution(r, k);
                wrong += b.out[k] != want;
            }
            CU_ASSERT_EQUAL(wrong, 0);
            if (wrong)
                printf("\n  collective %zu, %d elements, rank %d of %d: %d wrong\n", w, count, rank,
                       p, wrong);
        }
        free(b.in), free(b.out), free(b.tmp);
    }
}

CU_TestInfo mpi_lesson_tests[] = {
    {"task farm, static split, root alone: every item once", test_farm_exactly_once},
    {"thumbnails farmed out: the root gets every one, exact", test_thumbnail_farm},
    {"sendrecv, nonblocking, parity deliver, eager or not", test_exchanges_deliver},
    {"shared window: slices and atomic counters exact", test_shared_window},
    {"shared counter: fewer updates only where atomics are slow", test_shared_default_updates},
    {"collectives by hand, loops and trees: exact at any rank count", test_collectives_by_hand},
    CU_TEST_INFO_NULL,
};

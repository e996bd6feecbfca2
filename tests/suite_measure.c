/* suite_measure.c: the clock, the repetition runner and its guards. */

#include "clock.h"
#include "measure.h"
#include "suites.h"

static void test_monotonic(void)
{
    double previous = plb_now();
    int backwards = 0;
    for (int i = 0; i < 100000; i++) {
        double t = plb_now();
        backwards += t < previous;
        previous = t;
    }
    CU_ASSERT_EQUAL(backwards, 0);
}

static void test_resolution(void)
{
    double r = plb_clock_resolution();
    CU_ASSERT(r > 0.0);
    CU_ASSERT(r < 1e-3);
}

static void test_seconds(void)
{
    /* The clock counts seconds, not ticks or nanoseconds. */
    double start = plb_now();
    plb_sleep(0.02);
    double elapsed = plb_now() - start;
    CU_ASSERT(elapsed >= 0.02);
    CU_ASSERT(elapsed < 2.0);
}

typedef struct counting {
    int prepares, runs, verifies, barriers, unsynchronised;
    long last_verify_runs;
    int fail_verify;
    volatile long sink;
    long work;
} counting;

static void count_prepare(void *arg)
{
    ((counting *)arg)->prepares++;
}

static void count_run(void *arg)
{
    counting *c = arg;
    c->runs++;
    /* between a batch's prepare and its runs: its opening barrier, the closing one not yet */
    c->unsynchronised += c->barriers != 2 * c->prepares - 1;
    for (long i = 0; i < c->work; i++)
        c->sink += i;
}

static int count_verify(void *arg, long runs)
{
    counting *c = arg;
    c->verifies++;
    c->last_verify_runs = runs;
    return c->fail_verify;
}

static void sleeping_run(void *arg)
{
    ((counting *)arg)->runs++;
    plb_sleep(0.001);
}

static void test_slow_kernel(void)
{
    counting c = {0};
    plb_kernel k = {count_prepare, sleeping_run, count_verify, &c};
    plb_measure_cfg cfg = {.warmup = 1, .repeats = 3};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_OK);
    CU_ASSERT_EQUAL(m.batch, 1);
    CU_ASSERT_EQUAL(m.stats.count, 3);
    CU_ASSERT(m.stats.min >= 0.001);
    CU_ASSERT(m.stats.min <= m.stats.median && m.stats.median <= m.stats.max);
    /* two calibration batches, one warm-up, three kept; each prepared and verified */
    CU_ASSERT_EQUAL(m.runs, 6);
    CU_ASSERT_EQUAL(c.runs, 6);
    CU_ASSERT_EQUAL(c.prepares, 6);
    CU_ASSERT_EQUAL(c.verifies, 6);
}

/* Warm-up goes on until it has taken warmup_s (20 runs of 1 ms here; at least 2 on a machine so
 * loaded that a 1 ms sleep takes 10), and -w 0 still means none. */
static void test_warmup_time_floor(void)
{
    counting c = {0};
    plb_kernel k = {count_prepare, sleeping_run, count_verify, &c};
    plb_measure_cfg cfg = {.warmup = 1, .warmup_s = 0.02, .repeats = 3};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_OK);
    CU_ASSERT(m.runs >= 2 + 2 + 3 && m.runs <= 2 + 20 + 3);
    CU_ASSERT_EQUAL(m.runs, c.runs);
    CU_ASSERT_EQUAL(m.stats.count, 3);
    counting none = {0};
    plb_kernel k0 = {count_prepare, sleeping_run, count_verify, &none};
    plb_measure_cfg no_warmup = {.warmup = 0, .warmup_s = 0.02, .repeats = 3};
    CU_ASSERT_EQUAL(plb_measure(&k0, &no_warmup, &m), PLB_MEASURE_OK);
    CU_ASSERT_EQUAL(m.runs, 2 + 3);
}

static void test_short_kernel_batched(void)
{
    counting c = {.work = 200};
    plb_kernel k = {count_prepare, count_run, count_verify, &c};
    plb_measure_cfg cfg = {.warmup = 2, .repeats = 5};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_OK);
    CU_ASSERT(m.batch > 1);
    CU_ASSERT(m.guard_s >= PLB_GUARD_FACTOR * plb_clock_resolution() * 0.5);
    CU_ASSERT(m.stats.min * (double)m.batch >= m.guard_s);
    CU_ASSERT_EQUAL(c.last_verify_runs, m.batch); /* verify sees the runs since prepare */
    CU_ASSERT_EQUAL(m.runs, c.runs);
    CU_ASSERT_EQUAL(c.prepares, c.verifies);
}

/* Slow for its first three runs (a cold start), then 100 times faster. */
static void cold_start_run(void *arg)
{
    counting *c = arg;
    if (c->runs++ < 3)
        plb_sleep(0.002);
    else
        for (long i = 0; i < c->work; i++)
            c->sink += i;
}

static void test_warm_runs_faster(void)
{
    /* Calibration fixes batch 1 on the cold runs; the warm samples fall under the guard, so the
     * runner must batch more and start the samples over, not keep or reject them. */
    counting c = {.work = 2000};
    plb_kernel k = {NULL, cold_start_run, NULL, &c};
    plb_measure_cfg cfg = {.warmup = 0, .repeats = 3, .min_sample_s = 0.0005};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_OK);
    CU_ASSERT(m.batch > 1);
    CU_ASSERT(m.stats.min * (double)m.batch >= 0.0005);
    CU_ASSERT(m.stats.max < 0.002); /* no cold run among the kept samples */
}

static void nothing(void *arg)
{
    (void)arg;
}

static void test_too_short(void)
{
    /* A kernel that does nothing cannot fill the guard with a small batch limit. */
    plb_kernel k = {NULL, nothing, NULL, NULL};
    plb_measure_cfg cfg = {.warmup = 0, .repeats = 3, .max_batch = 16};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_TOO_SHORT);
    CU_ASSERT_EQUAL(m.status, PLB_MEASURE_TOO_SHORT);
    /* It doubled the batch up to the limit: 1 + 2 + 4 + 8 + 16 runs, more where a batch that lost
     * its core looked long enough and was measured again (seen in a lane on a loaded machine). */
    CU_ASSERT(m.runs >= 1 + 2 + 4 + 8 + 16);
}

static void test_implausible(void)
{
    /* Batched enough to pass the guard, an empty kernel is still caught by the plausibility
     * floor: the check that catches a loop the compiler deleted. */
    plb_kernel k = {NULL, nothing, NULL, NULL};
    plb_measure_cfg cfg = {.warmup = 0, .repeats = 3, .plausible_s = 1e-6};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_IMPLAUSIBLE);
}

static void test_unverified(void)
{
    counting c = {.fail_verify = 1};
    plb_kernel k = {count_prepare, sleeping_run, count_verify, &c};
    plb_measure_cfg cfg = {.warmup = 1, .repeats = 3};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_UNVERIFIED);
    CU_ASSERT_EQUAL(c.verifies, 1); /* it stops at the first wrong result */
}

static void test_bad_config(void)
{
    plb_kernel k = {NULL, nothing, NULL, NULL};
    plb_measurement m;
    plb_measure_cfg no_repeats = {.warmup = 0, .repeats = 0};
    CU_ASSERT_EQUAL(plb_measure(&k, &no_repeats, &m), PLB_MEASURE_BAD_CONFIG);
    plb_kernel no_run = {NULL, NULL, NULL, NULL};
    plb_measure_cfg cfg = {.warmup = 0, .repeats = 1};
    CU_ASSERT_EQUAL(plb_measure(&no_run, &cfg, &m), PLB_MEASURE_BAD_CONFIG);
    CU_ASSERT_STRING_EQUAL(plb_measure_error(PLB_MEASURE_IMPLAUSIBLE),
                           "implausibly fast: the work was optimised away");
}

static void count_barrier(void *ctx)
{
    ((counting *)ctx)->barriers++;
}

/* Stand-ins for the other ranks: one 5 ms slower than us (verdicts, which are 0, pass through),
 * and one whose every result is wrong. */
static double slow_peer_max(double value, void *ctx)
{
    (void)ctx;
    return value > 0.0 && value < 0.005 ? 0.005 : value;
}

static double wrong_peer_max(double value, void *ctx)
{
    (void)ctx;
    return value == 0.0 ? 1.0 : value;
}

/* A stand-in for a rank that finishes 5 ms after us: the closing barrier (every second one)
 * waits for it. */
static void late_peer_barrier(void *ctx)
{
    counting *c = ctx;
    if (++c->barriers % 2 == 0)
        plb_sleep(0.005);
}

/* Span timing: the time of a batch includes waiting for the last rank to finish, even though this
 * rank's own work took no time. */
static void test_span_includes_last_rank(void)
{
    counting c = {.work = 0};
    plb_sync sync = {late_peer_barrier, NULL, &c};
    plb_kernel k = {count_prepare, count_run, NULL, &c};
    plb_measure_cfg cfg = {.warmup = 0, .repeats = 3, .min_sample_s = 0.001, .sync = &sync};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_OK);
    CU_ASSERT_EQUAL(m.batch, 1);
    CU_ASSERT(m.stats.min >= 0.005);
}

static void test_sync_hooks(void)
{
    counting c = {.work = 10};
    plb_sync sync = {count_barrier, NULL, &c};
    plb_kernel k = {count_prepare, count_run, NULL, &c};
    plb_measure_cfg cfg = {.warmup = 1, .repeats = 4, .sync = &sync};
    plb_measurement m;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_OK);
    /* two barriers per batch: after its prepare, before its first run; after its last run */
    CU_ASSERT_EQUAL(c.barriers, 2 * c.prepares);
    CU_ASSERT(c.prepares >= cfg.warmup + cfg.repeats + 2);
    CU_ASSERT_EQUAL(c.unsynchronised, 0);

    /* What is reported is the reduced time, the slowest rank's. */
    plb_sync slow = {NULL, slow_peer_max, NULL};
    cfg.sync = &slow;
    cfg.min_sample_s = 0.001;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_OK);
    CU_ASSERT_EQUAL(m.batch, 1);
    CU_ASSERT_DOUBLE_EQUAL(m.stats.min, 0.005, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(m.stats.max, 0.005, 0.0);

    /* A peer's failed verification fails the measurement here too. */
    plb_sync wrong = {NULL, wrong_peer_max, NULL};
    cfg.sync = &wrong;
    CU_ASSERT_EQUAL(plb_measure(&k, &cfg, &m), PLB_MEASURE_UNVERIFIED);
}

static void test_rate(void)
{
    CU_ASSERT_DOUBLE_EQUAL(plb_rate(16e9, 2.0, 1e9), 8.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(plb_rate(1e6, 0.5, 1e6), 2.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(plb_rate(1e6, 0.0, 1e6), 0.0, 0.0);
}

CU_TestInfo measure_tests[] = {
    {"clock never goes backwards", test_monotonic},
    {"clock resolution known and sane", test_resolution},
    {"clock counts seconds", test_seconds},
    {"slow kernel: batch 1, every batch prepared and verified", test_slow_kernel},
    {"warm-up lasts its time floor; -w 0 means none", test_warmup_time_floor},
    {"short kernel: batched until past the guard", test_short_kernel_batched},
    {"warm runs faster than calibration: batch again", test_warm_runs_faster},
    {"too-short guard refuses a kernel that takes no time", test_too_short},
    {"plausibility floor catches deleted work", test_implausible},
    {"a wrong result stops the measurement", test_unverified},
    {"bad configuration refused", test_bad_config},
    {"MPI hooks: barriers around each batch, reduced values used", test_sync_hooks},
    {"span timing: a batch lasts until the last rank is done", test_span_includes_last_rank},
    {"rate from amount per run", test_rate},
    CU_TEST_INFO_NULL,
};

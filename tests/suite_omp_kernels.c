/* suite_omp_kernels.c: the OpenMP kernels at 1, 2, 3 and 8 threads and sizes 1, 2, 7, 1000 and
 * 1,000,003 give exact results identical to the sequential kernels, and a kernel that does
 * nothing fails the checks. */
#include <stdlib.h>
#include <string.h>

#include "album.h"
#include "omp_countdown.h"
#include "omp_deadlock.h"
#include "omp_increment.h"
#include "omp_latency.h"
#include "omp_queue.h"
#include "omp_thumbnails.h"
#include "omp_map_square.h"
#include "omp_overhead.h"
#include "omp_race.h"
#include "omp_stream.h"
#include "suites.h"

static const int thread_counts[] = {1, 2, 3, 8};
static const int64_t sizes[] = {1, 2, 7, 1000, 1000003};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_increment(void)
{
    for (size_t s = 0; s < COUNT(sizes); s++) {
        int64_t n = sizes[s];
        int64_t *ref = malloc((size_t)n * sizeof *ref), *a = malloc((size_t)n * sizeof *a);
        CU_ASSERT_PTR_NOT_NULL(ref && a ? ref : NULL);
        if (!ref || !a) {
            free(ref);
            free(a);
            continue;
        }
        increment_fill(ref, n, 1);
        increment_seq(ref, n);
        CU_ASSERT_EQUAL(increment_check(ref, n, 0, 1), -1);
        for (size_t t = 0; t < COUNT(thread_counts); t++) {
            increment_fill(a, n, thread_counts[t]);
            CU_ASSERT_EQUAL(increment_check(a, n, 0, 1), 0); /* nothing done yet: caught */
            increment_parallel(a, n, thread_counts[t]);
            CU_ASSERT_EQUAL(increment_check(a, n, 0, 1), -1);
            CU_ASSERT_EQUAL(memcmp(a, ref, (size_t)n * sizeof *a), 0);
            increment_parallel(a, n, thread_counts[t]);
            CU_ASSERT_EQUAL(increment_check(a, n, 0, 2), -1);
        }
        a[n - 1] += 5; /* one wrong element, the last, is found */
        CU_ASSERT_EQUAL(increment_check(a, n, 0, 2), n - 1);
        free(ref);
        free(a);
    }
}

static void test_map_square(void)
{
    static const map_schedule schedules[] = {MAP_STATIC, MAP_DYNAMIC, MAP_GUIDED};
    static const int chunks[] = {1, 7, 1024};
    for (size_t s = 0; s < COUNT(sizes); s++) {
        int64_t n = sizes[s];
        int64_t *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
        int64_t *ref = malloc((size_t)n * sizeof *ref);
        CU_ASSERT_PTR_NOT_NULL(a && b && ref ? a : NULL);
        if (!a || !b || !ref) {
            free(a);
            free(b);
            free(ref);
            continue;
        }
        map_square_fill(a, ref, n, 0, 1);
        CU_ASSERT_EQUAL(map_square_check(ref, n, 0), 0); /* poisoned, not yet computed */
        map_square_seq(a, ref, n);
        CU_ASSERT_EQUAL(map_square_check(ref, n, 0), -1);
        for (size_t t = 0; t < COUNT(thread_counts); t++)
            for (size_t k = 0; k < COUNT(schedules); k++)
                for (size_t c = 0; c < COUNT(chunks); c++) {
                    map_square_fill(a, b, n, 0, thread_counts[t]);
                    map_square_parallel(a, b, n, thread_counts[t], schedules[k], chunks[c]);
                    CU_ASSERT_EQUAL(map_square_check(b, n, 0), -1);
                    CU_ASSERT_EQUAL(memcmp(b, ref, (size_t)n * sizeof *b), 0);
                }
        free(a);
        free(b);
        free(ref);
    }
}

static void test_map_square_no_overflow(void)
{
    /* Around i = 2^31 the input wraps back to 2: the largest square is (2^31 + 1)^2 < 2^63. */
    int64_t offset = (INT64_C(1) << 31) - 4, a[8], b[8];
    map_square_fill(a, b, 8, offset, 2);
    CU_ASSERT_EQUAL(a[3], INT64_C(0x80000001));
    CU_ASSERT_EQUAL(a[4], 2);
    map_square_parallel(a, b, 8, 2, MAP_STATIC, 0);
    CU_ASSERT_EQUAL(b[3], INT64_C(4611686022722355201));
    CU_ASSERT_EQUAL(map_square_check(b, 8, offset), -1);
    CU_ASSERT_EQUAL(map_square_check(b, 8, 0), 0); /* checked against another offset: wrong */
    CU_ASSERT_EQUAL(map_square_input(INT64_MAX), INT64_C(0x80000001));
    for (int64_t i = 0; i < 4; i++) /* no input is its own square: doing nothing is caught */
        CU_ASSERT_NOT_EQUAL(map_square_input(i) * map_square_input(i), map_square_input(i));
}

static void test_countdown(void)
{
    CU_ASSERT_EQUAL(countdown(0), 0);
    CU_ASSERT_EQUAL(countdown(-3), -3);
    for (size_t s = 0; s < COUNT(sizes); s++) {
        int64_t n = sizes[s];
        CU_ASSERT_EQUAL(countdown(n), 0);
        for (size_t t = 0; t < COUNT(thread_counts); t++) {
            int threads = thread_counts[t];
            int64_t shares[8], left[8];
            for (int i = 0; i < 8; i++)
                shares[i] = left[i] = -1;
            int team = countdown_parallel(n, threads, shares, left);
            CU_ASSERT(team >= 1 && team <= threads);
            int64_t total = 0, smallest = n, largest = 0;
            for (int i = 0; i < team; i++) {
                CU_ASSERT_EQUAL(left[i], 0);
                total += shares[i];
                smallest = shares[i] < smallest ? shares[i] : smallest;
                largest = shares[i] > largest ? shares[i] : largest;
            }
            CU_ASSERT_EQUAL(total, n);
            CU_ASSERT(largest - smallest <= 1); /* an even split */
        }
    }
}

static void test_race(void)
{
    static const race_kind fixed[] = {RACE_SEQ, RACE_ATOMIC, RACE_CRITICAL, RACE_LOCK,
                                      RACE_REDUCTION};
    for (size_t s = 0; s < COUNT(sizes); s++)
        for (size_t t = 0; t < COUNT(thread_counts); t++) {
            int64_t n = sizes[s];
            for (size_t k = 0; k < COUNT(fixed); k++)
                CU_ASSERT_EQUAL(race_count(n, thread_counts[t], fixed[k]), n);
            int64_t racy = race_count(n, thread_counts[t], RACE_UNSYNC);
            CU_ASSERT(racy >= 1 && racy <= n); /* updates can be lost, never invented */
        }
    CU_ASSERT_EQUAL(race_count(1000003, 1, RACE_UNSYNC), 1000003); /* no race on one thread */
}

static void test_stream(void)
{
    for (size_t s = 0; s < COUNT(sizes); s++) {
        int64_t n = sizes[s];
        double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
        double *c = malloc((size_t)n * sizeof *c);
        CU_ASSERT_PTR_NOT_NULL(a && b && c ? a : NULL);
        for (size_t t = 0; a && b && c && t < COUNT(thread_counts); t++) {
            stream_fill_copy(a, b, n, thread_counts[t]);
            CU_ASSERT_EQUAL(stream_check_copy(b, n), 0); /* poisoned until copied */
            stream_copy(a, b, n, thread_counts[t]);
            CU_ASSERT_EQUAL(stream_check_copy(b, n), -1);
            stream_fill_triad(a, b, c, n, thread_counts[t]);
            CU_ASSERT_EQUAL(stream_check_triad(a, n), 0);
            stream_triad(a, b, c, n, thread_counts[t]);
            CU_ASSERT_EQUAL(stream_check_triad(a, n), -1);
        }
        free(a);
        free(b);
        free(c);
    }
}

static void test_latency(void)
{
    /* Zero waits (a million sleeps per call would dominate the suite), a little CPU work. */
    latency_work w = {0.0, 10};
    int64_t done[1000];
    for (size_t s = 0; s < COUNT(sizes) && sizes[s] <= 1000; s++) {
        int64_t n = sizes[s];
        memset(done, 0, sizeof done);
        CU_ASSERT_EQUAL(latency_check(done, n), 0); /* nothing ran: caught */
        latency_seq(n, w, done);
        CU_ASSERT_EQUAL(latency_check(done, n), -1);
        for (size_t t = 0; t < COUNT(thread_counts); t++) {
            memset(done, 0, sizeof done);
            latency_parallel(n, w, done, thread_counts[t]);
            CU_ASSERT_EQUAL(latency_check(done, n), -1);
            memset(done, 0, sizeof done);
            latency_tasks(n, w, done, thread_counts[t]);
            CU_ASSERT_EQUAL(latency_check(done, n), -1);
            latency_tasks(n, w, done, thread_counts[t]); /* every task twice: caught */
            CU_ASSERT_EQUAL(latency_check(done, n), 0);
            /* The event loop with as many waits in flight as there would be threads. */
            memset(done, 0, sizeof done);
            CU_ASSERT_EQUAL(latency_eventloop(n, w, done, thread_counts[t]), 0);
            CU_ASSERT_EQUAL(latency_check(done, n), -1);
        }
    }
}

/* Every kind of queue, every split of 2, 3 and 8 threads into producers and consumers, a buffer of
 * one slot and of more: every item taken once, in each producer's order; a tally untouched fails. */
static void test_queue(void)
{
    enum { N = 1000, MAX_THREADS = 8 };
    int32_t seen[N];
    int64_t taken_by[MAX_THREADS];
    queue_tally tally = {.seen = seen, .taken_by = taken_by};
    memset(seen, 0, sizeof seen);
    CU_ASSERT_EQUAL(queue_check(&tally, N, 1), 0); /* nothing taken: caught */
    for (int kind = QUEUE_CONDVAR; kind <= QUEUE_FIFO; kind++)
        for (int threads = 2; threads <= MAX_THREADS; threads = threads == 3 ? 8 : threads + 1)
            for (int producers = 1; producers < threads; producers += threads / 2)
                for (int64_t capacity = 1; capacity <= 64; capacity *= 64) {
                    queue q;
                    CU_ASSERT_FATAL(queue_init(&q, (queue_kind)kind, capacity) == 0);
                    q.hold = 10;
                    memset(seen, 0, sizeof seen);
                    memset(taken_by, 0, sizeof taken_by);
                    atomic_store(&tally.out_of_order, 0);
                    int consumers = threads - producers;
                    CU_ASSERT_EQUAL(queue_run(&q, producers, consumers, N, &tally), 0);
                    CU_ASSERT_EQUAL(atomic_load(&tally.out_of_order), 0);
                    CU_ASSERT_EQUAL(queue_check(&tally, N, 1), -1);
                    int64_t all = 0;
                    for (int c = 0; c < consumers; c++)
                        all += taken_by[c];
                    CU_ASSERT_EQUAL(all, N);
                    queue_free(&q);
                }
}

/* Thumbnails of generated images: the first pixel of each is the rounded mean of its block, worked
 * out here from the drawing's formula; every form at every thread count gives seq's bytes; an
 * untouched set of thumbnails fails. */
static void test_thumbnails(void)
{
    enum { N = 12, SIZE = 16 };
    album a;
    CU_ASSERT_FATAL(album_generate(&a, N, 1024, SIZE) == 0);
    thumb *want = thumbnails_alloc(&a, 2), *got = want ? want + N : NULL;
    CU_ASSERT_FATAL(want != NULL);
    int *width = a.width, *height = a.height;
    CU_ASSERT_EQUAL(thumbnails_seq(&a, want), 0);
    for (int i = 0; i < N; i++) {
        int longer = width[i] > height[i] ? width[i] : height[i];
        int f = (longer + SIZE - 1) / SIZE;
        CU_ASSERT(want[i].width == width[i] / f && want[i].height == height[i] / f);
        CU_ASSERT(longer / f <= SIZE && longer / f > SIZE / 2);
        unsigned red = 0, green = 0; /* the drawing: red x * 255 / width, green y * 255 / height */
        for (int y = 0; y < f; y++)
            for (int x = 0; x < f; x++) {
                red += (unsigned)(x * 255 / width[i]);
                green += (unsigned)(y * 255 / height[i]);
            }
        CU_ASSERT_EQUAL(want[i].rgb[0], (red + (unsigned)(f * f) / 2) / (unsigned)(f * f));
        CU_ASSERT_EQUAL(want[i].rgb[1], (green + (unsigned)(f * f) / 2) / (unsigned)(f * f));
    }
    CU_ASSERT_EQUAL(thumbnails_check(&a, got, want), 0); /* nothing made: caught */
    int (*const form[])(const album *, thumb *, int) = {thumbnails_dynamic, thumbnails_tasks,
                                                        thumbnails_static};
    for (size_t t = 0; t < COUNT(thread_counts); t++)
        for (size_t k = 0; k < COUNT(form); k++) {
            thumbnails_poison(&a, got);
            CU_ASSERT_EQUAL(form[k](&a, got, thread_counts[t]), 0);
            CU_ASSERT_EQUAL(thumbnails_check(&a, got, want), -1);
        }
    thumbnails_free(want, &a, 2);
    album_close(&a);
}

static void test_lock_order(void)
{
    /* One global order completes every round, through the forced interleaving too. The opposite
     * order never returns: tests/check_programs.sh proves its watchdog fires. */
    for (size_t s = 0; s < COUNT(sizes); s++)
        CU_ASSERT_EQUAL(lock_pair(sizes[s], LOCKS_GLOBAL, 0.001), 2 * sizes[s]);
}

static void test_overhead(void)
{
    int64_t passed[8 * OVERHEAD_STRIDE];
    for (size_t t = 0; t < COUNT(thread_counts); t++) {
        int threads = thread_counts[t];
        for (int barriers = 0; barriers < 2; barriers++) {
            memset(passed, 0, sizeof passed);
            int team = barriers ? overhead_barriers(7, threads, 10, passed)
                                : overhead_regions(7, threads, 10, passed);
            CU_ASSERT(team >= 1 && team <= threads);
            for (int i = 0; i < team; i++)
                CU_ASSERT_EQUAL(passed[i * OVERHEAD_STRIDE], 7);
        }
    }
}

CU_TestInfo omp_kernel_tests[] = {
    {"increment: exact, same as seq, no-op caught", test_increment},
    {"map-square: every schedule and chunk, exact", test_map_square},
    {"map-square: inputs wrap so squares never overflow", test_map_square_no_overflow},
    {"countdown: shares add to n, all reach 0", test_countdown},
    {"race: every fix exact, unsync never over n", test_race},
    {"stream: copy and triad exact, poison caught", test_stream},
    {"latency: every task once, in every form, the event loop's too", test_latency},
    {"queue: every item once, in order, every kind and split", test_queue},
    {"thumbnails: exact box means, every form the same bytes", test_thumbnails},
    {"locks in one global order: every round completes", test_lock_order},
    {"overhead: every thread in every region, past every barrier", test_overhead},
    CU_TEST_INFO_NULL,
};

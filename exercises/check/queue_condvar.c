/* queue_condvar: the checker of the queue_condvar exercise (exercises/queue_condvar/): the
 * learner's bq_put and bq_take carry 1, 1000 and 5000 items through a ring of 4 slots, from P
 * producers to C consumers (the -t threads split in two, producers first), each consumer taking
 * until it gets a stop item. Every item must be taken exactly once, and each consumer must get
 * every producer's items in the order they were put. A run that stops advancing for --timeout
 * seconds is a hang: the HANG line says where every thread waits and what the ring holds. Then
 * timed beside the lesson's own condition-variable queue (omp_queue's condvar).
 * Built with the learner's file, or the solution's, by exercises/check.sh (make check
 * EX=queue_condvar); not a file to edit.
 * Rate: Mitem/s = n / median_s / 1e6, one put and one take an item.
 *
 *   usage: queue_condvar [-n ITEMS] [-r R] [-w W] [-t T] [-V yours,lesson] [--timeout S] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounded_queue.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "omp_queue.h"
#include "watchdog.h"

#define CAPACITY 4
#define PRODUCER_SHIFT 40 /* an item is its producer << 40 | its index among all n */
#define STOP INT64_C(-1)
#define MAX_THREADS 64

typedef enum way { WAY_YOURS, WAY_LESSON, WAYS } way;
static const char *const variants[] = {[WAY_YOURS] = "yours", [WAY_LESSON] = "lesson", NULL};

/* Where each thread is, for the HANG line. */
typedef enum place { RUNNING, IN_PUT, IN_TAKE, DONE } place;
static atomic_int where[MAX_THREADS];
static struct job *watched; /* the run a hang is in */
static int team_producers, team_size;

typedef struct job {
    int producers, consumers;
    int64_t n;
    atomic_int *seen;          /* seen[i]: how many times item i was taken */
    atomic_llong out_of_order; /* items a consumer got after a later one of the same producer */
    atomic_llong foreign;      /* items taken that no producer put */
    atomic_llong takes;        /* this run's takes, stop items included: past n + C, from nothing */
    atomic_llong too_many;     /* runs whose consumers took more than was put */
    atomic_llong puts_done, takes_done; /* completed calls: the HANG line's count of what the
                                           ring holds */
    int64_t first_foreign, first_late;
    atomic_int producers_done;
    bounded_queue q;
    queue lesson;
    queue_tally tally;
    char *detail;
} job;

static void put(job *j, int me, int64_t item)
{
    atomic_store(&where[me], IN_PUT);
    bq_put(&j->q, item);
    atomic_fetch_add(&j->puts_done, 1);
    atomic_store(&where[me], RUNNING);
    plb_watchdog_progress();
}

static int64_t take(job *j, int me)
{
    atomic_store(&where[me], IN_TAKE);
    int64_t item = bq_take(&j->q);
    atomic_fetch_add(&j->takes_done, 1);
    atomic_store(&where[me], RUNNING);
    plb_watchdog_progress();
    return item;
}

/* Producer p puts its block of the n items, in order; the last producer to finish puts one stop
 * item for each consumer. */
static void produce(job *j, int p)
{
    int64_t first = j->n * p / j->producers, last = j->n * (p + 1) / j->producers;
    for (int64_t i = first; i < last; i++)
        put(j, p, (int64_t)p << PRODUCER_SHIFT | i);
    if (atomic_fetch_add(&j->producers_done, 1) + 1 == j->producers)
        for (int c = 0; c < j->consumers; c++)
            put(j, p, STOP);
    atomic_store(&where[p], DONE);
}

/* A consumer takes until its stop item, tallying each item and checking each producer's order. */
static void consume(job *j, int me)
{
    int64_t last[MAX_THREADS];
    for (int p = 0; p < j->producers; p++)
        last[p] = -1;
    for (;;) {
        if (atomic_fetch_add(&j->takes, 1) >= j->n + j->consumers) {
            atomic_fetch_add(&j->too_many, 1); /* takes from an empty ring; verify says so */
            break;
        }
        int64_t item = take(j, me);
        if (item == STOP)
            break;
        int p = (int)(item >> PRODUCER_SHIFT);
        int64_t i = item & ((INT64_C(1) << PRODUCER_SHIFT) - 1);
        if (p < 0 || p >= j->producers || i >= j->n || i < j->n * p / j->producers ||
            i >= j->n * (p + 1) / j->producers) {
            if (atomic_fetch_add(&j->foreign, 1) == 0)
                j->first_foreign = item;
            continue;
        }
        atomic_fetch_add(&j->seen[i], 1);
        if (i < last[p] && atomic_fetch_add(&j->out_of_order, 1) == 0)
            j->first_late = (int64_t)me << 48 | (int64_t)p << 40 | i;
        last[p] = i > last[p] ? i : last[p];
    }
    atomic_store(&where[me], DONE);
}

/* A variant's run of the job: the learner's queue, or the lesson's. */
typedef struct call {
    job *j;
    way w;
} call;

static void prepare(void *arg)
{
    job *j = ((call *)arg)->j;
    for (int64_t i = 0; i < j->n; i++)
        atomic_store(&j->seen[i], 0);
    atomic_store(&j->out_of_order, 0);
    atomic_store(&j->foreign, 0);
    atomic_store(&j->too_many, 0);
    memset(j->tally.seen, 0, (size_t)j->n * sizeof *j->tally.seen);
    memset(j->tally.taken_by, 0, (size_t)j->consumers * sizeof *j->tally.taken_by);
    atomic_store(&j->tally.out_of_order, 0);
}

static void run_variant(void *arg)
{
    job *j = ((call *)arg)->j;
    if (((call *)arg)->w == WAY_LESSON) { /* the lesson's runner does its own tally */
        queue_run(&j->lesson, j->producers, j->consumers, j->n, &j->tally);
        return;
    }
    j->q.head = j->q.tail = 0; /* a batch runs several times between prepare and verify */
    atomic_store(&j->producers_done, 0);
    atomic_store(&j->takes, 0);
    atomic_store(&j->puts_done, 0);
    atomic_store(&j->takes_done, 0);
    for (int t = 0; t < j->producers + j->consumers; t++)
        atomic_store(&where[t], RUNNING);
    plb_watchdog_watch(true);
#pragma omp parallel num_threads(j->producers + j->consumers)
    {
        int me = omp_get_thread_num();
        if (me < j->producers)
            produce(j, me);
        else
            consume(j, me);
    }
    plb_watchdog_watch(false);
}

/* Every item taken exactly once per run, in each producer's order: 0, or 1 with what is wrong. */
static int verify(void *arg, long runs)
{
    job *j = ((call *)arg)->j;
    if (((call *)arg)->w == WAY_LESSON) {
        int64_t bad = queue_check(&j->tally, j->n, runs);
        if (bad >= 0)
            snprintf(j->detail, PLB_DETAIL_LEN, "the lesson's queue: item %" PRId64 " lost", bad);
        return bad >= 0 || atomic_load(&j->tally.out_of_order) != 0;
    }
    if (atomic_load(&j->too_many)) {
        snprintf(j->detail, PLB_DETAIL_LEN,
                 "%" PRId64 " item%s: the consumers took more than "
                 "were put (from an empty ring?)",
                 j->n, j->n > 1 ? "s" : "");
        return 1;
    }
    if (atomic_load(&j->foreign)) {
        snprintf(j->detail, PLB_DETAIL_LEN,
                 "%" PRId64 " item%s: a consumer took %" PRIx64 ", "
                 "an item no producer put (from a slot not filled yet?)",
                 j->n, j->n > 1 ? "s" : "", j->first_foreign);
        return 1;
    }
    for (int64_t i = 0; i < j->n; i++) {
        int got = atomic_load(&j->seen[i]);
        if (got != runs) { /* once a run */
            if (got)
                snprintf(j->detail, PLB_DETAIL_LEN,
                         "%" PRId64 " item%s: item %" PRId64 " was "
                         "taken %d times in %ld run%s",
                         j->n, j->n > 1 ? "s" : "", i, got, runs, runs > 1 ? "s" : "");
            else
                snprintf(j->detail, PLB_DETAIL_LEN,
                         "%" PRId64 " item%s: item %" PRId64 " was "
                         "never taken",
                         j->n, j->n > 1 ? "s" : "", i);
            return 1;
        }
    }
    if (atomic_load(&j->out_of_order)) {
        int64_t l = j->first_late;
        snprintf(j->detail, PLB_DETAIL_LEN,
                 "%" PRId64 " item%s: consumer %d took producer %d's "
                 "item %" PRId64 " after a later one: not first in, first out",
                 j->n, j->n > 1 ? "s" : "", (int)(l >> 48) - j->producers, (int)(l >> 40 & 0xff),
                 l & 0xffffffffff);
        return 1;
    }
    return 0;
}

/* The HANG line's end: where every thread is, and what the ring holds. Called by the watchdog's
 * thread while the others are stuck. */
static const char *where_everyone_is(void)
{
    static char text[256];
    static const char *const names[] = {
        [RUNNING] = "running",
        [IN_PUT] = "in bq_put",
        [IN_TAKE] = "in bq_take",
        [DONE] = "done",
    };
    int count[2][4] = {{0}};
    for (int t = 0; t < team_size; t++)
        count[t >= team_producers][atomic_load(&where[t])]++;
    int len = snprintf(text, sizeof text, ": producers");
    for (int role = 0; role < 2; role++) {
        for (int k = 0; k < 4; k++)
            if (count[role][k] && len < (int)sizeof text)
                len += snprintf(text + len, sizeof text - (size_t)len, " %d %s,", count[role][k],
                                names[k]);
        if (role == 0 && len < (int)sizeof text)
            len += snprintf(text + len, sizeof text - (size_t)len, " consumers");
    }
    if (len < (int)sizeof text)
        snprintf(text + len, sizeof text - (size_t)len, " the ring holds %lld of %d\n",
                 atomic_load(&watched->puts_done) - atomic_load(&watched->takes_done), CAPACITY);
    return text;
}

static double timeout_s = 10.0;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "timeout", .kind = PLB_OPT_REAL, .target = &timeout_s, .min = 0.1, .max = 3600,
     .arg_name = "S", .help = "a run that has not advanced for S seconds hangs"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "queue_condvar",
    .summary = "the queue_condvar exercise: your bounded queue, checked and timed",
    .variants = variants,
    .extra = extra,
};

/* Frees what job_create made. */
static void job_free(job *j)
{
    pthread_mutex_destroy(&j->q.mutex);
    pthread_cond_destroy(&j->q.not_full);
    pthread_cond_destroy(&j->q.not_empty);
    free(j->seen);
    free(j->q.slot);
    free(j->tally.seen);
    free(j->tally.taken_by);
    queue_free(&j->lesson);
}

/* The tallies of up to room items, the learner's ring (its slots, mutex and condition variables,
 * as bounded_queue.h promises) and the lesson's queue: 0, or -1 with nothing held. */
static int job_create(job *j, int64_t room)
{
    if (queue_init(&j->lesson, QUEUE_CONDVAR, CAPACITY) != 0)
        return -1;
    int made = pthread_mutex_init(&j->q.mutex, NULL) == 0;
    made &= pthread_cond_init(&j->q.not_full, NULL) == 0;
    made &= pthread_cond_init(&j->q.not_empty, NULL) == 0;
    j->seen = calloc((size_t)room, sizeof *j->seen);
    j->q.slot = calloc(CAPACITY, sizeof *j->q.slot);
    j->q.capacity = CAPACITY;
    j->tally.seen = calloc((size_t)room, sizeof *j->tally.seen);
    j->tally.taken_by = calloc((size_t)j->consumers, sizeof *j->tally.taken_by);
    if (made && j->seen && j->q.slot && j->tally.seen && j->tally.taken_by)
        return 0;
    job_free(j);
    return -1;
}

/* The watchdog over j's runs on `threads` threads: 0, or -1 when it could not start. */
static int watch_hangs(job *j, int threads)
{
    char line[96];
    team_producers = j->producers;
    team_size = threads;
    watched = j;
    snprintf(line, sizeof line, "HANG: the queue has not moved in %g s", timeout_s);
    plb_watchdog_detail(where_everyone_is);
    return plb_watchdog_install(line, STDERR_FILENO, timeout_s, 0, NULL);
}

/* The learner's queue with 1, 1000 and 5000 items: NULL, or what went wrong. */
static const char *check_sizes(call *yours)
{
    const int64_t sizes[] = {1, 1000, 5000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        yours->j->n = sizes[s];
        prepare(yours);
        run_variant(yours);
        if (verify(yours, 1))
            return yours->j->detail;
    }
    return NULL;
}

/* The header, the checks, the timed ways and the verdict: the exit code. */
static int check_and_time(job *j, const plb_options *opt, int threads)
{
    omp_set_dynamic(0);
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    call calls[WAYS] = {
        [WAY_YOURS] = {.j = j, .w = WAY_YOURS}, [WAY_LESSON] = {.j = j, .w = WAY_LESSON}};
    const char *failure = check_sizes(&calls[WAY_YOURS]);
    if (!failure) {
        plb_report_param(stdout, "checked",
                         "1, 1000 and 5000 items through 4 slots, %d "
                         "producer%s to %d consumer%s: each taken once, in order",
                         j->producers, j->producers > 1 ? "s" : "", j->consumers,
                         j->consumers > 1 ? "s" : "");
        j->n = opt->n;
        plb_variant v[WAYS];
        for (way w = WAY_YOURS; w < WAYS; w++)
            v[w] = (plb_variant){.name = variants[w],
                                 .threads = threads,
                                 .kernel = {.prepare = prepare,
                                            .run = run_variant,
                                            .verify = verify,
                                            .arg = &calls[w]},
                                 .amount = (double)opt->n,
                                 .unit = 1e6,
                                 .rate_unit = "Mitem/s",
                                 .detail = j->detail,
                                 .idles = true}; /* waiting its turn */
        failure = plb_run_variants(&program, &ctx, opt, v, WAYS, NULL, stdout, NULL);
    }
    return plb_report_verdict(opt, failure);
}

/* Checks -t, allocates, starts the watchdog, checks and times the learner's queue: the exit
 * code. */
static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    if (threads < 2 || threads > MAX_THREADS)
        return plb_refuse(program.name, PLB_EXIT_USAGE,
                          "-t %d: a producer and a consumer at "
                          "least, %d threads at most",
                          threads, MAX_THREADS);
    int64_t room = opt->n > 5000 ? opt->n : 5000;
    if (!plb_memory_check(program.name, 8.0 * (double)room))
        return PLB_EXIT_USAGE;
    char detail[PLB_DETAIL_LEN] = "";
    job j = {.producers = threads / 2, .consumers = threads - threads / 2, .detail = detail};
    int made = job_create(&j, room) == 0;
    int status =
        made && watch_hangs(&j, threads) == 0
            ? check_and_time(&j, opt, threads)
            : plb_refuse(program.name, PLB_EXIT_FAILED, "out of memory, or no watchdog thread");
    if (made)
        job_free(&j);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 5000, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}

/* omp_queue: the tutorials' Queue between threads. P producers put n items into a bounded buffer of
 * K slots; C consumers take them out until each gets the stop item (Python's q.put(None)).
 *
 * The lesson: the buffer is the same ring in every variant; what differs is how a thread waits
 * for room or for an item, and who gets the lock (queue_put and queue_take below):
 *   condvar     a mutex and two condition variables, not_full and not_empty: queue.Queue's design.
 *               A waiting thread sleeps in the kernel and costs no CPU time.
 *   semaphores  counting semaphores of free and filled slots (the waiting), a mutex around the
 *               ring's indices (the exclusion): the textbook bounded buffer.
 *   spin        a test-and-set lock and busy waiting: a thread that finds the ring full or empty
 *               tries again at once, burning a core the whole time it waits.
 *   fifo        condvar, with each consumer taking a ticket and waiting for its turn: the consumers
 *               are served in the order they came, a fair lock.
 * Starvation: the "# shares" note gives each consumer's part of the items. A lock that the thread
 * that just let go can take back at once (a mutex, test-and-set) can let one consumer take nearly
 * everything while the others wait; fifo serves the consumers in turn. A condition variable's wait
 * sits in a loop (`while (full) wait`): a wake-up does not mean the condition holds.
 *
 * Measurement (not the lesson): rate: items per second, Mitem/s = n / median_s / 1e6 (one put and
 * one take per item). Verified after every batch: every item taken exactly once per run, none lost
 * or duplicated, every consumer got each producer's items in the order they were put, the stop
 * items aside.
 *
 *   usage: omp_queue [-n ITEMS] [-r R] [-w W] [-t T] [-V condvar,semaphores,spin,fifo]
 *                    [--producers P] [--capacity K] [-v] [--csv]
 */
#define _GNU_SOURCE /* sched_yield */
#include <inttypes.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "omp_countdown.h"
#include "omp_queue.h"
#include "partition.h"

#define PRODUCER_SHIFT 40 /* an item is its producer << 40 | its index among all n */
#define INDEX_MASK ((INT64_C(1) << PRODUCER_SHIFT) - 1)
#define STOP INT64_C(-1)
#define LINE_ITEMS 8     /* int64_t items in a 64-byte cache line */
#define SPIN_TRIES 1000  /* tries a busy-waiting thread makes before it naps between tries */
#define SPIN_NAP_S 50e-6 /* the nap */

int queue_init(queue *q, queue_kind kind, int64_t capacity)
{
    *q = (queue){.kind = kind, .capacity = capacity};
    atomic_flag_clear(&q->busy);
    q->slot = malloc((size_t)capacity * sizeof *q->slot);
    if (!q->slot)
        return -1;
    pthread_mutex_init(&q->mutex, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    sem_init(&q->free_slots, 0, (unsigned)capacity);
    sem_init(&q->filled_slots, 0, 0);
    return 0;
}

void queue_free(queue *q)
{
    pthread_mutex_destroy(&q->mutex);
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    sem_destroy(&q->free_slots);
    sem_destroy(&q->filled_slots);
    free(q->slot);
}

static void ring_put(queue *q, int64_t item)
{
    q->slot[q->tail++ % q->capacity] = item;
}

static int64_t ring_take(queue *q)
{
    return q->slot[q->head++ % q->capacity];
}

/* --hold: the consumer works on its item before it lets the lock go (Python's `with lock:` around
 * get() and the work), so the consumers fight for the lock itself. */
static void hold_lock(const queue *q)
{
    if (q->hold)
        countdown(q->hold);
}

static void sem_wait_through_signals(sem_t *s)
{
    while (sem_wait(s) != 0) {
    }
}

/* One more failed try of a busy-waiting thread. It stays on its core, only letting a thread that
 * shares the core run first (sched_yield). After SPIN_TRIES tries in a row it naps between tries:
 * with more threads than cores, a thread preempted while holding the lock would otherwise get
 * the core back only when every spinning thread's time slice is over, and the queue crawls
 * (libgomp's idle threads do the same: they spin GOMP_SPINCOUNT times, then sleep). */
static void spin_wait(int *tries)
{
    if (++*tries < SPIN_TRIES)
        sched_yield();
    else
        plb_sleep(SPIN_NAP_S);
}

/* The test-and-set lock: whoever tries first after the release gets it, in no order. */
static void spin_lock(queue *q)
{
    int tries = 0;
    while (atomic_flag_test_and_set_explicit(&q->busy, memory_order_acquire))
        spin_wait(&tries);
}

static void spin_unlock(queue *q)
{
    atomic_flag_clear_explicit(&q->busy, memory_order_release);
}

void queue_put(queue *q, int64_t item)
{
    switch (q->kind) {
    case QUEUE_CONDVAR:
    case QUEUE_FIFO:
        pthread_mutex_lock(&q->mutex);
        while (q->tail - q->head == q->capacity)
            pthread_cond_wait(&q->not_full, &q->mutex); /* sleeps, the mutex let go meanwhile */
        ring_put(q, item);
        if (q->kind == QUEUE_FIFO)
            pthread_cond_broadcast(&q->not_empty); /* the consumer whose turn it is may be any */
        else
            pthread_cond_signal(&q->not_empty);
        pthread_mutex_unlock(&q->mutex);
        return;
    case QUEUE_SEMAPHORES:
        sem_wait_through_signals(&q->free_slots); /* one free slot is now ours */
        pthread_mutex_lock(&q->mutex);
        ring_put(q, item);
        pthread_mutex_unlock(&q->mutex);
        sem_post(&q->filled_slots);
        return;
    case QUEUE_SPIN:
        for (int tries = 0;; spin_wait(&tries)) {
            spin_lock(q);
            if (q->tail - q->head < q->capacity) {
                ring_put(q, item);
                spin_unlock(q);
                return;
            }
            spin_unlock(q); /* full: let go and try again, the core kept busy meanwhile */
        }
    }
}

int64_t queue_take(queue *q)
{
    int64_t item = STOP;
    switch (q->kind) {
    case QUEUE_CONDVAR:
        pthread_mutex_lock(&q->mutex);
        while (q->tail == q->head)
            pthread_cond_wait(&q->not_empty, &q->mutex);
        item = ring_take(q);
        hold_lock(q);
        pthread_cond_signal(&q->not_full);
        pthread_mutex_unlock(&q->mutex);
        break;
    case QUEUE_FIFO: {
        pthread_mutex_lock(&q->mutex);
        int64_t mine = q->next_ticket++; /* my place in the line */
        while (q->now_serving != mine || q->tail == q->head)
            pthread_cond_wait(&q->not_empty, &q->mutex);
        item = ring_take(q);
        hold_lock(q);
        q->now_serving++;
        pthread_cond_broadcast(&q->not_empty); /* wake the line: the next one is now served */
        pthread_cond_signal(&q->not_full);
        pthread_mutex_unlock(&q->mutex);
        break;
    }
    case QUEUE_SEMAPHORES:
        sem_wait_through_signals(&q->filled_slots);
        pthread_mutex_lock(&q->mutex);
        item = ring_take(q);
        hold_lock(q);
        pthread_mutex_unlock(&q->mutex);
        sem_post(&q->free_slots);
        break;
    case QUEUE_SPIN:
        for (int tries = 0;; spin_wait(&tries)) {
            spin_lock(q);
            if (q->tail > q->head) {
                item = ring_take(q);
                hold_lock(q);
                spin_unlock(q);
                break;
            }
            spin_unlock(q); /* empty: try again */
        }
        break;
    }
    return item;
}

/* Producer p puts its block of the n items in order; the last producer to finish puts one stop
 * item per consumer, after every item (the others have all been put by then). */
static void produce(queue *q, int p, int producers, int consumers, int64_t n, atomic_int *done)
{
    int64_t start = plb_block_start(n, producers, p), count = plb_block_count(n, producers, p);
    for (int64_t i = start; i < start + count; i++)
        queue_put(q, (int64_t)p << PRODUCER_SHIFT | i);
    if (atomic_fetch_add(done, 1) == producers - 1)
        for (int c = 0; c < consumers; c++)
            queue_put(q, STOP);
}

/* Consumer c takes items until the stop item, and tallies each one. `last` is its own row of the
 * last item it got from each producer; its count goes to the shared tally once, at the end, so
 * the consumers do not write to one cache line per item. */
static void consume(queue *q, int c, int producers, int64_t n, int64_t *last, queue_tally *t)
{
    int64_t taken = 0;
    for (int p = 0; p < producers; p++)
        last[p] = -1;
    for (int64_t item; (item = queue_take(q)) != STOP;) {
        int64_t p = item >> PRODUCER_SHIFT, i = item & INDEX_MASK;
        if (p < 0 || p >= producers || i >= n || i <= last[p]) {
            atomic_fetch_add(&t->out_of_order, 1); /* not an item, or one taken out of order */
            continue;
        }
        last[p] = i;
#pragma omp atomic update
        t->seen[i]++;
        taken++;
    }
    t->taken_by[c] += taken;
}

int queue_run(queue *q, int producers, int consumers, int64_t n, queue_tally *tally)
{
    int team = producers + consumers, short_team = 0;
    atomic_int producers_done = 0;
    /* Each consumer's row of last items, whole cache lines apart. */
    size_t row = ((size_t)producers + LINE_ITEMS - 1) / LINE_ITEMS * LINE_ITEMS;
    int64_t *last =
        aligned_alloc(LINE_ITEMS * sizeof *last, (size_t)consumers * row * sizeof *last);
    if (!last)
        return -1;
#pragma omp parallel num_threads(team)
    {
        int me = omp_get_thread_num();
        if (omp_get_num_threads() < team) /* every role needs its own thread, or all wait */
            short_team = 1;
        else if (me < producers)
            produce(q, me, producers, consumers, n, &producers_done);
        else
            consume(q, me - producers, producers, n, last + (size_t)(me - producers) * row, tally);
    }
    free(last);
    return short_team ? -1 : 0;
}

int64_t queue_check(const queue_tally *tally, int64_t n, long runs)
{
    for (int64_t i = 0; i < n; i++)
        if (tally->seen[i] != runs)
            return i;
    return -1;
}

/* The program: the runner times the lesson above and verifies every result. */
typedef queue_kind variant; /* the variants: the queue's kinds, in their order */
#define VARIANT_COUNT (QUEUE_FIFO + 1)
static const char *const variants[] = {[QUEUE_CONDVAR] = "condvar",
                                       [QUEUE_SEMAPHORES] = "semaphores",
                                       [QUEUE_SPIN] = "spin",
                                       [QUEUE_FIFO] = "fifo",
                                       NULL};

typedef struct job {
    queue *q; /* of the variant's kind: the variants differ in nothing else */
    queue_tally *tally;
    int producers, consumers, short_team;
    int64_t n;
    int64_t *shares; /* each consumer's items in the last batch */
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    memset(j->tally->seen, 0, (size_t)j->n * sizeof *j->tally->seen);
    memset(j->tally->taken_by, 0, (size_t)j->consumers * sizeof *j->tally->taken_by);
    atomic_store(&j->tally->out_of_order, 0);
}

static void run_variant(void *arg)
{
    job *j = arg;
    j->short_team |= queue_run(j->q, j->producers, j->consumers, j->n, j->tally) != 0;
}

static int verify(void *arg, long runs)
{
    job *j = arg;
    memcpy(j->shares, j->tally->taken_by, (size_t)j->consumers * sizeof *j->shares);
    long long disorder = atomic_load(&j->tally->out_of_order);
    int64_t bad = queue_check(j->tally, j->n, runs);
    if (j->short_team)
        snprintf(j->detail, PLB_DETAIL_LEN,
                 "the runtime gave fewer than %d threads, or no memory for the order check",
                 j->producers + j->consumers);
    else if (disorder)
        snprintf(j->detail, PLB_DETAIL_LEN, "%lld items out of order or not items", disorder);
    else if (bad >= 0)
        snprintf(j->detail, PLB_DETAIL_LEN, "item %" PRId64 " taken %" PRId32 " times in %ld runs",
                 bad, j->tally->seen[bad], runs);
    return j->short_team || disorder || bad >= 0;
}

/* Each consumer's part of the last batch's items, and the largest against a fair share. */
static void print_shares(const char *name, const job *j)
{
    int64_t all = 0, most = 0;
    for (int c = 0; c < j->consumers; c++) {
        all += j->shares[c];
        most = j->shares[c] > most ? j->shares[c] : most;
    }
    if (all == 0)
        return;
    printf("# shares      : %s", name);
    for (int c = 0; c < j->consumers; c++)
        printf(" %.1f%%", 100.0 * (double)j->shares[c] / (double)all);
    printf(" (the largest %.2fx a fair share)\n", (double)most * j->consumers / (double)all);
}

static int64_t producers_wanted = 0, capacity = 64, hold = 0;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "producers", .kind = PLB_OPT_COUNT, .target = &producers_wanted, .min = 1,
     .arg_name = "P", .help = "threads that put items, the rest take; automatic: half the threads"},
    {.long_name = "hold", .kind = PLB_OPT_COUNT, .target = &hold, .arg_name = "N",
     .help = "countdown steps a consumer works on each item before it lets the lock go"},
    {.long_name = "capacity", .kind = PLB_OPT_COUNT, .target = &capacity, .min = 1,
     .max = 1 << 24, .arg_name = "K", .help = "slots in the bounded buffer"},
    PLB_OPT_END,
};
/* clang-format on */
/* The fastest believable run: every item through the one lock in a single clock cycle. */
static double fastest_run_s(const plb_options *opt)
{
    return (double)opt->n / PLB_MAX_CLOCK_HZ;
}

static const plb_program program = {
    .name = "omp_queue",
    .summary =
        "producers and consumers over a bounded buffer: condvars, semaphores, spinning, fairness",
    .variants = variants,
    .extra = extra,
    .fastest_run_s = fastest_run_s,
};

/* Frees the first `made` queues and the tallies (any of them NULL). */
static void release(queue *q, int made, queue_tally *tally, int64_t *shares)
{
    for (int k = 0; k < made; k++)
        queue_free(&q[k]);
    plb_array_free(tally->seen);
    free(tally->taken_by);
    free(shares);
}

/* The variants, a queue of each kind in q, checked by tally; each variant's consumers' shares
 * in shares; returns the verdict's exit code. */
static int measure(const plb_options *opt, int threads, int producers, queue *q, queue_tally *tally,
                   int64_t *shares)
{
    int consumers = threads - producers;
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        jobs[k] = (job){.q = &q[k],
                        .tally = tally,
                        .producers = producers,
                        .consumers = consumers,
                        .n = opt->n,
                        .shares = shares + k * consumers,
                        .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = threads,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = (double)opt->n,
            .unit = 1e6,
            .rate_unit = "Mitem/s",
            .plausible_s = fastest_run_s(opt),
            .detail = detail,
            .idles = true}; /* a producer or consumer waits its turn */
    }
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    plb_report_param(stdout, "roles", "%d producers, %d consumers, %" PRId64 " slots", producers,
                     consumers, capacity);
    plb_measurement m[VARIANT_COUNT];
    const char *failure = plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, NULL, stdout, m);
    for (variant k = 0; k < VARIANT_COUNT; k++)
        if (m[k].status == PLB_MEASURE_OK)
            print_shares(variants[k], &jobs[k]);
    return plb_report_verdict(opt, failure);
}

static int run_lesson(const plb_options *opt)
{
    int most = omp_get_max_threads();
    int threads = opt->threads ? opt->threads : most > 4 ? most : 4;
    int64_t wanted = producers_wanted < threads ? producers_wanted : threads;
    int producers = producers_wanted ? (int)wanted : threads / 2;
    int consumers = threads - producers;
    if (opt->n > INDEX_MASK)
        return plb_refuse(program.name, PLB_EXIT_USAGE, "n is over 2^40 items");
    if (consumers < 1 || producers < 1)
        return plb_refuse(program.name, PLB_EXIT_USAGE,
                          "%d threads leave no consumer (-t, --producers)", threads);
    double bytes = 4.0 * (double)opt->n + 8.0 * (double)capacity +
                   8.0 * (double)consumers * (producers + LINE_ITEMS + 1 + VARIANT_COUNT);
    if (!plb_memory_check(program.name, bytes))
        return PLB_EXIT_USAGE;
    queue_tally tally = {.seen = plb_array_alloc((size_t)opt->n * sizeof *tally.seen, 1),
                         .taken_by = malloc((size_t)consumers * sizeof *tally.taken_by)};
    int64_t *shares = calloc((size_t)consumers * VARIANT_COUNT, sizeof *shares);
    queue q[VARIANT_COUNT];
    int made = 0;
    for (variant k = 0; k < VARIANT_COUNT && queue_init(&q[k], k, capacity) == 0; k++, made++)
        q[k].hold = hold;
    int status = tally.seen && tally.taken_by && shares && made == VARIANT_COUNT
                     ? measure(opt, threads, producers, q, &tally, shares)
                     : plb_refuse(program.name, PLB_EXIT_FAILED,
                                  "cannot allocate %" PRId64 " items", opt->n);
    release(q, made, &tally, shares);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 100000, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}

/* mpi_messages: messages between processes, the tutorials' multiprocessing.Queue and
 * ProcessPoolExecutor.
 *
 * The lesson: first the queue: every worker sends "hello from worker N" to the root, which
 * receives with MPI_ANY_SOURCE and prints who arrived in which order (it changes from run to
 * run: processes run at once). Then a task farm over items of rising cost (mpi/farm.c): split
 * into equal blocks up front (farm_static: the last rank gets the dearest items and everyone waits
 * for it), or handed out on demand by the root to whichever worker asks (farm_dynamic: master and
 * worker, balanced, but the root only hands out). The notes say how many items each rank did.
 *
 * Measurement (not the lesson): item i costs 1 + 7i/n units of --spin decrements; seq is the root
 * alone. Rate: items per second = n / median_s. Verified: every worker's hello arrived once and
 * intact; after every batch, every item's result (3i + 1) reached the root exactly once.
 *
 *   usage: mpirun -np P mpi_messages [-n ITEMS] [-r R] [-w W] [-V seq,static,farm] [--spin N]
 *                  [-v] [--csv]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "exit_codes.h"
#include "farm.h"
#include "lesson.h"
#include "mpi_support.h"

#define TAG_HELLO 31

/* Workers greet the root; returns 0 when every worker's greeting arrived once and intact. */
static int hello_queue(int rank, int size, FILE *out)
{
    char text[64];
    if (rank != 0) {
        snprintf(text, sizeof text, "hello from worker %d", rank);
        MPI_Send(text, (int)strlen(text) + 1, MPI_CHAR, 0, TAG_HELLO, MPI_COMM_WORLD);
        return plb_mpi_agree(0, MPI_COMM_WORLD);
    }
    int wrong = 0, *seen = calloc((size_t)size, sizeof *seen);
    wrong = seen == NULL;
    for (int k = 1; k < size && seen; k++) {
        MPI_Status st;
        char expected[64];
        MPI_Recv(text, sizeof text, MPI_CHAR, MPI_ANY_SOURCE, TAG_HELLO, MPI_COMM_WORLD, &st);
        snprintf(expected, sizeof expected, "hello from worker %d", st.MPI_SOURCE);
        wrong |= seen[st.MPI_SOURCE]++ || strcmp(text, expected) != 0;
        if (out)
            fprintf(out, "# queue       : %d. \"%s\" (received from rank %d)\n", k, text,
                    st.MPI_SOURCE);
    }
    free(seen);
    return plb_mpi_agree(wrong, MPI_COMM_WORLD);
}

/* The program: the runner times the lesson above and verifies every result. */
typedef enum { SEQ, STATIC, FARM, VARIANT_COUNT } variant;
static const char *const variants[] = {[SEQ] = "seq", [STATIC] = "static", [FARM] = "farm", NULL};
/* How each variant shares the items out. */
static const farm_way ways[] = {[SEQ] = FARM_SEQ, [STATIC] = FARM_STATIC, [FARM] = FARM_DYNAMIC};

typedef struct job {
    int64_t *results, *done_by;
    farm_work work; /* its n items */
    int rank;
    variant variant;
    MPI_Comm comm;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    if (j->rank == 0)
        memset(j->results, 0, (size_t)j->work.n * sizeof *j->results);
}

static void run_variant(void *arg)
{
    job *j = arg;
    farm_run(ways[j->variant], &j->work, j->done_by, j->comm);
}

static int verify(void *arg, long runs)
{
    job *j = arg;
    if (j->rank != 0)
        return 0;
    /* Several runs since prepare add up: every item must show up exactly `runs` times. */
    for (int64_t i = 0; i < j->work.n; i++)
        if (j->results[i] != runs * (3 * i + 1)) {
            snprintf(j->detail, PLB_DETAIL_LEN,
                     "item %" PRId64 " came back %" PRId64 " times in %ld runs", i,
                     j->results[i] / (3 * i + 1), runs);
            return 1;
        }
    return 0;
}

static int64_t spin = 100000;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "spin", .kind = PLB_OPT_COUNT, .target = &spin, .min = 1, .arg_name = "N",
     .help = "decrements in one unit of an item's cost"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "mpi_messages",
    .summary = "a message queue and a task farm between MPI processes",
    .variants = variants,
    .extra = extra,
};

/* The queue, then the farm's variants over the root's results (n entries) with the counts of
 * items per rank in done_by (the root's, seq: none) reported after them. Returns the exit code. */
static int queue_and_farm(const plb_options *opt, int64_t *results,
                          int64_t *const done_by[VARIANT_COUNT], MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, opt, comm);
    if (out)
        plb_report_param(out, "items", "item i costs (1 + 7i/n) x %" PRId64 " decrements", spin);
    const char *failure = hello_queue(rank, size, out) ? "queue: a hello went missing" : NULL;

    plb_sync sync = plb_mpi_sync(&comm);
    char detail[PLB_DETAIL_LEN] = "";
    farm_items items = {.n = opt->n, .unit = spin, .results = results};
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        jobs[k] = (job){.results = results,
                        .done_by = done_by[k],
                        .work = farm_items_work(&items),
                        .rank = rank,
                        .variant = k,
                        .comm = comm,
                        .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = 1,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = (double)opt->n,
            .unit = 1.0,
            .rate_unit = "items/s",
            .detail = detail,
            /* rank 0 idles: its block is the cheapest, or it only hands out */
            .idles = k != SEQ};
    }
    const char *bad = plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, &sync, out, NULL);
    failure = failure ? failure : bad;
    for (variant k = STATIC; out && k < VARIANT_COUNT; k++)
        if (plb_variant_selected(&program, opt, variants[k]))
            farm_report_done_by(out, "items/rank", variants[k], done_by[k], size);
    return plb_mpi_verdict(opt, failure, comm);
}

static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    plb_options opt = {.n = 200, .repeats = 5, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status >= 0)
        return status;
    if (opt.n > 100000000)
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm, "n is over 100000000 items");
    /* the root's results and the static variant's gathered parcels; every rank its block's */
    double bytes = rank == 0 ? 24.0 * (double)opt.n : 16.0 * (double)opt.n / size;
    if (!plb_mpi_memory_check(program.name, bytes, comm))
        return PLB_EXIT_USAGE;
    int64_t *results = rank == 0 ? plb_array_alloc((size_t)opt.n * sizeof *results, 1) : NULL;
    int64_t *done_by[VARIANT_COUNT] = {NULL}; /* the root's; seq counts none */
    for (variant k = STATIC; rank == 0 && k < VARIANT_COUNT; k++)
        done_by[k] = calloc((size_t)size, sizeof(int64_t));
    if (plb_mpi_agree(rank == 0 && (!results || !done_by[STATIC] || !done_by[FARM]), comm))
        status = plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm, "out of memory");
    else
        status = queue_and_farm(&opt, results, done_by, comm);
    plb_array_free(results);
    for (variant k = 0; k < VARIANT_COUNT; k++)
        free(done_by[k]);
    return status;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}

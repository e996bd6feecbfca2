/* scatter_gather.c: scatter, compute and gather for any n and rank count (see scatter_gather.h). */
#include "scatter_gather.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "mpi_support.h"

#define POISON INT64_C(-1) /* no input and no result of our kernels is negative */
#define TAG 7

const char *const sg_variant_names[] = {"seq", "collective", "p2p", "bare", NULL};

struct sg_job {
    const sg_kernel *k;
    MPI_Comm comm;
    int rank, size, threads, count, displ;
    int64_t n;
    int *counts, *displs;
    int64_t *a, *b;   /* the root's whole input and result (NULL elsewhere) */
    int64_t *la;      /* this rank's block: its inputs, then its results (computed in place) */
    int64_t *lb;      /* scratch of the same size, for checking inputs */
    char detail[160];
};

typedef enum step { STEP_ALL, STEP_SCATTER, STEP_COMPUTE, STEP_GATHER } step;

typedef struct sg_call {
    sg_job *job;
    enum sg_variant variant;
    step step;
} sg_call;

void sg_block(int64_t n, int size, int rank, int *count, int *displ)
{
    int64_t base = n / size, extra = n % size;
    *count = (int)(base + (rank < extra));
    *displ = (int)(rank * base + (rank < extra ? rank : extra));
}

static int64_t *alloc_elements(int64_t count)
{
    return malloc((size_t)(count > 0 ? count : 1) * sizeof(int64_t));
}

void sg_destroy(sg_job *job)
{
    if (!job)
        return;
    free(job->counts);
    free(job->displs);
    free(job->a);
    free(job->b);
    free(job->la);
    free(job->lb);
    free(job);
}

sg_job *sg_create(const sg_kernel *k, int64_t n, int threads, MPI_Comm comm)
{
    sg_job *job = calloc(1, sizeof *job);
    int ok = job != NULL;
    if (ok) {
        job->k = k;
        job->comm = comm;
        job->n = n;
        job->threads = threads;
        MPI_Comm_rank(comm, &job->rank);
        MPI_Comm_size(comm, &job->size);
        sg_block(n, job->size, job->rank, &job->count, &job->displ);
        job->counts = malloc((size_t)job->size * sizeof(int));
        job->displs = malloc((size_t)job->size * sizeof(int));
        job->la = alloc_elements(job->count);
        job->lb = alloc_elements(job->count);
        if (job->rank == 0) {
            job->a = alloc_elements(n);
            job->b = alloc_elements(n);
        }
        ok = job->counts && job->displs && job->la && job->lb &&
             (job->rank != 0 || (job->a && job->b));
    }
    if (ok) {
        for (int r = 0; r < job->size; r++)
            sg_block(n, job->size, r, &job->counts[r], &job->displs[r]);
        if (job->rank == 0)
            k->input(job->a, n, 0);
    }
    if (plb_mpi_agree(!ok, comm)) {
        sg_destroy(job);
        return NULL;
    }
    return job;
}

static void poison(int64_t *x, int64_t count)
{
    for (int64_t i = 0; i < count; i++)
        x[i] = POISON;
}

/* The steps, as each variant does them. */
static void scatter(sg_job *j, enum sg_variant v)
{
    if (v != SG_P2P) {
        MPI_Scatterv(j->a, j->counts, j->displs, MPI_INT64_T, j->la, j->count, MPI_INT64_T, 0,
                     j->comm);
    } else if (j->rank == 0) { /* by hand: one message per rank, the root's own block copied */
        for (int r = 1; r < j->size; r++)
            MPI_Send(j->a + j->displs[r], j->counts[r], MPI_INT64_T, r, TAG, j->comm);
        memcpy(j->la, j->a, (size_t)j->count * sizeof *j->la);
    } else {
        MPI_Recv(j->la, j->count, MPI_INT64_T, 0, TAG, j->comm, MPI_STATUS_IGNORE);
    }
}

/* In place: the block's results overwrite its inputs, so no second buffer is streamed into
 * (and no write-allocate traffic is paid for one); la is then gathered as it is. */
static void compute(sg_job *j)
{
    j->k->compute(j->la, j->la, j->count, j->threads);
}

static void gather(sg_job *j, enum sg_variant v, const int64_t *from)
{
    if (v != SG_P2P) {
        MPI_Gatherv(from, j->count, MPI_INT64_T, j->b, j->counts, j->displs, MPI_INT64_T, 0,
                    j->comm);
    } else if (j->rank == 0) {
        memcpy(j->b, from, (size_t)j->count * sizeof *j->b);
        for (int r = 1; r < j->size; r++)
            MPI_Recv(j->b + j->displs[r], j->counts[r], MPI_INT64_T, r, TAG, j->comm,
                     MPI_STATUS_IGNORE);
    } else {
        MPI_Send(from, j->count, MPI_INT64_T, 0, TAG, j->comm);
    }
}

static void prepare(void *arg)
{
    sg_call *c = arg;
    sg_job *j = c->job;
    poison(j->la, j->count);
    poison(j->lb, j->count);
    if (j->rank == 0)
        poison(j->b, j->n);
    if (c->step == STEP_COMPUTE || c->step == STEP_GATHER)
        j->k->input(j->la, j->count, j->displ);
    if (c->step == STEP_GATHER)
        compute(j);
}

static void run(void *arg)
{
    sg_call *c = arg;
    sg_job *j = c->job;
    if (c->variant == SG_SEQ) {
        if (j->rank == 0)
            j->k->compute(j->a, j->b, j->n, j->threads);
        return;
    }
    if (c->step == STEP_ALL || c->step == STEP_SCATTER)
        scatter(j, c->variant);
    if ((c->step == STEP_ALL && c->variant != SG_BARE) || c->step == STEP_COMPUTE)
        compute(j);
    if (c->step == STEP_ALL || c->step == STEP_GATHER)
        gather(j, c->variant, j->la);
}

/* Checks a block of results; writes what is wrong into the job's detail. */
static int wrong_results(sg_job *j, const char *where, const int64_t *out, int64_t count,
                         int64_t offset)
{
    int64_t bad = j->k->check(out, count, offset);
    if (bad >= 0)
        snprintf(j->detail, sizeof j->detail,
                 "rank %d: %s[%" PRId64 "] = %" PRId64 ", expected %" PRId64, j->rank, where,
                 bad + offset, out[bad], j->k->expected(bad + offset));
    return bad >= 0;
}

/* Compares x with expected over global elements offset..offset+count. */
static int differs(sg_job *j, const char *where, const int64_t *x, const int64_t *expected,
                   int64_t count, int64_t offset)
{
    for (int64_t i = 0; i < count; i++)
        if (x[i] != expected[i]) {
            snprintf(j->detail, sizeof j->detail,
                     "rank %d: %s[%" PRId64 "] = %" PRId64 ", expected the input %" PRId64,
                     j->rank, where, i + offset, x[i], expected[i]);
            return 1;
        }
    return 0;
}

/* Whether this rank's la is not its block of the inputs (lb serves as scratch). */
static int wrong_block_inputs(sg_job *j)
{
    j->k->input(j->lb, j->count, j->displ);
    return differs(j, "la", j->la, j->lb, j->count, j->displ);
}

static int verify(void *arg, long runs)
{
    (void)runs; /* every run starts from the root's unchanged input */
    sg_call *c = arg;
    sg_job *j = c->job;
    int root = j->rank == 0;
    if (c->variant == SG_SEQ)
        return root && wrong_results(j, "b", j->b, j->n, 0);
    if (c->variant == SG_BARE) /* the inputs went out and came back unchanged */
        return wrong_block_inputs(j) || (root && differs(j, "b", j->b, j->a, j->n, 0));
    switch (c->step) {
    case STEP_SCATTER: return wrong_block_inputs(j);
    case STEP_COMPUTE: return wrong_results(j, "la", j->la, j->count, j->displ);
    case STEP_GATHER: return root && wrong_results(j, "b", j->b, j->n, 0);
    default:
        return wrong_results(j, "la", j->la, j->count, j->displ) ||
               (root && wrong_results(j, "b", j->b, j->n, 0));
    }
}

int sg_run_once(sg_job *j, enum sg_variant v)
{
    sg_call c = {j, v, STEP_ALL};
    prepare(&c);
    run(&c);
    return plb_mpi_agree(verify(&c, 1), j->comm);
}

const int64_t *sg_result(const sg_job *j)
{
    return j->b;
}

/* Measures one step of a distributed variant on its own; writes its median (max over ranks), or
 * "too short..." when it cannot be timed alone, into text. Returns whether it failed to verify.
 * The in-place compute cannot be repeated on its own output, so it is never batched. */
static int time_step(sg_job *j, enum sg_variant v, step st, const plb_options *opt,
                     const plb_sync *sync, char *text, size_t len)
{
    sg_call c = {j, v, st};
    plb_kernel k = {prepare, run, verify, &c};
    plb_measure_cfg cfg = {.warmup = opt->warmup, .repeats = opt->repeats, .sync = sync,
                           .max_batch = st == STEP_COMPUTE ? 1 : 0};
    plb_measurement m;
    int status = plb_measure(&k, &cfg, &m);
    if (status == PLB_MEASURE_TOO_SHORT)
        snprintf(text, len, "too short to time alone");
    else
        snprintf(text, len, "%.4e s", m.stats.median);
    return status != PLB_MEASURE_OK && status != PLB_MEASURE_TOO_SHORT;
}

const char *sg_run(sg_job *j, const plb_program *prog, const plb_context *ctx,
                   const plb_options *opt, FILE *out)
{
    static char failure[256];
    MPI_Comm comm = j->comm;
    plb_sync sync = plb_mpi_sync(&comm);
    sg_call calls[SG_VARIANTS];
    plb_variant v[SG_VARIANTS];
    double bytes = j->k->bytes_per_element * (double)j->n;
    for (int i = 0; i < SG_VARIANTS; i++) {
        calls[i] = (sg_call){j, (enum sg_variant)i, STEP_ALL};
        v[i] = (plb_variant){sg_variant_names[i], j->threads, {prepare, run, verify, &calls[i]},
                             bytes, 1e9, "GB/s", 0.0, j->detail};
    }
    const char *bad = plb_run_variants(prog, ctx, opt, v, SG_VARIANTS, &sync, out, NULL);

    /* Where the time of a distributed run goes: each step measured on its own. */
    static const enum sg_variant split[] = {SG_COLLECTIVE, SG_P2P};
    for (int i = 0; i < 2; i++) {
        if (!plb_variant_selected(prog, opt, sg_variant_names[split[i]]))
            continue;
        char s[32], c[32], g[32];
        int failed = time_step(j, split[i], STEP_SCATTER, opt, &sync, s, sizeof s) |
                     time_step(j, split[i], STEP_COMPUTE, opt, &sync, c, sizeof c) |
                     time_step(j, split[i], STEP_GATHER, opt, &sync, g, sizeof g);
        if (failed && !bad) {
            snprintf(failure, sizeof failure, "%s split: %s", sg_variant_names[split[i]],
                     j->detail);
            bad = failure;
        }
        if (out && !failed)
            fprintf(out, "# split       : %-10s scatter %s, compute %s, gather %s "
                         "(medians, each the max over ranks)\n", sg_variant_names[split[i]], s, c, g);
    }
    return bad;
}

int sg_main(const plb_program *prog, const sg_kernel *k, int default_threads,
            void (*describe)(int threads, FILE *out), int argc, char **argv)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    plb_options opt = {.n = 8 << 20, .repeats = 10, .warmup = 1};
    int status = plb_mpi_parse_cli(prog, argc, argv, &opt, comm);
    if (status < 0 && opt.n > INT_MAX) { /* the same on every rank: no agreement needed */
        if (rank == 0)
            fprintf(stderr, "%s: n = %" PRId64 " is over %d, the largest MPI count\n", prog->name,
                    opt.n, INT_MAX);
        status = PLB_EXIT_USAGE;
    }
    if (status >= 0)
        return status;
    int threads = opt.threads ? opt.threads : default_threads;

    sg_job *job = sg_create(k, opt.n, threads, comm);
    if (!job) {
        if (rank == 0)
            fprintf(stderr, "%s: out of memory for n = %" PRId64 "\n", prog->name, opt.n);
        return PLB_EXIT_FAILED;
    }
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, prog->name, threads, &opt, comm);
    if (describe)
        describe(threads, out);
    const char *failure = sg_run(job, prog, &ctx, &opt, out);
    sg_destroy(job);
    return plb_mpi_verdict(&opt, failure, comm);
}

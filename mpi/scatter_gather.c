/* scatter_gather.c: scatter, compute and gather for any n and rank count (see scatter_gather.h). */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>

#include "arrays.h"
#include "exit_codes.h"
#include "mpi_support.h"
#include "partition.h"
#include "scatter_gather.h"

#define POISON INT64_C(-1) /* no input and no result of our kernels is negative */

const char *const sg_variant_names[] = {
    [SG_SEQ] = "seq", [SG_COLLECTIVE] = "collective", [SG_P2P] = "p2p", [SG_BARE] = "bare", NULL,
};

typedef enum step { STEP_ALL, STEP_SCATTER, STEP_COMPUTE, STEP_GATHER } step;

typedef struct sg_call {
    sg_job *job;
    enum sg_variant variant;
    step step;
} sg_call;

/* First touched by the threads of this rank that will compute on them. */
static int64_t *alloc_elements(int64_t count, int threads)
{
    return plb_array_alloc((size_t)count * sizeof(int64_t), threads);
}

void sg_destroy(sg_job *job)
{
    if (!job)
        return;
    free(job->counts);
    free(job->displs);
    plb_array_free(job->a);
    plb_array_free(job->b);
    plb_array_free(job->la);
    plb_array_free(job->lb);
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
        job->count = (int)plb_block_count(n, job->size, job->rank);
        job->displ = (int)plb_block_start(n, job->size, job->rank);
        job->counts = malloc((size_t)job->size * sizeof(int));
        job->displs = malloc((size_t)job->size * sizeof(int));
        job->la = alloc_elements(job->count, threads);
        job->lb = alloc_elements(job->count, threads);
        if (job->rank == 0) {
            job->a = alloc_elements(n, threads);
            job->b = alloc_elements(n, threads);
        }
        ok = job->counts && job->displs && job->la && job->lb &&
             (job->rank != 0 || (job->a && job->b));
    }
    if (ok) {
        for (int r = 0; r < job->size; r++) {
            job->counts[r] = (int)plb_block_count(n, job->size, r);
            job->displs[r] = (int)plb_block_start(n, job->size, r);
        }
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

/* In place: the block's results overwrite its inputs, so no second buffer is streamed into
 * (and no write-allocate traffic is paid for one); la is then gathered as it is. */
static void compute(sg_job *j)
{
    j->k->compute(j->la, j->la, j->count, j->threads);
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

/* bare: the floor the collective variant is held against. The same collectives and compute on
 * the same buffers, called here directly: nothing of the lesson's steps or job between them. */
static void bare_round(sg_job *j)
{
    MPI_Scatterv(j->a, j->counts, j->displs, MPI_INT64_T, j->la, j->count, MPI_INT64_T, 0, j->comm);
    j->k->compute(j->la, j->la, j->count, j->threads);
    MPI_Gatherv(j->la, j->count, MPI_INT64_T, j->b, j->counts, j->displs, MPI_INT64_T, 0, j->comm);
}

static void run_variant(void *arg)
{
    sg_call *c = arg;
    sg_job *j = c->job;
    if (c->variant == SG_SEQ) {
        if (j->rank == 0)
            j->k->compute(j->a, j->b, j->n, j->threads);
        return;
    }
    if (c->variant == SG_BARE) {
        bare_round(j);
        return;
    }
    const sg_steps *steps = c->variant == SG_P2P ? &j->k->p2p : &j->k->collective;
    if (c->step == STEP_ALL || c->step == STEP_SCATTER)
        steps->scatter(j);
    if (c->step == STEP_ALL || c->step == STEP_COMPUTE)
        compute(j);
    if (c->step == STEP_ALL || c->step == STEP_GATHER)
        steps->gather(j);
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
                     "rank %d: %s[%" PRId64 "] = %" PRId64 ", expected the input %" PRId64, j->rank,
                     where, i + offset, x[i], expected[i]);
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
    sg_call c = {.job = j, .variant = v, .step = STEP_ALL};
    prepare(&c);
    run_variant(&c);
    return plb_mpi_agree(verify(&c, 1), j->comm);
}

const int64_t *sg_result(const sg_job *j)
{
    return j->b;
}

/* Measures one step of a distributed variant on its own and prints it as a row of its own, the
 * variant named VARIANT.STEP ("collective.scatter"), with the bytes that step moves or computes
 * (scatter and gather: 8 per element; compute: the kernel's). A step too short to time alone gets
 * a note instead; its median goes to *median_s (0: not timed). Returns whether it failed to
 * verify. The in-place compute cannot be repeated on its own output, so it is never batched. */
static int time_step(sg_job *j, enum sg_variant v, step st, const plb_program *prog,
                     const plb_context *ctx, const plb_options *opt, const plb_sync *sync,
                     FILE *out, double *median_s)
{
    static const char *const step_names[] = {
        [STEP_ALL] = "all",
        [STEP_SCATTER] = "scatter",
        [STEP_COMPUTE] = "compute",
        [STEP_GATHER] = "gather",
    };
    sg_call c = {.job = j, .variant = v, .step = st};
    plb_kernel k = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &c};
    plb_measure_cfg cfg = {.warmup = opt->warmup,
                           .warmup_s = PLB_WARMUP_S,
                           .repeats = opt->repeats,
                           .sync = sync,
                           .max_batch = st == STEP_COMPUTE ? 1 : 0};
    plb_measurement m;
    int status = plb_measure(&k, &cfg, &m);
    char name[48];
    snprintf(name, sizeof name, "%s.%s", sg_variant_names[v], step_names[st]);
    double per_element = st == STEP_COMPUTE ? j->k->bytes_per_element : (double)sizeof(int64_t);
    double bytes = per_element * (double)j->n;
    plb_result r = {.program = prog->name,
                    .variant = name,
                    .n = j->n,
                    .ranks = ctx->ranks,
                    .threads = j->threads,
                    .repeats = opt->repeats,
                    .batch = m.batch,
                    .time = m.stats,
                    .rate = plb_rate(bytes, m.stats.median, 1e9),
                    .rate_unit = "GB/s",
                    .verified = status == PLB_MEASURE_OK};
    *median_s = status == PLB_MEASURE_OK ? m.stats.median : 0.0;
    if (out && status == PLB_MEASURE_TOO_SHORT)
        fprintf(out, "# split       : %s too short to time alone\n", name);
    else if (out)
        plb_report_row(out, opt, &r);
    return status != PLB_MEASURE_OK && status != PLB_MEASURE_TOO_SHORT;
}

/* The lesson's finding: how collective ran against seq, and, where its steps (scatter, compute,
 * gather: step_s) were each long enough to time alone, the share of their time that moving the
 * data took. */
static void report_finding(FILE *out, const plb_measurement *m, const double step_s[3], int ranks)
{
    char how[48], share[48] = "";
    if (!out || !plb_compared(&m[SG_COLLECTIVE], &m[SG_SEQ], how, sizeof how))
        return;
    if (step_s[0] > 0.0 && step_s[1] > 0.0 && step_s[2] > 0.0)
        snprintf(share, sizeof share, ", %.0f%% of it moving the data",
                 100.0 * (step_s[0] + step_s[2]) / (step_s[0] + step_s[1] + step_s[2]));
    plb_report_param(out, "finding", "collective ran %s seq on %d ranks%s", how, ranks, share);
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
    for (enum sg_variant i = SG_SEQ; i < SG_VARIANTS; i++) {
        calls[i] = (sg_call){.job = j, .variant = i, .step = STEP_ALL};
        v[i] = (plb_variant){
            .name = sg_variant_names[i],
            .threads = j->threads,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &calls[i]},
            .amount = bytes,
            .unit = 1e9,
            .rate_unit = "GB/s",
            .detail = j->detail};
    }
    plb_measurement measured[SG_VARIANTS];
    const char *bad = plb_run_variants(prog, ctx, opt, v, SG_VARIANTS, &sync, out, measured);

    /* Where the time of a distributed run goes: each step measured on its own, a row each. */
    static const enum sg_variant split[] = {SG_COLLECTIVE, SG_P2P};
    double step_s[2][3] = {{0.0}};
    for (int i = 0; i < 2; i++) {
        if (!plb_variant_selected(prog, opt, sg_variant_names[split[i]]))
            continue;
        int failed = 0;
        for (step st = STEP_SCATTER; st <= STEP_GATHER; st++)
            failed |= time_step(j, split[i], st, prog, ctx, opt, &sync, out,
                                &step_s[i][st - STEP_SCATTER]);
        if (failed && !bad) {
            snprintf(failure, sizeof failure, "%s split: %s", sg_variant_names[split[i]],
                     j->detail);
            bad = failure;
        }
    }
    report_finding(out, measured, step_s[0], ctx->ranks);
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
    if (status >= 0)
        return status;
    if (opt.n > INT_MAX) /* the same on every rank: no agreement needed */
        return plb_mpi_refuse(prog->name, PLB_EXIT_USAGE, comm,
                              "n = %" PRId64 " is over %d, the largest MPI count", opt.n, INT_MAX);
    int threads = opt.threads ? opt.threads : default_threads;

    /* Every rank its block and scratch; the root the whole input and result too. */
    double block = (double)plb_block_count(opt.n, size, rank);
    if (!plb_mpi_memory_check(prog->name, 16.0 * block + (rank == 0 ? 16.0 * (double)opt.n : 0.0),
                              comm))
        return PLB_EXIT_USAGE;
    sg_job *job = sg_create(k, opt.n, threads, comm);
    if (!job)
        return plb_mpi_refuse(prog->name, PLB_EXIT_FAILED, comm, "out of memory for n = %" PRId64,
                              opt.n);
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, prog->name, threads, &opt, comm);
    if (describe)
        describe(threads, out);
    const char *failure = sg_run(job, prog, &ctx, &opt, out);
    sg_destroy(job);
    return plb_mpi_verdict(&opt, failure, comm);
}

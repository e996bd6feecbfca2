/* mpi_pingpong: what one message costs, the two numbers every model of an MPI program starts from.
 *
 * The lesson: rank 0 sends a message of m bytes to the last rank, which sends it straight back
 * (round_trip below; OSU's osu_latency and osu_bw in one): half the round trip is the one-way time
 * t(m). Small messages cost the latency alpha (software and wire, whatever the size), large ones
 * m / beta (beta: the bandwidth): the Hockney model t(m) = alpha + m / beta, in the "# model"
 * note, from which `make bench` predicts mpi_heat's halo exchange. Across nodes the last rank is
 * on another node and the figures are the network's; on one node they are shared memory's.
 *
 * Measurement (not the lesson): message sizes from 8 bytes up by fours to n, one row each; the
 * model is fitted through the smallest and the largest. Ranks other than the two wait; one rank
 * sends to itself (a memory copy). One run is a round trip; the rows' times are a message's, one
 * way. Rate: one-way bandwidth, MB/s = m / t(m) / 1e6. Verified after every batch: each message
 * arrived intact at the far rank and came back intact.
 *
 *   usage: mpirun -np P mpi_pingpong [-n BYTES] [-r R] [-w W] [-v] [--csv]
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "mpi_support.h"

#define TAG 31

enum { PINGPONG };
static const char *const variants[] = {[PINGPONG] = "pingpong", NULL};

typedef struct job {
    int rank, far;  /* far: the rank the messages go to and come back from */
    int bytes;      /* this size's message */
    unsigned stamp; /* changes every batch, so a stale message cannot pass */
    unsigned char *out, *back;
    char detail[PLB_DETAIL_LEN];
} job;

static unsigned char pattern(const job *j, int i)
{
    return (unsigned char)(i * 7u + j->stamp * 13u + (unsigned)j->bytes);
}

/* Rank 0 stamps a new pattern into its message; both clear what they receive into to its
 * complement, so a message that does not arrive cannot look like one that did. The far rank
 * sends back only what it received. */
static void prepare(void *arg)
{
    job *j = arg;
    j->stamp++;
    for (int i = 0; i < j->bytes; i++) {
        if (j->rank == 0)
            j->out[i] = pattern(j, i);
        j->back[i] = (unsigned char)~pattern(j, i);
    }
}

/* One round trip: rank 0 sends and receives in one MPI_Sendrecv (to itself on one rank), the far
 * rank receives, then sends the same buffer back. */
static void round_trip(void *arg)
{
    job *j = arg;
    if (j->rank == 0)
        MPI_Sendrecv(j->out, j->bytes, MPI_BYTE, j->far, TAG, j->back, j->bytes, MPI_BYTE, j->far,
                     TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    else if (j->rank == j->far) {
        MPI_Recv(j->back, j->bytes, MPI_BYTE, 0, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(j->back, j->bytes, MPI_BYTE, 0, TAG, MPI_COMM_WORLD);
    }
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    int wrong = -1;
    if (j->rank == 0 || j->rank == j->far)
        for (int i = 0; i < j->bytes && wrong < 0; i++)
            if (j->back[i] != pattern(j, i))
                wrong = i;
    if (wrong >= 0)
        snprintf(j->detail, sizeof j->detail, "%d-byte message: byte %d on rank %d is %u, not %u",
                 j->bytes, wrong, j->rank, j->back[wrong], pattern(j, wrong));
    return wrong >= 0;
}

/* Times the round trip of one size and prints its row; the one-way time, or 0 when it failed. */
static double time_size(job *j, const plb_options *opt, const plb_context *ctx,
                        const plb_sync *sync, FILE *out, const char **failure)
{
    static char why[PLB_DETAIL_LEN + 64];
    plb_kernel k = {.prepare = prepare, .run = round_trip, .verify = verify, .arg = j};
    plb_measure_cfg cfg = {
        .warmup = opt->warmup, .warmup_s = PLB_WARMUP_S, .repeats = opt->repeats, .sync = sync};
    plb_measurement m;
    int status = plb_measure(&k, &cfg, &m);
    plb_stats one_way = m.stats; /* a message's time: half a round trip */
    one_way.min /= 2.0;
    one_way.median /= 2.0;
    one_way.mean /= 2.0;
    one_way.max /= 2.0;
    one_way.stddev /= 2.0;
    plb_result r = {.program = ctx->program,
                    .variant = variants[PINGPONG],
                    .n = j->bytes,
                    .ranks = ctx->ranks,
                    .threads = 1,
                    .repeats = opt->repeats,
                    .batch = m.batch,
                    .time = one_way,
                    .rate = plb_rate(j->bytes, one_way.median, 1e6),
                    .rate_unit = "MB/s",
                    .verified = status == PLB_MEASURE_OK};
    if (out)
        plb_report_row(out, opt, &r);
    if (status != PLB_MEASURE_OK && !*failure) {
        snprintf(why, sizeof why, "%d bytes: %s: %s", j->bytes, plb_measure_error(status),
                 j->detail);
        *failure = why;
    }
    return status == PLB_MEASURE_OK ? one_way.median : 0.0;
}

/* Hockney's t(m) = alpha + m / beta through the smallest and the largest message; where the
 * largest was no slower (a run disturbed by other work, or one size only), no model. */
static void report_model(FILE *out, int small, double t_small, int large, double t_large)
{
    if (!out || large <= small)
        return;
    if (t_small <= 0.0 || t_large <= t_small) {
        fprintf(out,
                "# model       : not fitted: %d bytes took no longer than %d bytes (%.3g "
                "and %.3g us): a disturbed run, measure again on a quiet machine\n",
                large, small, t_large * 1e6, t_small * 1e6);
        return;
    }
    double beta = (large - small) / (t_large - t_small);
    double alpha = t_small - small / beta;
    alpha = alpha > 0.0 ? alpha : 0.0;
    fprintf(out,
            "# model       : t(m) = alpha + m / beta, alpha = %.3g us, beta = %.4g GB/s "
            "(through %d and %d bytes); half of beta reached at m = %.3g bytes\n",
            alpha * 1e6, beta / 1e9, small, large, alpha * beta);
}

static const plb_program program = {
    .name = "mpi_pingpong",
    .summary = "what one message costs: latency and bandwidth between two ranks",
    .variants = variants,
};

/* A row for every size, from 8 bytes up by fours to n, then the model through the smallest and
 * the largest. Returns the exit code. */
static int measure_sizes(job *j, const plb_options *opt, MPI_Comm comm)
{
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, opt, comm);
    if (out) {
        plb_report_param(out, "pair", "rank 0 and rank %d%s; sizes 8 bytes to %" PRId64 " by fours",
                         j->far, j->far ? "" : " (itself: a copy in memory)", opt->n);
        plb_report_columns(out, opt);
    }
    plb_sync sync = plb_mpi_sync(&comm);
    const char *failure = NULL;
    int small = 0, large = 0;
    double t_small = 0.0, t_large = 0.0;
    for (int64_t m = 8; !failure; m = m * 4 < opt->n && m * 4 > m ? m * 4 : opt->n) {
        j->bytes = (int)(m < opt->n ? m : opt->n);
        double t = time_size(j, opt, &ctx, &sync, out, &failure);
        if (!small) {
            small = j->bytes;
            t_small = t;
        }
        large = j->bytes;
        t_large = t;
        if (m >= opt->n)
            break;
    }
    if (!failure)
        report_model(out, small, t_small, large, t_large);
    return plb_mpi_verdict(opt, failure, comm);
}

static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    plb_options opt = {.n = 4 << 20, .repeats = 5, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status >= 0)
        return status;
    if (opt.n > INT_MAX)
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm,
                              "a message of %" PRId64 " bytes is beyond MPI's int count", opt.n);
    if (!plb_mpi_memory_check(program.name, 2.0 * (double)opt.n, comm))
        return PLB_EXIT_USAGE;
    job j = {.rank = rank,
             .far = size - 1,
             .out = plb_array_alloc((size_t)opt.n, 1),
             .back = plb_array_alloc((size_t)opt.n, 1)};
    if (plb_mpi_agree(!j.out || !j.back, comm))
        status = plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm,
                                "out of memory for two %" PRId64 "-byte buffers", opt.n);
    else
        status = measure_sizes(&j, &opt, comm);
    plb_array_free(j.out);
    plb_array_free(j.back);
    return status;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}

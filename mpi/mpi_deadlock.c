/* mpi_deadlock: two ranks that both send first. With MPI_Ssend they deadlock every time; with a
 * plain MPI_Send only when the message is too big to be sent eagerly, which is why such code
 * passes tests with small messages and hangs in production.
 *
 * The lesson (exchange below): ranks pair up (0-1, 2-3, ...; an odd last rank sits out) and swap n
 * int64 each. sendrecv (MPI_Sendrecv), nonblocking (MPI_Irecv + MPI_Isend + MPI_Waitall) and parity
 * (even ranks send first, odd ranks receive first) complete; ssend (both MPI_Ssend first) never
 * does, and a watchdog ends it with the verdict DEADLOCK, naming the call each rank waits in.
 * --sweep (send_completes_alone) shows for which sizes a plain MPI_Send completes before its
 * receive is posted (eager) and from which it would block: MPI_Send is not a buffered send.
 *
 * Measurement (not the lesson): variants run in the order sendrecv, nonblocking, parity, ssend.
 * The watchdog on every rank, told of every completed exchange, fires after --timeout seconds
 * without one, with exit code 3 (rank 0 prints first, so that no other rank's exit cuts its line
 * off). Where the library provides MPI_THREAD_MULTIPLE (asked for at start, reported in the
 * header), the watchdog thread then calls MPI_Abort(MPI_COMM_WORLD, 3), so the launcher ends every
 * rank with code 3; elsewhere each rank exits 3 on its own and the launcher's own code may differ
 * (Hydra: 9 at times). Rate: bytes each rank sends per second, GB/s = 8 * n / median_s / 1e9.
 * Verified after every batch: every rank received exactly its partner's data.
 *
 *   usage: mpirun -np P mpi_deadlock [-n N] [-r R] [-w W]
 *                  [-V sendrecv,nonblocking,parity,ssend] [--timeout S] [--sweep] [-v] [--csv]
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "mpi_deadlock.h"
#include "mpi_support.h"
#include "watchdog.h"

#define TAG 11

void exchange(exchange_kind kind, const int64_t *out, int64_t *in, int count, int partner,
              MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    switch (kind) {
    case EXCHANGE_SENDRECV:
        MPI_Sendrecv(out, count, MPI_INT64_T, partner, TAG, in, count, MPI_INT64_T, partner, TAG,
                     comm, MPI_STATUS_IGNORE);
        break;
    case EXCHANGE_NONBLOCKING: {
        /* A real status array, not MPI_STATUSES_IGNORE: MPICH's header annotations make gcc
         * warn that the sentinel is too small for two statuses (-Wstringop-overflow). */
        MPI_Request req[2];
        MPI_Status status[2];
        MPI_Irecv(in, count, MPI_INT64_T, partner, TAG, comm, &req[0]);
        MPI_Isend(out, count, MPI_INT64_T, partner, TAG, comm, &req[1]);
        MPI_Waitall(2, req, status);
        break;
    }
    case EXCHANGE_PARITY:
        if (rank % 2 == 0) {
            MPI_Send(out, count, MPI_INT64_T, partner, TAG, comm);
            MPI_Recv(in, count, MPI_INT64_T, partner, TAG, comm, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(in, count, MPI_INT64_T, partner, TAG, comm, MPI_STATUS_IGNORE);
            MPI_Send(out, count, MPI_INT64_T, partner, TAG, comm);
        }
        break;
    case EXCHANGE_SSEND_FIRST:
        /* A synchronous send returns only once the partner has started to receive it; both
         * partners are sending, neither is receiving: each waits for the other forever. */
        MPI_Ssend(out, count, MPI_INT64_T, partner, TAG, comm);
        MPI_Recv(in, count, MPI_INT64_T, partner, TAG, comm, MPI_STATUS_IGNORE);
        break;
    }
}

int send_completes_alone(const int64_t *out, int64_t *in, int count, int partner, double wait_s,
                         MPI_Comm comm)
{
    MPI_Request send, recv;
    int done = 0;
    MPI_Isend(out, count, MPI_INT64_T, partner, TAG, comm, &send);
    double give_up = MPI_Wtime() + wait_s;
    while (!done && MPI_Wtime() < give_up)
        MPI_Test(&send, &done, MPI_STATUS_IGNORE);
    MPI_Irecv(in, count, MPI_INT64_T, partner, TAG, comm, &recv);
    MPI_Wait(&recv, MPI_STATUS_IGNORE);
    if (!done)
        MPI_Wait(&send, MPI_STATUS_IGNORE);
    return done;
}

/* The program: the runner times the lesson above and verifies every result. */
typedef enum { SENDRECV, NONBLOCKING, PARITY, SSEND, VARIANT_COUNT } variant;
static const char *const variants[] = {[SENDRECV] = "sendrecv",
                                       [NONBLOCKING] = "nonblocking",
                                       [PARITY] = "parity",
                                       [SSEND] = "ssend",
                                       NULL};
/* The exchange each variant makes. */
static const exchange_kind kinds[] = {[SENDRECV] = EXCHANGE_SENDRECV,
                                      [NONBLOCKING] = EXCHANGE_NONBLOCKING,
                                      [PARITY] = EXCHANGE_PARITY,
                                      [SSEND] = EXCHANGE_SSEND_FIRST};

#define SPREAD INT64_C(1000003) /* rank r sends r * SPREAD + i */

typedef struct job {
    int64_t *out, *in;
    int count, rank, partner; /* partner -1: this rank sits out */
    variant variant;
    MPI_Comm comm;
    char *detail;
} job;

static void fill(int64_t *x, int count, int from)
{
    for (int i = 0; i < count; i++)
        x[i] = from * SPREAD + i;
}

static int wrong_data(const job *j)
{
    for (int i = 0; j->partner >= 0 && i < j->count; i++)
        if (j->in[i] != j->partner * SPREAD + i) {
            snprintf(j->detail, PLB_DETAIL_LEN, "rank %d: in[%d] = %" PRId64 ", expected %" PRId64,
                     j->rank, i, j->in[i], j->partner * SPREAD + i);
            return 1;
        }
    return 0;
}

static void prepare(void *arg)
{
    job *j = arg;
    memset(j->in, 0xff, (size_t)j->count * sizeof *j->in); /* -1: no rank sends that */
}

/* Watched from the start of the exchange, not during prepare and the barrier: those are the
 * runner's, and a partner still poisoning a large buffer is slow, not stuck. */
static void run_variant(void *arg)
{
    job *j = arg;
    if (j->partner < 0)
        return;
    plb_watchdog_watch(true);
    exchange(kinds[j->variant], j->out, j->in, j->count, j->partner, j->comm);
    plb_watchdog_progress();
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    plb_watchdog_watch(false);
    return wrong_data(j);
}

/* Plain MPI_Send's behaviour at sizes 1, 2, 4, ... n elements, agreed by every pair, on j's
 * buffers and partner. */
static int sweep(job *j, int64_t n, FILE *out)
{
    int wrong = 0;
    if (out)
        fprintf(out, "# %-12s  %14s  %s\n", "sweep bytes", "plain MPI_Send",
                "(before its receive is posted)");
    for (int64_t count = 1; count <= n; count = count < n && 2 * count > n ? n : 2 * count) {
        memset(j->in, 0xff, (size_t)count * sizeof *j->in);
        int alone = j->partner < 0 ||
                    send_completes_alone(j->out, j->in, (int)count, j->partner, 0.05, j->comm);
        j->count = (int)count;
        wrong |= wrong_data(j);
        int everywhere;
        MPI_Allreduce(&alone, &everywhere, 1, MPI_INT, MPI_LAND, j->comm);
        if (out)
            fprintf(out, "# %12" PRId64 "  %14s\n", 8 * count,
                    everywhere ? "completes" : "would block");
        if (count == n)
            break;
    }
    return plb_mpi_agree(wrong, j->comm);
}

/* The watchdog's end where another thread may call MPI: every rank ends, with the code. */
static void abort_all(int code)
{
    MPI_Abort(MPI_COMM_WORLD, code);
}

static double timeout_s = 2.0;
static bool do_sweep;

/* Rank 0 says who waits for whom and fires first; the others fire PLB_WATCHDOG_GRACE_S later, so
 * that no exit of theirs cuts rank 0's line off. Returns non-zero on every rank when the watchdog
 * could not start on any of them. Collective. */
static int start_watchdog(bool csv, bool can_abort, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    char line[320];
    snprintf(line, sizeof line,
             "DEADLOCK: no progress for %g s: rank 0 waits in MPI_Ssend for rank 1 to receive, "
             "rank 1 waits in MPI_Ssend for rank 0%s; neither receives\n",
             timeout_s, size > 3 ? ", and so does every pair" : "");
    int fd = rank == 0 ? (csv ? STDERR_FILENO : STDOUT_FILENO) : -1;
    int failed = plb_watchdog_install(line, fd, timeout_s, rank == 0 ? 0.0 : PLB_WATCHDOG_GRACE_S,
                                      can_abort ? abort_all : NULL) != 0;
    return plb_mpi_agree(failed, comm);
}
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "timeout", .kind = PLB_OPT_REAL, .target = &timeout_s, .min = 0.01, .max = 3600,
     .arg_name = "S", .help = "watchdog: a run without progress this long is a deadlock"},
    {.long_name = "sweep", .kind = PLB_OPT_FLAG, .target = &do_sweep,
     .help = "show where plain MPI_Send stops completing on its own, sizes 8 bytes to 8n"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "mpi_deadlock",
    .summary = "two ranks that both send first: the deadlock, the eager limit, three fixes",
    .variants = variants,
    .extra = extra,
};

/* The variants under the watchdog: the failure, or NULL. */
static const char *run_watched(job *jobs, const plb_options *opt, const plb_context *ctx,
                               FILE *report, bool can_abort, MPI_Comm comm)
{
    if (start_watchdog(opt->csv, can_abort, comm))
        return "cannot start the watchdog thread";
    plb_sync sync = plb_mpi_sync(&comm);
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++)
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = 1,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = 8.0 * (double)opt->n,
            .unit = 1e9,
            .rate_unit = "GB/s",
            .detail = jobs[k].detail};
    return plb_run_variants(&program, ctx, opt, v, VARIANT_COUNT, &sync, report, NULL);
}

/* The variants, or with --sweep plain MPI_Send's sizes, on out and in (n each). Returns the exit
 * code. */
static int run_exchanges(const plb_options *opt, int64_t *out, int64_t *in, bool can_abort,
                         MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    fill(out, (int)opt->n, rank);
    for (variant k = 0; k < VARIANT_COUNT; k++)
        jobs[k] = (job){.out = out,
                        .in = in,
                        .count = (int)opt->n,
                        .rank = rank,
                        .partner = (rank ^ 1) < size ? rank ^ 1 : -1,
                        .variant = k,
                        .comm = comm,
                        .detail = detail};

    plb_context ctx;
    FILE *report = plb_mpi_report_start(&ctx, program.name, 1, opt, comm);
    if (report) {
        plb_report_param(report, "timeout", "%g s", timeout_s);
        plb_report_param(report, "watchdog", "%s",
                         can_abort ? "MPI_Abort from its thread (MPI_THREAD_MULTIPLE provided)"
                                   : "each rank exits alone (no MPI_THREAD_MULTIPLE)");
    }
    const char *failure;
    if (do_sweep) /* on any job's buffers and partner */
        failure = sweep(&jobs[SENDRECV], opt->n, report) ? "sweep: wrong data received" : NULL;
    else
        failure = run_watched(jobs, opt, &ctx, report, can_abort, comm);
    return plb_mpi_verdict(opt, failure, comm);
}

static int run_lesson(int argc, char **argv, MPI_Comm comm, bool can_abort)
{
    int size;
    MPI_Comm_size(comm, &size);
    plb_options opt = {.n = 1024, .repeats = 10, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status >= 0)
        return status;
    if (size < 2)
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm, "needs at least 2 ranks");
    if (opt.n > (1 << 27))
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm, "n is over 134217728 (1 GiB)");
    if (!plb_mpi_memory_check(program.name, 16.0 * (double)opt.n, comm))
        return PLB_EXIT_USAGE;
    size_t bytes = (size_t)opt.n * sizeof(int64_t);
    int64_t *out = plb_array_alloc(bytes, 1), *in = plb_array_alloc(bytes, 1);
    if (plb_mpi_agree(!out || !in, comm))
        status = plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm, "out of memory");
    else
        status = run_exchanges(&opt, out, in, can_abort, comm);
    plb_array_free(out);
    plb_array_free(in);
    return status;
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD, provided == MPI_THREAD_MULTIPLE);
    MPI_Finalize();
    return status;
}

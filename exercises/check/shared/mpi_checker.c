/* mpi_checker.c: the MPI exercises' shared checking (mpi_checker.h).
 *
 * Who waits for whom: the blocking calls a learner uses are wrapped here through MPI's profiling
 * interface (each MPI_X is ours and calls the library's PMPI_X), and each says, before it goes
 * in, what it waits for: "in MPI_Send to rank 1 (4194304 bytes, tag 23)". A rank's HANG line ends
 * with the call it is stuck in, and every stuck rank prints its own, so the lines together show
 * the cycle. The wrappers also count their calls, for checkers that must see how a learner's code
 * waits (checker_calls_so_far). */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "exit_codes.h"
#include "mpi_checker.h"
#include "mpi_support.h"
#include "report.h"
#include "watchdog.h"

static void say_mpi_error(MPI_Comm *comm, int *code, ...)
{
    char text[MPI_MAX_ERROR_STRING];
    int len, rank;
    MPI_Error_string(*code, text, &len);
    MPI_Comm_rank(*comm, &rank);
    fprintf(stderr, "MPI ERROR: rank %d: %s\n", rank, text);
    MPI_Abort(*comm, PLB_EXIT_FAILED);
}

void checker_say_mpi_errors(MPI_Comm comm)
{
    MPI_Errhandler handler;
    MPI_Comm_create_errhandler(say_mpi_error, &handler);
    MPI_Comm_set_errhandler(comm, handler);
    MPI_Errhandler_free(&handler);
}

/* ---- what this rank waits in --------------------------------------------------------------- */

/* What the rank waits in, written by the rank's thread and read by the watchdog's: a sequence
 * count, odd while the text is being written, tells the reader whether its copy is whole. */
static char said[200];
static atomic_uint said_seq;
static atomic_bool inside; /* in a wrapped call now */
static checker_calls calls;

static void entering(long *count, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void entering(long *count, const char *fmt, ...)
{
    ++*count;
    atomic_fetch_add(&said_seq, 1); /* odd: being written */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(said, sizeof said, fmt, ap);
    va_end(ap);
    atomic_fetch_add(&said_seq, 1); /* even: whole */
    atomic_store(&inside, true);
}

static int left(int rc)
{
    atomic_store(&inside, false);
    return rc;
}

checker_calls checker_calls_so_far(void)
{
    return calls;
}

static const char *hang_detail(void)
{
    static char copy[sizeof said];
    for (int tries = 0; tries < 100 && atomic_load(&inside); tries++) {
        unsigned before = atomic_load(&said_seq);
        memcpy(copy, said, sizeof copy);
        if (before % 2 == 0 && atomic_load(&said_seq) == before) {
            copy[sizeof copy - 1] = '\0';
            return copy;
        }
        plb_sleep(0.001);
    }
    return ": in no MPI call that the checker watches (a loop that never ends, or a call such as "
           "MPI_Probe or MPI_Barrier)\n";
}

/* "rank 3", "no rank (MPI_PROC_NULL)" or "any rank"; in one of two buffers, so a call may name
 * two peers. */
static const char *peer(int r)
{
    static char names[2][24];
    static int which;
    if (r == MPI_PROC_NULL)
        return "no rank (MPI_PROC_NULL)";
    if (r == MPI_ANY_SOURCE)
        return "any rank";
    which ^= 1;
    snprintf(names[which], sizeof names[which], "rank %d", r);
    return names[which];
}

static long long bytes(int count, MPI_Datatype type)
{
    int size = 0;
    if (type != MPI_DATATYPE_NULL) /* its error would be MPI_COMM_SELF's: fatal, not the call's */
        PMPI_Type_size(type, &size);
    return (long long)count * size;
}

int MPI_Send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
    entering(&calls.send, ": in MPI_Send to %s (%lld bytes, tag %d)\n", peer(dest),
             bytes(count, type), tag);
    return left(PMPI_Send(buf, count, type, dest, tag, comm));
}

int MPI_Ssend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
    entering(&calls.ssend, ": in MPI_Ssend to %s (%lld bytes, tag %d)\n", peer(dest),
             bytes(count, type), tag);
    return left(PMPI_Ssend(buf, count, type, dest, tag, comm));
}

int MPI_Recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
             MPI_Status *status)
{
    entering(&calls.recv, ": in MPI_Recv from %s (tag %d)\n", peer(source), tag);
    return left(PMPI_Recv(buf, count, type, source, tag, comm, status));
}

int MPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
                 void *recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,
                 MPI_Comm comm, MPI_Status *status)
{
    const char *to = peer(dest), *from = peer(source);
    entering(&calls.sendrecv, ": in MPI_Sendrecv, to %s (tag %d) and from %s (tag %d)\n", to,
             sendtag, from, recvtag);
    return left(PMPI_Sendrecv(sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount,
                              recvtype, source, recvtag, comm, status));
}

int MPI_Wait(MPI_Request *request, MPI_Status *status)
{
    entering(&calls.wait, ": in MPI_Wait\n");
    return left(PMPI_Wait(request, status));
}

int MPI_Waitall(int count, MPI_Request requests[], MPI_Status statuses[])
{
    entering(&calls.waitall, ": in MPI_Waitall of %d requests\n", count);
    return left(PMPI_Waitall(count, requests, statuses));
}

/* ---- the watchdog -------------------------------------------------------------------------- */

static int hang_rank, hang_size;

/* Once this rank's HANG line is out: wait until every rank's is (rank r prints 0.1 r s after rank
 * 0), then exit, so the first exit does not make the launcher end the ranks that have not
 * printed yet. */
static void after_every_line(int code)
{
    (void)code;
    plb_sleep(0.1 * (hang_size - hang_rank) + 0.5);
}

int checker_watch_hangs(const char *call, int rank, int size, double timeout_s)
{
    char line[160];
    snprintf(line, sizeof line, "HANG: rank %d of %d: %s has not returned in %g s", rank, size,
             call, timeout_s);
    hang_rank = rank;
    hang_size = size;
    plb_watchdog_detail(hang_detail);
    return plb_watchdog_install(line, STDERR_FILENO, timeout_s, 0.1 * rank, after_every_line);
}

int checker_time_way(const plb_program *prog, const plb_options *opt, const char *way,
                     const plb_kernel *k, MPI_Comm comm, int64_t n, double bytes, FILE *out)
{
    int size;
    MPI_Comm_size(comm, &size);
    plb_sync sync = plb_mpi_sync(&comm);
    plb_measure_cfg cfg = {
        .warmup = opt->warmup, .warmup_s = PLB_WARMUP_S, .repeats = opt->repeats, .sync = &sync};
    plb_measurement m;
    int measured = plb_measure(k, &cfg, &m);
    plb_result r = {.program = prog->name,
                    .variant = way,
                    .n = n,
                    .ranks = size,
                    .threads = 1,
                    .repeats = opt->repeats,
                    .batch = m.batch,
                    .time = m.stats,
                    .rate = plb_rate(bytes, m.stats.median, 1e6),
                    .rate_unit = "MB/s",
                    .verified = measured == PLB_MEASURE_OK};
    if (out)
        plb_report_row(out, opt, &r);
    return measured;
}

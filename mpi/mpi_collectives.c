/* mpi_collectives: broadcast, reduce, allreduce, allgather and scan, each written by hand twice and
 * set beside the MPI library's own.
 *
 * A collective is one call that every rank of a communicator makes; what it costs is the number
 * of steps it takes (messages one after another) and what each step carries. Each is written
 * here as a loop of P-1 steps (P ranks): the root sends to or receives from each rank in turn,
 * an allgather passes blocks round a ring, a scan passes a running sum down a chain (an
 * allreduce: a reduce, then a broadcast, 2(P-1)); and as a tree of ceil(log2 P) steps: binomial
 * trees for broadcast and reduce, recursive doubling for allreduce and scan, Bruck's algorithm
 * for allgather (an allreduce on a rank count that is not a power of two: floor(log2 P) + 2).
 * Both work at any rank count. The library's (MPI_Bcast, MPI_Reduce, MPI_Allreduce,
 * MPI_Allgather, MPI_Scan) choose among several such algorithms by message size and rank count:
 * where its time changes slope more than the others', it may have switched (or changed protocol,
 * eager to rendezvous). Small messages cost a latency a step, so steps count; large ones cost
 * bandwidth, so what each step carries counts (a tree's allreduce carries the whole message
 * log2 P times). Before the timings, one MPI_Allreduce answers a question with numbers spread
 * over the ranks: their mean and spread (mpitutorial's averages).
 *
 * Measurement (not the lesson): data are 64-bit unsigned integers summed modulo 2^64 (exact in
 * any order), so every result is checked element for element on every rank that has one, after
 * every batch; a new pattern each batch, and results poisoned before it, so a stale or missing
 * result fails. Message sizes: each
 * rank's contribution m, 8 bytes up by sixteens to n; the row's n is m (an allgather's result is
 * P times larger). Times: the slowest rank's, per call, each call after an MPI_Barrier, whose
 * own time (the "# barrier" note) is in every row.
 * Rate: MB/s = m / t / 1e6, t the median time of one call (the "algorithm bandwidth").
 *
 *   usage: mpirun -np P mpi_collectives [-n BYTES] [-r R] [-w W] [-V VARIANTS] [-v] [--csv]
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "mpi_collectives.h"
#include "mpi_support.h"

#define TAG 41

static void add_into(uint64_t *sum, const uint64_t *more, int count)
{
    for (int i = 0; i < count; i++)
        sum[i] += more[i];
}

static int rank_in(const coll_buffers *b)
{
    int rank;
    MPI_Comm_rank(b->comm, &rank);
    return rank;
}

static int ranks_in(const coll_buffers *b)
{
    int size;
    MPI_Comm_size(b->comm, &size);
    return size;
}

/* ---- broadcast ------------------------------------------------------------------------------- */

/* The root sends the whole message to each rank in turn: P-1 steps. */
void bcast_linear(coll_buffers *b)
{
    int rank = rank_in(b), size = ranks_in(b);
    if (rank == 0)
        for (int r = 1; r < size; r++)
            MPI_Send(b->out, b->count, MPI_UINT64_T, r, TAG, b->comm);
    else
        MPI_Recv(b->out, b->count, MPI_UINT64_T, 0, TAG, b->comm, MPI_STATUS_IGNORE);
}

/* A binomial tree: in the step of distance d (d = 1, 2, 4, ...), every rank below d that has
 * the message sends it to rank + d. The ranks that have it double each step: ceil(log2 P). */
void bcast_tree(coll_buffers *b)
{
    int rank = rank_in(b), size = ranks_in(b);
    for (int d = 1; d < size; d *= 2) {
        if (rank < d && rank + d < size)
            MPI_Send(b->out, b->count, MPI_UINT64_T, rank + d, TAG, b->comm);
        else if (rank >= d && rank < 2 * d)
            MPI_Recv(b->out, b->count, MPI_UINT64_T, rank - d, TAG, b->comm, MPI_STATUS_IGNORE);
    }
}

/* ---- reduce ---------------------------------------------------------------------------------- */

/* The root receives each rank's contribution in turn and adds it: P-1 steps. */
void reduce_linear(coll_buffers *b)
{
    int rank = rank_in(b), size = ranks_in(b);
    if (rank != 0) {
        MPI_Send(b->in, b->count, MPI_UINT64_T, 0, TAG, b->comm);
        return;
    }
    memcpy(b->out, b->in, (size_t)b->count * sizeof *b->out);
    for (int r = 1; r < size; r++) {
        MPI_Recv(b->tmp, b->count, MPI_UINT64_T, r, TAG, b->comm, MPI_STATUS_IGNORE);
        add_into(b->out, b->tmp, b->count);
    }
}

/* A binomial tree too, the broadcast's mirror image: in the step of distance d, a rank whose bit
 * d is set sends its partial sum to rank - d and is done; its partner adds it. ceil(log2 P)
 * steps. */
void reduce_tree(coll_buffers *b)
{
    int rank = rank_in(b), size = ranks_in(b);
    memcpy(b->out, b->in, (size_t)b->count * sizeof *b->out);
    for (int d = 1; d < size; d *= 2) {
        if (rank & d) {
            MPI_Send(b->out, b->count, MPI_UINT64_T, rank - d, TAG, b->comm);
            return;
        }
        if (rank + d < size) {
            MPI_Recv(b->tmp, b->count, MPI_UINT64_T, rank + d, TAG, b->comm, MPI_STATUS_IGNORE);
            add_into(b->out, b->tmp, b->count);
        }
    }
}

/* ---- allreduce ------------------------------------------------------------------------------- */

/* A reduce to the root, then a broadcast from it, both linear: 2(P-1) steps. */
void allreduce_linear(coll_buffers *b)
{
    reduce_linear(b);
    bcast_linear(b);
}

/* Recursive doubling: in the step of distance d, every rank swaps its partial sum with rank XOR d
 * and adds: after log2 P steps every rank holds the whole sum. P not a power of two: the first
 * 2 * (P - pow2) ranks pair up first, the even one handing its contribution to the odd one and
 * waiting for the answer: two steps more. */
void allreduce_doubling(coll_buffers *b)
{
    int rank = rank_in(b), size = ranks_in(b), pow2 = 1;
    while (pow2 * 2 <= size)
        pow2 *= 2;
    int extra = size - pow2, me; /* me: this rank among the pow2 that double, or -1 */
    memcpy(b->out, b->in, (size_t)b->count * sizeof *b->out);
    if (rank < 2 * extra && rank % 2 == 0) {
        MPI_Send(b->out, b->count, MPI_UINT64_T, rank + 1, TAG, b->comm);
        me = -1;
    } else if (rank < 2 * extra) {
        MPI_Recv(b->tmp, b->count, MPI_UINT64_T, rank - 1, TAG, b->comm, MPI_STATUS_IGNORE);
        add_into(b->out, b->tmp, b->count);
        me = rank / 2;
    } else {
        me = rank - extra;
    }
    for (int d = 1; me >= 0 && d < pow2; d *= 2) {
        int other = me ^ d;
        int partner = other < extra ? 2 * other + 1 : other + extra;
        MPI_Sendrecv(b->out, b->count, MPI_UINT64_T, partner, TAG, b->tmp, b->count, MPI_UINT64_T,
                     partner, TAG, b->comm, MPI_STATUS_IGNORE);
        add_into(b->out, b->tmp, b->count);
    }
    if (rank < 2 * extra && rank % 2 == 0)
        MPI_Recv(b->out, b->count, MPI_UINT64_T, rank + 1, TAG, b->comm, MPI_STATUS_IGNORE);
    else if (rank < 2 * extra)
        MPI_Send(b->out, b->count, MPI_UINT64_T, rank - 1, TAG, b->comm);
}

/* ---- allgather ------------------------------------------------------------------------------- */

/* A ring: in each of P-1 steps, every rank passes the block it received last to its right-hand
 * neighbour and takes the next from its left: one block a step, always to the same neighbour. */
void allgather_ring(coll_buffers *b)
{
    int rank = rank_in(b), size = ranks_in(b), count = b->count;
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    memcpy(b->out + (size_t)rank * count, b->in, (size_t)count * sizeof *b->out);
    for (int step = 0; step < size - 1; step++) {
        int send = (rank - step + size) % size, recv = (rank - step - 1 + size) % size;
        MPI_Sendrecv(b->out + (size_t)send * count, count, MPI_UINT64_T, right, TAG,
                     b->out + (size_t)recv * count, count, MPI_UINT64_T, left, TAG, b->comm,
                     MPI_STATUS_IGNORE);
    }
}

/* Bruck's algorithm: a rank collects the blocks of ranks rank, rank+1, ... (mod P) in order, in
 * tmp. In the step of distance d it sends the first blocks it holds (up to d) to rank - d and
 * appends those of rank + d: the blocks held double each step, ceil(log2 P) steps, the same P-1
 * blocks received in all as the ring, from ranks further away. Then each block is copied to its
 * rank's place. */
void allgather_bruck(coll_buffers *b)
{
    int rank = rank_in(b), size = ranks_in(b), count = b->count;
    size_t block = (size_t)count * sizeof *b->tmp;
    memcpy(b->tmp, b->in, block);
    for (int d = 1; d < size; d *= 2) {
        int blocks = d < size - d ? d : size - d;
        MPI_Sendrecv(b->tmp, blocks * count, MPI_UINT64_T, (rank - d + size) % size, TAG,
                     b->tmp + (size_t)d * count, blocks * count, MPI_UINT64_T, (rank + d) % size,
                     TAG, b->comm, MPI_STATUS_IGNORE);
    }
    for (int k = 0; k < size; k++)
        memcpy(b->out + (size_t)((rank + k) % size) * count, b->tmp + (size_t)k * count, block);
}

/* ---- scan ------------------------------------------------------------------------------------ */

/* A chain: rank r waits for the running sum of ranks 0..r-1, adds its own and passes it on: P-1
 * steps, one after another. */
void scan_chain(coll_buffers *b)
{
    int rank = rank_in(b), size = ranks_in(b);
    memcpy(b->out, b->in, (size_t)b->count * sizeof *b->out);
    if (rank > 0) {
        MPI_Recv(b->tmp, b->count, MPI_UINT64_T, rank - 1, TAG, b->comm, MPI_STATUS_IGNORE);
        add_into(b->out, b->tmp, b->count);
    }
    if (rank + 1 < size)
        MPI_Send(b->out, b->count, MPI_UINT64_T, rank + 1, TAG, b->comm);
}

/* Recursive doubling (Hillis and Steele): in the step of distance d, every rank sends its partial
 * sum to rank + d and adds the one from rank - d; after the step, rank r holds the sum of ranks
 * r-2d+1..r. ceil(log2 P) steps, every rank busy in each. */
void scan_doubling(coll_buffers *b)
{
    int rank = rank_in(b), size = ranks_in(b);
    memcpy(b->out, b->in, (size_t)b->count * sizeof *b->out);
    for (int d = 1; d < size; d *= 2) {
        int to = rank + d < size ? rank + d : MPI_PROC_NULL;
        int from = rank - d >= 0 ? rank - d : MPI_PROC_NULL;
        MPI_Sendrecv(b->out, b->count, MPI_UINT64_T, to, TAG, b->tmp, b->count, MPI_UINT64_T, from,
                     TAG, b->comm, MPI_STATUS_IGNORE);
        if (from != MPI_PROC_NULL)
            add_into(b->out, b->tmp, b->count);
    }
}

/* ---- the library's --------------------------------------------------------------------------- */

static void bcast_library(coll_buffers *b)
{
    MPI_Bcast(b->out, b->count, MPI_UINT64_T, 0, b->comm);
}

static void reduce_library(coll_buffers *b)
{
    MPI_Reduce(b->in, b->out, b->count, MPI_UINT64_T, MPI_SUM, 0, b->comm);
}

static void allreduce_library(coll_buffers *b)
{
    MPI_Allreduce(b->in, b->out, b->count, MPI_UINT64_T, MPI_SUM, b->comm);
}

static void allgather_library(coll_buffers *b)
{
    MPI_Allgather(b->in, b->count, MPI_UINT64_T, b->out, b->count, MPI_UINT64_T, b->comm);
}

static void scan_library(coll_buffers *b)
{
    MPI_Scan(b->in, b->out, b->count, MPI_UINT64_T, MPI_SUM, b->comm);
}

/* ---- buffers ------------------------------------------------------------------------------- */

int coll_buffers_alloc(coll_buffers *b, int count, MPI_Comm comm)
{
    int size;
    MPI_Comm_size(comm, &size);
    size_t block = (size_t)count * sizeof *b->in;
    *b = (coll_buffers){.in = plb_array_alloc(block, 1),
                        .out = plb_array_alloc(block * (size_t)size, 1),
                        .tmp = plb_array_alloc(block * (size_t)size, 1),
                        .count = count,
                        .comm = comm};
    if (plb_mpi_agree(!b->in || !b->out || !b->tmp, comm)) {
        coll_buffers_free(b);
        return -1;
    }
    return 0;
}

void coll_buffers_free(coll_buffers *b)
{
    plb_array_free(b->in);
    plb_array_free(b->out);
    plb_array_free(b->tmp);
    b->in = b->out = b->tmp = NULL;
}

/* ---- the runner: data, checks, timing -------------------------------------------------------- */

typedef enum collective_op { BCAST, REDUCE, ALLREDUCE, ALLGATHER, SCAN, OPS } collective_op;
typedef enum collective_way { LINEAR, TREE, LIBRARY, WAYS } collective_way;

typedef struct collective {
    const char *name;
    void (*way[WAYS])(coll_buffers *b);
} collective;

static const collective collectives[OPS] = {
    [BCAST] = {.name = "bcast",
               .way = {[LINEAR] = bcast_linear, [TREE] = bcast_tree, [LIBRARY] = bcast_library}},
    [REDUCE] =
        {.name = "reduce",
         .way = {[LINEAR] = reduce_linear, [TREE] = reduce_tree, [LIBRARY] = reduce_library}},
    [ALLREDUCE] = {.name = "allreduce",
                   .way = {[LINEAR] = allreduce_linear,
                           [TREE] = allreduce_doubling,
                           [LIBRARY] = allreduce_library}},
    [ALLGATHER] =
        {.name = "allgather",
         .way =
             {[LINEAR] = allgather_ring, [TREE] = allgather_bruck, [LIBRARY] = allgather_library}},
    [SCAN] = {.name = "scan",
              .way = {[LINEAR] = scan_chain, [TREE] = scan_doubling, [LIBRARY] = scan_library}},
};

/* Variants OP_WAY: each collective of collectives[] as a loop, a tree and the library's, the
 * variant of collective op and way w numbered VARIANT(op, w). */
#define VARIANT(op, w) ((op)*WAYS + (w))
static const char *const variants[] = {
    [VARIANT(BCAST, LINEAR)] = "bcast_linear",
    [VARIANT(BCAST, TREE)] = "bcast_tree",
    [VARIANT(BCAST, LIBRARY)] = "bcast_mpi",
    [VARIANT(REDUCE, LINEAR)] = "reduce_linear",
    [VARIANT(REDUCE, TREE)] = "reduce_tree",
    [VARIANT(REDUCE, LIBRARY)] = "reduce_mpi",
    [VARIANT(ALLREDUCE, LINEAR)] = "allreduce_linear",
    [VARIANT(ALLREDUCE, TREE)] = "allreduce_tree",
    [VARIANT(ALLREDUCE, LIBRARY)] = "allreduce_mpi",
    [VARIANT(ALLGATHER, LINEAR)] = "allgather_linear",
    [VARIANT(ALLGATHER, TREE)] = "allgather_tree",
    [VARIANT(ALLGATHER, LIBRARY)] = "allgather_mpi",
    [VARIANT(SCAN, LINEAR)] = "scan_linear",
    [VARIANT(SCAN, TREE)] = "scan_tree",
    [VARIANT(SCAN, LIBRARY)] = "scan_mpi",
    [VARIANT(OPS, 0)] = NULL,
};

typedef struct job {
    collective_op op;
    collective_way way;
    int rank, size;
    uint64_t stamp; /* changes every batch, so a stale result cannot pass */
    coll_buffers b;
    char detail[PLB_DETAIL_LEN];
} job;
/* Element i of rank r's contribution: distinct, and unrelated to its neighbours' (splitmix64's
 * finaliser over rank, index and stamp). */
static uint64_t value(uint64_t stamp, int r, int64_t i)
{
    uint64_t x = (stamp << 48) ^ ((uint64_t)r << 32) ^ (uint64_t)i;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* What element k of out must hold on rank `rank` after collective op. */
static uint64_t expected(const job *j, int rank, int64_t k)
{
    int last = j->op == ALLREDUCE || (j->op == REDUCE && rank == 0) ? j->size - 1 : rank;
    uint64_t sum = 0;
    switch (j->op) {
    case BCAST: return value(j->stamp, 0, k);
    case ALLGATHER: return value(j->stamp, (int)(k / j->b.count), k % j->b.count);
    default: /* REDUCE (on rank 0), ALLREDUCE, SCAN: a sum over ranks 0..last */
        for (int r = 0; r <= last; r++)
            sum += value(j->stamp, r, k);
        return sum;
    }
}

static int64_t out_count(const job *j)
{
    return j->op == ALLGATHER ? (int64_t)j->b.count * j->size : j->b.count;
}

/* A reduce leaves a result on rank 0 only. */
static int has_result(const job *j)
{
    return j->op != REDUCE || j->rank == 0;
}

/* A new pattern in every rank's contribution (and in the root's message, for a broadcast); out
 * poisoned with the complement of what it must hold. */
static void prepare(void *arg)
{
    job *j = arg;
    j->stamp++;
    for (int i = 0; i < j->b.count; i++)
        j->b.in[i] = value(j->stamp, j->rank, i);
    for (int64_t k = 0; k < out_count(j); k++)
        j->b.out[k] =
            j->op == BCAST && j->rank == 0 ? value(j->stamp, 0, k) : ~expected(j, j->rank, k);
}

/* One call, every rank starting together (as OSU's benchmarks time them): without the barrier,
 * calls back to back overlap wherever a way frees a rank early (the root of a linear broadcast,
 * the head of a scan's chain), and a loop's P-1 steps would look cheaper than they are. */
static void run_variant(void *arg)
{
    job *j = arg;
    MPI_Barrier(j->b.comm);
    collectives[j->op].way[j->way](&j->b);
}

static void barrier_alone(void *arg)
{
    MPI_Barrier(((job *)arg)->b.comm);
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    for (int64_t k = 0; has_result(j) && k < out_count(j); k++) {
        uint64_t want = expected(j, j->rank, k);
        if (j->b.out[k] != want) {
            snprintf(j->detail, sizeof j->detail,
                     "element %" PRId64 " on rank %d is %016" PRIx64 ", not %016" PRIx64 "%s", k,
                     j->rank, j->b.out[k], want, j->b.out[k] == ~want ? " (never written)" : "");
            return 1;
        }
    }
    return 0;
}

/* The lowest failing rank's detail, on every rank. Collective. */
static void share_detail(job *j, MPI_Comm comm)
{
    plb_mpi_share_detail(j->detail[0] != '\0', j->detail, PLB_DETAIL_LEN, comm);
}

/* Times one collective, one way, one size and prints its row; the median time, or 0 when it
 * failed (with *failure set). */
static double time_one(job *j, const plb_options *opt, const plb_context *ctx, const plb_sync *sync,
                       FILE *out, const char **failure)
{
    static char why[PLB_DETAIL_LEN + 64];
    plb_kernel k = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = j};
    plb_measure_cfg cfg = {
        .warmup = opt->warmup, .warmup_s = PLB_WARMUP_S, .repeats = opt->repeats, .sync = sync};
    plb_measurement m;
    j->detail[0] = '\0';
    int status = plb_measure(&k, &cfg, &m);
    int64_t bytes = (int64_t)j->b.count * 8;
    plb_result r = {.program = ctx->program,
                    .variant = variants[VARIANT(j->op, j->way)],
                    .n = bytes,
                    .ranks = ctx->ranks,
                    .threads = 1,
                    .repeats = opt->repeats,
                    .batch = m.batch,
                    .time = m.stats,
                    .rate = plb_rate((double)bytes, m.stats.median, 1e6),
                    .rate_unit = "MB/s",
                    .verified = status == PLB_MEASURE_OK};
    if (out)
        plb_report_row(out, opt, &r);
    if (status != PLB_MEASURE_OK) {
        share_detail(j, j->b.comm);
        snprintf(why, sizeof why, "%s, %" PRId64 " bytes: %s%s%s", r.variant, bytes,
                 plb_measure_error(status), j->detail[0] ? ": " : "", j->detail);
        *failure = why;
        return 0.0;
    }
    return m.stats.median;
}

/* Steps (messages one after another on the longest path) of a way of a collective on P ranks. */
static int steps(collective_op op, collective_way way, int size)
{
    int log2_up = 0, log2_down = 0;
    while ((1 << log2_up) < size)
        log2_up++;
    while ((2 << log2_down) <= size)
        log2_down++;
    if (way == LINEAR)
        return op == ALLREDUCE ? 2 * (size - 1) : size - 1;
    if (op == ALLREDUCE)
        return log2_down + (size > (1 << log2_down) ? 2 : 0);
    return log2_up;
}

/* One note per collective: its three ways at the smallest and the largest message. */
static void report_ways(FILE *out, collective_op op, int size, const int64_t bytes[2],
                        const double t[WAYS][2])
{
    char text[2][160] = {"", ""};
    for (int s = 0; s < (bytes[1] > bytes[0] ? 2 : 1); s++)
        snprintf(text[s], sizeof text[s],
                 "%" PRId64 " bytes: linear %.3g us (steps: %d), "
                 "tree %.3g us (%d), library %.3g us",
                 bytes[s], t[LINEAR][s] * 1e6, steps(op, LINEAR, size), t[TREE][s] * 1e6,
                 steps(op, TREE, size), t[LIBRARY][s] * 1e6);
    plb_report_param(out, collectives[op].name, "%s%s%s", text[0], text[1][0] ? "; " : "", text[1]);
}

/* Reading i of rank r, a whole number from 0 to 999 (a measurement spread over the ranks). */
static int64_t reading(int r, int i)
{
    return (int64_t)(value(0, r, i) % 1000);
}

/* A reduction answering a question (mpitutorial's averages): the mean and the spread of
 * READINGS numbers on every rank, from one MPI_Allreduce of their count, sum and sum of squares,
 * whole numbers summed exactly. Every rank checks the sums against its own of every rank's
 * readings. Returns 0, or 1 when a sum is wrong (agreed by the caller). */
static int averages(const job *j, MPI_Comm comm, FILE *out)
{
    enum { READINGS = 1000 };
    int64_t local[3] = {READINGS, 0, 0}, global[3], serial[3] = {0, 0, 0};
    for (int i = 0; i < READINGS; i++) {
        local[1] += reading(j->rank, i);
        local[2] += reading(j->rank, i) * reading(j->rank, i);
    }
    MPI_Allreduce(local, global, 3, MPI_INT64_T, MPI_SUM, comm);
    for (int r = 0; r < j->size; r++)
        for (int i = 0; i < READINGS; i++) {
            serial[0]++;
            serial[1] += reading(r, i);
            serial[2] += reading(r, i) * reading(r, i);
        }
    double n = (double)global[0], mean = (double)global[1] / n;
    double variance = ((double)global[2] - mean * (double)global[1]) / n;
    int wrong = memcmp(global, serial, sizeof global) != 0;
    if (out)
        plb_report_param(out, "averages",
                         "%d ranks x %d readings: mean %.2f, standard deviation "
                         "%.2f, from one MPI_Allreduce of (count, sum, sum of squares)%s",
                         j->size, READINGS, mean, variance > 0.0 ? sqrt(variance) : 0.0,
                         wrong ? "" : "; every rank's serial sums agree exactly");
    return wrong;
}

static const plb_program program = {
    .name = "mpi_collectives",
    .summary = "broadcast, reduce, allreduce, allgather and scan: a loop, a tree, the library's",
    .variants = variants,
};

/* -n: 8 bytes to MPI's int count of 64-bit integers on every rank (the same on every rank), and
 * the buffers fit in memory: -1 to run, or the exit code, on every rank. Collective. */
static int check_input(const plb_options *opt, int size, MPI_Comm comm)
{
    if (opt->n < 8 || opt->n / 8 > INT_MAX / size)
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm,
                              "-n %" PRId64 ": a message is 8 "
                              "to %" PRId64 " bytes on %d ranks (1 to %d 64-bit integers: MPI's "
                              "int count)",
                              opt->n, 8 * (int64_t)(INT_MAX / size), size, INT_MAX / size);
    int largest = (int)(opt->n / 8); /* elements */
    if (!plb_mpi_memory_check(program.name, 8.0 * largest * (1.0 + 2.0 * size), comm))
        return PLB_EXIT_USAGE;
    return -1;
}

/* The notes above the table: the messages, the averages (a failure: NULL, or why, agreed) and
 * the barrier's own time. Collective. */
static const char *report_setting(job *j, const plb_options *opt, const plb_sync *sync, FILE *out)
{
    if (out)
        plb_report_param(out, "messages",
                         "8 to %" PRId64 " bytes by sixteens: each rank's "
                         "contribution, 64-bit integers (an allgather's result: %d times that)",
                         8 * (opt->n / 8), j->size);
    const char *failure = plb_mpi_agree(averages(j, j->b.comm, out), j->b.comm)
                              ? "averages: the allreduced sums differ from the serial ones"
                              : NULL;
    plb_kernel barrier = {.run = barrier_alone, .arg = j};
    plb_measure_cfg cfg = {
        .warmup = 1, .warmup_s = PLB_WARMUP_S, .repeats = opt->repeats, .sync = sync};
    plb_measurement alone;
    if (plb_measure(&barrier, &cfg, &alone) == PLB_MEASURE_OK && out)
        plb_report_param(out, "barrier",
                         "%.3g us a call (median): each call below starts with "
                         "one, and its time includes it",
                         alone.stats.median * 1e6);
    return failure;
}

/* Collective j->op: its selected ways at every message size, a row each, then its note when all
 * three ran. NULL, or why one failed (agreed). Collective. */
static const char *time_collective(job *j, const plb_options *opt, const plb_context *ctx,
                                   const plb_sync *sync, FILE *out)
{
    int largest = (int)(opt->n / 8);
    const char *failure = NULL;
    double t[WAYS][2] = {{0}};
    int64_t bytes[2] = {8, 8};
    int timed = 0;
    for (int m = 1; !failure; m = m <= largest / 16 ? m * 16 : largest) {
        j->b.count = m;
        for (j->way = LINEAR; j->way < WAYS && !failure; j->way++) {
            if (!plb_variant_selected(&program, opt, variants[VARIANT(j->op, j->way)]))
                continue;
            double median = time_one(j, opt, ctx, sync, out, &failure);
            t[j->way][m > 1] = median;
            if (m == 1)
                t[j->way][1] = median;
            timed |= 1 << j->way;
        }
        bytes[1] = 8 * (int64_t)m;
        if (m >= largest)
            break;
    }
    if (out && !failure && timed == (1 << WAYS) - 1)
        report_ways(out, j->op, j->size, bytes, t);
    return failure;
}

/* Checks, allocates, prints the notes, times every selected variant: the exit code, the same on
 * every rank. Collective. */
static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    job j = {.b.comm = comm};
    MPI_Comm_rank(comm, &j.rank);
    MPI_Comm_size(comm, &j.size);
    plb_options opt = {.n = 1 << 20, .repeats = 5, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status < 0)
        status = check_input(&opt, j.size, comm);
    if (status >= 0)
        return status;
    if (coll_buffers_alloc(&j.b, (int)(opt.n / 8), comm) != 0)
        return plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm,
                              "out of memory for %" PRId64 "-byte messages", opt.n);
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, &opt, comm);
    plb_sync sync = plb_mpi_sync(&j.b.comm);
    const char *failure = report_setting(&j, &opt, &sync, out);
    if (out)
        plb_report_columns(out, &opt);
    for (j.op = BCAST; j.op < OPS && !failure; j.op++)
        failure = time_collective(&j, &opt, &ctx, &sync, out);
    coll_buffers_free(&j.b);
    return plb_mpi_verdict(&opt, failure, comm);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}

/* mpi_map_square: b[i] = a[i] * a[i] across MPI ranks: the root scatters, every rank squares its
 * block, the root gathers. The tutorials' Pool.map(square, data) with processes that share nothing.
 *
 * The lesson is below, in the order a run does it: scatter_blocks (MPI_Scatterv: the root deals
 * each rank its block, any n, any rank count), square (the compute), gather_blocks (MPI_Gatherv),
 * then the same by hand with MPI_Send/MPI_Recv loops (scatter_blocks_p2p, gather_blocks_p2p: what
 * the collectives save you writing). Each element crosses twice to be multiplied once, so every
 * distributed variant is slower than the root alone: the split rows (collective.scatter, .compute,
 * .gather, and p2p.*) show moving the data costing more than computing it.
 *
 * Measurement (not the lesson): variants seq (the root alone, the baseline), collective, p2p, bare
 * (MPI_Scatterv, square and MPI_Gatherv called directly on the same buffers: the floor collective
 * is held against, which make bench-mpi compares it with); each split row is the maximum over
 * ranks. Every large array comes from plb_array_alloc (common/arrays.h: 2 MiB-aligned, huge pages
 * advised, first touched where it is used); the square runs in the CPU's widest vector
 * instructions (common/simd.h). Inputs are 2 + (i mod 2^31): exact squares, none equal to its
 * input; each rank squares its block in place. Rate: 16 bytes per element (8 read, 8 written),
 * GB/s = 16 * n / median_s / 1e9. Verified after every batch: every rank checks its block, the
 * root every element. mpi_increment and hybrid_map_square reuse these steps with a compute of
 * their own; the runner (scatter_gather.c) sets up the blocks, times each variant and each step,
 * and verifies.
 *
 *   usage: mpirun -np P mpi_map_square [-n N] [-r R] [-w W] [-V seq,collective,p2p,bare] [-v]
 *                  [--csv]
 */
#include <string.h>

#include "mpi_map_square.h"
#include "omp_map_square.h"
#include "simd.h"

#define TAG 7

/* 1. The root's a[0..n) goes out in blocks: counts[r] elements from displs[r] to rank r (the
 * root keeps its own), into each rank's la. Any n, any rank count: blocks differ by at most one. */
void scatter_blocks(sg_job *j)
{
    MPI_Scatterv(j->a, j->counts, j->displs, MPI_INT64_T, j->la, j->count, MPI_INT64_T, 0, j->comm);
}

/* 2. Every rank squares its own block, in place (in == out): no rank sees another's data. In
 * vector instructions, the widest this CPU has (simd.h). */
PLB_CPU_CLONES static void square(const int64_t *in, int64_t *out, int64_t count, int threads)
{
    (void)threads;
#pragma omp simd
    for (int64_t i = 0; i < count; i++)
        out[i] = in[i] * in[i];
}

/* 3. The blocks come back to the root, each to its place in b. */
void gather_blocks(sg_job *j)
{
    MPI_Gatherv(j->la, j->count, MPI_INT64_T, j->b, j->counts, j->displs, MPI_INT64_T, 0, j->comm);
}

/* The same two steps by hand, what the collectives save you writing: the root sends one
 * message per rank and copies its own block. */
void scatter_blocks_p2p(sg_job *j)
{
    if (j->rank != 0) {
        MPI_Recv(j->la, j->count, MPI_INT64_T, 0, TAG, j->comm, MPI_STATUS_IGNORE);
        return;
    }
    for (int r = 1; r < j->size; r++)
        MPI_Send(j->a + j->displs[r], j->counts[r], MPI_INT64_T, r, TAG, j->comm);
    memcpy(j->la, j->a, (size_t)j->count * sizeof *j->la);
}

void gather_blocks_p2p(sg_job *j)
{
    if (j->rank != 0) {
        MPI_Send(j->la, j->count, MPI_INT64_T, 0, TAG, j->comm);
        return;
    }
    memcpy(j->b, j->la, (size_t)j->count * sizeof *j->b);
    for (int r = 1; r < j->size; r++)
        MPI_Recv(j->b + j->displs[r], j->counts[r], MPI_INT64_T, r, TAG, j->comm,
                 MPI_STATUS_IGNORE);
}

const sg_kernel map_square_lesson = {
    .input = map_square_inputs,
    .compute = square,
    .check = map_square_check,
    .expected = map_square_expected,
    .bytes_per_element = 16.0,
    .collective = {.scatter = scatter_blocks, .gather = gather_blocks},
    .p2p = {.scatter = scatter_blocks_p2p, .gather = gather_blocks_p2p},
};

static const plb_program program = {
    .name = "mpi_map_square",
    .summary = "b[i] = a[i]^2 over MPI ranks: scatter, compute, gather",
    .variants = sg_variant_names,
};

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = sg_main(&program, &map_square_lesson, 1, NULL, argc, argv);
    MPI_Finalize();
    return status;
}

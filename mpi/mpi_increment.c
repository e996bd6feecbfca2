/* mpi_increment: a[i] + 1 across MPI ranks: the root scatters an int64 array, every rank adds 1
 * to its block, the root gathers. The tutorials' shared Array, with processes that share nothing.
 *
 * The lesson: every element travels to a rank and back for one addition, so the distributed
 * variants are slower than the root alone: moving data costs more than this compute. The scatter
 * and gather are mpi_map_square.c's (scatter_blocks, gather_blocks: MPI_Scatterv, MPI_Gatherv;
 * and by hand); this lesson's own part is the compute (compute below). The split rows
 * (collective.scatter, .compute, .gather) show where the time goes.
 *
 * Measurement (not the lesson): variants seq (the root alone), collective, p2p (hand-written
 * MPI_Send/MPI_Recv loops), bare (the same calls made directly: the floor); each split row is the
 * maximum over ranks. Inputs are a[i] = i. Rate: 16 bytes per element (8 read, 8 written),
 * GB/s = 16 * n / median_s / 1e9. Verified after every batch: every rank checks its block, the
 * root every element (a[i] + 1).
 *
 *   usage: mpirun -np P mpi_increment [-n N] [-r R] [-w W] [-V seq,collective,p2p,bare] [-v]
 *                  [--csv]
 */
#include "mpi_map_square.h"
#include "omp_increment.h"
#include "simd.h"

static void input(int64_t *in, int64_t count, int64_t offset)
{
    for (int64_t i = 0; i < count; i++)
        in[i] = offset + i;
}

PLB_CPU_CLONES static void compute(const int64_t *in, int64_t *out, int64_t count, int threads)
{
    (void)threads;
#pragma omp simd
    for (int64_t i = 0; i < count; i++)
        out[i] = in[i] + 1;
}

static int64_t check(const int64_t *out, int64_t count, int64_t offset)
{
    return increment_check(out, count, offset, 1);
}

static int64_t expected(int64_t i)
{
    return i + 1;
}

/* The scatter and gather of mpi_map_square, with this compute. */
static const sg_kernel kernel = {
    .input = input,
    .compute = compute,
    .check = check,
    .expected = expected,
    .bytes_per_element = 16.0,
    .collective = {.scatter = scatter_blocks, .gather = gather_blocks},
    .p2p = {.scatter = scatter_blocks_p2p, .gather = gather_blocks_p2p},
};
static const plb_program program = {
    .name = "mpi_increment",
    .summary = "a[i] + 1 over MPI ranks: scatter, compute, gather",
    .variants = sg_variant_names,
};

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = sg_main(&program, &kernel, 1, NULL, argc, argv);
    MPI_Finalize();
    return status;
}

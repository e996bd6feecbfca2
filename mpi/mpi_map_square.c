/* mpi_map_square: b[i] = a[i] * a[i] across MPI ranks: the root scatters, every rank squares its
 * block, the root gathers. The tutorial's Pool.map(square, data) with processes that share nothing.
 *
 * Variants: seq (the root alone, the baseline), collective (MPI_Scatterv + MPI_Gatherv, any n and
 * any rank count), p2p (the same with hand-written MPI_Send/MPI_Recv loops: what the collectives
 * save you writing), bare (the same bytes scattered and gathered with no compute: the price of the
 * communication alone). The split notes measure scatter, compute and gather apart, each the
 * maximum over ranks: for a kernel this cheap, moving the data costs more than computing it.
 * Inputs are 2 + (i mod 2^31): exact squares, none equal to its input. Each rank squares its
 * block in place. Rate: 16 bytes per element (8 read, 8 written), GB/s = 16 * n / median_s / 1e9.
 * Verified after every batch: every rank checks its block, the root checks every element.
 *
 *   usage: mpirun -np P mpi_map_square [-n N] [-r R] [-w W] [-V seq,collective,p2p,bare] [--csv]
 */
#include "map_square.h"
#include "scatter_gather.h"

static void compute(const int64_t *in, int64_t *out, int64_t count, int threads)
{
    (void)threads;
    map_square_seq(in, out, count);
}

static const sg_kernel kernel = {map_square_inputs, compute, map_square_check,
                                 map_square_expected, 16.0};
static const plb_program program = {
    "mpi_map_square", "b[i] = a[i]^2 over MPI ranks: scatter, compute, gather",
    sg_variant_names, NULL};

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = sg_main(&program, &kernel, 1, NULL, argc, argv);
    MPI_Finalize();
    return status;
}

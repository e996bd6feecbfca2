/* hybrid_map_square: b[i] = a[i] * a[i] with MPI between ranks and OpenMP threads inside each:
 * the root scatters, every rank squares its block with a parallel for, the root gathers.
 *
 * The lesson: MPI_Init_thread(MPI_THREAD_FUNNELED) in main: only a rank's main thread calls
 * MPI, its OpenMP threads only compute (square_with_threads below). The threads speed up the
 * squaring, not the scatter and the gather, so the distributed variants still lose to the root
 * alone. describe prints where every rank and thread runs (core and node) and warns when ranks x
 * threads exceed a node's cores: start it so each rank may use several cores (Open MPI: `mpirun
 * --bind-to none -x OMP_NUM_THREADS` or `--map-by slot:PE=T`; scripts/run/mpilaunch --threads T
 * does the first).
 *
 * Measurement (not the lesson): variants and rate as in mpi_map_square, whose scatter and gather
 * steps it reuses: seq (the root alone, with its threads), collective, p2p, bare;
 * GB/s = 16 * n / median_s / 1e9. Verified after every batch: every rank checks its block, the
 * root every element.
 *
 *   usage: mpirun -np P hybrid_map_square [-n N] [-r R] [-w W] [-t T]
 *                  [-V seq,collective,p2p,bare] [-v] [--csv]
 */
#define _GNU_SOURCE
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exit_codes.h"
#include "mpi_map_square.h"
#include "mpi_support.h"
#include "omp_map_square.h"
#include "simd.h"

/* Each rank squares its block with its own team of OpenMP threads, one static share each; only
 * the rank's main thread calls MPI, outside this loop (MPI_THREAD_FUNNELED). */
PLB_CPU_CLONES static void square_with_threads(const int64_t *in, int64_t *out, int64_t count,
                                               int threads)
{
#pragma omp parallel for simd schedule(static) num_threads(threads)
    for (int64_t i = 0; i < count; i++)
        out[i] = in[i] * in[i];
}

#define MAX_THREADS 256

static int thread_level; /* what MPI_Init_thread provided */

static const char *thread_level_name(int level)
{
    return level == MPI_THREAD_MULTIPLE     ? "MPI_THREAD_MULTIPLE"
           : level == MPI_THREAD_SERIALIZED ? "MPI_THREAD_SERIALIZED"
           : level == MPI_THREAD_FUNNELED   ? "MPI_THREAD_FUNNELED"
                                            : "MPI_THREAD_SINGLE";
}

/* The thread level the library gave, where each thread of each rank runs, printed by the root;
 * and the oversubscription warning. */
static void describe(int threads, FILE *out)
{
    int rank, size, node_size, cpus[MAX_THREADS], team = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_size);
    MPI_Comm_free(&node);
    for (int t = 0; t < MAX_THREADS; t++)
        cpus[t] = -1;
#pragma omp parallel num_threads(threads)
    {
        if (omp_get_thread_num() < MAX_THREADS)
            cpus[omp_get_thread_num()] = sched_getcpu();
#pragma omp single
        team = omp_get_num_threads();
    }
    char host[MPI_MAX_PROCESSOR_NAME];
    int length;
    MPI_Get_processor_name(host, &length);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    int *all = out ? malloc((size_t)size * MAX_THREADS * sizeof *all) : NULL;
    char *hosts = out ? malloc((size_t)size * MPI_MAX_PROCESSOR_NAME) : NULL;
    MPI_Gather(cpus, MAX_THREADS, MPI_INT, all, MAX_THREADS, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Gather(host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, hosts, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0,
               MPI_COMM_WORLD);
    if (out && all && hosts) {
        fprintf(out, "# mpi threads : %s provided (MPI_THREAD_FUNNELED asked for)\n",
                thread_level_name(thread_level));
        for (int r = 0; r < size; r++) {
            fprintf(out, "# placement   : rank %d on %s, threads on cpus", r,
                    hosts + (size_t)r * MPI_MAX_PROCESSOR_NAME);
            for (int t = 0; t < MAX_THREADS && all[r * MAX_THREADS + t] >= 0; t++)
                fprintf(out, " %d", all[r * MAX_THREADS + t]);
            fputc('\n', out);
        }
        if (omp_get_num_procs() == 1 && cores > node_size)
            fprintf(out,
                    "# warning     : rank 0 may use only 1 of %s's %ld cores (bound by the "
                    "launcher): start with --bind-to none or --map-by slot:PE=T\n",
                    host, cores);
        if ((long)node_size * team > cores)
            fprintf(out,
                    "# warning     : %d ranks x %d threads on %s exceed its %ld cores: "
                    "oversubscribed, expect no speedup from the extra threads\n",
                    node_size, team, host, cores);
    }
    free(all);
    free(hosts);
}

/* mpi_map_square's lesson, with the threaded compute. */
static const sg_kernel kernel = {
    .input = map_square_inputs,
    .compute = square_with_threads,
    .check = map_square_check,
    .expected = map_square_expected,
    .bytes_per_element = 16.0,
    .collective = {.scatter = scatter_blocks, .gather = gather_blocks},
    .p2p = {.scatter = scatter_blocks_p2p, .gather = gather_blocks_p2p},
};
static const plb_program program = {
    .name = "hybrid_map_square",
    .summary = "b[i] = a[i]^2: MPI ranks, OpenMP threads inside each",
    .variants = sg_variant_names,
};

/* The run needs the thread level main asked for: every rank has it, or none runs. */
static int run_lesson(int argc, char **argv)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    if (plb_mpi_agree(thread_level < MPI_THREAD_FUNNELED, comm))
        return plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm,
                              "the MPI library cannot give MPI_THREAD_FUNNELED");
    return sg_main(&program, &kernel, omp_get_max_threads(), describe, argc, argv);
}

int main(int argc, char **argv)
{
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &thread_level);
    int status = run_lesson(argc, argv);
    MPI_Finalize();
    return status;
}

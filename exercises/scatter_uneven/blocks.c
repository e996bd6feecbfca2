/* Exercise scatter_uneven: scatter and gather by hand, for any n on any rank count. What to do,
 * hints and what done looks like: README.md beside this file. Check it:
 * make check EX=scatter_uneven
 *
 * The root holds n elements (j->a); every rank squares its block and the root collects the
 * results (j->b), as mpi_map_square does. Here you deal the blocks and move them yourself. */
#include <mpi.h>

#include "blocks.h"

#define TAG 5

void deal_blocks(int64_t n, int ranks, int counts[], int displs[])
{
    /* TODO: this gives every rank n / ranks elements, which is right only when ranks divides n:
     * the rest, n % ranks elements, belong to no rank. Deal them too, as evenly as can be. */
    for (int r = 0; r < ranks; r++) {
        counts[r] = (int)(n / ranks);
        displs[r] = r * (int)(n / ranks);
    }
}

void scatter_by_hand(sg_job *j)
{
    /* TODO: on the root (rank 0), send every other rank r its block: j->counts[r] elements from
     * j->a + j->displs[r]; and copy its own block into j->la. On every other rank, receive
     * j->count elements into j->la. */
    (void)j;
}

void gather_by_hand(sg_job *j)
{
    /* TODO: the way back: every other rank sends its j->count results from j->la; the root copies
     * its own into j->b and receives rank r's into j->b + j->displs[r]. */
    (void)j;
}

/* blocks.h: what the scatter_uneven exercise writes (exercises/scatter_uneven/). */
#ifndef PARLAB_BLOCKS_H
#define PARLAB_BLOCKS_H

#include <stdint.h>

#include "scatter_gather.h"

/* counts[r] and displs[r] for every r < ranks: n elements dealt to the ranks in contiguous
 * blocks, in rank order, as evenly as can be: no two counts more than one apart (some are 0 when
 * n < ranks). */
void deal_blocks(int64_t n, int ranks, int counts[], int displs[]);

/* The root's j->a into every rank's j->la with point-to-point messages: rank r's block is
 * j->counts[r] elements from j->a + j->displs[r]; this rank's is j->count elements. Collective
 * over j->comm. */
void scatter_by_hand(sg_job *j);

/* Every rank's j->la back into the root's j->b, each block to its place (j->displs[r]). */
void gather_by_hand(sg_job *j);

#endif

/* mpi_deadlock.h: two ranks swap a buffer, the ways that deadlock and the ways that do not. */
#ifndef PARLAB_MPI_DEADLOCK_H
#define PARLAB_MPI_DEADLOCK_H

#include <mpi.h>
#include <stdint.h>

typedef enum exchange_kind {
    EXCHANGE_SENDRECV,    /* MPI_Sendrecv: the library pairs the two */
    EXCHANGE_NONBLOCKING, /* MPI_Irecv + MPI_Isend + MPI_Waitall */
    EXCHANGE_PARITY,      /* even ranks send first, odd ranks receive first */
    EXCHANGE_SSEND_FIRST  /* both MPI_Ssend first: deadlocks, always */
} exchange_kind;

/* Rank r swaps `count` int64 with `partner`: sends out, receives into in. */
void exchange(exchange_kind kind, const int64_t *out, int64_t *in, int count, int partner,
              MPI_Comm comm);

/* Whether an MPI_Isend of `count` int64 to `partner` completes within wait_s while nothing has
 * been posted to receive it (the partner does the same to us): that is, whether a plain MPI_Send
 * of that size would return before its receive is posted (the eager protocol) or block
 * (rendezvous). The exchange is completed either way, so nothing is left hanging. */
int send_completes_alone(const int64_t *out, int64_t *in, int count, int partner, double wait_s,
                         MPI_Comm comm);

#endif

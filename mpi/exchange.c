/* exchange.c: the exchange patterns (see exchange.h). */
#include "exchange.h"

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

/* omp_queue.h: producers and consumers over a bounded buffer, the tutorials' Queue, four ways. */
#ifndef PARLAB_OMP_QUEUE_H
#define PARLAB_OMP_QUEUE_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>

typedef enum queue_kind {
    QUEUE_CONDVAR,    /* a mutex and two condition variables: Python's queue.Queue */
    QUEUE_SEMAPHORES, /* counting semaphores for free and filled slots, a mutex for the indices */
    QUEUE_SPIN,       /* a test-and-set lock, and busy waiting while full or empty */
    QUEUE_FIFO        /* condvar, with consumers served in turn: first come, first served */
} queue_kind;

typedef struct queue {
    queue_kind kind;
    int64_t *slot, capacity;
    int64_t hold;       /* countdown steps a consumer works while it still holds the lock */
    int64_t head, tail; /* items taken and items put so far: the ring holds tail - head */
    pthread_mutex_t mutex;
    pthread_cond_t not_full, not_empty;
    sem_t free_slots, filled_slots;
    atomic_flag busy;                 /* the test-and-set lock */
    int64_t next_ticket, now_serving; /* fifo: consumers' turns, under the mutex */
} queue;

/* A queue of `capacity` slots; returns -1 when it cannot be made. */
int queue_init(queue *q, queue_kind kind, int64_t capacity);
void queue_free(queue *q);
/* put waits while the queue is full; take waits while it is empty. */
void queue_put(queue *q, int64_t item);
int64_t queue_take(queue *q);

/* What one run of producers and consumers leaves, to be checked. */
typedef struct queue_tally {
    int32_t *seen;             /* seen[i]: how many times item i was taken (n entries) */
    int64_t *taken_by;         /* items each consumer took (consumers entries) */
    atomic_llong out_of_order; /* items a consumer got before an earlier one of their producer */
} queue_tally;

/* P producers put n items (producer p its block, in order) and C consumers take them until each
 * gets the stop item, on P + C threads. Returns -1 when the runtime gave fewer threads, or there
 * was no memory for the consumers' order check. */
int queue_run(queue *q, int producers, int consumers, int64_t n, queue_tally *tally);

/* Items taken since the tally was zeroed, over `runs` runs: the first item not taken exactly `runs`
 * times, or -1 when every item was. */
int64_t queue_check(const queue_tally *tally, int64_t n, long runs);

#endif

/* bounded_queue.h: what the queue_condvar exercise writes (exercises/queue_condvar/). */
#ifndef PARLAB_BOUNDED_QUEUE_H
#define PARLAB_BOUNDED_QUEUE_H

#include <pthread.h>
#include <stdint.h>

/* A ring of `capacity` slots between threads: the k-th item put lives in slot[k % capacity]
 * until it is taken. The checker makes it (the mutex and the two condition variables
 * initialised, head = tail = 0) and frees it. */
typedef struct bounded_queue {
    int64_t *slot, capacity;
    int64_t head, tail;                 /* items taken and items put so far: it holds tail - head */
    pthread_mutex_t mutex;              /* guards slot, head and tail */
    pthread_cond_t not_full, not_empty; /* room has come free; an item has come in */
} bounded_queue;

/* Puts item in at the tail, waiting while the queue is full. Any number of threads at once. */
void bq_put(bounded_queue *q, int64_t item);

/* Takes the oldest item out, waiting while the queue is empty. Any number of threads at once. */
int64_t bq_take(bounded_queue *q);

#endif

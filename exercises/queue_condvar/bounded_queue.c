/* Exercise queue_condvar: Python's queue.Queue in C, a mutex and two condition variables. What
 * to do, hints and what done looks like: README.md beside this file. Check it:
 * make check EX=queue_condvar
 *
 * Producer threads put items in, consumer threads take them out, through a ring of a few slots.
 * The mutex is already taken around each change of the ring; what is missing is the waiting: a
 * producer must not put into a full ring (it would write over an item nobody took), a consumer
 * must not take from an empty one (it would take an item that is not there). */
#include <pthread.h>

#include "bounded_queue.h"

void bq_put(bounded_queue *q, int64_t item)
{
    pthread_mutex_lock(&q->mutex);
    /* TODO: while the ring is full (tail - head == capacity), wait on not_full. */
    q->slot[q->tail % q->capacity] = item;
    q->tail++;
    /* TODO: a consumer may be waiting for an item: wake one (not_empty). */
    pthread_mutex_unlock(&q->mutex);
}

int64_t bq_take(bounded_queue *q)
{
    pthread_mutex_lock(&q->mutex);
    /* TODO: while the ring is empty (tail == head), wait on not_empty. */
    int64_t item = q->slot[q->head % q->capacity];
    q->head++;
    /* TODO: a producer may be waiting for room: wake one (not_full). */
    pthread_mutex_unlock(&q->mutex);
    return item;
}

/* Exercise queue_condvar, solved: Python's queue.Queue in C (see
 * exercises/queue_condvar/README.md). */
#include <pthread.h>

#include "bounded_queue.h"

void bq_put(bounded_queue *q, int64_t item)
{
    pthread_mutex_lock(&q->mutex);
    /* while, not if: a wake-up may be spurious, or another producer may have taken the room */
    while (q->tail - q->head == q->capacity)
        pthread_cond_wait(&q->not_full, &q->mutex);
    q->slot[q->tail % q->capacity] = item;
    q->tail++;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->mutex);
}

int64_t bq_take(bounded_queue *q)
{
    pthread_mutex_lock(&q->mutex);
    while (q->tail == q->head)
        pthread_cond_wait(&q->not_empty, &q->mutex);
    int64_t item = q->slot[q->head % q->capacity];
    q->head++;
    pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->mutex);
    return item;
}

/* heat_checkpoint.c: checkpoints of the heat field, written atomically, read at any rank count
 * (see heat_checkpoint.h). */
#define _POSIX_C_SOURCE 200809L
#include "heat_checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "mpi_support.h"
#include "heat_record.h"
#include "npy.h"

const char *heat_checkpoint_write(heat_dist *d, const heat_problem *p, int64_t step,
                                  const char *path, double *bytes, char *err, size_t len)
{
    heat_record_names n;
    if (heat_dist_share_detail(d, heat_record_names_of(path, &n, err, len) != 0, err, len))
        return err;
    *bytes = 128.0 + 8.0 * (double)(p->rows + 2) * (double)(p->cols + 2); /* 2-D .npy header */
    if (heat_dist_save(d, p, n.field_tmp, err, len))
        return err;
    uint64_t sum = heat_dist_checksum(d);
    int failed = d->rank == 0 && heat_record_commit(path, &n, p, step, sum, err, len);
    return heat_dist_share_detail(d, failed, err, len) ? err : NULL;
}

/* The field's file into this rank's block, ring and ghosts included. */
static int read_block(heat_dist *d, const heat_problem *p, const char *path, char *err, size_t len)
{
    int64_t rows, cols, offset;
    heat_block *b = &d->b;
    if (!plb_npy_shape(path, &rows, &cols, &offset, err, len))
        return 1;
    if (rows != p->rows + 2 || cols != p->cols + 2) {
        snprintf(err, len,
                 "%s: a %" PRId64 " x %" PRId64 " grid's field; this run's is %" PRId64
                 " x %" PRId64,
                 path, rows - 2, cols - 2, p->rows, p->cols);
        return 1;
    }
    if (!plb_npy_read_part(path, b->u, b->i0, b->j0, b->rows + 2, b->cols + 2, b->stride, err, len))
        return 1;
    memcpy(b->next, b->u, (size_t)(b->rows + 2) * (size_t)b->stride * sizeof *b->u);
    return 0;
}

const char *heat_checkpoint_read(heat_dist *d, const heat_problem *p, int64_t steps,
                                 const char *path, int64_t *step, char *err, size_t len)
{
    heat_record_names n;
    int pending = 0;
    if (heat_dist_share_detail(
            d, heat_record_names_of(path, &n, err, len) || read_block(d, p, path, err, len), err,
            len))
        return err;
    uint64_t sum = heat_dist_checksum(d);
    /* Every rank checks the record; the refusal is agreed before the root renames anything, and
     * the step is the root's (a file system without coherent caches may show ranks another). */
    int failed = heat_record_check(&n, path, sum, p, steps, step, &pending, err, len);
    if (heat_dist_share_detail(d, failed, err, len))
        return err;
    MPI_Bcast(step, 1, MPI_INT64_T, 0, d->cart);
    if (pending && d->rank == 0)
        heat_record_finish(path, &n);
    return NULL;
}

double heat_checkpoint_plain_rate(const char *path, double bytes)
{
    enum { CHUNK = 8 << 20 };
    char name[HEAT_RECORD_PATH];
    int named = snprintf(name, sizeof name, "%s.plain.tmp", path);
    char *chunk = calloc(1, CHUNK);
    int fd = chunk && named > 0 && named < (int)sizeof name
                 ? open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600)
                 : -1;
    double sample = bytes < 256.0 * (1 << 20) ? bytes : 256.0 * (1 << 20), left = sample;
    double start = plb_now();
    int failed = fd < 0;
    while (!failed && left > 0) {
        size_t n = left < CHUNK ? (size_t)left : (size_t)CHUNK;
        ssize_t wrote = write(fd, chunk, n);
        failed = wrote <= 0;
        left -= wrote > 0 ? (double)wrote : 0.0;
    }
    failed |= fd >= 0 && fsync(fd) != 0;
    double seconds = plb_now() - start;
    if (fd >= 0) {
        close(fd);
        unlink(name);
    }
    free(chunk);
    return failed || seconds <= 0.0 ? -1.0 : sample / seconds;
}

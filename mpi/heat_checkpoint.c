/* heat_checkpoint.c: checkpoints of the heat field, written atomically, read at any rank count
 * (see heat_checkpoint.h). */
#define _POSIX_C_SOURCE 200809L
#include "heat_checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "mpi_support.h"
#include "npy.h"

#define FORMAT "parlab heat checkpoint 1"

/* What FILE.meta records. */
typedef struct meta {
    int64_t step, rows, cols;
    double r;
    char check[16];
    uint64_t checksum;
} meta;

/* The names beside path: the field's temporary, the record and the record's temporary. */
typedef struct names {
    char field_tmp[PATH_MAX], meta[PATH_MAX], meta_tmp[PATH_MAX];
} names;

static int make_names(const char *path, names *n, char *err, size_t len)
{
    int a = snprintf(n->field_tmp, sizeof n->field_tmp, "%s.tmp", path);
    int b = snprintf(n->meta, sizeof n->meta, "%s.meta", path);
    int c = snprintf(n->meta_tmp, sizeof n->meta_tmp, "%s.meta.tmp", path);
    if (a < 0 || b < 0 || c < 0 || c >= (int)sizeof n->meta_tmp) {
        snprintf(err, len, "%.64s...: the checkpoint's name is too long", path);
        return -1;
    }
    return 0;
}

static int io_failed(const char *path, const char *what, char *err, size_t len)
{
    snprintf(err, len, "%s: cannot %s: %s", path, what, strerror(errno));
    return 1;
}

/* The record, written and synced: on the disk before anything is renamed over the old one. */
static int meta_write(const char *path, const meta *m, char *err, size_t len)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return io_failed(path, "create it", err, len);
    fprintf(f, "{\"format\": \"" FORMAT "\", \"step\": %" PRId64 ", \"rows\": %" PRId64
               ", \"cols\": %" PRId64 ", \"r\": %.17g, \"check\": \"%s\", \"checksum\": \"%016"
               PRIx64 "\"}\n", m->step, m->rows, m->cols, m->r, m->check, m->checksum);
    int failed = fflush(f) != 0 || fsync(fileno(f)) != 0;
    failed |= fclose(f) != 0;
    return failed ? io_failed(path, "write it", err, len) : 0;
}

/* Where the value of "key" starts in text, or NULL. */
static const char *value_of(const char *text, const char *key)
{
    char pattern[32];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(text, pattern);
    if (!at)
        return NULL;
    for (at += strlen(pattern); *at == ' '; at++)
        ;
    return at;
}

/* The string value of key (without its quotes) into out; 0, or -1 when there is none. */
static int text_of(const char *text, const char *key, char *out, size_t size)
{
    const char *at = value_of(text, key), *end;
    if (!at || *at != '"' || !(end = strchr(at + 1, '"')) || (size_t)(end - at - 1) >= size)
        return -1;
    memcpy(out, at + 1, (size_t)(end - at - 1));
    out[end - at - 1] = '\0';
    return 0;
}

static int whole_number(const char *text, const char *key, int64_t *out)
{
    const char *at = value_of(text, key);
    char *end;
    if (!at)
        return -1;
    errno = 0;
    long long v = strtoll(at, &end, 10);
    *out = v;
    return end == at || errno || v < 0 ? -1 : 0;
}

static int meta_read(const char *path, meta *m, char *err, size_t len)
{
    char text[1024], format[64], sum[32];
    FILE *f = fopen(path, "r");
    if (!f)
        return io_failed(path, "open it", err, len);
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[got] = '\0';
    const char *r = value_of(text, "r");
    char *end = NULL;
    if (r)
        m->r = strtod(r, &end);
    int bad = text_of(text, "format", format, sizeof format) || strcmp(format, FORMAT) != 0 ||
              whole_number(text, "step", &m->step) || whole_number(text, "rows", &m->rows) ||
              whole_number(text, "cols", &m->cols) || !r || end == r ||
              text_of(text, "check", m->check, sizeof m->check) ||
              text_of(text, "checksum", sum, sizeof sum) || strlen(sum) != 16;
    if (!bad)
        m->checksum = strtoull(sum, &end, 16);
    if (bad || *end) {
        snprintf(err, len, "%s: not a parlab heat checkpoint record", path);
        return 1;
    }
    return 0;
}

/* Makes the renames durable: the folder's entries synced too (best effort: some file systems
 * cannot sync a folder). */
static void sync_folder(const char *path)
{
    char folder[PATH_MAX];
    snprintf(folder, sizeof folder, "%s", path);
    char *slash = strrchr(folder, '/');
    if (!slash)
        snprintf(folder, sizeof folder, ".");
    else
        slash[slash == folder] = '\0'; /* "/x" is in "/" */
    int fd = open(folder, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

const char *heat_checkpoint_write(heat_dist *d, const heat_problem *p, int64_t step,
                                  const char *path, double *bytes, char *err, size_t len)
{
    names n;
    if (heat_dist_share_detail(d, make_names(path, &n, err, len) != 0, err, len))
        return err;
    *bytes = 128.0 + 8.0 * (double)(p->rows + 2) * (double)(p->cols + 2); /* 2-D .npy header */
    if (heat_dist_save(d, p, n.field_tmp, err, len))
        return err;
    meta m = {.step = step, .rows = p->rows, .cols = p->cols, .r = p->r,
              .checksum = heat_dist_checksum(d)};
    snprintf(m.check, sizeof m.check, "%s", heat_check_names[p->check]);
    int failed = 0;
    if (d->rank == 0) {
        failed = meta_write(n.meta_tmp, &m, err, len);
        if (!failed && rename(n.field_tmp, path) != 0)
            failed = io_failed(path, "rename the new field over it", err, len);
        if (!failed && rename(n.meta_tmp, n.meta) != 0)
            failed = io_failed(n.meta, "rename the new record over it", err, len);
        if (!failed)
            sync_folder(path);
    }
    return heat_dist_share_detail(d, failed, err, len) ? err : NULL;
}

/* The field's file into this rank's block, ring and ghosts included. */
static int read_block(heat_dist *d, const heat_problem *p, const char *path, char *err,
                      size_t len)
{
    int64_t rows, cols, offset;
    heat_block *b = &d->b;
    if (!plb_npy_shape(path, &rows, &cols, &offset, err, len))
        return 1;
    if (rows != p->rows + 2 || cols != p->cols + 2) {
        snprintf(err, len, "%s: a %" PRId64 " x %" PRId64 " grid's field; this run's is %" PRId64
                 " x %" PRId64, path, rows - 2, cols - 2, p->rows, p->cols);
        return 1;
    }
    if (!plb_npy_read_part(path, b->u, b->i0, b->j0, b->rows + 2, b->cols + 2, b->stride, err,
                           len))
        return 1;
    memcpy(b->next, b->u, (size_t)(b->rows + 2) * (size_t)b->stride * sizeof *b->u);
    return 0;
}

/* Why the record's run is not this one, or NULL. */
static const char *other_run(const meta *m, const heat_problem *p, int64_t steps, char *why,
                             size_t len)
{
    if (m->rows != p->rows || m->cols != p->cols || m->r != p->r ||
        strcmp(m->check, heat_check_names[p->check]) != 0)
        snprintf(why, len, "a checkpoint of -n %" PRId64 "x%" PRId64 " --r %.17g --check %s, "
                 "not this run's -n %" PRId64 "x%" PRId64 " --r %.17g --check %s", m->rows,
                 m->cols, m->r, m->check, p->rows, p->cols, p->r, heat_check_names[p->check]);
    else if (m->step > steps)
        snprintf(why, len, "holds step %" PRId64 ", past this run's --steps %" PRId64, m->step,
                 steps);
    else
        return NULL;
    return why;
}

const char *heat_checkpoint_read(heat_dist *d, const heat_problem *p, int64_t steps,
                                 const char *path, int64_t *step, char *err, size_t len)
{
    names n;
    if (heat_dist_share_detail(d, make_names(path, &n, err, len) || read_block(d, p, path, err,
                                                                               len), err, len))
        return err;
    uint64_t sum = heat_dist_checksum(d);
    /* The record whose checksum is the field's: FILE.meta, or, after a run killed between the
     * two renames, FILE.meta.tmp (then the commit is finished here). */
    meta m, pending;
    char why[160], ignored[160];
    int have = meta_read(n.meta, &m, why, sizeof why) == 0;
    int use_pending = (!have || m.checksum != sum) &&
                      meta_read(n.meta_tmp, &pending, ignored, sizeof ignored) == 0 &&
                      pending.checksum == sum;
    if (use_pending)
        m = pending;
    int failed = 0;
    if (!have && !use_pending) {
        snprintf(err, len, "%s", why);
        failed = 1;
    } else if (!use_pending && m.checksum != sum) {
        snprintf(err, len, "%s: its field's checksum is %016" PRIx64 ", its record (%s) says %016"
                 PRIx64 ": the file is damaged", path, sum, n.meta, m.checksum);
        failed = 1;
    } else if (other_run(&m, p, steps, why, sizeof why)) {
        snprintf(err, len, "%s: %s", path, why);
        failed = 1;
    }
    /* every rank read the same files; agreed all the same, before the root renames anything */
    if (heat_dist_share_detail(d, failed, err, len))
        return err;
    if (use_pending && d->rank == 0 && rename(n.meta_tmp, n.meta) == 0)
        sync_folder(path);
    *step = m.step;
    return NULL;
}

double heat_checkpoint_plain_seconds(const char *path, double bytes)
{
    enum { CHUNK = 8 << 20 };
    char name[PATH_MAX];
    snprintf(name, sizeof name, "%s.plain.tmp", path);
    char *chunk = calloc(1, CHUNK);
    int fd = chunk ? open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
    double start = plb_now(), left = bytes;
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
    return failed ? -1.0 : seconds;
}

/* heat_dist.c: the heat field over a Cartesian grid of ranks (see heat_dist.h). */
#define _GNU_SOURCE /* fallocate (Linux), ftruncate */
#include "heat_dist.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heat_cli.h"
#include "heatmap.h"
#include "mpi_support.h"
#include "npy.h"
#include "partition.h"

int heat_dist_dims(const char *text, int ranks, int64_t rows, int64_t cols, int dims[2], char *err,
                   size_t len)
{
    char tail;
    if (strcmp(text, "auto") == 0) {
        dims[0] = dims[1] = 0;
        MPI_Dims_create(ranks, 2, dims);
    } else if (strcmp(text, "1d") == 0) {
        dims[0] = ranks;
        dims[1] = 1;
    } else if (sscanf(text, "%dx%d%c", &dims[0], &dims[1], &tail) != 2 || dims[0] < 1 ||
               dims[1] < 1) {
        snprintf(err, len, "option '--dims': '%s' is not auto, 1d or PxQ", text);
        return -1;
    } else if ((int64_t)dims[0] * dims[1] != ranks) {
        snprintf(err, len, "option '--dims': %d x %d ranks is not the %d ranks running", dims[0],
                 dims[1], ranks);
        return -1;
    }
    if (dims[0] > rows || dims[1] > cols) {
        snprintf(err, len,
                 "a %" PRId64 " x %" PRId64 " grid cannot give each rank of a %d x %d "
                 "process grid a row and a column",
                 rows, cols, dims[0], dims[1]);
        return -1;
    }
    return 0;
}

void heat_dist_block_at(const heat_problem *p, const int dims[2], int pr, int pc, int64_t *rows,
                        int64_t *cols, int64_t *i0, int64_t *j0)
{
    *rows = plb_block_count(p->rows, dims[0], pr);
    *cols = plb_block_count(p->cols, dims[1], pc);
    *i0 = plb_block_start(p->rows, dims[0], pr); /* the ghost row above the first owned row */
    *j0 = plb_block_start(p->cols, dims[1], pc);
}

int heat_dist_create(heat_dist *d, const heat_problem *p, const int dims[2], int threads,
                     MPI_Comm comm)
{
    *d =
        (heat_dist){.dims = {dims[0], dims[1]}, .row = MPI_DATATYPE_NULL, .col = MPI_DATATYPE_NULL};
    const int periods[2] = {0, 0}; /* the field has edges: no wrap-around */
    MPI_Cart_create(comm, 2, d->dims, periods, 0, &d->cart);
    MPI_Comm_rank(d->cart, &d->rank);
    MPI_Comm_size(d->cart, &d->size);
    MPI_Cart_coords(d->cart, d->rank, 2, d->coords);
    MPI_Cart_shift(d->cart, 0, 1, &d->up, &d->down);
    MPI_Cart_shift(d->cart, 1, 1, &d->left, &d->right);
    int64_t rows, cols, i0, j0;
    heat_dist_block_at(p, d->dims, d->coords[0], d->coords[1], &rows, &cols, &i0, &j0);
    int failed = heat_block_create(&d->b, p, rows, cols, i0, j0, threads) != 0;
    if (plb_mpi_agree(failed, d->cart)) {
        heat_dist_free(d);
        return -1;
    }
    MPI_Type_contiguous((int)cols, MPI_DOUBLE, &d->row);
    MPI_Type_vector((int)rows, 1, (int)d->b.stride, MPI_DOUBLE, &d->col);
    MPI_Type_commit(&d->row);
    MPI_Type_commit(&d->col);
    return 0;
}

void heat_dist_free(heat_dist *d)
{
    heat_block_free(&d->b);
    if (d->row != MPI_DATATYPE_NULL)
        MPI_Type_free(&d->row);
    if (d->col != MPI_DATATYPE_NULL)
        MPI_Type_free(&d->col);
    if (d->cart != MPI_COMM_NULL)
        MPI_Comm_free(&d->cart);
}

void heat_dist_poison_ghosts(heat_dist *d)
{
    heat_block *b = &d->b;
    for (int64_t c = 1; c <= b->cols; c++) {
        if (d->up != MPI_PROC_NULL)
            b->u[c] = NAN;
        if (d->down != MPI_PROC_NULL)
            b->u[(b->rows + 1) * b->stride + c] = NAN;
    }
    for (int64_t a = 1; a <= b->rows; a++) {
        if (d->left != MPI_PROC_NULL)
            b->u[a * b->stride] = NAN;
        if (d->right != MPI_PROC_NULL)
            b->u[a * b->stride + b->cols + 1] = NAN;
    }
}

/* Whether any rank failed; the lowest failing rank's detail is copied to the root. Collective. */
int heat_dist_share_detail(const heat_dist *d, int failed, char *detail, size_t len)
{
    int mine = failed ? d->rank : INT_MAX, first;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, d->cart);
    if (first == INT_MAX)
        return 0;
    if (first != 0 && d->rank == first)
        MPI_Send(detail, (int)len, MPI_CHAR, 0, 0, d->cart);
    if (first != 0 && d->rank == 0) {
        MPI_Recv(detail, (int)len, MPI_CHAR, first, 0, d->cart, MPI_STATUS_IGNORE);
        detail[len - 1] = '\0';
    }
    return 1;
}

/* The root's check of every rank's checksum against the reference's on that rank's rectangle. */
static int checksums_differ(const heat_dist *d, const heat_problem *p, heat_reference *ref,
                            const uint64_t *sums, int64_t steps, char *detail, size_t len)
{
    const heat_block *want = heat_reference_at(ref, steps);
    for (int r = 0; r < d->size; r++) {
        int coords[2];
        MPI_Cart_coords(d->cart, r, 2, coords);
        heat_block view = {.stride = want->stride};
        heat_dist_block_at(p, d->dims, coords[0], coords[1], &view.rows, &view.cols, &view.i0,
                           &view.j0);
        view.u = want->u + view.i0 * want->stride + view.j0;
        if (heat_checksum(&view) != sums[r]) {
            snprintf(detail, len,
                     "rank %d's block (rows %" PRId64 "..%" PRId64 ", columns %" PRId64 "..%" PRId64
                     ") differs from the sequential field after %" PRId64 " steps",
                     r, view.i0 + 1, view.i0 + view.rows, view.j0 + 1, view.j0 + view.cols, steps);
            return 1;
        }
    }
    return 0;
}

int heat_dist_verify(heat_dist *d, const heat_problem *p, heat_reference *ref, int64_t steps,
                     char *detail, size_t len)
{
    int failed = 0;
    if (p->check != HEAT_CHECK_SEQ) {
        char mine[160];
        failed = heat_check_block(p, &d->b, steps, mine, sizeof mine) != 0;
        if (failed)
            snprintf(detail, len, "rank %d: %s", d->rank, mine);
        return heat_dist_share_detail(d, failed, detail, len);
    }
    uint64_t mine = heat_checksum(&d->b), *sums = NULL;
    if (d->rank == 0) {
        sums = malloc((size_t)d->size * sizeof *sums);
        if (!sums)
            snprintf(detail, len, "no memory to compare %d checksums", d->size);
    }
    if (plb_mpi_agree(d->rank == 0 && !sums, d->cart))
        return 1;
    MPI_Gather(&mine, 1, MPI_UINT64_T, sums, 1, MPI_UINT64_T, 0, d->cart);
    if (sums)
        failed = checksums_differ(d, p, ref, sums, steps, detail, len);
    free(sums);
    return plb_mpi_agree(failed, d->cart);
}

uint64_t heat_dist_checksum(const heat_dist *d)
{
    uint64_t mine = heat_checksum(&d->b), sum;
    MPI_Allreduce(&mine, &sum, 1, MPI_UINT64_T, MPI_SUM, d->cart); /* mod 2^64, in any order */
    return sum;
}

/* An MPI call's error as the reason for err, on one line (MPICH's text is an "error stack" of
 * lines); returns whether there was one. */
static int mpi_failed(int code, const char *path, const char *what, char *err, size_t len)
{
    if (code == MPI_SUCCESS)
        return 0;
    char text[MPI_MAX_ERROR_STRING];
    int n;
    MPI_Error_string(code, text, &n);
    for (char *c = strchr(text, '\n'); c; c = strchr(c, '\n'))
        *c = ' ';
    snprintf(err, len, "%s: cannot %s: %s", path, what, text);
    return 1;
}

/* The file made by one rank with all its bytes reserved (Linux's fallocate), an older, longer one
 * cut to size: a full disk is found here and agreed on, not inside the collective write, where
 * Open MPI 4.1's OMPIO left 3 ranks or more waiting for each other for good. A file system that
 * cannot reserve (EOPNOTSUPP: NFS before 4.2, older Lustre; or not Linux) is only sized: not
 * posix_fallocate, whose stand-in there writes a byte every 4 KiB. 0, or 1 with the reason. */
static int reserve(const char *path, MPI_Offset bytes, char *err, size_t len)
{
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd < 0) {
        snprintf(err, len, "%s: cannot open it for writing: %s", path, strerror(errno));
        return 1;
    }
    int code = 0;
#ifdef __linux__
    if (fallocate(fd, 0, 0, (off_t)bytes) != 0)
        code = errno == EOPNOTSUPP || errno == ENOSYS ? 0 : errno;
#endif
    if (code == 0 && ftruncate(fd, (off_t)bytes) != 0)
        code = errno;
    close(fd);
    if (code != 0)
        snprintf(err, len, "%s: cannot reserve its %lld bytes: %s", path, (long long)bytes,
                 strerror(code));
    return code != 0;
}

/* The doubles this rank wrote, read back through the same view a slab of rows at a time and held
 * against its block, bit for bit: some MPI-IO versions write wrong data and say nothing (Open MPI
 * 4.1.0 to 4.1.6's OMPIO write data sieving, open-mpi/ompi#12718: zeros in small fields on 4
 * ranks, 2 runs in 30). 0, or 1 with the first difference. Not collective. */
static int read_back(MPI_File fh, const heat_block *b, const int size[2], const int local[2],
                     const char *path, char *err, size_t len)
{
    int slab = size[1] > 0 ? (int)(131072 / size[1]) : 1; /* rows of about 1 MiB */
    slab = slab < 1 ? 1 : slab > size[0] ? size[0] : slab;
    double *buf = malloc((size_t)slab * (size_t)size[1] * sizeof *buf);
    if (!buf) {
        snprintf(err, len, "%s: no memory to read it back", path);
        return 1;
    }
    int failed = 0;
    for (int a0 = 0; a0 < size[0] && !failed; a0 += slab) {
        int rows = size[0] - a0 < slab ? size[0] - a0 : slab;
        failed = mpi_failed(MPI_File_read_at(fh, (MPI_Offset)a0 * size[1], buf, rows * size[1],
                                             MPI_DOUBLE, MPI_STATUS_IGNORE),
                            path, "read it back", err, len);
        for (int a = 0; a < rows && !failed; a++) {
            const double *mine = b->u + (int64_t)(local[0] + a0 + a) * b->stride + local[1];
            const double *read = buf + (size_t)a * (size_t)size[1];
            if (memcmp(mine, read, (size_t)size[1] * sizeof *read) == 0)
                continue;
            int c = 0;
            while (memcmp(&mine[c], &read[c], sizeof *read) == 0)
                c++;
            snprintf(err, len,
                     "%s: read back, row %lld column %lld holds %.17g, not the %.17g written: "
                     "the MPI library's MPI-IO wrote it wrong",
                     path, (long long)(b->i0 + local[0] + a0 + a),
                     (long long)(b->j0 + local[1] + c), read[c], mine[c]);
            failed = 1;
        }
    }
    free(buf);
    return failed;
}

/* The rectangle of the global field, ring included, that this rank writes: its interior, and the
 * boundary ring where its block touches the field's edge. In the order sizes, starts (global),
 * starts (local). */
static void owned(const heat_dist *d, int size[2], int global[2], int local[2])
{
    int top = d->up == MPI_PROC_NULL, bottom = d->down == MPI_PROC_NULL;
    int left = d->left == MPI_PROC_NULL, right = d->right == MPI_PROC_NULL;
    size[0] = (int)d->b.rows + top + bottom;
    size[1] = (int)d->b.cols + left + right;
    global[0] = (int)d->b.i0 + 1 - top;
    global[1] = (int)d->b.j0 + 1 - left;
    local[0] = 1 - top;
    local[1] = 1 - left;
}

static int write_field(heat_dist *d, const heat_problem *p, const char *path, char *err, size_t len)
{
    char header[PLB_NPY_HEADER_MAX];
    size_t header_len = plb_npy_header(header, sizeof header, p->rows + 2, p->cols + 2);
    int gsize[2] = {(int)p->rows + 2, (int)p->cols + 2},
        lsize[2] = {(int)d->b.rows + 2, (int)d->b.cols + 2};
    int size[2], global[2], local[2];
    owned(d, size, global, local);
    MPI_Datatype file_type, memory_type;
    MPI_Type_create_subarray(2, gsize, size, global, MPI_ORDER_C, MPI_DOUBLE, &file_type);
    MPI_Type_create_subarray(2, lsize, size, local, MPI_ORDER_C, MPI_DOUBLE, &memory_type);
    MPI_Type_commit(&file_type);
    MPI_Type_commit(&memory_type);
    MPI_Offset bytes = (MPI_Offset)header_len + (MPI_Offset)gsize[0] * gsize[1] * 8;
    /* Every step agreed before the next collective one: a rank that failed alone must not leave
     * the others waiting in MPI_File_set_view or MPI_File_write_all. Each rank keeps its own
     * failure, so that the reason comes from a rank that had one. */
    int failed = d->rank == 0 && reserve(path, bytes, err, len), opened = 0;
    MPI_File fh;
    if (!plb_mpi_agree(failed, d->cart)) { /* CREATE too: a fresh look where NFS cached "none" */
        failed = mpi_failed(
            MPI_File_open(d->cart, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh), path,
            "open it for writing", err, len);
        opened = !failed;
    }
    if (!plb_mpi_agree(failed, d->cart)) {
        if (d->rank == 0)
            failed = mpi_failed(
                MPI_File_write_at(fh, 0, header, (int)header_len, MPI_CHAR, MPI_STATUS_IGNORE),
                path, "write", err, len);
        if (!plb_mpi_agree(failed, d->cart))
            failed = mpi_failed(MPI_File_set_view(fh, (MPI_Offset)header_len, MPI_DOUBLE, file_type,
                                                  "native", MPI_INFO_NULL),
                                path, "set the view", err, len);
        if (!plb_mpi_agree(failed, d->cart))
            failed = mpi_failed(MPI_File_write_all(fh, d->b.u, 1, memory_type, MPI_STATUS_IGNORE),
                                path, "write", err, len);
        /* on the disk, not in a cache, when the program says it is written (collective) */
        if (!plb_mpi_agree(failed, d->cart))
            failed = mpi_failed(MPI_File_sync(fh), path, "sync", err, len);
        if (!plb_mpi_agree(failed, d->cart))
            failed = read_back(fh, &d->b, size, local, path, err, len);
    }
    if (opened)
        failed |= mpi_failed(MPI_File_close(&fh), path, "close", err, len);
    MPI_Type_free(&file_type);
    MPI_Type_free(&memory_type);
    return failed;
}

void heat_dist_before_init(void)
{
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int length, major, minor, release;
    MPI_Get_library_version(version, &length); /* one of the calls allowed before MPI_Init */
    if (sscanf(version, "Open MPI v%d.%d.%d", &major, &minor, &release) == 3 &&
        ((major == 4 && minor == 1 && release < 7) || (major == 5 && minor == 0 && release < 6)))
        setenv("OMPI_MCA_fbtl_posix_write_datasieving", "0", 0);
}

const char *heat_dist_save(heat_dist *d, const heat_problem *p, const char *path, char *err,
                           size_t len)
{
    int failed;
    if (p->rows + 2 > INT_MAX || p->cols + 2 > INT_MAX) {
        snprintf(err, len, "%s: a grid over %d rows or columns is beyond MPI's int sizes", path,
                 INT_MAX - 2);
        failed = 1;
    } else {
        failed = write_field(d, p, path, err, len);
    }
    return heat_dist_share_detail(d, failed, err, len) ? err : NULL;
}

const char *heat_dist_picture(heat_dist *d, const heat_problem *p, const char *path, int show_ranks,
                              char *err, size_t len)
{
    int height, width;
    plb_heatmap_size(p->rows, p->cols, PLB_HEATMAP_SIDE, &height, &width);
    size_t pixels = (size_t)height * (size_t)width;
    double *values = calloc(pixels, sizeof *values);
    unsigned char *mark = d->rank == 0 && show_ranks ? malloc(pixels) : NULL;
    int failed = !values || (d->rank == 0 && show_ranks && !mark);
    if (failed)
        snprintf(err, len, "%s: no memory for a %d x %d picture", path, height, width);
    if (!plb_mpi_agree(failed, d->cart)) {
        heat_picture_samples(&d->b, p->rows, p->cols, height, width, values);
        /* every pixel is some rank's: the others add 0.0 to it, which changes no value */
        MPI_Reduce(d->rank == 0 ? MPI_IN_PLACE : values, values, (int)pixels, MPI_DOUBLE, MPI_SUM,
                   0, d->cart);
        if (mark)
            heat_picture_marks(p->rows, p->cols, d->dims[0], d->dims[1], height, width, mark);
        failed = d->rank == 0 && heat_picture_write(path, values, mark, height, width, err, len);
    }
    free(values);
    free(mark);
    return heat_dist_share_detail(d, failed, err, len) ? err : NULL;
}

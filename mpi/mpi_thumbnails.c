/* mpi_thumbnails: omp_thumbnails' images shared out between processes, the tutorials'
 * ProcessPoolExecutor.map, on mpi_messages' task farm.
 *
 * The lesson: uneven work between processes. static gives each rank an equal block of images and
 * gathers the thumbnails with MPI_Gatherv at the end (the rank that drew the large images works
 * on alone); farm (farm_run of mpi/farm.c, fed by make_result and take_result below) has the
 * root hand out one image at a time to whichever worker asks: it balances, but the root only
 * hands out, and every thumbnail crosses as a message. The notes say how many images each rank
 * made.
 *
 * Measurement (not the lesson): the images and the thumbnail are omp_thumbnails' (--input DIR, or
 * n generated images whose sizes grow with their number; --output DIR; --thumb-size; --largest).
 * Every rank reads the images itself, so an input folder must be visible to every rank (as a
 * cluster's shared file system is). A thumbnail travels as one message: its number, its width and
 * height, then its pixels. seq is the root alone. Rate: images per second = n / median_s. Verified
 * on the root after every batch: every byte of every thumbnail equal to the one the root made
 * alone before the measurement.
 *
 *   usage: mpirun -np P mpi_thumbnails [-n IMAGES] [-r R] [-w W] [-V seq,static,farm]
 *                  [--input DIR] [--output DIR] [--thumb-size PX] [--largest PX] [-v] [--csv]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "lesson.h"
#include "mpi_support.h"
#include "mpi_thumbnails.h"

/* A thumbnail as a farm's result: width, height, then the pixels (room for size x size). */
static void make_result(int64_t i, void *result, void *ctx)
{
    const album_farm *f = ctx;
    int size[2] = {0, 0}; /* an image that cannot be read sends an empty thumbnail */
    thumb t = {.rgb = (uint8_t *)result + sizeof size};
    if (make_thumbnail(f->a, (int)i, &t) == 0) {
        size[0] = t.width;
        size[1] = t.height;
    }
    memcpy(result, size, sizeof size);
}

static void take_result(int64_t i, const void *result, void *ctx)
{
    album_farm *f = ctx;
    int size[2];
    memcpy(size, result, sizeof size);
    thumb *t = &f->out[i];
    t->width = size[0];
    t->height = size[1];
    memcpy(t->rgb, (const uint8_t *)result + sizeof size, 3 * (size_t)size[0] * (size_t)size[1]);
}

farm_work album_farm_work(album_farm *f)
{
    return (farm_work){.n = f->a->count,
                       .bytes = 2 * (int)sizeof(int) + 3 * f->a->size * f->a->size,
                       .make = make_result,
                       .take = take_result,
                       .ctx = f};
}

/* The program: the runner times the lesson above and verifies every result. */
typedef enum { SEQ, STATIC, FARM, VARIANT_COUNT } variant;
static const char *const variants[] = {[SEQ] = "seq", [STATIC] = "static", [FARM] = "farm", NULL};
/* How each variant shares the images out. */
static const farm_way ways[] = {[SEQ] = FARM_SEQ, [STATIC] = FARM_STATIC, [FARM] = FARM_DYNAMIC};

typedef struct job {
    farm_work work;
    const album *a;
    thumb *out;
    const thumb *reference;
    int64_t *done_by;
    int rank;
    variant variant;
    MPI_Comm comm;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    if (j->rank == 0)
        thumbnails_poison(j->a, j->out);
}

static void run_variant(void *arg)
{
    job *j = arg;
    farm_run(ways[j->variant], &j->work, j->done_by, j->comm);
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    int bad = j->rank == 0 ? thumbnails_check(j->a, j->out, j->reference) : -1;
    if (bad >= 0)
        snprintf(j->detail, PLB_DETAIL_LEN, "image %d: its thumbnail differs from the root's own",
                 bad);
    return bad >= 0;
}

static const plb_program program = {
    .name = "mpi_thumbnails",
    .summary = "thumbnails of images of uneven sizes, shared out between processes: blocks or a "
               "task farm",
    .variants = variants,
    .extra = album_options,
};

/* The album the options describe, on every rank, and room for what each rank holds: -1, or the
 * exit code after the refusal (on every rank). The album is to be closed either way. */
static int open_album(album *a, int64_t n, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    char why[4096] = "", err[4200];
    bool opened = album_open(a, n, why, sizeof why) == 0;
    snprintf(err, sizeof err, "%s: %s", program.name, why);
    if (plb_mpi_first_error(opened ? NULL : err, comm))
        return PLB_EXIT_USAGE;
    double pixels, largest, thumb_bytes = 3.0 * a->size * a->size;
    album_pixels(a, &pixels, &largest);
    /* The root: two sets of thumbnails and the static variant's gathered ones; every rank: its
     * block of thumbnails and one image at a time. */
    double block = (double)(a->count / size + 1) * thumb_bytes;
    double root = rank == 0 ? 3.0 * a->count * thumb_bytes : 0.0;
    if (!plb_mpi_memory_check(program.name, block + 3.0 * largest + root, comm))
        return PLB_EXIT_USAGE;
    return -1;
}

/* The variants, checked against the reference (the root's, NULL elsewhere), their thumbnails in
 * out and their counts of images per rank in done_by (the root's; seq: none); then the thumbnails
 * saved where --output asks. Returns the exit code. */
static int measure_and_save(const album *a, const plb_options *opt, const thumb *reference,
                            thumb *out, int64_t *const done_by[VARIANT_COUNT], MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    plb_context ctx;
    FILE *report = plb_mpi_report_start(&ctx, program.name, 1, opt, comm);
    if (report)
        album_report(report, a);
    plb_sync sync = plb_mpi_sync(&comm);
    double pixels, largest;
    album_pixels(a, &pixels, &largest);
    char detail[PLB_DETAIL_LEN] = "";
    album_farm farm = {.a = a, .out = out};
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        jobs[k] = (job){.work = album_farm_work(&farm),
                        .a = a,
                        .out = out,
                        .reference = reference,
                        .done_by = done_by[k],
                        .rank = rank,
                        .variant = k,
                        .comm = comm,
                        .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = 1,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = (double)a->count,
            .unit = 1.0,
            .rate_unit = "images/s",
            .plausible_s = pixels / size / PLB_MAX_CLOCK_HZ,
            .detail = detail,
            /* rank 0 idles: done early (static), or handing out (farm) */
            .idles = k != SEQ};
    }
    const char *failure =
        plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, &sync, report, NULL);
    for (variant k = STATIC; report && k < VARIANT_COUNT; k++)
        if (plb_variant_selected(&program, opt, variants[k]))
            farm_report_done_by(report, "images/rank", variants[k], done_by[k], size);
    int unsaved = report && album_wanted.output && thumbnails_save(report, a, reference);
    if (plb_mpi_agree(unsaved, comm) && !failure)
        failure = "output: not every thumbnail could be written";
    return plb_mpi_verdict(opt, failure, comm);
}

/* The root's thumbnails (the reference, made here, and the variants') and its counts of images
 * per rank, then the variants. The root reads every image for the reference: a file it cannot
 * read ends every rank. Returns the exit code. */
static int run_album(const album *a, const plb_options *opt, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    thumb *thumbs = rank == 0 ? thumbnails_alloc(a, 2) : NULL; /* the reference, the variants' */
    int64_t *done_by[VARIANT_COUNT] = {NULL};                  /* the root's; seq counts none */
    for (variant k = STATIC; rank == 0 && k < VARIANT_COUNT; k++)
        done_by[k] = calloc((size_t)size, sizeof(int64_t));
    char why[4096] = "";
    int broken = 0;
    if (rank == 0 && (!thumbs || !done_by[STATIC] || !done_by[FARM])) {
        snprintf(why, sizeof why, "cannot allocate %d thumbnails", a->count);
        broken = PLB_EXIT_FAILED;
    } else if (rank == 0) {
        broken = thumbnails_reference(a, thumbs, why, sizeof why);
    }
    int status = plb_mpi_agree(broken, comm);
    if (status != 0)
        status = plb_mpi_refuse(program.name, status, comm, "%s", why);
    else
        status = measure_and_save(a, opt, thumbs, thumbs ? thumbs + a->count : NULL, done_by, comm);
    thumbnails_free(thumbs, a, 2);
    for (variant k = 0; k < VARIANT_COUNT; k++)
        free(done_by[k]);
    return status;
}

static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    plb_options opt = {.n = 200, .repeats = 5, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status >= 0)
        return status;
    album a;
    status = open_album(&a, opt.n, comm);
    if (status < 0) {
        opt.n = a.count; /* the images found, or made */
        status = run_album(&a, &opt, comm);
    }
    album_close(&a);
    return status;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}

/* omp_thumbnails: the tutorials' executor on real work: ThreadPoolExecutor.map(make_thumbnail,
 * files) over many images of uneven sizes, written as OpenMP loops and tasks.
 *
 * The lesson: how uneven work is handed out. dynamic (thumbnails_dynamic below, `#pragma omp
 * parallel for schedule(dynamic, 1)`: Executor.map) and tasks (thumbnails_tasks, a `#pragma omp
 * task` per image: Executor.submit) give the next image to whichever thread is free; static
 * (thumbnails_static, equal blocks of images up front) leaves the thread that got the large
 * images working long after the others are done. "The user time is higher than the real time:
 * why?" -v's "# cpu" notes: T threads at work spend up to T seconds of CPU a second.
 *
 * Measurement (not the lesson): the images (album.h) are the PNG files of --input DIR (any PNG
 * libpng reads, as 8-bit RGB), or by default n generated images whose longer sides grow from 32
 * pixels to --largest (1024) with their number, so the last are the largest (a folder of icons and
 * photos, sorted by name). A thumbnail: read the image (decode the PNG, or draw the generated one),
 * then shrink it by the smallest whole factor f that brings its longer side to --thumb-size pixels
 * or less, each pixel the rounded mean of an f x f block. --output DIR writes the thumbnails as PNG
 * files. Rate: images per second = n / median_s. Verified after every batch: every byte of every
 * thumbnail equal to the one made sequentially before the measurement.
 *
 *   usage: omp_thumbnails [-n IMAGES] [-r R] [-w W] [-t T] [-V seq,dynamic,tasks,static]
 *                         [--input DIR] [--output DIR] [--thumb-size PX] [--largest PX] [-v]
 *                         [--csv]
 */
#include <omp.h>
#include <stdio.h>

#include "album.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "omp_thumbnails.h"

int thumbnails_seq(const album *a, thumb *out)
{
    int failed = 0;
    for (int i = 0; i < a->count; i++)
        failed += make_thumbnail(a, i, &out[i]) != 0;
    return failed;
}

int thumbnails_dynamic(const album *a, thumb *out, int threads)
{
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(+ : failed)
    for (int i = 0; i < a->count; i++)
        failed += make_thumbnail(a, i, &out[i]) != 0; /* a free thread takes the next image */
    return failed;
}

int thumbnails_tasks(const album *a, thumb *out, int threads)
{
    int failed = 0;
#pragma omp parallel num_threads(threads)
#pragma omp single
    for (int i = 0; i < a->count; i++) {
#pragma omp task firstprivate(i) shared(failed)
        if (make_thumbnail(a, i, &out[i]) != 0) {
#pragma omp atomic
            failed++;
        }
    }
    return failed; /* the region's closing barrier waits for every task */
}

int thumbnails_static(const album *a, thumb *out, int threads)
{
    int failed = 0;
#pragma omp parallel for schedule(static) num_threads(threads) reduction(+ : failed)
    for (int i = 0; i < a->count; i++)
        failed += make_thumbnail(a, i, &out[i]) != 0; /* thread t: the t-th block of images */
    return failed;
}

/* The program: the runner times the lesson above and verifies every result. */
typedef enum { SEQ, DYNAMIC, TASKS, STATIC, VARIANT_COUNT } variant;
static const char *const variants[] = {
    [SEQ] = "seq", [DYNAMIC] = "dynamic", [TASKS] = "tasks", [STATIC] = "static", NULL};

typedef struct job {
    const album *a;
    thumb *out;
    const thumb *reference;
    int threads, failed;
    variant variant;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    thumbnails_poison(j->a, j->out);
    j->failed = 0;
}

static void run_variant(void *arg)
{
    job *j = arg;
    switch (j->variant) {
    case SEQ: j->failed += thumbnails_seq(j->a, j->out); break;
    case DYNAMIC: j->failed += thumbnails_dynamic(j->a, j->out, j->threads); break;
    case TASKS: j->failed += thumbnails_tasks(j->a, j->out, j->threads); break;
    case STATIC: j->failed += thumbnails_static(j->a, j->out, j->threads); break;
    case VARIANT_COUNT: break; /* not a variant */
    }
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    int bad = j->failed ? -1 : thumbnails_check(j->a, j->out, j->reference);
    if (j->failed)
        snprintf(j->detail, PLB_DETAIL_LEN, "%d images could not be read", j->failed);
    else if (bad >= 0)
        snprintf(j->detail, PLB_DETAIL_LEN,
                 "image %d: its thumbnail differs from the sequential one", bad);
    return j->failed || bad >= 0;
}

static const plb_program program = {
    .name = "omp_thumbnails",
    .summary =
        "thumbnails of images of uneven sizes: an executor's map and submit, and static blocks",
    .variants = variants,
    .extra = album_options,
};

/* The album and two sets of its thumbnails in *thumbs, the first the reference, made: 0, or the
 * refusal's exit code (what was made is left for the caller to free). */
static int open_album(const plb_options *opt, int threads, album *a, thumb **thumbs)
{
    char err[PLB_DETAIL_LEN + 4096];
    if (album_open(a, opt->n, err, sizeof err) != 0)
        return plb_refuse(program.name, PLB_EXIT_USAGE, "%s", err);
    double pixels, largest;
    album_pixels(a, &pixels, &largest);
    /* Two sets of thumbnails (the reference, the variants'), and an image per thread at once. */
    double thumb_bytes = 3.0 * a->size * a->size;
    if (!plb_memory_check(program.name, 2.0 * a->count * thumb_bytes + threads * 3.0 * largest))
        return PLB_EXIT_USAGE;
    if (!(*thumbs = thumbnails_alloc(a, 2)))
        return plb_refuse(program.name, PLB_EXIT_FAILED, "cannot allocate %d thumbnails", a->count);
    int status = thumbnails_reference(a, *thumbs, err, sizeof err);
    return status != 0 ? plb_refuse(program.name, status, "%s", err) : 0;
}

/* The variants on the album, making the second set of thumbs, checked against the first; the
 * finding, --output; returns the verdict's exit code. */
static int measure(const plb_options *opt, int threads, const album *a, thumb *thumbs)
{
    double pixels, largest;
    album_pixels(a, &pixels, &largest);
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        int t = k == SEQ ? 1 : threads;
        jobs[k] = (job){.a = a,
                        .out = thumbs + a->count,
                        .reference = thumbs,
                        .threads = t,
                        .variant = k,
                        .detail = detail};
        /* The fastest believable run: every thread reads a pixel per clock cycle. */
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = t,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = (double)a->count,
            .unit = 1.0,
            .rate_unit = "images/s",
            .plausible_s = pixels / t / PLB_MAX_CLOCK_HZ,
            .detail = detail,
            .idles = k == STATIC}; /* the lesson: threads done early idle */
    }
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    album_report(stdout, a);
    plb_measurement measured[VARIANT_COUNT];
    const char *failure =
        plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, NULL, stdout, measured);
    char how[48];
    if (plb_compared(&measured[STATIC], &measured[DYNAMIC], how, sizeof how))
        plb_report_param(stdout, "finding",
                         "static, equal blocks of images fixed up front, ran %s "
                         "dynamic",
                         how);
    if (album_wanted.output && thumbnails_save(stdout, a, thumbs) && !failure)
        failure = "output: not every thumbnail could be written";
    return plb_report_verdict(opt, failure);
}

static int run_lesson(plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    album a;
    thumb *thumbs = NULL;
    int status = open_album(opt, threads, &a, &thumbs);
    if (status == 0) {
        opt->n = a.count;
        status = measure(opt, threads, &a, thumbs);
    }
    thumbnails_free(thumbs, &a, 2);
    album_close(&a);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 200, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}

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
 * Measurement (not the lesson): the images (album.h) are the PNG files of --input DIR (any PNG libpng reads,
 * as 8-bit RGB), or by default n generated images whose longer sides grow from 32 pixels to
 * --largest (1024) with their number, so the last are the largest (a folder of icons and photos,
 * sorted by name). A thumbnail: read the image (decode the PNG, or draw the generated one), then
 * shrink it by the smallest whole factor f that brings its longer side to --thumb-size pixels or
 * less, each pixel the rounded mean of an f x f block. --output DIR writes the thumbnails as PNG
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
typedef enum kind { SEQ, DYNAMIC, TASKS, STATIC } kind;

typedef struct job {
    const album *a;
    thumb *out;
    const thumb *reference;
    int threads, failed;
    kind kind;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    thumbnails_poison(j->a, j->out);
    j->failed = 0;
}

static void run(void *arg)
{
    job *j = arg;
    if (j->kind == SEQ)
        j->failed += thumbnails_seq(j->a, j->out);
    else if (j->kind == DYNAMIC)
        j->failed += thumbnails_dynamic(j->a, j->out, j->threads);
    else if (j->kind == TASKS)
        j->failed += thumbnails_tasks(j->a, j->out, j->threads);
    else
        j->failed += thumbnails_static(j->a, j->out, j->threads);
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    int bad = j->failed ? -1 : thumbnails_check(j->a, j->out, j->reference);
    if (j->failed)
        snprintf(j->detail, PLB_DETAIL_LEN, "%d images could not be read", j->failed);
    else if (bad >= 0)
        snprintf(j->detail, PLB_DETAIL_LEN, "image %d: its thumbnail differs from the sequential one",
                 bad);
    return j->failed || bad >= 0;
}

static const char *const variants[] = {"seq", "dynamic", "tasks", "static", NULL};
static const plb_program program = {
    .name = "omp_thumbnails",
    .summary = "thumbnails of images of uneven sizes: an executor's map and submit, and static blocks",
    .variants = variants,
    .extra = album_options,
};

int main(int argc, char **argv)
{
    plb_options opt = {.n = 200, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    int threads = opt.threads ? opt.threads : omp_get_max_threads();
    album a;
    char err[PLB_DETAIL_LEN + 4096];
    if (album_open(&a, opt.n, err, sizeof err) != 0) {
        fprintf(stderr, "omp_thumbnails: %s\n", err);
        album_close(&a);
        return PLB_EXIT_USAGE;
    }
    double pixels, largest;
    album_pixels(&a, &pixels, &largest);
    /* Two sets of thumbnails (the reference, the variants'), and an image per thread at once. */
    double thumb_bytes = 3.0 * a.size * a.size;
    if (!plb_memory_check(program.name, 2.0 * a.count * thumb_bytes + threads * 3.0 * largest)) {
        album_close(&a);
        return PLB_EXIT_USAGE;
    }
    thumb *reference = thumbnails_alloc(&a, 2), *out = reference ? reference + a.count : NULL;
    if (!reference) {
        fprintf(stderr, "omp_thumbnails: cannot allocate %d thumbnails\n", a.count);
        album_close(&a);
        return PLB_EXIT_FAILED;
    }
    opt.n = a.count;
    status = thumbnails_reference(&a, reference, err, sizeof err);
    if (status != 0) {
        fprintf(stderr, "omp_thumbnails: %s\n", err);
        thumbnails_free(reference, &a, 2);
        album_close(&a);
        return status;
    }

    char detail[PLB_DETAIL_LEN] = "";
    job jobs[4];
    plb_variant v[4];
    for (int k = 0; k < 4; k++) {
        int t = k == SEQ ? 1 : threads;
        jobs[k] = (job){.a = &a, .out = out, .reference = reference, .threads = t,
                        .kind = (kind)k, .detail = detail};
        /* The fastest believable run: every thread reads a pixel per clock cycle. */
        v[k] = (plb_variant){.name = variants[k], .threads = t,
                             .kernel = {prepare, run, verify, &jobs[k]},
                             .amount = (double)a.count, .unit = 1.0, .rate_unit = "images/s",
                             .plausible_s = pixels / t / PLB_MAX_CLOCK_HZ, .detail = detail,
                             .idles = k == STATIC}; /* the lesson: threads done early idle */
    }
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, &opt);
    album_report(stdout, &a);
    plb_measurement measured[4];
    const char *failure = plb_run_variants(&program, &ctx, &opt, v, 4, NULL, stdout, measured);
    char how[48];
    if (plb_compared(&measured[3], &measured[1], how, sizeof how))
        plb_report_param(stdout, "finding", "static, equal blocks of images fixed up front, ran %s "
                         "dynamic", how);
    if (album_wanted.output && thumbnails_save(stdout, &a, reference) && !failure)
        failure = "output: not every thumbnail could be written";
    thumbnails_free(reference, &a, 2);
    album_close(&a);
    return plb_report_verdict(&opt, failure);
}

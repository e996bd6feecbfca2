/* album: the images the thumbnails lessons work on (album.h). The PNG files of --input DIR (any
 * PNG libpng reads, as 8-bit RGB), or n generated images whose longer sides grow with their
 * number, so the last are the largest (a folder of icons and photos, sorted by name). A thumbnail:
 * read the image (decode the PNG, or draw the generated one), then shrink it by the smallest whole
 * factor f that brings its longer side to --thumb-size pixels or less, each pixel the rounded mean
 * of an f x f block. --output DIR writes the thumbnails as PNG files. */
#define _DEFAULT_SOURCE /* scandir, alphasort */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "album.h"
#include "exit_codes.h"
#include "report.h"

void album_generated_size(int i, int n, int largest, int *width, int *height)
{
    int64_t smallest = largest < 32 ? largest : 32;
    int64_t longer = smallest + (largest - smallest) * (int64_t)i / n;
    int64_t shorter = longer * (2 + i % 3) / 4; /* half, three quarters, or the whole side */
    shorter = shorter > 0 ? shorter : 1;
    *width = (int)(i % 2 ? shorter : longer);
    *height = (int)(i % 2 ? longer : shorter);
}

/* A generated image: gradients in red and green, a pattern in blue, its number in the pattern. */
static uint8_t *draw(int i, int width, int height)
{
    uint8_t *rgb = malloc((size_t)width * (size_t)height * 3);
    for (int y = 0; rgb && y < height; y++)
        for (int x = 0; x < width; x++) {
            uint8_t *p = rgb + 3 * ((size_t)y * (size_t)width + (size_t)x);
            p[0] = (uint8_t)(x * 255 / width);
            p[1] = (uint8_t)(y * 255 / height);
            p[2] = (uint8_t)((x ^ y) + 16 * i);
        }
    return rgb;
}

/* Opens a PNG file for libpng's simplified reader, which decodes the whole image into one buffer of
 * at most 4 GiB (PNG_IMAGE_SIZE is 32-bit): false, image freed and "PATH: why" in err, when libpng
 * cannot read the header or its size claims more pixels than that buffer holds. */
static bool png_open(png_image *image, const char *path, char *err, size_t errlen)
{
    memset(image, 0, sizeof *image);
    image->version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(image, path)) {
        snprintf(err, errlen, "%s: not a PNG image libpng can read (%s)", path, image->message);
        return false;
    }
    if (3 * (uint64_t)image->width * image->height > UINT32_MAX) {
        snprintf(err, errlen,
                 "%s: %u x %u pixels is more than libpng can decode at once (4 GiB as "
                 "8-bit RGB)",
                 path, (unsigned)image->width, (unsigned)image->height);
        png_image_free(image);
        return false;
    }
    return true;
}

/* A PNG file as 8-bit RGB in *rgb: 0; or PLB_EXIT_USAGE when libpng cannot read it, PLB_EXIT_FAILED
 * when its pixels cannot be allocated, with "PATH: why" in err. */
static int read_png(const char *path, uint8_t **rgb, int *width, int *height, char *err,
                    size_t errlen)
{
    png_image image;
    *rgb = NULL;
    if (!png_open(&image, path, err, errlen))
        return PLB_EXIT_USAGE;
    image.format = PNG_FORMAT_RGB;
    if (!(*rgb = malloc(PNG_IMAGE_SIZE(image)))) {
        snprintf(err, errlen, "%s: cannot allocate its %u x %u pixels", path, (unsigned)image.width,
                 (unsigned)image.height);
        png_image_free(&image);
        return PLB_EXIT_FAILED;
    }
    if (!png_image_finish_read(&image, NULL, *rgb, 0, NULL)) {
        snprintf(err, errlen, "%s: truncated or damaged PNG (libpng: %s)", path, image.message);
        png_image_free(&image);
        free(*rgb);
        *rgb = NULL;
        return PLB_EXIT_USAGE;
    }
    *width = (int)image.width;
    *height = (int)image.height;
    return 0;
}

/* The thumbnail: each pixel the rounded mean of its f x f block (clipped at the image's edge). */
static void shrink(const uint8_t *rgb, int width, int height, int size, thumb *out)
{
    int f = ((width > height ? width : height) + size - 1) / size;
    out->width = width / f > 0 ? width / f : 1;
    out->height = height / f > 0 ? height / f : 1;
    for (int ty = 0; ty < out->height; ty++)
        for (int tx = 0; tx < out->width; tx++) {
            int y1 = ty * f + f < height ? ty * f + f : height;
            int x1 = tx * f + f < width ? tx * f + f : width;
            uint32_t sum[3] = {0, 0, 0}, count = (uint32_t)((y1 - ty * f) * (x1 - tx * f));
            for (int y = ty * f; y < y1; y++)
                for (int x = tx * f; x < x1; x++)
                    for (int c = 0; c < 3; c++)
                        sum[c] += rgb[3 * ((size_t)y * (size_t)width + (size_t)x) + (size_t)c];
            for (int c = 0; c < 3; c++)
                out->rgb[3 * (ty * out->width + tx) + c] = (uint8_t)((sum[c] + count / 2) / count);
        }
}

/* make_thumbnail, saying why an image could not be made: 0, or read_png's status and err. */
static int thumbnail_of(const album *a, int i, thumb *out, char *err, size_t errlen)
{
    int width = a->paths ? 0 : a->width[i], height = a->paths ? 0 : a->height[i];
    uint8_t *rgb = NULL;
    if (a->paths) {
        int status = read_png(a->paths[i], &rgb, &width, &height, err, errlen);
        if (status != 0)
            return status;
    } else if (!(rgb = draw(i, width, height))) {
        snprintf(err, errlen, "image %d: cannot allocate its %d x %d pixels", i, width, height);
        return PLB_EXIT_FAILED;
    }
    shrink(rgb, width, height, a->size, out);
    free(rgb);
    return 0;
}

int make_thumbnail(const album *a, int i, thumb *out)
{
    return thumbnail_of(a, i, out, NULL, 0) == 0 ? 0 : -1;
}

void thumbnails_poison(const album *a, thumb *t)
{
    for (int i = 0; i < a->count; i++) {
        t[i].width = t[i].height = 0;
        memset(t[i].rgb, 0xA5, 3 * (size_t)a->size * (size_t)a->size);
    }
}

int thumbnails_check(const album *a, const thumb *got, const thumb *want)
{
    for (int i = 0; i < a->count; i++)
        if (got[i].width != want[i].width || got[i].height != want[i].height ||
            memcmp(got[i].rgb, want[i].rgb, 3 * (size_t)want[i].width * (size_t)want[i].height))
            return i;
    return -1;
}

int thumbnails_reference(const album *a, thumb *out, char *err, size_t errlen)
{
    for (int i = 0; i < a->count; i++) {
        int status = thumbnail_of(a, i, &out[i], err, errlen);
        if (status != 0)
            return status;
    }
    return 0;
}

static int is_png(const struct dirent *e)
{
    size_t len = strlen(e->d_name);
    return len > 4 && strcmp(e->d_name + len - 4, ".png") == 0;
}

/* The PNG files of dir, sorted by name, with their sizes; false, and why in err, when the folder
 * has none or one that libpng cannot read. */
static bool load_folder(const char *dir, album *a, char *err, size_t errlen)
{
    struct dirent **names;
    int found = scandir(dir, &names, is_png, alphasort);
    if (found <= 0) {
        snprintf(err, errlen, "%s: %s", dir, found < 0 ? strerror(errno) : "no .png files");
        if (found == 0)
            free(names);
        return false;
    }
    a->count = found;
    a->paths = calloc((size_t)found, sizeof *a->paths);
    a->width = calloc((size_t)found, sizeof *a->width);
    a->height = calloc((size_t)found, sizeof *a->height);
    bool listed = a->paths && a->width && a->height, ok = listed;
    for (int i = 0; ok && i < found; i++) {
        size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
        png_image image;
        listed = ok = (a->paths[i] = malloc(len)) != NULL;
        if (ok) {
            snprintf(a->paths[i], len, "%s/%s", dir, names[i]->d_name);
            ok = png_open(&image, a->paths[i], err, errlen);
        }
        if (ok) {
            a->width[i] = (int)image.width;
            a->height[i] = (int)image.height;
            png_image_free(&image);
        }
    }
    if (!listed)
        snprintf(err, errlen, "%s: cannot allocate the names of its %d .png files", dir, found);
    for (int i = 0; i < found; i++)
        free(names[i]);
    free(names);
    return ok;
}

/* A folder to write into, made if missing; false, and why in err, when it cannot be. */
static bool writable_folder(const char *dir, char *err, size_t errlen)
{
    if ((mkdir(dir, 0777) == 0 || errno == EEXIST) && access(dir, W_OK | X_OK) == 0)
        return true;
    snprintf(err, errlen, "cannot write into %s: %s", dir, strerror(errno));
    return false;
}

album_settings album_wanted = {.size = 128, .largest = 1024};
/* clang-format off */
const plb_opt album_options[] = {
    {.long_name = "input", .kind = PLB_OPT_TEXT, .target = &album_wanted.input, .arg_name = "DIR",
     .help = "make thumbnails of this folder's PNG files (default: n generated images)"},
    {.long_name = "output", .kind = PLB_OPT_TEXT, .target = &album_wanted.output,
     .arg_name = "DIR", .help = "write the thumbnails there as PNG files"},
    {.long_name = "thumb-size", .kind = PLB_OPT_COUNT, .target = &album_wanted.size, .min = 1,
     .max = 4096, .arg_name = "PX", .help = "a thumbnail's longer side at most"},
    {.long_name = "largest", .kind = PLB_OPT_COUNT, .target = &album_wanted.largest, .min = 1,
     .max = 16384, .arg_name = "PX", .help = "the generated images' longer side grows up to this"},
    PLB_OPT_END,
};
/* clang-format on */

int album_generate(album *a, int n, int largest, int size)
{
    *a = (album){.count = n, .size = size};
    a->width = malloc((size_t)n * sizeof *a->width);
    a->height = malloc((size_t)n * sizeof *a->height);
    for (int i = 0; a->width && a->height && i < n; i++)
        album_generated_size(i, n, largest, &a->width[i], &a->height[i]);
    return a->width && a->height ? 0 : -1;
}

thumb *thumbnails_alloc(const album *a, int sets)
{
    size_t count = (size_t)sets * (size_t)a->count;
    thumb *t = calloc(count, sizeof *t);
    for (size_t i = 0; t && i < count; i++)
        if (!(t[i].rgb = malloc(3 * (size_t)a->size * (size_t)a->size))) {
            thumbnails_free(t, a, sets);
            return NULL;
        }
    return t;
}

void thumbnails_free(thumb *t, const album *a, int sets)
{
    for (size_t i = 0; t && i < (size_t)sets * (size_t)a->count; i++)
        free(t[i].rgb);
    free(t);
}

int album_open(album *a, int64_t n, char *err, size_t errlen)
{
    *a = (album){.size = (int)album_wanted.size};
    if (!album_wanted.input && n > ALBUM_MAX_GENERATED) {
        snprintf(err, errlen, "n is over %d images", ALBUM_MAX_GENERATED);
        return -1;
    }
    if (album_wanted.input && !load_folder(album_wanted.input, a, err, errlen))
        return -1;
    if (album_wanted.output && !writable_folder(album_wanted.output, err, errlen))
        return -1;
    if (!album_wanted.input &&
        album_generate(a, (int)n, (int)album_wanted.largest, (int)album_wanted.size) != 0) {
        snprintf(err, errlen, "cannot allocate %" PRId64 " images", n);
        return -1;
    }
    return 0;
}

void album_close(album *a)
{
    for (int i = 0; a->paths && i < a->count; i++)
        free(a->paths[i]);
    free(a->paths);
    free(a->width);
    free(a->height);
}

void album_pixels(const album *a, double *all, double *largest)
{
    *all = *largest = 0.0;
    for (int i = 0; i < a->count; i++) {
        double p = (double)a->width[i] * a->height[i];
        *all += p;
        *largest = p > *largest ? p : *largest;
    }
}

static int thumbnails_write(const album *a, const thumb *t, const char *dir)
{
    int written = 0;
    for (int i = 0; i < a->count; i++) {
        char path[4096];
        if (a->paths) {
            const char *name = strrchr(a->paths[i], '/');
            snprintf(path, sizeof path, "%s/%s", dir, name ? name + 1 : a->paths[i]);
        } else {
            snprintf(path, sizeof path, "%s/image_%04d.png", dir, i);
        }
        png_image image;
        memset(&image, 0, sizeof image);
        image.version = PNG_IMAGE_VERSION;
        image.width = (png_uint_32)t[i].width;
        image.height = (png_uint_32)t[i].height;
        image.format = PNG_FORMAT_RGB;
        written += png_image_write_to_file(&image, path, 0, t[i].rgb, 0, NULL) != 0;
    }
    return written;
}

void album_report(FILE *out, const album *a)
{
    double pixels, largest;
    album_pixels(a, &pixels, &largest);
    plb_report_param(out, "images", "%d %s, %.1f Mpixel in all, the largest %.2f Mpixel", a->count,
                     album_wanted.input ? album_wanted.input : "generated", pixels / 1e6,
                     largest / 1e6);
    plb_report_param(out, "thumb-size", "%d px, a thumbnail's longer side at most", a->size);
}

bool thumbnails_save(FILE *out, const album *a, const thumb *t)
{
    int written = thumbnails_write(a, t, album_wanted.output);
    plb_report_param(out, "output", "%d of %d thumbnails written to %s", written, a->count,
                     album_wanted.output);
    return written < a->count;
}

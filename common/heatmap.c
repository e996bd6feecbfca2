/* heatmap.c: a 2-D field as a PNG picture on viridis (see heatmap.h). */
#include "heatmap.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* viridis at 0, 1/16, ..., 1 (matplotlib's published 256-entry table, interpolated there and
 * rounded to 8 bits). Linear interpolation between them stays within 6 levels of the full table. */
#define ANCHORS 17
static const unsigned char viridis[ANCHORS][3] = {
    {68, 1, 84},    {72, 24, 106},  {71, 45, 123},  {66, 64, 134},  {59, 82, 139},  {51, 99, 141},
    {44, 114, 142}, {38, 129, 142}, {33, 144, 140}, {31, 159, 136}, {40, 174, 128}, {62, 188, 116},
    {93, 201, 99},  {130, 211, 76}, {171, 220, 50}, {213, 226, 26}, {253, 231, 37},
};
static const unsigned char broken[3] = {255, 0, 255};

/* round(a * m / c) for 0 <= a <= c, c >= 1, m >= 1. */
static int64_t scaled(int64_t a, int64_t m, int64_t c)
{
    if (a <= (INT64_MAX / 2 - c) / m)
        return (2 * a * m + c) / (2 * c);
    return (int64_t)floor((double)a * (double)m / (double)c + 0.5); /* a side over 2^40 */
}

void plb_heatmap_size(int64_t rows, int64_t cols, int max_side, int *height, int *width)
{
    int64_t r = rows > 1 ? rows : 1, c = cols > 1 ? cols : 1, m = max_side > 1 ? max_side : 1;
    int64_t longer = r > c ? r : c;
    if (longer > m) {
        r = r == longer ? m : scaled(r, m, longer);
        c = c == longer ? m : scaled(c, m, longer);
    }
    *height = (int)(r > 1 ? r : 1);
    *width = (int)(c > 1 ? c : 1);
}

int64_t plb_heatmap_index(int64_t n, int pixels, int p)
{
    /* n = q * 2P + rest splits (2p + 1) * n / 2P into (2p + 1) * q, which is below n, and
     * (2p + 1) * rest / 2P, whose product is below 2^32 * 2^32: exact in unsigned 64 bits. */
    uint64_t twice = 2 * (uint64_t)pixels, odd = 2 * (uint64_t)p + 1;
    uint64_t q = (uint64_t)n / twice, rest = (uint64_t)n % twice;
    return (int64_t)(odd * q + odd * rest / twice);
}

void plb_heatmap_colour(double x, double lo, double hi, unsigned char rgb[3])
{
    double t = lo == hi ? 0.5 : (x - lo) / (hi - lo);
    if (!isfinite(x) || isnan(t)) {
        memcpy(rgb, broken, 3);
        return;
    }
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    double at = t * (ANCHORS - 1);
    int i = at >= ANCHORS - 1 ? ANCHORS - 2 : (int)at;
    double f = at - i;
    for (int c = 0; c < 3; c++)
        rgb[c] = (unsigned char)(viridis[i][c] + f * (viridis[i + 1][c] - viridis[i][c]) + 0.5);
}

static double linear(unsigned char channel)
{
    double c = channel / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* Black or white, whichever contrasts more with rgb: WCAG contrast (L1 + 0.05) / (L2 + 0.05)
 * against black equals that against white at relative luminance sqrt(1.05 * 0.05) - 0.05. */
static void line_colour(unsigned char rgb[3])
{
    double y = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
    memset(rgb, y > sqrt(1.05 * 0.05) - 0.05 ? 0 : 255, 3);
}

static bool fail(const char *path, const char *why, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: cannot write: %s", path, why);
    return false;
}

bool plb_heatmap_write(const char *path, const double *values, int height, int width, double lo,
                       double hi, const unsigned char *mark, char *err, size_t errlen)
{
    if (height < 1 || width < 1 || (size_t)width > PNG_UINT_31_MAX / 3)
        return fail(path, "the picture has no pixels or is too wide", err, errlen);
    size_t pixels = (size_t)height * (size_t)width;
    unsigned char *rgb = malloc(3 * pixels);
    if (!rgb)
        return fail(path, "out of memory for the picture", err, errlen);
    for (size_t i = 0; i < pixels; i++) {
        plb_heatmap_colour(values[i], lo, hi, rgb + 3 * i);
        if (mark && mark[i])
            line_colour(rgb + 3 * i);
    }
    /* Our own fopen, not png_image_write_to_file, so the reason is errno's and not libpng's. */
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(rgb);
        return fail(path, strerror(errno), err, errlen);
    }
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = PNG_FORMAT_RGB;
    bool ok = png_image_write_to_stdio(&image, f, 0, rgb, 0, NULL) != 0;
    if (!ok)
        fail(path, image.message, err, errlen);
    png_image_free(&image);
    free(rgb);
    errno = 0;
    if (fclose(f) != 0 && ok) /* a full disk shows here, when the buffer is flushed */
        ok = fail(path, errno ? strerror(errno) : "close failed", err, errlen);
    if (!ok)
        remove(path);
    return ok;
}

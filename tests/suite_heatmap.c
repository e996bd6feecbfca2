/* suite_heatmap.c: the picture of a field: its size, which points it samples, the colour map, and
 * the PNG file read back pixel by pixel. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heatmap.h"
#include "scratch.h"
#include "suites.h"

static void check_size(int64_t rows, int64_t cols, int want_height, int want_width)
{
    int height = -1, width = -1;
    plb_heatmap_size(rows, cols, PLB_HEATMAP_SIDE, &height, &width);
    CU_ASSERT_EQUAL(height, want_height);
    CU_ASSERT_EQUAL(width, want_width);
}

static void test_size_examples(void)
{
    check_size(500, 500, 500, 500); /* small enough: one pixel a point */
    check_size(7, 5, 7, 5);
    check_size(3000, 3000, 1000, 1000);
    check_size(500, 4000, 125, 1000);  /* wide */
    check_size(4000, 500, 1000, 125);  /* tall */
    check_size(3, 2000, 2, 1000);      /* 1.5 rounds up */
    check_size(1, 1000000, 1, 1000);   /* 0.001 of a pixel is still one */
    check_size(2000, 1001, 1000, 501); /* 500.5 rounds up */
    check_size(2000, 1000, 1000, 500);
    check_size(1000000, 1000000, 1000, 1000);
    check_size(INT64_C(1) << 62, INT64_C(1) << 61, 1000, 500); /* past the exact range */
    check_size(0, -3, 1, 1);
    int height, width;
    plb_heatmap_size(50, 20, 0, &height, &width);
    CU_ASSERT(height == 1 && width == 1);
}

static void test_size_bounds(void)
{
    /* Every size: at most max_side, at most the points, at least 1, and the aspect ratio within
     * the rounding of the shorter side. */
    int bad = 0;
    for (int64_t rows = 1; rows <= 5000; rows += 37)
        for (int64_t cols = 1; cols <= 5000; cols += 113) {
            int h, w;
            plb_heatmap_size(rows, cols, 300, &h, &w);
            double ratio = (double)rows / (double)cols;
            bad += h < 1 || w < 1 || h > 300 || w > 300 || h > rows || w > cols ||
                   (h != 1 && w != 1 && fabs((double)h / w - ratio) > ratio / (h < w ? h : w));
        }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_index_range_and_order(void)
{
    static const int64_t ns[] = {1, 2, 3, 7, 999, 1000, 1001, 2000, 123457};
    static const int pixel_counts[] = {1, 2, 3, 7, 500, 1000};
    int bad = 0;
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
        for (size_t b = 0; b < sizeof pixel_counts / sizeof *pixel_counts; b++) {
            int64_t n = ns[a];
            int pixels = pixel_counts[b];
            int64_t previous = -1;
            for (int p = 0; p < pixels; p++) {
                int64_t i = plb_heatmap_index(n, pixels, p);
                bad += i < 0 || i >= n;
                bad += pixels <= n ? i <= previous : i < previous; /* strict when sampling */
                previous = i;
            }
            /* The ends: within half a pixel's share of the field's first and last points. */
            int64_t share = n / pixels;
            bad += plb_heatmap_index(n, pixels, 0) > share / 2 + 1;
            bad += plb_heatmap_index(n, pixels, pixels - 1) < n - 1 - share / 2 - 1;
        }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_index_identity(void)
{
    int bad = 0;
    for (int n = 1; n <= 300; n++)
        for (int p = 0; p < n; p++)
            bad += plb_heatmap_index(n, n, p) != p;
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_index_large(void)
{
    /* n = 2000 * 2^50 over 1000 pixels: pixel p shows (2p + 1) * 2^50 exactly, where the naive
     * (2p + 1) * n would overflow. */
    int64_t n = 2000 * (INT64_C(1) << 50);
    CU_ASSERT_EQUAL(plb_heatmap_index(n, 1000, 0), INT64_C(1) << 50);
    CU_ASSERT_EQUAL(plb_heatmap_index(n, 1000, 999), 1999 * (INT64_C(1) << 50));
    CU_ASSERT_EQUAL(plb_heatmap_index(INT64_MAX, 1, 0), INT64_MAX / 2);
    int64_t last = plb_heatmap_index(INT64_MAX, 2147483647, 2147483646);
    CU_ASSERT(last < INT64_MAX && last > INT64_MAX - INT64_MAX / 2147483647);
}

static int rgb_is(const unsigned char *rgb, int r, int g, int b)
{
    return rgb[0] == r && rgb[1] == g && rgb[2] == b;
}

static void test_colour_ends(void)
{
    unsigned char rgb[3];
    plb_heatmap_colour(10.0, 10.0, 20.0, rgb);
    CU_ASSERT(rgb_is(rgb, 68, 1, 84)); /* viridis's first anchor */
    plb_heatmap_colour(20.0, 10.0, 20.0, rgb);
    CU_ASSERT(rgb_is(rgb, 253, 231, 37)); /* and its last */
    plb_heatmap_colour(10.0 + 10.0 / 16, 10.0, 20.0, rgb);
    CU_ASSERT(rgb_is(rgb, 72, 24, 106));
    plb_heatmap_colour(-1e300, 10.0, 20.0, rgb);
    CU_ASSERT(rgb_is(rgb, 68, 1, 84));
    plb_heatmap_colour(1e300, 10.0, 20.0, rgb);
    CU_ASSERT(rgb_is(rgb, 253, 231, 37));
    plb_heatmap_colour(-5.0, 3.0, 3.0, rgb); /* no range: the middle, whatever x is */
    CU_ASSERT(rgb_is(rgb, 33, 144, 140));
}

static void test_colour_broken(void)
{
    const double bad[] = {NAN, INFINITY, -INFINITY};
    unsigned char rgb[3];
    for (int i = 0; i < 3; i++) {
        plb_heatmap_colour(bad[i], 0.0, 1.0, rgb);
        CU_ASSERT(rgb_is(rgb, 255, 0, 255));
    }
    plb_heatmap_colour(0.5, NAN, 1.0, rgb);
    CU_ASSERT(rgb_is(rgb, 255, 0, 255));
    int in_map = 0;
    for (int j = 0; j <= 1000; j++) {
        plb_heatmap_colour(j / 1000.0, 0.0, 1.0, rgb);
        in_map += rgb_is(rgb, 255, 0, 255);
    }
    CU_ASSERT_EQUAL(in_map, 0);
}

/* sRGB relative luminance (IEC 61966-2-1 transfer, Rec. 709 weights). */
static double luminance(const unsigned char *rgb)
{
    double y = 0.0;
    static const double weight[3] = {0.2126, 0.7152, 0.0722};
    for (int c = 0; c < 3; c++) {
        double v = rgb[c] / 255.0;
        y += weight[c] * (v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4));
    }
    return y;
}

static void test_colour_luminance_rises(void)
{
    /* Rounding to 8 bits can hold the luminance still or nudge it down by one level of one
     * channel (viridis's own 8-bit table does), so: never down by more than that, strictly up
     * over every 8 steps, and from near black to light over the whole map. */
    double y[256];
    for (int j = 0; j < 256; j++) {
        unsigned char rgb[3];
        plb_heatmap_colour(j, 0.0, 255.0, rgb);
        y[j] = luminance(rgb);
    }
    int down = 0, flat = 0;
    for (int j = 1; j < 256; j++)
        down += y[j] < y[j - 1] - 0.001;
    for (int j = 8; j < 256; j++)
        flat += y[j] <= y[j - 8];
    CU_ASSERT_EQUAL(down, 0);
    CU_ASSERT_EQUAL(flat, 0);
    CU_ASSERT(y[0] < 0.03 && y[255] > 0.75);
}

static void test_write_and_read_back(void)
{
    enum { H = 5, W = 7 };
    double values[H * W];
    unsigned char mark[H * W] = {0};
    for (int i = 0; i < H * W; i++)
        values[i] = i; /* a ramp from 0 at the top left to 34 at the bottom right */
    values[1 * W + 5] = NAN;
    for (int y = 0; y < H; y++)
        mark[y * W + 3] = 1; /* a line down column 3: over dark colours at the top, light below */
    char dir[4096], path[4200], err[256] = "";
    if (!scratch_folder("heatmap", dir, sizeof dir))
        return;
    snprintf(path, sizeof path, "%s/ramp.png", dir);
    CU_ASSERT_TRUE(plb_heatmap_write(path, values, H, W, 0.0, 34.0, mark, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(err, "");

    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    unsigned char rgb[3 * H * W];
    int read = png_image_begin_read_from_file(&image, path);
    CU_ASSERT_TRUE(read);
    if (read) {
        CU_ASSERT_EQUAL(image.width, W);
        CU_ASSERT_EQUAL(image.height, H);
        image.format = PNG_FORMAT_RGB;
        read = image.width == W && image.height == H &&
               png_image_finish_read(&image, NULL, rgb, 0, NULL);
        CU_ASSERT_TRUE(read);
        png_image_free(&image);
    }
    if (read) {
        CU_ASSERT(rgb_is(rgb, 68, 1, 84));                       /* 0: lo */
        CU_ASSERT(rgb_is(rgb + 3 * (H * W - 1), 253, 231, 37));  /* 34: hi */
        CU_ASSERT(rgb_is(rgb + 3 * (1 * W + 5), 255, 0, 255));   /* NaN */
        CU_ASSERT(rgb_is(rgb + 3 * (0 * W + 3), 255, 255, 255)); /* line over purple */
        CU_ASSERT(rgb_is(rgb + 3 * (4 * W + 3), 0, 0, 0));       /* line over yellow-green */
        int wrong = 0;
        for (int i = 0; i < H * W; i++)
            if (!mark[i]) {
                unsigned char want[3];
                plb_heatmap_colour(values[i], 0.0, 34.0, want);
                wrong += memcmp(rgb + 3 * i, want, 3) != 0;
            } else {
                wrong += !rgb_is(rgb + 3 * i, 0, 0, 0) && !rgb_is(rgb + 3 * i, 255, 255, 255);
            }
        CU_ASSERT_EQUAL(wrong, 0);
    }
    CU_ASSERT_EQUAL(remove(path), 0);
    CU_ASSERT_EQUAL(rmdir(dir), 0);
}

static void test_write_fails_with_reason(void)
{
    char dir[4096], path[4200], want[4300], err[4400] = "";
    double values[4] = {0.0, 1.0, 2.0, 3.0};
    if (!scratch_folder("heatmap", dir, sizeof dir))
        return;
    snprintf(path, sizeof path, "%s/missing/heat.png", dir);
    CU_ASSERT_FALSE(plb_heatmap_write(path, values, 2, 2, 0.0, 3.0, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s: cannot write: No such file or directory", path);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_PTR_NULL(strchr(err, '\n'));

    snprintf(path, sizeof path, "%s/empty.png", dir);
    CU_ASSERT_FALSE(plb_heatmap_write(path, values, 0, 2, 0.0, 3.0, NULL, err, sizeof err));
    CU_ASSERT_EQUAL(strncmp(err, path, strlen(path)), 0);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0); /* nothing left behind */
    CU_ASSERT_EQUAL(rmdir(dir), 0);
}

CU_TestInfo heatmap_tests[] = {
    {"size: examples, wide, tall, tiny and huge fields", test_size_examples},
    {"size: within max_side and the points, aspect kept", test_size_bounds},
    {"index: within 0..n-1, increasing, ends near the ends", test_index_range_and_order},
    {"index: pixels == n is the identity", test_index_identity},
    {"index: exact past 2^40 points", test_index_large},
    {"colour: viridis's ends, clamped, lo == hi the middle", test_colour_ends},
    {"colour: NaN and infinity in magenta, not in the map", test_colour_broken},
    {"colour: luminance rises from lo to hi", test_colour_luminance_rises},
    {"write: a 7 x 5 ramp with a line, read back exactly", test_write_and_read_back},
    {"write: a missing folder fails, naming the path", test_write_fails_with_reason},
    CU_TEST_INFO_NULL,
};

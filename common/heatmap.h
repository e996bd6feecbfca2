/* heatmap.h: the picture of a 2-D scalar field (the heat equation's temperature) as a PNG file.
 *
 * The colours come from viridis (van der Walt and Smith, matplotlib 1.5): a sequential map whose
 * lightness rises evenly from dark purple to yellow, so equal steps of the field look like equal
 * steps, it reads in grey and to colour-blind eyes, and it has no bright band that draws a false
 * edge. A field larger than a picture is shown by sampling: each pixel shows the field point
 * nearest its centre, so a picture of any field costs at most PLB_HEATMAP_SIDE^2 pixels.
 *
 * The caller picks the size (plb_heatmap_size), gathers values[y * width + x] =
 * field[plb_heatmap_index(rows, height, y)][plb_heatmap_index(cols, width, x)], and writes. */
#ifndef PARLAB_HEATMAP_H
#define PARLAB_HEATMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLB_HEATMAP_SIDE 1000 /* the longest side of a picture, in pixels */

/* The picture's size for a rows x cols field: the field's own size when both sides are at most
 * max_side; otherwise the longer side max_side and the shorter side scaled by the same factor,
 * rounded half up. Never more pixels than points in either direction, at least 1 x 1 (a side or
 * max_side under 1 counts as 1). Exact for sides up to 2^40; beyond, within a pixel. */
void plb_heatmap_size(int64_t rows, int64_t cols, int max_side, int *height, int *width);

/* The field index that pixel p (0 .. pixels - 1) shows, of n points: the point nearest the
 * pixel's centre, floor((2p + 1) * n / (2 * pixels)), exact for every n >= 0 (computed without
 * forming the product). Within 0 .. n - 1; increasing in p (strictly when pixels <= n), and
 * p itself when pixels == n. */
int64_t plb_heatmap_index(int64_t n, int pixels, int p);

/* The sRGB colour of x on viridis, lo at its dark purple end (68, 1, 84) and hi at its yellow
 * end (253, 231, 37), linear between 17 anchors along it. Values outside lo .. hi take the
 * nearer end; lo == hi gives the middle colour (33, 144, 140). NaN or infinity in x, or bounds
 * that place no value (a NaN, or both infinite), give magenta (255, 0, 255), which viridis never
 * shows, so a broken field stands out. */
void plb_heatmap_colour(double x, double lo, double hi, unsigned char rgb[3]);

/* Writes height x width values (row-major, row 0 at the top) as an 8-bit RGB PNG at path,
 * coloured by plb_heatmap_colour(value, lo, hi). mark, when not NULL, is height x width flags:
 * a pixel whose flag is non-zero is drawn as a line, black where the map colour beneath is light
 * and white where it is dark (whichever contrasts more), so the line shows at every value. The
 * heat programs mark where MPI ranks' blocks meet. On failure: false, no file left behind, and
 * the one-line reason in err ("PATH: cannot write: No such file or directory"). */
bool plb_heatmap_write(const char *path, const double *values, int height, int width, double lo,
                       double hi, const unsigned char *mark, char *err, size_t errlen);

#endif

/* omp_thumbnails.h: thumbnails of many images of uneven sizes, the tutorials' executor on real
 * work. */
#ifndef PARLAB_OMP_THUMBNAILS_H
#define PARLAB_OMP_THUMBNAILS_H

#include <stdint.h>

/* The images: PNG files (paths), or generated ones (paths NULL) of the given sizes. */
typedef struct album {
    int count;
    char **paths;
    int *width, *height;
    int size; /* a thumbnail's longer side is at most this many pixels */
} album;

/* One thumbnail: width x height pixels of 8-bit RGB, room for size x size. */
typedef struct thumb {
    int width, height;
    uint8_t *rgb;
} thumb;

/* The generated album's image i of n: its longer side grows with i from 32 pixels (or `largest`,
 * if smaller) up to `largest`, so the last images are the largest (as a folder that mixes icons
 * and photos, sorted by name); the shorter side is a half, three quarters or all of it. */
void album_generated_size(int i, int n, int largest, int *width, int *height);

/* Makes image i's thumbnail: reads (or generates) the image, then shrinks it by the smallest whole
 * factor f that brings its longer side to album->size or less, each thumbnail pixel the rounded
 * mean of an f x f block. Returns -1 when the image cannot be read. */
int make_thumbnail(const album *a, int i, thumb *out);

/* Every image's thumbnail, one way each; they return how many images could not be read. */
int thumbnails_seq(const album *a, thumb *out);
int thumbnails_dynamic(const album *a, thumb *out, int threads); /* Executor.map */
int thumbnails_tasks(const album *a, thumb *out, int threads);   /* Executor.submit */
int thumbnails_static(const album *a, thumb *out, int threads);  /* equal blocks of images */

/* The first image whose thumbnail differs from the reference's, or -1. */
int thumbnails_check(const album *a, const thumb *got, const thumb *want);

#endif

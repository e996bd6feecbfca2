/* album.h: the images the thumbnails lessons work on (omp_thumbnails, mpi_thumbnails): PNG files
 * of a folder or generated ones, a thumbnail of each made by shrinking, the check of a set of
 * thumbnails against the reference, and the thumbnails written back as PNG files. */
#ifndef PARLAB_ALBUM_H
#define PARLAB_ALBUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "options.h"

#define ALBUM_MAX_GENERATED 1000000 /* images -n may ask for */

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

/* Every thumbnail set to what no thumbnail is (no size, poisoned pixels): a run that leaves one
 * untouched fails thumbnails_check. */
void thumbnails_poison(const album *a, thumb *t);
/* The first image whose thumbnail differs from the reference's, or -1. */
int thumbnails_check(const album *a, const thumb *got, const thumb *want);
/* The reference the variants are checked against: every thumbnail made in turn, as thumbnails_seq
 * does, up to the first image that cannot be made. 0; or, with "PATH: why" in err (one line;
 * "image I: why" for a generated one), PLB_EXIT_USAGE for a file libpng cannot read or decode
 * (its size is checked before anything is allocated), PLB_EXIT_FAILED when an image's pixels
 * cannot be allocated. */
int thumbnails_reference(const album *a, thumb *out, char *err, size_t errlen);

/* The album's options (--input, --output, --thumb-size, --largest) and what they set; the MPI twin
 * shares them. */
typedef struct album_settings {
    const char *input, *output;
    int64_t size, largest;
} album_settings;
extern album_settings album_wanted;
extern const plb_opt album_options[];

/* The album album_wanted describes: the input folder's PNG files (sorted by name), or n generated
 * images; checks that the output folder can be written. 0, or -1 and why in err (one line). */
int album_open(album *a, int64_t n, char *err, size_t errlen);
void album_close(album *a);
/* n generated images with sides up to `largest`, thumbnails of at most `size` px (album_close
 * frees it): 0, or -1 when out of memory. */
int album_generate(album *a, int n, int largest, int size);
/* `sets` sets of a->count thumbnails, one after the other, each with room for size x size
 * pixels; NULL when out of memory. */
thumb *thumbnails_alloc(const album *a, int sets);
void thumbnails_free(thumb *t, const album *a, int sets);
/* The pixels of all the images together, and of the largest. */
void album_pixels(const album *a, double *all, double *largest);
/* The "# images" and "# thumb-size" header lines. */
void album_report(FILE *out, const album *a);
/* Every thumbnail as a PNG file in album_wanted.output (DIR/<image's name>, DIR/image_NNNN.png
 * for generated ones), and the "# output" line; true when one could not be written. */
bool thumbnails_save(FILE *out, const album *a, const thumb *t);

#endif

/* omp_thumbnails.h: thumbnails of many images of uneven sizes, the tutorials' executor on real
 * work. */
#ifndef PARLAB_OMP_THUMBNAILS_H
#define PARLAB_OMP_THUMBNAILS_H

#include "album.h"

/* Every image's thumbnail, one way each; they return how many images could not be read. */
int thumbnails_seq(const album *a, thumb *out);
int thumbnails_dynamic(const album *a, thumb *out, int threads); /* Executor.map */
int thumbnails_tasks(const album *a, thumb *out, int threads);   /* Executor.submit */
int thumbnails_static(const album *a, thumb *out, int threads);  /* equal blocks of images */

#endif

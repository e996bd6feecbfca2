/* mpi_thumbnails.h: omp_thumbnails' images shared out between processes on the task farm. */
#ifndef PARLAB_MPI_THUMBNAILS_H
#define PARLAB_MPI_THUMBNAILS_H

#include "album.h"
#include "farm.h"

/* The album's thumbnails as a farm's work: any rank makes image i's thumbnail, the root takes it
 * into out[i] (out: the root's, count entries with room for size x size pixels each). */
typedef struct album_farm {
    const album *a;
    thumb *out;
} album_farm;
farm_work album_farm_work(album_farm *f);

#endif

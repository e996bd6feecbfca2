/* npy.h: 2-D float64 arrays in NumPy's .npy format, so that a field the heat-equation programs
 * save (--save) opens in numpy with np.load, and a field made in numpy starts a run (--load).
 *
 * A .npy file is a prefix, "\x93NUMPY", two version bytes and the header's length (little-endian:
 * 2 bytes in version 1.0, 4 in 2.0 and 3.0), then the header, an ASCII Python dict literal such
 * as {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), } padded with spaces to a '\n'
 * that ends at a multiple of 64 bytes, then the data in C order. The data start aligned, so an
 * MPI-IO checkpoint can write and read each rank's rows at offset + 8 * (row * cols + col).
 *
 * Written: version 1.0, '<f8', C order, byte for byte what numpy >= 1.24 writes (it leaves 21
 * digits of room for the first axis to grow in place; every 2-D header is then 128 bytes).
 * Read: versions 1.0, 2.0 and 3.0, keys in any order, any whitespace, "..." or '...' strings,
 * shapes written (3, 4), (3,4,) or Python 2's (3L, 4L). Refused, with the reason in one line:
 * any descr but '<f8' (big-endian '>f8' too: refused, not swapped, so that the data at the
 * offset plb_npy_shape returns are always little-endian float64 for whoever reads them
 * directly), Fortran order, a shape that is not 2-D, keys missing, unknown or repeated, and a
 * file shorter or longer than its shape needs. The data are little-endian on disk whatever the
 * host: a big-endian host swaps them on the way in and out. */
#ifndef PARLAB_NPY_H
#define PARLAB_NPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for any prefix and header plb_npy_header writes (128 bytes for every 2-D shape) and for
 * the longest plb_npy_shape reads: numpy.load refuses a header over 10000 bytes unless told to
 * trust the file, and this is that, plus the 12-byte prefix of versions 2.0 and 3.0, rounded up
 * to a multiple of 64. */
#define PLB_NPY_HEADER_MAX 10048

/* Writes into buf the prefix and version 1.0 header numpy writes for a C-order '<f8' array of
 * rows x cols: the bytes before the data, not NUL-terminated. Returns their count (a multiple of
 * 64), 0 when they do not fit in len or rows or cols is negative. */
size_t plb_npy_header(char *buf, size_t len, int64_t rows, int64_t cols);

/* Checks the header of the .npy file at path and that the file's size is what its shape needs:
 * sets *rows, *cols and *offset (the byte where the data start). On a refusal it returns false
 * and writes one line into err, starting with path: "PATH: not a .npy file (bad magic)",
 * "PATH: holds '>f4' data; float64 ('<f8') expected", "PATH: shape (3,) is not 2-D",
 * "PATH: Fortran order is not supported", "PATH: truncated: 1000 of 8192 data bytes",
 * "PATH: too long: 8200 data bytes, shape (32, 32) needs 8192", and so on. A shape whose bytes
 * would not fit in int64 is refused, not multiplied. */
bool plb_npy_shape(const char *path, int64_t *rows, int64_t *cols, int64_t *offset, char *err,
                   size_t errlen);

/* Writes the rows x cols doubles at data, row r starting at data[r * stride] (stride >= cols, so
 * a block with halo columns is written without copying), as the .npy file at path, replacing it,
 * and synced to the disk.
 * On any failure, a failed fclose (a full disk) included, returns false with one line in err
 * naming path and strerror; what was written stays, and plb_npy_shape refuses it as truncated. */
bool plb_npy_write(const char *path, const double *data, int64_t rows, int64_t cols, int64_t stride,
                   char *err, size_t errlen);

/* Reads the .npy file at path, which must pass plb_npy_shape and hold exactly rows x cols, into
 * data, row r at data[r * stride]. Otherwise returns false with one line in err, the shape found
 * named when it is the wrong one: "PATH: shape (10, 12), expected (34, 34)". On failure, data
 * may hold part of the file. */
bool plb_npy_read(const char *path, double *data, int64_t rows, int64_t cols, int64_t stride,
                  char *err, size_t errlen);

/* Reads the rows x cols part of a file's 2-D float64 array that starts at (row0, col0) into data
 * with row stride `stride` (a rank's block of a field, say). false with a one-line reason when the
 * file is not such an array or the part lies outside it. */
bool plb_npy_read_part(const char *path, double *data, int64_t row0, int64_t col0, int64_t rows,
                       int64_t cols, int64_t stride, char *err, size_t errlen);

#endif

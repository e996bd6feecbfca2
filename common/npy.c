/* npy.c: 2-D float64 arrays in NumPy's .npy format (see npy.h).
 *
 * The header is parsed here, not evaluated: a small scanner for the one dict literal numpy
 * writes, which takes what Python's literal_eval would take of it (whitespace, either quote,
 * trailing commas, 3L) and names the byte where anything else starts. */
#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64
#include "npy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Every offset goes through fseeko and ftello: a 16384 x 16384 field is already 2 GiB. */
_Static_assert(sizeof(off_t) >= 8, "off_t must hold 64-bit file offsets");

#define MAGIC "\x93NUMPY"
#define MAGIC_LEN 6
#define ALIGN 64                 /* numpy's ARRAY_ALIGN since 1.14; 16 before, still read */
#define GROWTH_DIGITS 21         /* numpy >= 1.24 leaves room for the first axis to grow */
#define NUMPY_HEADER_LIMIT 10000 /* numpy.load's default max_header_size */
#define MAX_DIMS 64              /* numpy's NPY_MAXDIMS: a longer shape is no numpy array */
#define TEXT_MAX 64              /* the longest key or descr kept; '<f8' needs 4 */

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Writes "PATH: reason" into err and returns false, so that each refusal is one statement. */
PRINTF_LIKE(4, 5)
static bool fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "%s: ", path);
    if (n >= 0 && (size_t)n < errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* The file says little-endian; asked at run time, which compilers fold to a constant. */
static bool host_is_little(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

static void swap_bytes(double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b[8], s[8];
        memcpy(b, &x[i], 8);
        for (int k = 0; k < 8; k++)
            s[k] = b[7 - k];
        memcpy(&x[i], s, 8);
    }
}

size_t plb_npy_header(char *buf, size_t len, int64_t rows, int64_t cols)
{
    if (rows < 0 || cols < 0)
        return 0;
    /* Keys sorted and each followed by ", " as numpy's repr loop writes them. */
    char dict[128];
    int n =
        snprintf(dict, sizeof dict,
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (%" PRId64 ", %" PRId64 "), }",
                 rows, cols);
    int room = GROWTH_DIGITS - snprintf(NULL, 0, "%" PRId64, rows);
    size_t total = MAGIC_LEN + 4 + (size_t)n + (size_t)room + 1;
    total += ALIGN - total % ALIGN; /* numpy pads 1 to 64 spaces, never 0 */
    if (total > len)
        return 0;
    size_t text = total - MAGIC_LEN - 4;
    memcpy(buf, MAGIC, MAGIC_LEN);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (char)(text & 0xff);
    buf[9] = (char)(text >> 8);
    memcpy(buf + 10, dict, (size_t)n);
    memset(buf + 10 + n, ' ', total - 11 - (size_t)n);
    buf[total - 1] = '\n';
    return total;
}

/* What a header says, as far as a 2-D float64 reader needs. */
struct header {
    char descr[TEXT_MAX];
    bool fortran;
    int ndim;
    int64_t dims[MAX_DIMS];
    bool has_descr, has_fortran, has_shape;
};

/* A cursor over the header text; `why` takes the first refusal, `base` is the text's offset in
 * the file, so that a syntax error names the byte a hex dump shows. */
struct scan {
    const char *text, *at, *end;
    int64_t base;
    char why[200];
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static void skip_space(struct scan *s)
{
    while (s->at < s->end && is_space(*s->at))
        s->at++;
}

/* After any whitespace: consumes c when it comes next. */
static bool accept(struct scan *s, char c)
{
    skip_space(s);
    if (s->at < s->end && *s->at == c) {
        s->at++;
        return true;
    }
    return false;
}

PRINTF_LIKE(2, 3)
static bool refuse(struct scan *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, sizeof s->why, fmt, ap);
    va_end(ap);
    return false;
}

/* "bad header at byte 31: expected ':', found '='": enough for whoever wrote it by hand. */
static bool syntax(struct scan *s, const char *expected)
{
    skip_space(s);
    long long byte = (long long)(s->base + (s->at - s->text));
    unsigned char c = s->at < s->end ? (unsigned char)*s->at : 0;
    if (s->at >= s->end)
        return refuse(s, "bad header at byte %lld: expected %s, found its end", byte, expected);
    if (c == '\'')
        return refuse(s, "bad header at byte %lld: expected %s, found \"'\"", byte, expected);
    if (c >= 0x20 && c < 0x7f)
        return refuse(s, "bad header at byte %lld: expected %s, found '%c'", byte, expected, c);
    return refuse(s, "bad header at byte %lld: expected %s, found byte 0x%02x", byte, expected, c);
}

/* A string in '...' or "...". No key or descr numpy writes needs an escape, so none is taken. */
static bool scan_string(struct scan *s, char *out)
{
    skip_space(s);
    if (s->at >= s->end || (*s->at != '\'' && *s->at != '"'))
        return syntax(s, "a quoted string");
    char quote = *s->at++;
    size_t n = 0;
    for (; s->at < s->end && *s->at != quote; s->at++) {
        if ((unsigned char)*s->at < 0x20 || *s->at == '\\' || n + 1 == TEXT_MAX)
            return syntax(s, "a short string without escapes");
        out[n++] = *s->at;
    }
    if (s->at == s->end)
        return syntax(s, "a closing quote");
    s->at++;
    out[n] = '\0';
    return true;
}

static bool scan_bool(struct scan *s, bool *value)
{
    skip_space(s);
    static const char *const words[] = {"False", "True"};
    for (int v = 0; v < 2; v++) {
        size_t n = strlen(words[v]), left = (size_t)(s->end - s->at);
        bool word = left >= n && memcmp(s->at, words[v], n) == 0;
        if (word && (left == n || !is_name_char(s->at[n]))) {
            s->at += n;
            *value = v == 1;
            return true;
        }
    }
    return syntax(s, "True or False");
}

/* A size: decimal digits, and the 'L' Python 2 put after a long. Sizes past int64 are refused
 * here, before anything multiplies them. */
static bool scan_size(struct scan *s, int64_t *value)
{
    skip_space(s);
    if (s->at < s->end && *s->at == '-')
        return refuse(s, "shape holds a negative size");
    if (s->at == s->end || *s->at < '0' || *s->at > '9')
        return syntax(s, "a size");
    int64_t v = 0;
    for (; s->at < s->end && *s->at >= '0' && *s->at <= '9'; s->at++) {
        int digit = *s->at - '0';
        if (v > (INT64_MAX - digit) / 10)
            return refuse(s, "shape holds a size over 2^63 - 1");
        v = v * 10 + digit;
    }
    if (s->at < s->end && *s->at == 'L')
        s->at++;
    *value = v;
    return true;
}

/* A tuple of sizes: (), (3,), (3, 4), (3,4,). (3) is the int 3 to Python, and numpy refuses it. */
static bool scan_shape(struct scan *s, struct header *h)
{
    if (!accept(s, '('))
        return syntax(s, "a tuple such as (3, 4)");
    h->ndim = 0;
    if (accept(s, ')'))
        return true;
    for (;;) {
        if (h->ndim == MAX_DIMS)
            return refuse(s, "shape has more than %d dimensions", MAX_DIMS);
        if (!scan_size(s, &h->dims[h->ndim++]))
            return false;
        bool comma = accept(s, ',');
        if (accept(s, ')')) {
            if (h->ndim == 1 && !comma)
                return refuse(s, "shape (%" PRId64 ") is not a tuple; (%" PRId64 ",) is",
                              h->dims[0], h->dims[0]);
            return true;
        }
        if (!comma)
            return syntax(s, "',' or ')'");
    }
}

/* A list or tuple here is a structured or sub-array dtype: data, but not one float64 each. */
static bool scan_descr(struct scan *s, struct header *h)
{
    if (accept(s, '[') || accept(s, '('))
        return refuse(s, "holds structured data; float64 ('<f8') expected");
    return scan_string(s, h->descr);
}

static bool scan_dict(struct scan *s, struct header *h)
{
    if (!accept(s, '{'))
        return syntax(s, "'{'");
    while (!accept(s, '}')) {
        char key[TEXT_MAX];
        if (!scan_string(s, key))
            return false;
        if (!accept(s, ':'))
            return syntax(s, "':'");
        bool *seen = strcmp(key, "descr") == 0           ? &h->has_descr
                     : strcmp(key, "fortran_order") == 0 ? &h->has_fortran
                     : strcmp(key, "shape") == 0         ? &h->has_shape
                                                         : NULL;
        if (!seen)
            return refuse(s, "unknown key '%s' in the header (numpy.load refuses it too)", key);
        if (*seen)
            return refuse(s, "key '%s' appears twice in the header", key);
        *seen = true;
        bool ok = seen == &h->has_descr     ? scan_descr(s, h)
                  : seen == &h->has_fortran ? scan_bool(s, &h->fortran)
                                            : scan_shape(s, h);
        if (!ok)
            return false;
        if (!accept(s, ',')) {
            if (!accept(s, '}'))
                return syntax(s, "',' or '}'");
            break;
        }
    }
    skip_space(s);
    return s->at == s->end || syntax(s, "nothing after '}'");
}

/* The shape as Python prints it: (), (3,), (3, 4). */
static void shape_text(const struct header *h, char *out, size_t len)
{
    size_t n = (size_t)snprintf(out, len, "(");
    for (int d = 0; d < h->ndim && n < len; d++)
        n += (size_t)snprintf(out + n, len - n, "%s%" PRId64, d ? ", " : "", h->dims[d]);
    if (n < len)
        snprintf(out + n, len - n, h->ndim == 1 ? ",)" : ")");
}

/* The checks on what the header says, in the order a reader would want to hear them. */
static bool check_header(const struct header *h, struct scan *s)
{
    const char *missing = !h->has_descr     ? "descr"
                          : !h->has_fortran ? "fortran_order"
                          : !h->has_shape   ? "shape"
                                            : NULL;
    if (missing)
        return refuse(s, "header has no '%s'", missing);
    if (strcmp(h->descr, "<f8") != 0)
        return refuse(s, "holds '%s' data; float64 ('<f8') expected", h->descr);
    if (h->fortran)
        return refuse(s, "Fortran order is not supported");
    char shape[160];
    shape_text(h, shape, sizeof shape);
    if (h->ndim != 2)
        return refuse(s, "shape %s is not 2-D", shape);
    return true;
}

/* The prefix and header of the open file f, checked, and the file's size against the shape. */
static bool read_header(FILE *f, const char *path, int64_t *rows, int64_t *cols, int64_t *offset,
                        char *err, size_t errlen)
{
    off_t end;
    if (fseeko(f, 0, SEEK_END) != 0 || (end = ftello(f)) < 0 || fseeko(f, 0, SEEK_SET) != 0)
        return fail(err, errlen, path, "%s", strerror(errno));
    int64_t size = (int64_t)end;
    unsigned char prefix[12];
    size_t got = fread(prefix, 1, sizeof prefix, f);
    if (ferror(f))
        return fail(err, errlen, path, "%s", strerror(errno));
    if (got < MAGIC_LEN || memcmp(prefix, MAGIC, MAGIC_LEN) != 0)
        return fail(err, errlen, path, "not a .npy file (bad magic)");
    if (got < 10)
        return fail(err, errlen, path, "truncated: %zu bytes, not even a .npy prefix", got);
    if (prefix[6] < 1 || prefix[6] > 3 || prefix[7] != 0)
        return fail(err, errlen, path, ".npy version %d.%d is not supported (1.0, 2.0, 3.0 are)",
                    prefix[6], prefix[7]);
    /* Version 1.0 gives the header's length in 2 bytes; 2.0 and 3.0 (UTF-8) in 4. */
    int64_t start = prefix[6] == 1 ? 10 : 12;
    if ((int64_t)got < start)
        return fail(err, errlen, path, "truncated: %zu bytes, not even a .npy prefix", got);
    int64_t text_len = prefix[8] | (int64_t)prefix[9] << 8;
    if (start == 12)
        text_len |= (int64_t)prefix[10] << 16 | (int64_t)prefix[11] << 24;
    if (start + text_len > size)
        return fail(err, errlen, path, "header of %" PRId64 " bytes runs past the end of the file",
                    text_len);
    if (text_len > NUMPY_HEADER_LIMIT)
        return fail(err, errlen, path, "header of %" PRId64 " bytes; numpy.load stops at %d",
                    text_len, NUMPY_HEADER_LIMIT);
    char text[NUMPY_HEADER_LIMIT];
    if (fseeko(f, (off_t)start, SEEK_SET) != 0 ||
        fread(text, 1, (size_t)text_len, f) != (size_t)text_len)
        return fail(err, errlen, path, "%s", ferror(f) ? strerror(errno) : "changed while read");
    if (text_len == 0 || text[text_len - 1] != '\n')
        return fail(err, errlen, path, "header does not end in a newline");

    struct header h = {.ndim = 0};
    struct scan s = {.text = text, .at = text, .end = text + text_len, .base = start};
    if (!scan_dict(&s, &h) || !check_header(&h, &s))
        return fail(err, errlen, path, "%s", s.why);

    int64_t r = h.dims[0], c = h.dims[1], data = size - start - text_len;
    if (c > 0 && r > (INT64_MAX - start - text_len) / 8 / c)
        return fail(err, errlen, path, "shape (%" PRId64 ", %" PRId64 ") needs over 2^63 bytes", r,
                    c);
    int64_t need = r * c * 8;
    if (data < need)
        return fail(err, errlen, path, "truncated: %" PRId64 " of %" PRId64 " data bytes", data,
                    need);
    if (data > need)
        return fail(err, errlen, path,
                    "too long: %" PRId64 " data bytes, shape (%" PRId64 ", %" PRId64
                    ") needs %" PRId64,
                    data, r, c, need);
    *rows = r;
    *cols = c;
    *offset = start + text_len;
    return true;
}

bool plb_npy_shape(const char *path, int64_t *rows, int64_t *cols, int64_t *offset, char *err,
                   size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, path, "%s", strerror(errno));
    bool ok = read_header(f, path, rows, cols, offset, err, errlen);
    fclose(f);
    return ok;
}

/* One row out, little-endian: straight from the caller's memory, or through a small buffer of
 * swapped copies on a big-endian host. */
static bool write_row(FILE *f, const double *row, int64_t n)
{
    if (host_is_little())
        return fwrite(row, sizeof *row, (size_t)n, f) == (size_t)n;
    double swapped[512];
    for (int64_t done = 0; done < n;) {
        size_t k = n - done < 512 ? (size_t)(n - done) : 512;
        memcpy(swapped, row + done, k * sizeof *row);
        swap_bytes(swapped, k);
        if (fwrite(swapped, sizeof *row, k, f) != k)
            return false;
        done += (int64_t)k;
    }
    return true;
}

static bool bad_layout(int64_t rows, int64_t cols, int64_t stride)
{
    return rows < 0 || cols < 0 || stride < cols || (cols > 0 && rows > INT64_MAX / 8 / cols);
}

bool plb_npy_write(const char *path, const double *data, int64_t rows, int64_t cols, int64_t stride,
                   char *err, size_t errlen)
{
    if (bad_layout(rows, cols, stride))
        return fail(err, errlen, path,
                    "cannot write shape (%" PRId64 ", %" PRId64 ") with row stride %" PRId64, rows,
                    cols, stride);
    char header[PLB_NPY_HEADER_MAX];
    size_t n = plb_npy_header(header, sizeof header, rows, cols);
    FILE *f = fopen(path, "wb");
    if (!f)
        return fail(err, errlen, path, "%s", strerror(errno));
    errno = 0;
    bool ok = fwrite(header, 1, n, f) == n;
    for (int64_t r = 0; ok && r < rows; r++)
        ok = write_row(f, data + r * stride, cols);
    /* On the disk, not in a cache, when the caller says it is written (a checkpoint renamed
     * over the last one must be whole); a pipe or a device has nothing to sync. */
    struct stat st;
    ok = ok && fflush(f) == 0 &&
         (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || fsync(fileno(f)) == 0);
    int error = errno;
    /* stdio holds the last block until fclose: on a full disk that is where the write fails. */
    if (fclose(f) != 0 && ok) {
        ok = false;
        error = errno;
    }
    return ok || fail(err, errlen, path, "%s", strerror(error ? error : EIO));
}

/* Reads rows x cols values from (row0, col0) of a file's array of `width` columns whose data
 * start at `offset`, into data with row stride `stride`. */
static bool read_rectangle(FILE *f, const char *path, int64_t offset, int64_t width, int64_t row0,
                           int64_t col0, int64_t rows, int64_t cols, double *data, int64_t stride,
                           char *err, size_t errlen)
{
    for (int64_t r = 0; r < rows; r++) {
        double *row = data + r * stride;
        off_t at = (off_t)(offset + ((row0 + r) * width + col0) * (int64_t)sizeof *row);
        if (fseeko(f, at, SEEK_SET) != 0)
            return fail(err, errlen, path, "%s", strerror(errno));
        if (fread(row, sizeof *row, (size_t)cols, f) != (size_t)cols)
            return fail(err, errlen, path, "%s",
                        ferror(f) ? strerror(errno) : "changed while read");
        if (!host_is_little())
            swap_bytes(row, (size_t)cols);
    }
    return true;
}

bool plb_npy_read(const char *path, double *data, int64_t rows, int64_t cols, int64_t stride,
                  char *err, size_t errlen)
{
    if (bad_layout(rows, cols, stride))
        return fail(err, errlen, path,
                    "cannot read into shape (%" PRId64 ", %" PRId64 ") with row stride %" PRId64,
                    rows, cols, stride);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, path, "%s", strerror(errno));
    int64_t found_rows, found_cols, offset;
    bool ok = read_header(f, path, &found_rows, &found_cols, &offset, err, errlen);
    if (ok && (found_rows != rows || found_cols != cols))
        ok = fail(err, errlen, path,
                  "shape (%" PRId64 ", %" PRId64 "), expected (%" PRId64 ", %" PRId64 ")",
                  found_rows, found_cols, rows, cols);
    if (ok)
        ok = read_rectangle(f, path, offset, cols, 0, 0, rows, cols, data, stride, err, errlen);
    fclose(f);
    return ok;
}

bool plb_npy_read_part(const char *path, double *data, int64_t row0, int64_t col0, int64_t rows,
                       int64_t cols, int64_t stride, char *err, size_t errlen)
{
    if (bad_layout(rows, cols, stride) || row0 < 0 || col0 < 0)
        return fail(err, errlen, path,
                    "cannot read a (%" PRId64 ", %" PRId64 ") part at (%" PRId64 ", %" PRId64
                    ") with row stride %" PRId64,
                    rows, cols, row0, col0, stride);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, path, "%s", strerror(errno));
    int64_t found_rows, found_cols, offset;
    bool ok = read_header(f, path, &found_rows, &found_cols, &offset, err, errlen);
    if (ok && (row0 > found_rows - rows || col0 > found_cols - cols))
        ok = fail(err, errlen, path,
                  "shape (%" PRId64 ", %" PRId64 ") has no (%" PRId64 ", %" PRId64
                  ") part at (%" PRId64 ", %" PRId64 ")",
                  found_rows, found_cols, rows, cols, row0, col0);
    if (ok)
        ok = read_rectangle(f, path, offset, found_cols, row0, col0, rows, cols, data, stride, err,
                            errlen);
    fclose(f);
    return ok;
}

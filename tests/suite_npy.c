/* suite_npy.c: .npy files: numpy's exact header, round trips with a row stride, headers written
 * by hand in every spelling numpy reads, and each refusal with its one-line reason.
 *
 * The expected headers are numpy's own bytes: np.save of a 2-D float64 array (numpy 1.24 and
 * later) writes the dict, 21 - len(str(rows)) spaces of room to grow, then spaces to a '\n' that
 * ends at byte 128. The hand-made files are written here byte by byte, so a reader bug cannot
 * hide behind the writer. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npy.h"
#include "scratch.h"
#include "suites.h"

/* The little-endian bytes of x, whatever the host's order. */
static void le_bytes(double x, unsigned char out[8])
{
    uint64_t bits;
    memcpy(&bits, &x, 8);
    for (int k = 0; k < 8; k++)
        out[k] = (unsigned char)(bits >> (8 * k));
}

/* A .npy file by hand: version major.0's prefix with text's length, the text as given, then
 * `data` bytes of the doubles 0, 1, 2, ... little-endian (the last one cut short when `data` is
 * not a multiple of 8). */
static void make_file(const char *path, int major, const char *text, size_t text_len, int64_t data)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    unsigned char prefix[12] = {0x93, 'N', 'U', 'M', 'P', 'Y', (unsigned char)major, 0};
    size_t len_bytes = major == 1 ? 2 : 4;
    for (size_t k = 0; k < len_bytes; k++)
        prefix[8 + k] = (unsigned char)(text_len >> (8 * k));
    fwrite(prefix, 1, 8 + len_bytes, f);
    fwrite(text, 1, text_len, f);
    for (int64_t i = 0; i < data; i += 8) {
        unsigned char b[8];
        le_bytes((double)(i / 8), b);
        fwrite(b, 1, data - i < 8 ? (size_t)(data - i) : 8, f);
    }
    CU_ASSERT_EQUAL(fclose(f), 0);
}

static void check_numpy_header(int64_t rows, int64_t cols, const char *dict)
{
    char buf[PLB_NPY_HEADER_MAX];
    memset(buf, 'x', sizeof buf);
    size_t n = plb_npy_header(buf, sizeof buf, rows, cols);
    size_t dict_len = strlen(dict);
    CU_ASSERT_EQUAL(n, 128);
    CU_ASSERT_EQUAL(memcmp(buf, "\x93NUMPY\x01\x00\x76\x00", 10), 0); /* 118 header bytes */
    CU_ASSERT_EQUAL(memcmp(buf + 10, dict, dict_len), 0);
    size_t spaces = 0;
    while (10 + dict_len + spaces < sizeof buf && buf[10 + dict_len + spaces] == ' ')
        spaces++;
    CU_ASSERT_EQUAL(10 + dict_len + spaces, 127);
    CU_ASSERT_EQUAL(buf[127], '\n');
    CU_ASSERT_EQUAL(buf[128], 'x');
}

static void test_header_is_numpys(void)
{
    check_numpy_header(3, 4, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }");
    check_numpy_header(0, 0, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 0), }");
    check_numpy_header(34, 34, "{'descr': '<f8', 'fortran_order': False, 'shape': (34, 34), }");
    check_numpy_header(1000000, 7,
                       "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 7), }");
    check_numpy_header(INT64_MAX, INT64_MAX,
                       "{'descr': '<f8', 'fortran_order': False, 'shape': "
                       "(9223372036854775807, 9223372036854775807), }");
    char buf[128];
    CU_ASSERT_EQUAL(plb_npy_header(buf, 127, 3, 4), 0);
    CU_ASSERT_EQUAL(plb_npy_header(buf, sizeof buf, -1, 4), 0);
    CU_ASSERT_EQUAL(plb_npy_header(buf, sizeof buf, 3, -4), 0);
}

static void test_round_trip_with_stride(void)
{
    /* 5 x 7 values in rows of 10 (three halo columns), read back into rows of 9: the values come
     * back bit for bit, -0.0 and NaN included, and the columns past 7 are left alone. */
    enum { R = 5, C = 7, OUT = 10, IN = 9 };
    double out[R * OUT], in[R * IN];
    for (int i = 0; i < R * OUT; i++)
        out[i] = i % OUT < C ? (i / OUT) * 100.0 + (i % OUT) / 3.0 : -999.0;
    out[1] = -0.0;
    out[OUT + 2] = NAN;
    out[2 * OUT + 3] = -INFINITY;
    out[3 * OUT + 4] = 4.9e-324;
    for (int i = 0; i < R * IN; i++)
        in[i] = 12345.0;
    char dir[4096], path[4200], err[256] = "";
    if (!scratch_folder("npy", dir, sizeof dir))
        return;
    snprintf(path, sizeof path, "%s/field.npy", dir);
    CU_ASSERT_TRUE(plb_npy_write(path, out, R, C, OUT, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(err, "");
    int64_t rows = -1, cols = -1, offset = -1;
    CU_ASSERT_TRUE(plb_npy_shape(path, &rows, &cols, &offset, err, sizeof err));
    CU_ASSERT(rows == R && cols == C && offset == 128);
    CU_ASSERT_TRUE(plb_npy_read(path, in, R, C, IN, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(err, "");
    for (int r = 0; r < R; r++) {
        CU_ASSERT_EQUAL(memcmp(&in[r * IN], &out[r * OUT], C * sizeof(double)), 0);
        CU_ASSERT_EQUAL(in[r * IN + C], 12345.0);
        CU_ASSERT_EQUAL(in[r * IN + C + 1], 12345.0);
    }
    /* On disk: the header, then little-endian doubles and nothing after them. */
    FILE *f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    unsigned char bytes[128 + R * C * 8 + 1], expect[8];
    CU_ASSERT_EQUAL(fread(bytes, 1, sizeof bytes, f), 128 + R * C * 8);
    fclose(f);
    le_bytes(out[2], expect);
    CU_ASSERT_EQUAL(memcmp(bytes + 128 + 2 * 8, expect, 8), 0);
    CU_ASSERT_EQUAL(memcmp(bytes + 128 + 8, "\0\0\0\0\0\0\0\x80", 8), 0); /* -0.0 */
    scratch_remove(dir);
}

static void test_hand_written_headers(void)
{
    /* Other key orders, spacing, quotes, trailing commas, Python 2 longs, versions 2.0 and 3.0,
     * and old numpy's 16-byte alignment: each holds the 2 x 3 doubles 0..5. */
    static const struct {
        int major;
        const char *text;
    } cases[] = {
        {1, "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}\n"},
        {1, "{\"descr\":\"<f8\",\"fortran_order\":False,\"shape\":(2,3,)}      \n"},
        {1, "  {'descr' : '<f8' ,\n 'fortran_order' : False ,\t'shape' : ( 2L , 3L ) , }\n"},
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }       \n"},
        {2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }                    "
            "                                         \n"},
        {3, "{'fortran_order': False, 'descr': '<f8', 'shape': (2, 3)}\n"},
    };
    char dir[4096], path[4200], err[256];
    if (!scratch_folder("npy", dir, sizeof dir))
        return;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(path, sizeof path, "%s/hand%zu.npy", dir, i);
        size_t len = strlen(cases[i].text);
        make_file(path, cases[i].major, cases[i].text, len, 6 * 8);
        int64_t rows = -1, cols = -1, offset = -1;
        err[0] = '\0';
        CU_ASSERT_TRUE(plb_npy_shape(path, &rows, &cols, &offset, err, sizeof err));
        CU_ASSERT_STRING_EQUAL(err, "");
        CU_ASSERT(rows == 2 && cols == 3);
        CU_ASSERT_EQUAL(offset, (cases[i].major == 1 ? 10 : 12) + (int64_t)len);
        double data[6] = {0};
        CU_ASSERT_TRUE(plb_npy_read(path, data, 2, 3, 3, err, sizeof err));
        for (int k = 0; k < 6; k++)
            CU_ASSERT_EQUAL(data[k], (double)k);
    }
    scratch_remove(dir);
}

/* Makes the file, asks for its shape, and compares the refusal with "PATH: reason". */
static void check_refused(const char *dir, int major, const char *text, size_t text_len,
                          int64_t data, const char *reason)
{
    char path[4200], err[512] = "", expected[4800];
    snprintf(path, sizeof path, "%s/refused.npy", dir);
    make_file(path, major, text, text_len, data);
    int64_t rows = -7, cols = -7, offset = -7;
    CU_ASSERT_FALSE(plb_npy_shape(path, &rows, &cols, &offset, err, sizeof err));
    snprintf(expected, sizeof expected, "%s: %s", path, reason);
    CU_ASSERT_STRING_EQUAL(err, expected);
    if (strcmp(err, expected) != 0)
        printf("\n    got:      %s\n    expected: %s\n", err, expected);
    CU_ASSERT(rows == -7 && cols == -7 && offset == -7);
    double data_out[16];
    err[0] = '\0';
    CU_ASSERT_FALSE(plb_npy_read(path, data_out, 2, 2, 2, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(err, expected);
}

static void test_refusals(void)
{
#define DICT(descr, fortran, shape)                                                                \
    "{'descr': " descr ", 'fortran_order': " fortran ", 'shape': " shape ", }\n"
    static const struct {
        int major;
        const char *text;
        int64_t data;
        const char *reason;
    } cases[] = {
        {4, DICT("'<f8'", "False", "(2, 2)"), 32,
         ".npy version 4.0 is not supported (1.0, 2.0, 3.0 are)"},
        {1, DICT("'<f4'", "False", "(2, 2)"), 16, "holds '<f4' data; float64 ('<f8') expected"},
        {1, DICT("'>f8'", "False", "(2, 2)"), 32, "holds '>f8' data; float64 ('<f8') expected"},
        {1, DICT("'|f8'", "False", "(2, 2)"), 32, "holds '|f8' data; float64 ('<f8') expected"},
        {1, DICT("[('x', '<f8')]", "False", "(2, 2)"), 32,
         "holds structured data; float64 ('<f8') expected"},
        {1, DICT("'<f8'", "True", "(2, 2)"), 32, "Fortran order is not supported"},
        {1, DICT("'<f8'", "False", "(3,)"), 24, "shape (3,) is not 2-D"},
        {1, DICT("'<f8'", "False", "(2, 2, 2)"), 64, "shape (2, 2, 2) is not 2-D"},
        {1, DICT("'<f8'", "False", "()"), 8, "shape () is not 2-D"},
        {1, DICT("'<f8'", "False", "(3)"), 24, "shape (3) is not a tuple; (3,) is"},
        {1, DICT("'<f8'", "False", "(-2, 2)"), 32, "shape holds a negative size"},
        {1, DICT("'<f8'", "False", "(99999999999999999999, 1)"), 8,
         "shape holds a size over 2^63 - 1"},
        {1, DICT("'<f8'", "False", "(4611686018427387904, 4)"), 8,
         "shape (4611686018427387904, 4) needs over 2^63 bytes"},
        {1, DICT("'<f8'", "False", "(3037000500, 3037000500)"), 8,
         "shape (3037000500, 3037000500) needs over 2^63 bytes"},
        {1, DICT("'<f8'", "0", "(2, 2)"), 32,
         "bad header at byte 44: expected True or False, found '0'"},
        {1, "{'descr' = '<f8'}\n", 32, "bad header at byte 19: expected ':', found '='"},
        {1, "{'descr': '<f8' 'shape': (2, 2)}\n", 32,
         "bad header at byte 26: expected ',' or '}', found \"'\""},
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)} x\n", 32,
         "bad header at byte 68: expected nothing after '}', found 'x'"},
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'extra': 1}\n", 32,
         "unknown key 'extra' in the header (numpy.load refuses it too)"},
        {1, "{'descr': '<f8', 'shape': (2, 2)}\n", 32, "header has no 'fortran_order'"},
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'shape': (2, 2)}\n", 32,
         "key 'shape' appears twice in the header"},
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}   ", 32,
         "header does not end in a newline"},
        {1, DICT("'<f8'", "False", "(3, 4)"), 88, "truncated: 88 of 96 data bytes"},
        {1, DICT("'<f8'", "False", "(3, 4)"), 97, "too long: 97 data bytes, shape (3, 4) needs 96"},
        {2, DICT("'<f8'", "False", "(3, 4)"), 0, "truncated: 0 of 96 data bytes"},
    };
#undef DICT
    char dir[4096];
    if (!scratch_folder("npy", dir, sizeof dir))
        return;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_refused(dir, cases[i].major, cases[i].text, strlen(cases[i].text), cases[i].data,
                      cases[i].reason);
    scratch_remove(dir);
}

static void test_broken_prefixes(void)
{
    /* Not numpy's magic, too short for a prefix, a header length past the file's end, and a
     * header longer than numpy.load reads. */
    char dir[4096], path[4200], err[512], expected[4800];
    if (!scratch_folder("npy", dir, sizeof dir))
        return;
    snprintf(path, sizeof path, "%s/broken.npy", dir);
    static const struct {
        const char *bytes;
        size_t len;
        const char *reason;
    } cases[] = {
        {"", 0, "not a .npy file (bad magic)"},
        {"P6\n3 4\n255\n", 11, "not a .npy file (bad magic)"},
        {"\x93NUMPZ\x01\x00\x10\x00", 10, "not a .npy file (bad magic)"},
        {"\x93NUMPY\x01", 7, "truncated: 7 bytes, not even a .npy prefix"},
        {"\x93NUMPY\x02\x00\x10\x00", 10, "truncated: 10 bytes, not even a .npy prefix"},
        {"\x93NUMPY\x01\x00\xc8\x00{'descr': '<f8'}\n", 27,
         "header of 200 bytes runs past the end of the file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path, "wb");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        fwrite(cases[i].bytes, 1, cases[i].len, f);
        fclose(f);
        int64_t rows, cols, offset;
        err[0] = '\0';
        CU_ASSERT_FALSE(plb_npy_shape(path, &rows, &cols, &offset, err, sizeof err));
        snprintf(expected, sizeof expected, "%s: %s", path, cases[i].reason);
        CU_ASSERT_STRING_EQUAL(err, expected);
    }

    /* numpy.load's max_header_size: 10000 bytes of header read, 10001 refused. */
    char *text = malloc(10001);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    const char *dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }";
    for (size_t len = 10000; len <= 10001; len++) {
        memset(text, ' ', len);
        memcpy(text, dict, strlen(dict));
        text[len - 1] = '\n';
        make_file(path, 2, text, len, 8);
        int64_t rows = 0, cols = 0, offset = 0;
        err[0] = '\0';
        bool ok = plb_npy_shape(path, &rows, &cols, &offset, err, sizeof err);
        CU_ASSERT_EQUAL(ok, len == 10000);
        if (ok)
            CU_ASSERT(rows == 1 && cols == 1 && offset == 10012);
        snprintf(expected, sizeof expected, "%s: header of 10001 bytes; numpy.load stops at 10000",
                 path);
        if (!ok)
            CU_ASSERT_STRING_EQUAL(err, expected);
    }
    free(text);

    snprintf(path, sizeof path, "%s/missing.npy", dir);
    CU_ASSERT_FALSE(
        plb_npy_shape(path, &(int64_t){0}, &(int64_t){0}, &(int64_t){0}, err, sizeof err));
    snprintf(expected, sizeof expected, "%s: No such file or directory", path);
    CU_ASSERT_STRING_EQUAL(err, expected);
    scratch_remove(dir);
}

static void test_wrong_shape_named(void)
{
    double field[10 * 12] = {0}, into[34 * 34];
    char dir[4096], path[4200], err[512] = "", expected[4800];
    if (!scratch_folder("npy", dir, sizeof dir))
        return;
    snprintf(path, sizeof path, "%s/small.npy", dir);
    CU_ASSERT_TRUE(plb_npy_write(path, field, 10, 12, 12, err, sizeof err));
    CU_ASSERT_FALSE(plb_npy_read(path, into, 34, 34, 34, err, sizeof err));
    snprintf(expected, sizeof expected, "%s: shape (10, 12), expected (34, 34)", path);
    CU_ASSERT_STRING_EQUAL(err, expected);
    CU_ASSERT_FALSE(plb_npy_read(path, into, 12, 10, 10, err, sizeof err));
    snprintf(expected, sizeof expected, "%s: shape (10, 12), expected (12, 10)", path);
    CU_ASSERT_STRING_EQUAL(err, expected);
    scratch_remove(dir);
}

/* A rank's block of a field: any rectangle inside the array, none outside it. */
static void test_read_part(void)
{
    double field[10 * 12], part[4 * 6];
    for (int i = 0; i < 10 * 12; i++)
        field[i] = i;
    char dir[4096], path[4200], err[512] = "";
    if (!scratch_folder("npy", dir, sizeof dir))
        return;
    snprintf(path, sizeof path, "%s/field.npy", dir);
    CU_ASSERT_TRUE(plb_npy_write(path, field, 10, 12, 12, err, sizeof err));
    CU_ASSERT_TRUE(plb_npy_read_part(path, part, 3, 5, 3, 4, 6, err, sizeof err));
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++)
            CU_ASSERT_EQUAL(part[r * 6 + c], (3 + r) * 12 + 5 + c);
    CU_ASSERT_TRUE(plb_npy_read_part(path, part, 6, 8, 4, 4, 4, err, sizeof err)); /* a corner */
    CU_ASSERT_EQUAL(part[15], 9 * 12 + 11);
    CU_ASSERT_FALSE(plb_npy_read_part(path, part, 7, 0, 4, 1, 1, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "has no (4, 1) part at (7, 0)"));
    CU_ASSERT_FALSE(plb_npy_read_part(path, part, 0, 9, 1, 4, 4, err, sizeof err));
    CU_ASSERT_FALSE(plb_npy_read_part(path, part, -1, 0, 1, 1, 1, err, sizeof err));
    scratch_remove(dir);
}

static void test_write_failures(void)
{
    /* A folder that is not there; a full disk, which stdio reports only at fclose for a file
     * this small; and a stride narrower than a row. */
    double field[4] = {1, 2, 3, 4};
    char dir[4096], path[4200], err[512] = "", expected[4800];
    if (!scratch_folder("npy", dir, sizeof dir))
        return;
    snprintf(path, sizeof path, "%s/no/such/folder/field.npy", dir);
    CU_ASSERT_FALSE(plb_npy_write(path, field, 2, 2, 2, err, sizeof err));
    snprintf(expected, sizeof expected, "%s: No such file or directory", path);
    CU_ASSERT_STRING_EQUAL(err, expected);
    if (access("/dev/full", W_OK) == 0) {
        CU_ASSERT_FALSE(plb_npy_write("/dev/full", field, 2, 2, 2, err, sizeof err));
        CU_ASSERT_STRING_EQUAL(err, "/dev/full: No space left on device");
    }
    snprintf(path, sizeof path, "%s/field.npy", dir);
    CU_ASSERT_FALSE(plb_npy_write(path, field, 2, 2, 1, err, sizeof err));
    snprintf(expected, sizeof expected, "%s: cannot write shape (2, 2) with row stride 1", path);
    CU_ASSERT_STRING_EQUAL(err, expected);
    CU_ASSERT_FALSE(plb_npy_write(path, field, INT64_MAX / 8, 2, 2, err, sizeof err));
    CU_ASSERT_EQUAL(access(path, F_OK), -1); /* refused before the file is made */
    scratch_remove(dir);
}

CU_TestInfo npy_tests[] = {
    {"header: numpy's bytes, 128 of them", test_header_is_numpys},
    {"round trip with row strides, bit for bit", test_round_trip_with_stride},
    {"hand-written headers: orders, spacing, 3L, v2.0, v3.0", test_hand_written_headers},
    {"refusals: dtype, order, shape, keys, syntax, size", test_refusals},
    {"refusals: magic, prefix, header length", test_broken_prefixes},
    {"a read of the wrong shape names both", test_wrong_shape_named},
    {"write failures: no folder, full disk, bad stride", test_write_failures},
    {"a part of the array: inside read, outside refused", test_read_part},
    CU_TEST_INFO_NULL,
};

/* suite_arrays.c: the one way to allocate a large array (common/arrays.h) and the kernels' SIMD
 * level (common/simd.h). */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arrays.h"
#include "simd.h"
#include "suites.h"

static int all_zero(const unsigned char *p, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++)
        if (p[i])
            return 0;
    return 1;
}

static void test_aligned_zeroed_writable(void)
{
    const size_t sizes[] = {0, 1, 4096, (3u << 20) + 5, 64u << 20};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int threads = 0; threads <= 3; threads++) {
            unsigned char *p = plb_array_alloc(sizes[s], threads);
            CU_ASSERT_PTR_NOT_NULL_FATAL(p);
            CU_ASSERT_EQUAL((uintptr_t)p % PLB_HUGE_PAGE, 0);
            size_t bytes = sizes[s] ? sizes[s] : 1;
            CU_ASSERT_TRUE(all_zero(p, bytes));
            memset(p, 0xA5, bytes); /* every byte promised is writable */
            CU_ASSERT_EQUAL(p[bytes - 1], 0xA5);
            plb_array_free(p);
        }
    plb_array_free(NULL);
}

#ifndef PLB_ARRAYS_ON_HEAP /* ASan's allocator stops the program on absurd sizes instead of failing */
static void test_absurd_size_is_null(void)
{
    CU_ASSERT_PTR_NULL(plb_array_alloc(SIZE_MAX, 2));
    CU_ASSERT_PTR_NULL(plb_array_alloc(SIZE_MAX - PLB_HUGE_PAGE, 1));
    CU_ASSERT_PTR_NULL(plb_array_alloc((size_t)1 << 62, 1));
}

/* The pages are already there when the kernel starts: the allocator touched them, so a timed
 * run never pays for page faults and the threads chose where the pages live. */
static void test_pages_touched_before_use(void)
{
    size_t bytes = 32u << 20, page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *p = plb_array_alloc(bytes, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    unsigned char *resident = malloc(bytes / page);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resident);
    CU_ASSERT_EQUAL(mincore(p, bytes, resident), 0);
    size_t in = 0;
    for (size_t i = 0; i < bytes / page; i++)
        in += resident[i] & 1;
    CU_ASSERT_EQUAL(in, bytes / page);
    free(resident);
    plb_array_free(p);
}

/* Where the kernel offers huge pages on advice, a 64 MiB array gets some: AnonHugePages of its
 * mapping in /proc/self/smaps. */
static void test_huge_pages_given(void)
{
    const char *mode = plb_huge_pages_mode();
    if (strcmp(mode, "always") != 0 && strcmp(mode, "madvise") != 0)
        return; /* "never" or no THP: nothing to expect */
    size_t bytes = 64u << 20;
    unsigned char *p = plb_array_alloc(bytes, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    FILE *f = fopen("/proc/self/smaps", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[512];
    long huge_kib = -1;
    int inside = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long from, to;
        if (sscanf(line, "%lx-%lx ", &from, &to) == 2)
            inside = from <= (uintptr_t)p && (uintptr_t)p < to;
        else if (inside && sscanf(line, "AnonHugePages: %ld kB", &huge_kib) == 1)
            break;
    }
    fclose(f);
    CU_ASSERT(huge_kib >= 2048);
    if (huge_kib < 2048)
        fprintf(stderr, "\n  THP %s: %ld KiB of huge pages in a 64 MiB array\n", mode, huge_kib);
    plb_array_free(p);
}
#endif

static void test_huge_pages_mode_named(void)
{
    const char *mode = plb_huge_pages_mode();
    const char *known[] = {"always", "madvise", "never", "unknown"};
    int found = 0;
    for (int i = 0; i < 4; i++)
        found |= strcmp(mode, known[i]) == 0;
    CU_ASSERT_TRUE(found);
}

static void test_simd_level_named(void)
{
    const char *level = plb_simd_level();
    CU_ASSERT_PTR_NOT_NULL_FATAL(level);
#ifdef PLB_HAS_CPU_CLONES
    CU_ASSERT_EQUAL(strncmp(level, "x86-64", 6), 0);
#else
    CU_ASSERT_EQUAL(strncmp(level, "the build's target", 18), 0);
#endif
}

CU_TestInfo arrays_tests[] = {
    {"2 MiB-aligned, zeroed, writable, at any size and thread count", test_aligned_zeroed_writable},
#ifndef PLB_ARRAYS_ON_HEAP
    {"absurd sizes: NULL, not a crash", test_absurd_size_is_null},
    {"every page touched before the kernel runs", test_pages_touched_before_use},
    {"huge pages where the kernel offers them", test_huge_pages_given},
#endif
    {"the kernel's THP mode is named", test_huge_pages_mode_named},
    {"the SIMD level the kernels run is named", test_simd_level_named},
    CU_TEST_INFO_NULL,
};

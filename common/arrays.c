/* arrays.c: large arrays, 2 MiB aligned, huge pages advised, first touched in place (arrays.h). */
#define _DEFAULT_SOURCE
#include "arrays.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}

#ifdef PLB_ARRAYS_ON_HEAP
const char *plb_array_placement(void)
{
    return "2 MiB-aligned from the heap, no huge-page advice (sanitized build)";
}

void *plb_array_alloc(size_t bytes, int threads)
{
    if (bytes > SIZE_MAX - PLB_HUGE_PAGE)
        return NULL;
    size_t body = round_up(bytes ? bytes : 1, PLB_HUGE_PAGE);
    char *array = aligned_alloc(PLB_HUGE_PAGE, body);
    (void)threads; /* a sanitized build measures nothing: placement does not matter */
    return array ? memset(array, 0, body) : NULL;
}

void plb_array_free(void *array)
{
    free(array);
}
#else
const char *plb_array_placement(void)
{
    return "2 MiB-aligned, huge pages advised";
}

static size_t page_size(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 4096;
}

/* Writes one zero in every page, each thread its static share of the pages. */
static void first_touch(char *array, size_t bytes, int threads)
{
    size_t step = page_size(), pages = bytes / step;
#pragma omp parallel for schedule(static) num_threads(threads > 1 ? threads : 1)
    for (size_t p = 0; p < pages; p++)
        array[p * step] = 0;
}

/* The mapping's length is kept in the page just below the array, which stays mapped with it. */

void *plb_array_alloc(size_t bytes, int threads)
{
    size_t page = page_size();
    if (bytes > SIZE_MAX - 2 * PLB_HUGE_PAGE - page)
        return NULL;
    size_t body = round_up(bytes ? bytes : 1, PLB_HUGE_PAGE), length = body + PLB_HUGE_PAGE + page;
    char *base = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return NULL;
    /* Keep [array - page, array + body): unmap the slack on both sides of the 2 MiB boundary. */
    char *array = (char *)round_up((size_t)(uintptr_t)(base + page), PLB_HUGE_PAGE);
    char *head = array - page, *end = array + body;
    if (head > base)
        munmap(base, (size_t)(head - base));
    if (base + length > end)
        munmap(end, (size_t)(base + length - end));
    *(size_t *)head = body + page;
#ifdef MADV_HUGEPAGE
    madvise(array, body, MADV_HUGEPAGE); /* advice: where refused, 4 KiB pages serve */
#endif
    first_touch(array, body, threads);
    return array;
}

void plb_array_free(void *array)
{
    if (!array)
        return;
    char *head = (char *)array - page_size();
    munmap(head, *(size_t *)head);
}
#endif

const char *plb_huge_pages_mode(void)
{
    static char mode[16];
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    char line[128] = "";
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    /* The chosen mode is the bracketed one: "always [madvise] never". */
    char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;
    if (!open || !close || close - open - 1 >= (long)sizeof mode)
        return "unknown";
    memcpy(mode, open + 1, (size_t)(close - open - 1));
    mode[close - open - 1] = '\0';
    return mode;
}

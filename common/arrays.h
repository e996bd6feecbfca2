/* arrays.h: the one way parlab allocates a large array.
 *
 * Why: a streaming kernel pays for every page it touches. With 4 KiB pages a 1 GiB array is
 * 262,144 TLB entries' worth of pages; with 2 MiB transparent huge pages it is 512, and the page
 * walks that cost the C round its lead over numpy (which advises huge pages for large arrays)
 * disappear. Where a page lives is decided when it is first written (first touch): on a machine
 * with several memory controllers, the thread that will stream a block must be the one that
 * touches it first, or its bandwidth comes over the interconnect.
 *
 * So an array is mapped fresh (never recycled memory that another thread touched), aligned to
 * 2 MiB, advised MADV_HUGEPAGE where the kernel offers it, and first touched page by page under
 * schedule(static) by the threads that will use it: the kernels' own schedule, so thread t's
 * block of elements lies in the pages thread t touched. Under AddressSanitizer the memory comes
 * from aligned_alloc instead, so that overflows and leaks stay visible. */
#ifndef PARLAB_ARRAYS_H
#define PARLAB_ARRAYS_H

#include <stddef.h>

#define PLB_HUGE_PAGE ((size_t)2 << 20)

/* PLB_ARRAYS_ON_HEAP: this build takes arrays from aligned_alloc (AddressSanitizer is on). */
#if defined(__SANITIZE_ADDRESS__)
#define PLB_ARRAYS_ON_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PLB_ARRAYS_ON_HEAP 1
#endif
#endif

/* bytes (0 counts as 1) of zeros at a 2 MiB boundary, first touched by `threads` threads (0 or 1:
 * the caller's thread) under schedule(static). NULL when the memory cannot be had. */
void *plb_array_alloc(size_t bytes, int threads);
/* Frees what plb_array_alloc returned; NULL is allowed. */
void plb_array_free(void *array);

/* How this build places arrays, for the "# pages" header line: "2 MiB-aligned, huge pages
 * advised", or that they come from the heap without advice (a sanitized build). */
const char *plb_array_placement(void);

/* The kernel's offer of transparent huge pages: "always", "madvise", "never", or "unknown"
 * (no /sys/kernel/mm/transparent_hugepage: not Linux, or a kernel without them). */
const char *plb_huge_pages_mode(void);

#endif

/* suite_memory.c: the room a process may still take, and the refusal when it needs more. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "memory.h"
#include "suites.h"

static void test_room_is_finite(void)
{
    /* Linux always shows MemAvailable, so some limit always applies. */
    const char *which = NULL;
    double room = plb_memory_room(&which);
    CU_ASSERT(room > 0.0 && isfinite(room));
    CU_ASSERT_PTR_NOT_NULL(which);
    CU_ASSERT_STRING_NOT_EQUAL(which, "no limit");
}

static void test_small_fits(void)
{
    char err[128] = "untouched";
    CU_ASSERT_TRUE(plb_memory_fits("prog", 4096.0, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(err, "untouched");
}

static void test_rlimit_as_refuses(void)
{
    /* A soft RLIMIT_AS 256 MiB above what the process maps now: the room is under 256 MiB, it
     * says why, and 1 GiB is refused in one line. The limit is restored after. */
    struct rlimit saved, lowered;
    CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_AS, &saved), 0);
    const char *which;
    FILE *f = fopen("/proc/self/status", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[256];
    double vm_kib = -1.0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmSize:", 7) == 0)
            vm_kib = strtod(line + 7, NULL);
    fclose(f);
    CU_ASSERT_FATAL(vm_kib > 0.0);
    lowered = saved;
    lowered.rlim_cur = (rlim_t)(vm_kib * 1024.0) + ((rlim_t)256 << 20);
    if (saved.rlim_max != RLIM_INFINITY && lowered.rlim_cur > saved.rlim_max)
        lowered.rlim_cur = saved.rlim_max;
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_AS, &lowered), 0);
    double room = plb_memory_room(&which);
    char err[128] = "";
    int fits = plb_memory_fits("prog", 1024.0 * 1024.0 * 1024.0, err, sizeof err);
    setrlimit(RLIMIT_AS, &saved);
    CU_ASSERT(room <= 256.0 * 1024 * 1024);
    CU_ASSERT_STRING_EQUAL(which, "RLIMIT_AS");
    CU_ASSERT_FALSE(fits);
    CU_ASSERT_EQUAL(strncmp(err, "prog: needs 1.0 GiB, ", 21), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, " MiB available (RLIMIT_AS)"));
    CU_ASSERT_PTR_NULL(strchr(err, '\n'));
}

static void test_absurd_size_refused(void)
{
    /* 2^61 elements of 8 bytes: no machine has it; said in the largest unit, not overflowed. */
    char err[128] = "";
    CU_ASSERT_FALSE(plb_memory_fits("prog", 8.0 * 2305843009213693952.0, err, sizeof err));
    CU_ASSERT_EQUAL(strncmp(err, "prog: needs 16.0 EiB, ", 22), 0);
}

CU_TestInfo memory_tests[] = {
    {"the room is finite and names its limit", test_room_is_finite},
    {"a small allocation fits", test_small_fits},
    {"ulimit -v: refused, with RLIMIT_AS named", test_rlimit_as_refuses},
    {"2^61 elements: refused in EiB", test_absurd_size_refused},
    CU_TEST_INFO_NULL,
};

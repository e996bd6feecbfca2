/* suite_stats.c: summary statistics on inputs whose answers are known. */
#include <math.h>

#include "stats.h"
#include "suites.h"

static void test_odd_count(void)
{
    const double samples[] = {3.0, 1.0, 2.0};
    plb_stats s;
    CU_ASSERT_EQUAL(plb_stats_compute(samples, 3, &s), 0);
    CU_ASSERT_EQUAL(s.count, 3);
    CU_ASSERT_DOUBLE_EQUAL(s.min, 1.0, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(s.median, 2.0, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 2.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(s.max, 3.0, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(s.stddev, 1.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(samples[0], 3.0, 0.0); /* input left in place */
}

static void test_even_count(void)
{
    const double samples[] = {4.0, 1.0, 3.0, 2.0};
    plb_stats s;
    CU_ASSERT_EQUAL(plb_stats_compute(samples, 4, &s), 0);
    CU_ASSERT_DOUBLE_EQUAL(s.median, 2.5, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 2.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(s.stddev, sqrt(5.0 / 3.0), 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(s.min, 1.0, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(s.max, 4.0, 0.0);
}

static void test_single_and_empty(void)
{
    const double one = 0.25;
    plb_stats s;
    CU_ASSERT_EQUAL(plb_stats_compute(&one, 1, &s), 0);
    CU_ASSERT_DOUBLE_EQUAL(s.min, 0.25, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(s.median, 0.25, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(s.max, 0.25, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(s.stddev, 0.0, 0.0);
    CU_ASSERT_EQUAL(plb_stats_compute(&one, 0, &s), -1);
}

static void test_outlier(void)
{
    /* The median ignores one wild sample that drags the mean: why parlab reports the median. */
    const double samples[] = {1.0, 1.0, 1.0, 1.0, 101.0};
    plb_stats s;
    CU_ASSERT_EQUAL(plb_stats_compute(samples, 5, &s), 0);
    CU_ASSERT_DOUBLE_EQUAL(s.median, 1.0, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 21.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.stddev, sqrt(8000.0 / 4.0), 1e-9);
}

CU_TestInfo stats_tests[] = {
    {"odd count", test_odd_count},
    {"even count: median between the middle two", test_even_count},
    {"single sample and no sample", test_single_and_empty},
    {"median robust to an outlier", test_outlier},
    CU_TEST_INFO_NULL,
};

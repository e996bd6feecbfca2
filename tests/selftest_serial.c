/* selftest_serial.c: proves the serial runner counts failures and exits non-zero.
 * Expected: "selftest: 1 passed, 2 failed" (a failed test and a failed suite set-up), exit 1.
 * tests/run_tests.sh runs it and checks exactly that. */
#include "cunit_runner.h"

static void passes(void)
{
    CU_ASSERT_EQUAL(1 + 1, 2);
}
static void fails(void)
{
    CU_ASSERT_EQUAL(1 + 1, 3);
}
static int broken_setup(void)
{
    return 1;
}

static CU_TestInfo good_and_bad[] = {{"passes", passes}, {"fails", fails}, CU_TEST_INFO_NULL};
static CU_TestInfo never_run[] = {{"skipped with its suite", passes}, CU_TEST_INFO_NULL};

int main(void)
{
    CU_SuiteInfo suites[] = {
        {"one good, one bad", NULL, NULL, NULL, NULL, good_and_bad},
        {"set-up fails", broken_setup, NULL, NULL, NULL, never_run},
        CU_SUITE_INFO_NULL,
    };
    return plb_cunit_serial("selftest", suites);
}

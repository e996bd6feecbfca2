/* cunit_runner.c: the serial CUnit runner (see cunit_runner.h). */
#include "cunit_runner.h"

#include <CUnit/Basic.h>
#include <stdio.h>

int plb_cunit_serial(const char *label, CU_SuiteInfo *suites)
{
    if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(suites) != CUE_SUCCESS) {
        fprintf(stderr, "%s: cannot set up CUnit: %s\n", label, CU_get_error_msg());
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    /* Read before CU_cleanup_registry(), which resets them. */
    unsigned run = CU_get_number_of_tests_run();
    unsigned tests_failed = CU_get_number_of_tests_failed();
    unsigned suites_failed = CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    printf("\n%s: %u passed, %u failed\n", label, run - tests_failed, tests_failed + suites_failed);
    return tests_failed + suites_failed ? 1 : 0;
}

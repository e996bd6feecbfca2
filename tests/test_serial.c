/* test_serial.c: every serial CUnit suite, in one process. */
#include "cunit_runner.h"
#include "suites.h"

int main(void)
{
    CU_SuiteInfo suites[] = {
        {"options", NULL, NULL, NULL, NULL, options_tests},
        {"stats", NULL, NULL, NULL, NULL, stats_tests},
        {"memory", NULL, NULL, NULL, NULL, memory_tests},
        {"arrays", NULL, NULL, NULL, NULL, arrays_tests},
        {"clock and measure", NULL, NULL, NULL, NULL, measure_tests},
        {"report", NULL, NULL, NULL, NULL, report_tests},
        {"machine", NULL, NULL, NULL, NULL, machine_tests},
        {"lesson runner", NULL, NULL, NULL, NULL, lesson_tests},
        {"watchdog", NULL, NULL, NULL, NULL, watchdog_tests},
        {"omp kernels", NULL, NULL, NULL, NULL, omp_kernel_tests},
        {"heatmap", NULL, NULL, NULL, NULL, heatmap_tests},
        {"heat equation", NULL, NULL, NULL, NULL, heat_tests},
        {"npy", NULL, NULL, NULL, NULL, npy_tests},
        CU_SUITE_INFO_NULL,
    };
    return plb_cunit_serial("serial", suites);
}

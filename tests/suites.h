/* suites.h: the CUnit suites of parlab, one array of tests each. */
#ifndef PARLAB_SUITES_H
#define PARLAB_SUITES_H

#include <CUnit/CUnit.h>

extern CU_TestInfo options_tests[];
extern CU_TestInfo stats_tests[];
extern CU_TestInfo memory_tests[];
extern CU_TestInfo arrays_tests[];
extern CU_TestInfo measure_tests[];
extern CU_TestInfo report_tests[];
extern CU_TestInfo machine_tests[];
extern CU_TestInfo lesson_tests[];
extern CU_TestInfo watchdog_tests[];
extern CU_TestInfo omp_kernel_tests[];
extern CU_TestInfo heatmap_tests[];
extern CU_TestInfo heat_tests[];
extern CU_TestInfo npy_tests[];
extern CU_TestInfo mpi_common_tests[];
extern CU_TestInfo mpi_scatter_tests[];
extern CU_TestInfo mpi_lesson_tests[];
extern CU_TestInfo mpi_heat_tests[];

#endif

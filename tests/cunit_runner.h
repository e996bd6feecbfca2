/* cunit_runner.h: how parlab's CUnit test programs run their suites and report.
 *
 * Both runners end with one line "LABEL: N passed, N failed", counting tests (a failed suite
 * set-up counts as one failure), and return the exit code: 0 only when nothing failed.
 * CUnit's own basic runner returns 0 even when tests fail, so the counts are read before the
 * registry is cleaned up. */
#ifndef PARLAB_CUNIT_RUNNER_H
#define PARLAB_CUNIT_RUNNER_H

#include <CUnit/CUnit.h>

/* Runs suites in this process, CUnit's verbose output on stdout. */
int plb_cunit_serial(const char *label, CU_SuiteInfo *suites);

#endif

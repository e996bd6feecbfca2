/* report.h: the one output format every parlab program prints.
 *
 *   # header lines: program, version, compiler, MPI library, host, ranks, threads, date, command,
 *     then the run's parameters, one "# name : value" each (for people, without -v: the few a
 *     learner needs, program, MPI library, topology, load, job, command, n and repeats);
 *   a table, one row per variant: for people, variant, ranks, threads, n, median time, speedup
 *     over seq, rate and verified, within 100 columns; with -v or --csv, the columns of
 *     PLB_CSV_COLUMNS (aligned with -v, comma-separated with --csv);
 *   the verdict line, "VERIFIED" or "FAILED: <why>" (on stderr with --csv, so stdout stays CSV).
 * The exit code follows the verdict (exit_codes.h). */
#ifndef PARLAB_REPORT_H
#define PARLAB_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "options.h"
#include "stats.h"

/* repeats: samples kept; batch: runs timed together in each sample (every time is per run);
 * min/median/mean/max/sd: over the samples; rate: from the median. */
#define PLB_CSV_COLUMNS                                                                            \
    "program,variant,n,ranks,threads,repeats,batch,min_s,median_s,mean_s,max_s,sd_s,rate,"         \
    "rate_unit,verified"

typedef struct plb_context {
    const char *program;
    int ranks;               /* 1 for a single process */
    int threads;             /* OpenMP threads per rank */
    const char *mpi_library; /* NULL when the program does not use MPI */
    int node_ranks;          /* ranks sharing rank 0's node (0: 1, a single process) */
} plb_context;

typedef struct plb_result {
    const char *program;
    const char *variant;
    int64_t n;
    int ranks, threads, repeats;
    long batch;     /* runs per sample */
    plb_stats time; /* seconds per run */
    double rate;
    const char *rate_unit; /* "GB/s", "Mupdates/s" */
    bool verified;
    /* For people's table only (--csv has neither): */
    double speedup;      /* over seq; 0: none */
    bool disturbed;      /* the run was disturbed: its time and speedup are not the lesson */
    const char *outcome; /* the verified column's word for a verified row ("lost updates");
                                NULL or "": "yes" */
} plb_result;

/* stdout and stderr written a whole line at a time, each line one write(); called by the option
 * parsers, before a program prints. (Unbuffered, glibc writes a long stderr line in pieces, and
 * Open MPI 5's mpirun has been seen to put the first piece into its stdout: a job script that
 * read the rank's STOPPED line from stderr found half of it.) */
void plb_report_by_lines(void);
void plb_report_header(FILE *out, const plb_context *ctx, const plb_options *opt);
/* One "# name : value" line (printf-style value). */
void plb_report_param(FILE *out, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The column names: the CSV header line, or the aligned table's heading (opt->csv, opt->verbose). */
void plb_report_columns(FILE *out, const plb_options *opt);
void plb_report_row(FILE *out, const plb_options *opt, const plb_result *r);
/* A time in seconds as people read it, 3 digits and a unit: "357 us", "7.99 ms", "1.2 s". */
void plb_report_seconds(double s, char *buf, size_t len);
/* Prints the verdict (failure NULL: VERIFIED) and returns the exit code that goes with it. */
int plb_report_verdict(const plb_options *opt, const char *failure);
/* A refusal or an error met before or around the run, the one way every program says it: one line
 * "PROGRAM: what is wrong" on stderr (printf-style), whole; returns code (PLB_EXIT_USAGE for bad
 * input or too little memory, PLB_EXIT_FAILED for an error of the run), for `return plb_refuse(...)`. */
int plb_refuse(const char *program, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* plb_refuse with the arguments in ap (for wrappers such as plb_mpi_refuse). */
int plb_vrefuse(const char *program, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Like plb_report_verdict for a watchdog that caught a deadlock: "DEADLOCK: <why>", exit 3. */
int plb_report_deadlock(const plb_options *opt, const char *why);

#endif

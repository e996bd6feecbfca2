/* options.h: the one command line every parlab program shares.
 *
 * Common options: -n/--size, -r/--repeat, -w/--warmup, -t/--threads, -V/--variant, --csv,
 * -v/--verbose, -h/--help, --version; a program appends its own table of extra options. Parsing
 * is strict: a missing value, a non-number, a negative, a value under the minimum or over the
 * maximum, an unknown option or variant and a stray argument each give one line
 * `PROGRAM: problem` and exit code 2. Values take the last occurrence of an option. */
#ifndef PARLAB_OPTIONS_H
#define PARLAB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum plb_opt_kind {
    PLB_OPT_FLAG,  /* bool, no value */
    PLB_OPT_INT,   /* int */
    PLB_OPT_COUNT, /* int64_t; 1000, 1e6, 16M (16 * 2^20), 1.5K, 1G: any exact whole number */
    PLB_OPT_REAL,  /* double, finite */
    PLB_OPT_TEXT   /* const char *, pointing into argv */
} plb_opt_kind;

typedef struct plb_opt {
    const char *long_name; /* without the dashes; NULL ends a table */
    char short_name;       /* 0 for none */
    plb_opt_kind kind;
    void *target;
    double min, max;      /* numbers only; max 0: the target type's limit */
    const char *arg_name; /* for --help: "N", "SECONDS" */
    const char *help;
} plb_opt;

/* -t may ask for at most this many threads per core (and never more than the OpenMP runtime's
 * thread limit): past it a lesson measures thread creation, not its construct, and a runtime that
 * cannot start the threads crashes. */
#define PLB_MAX_THREADS_PER_CORE 64

/* A run whose fastest believable time is longer than this is refused unless --long-run is given:
 * a size typed one unit too large should not run on for days before anyone notices. */
#define PLB_MAX_RUN_S 86400.0

/* Ends a program's table of options. */
#define PLB_OPT_END                                                                                \
    {                                                                                              \
        .long_name = NULL                                                                          \
    }

#define PLB_MAX_VARIANTS 16

typedef struct plb_options {
    int64_t n;         /* -n: problem size; in a grid program, the grid's rows */
    int64_t cols;      /* a grid program's columns (-n RxC, or N for N x N); 0 elsewhere */
    int repeats;       /* -r: timed samples kept */
    int warmup;        /* -w: samples discarded first */
    int threads;       /* -t: 0 means the runtime's default */
    bool csv;          /* --csv */
    bool verbose;      /* -v, or --csv: the whole report; else the short one for people */
    bool long_run;     /* --long-run: no limit on the believable run time */
    unsigned variants; /* bit i set: program variant i selected (-V) */
    int argc;          /* the command line, for the report */
    char **argv;
} plb_options;

typedef struct plb_program {
    const char *name;
    const char *summary;         /* one line: what the program teaches */
    const char *const *variants; /* NULL-terminated, at most PLB_MAX_VARIANTS */
    const plb_opt *extra;        /* the program's own options (NULL-terminated) or NULL */
    bool grid;                   /* -n takes a grid: N (N x N points) or RxC (R rows, C columns) */
    /* The fastest believable time of one run of its fastest variant, for the parsed options; a
     * run (at least 2 calibration runs, the warm-up and the samples) over PLB_MAX_RUN_S is
     * refused as bad input. NULL: no such floor. */
    double (*fastest_run_s)(const plb_options *opt);
} plb_program;

/* Parses argv into *opt (whose values on entry are the defaults shown by --help).
 * Returns -1 when the program should run; otherwise the exit code main returns: 0 after printing
 * help or version on out (nothing is printed when out is NULL), 2 with the one-line error written
 * into err. */
int plb_parse_options(const plb_program *prog, int argc, char **argv, plb_options *opt, FILE *out,
                      char *err, size_t errlen);

/* plb_parse_options on stdout, with the error printed on stderr. */
int plb_parse_cli(const plb_program *prog, int argc, char **argv, plb_options *opt);

/* Parses a PLB_OPT_COUNT value; returns NULL or the reason it is not one ("is negative"). */
const char *plb_parse_count(const char *text, int64_t *value);

/* The problem size a result row reports: a grid's points (rows x cols), else n. */
static inline int64_t plb_grid_points(const plb_options *opt)
{
    return opt->cols ? opt->n * opt->cols : opt->n;
}

/* Whether variant `name` of prog was selected. */
bool plb_variant_selected(const plb_program *prog, const plb_options *opt, const char *name);

#endif

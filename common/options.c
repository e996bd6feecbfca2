/* options.c: the shared, strict command-line parser (see options.h). */
#include "options.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "measure.h"
#include "report.h"
#include "version.h"

enum { PARSE_RUN = -1 };

/* A macro's value as a string literal, for help texts. */
#define PLB_STRING(x) PLB_STRING_(x)
#define PLB_STRING_(x) #x

enum { COMMON_OPTIONS = 11 }; /* the common table, its terminator included */

/* Scratch targets for the common table: copied into plb_options after a successful parse. */
typedef struct common_values {
    int64_t n, cols;
    const char *grid; /* -n of a grid program, parsed after the loop */
    int repeats, warmup, threads;
    const char *variant;
    bool csv, verbose, long_run, help, version;
} common_values;

/* The most threads -t accepts here: PLB_MAX_THREADS_PER_CORE per core this process may use, and
 * the OpenMP runtime's thread limit (OMP_THREAD_LIMIT). */
static double max_threads(void)
{
    double cap = (double)PLB_MAX_THREADS_PER_CORE * omp_get_num_procs();
    double limit = (double)omp_get_thread_limit();
    return limit < cap ? limit : cap;
}

static void common_table(common_values *v, bool grid, plb_opt table[COMMON_OPTIONS])
{
    /* clang-format off */
    plb_opt size = {.long_name = "size", .short_name = 'n', .kind = PLB_OPT_COUNT, .target = &v->n,
                    .min = 1, .arg_name = "N",
                    .help = "problem size in elements: 1000, 1e6, 16M (16*2^20), 1G"};
    plb_opt grid_size = {.long_name = "size", .short_name = 'n', .kind = PLB_OPT_TEXT,
                         .target = &v->grid, .arg_name = "N|RxC",
                         .help = "grid of N x N interior points, or R rows by C columns: 4096, 2Kx8K"};
    plb_opt t[COMMON_OPTIONS] = {
        grid ? grid_size : size,
        {.long_name = "repeat", .short_name = 'r', .kind = PLB_OPT_INT, .target = &v->repeats,
         .min = 1, .arg_name = "R", .help = "timed samples kept"},
        {.long_name = "warmup", .short_name = 'w', .kind = PLB_OPT_INT, .target = &v->warmup,
         .arg_name = "W", .help = "samples run first and discarded; with W > 0, more until they have taken "
         PLB_STRING(PLB_WARMUP_MS) " ms"},
        {.long_name = "threads", .short_name = 't', .kind = PLB_OPT_INT, .target = &v->threads,
         .min = 1, .max = max_threads(), .arg_name = "T",
         .help = "OpenMP threads (per rank), at most " PLB_STRING(PLB_MAX_THREADS_PER_CORE)
                 " per core"},
        {.long_name = "variant", .short_name = 'V', .kind = PLB_OPT_TEXT, .target = &v->variant,
         .arg_name = "LIST", .help = "variants to run, comma-separated, or all"},
        {.long_name = "csv", .kind = PLB_OPT_FLAG, .target = &v->csv,
         .help = "CSV rows on stdout, verdict on stderr (the whole report, as with -v)"},
        {.long_name = "verbose", .short_name = 'v', .kind = PLB_OPT_FLAG, .target = &v->verbose,
         .help = "the whole report: every header line, the full statistics, the runs, cpu and "
                 "speedup notes"},
        {.long_name = "long-run", .kind = PLB_OPT_FLAG, .target = &v->long_run,
         .help = "allow a run whose fastest believable time is over a day"},
        {.long_name = "help", .short_name = 'h', .kind = PLB_OPT_FLAG, .target = &v->help,
         .help = "print this help and exit"},
        {.long_name = "version", .kind = PLB_OPT_FLAG, .target = &v->version,
         .help = "print the version and exit"},
        PLB_OPT_END,
    };
    /* clang-format on */
    memcpy(table, t, sizeof t);
}

/* "PROG: <message>" into err; returns PLB_EXIT_USAGE. */
static int fail(char *err, size_t errlen, const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, const char *prog, const char *fmt, ...)
{
    va_list ap;
    int used = snprintf(err, errlen, "%s: ", prog);
    va_start(ap, fmt);
    if (used >= 0 && (size_t)used < errlen)
        vsnprintf(err + used, errlen - (size_t)used, fmt, ap);
    va_end(ap);
    return PLB_EXIT_USAGE;
}

/* Multiplies *v by f, returning false on overflow of uint64_t. */
static bool scale(uint64_t *v, uint64_t f)
{
    if (f != 0 && *v > UINT64_MAX / f)
        return false;
    *v *= f;
    return true;
}

const char *plb_parse_count(const char *text, int64_t *value)
{
    const char *p = text;
    int64_t unused;
    if (*p == '-')
        return plb_parse_count(p + 1, &unused) ? "is not a number" : "is negative";
    uint64_t digits = 0;
    int fraction = 0, seen = 0;
    bool huge = false, point = false;
    for (; (*p >= '0' && *p <= '9') || (*p == '.' && !point); p++) {
        if (*p == '.') {
            point = true;
            continue;
        }
        seen++;
        fraction += point;
        if (!scale(&digits, 10) || digits > UINT64_MAX - (uint64_t)(*p - '0'))
            huge = true;
        else
            digits += (uint64_t)(*p - '0');
    }
    if (seen == 0)
        return "is not a number";
    long exponent = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        bool minus = *p == '-';
        if (*p == '-' || *p == '+')
            p++;
        if (*p < '0' || *p > '9')
            return "is not a number";
        for (; *p >= '0' && *p <= '9'; p++)
            if (exponent < 100000)
                exponent = 10 * exponent + (*p - '0');
        if (minus)
            exponent = -exponent;
    }
    uint64_t unit = 1;
    const char *suffix = strchr("KMGT", *p >= 'a' ? *p - 'a' + 'A' : *p);
    if (*p && suffix) {
        unit = 1ULL << (10 * (suffix - "KMGT" + 1));
        p++;
    }
    if (*p)
        return "is not a number";
    if (digits == 0 && !huge) {
        *value = 0;
        return NULL;
    }
    long shift = exponent - fraction;
    if (huge || !scale(&digits, unit))
        return shift < 0 ? "has too many digits" : "is too large";
    for (; shift > 0; shift--)
        if (!scale(&digits, 10))
            return "is too large";
    for (; shift < 0; shift++) {
        if (digits % 10)
            return "is not a whole number";
        digits /= 10;
    }
    if (digits > INT64_MAX)
        return "is too large";
    *value = (int64_t)digits;
    return NULL;
}

static const plb_opt *find_long(const plb_opt *const tables[2], const char *name, size_t len)
{
    for (int t = 0; t < 2; t++)
        for (const plb_opt *o = tables[t]; o && o->long_name; o++)
            if (strlen(o->long_name) == len && strncmp(o->long_name, name, len) == 0)
                return o;
    return NULL;
}

static const plb_opt *find_short(const plb_opt *const tables[2], char name)
{
    for (int t = 0; t < 2; t++)
        for (const plb_opt *o = tables[t]; o && o->long_name; o++)
            if (o->short_name && o->short_name == name)
                return o;
    return NULL;
}

/* A grid program's -n: "N" (N x N) or "RxC", each a count of at least 1. */
static int parse_grid(const plb_program *prog, common_values *v, char *err, size_t errlen)
{
    char rows[64];
    const char *x = strchr(v->grid, 'x'), *cols = x ? x + 1 : v->grid;
    size_t len = x ? (size_t)(x - v->grid) : strlen(v->grid);
    snprintf(rows, sizeof rows, "%.*s", (int)(len < sizeof rows ? len : sizeof rows - 1), v->grid);
    const char *bad = len >= sizeof rows ? "is too long" : plb_parse_count(rows, &v->n);
    if (!bad)
        bad = plb_parse_count(cols, &v->cols);
    if (!bad && (v->n < 1 || v->cols < 1))
        bad = "is below the minimum 1";
    if (!bad && v->n > INT64_MAX / v->cols)
        bad = "is too large (over 2^63 points)";
    if (bad)
        return fail(err, errlen, prog->name, "option '-n': '%s' %s (a grid is N or RxC)", v->grid,
                    bad);
    return PARSE_RUN;
}

/* Stores text into o's target; returns NULL or the reason it is not acceptable. */
static const char *store(const plb_opt *o, const char *text, char *why, size_t whylen)
{
    double number;
    int64_t whole = 0;
    if (o->kind == PLB_OPT_TEXT) {
        *(const char **)o->target = text;
        return NULL;
    }
    if (o->kind == PLB_OPT_REAL) {
        char *end;
        errno = 0;
        number = strtod(text, &end);
        if (end == text || *end || isnan(number))
            return "is not a number";
        if (number < 0 || (number == 0 && text[0] == '-'))
            return "is negative";
        if (errno == ERANGE && number > 1)
            return "is too large";
    } else {
        const char *bad = plb_parse_count(text, &whole);
        if (bad)
            return bad;
        number = (double)whole;
    }
    double max = o->max > 0                 ? o->max
                 : o->kind == PLB_OPT_INT   ? INT_MAX
                 : o->kind == PLB_OPT_COUNT ? (double)INT64_MAX
                                            : HUGE_VAL;
    if (number < o->min) {
        snprintf(why, whylen, "is below the minimum %g", o->min);
        return why;
    }
    if (number > max) {
        snprintf(why, whylen, "is too large (maximum %.17g)", max);
        return why;
    }
    if (o->kind == PLB_OPT_INT)
        *(int *)o->target = (int)whole;
    else if (o->kind == PLB_OPT_COUNT)
        *(int64_t *)o->target = whole;
    else
        *(double *)o->target = number;
    return NULL;
}

static void print_default(FILE *out, const plb_opt *o)
{
    /* A whole-number option whose default is below its minimum is chosen by the program. */
    int automatic = o->min > 0 && ((o->kind == PLB_OPT_INT && *(int *)o->target == 0) ||
                                   (o->kind == PLB_OPT_COUNT && *(int64_t *)o->target == 0));
    if (automatic) {
        fputs(" (default: automatic)", out);
        return;
    }
    switch (o->kind) {
    case PLB_OPT_INT: fprintf(out, " (default: %d)", *(int *)o->target); break;
    case PLB_OPT_COUNT: fprintf(out, " (default: %" PRId64 ")", *(int64_t *)o->target); break;
    case PLB_OPT_REAL: fprintf(out, " (default: %g)", *(double *)o->target); break;
    case PLB_OPT_TEXT:
        if (*(const char **)o->target)
            fprintf(out, " (default: %s)", *(const char **)o->target);
        break;
    case PLB_OPT_FLAG: break;
    }
}

static void print_help(FILE *out, const plb_program *prog, const plb_opt *const tables[2])
{
    if (!out)
        return;
    fprintf(out, "Usage: %s [options]\n%s\n\nOptions:\n", prog->name, prog->summary);
    for (int t = 0; t < 2; t++)
        for (const plb_opt *o = tables[t]; o && o->long_name; o++) {
            char flag[64];
            snprintf(flag, sizeof flag, "%c%c%s--%s %s", o->short_name ? '-' : ' ',
                     o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->long_name,
                     o->arg_name ? o->arg_name : "");
            fprintf(out, "  %-26s %s", flag, o->help);
            print_default(out, o);
            fputc('\n', out);
        }
    fputs("\nVariants:", out);
    for (const char *const *v = prog->variants; *v; v++)
        fprintf(out, " %s", *v);
    fputs(
        " (default: all)\n"
        "Exit codes: 0 verified, 1 failed or runtime error, 2 usage error, 3 deadlock detected,\n"
        "  4 stopped by a signal after writing a checkpoint (--checkpoint: go on with --restart)\n",
        out);
}

/* Turns a comma-separated list of variant names (or "all") into a bit mask. */
static int select_variants(const plb_program *prog, const char *list, unsigned *mask, char *err,
                           size_t errlen)
{
    *mask = 0;
    const char *p = list;
    do {
        size_t len = strcspn(p, ",");
        unsigned bit = len == 3 && strncmp(p, "all", 3) == 0 ? ~0u : 0;
        for (int i = 0; prog->variants[i] && !bit; i++)
            if (strlen(prog->variants[i]) == len && strncmp(prog->variants[i], p, len) == 0)
                bit = 1u << i;
        if (!bit) {
            char choices[256] = "";
            for (int i = 0; prog->variants[i]; i++)
                snprintf(choices + strlen(choices), sizeof choices - strlen(choices), "%s, ",
                         prog->variants[i]);
            return fail(err, errlen, prog->name, "unknown variant '%.*s' (choose from %sall)",
                        (int)len, p, choices);
        }
        *mask |= bit;
        p += len;
    } while (*p++ == ',');
    return PARSE_RUN;
}

/* seconds as a person reads them: "3.2 hours", "4.4 years". */
static void duration(double s, char *out, size_t len)
{
    if (s < 2 * 86400.0)
        snprintf(out, len, "%.1f hours", s / 3600.0);
    else if (s < 2 * 365.25 * 86400.0)
        snprintf(out, len, "%.1f days", s / 86400.0);
    else
        snprintf(out, len, "%.3g years", s / (365.25 * 86400.0));
}

/* The refusal of a run that cannot end within PLB_MAX_RUN_S, unless --long-run. */
static int too_long(const plb_program *prog, const plb_options *opt, char *err, size_t errlen)
{
    if (!prog->fastest_run_s || opt->long_run)
        return PARSE_RUN;
    double per_run = prog->fastest_run_s(opt), runs = 2.0 + opt->warmup + opt->repeats;
    if (per_run * runs <= PLB_MAX_RUN_S)
        return PARSE_RUN;
    char total[32];
    duration(per_run * runs, total, sizeof total);
    return fail(err, errlen, prog->name,
                "n = %" PRId64 " would take at least %s (%.3g s per run, %.0f runs); --long-run "
                "allows it",
                opt->n, total, per_run, runs);
}

int plb_parse_options(const plb_program *prog, int argc, char **argv, plb_options *opt, FILE *out,
                      char *err, size_t errlen)
{
    char grid[48]; /* the default grid, as --help shows it: "N" when square */
    if (opt->n == opt->cols)
        snprintf(grid, sizeof grid, "%" PRId64, opt->n);
    else
        snprintf(grid, sizeof grid, "%" PRId64 "x%" PRId64, opt->n, opt->cols);
    common_values v = {.n = opt->n,
                       .cols = opt->cols,
                       .grid = grid,
                       .repeats = opt->repeats,
                       .warmup = opt->warmup,
                       .threads = opt->threads,
                       .variant = "all"};
    plb_opt common[COMMON_OPTIONS];
    common_table(&v, prog->grid, common);
    const plb_opt *const tables[2] = {common, prog->extra};
    /* A program's own option named as a common one would never be reached: a programming error,
     * said on every run rather than silently shadowed. */
    const plb_opt *const common_only[2] = {common, NULL};
    for (const plb_opt *o = prog->extra; o && o->long_name; o++)
        if (find_long(common_only, o->long_name, strlen(o->long_name)) ||
            (o->short_name && find_short(common_only, o->short_name)))
            return fail(err, errlen, prog->name, "option '--%s' is defined twice (program error)",
                        o->long_name);

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = NULL;
        const plb_opt *o = NULL;
        if (arg[0] == '-' && arg[1] == '-' && arg[2]) {
            size_t len = strcspn(arg + 2, "=");
            o = find_long(tables, arg + 2, len);
            if (o && arg[2 + len] == '=')
                value = arg + 3 + len;
        } else if (arg[0] == '-' && arg[1] && arg[1] != '-') {
            o = find_short(tables, arg[1]);
            if (o && arg[2])
                value = o->kind == PLB_OPT_FLAG ? NULL : arg + 2;
            if (o && arg[2] && o->kind == PLB_OPT_FLAG)
                o = NULL; /* no clusters of short flags */
        } else {
            return fail(err, errlen, prog->name, "unexpected argument '%s' (try --help)", arg);
        }
        if (!o)
            return fail(err, errlen, prog->name, "unknown option '%s' (try --help)", arg);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
        if (o->kind == PLB_OPT_FLAG) {
            if (value)
                return fail(err, errlen, prog->name, "option '%s' takes no value", name);
            *(bool *)o->target = true;
            continue;
        }
        if (!value) {
            if (i + 1 >= argc)
                return fail(err, errlen, prog->name, "option '%s' needs a value", name);
            value = argv[++i];
        }
        char why[96];
        const char *bad = store(o, value, why, sizeof why);
        if (bad)
            return fail(err, errlen, prog->name, "option '%s': '%s' %s", name, value, bad);
    }

    if (v.help) {
        print_help(out, prog, tables);
        return PLB_EXIT_VERIFIED;
    }
    if (v.version) {
        if (out)
            fprintf(out, "%s (parlab) %s\n", prog->name, plb_version());
        return PLB_EXIT_VERIFIED;
    }
    if (prog->grid) {
        int status = parse_grid(prog, &v, err, errlen);
        if (status != PARSE_RUN)
            return status;
    }
    unsigned mask;
    int status = select_variants(prog, v.variant, &mask, err, errlen);
    if (status != PARSE_RUN)
        return status;
    opt->n = v.n;
    opt->cols = prog->grid ? v.cols : 0;
    opt->repeats = v.repeats;
    opt->warmup = v.warmup;
    opt->threads = v.threads;
    opt->csv = v.csv;
    opt->verbose = v.verbose || v.csv;
    opt->long_run = v.long_run;
    opt->variants = mask;
    opt->argc = argc;
    opt->argv = argv;
    return too_long(prog, opt, err, errlen);
}

int plb_parse_cli(const plb_program *prog, int argc, char **argv, plb_options *opt)
{
    plb_report_by_lines();
    char err[512];
    int status = plb_parse_options(prog, argc, argv, opt, stdout, err, sizeof err);
    if (status == PLB_EXIT_USAGE)
        fprintf(stderr, "%s\n", err);
    return status;
}

bool plb_variant_selected(const plb_program *prog, const plb_options *opt, const char *name)
{
    for (int i = 0; prog->variants[i]; i++)
        if (strcmp(prog->variants[i], name) == 0)
            return opt->variants & (1u << i);
    return false;
}

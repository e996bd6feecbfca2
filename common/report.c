/* report.c: header, table or CSV, and verdict (see report.h). */
#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arrays.h"
#include "exit_codes.h"
#include "machine.h"
#include "memory.h"
#include "simd.h"
#include "version.h"

#if defined(__clang__)
#define PLB_COMPILER __VERSION__
#elif defined(__GNUC__)
#define PLB_COMPILER "gcc " __VERSION__
#else
#define PLB_COMPILER "unknown"
#endif

void plb_report_param(FILE *out, const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(out, "# %-12s: ", name);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

/* The command line as a shell would need it typed again: arguments with odd characters quoted. */
static void print_command(FILE *out, int argc, char **argv)
{
    fprintf(out, "# %-12s:", "command");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            "-_./=:,+%@") == strlen(a)) {
            fprintf(out, " %s", a);
            continue;
        }
        fputs(" '", out);
        for (; *a; a++)
            fputs(*a == '\'' ? "'\\''" : (char[]){*a, 0}, out);
        fputc('\'', out);
    }
    fputc('\n', out);
}

static void report_size(FILE *out, const plb_options *opt)
{
    if (opt->cols) /* a grid: the rows' n column counts its points */
        plb_report_param(out, "n", "%" PRId64 " points: %" PRId64 " x %" PRId64 " interior",
                         plb_grid_points(opt), opt->n, opt->cols);
    else
        plb_report_param(out, "n", "%" PRId64, opt->n);
    plb_report_param(out, "repeats", "%d (after %d warm-up)", opt->repeats, opt->warmup);
}

void plb_report_by_lines(void)
{
    static char out_buffer[BUFSIZ], err_buffer[BUFSIZ];
    static bool done;
    if (done)
        return;
    done = true;
    setvbuf(stdout, out_buffer, _IOLBF, sizeof out_buffer);
    setvbuf(stderr, err_buffer, _IOLBF, sizeof err_buffer);
}

/* The whole header (-v, --csv): everything a result needs to be told apart and compared. */
static void report_full_header(FILE *out, const plb_context *ctx, const plb_machine *machine)
{
    char host[256] = "unknown", date[32] = "unknown";
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "unknown");
    host[sizeof host - 1] = '\0';
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);

    plb_report_param(out, "version", "parlab %s", plb_version());
    plb_report_param(out, "compiler", "%s", PLB_COMPILER);
    plb_report_param(out, "mpi", "%s", ctx->mpi_library ? ctx->mpi_library : "none");
    plb_report_param(out, "host", "%s", host);
    plb_machine_report(out, machine);
    plb_report_param(out, "ranks", "%d", ctx->ranks);
    plb_report_param(out, "threads", "%d", ctx->threads);
    plb_report_param(out, "date", "%s", date);
    const char *which;
    double room = plb_memory_room(&which);
    char human[32];
    plb_memory_format(room, human, sizeof human);
    plb_report_param(out, "memory", "%s may be allocated (%s; %.0f bytes)", human, which, room);
    plb_report_param(out, "pages", "arrays %s (kernel: %s)", plb_array_placement(),
                     plb_huge_pages_mode());
    plb_report_param(out, "simd", "kernels run %s code", plb_simd_level());
    const char *bind = getenv("OMP_PROC_BIND"), *places = getenv("OMP_PLACES");
    plb_report_param(out, "binding", "OMP_PROC_BIND=%s OMP_PLACES=%s", bind ? bind : "(unset)",
                     places ? places : "(unset)");
}

void plb_report_header(FILE *out, const plb_context *ctx, const plb_options *opt)
{
    plb_machine machine;
    plb_machine_read("", &machine);
    plb_report_param(out, "program", "%s", ctx->program);
    if (opt->verbose) {
        report_full_header(out, ctx, &machine);
    } else { /* what a learner needs to trust the times */
        if (ctx->mpi_library)
            plb_report_param(out, "mpi", "%s", ctx->mpi_library);
        plb_machine_brief(out, &machine);
    }
    print_command(out, opt->argc, opt->argv);
    report_size(out, opt);
}

#define TABLE_FORMAT "%-18s %-18s %12s %5s %7s %7s %7s %11s %11s %11s %11s %10s %11s %-12s %s\n"
/* For people: at most 99 columns with a verified word of 14 characters ("lost updates"). */
#define BRIEF_FORMAT "%-18s %5s %7s %10s %10s %9s %9s %-9s %s\n"

void plb_report_columns(FILE *out, const plb_options *opt)
{
    if (opt->csv)
        fputs(PLB_CSV_COLUMNS "\n", out);
    else if (opt->verbose)
        fprintf(out, TABLE_FORMAT, "program", "variant", "n", "ranks", "threads", "repeats",
                "batch", "min_s", "median_s", "mean_s", "max_s", "sd_s", "rate", "rate_unit",
                "verified");
    else
        fprintf(out, BRIEF_FORMAT, "variant", "ranks", "threads", "n", "median", "speedup", "rate",
                "unit", "verified");
}

void plb_report_seconds(double s, char *buf, size_t len)
{
    static const struct {
        const char *name;
        double size;
    } units[] = {{"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
    int u = 0;
    while (u < 3 && s < units[u].size * 0.9995) /* 0.9996 ms is "1 ms", not "1e+03 us" */
        u++;
    snprintf(buf, len, "%.3g %s", s / units[u].size, units[u].name);
}

static void report_brief_row(FILE *out, const plb_result *r)
{
    char n[24], ranks[12], threads[12], median[24], speedup[24] = "-", rate[24];
    snprintf(n, sizeof n, "%" PRId64, r->n);
    snprintf(ranks, sizeof ranks, "%d", r->ranks);
    snprintf(threads, sizeof threads, "%d", r->threads);
    plb_report_seconds(r->time.median, median, sizeof median);
    if (r->disturbed)
        snprintf(speedup, sizeof speedup, "disturbed");
    else if (r->speedup > 0.0)
        snprintf(speedup, sizeof speedup, "%.3gx", r->speedup);
    snprintf(rate, sizeof rate, "%.4g", r->rate);
    const char *verified = !r->verified ? "no" : r->outcome && *r->outcome ? r->outcome : "yes";
    fprintf(out, BRIEF_FORMAT, r->variant, ranks, threads, n, median, speedup, rate, r->rate_unit,
            verified);
}

void plb_report_row(FILE *out, const plb_options *opt, const plb_result *r)
{
    const char *verified = r->verified ? "yes" : "no";
    const plb_stats *t = &r->time;
    if (opt->csv) {
        fprintf(out, "%s,%s,%" PRId64 ",%d,%d,%d,%ld,%.9g,%.9g,%.9g,%.9g,%.3g,%.6g,%s,%s\n",
                r->program, r->variant, r->n, r->ranks, r->threads, r->repeats, r->batch, t->min,
                t->median, t->mean, t->max, t->stddev, r->rate, r->rate_unit, verified);
        return;
    }
    if (!opt->verbose) {
        report_brief_row(out, r);
        return;
    }
    char n[24], ranks[12], threads[12], repeats[12], batch[24], tmin[16], tmed[16], tmean[16],
        tmax[16], sd[16], rate[16];
    snprintf(n, sizeof n, "%" PRId64, r->n);
    snprintf(ranks, sizeof ranks, "%d", r->ranks);
    snprintf(threads, sizeof threads, "%d", r->threads);
    snprintf(repeats, sizeof repeats, "%d", r->repeats);
    snprintf(batch, sizeof batch, "%ld", r->batch);
    snprintf(tmin, sizeof tmin, "%.4e", t->min);
    snprintf(tmed, sizeof tmed, "%.4e", t->median);
    snprintf(tmean, sizeof tmean, "%.4e", t->mean);
    snprintf(tmax, sizeof tmax, "%.4e", t->max);
    snprintf(sd, sizeof sd, "%.2e", t->stddev);
    snprintf(rate, sizeof rate, "%.5g", r->rate);
    fprintf(out, TABLE_FORMAT, r->program, r->variant, n, ranks, threads, repeats, batch, tmin,
            tmed, tmean, tmax, sd, rate, r->rate_unit, verified);
}

static void print_verdict(const plb_options *opt, const char *word, const char *why)
{
    FILE *out = opt->csv ? stderr : stdout;
    fflush(stdout);
    if (why)
        fprintf(out, "%s: %s\n", word, why);
    else
        fprintf(out, "%s\n", word);
    fflush(out);
}

int plb_report_verdict(const plb_options *opt, const char *failure)
{
    print_verdict(opt, failure ? "FAILED" : "VERIFIED", failure);
    return failure ? PLB_EXIT_FAILED : PLB_EXIT_VERIFIED;
}

int plb_vrefuse(const char *program, int code, const char *fmt, va_list ap)
{
    char why[4096]; /* room for a path */
    vsnprintf(why, sizeof why, fmt, ap);
    fprintf(stderr, "%s: %s\n", program, why);
    fflush(stderr);
    return code;
}

int plb_refuse(const char *program, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    plb_vrefuse(program, code, fmt, ap);
    va_end(ap);
    return code;
}

int plb_report_deadlock(const plb_options *opt, const char *why)
{
    print_verdict(opt, "DEADLOCK", why);
    return PLB_EXIT_DEADLOCK;
}

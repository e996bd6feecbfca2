/* lesson.c: measure, report and compare the variants of a lesson program (see lesson.h). */
#include "lesson.h"

#include <string.h>
#include <unistd.h>

#include "machine.h"

/* The CPUs one rank of this run may count on: its own, where the launcher bound it to some of
 * the node's CPUs, else its share of those the node's ranks all may use (0: unknown). */
static double cpus_of_a_rank(const plb_context *ctx)
{
    int cpus = plb_usable_cpus(), node_ranks = ctx->node_ranks > 1 ? ctx->node_ranks : 1;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    bool bound = node_ranks > 1 && online > 0 && cpus < online;
    return bound ? cpus : (double)cpus / node_ranks;
}

/* Why m's run, on `ranks` ranks, was disturbed, into why (empty: it was not, or it cannot be
 * told). A run whose threads outnumber the CPUs it may count on shares its cores by its own
 * design: not judged. */
static void disturbance(const plb_context *ctx, const plb_variant *v, int ranks,
                        const plb_measurement *m, char *why, size_t len)
{
    *why = '\0';
    double cpus = cpus_of_a_rank(ctx);
    if (m->status != PLB_MEASURE_OK || m->stats.mean <= 0.0 || m->stats.min <= 0.0 || cpus <= 0.0 ||
        v->threads > cpus)
        return;
    /* One thread: its own clock, exact at any length; more: the process's, on long samples. */
    bool alone = v->threads == 1 && ranks == 1;
    double busy = (alone ? m->thread_cpu_s : m->cpu_s) / m->stats.mean;
    if (m->stats.median >= PLB_DISTURBED_SPREAD * m->stats.min)
        snprintf(why, len, "took a median %.3g times its fastest sample",
                 m->stats.median / m->stats.min);
    else if (!v->idles && (alone || m->stats.mean * (double)m->batch >= PLB_DISTURBED_SAMPLE_S) &&
             busy < PLB_DISTURBED_BUSY * v->threads)
        snprintf(why, len, "kept %.2f of its %d core%s busy", busy, v->threads,
                 v->threads > 1 ? "s" : "");
}

/* The order the variants run in: `seq` first where it is one (the speedups need its time), then
 * the others as the program lists them. */
static int run_order(const plb_variant *v, int count, int order[PLB_MAX_VARIANTS])
{
    int k = 0;
    for (int i = 0; i < count && i < PLB_MAX_VARIANTS; i++)
        if (strcmp(v[i].name, "seq") == 0)
            order[k++] = i;
    for (int i = 0; i < count && i < PLB_MAX_VARIANTS; i++)
        if (strcmp(v[i].name, "seq") != 0)
            order[k++] = i;
    return k;
}

const char *plb_run_variants(const plb_program *prog, const plb_context *ctx,
                             const plb_options *opt, plb_variant *v, int count,
                             const plb_sync *sync, FILE *out, plb_measurement *measured)
{
    static char failure[512];
    const char *first_failure = NULL;
    double seq_median = 0.0, seq_width = 1.0;
    bool seq_disturbed = false; /* then every speedup is */
    int others = 0;             /* variants measured besides seq */
    double medians[PLB_MAX_VARIANTS] = {0};
    int ranks[PLB_MAX_VARIANTS] = {0}, order[PLB_MAX_VARIANTS];
    char disturbed[PLB_MAX_VARIANTS][96];
    plb_measurement kept[PLB_MAX_VARIANTS]; /* each selected variant's, for the notes */

    if (out)
        plb_report_columns(out, opt);
    int ordered = run_order(v, count, order);
    for (int k = 0; k < ordered; k++) {
        int i = order[k];
        kept[i].status = -1;
        disturbed[i][0] = '\0';
        if (measured)
            measured[i].status = -1;
        if (!plb_variant_selected(prog, opt, v[i].name))
            continue;
        plb_measure_cfg cfg = {.warmup = opt->warmup,
                               .warmup_s = PLB_WARMUP_S,
                               .repeats = opt->repeats,
                               .plausible_s = v[i].plausible_s,
                               .sync = sync};
        plb_measurement m;
        int status = plb_measure(&v[i].kernel, &cfg, &m);
        kept[i] = m;
        if (measured)
            measured[i] = m;
        if (status != PLB_MEASURE_OK && !first_failure) {
            snprintf(failure, sizeof failure, "%s: %s%s%s", v[i].name, plb_measure_error(status),
                     v[i].detail && *v[i].detail ? ": " : "", v[i].detail ? v[i].detail : "");
            first_failure = failure;
        }
        int seq = strcmp(v[i].name, "seq") == 0;
        ranks[i] = seq ? 1 : ctx->ranks; /* seq is one process (under MPI: the root alone) */
        medians[i] = status == PLB_MEASURE_OK ? m.stats.median : 0.0;
        disturbance(ctx, &v[i], ranks[i], &m, disturbed[i], sizeof disturbed[i]);
        if (measured)
            measured[i].disturbed = disturbed[i][0] != '\0';
        if (seq) {
            seq_median = medians[i];
            seq_width = v[i].threads;
            seq_disturbed = disturbed[i][0] != '\0';
        } else {
            others++;
        }
        plb_result r = {
            .program = prog->name,
            .variant = v[i].name,
            .n = plb_grid_points(opt),
            .ranks = ranks[i],
            .threads = v[i].threads,
            .repeats = opt->repeats,
            .batch = m.batch,
            .time = m.stats,
            .rate = plb_rate(v[i].amount, m.stats.median, v[i].unit),
            .rate_unit = v[i].rate_unit,
            .verified = status == PLB_MEASURE_OK,
            .speedup = !seq && seq_median > 0.0 && medians[i] > 0.0 ? seq_median / medians[i] : 0.0,
            .disturbed = disturbed[i][0] != '\0' || (!seq && seq_disturbed),
            .outcome = v[i].outcome};
        if (out)
            plb_report_row(out, opt, &r);
    }
    bool any = false;
    for (int k = 0; out && k < ordered; k++)
        if (disturbed[order[k]][0]) {
            fprintf(out, "# disturbed   : %s %s\n", v[order[k]].name, disturbed[order[k]]);
            any = true;
        }
    if (any) /* within 100 columns */
        fprintf(out,
                "# disturbed   : so those times%s are not the lesson; rerun it on a quieter "
                "machine\n",
                seq_disturbed && others      ? " and all speedups"
                : seq_median > 0.0 && others ? " and speedups"
                                             : "");
    if (!out || !opt->verbose)
        return first_failure;
    /* Every run behind the rows, calibration and warm-up included, and the guard they met. */
    for (int k = 0; k < ordered; k++)
        if (kept[order[k]].status == PLB_MEASURE_OK)
            fprintf(out,
                    "# runs        : %s %ld in all; %d samples kept, %ld run%s each, every "
                    "sample at least %.3g s\n",
                    v[order[k]].name, kept[order[k]].runs, opt->repeats, kept[order[k]].batch,
                    kept[order[k]].batch > 1 ? "s" : "", kept[order[k]].guard_s);
    /* CPU time against real time: a thread waiting costs none, a thread spinning a whole core. */
    for (int k = 0; k < ordered; k++) {
        const plb_measurement *m = &kept[order[k]];
        if (m->status == PLB_MEASURE_OK && m->stats.mean > 0.0)
            fprintf(out, "# cpu         : %s %.3g s CPU per %.3g s real: %.2f cores busy%s\n",
                    v[order[k]].name, m->cpu_s, m->stats.mean, m->cpu_s / m->stats.mean,
                    ctx->ranks > 1 ? " on rank 0" : "");
    }
    /* Efficiency: speedup per worker added, workers being ranks x threads. */
    for (int k = 0; seq_median > 0.0 && k < ordered; k++) {
        int i = order[k];
        if (medians[i] > 0.0 && strcmp(v[i].name, "seq") != 0)
            fprintf(out,
                    "# speedup     : %s %.3gx over seq on %d rank%s x %d threads "
                    "(efficiency %.3g)\n",
                    v[i].name, seq_median / medians[i], ranks[i], ranks[i] > 1 ? "s" : "",
                    v[i].threads, seq_median / medians[i] * seq_width / (ranks[i] * v[i].threads));
    }
    return first_failure;
}

const char *plb_compared(const plb_measurement *m, const plb_measurement *base, char *buf,
                         size_t len)
{
    if (m->status != PLB_MEASURE_OK || base->status != PLB_MEASURE_OK || m->disturbed ||
        base->disturbed || m->stats.median <= 0.0 || base->stats.median <= 0.0)
        return NULL;
    double r = base->stats.median / m->stats.median;
    if (r >= PLB_SAME_WITHIN)
        snprintf(buf, len, "%.3gx faster than", r);
    else if (r <= 1.0 / PLB_SAME_WITHIN)
        snprintf(buf, len, "%.3gx slower than", 1.0 / r);
    else
        snprintf(buf, len, "about as fast as");
    return buf;
}

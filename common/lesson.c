/* lesson.c: measure, report and compare the variants of a lesson program (see lesson.h). */
#include "lesson.h"

#include <string.h>

#include "machine.h"

/* The cores a variant on `threads` threads could have kept busy: its threads, at most this
 * process's share of its CPUs when the node's ranks share them. */
static double cores_available(const plb_context *ctx, int threads)
{
    int cpus = plb_usable_cpus(), node_ranks = ctx->node_ranks > 1 ? ctx->node_ranks : 1;
    double share = cpus > 0 ? (double)cpus / node_ranks : threads;
    return threads < share ? threads : share;
}

/* Why m's run was disturbed, into why (empty: it was not). */
static void disturbance(const plb_context *ctx, const plb_variant *v, const plb_measurement *m,
                        char *why, size_t len)
{
    *why = '\0';
    if (m->status != PLB_MEASURE_OK || m->stats.mean <= 0.0 || m->stats.min <= 0.0)
        return;
    double busy = m->cpu_s / m->stats.mean, could = cores_available(ctx, v->threads);
    if (m->stats.median >= PLB_DISTURBED_SPREAD * m->stats.min)
        snprintf(why, len, "took a median %.3g times its fastest sample",
                 m->stats.median / m->stats.min);
    else if (!v->idles && m->stats.mean * (double)m->batch >= PLB_DISTURBED_SAMPLE_S &&
             busy < PLB_DISTURBED_BUSY * could)
        snprintf(why, len, "kept %.2f of its %.3g cores busy", busy, could);
}

const char *plb_run_variants(const plb_program *prog, const plb_context *ctx,
                             const plb_options *opt, plb_variant *v, int count,
                             const plb_sync *sync, FILE *out, plb_measurement *measured)
{
    static char failure[512];
    const char *first_failure = NULL;
    double seq_median = 0.0, seq_width = 1.0;
    bool seq_disturbed = false; /* then every speedup is */
    double medians[PLB_MAX_VARIANTS] = {0};
    int ranks[PLB_MAX_VARIANTS] = {0};
    char disturbed[PLB_MAX_VARIANTS][96];
    plb_measurement kept[PLB_MAX_VARIANTS]; /* each selected variant's, for the notes */

    if (out)
        plb_report_columns(out, opt);
    for (int i = 0; i < count && i < PLB_MAX_VARIANTS; i++) {
        kept[i].status = -1;
        disturbed[i][0] = '\0';
        if (measured)
            measured[i].status = -1;
        if (!plb_variant_selected(prog, opt, v[i].name))
            continue;
        plb_measure_cfg cfg = {.warmup = opt->warmup, .warmup_s = PLB_WARMUP_S,
                               .repeats = opt->repeats,
                               .plausible_s = v[i].plausible_s, .sync = sync};
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
        if (seq) {
            seq_median = medians[i];
            seq_width = v[i].threads;
        }
        disturbance(ctx, &v[i], &m, disturbed[i], sizeof disturbed[i]);
        if (seq)
            seq_disturbed = disturbed[i][0] != '\0';
        plb_result r = {.program = prog->name, .variant = v[i].name, .n = plb_grid_points(opt),
                        .ranks = ranks[i], .threads = v[i].threads, .repeats = opt->repeats,
                        .batch = m.batch, .time = m.stats,
                        .rate = plb_rate(v[i].amount, m.stats.median, v[i].unit),
                        .rate_unit = v[i].rate_unit, .verified = status == PLB_MEASURE_OK,
                        .speedup = !seq && seq_median > 0.0 && medians[i] > 0.0
                                       ? seq_median / medians[i] : 0.0,
                        .disturbed = disturbed[i][0] != '\0' || (!seq && seq_disturbed),
                        .outcome = v[i].outcome};
        if (out)
            plb_report_row(out, opt, &r);
    }
    bool any = false;
    for (int i = 0; out && i < count && i < PLB_MAX_VARIANTS; i++)
        if (disturbed[i][0]) {
            fprintf(out, "# disturbed   : %s %s\n", v[i].name, disturbed[i]);
            any = true;
        }
    if (any)
        fprintf(out, "# disturbed   : so those times%s not the lesson: run it again on a "
                     "quieter machine\n", seq_disturbed      ? ", and every speedup, are"
                                           : seq_median > 0.0 ? " and speedups are"
                                                              : " are");
    if (!out || !opt->verbose)
        return first_failure;
    /* Every run behind the rows, calibration and warm-up included, and the guard they met. */
    for (int i = 0; i < count && i < PLB_MAX_VARIANTS; i++)
        if (kept[i].status == PLB_MEASURE_OK)
            fprintf(out, "# runs        : %s %ld in all; %d samples kept, %ld run%s each, every "
                         "sample at least %.3g s\n", v[i].name, kept[i].runs, opt->repeats,
                    kept[i].batch, kept[i].batch > 1 ? "s" : "", kept[i].guard_s);
    /* CPU time against real time: a thread waiting costs none, a thread spinning a whole core. */
    for (int i = 0; i < count && i < PLB_MAX_VARIANTS; i++)
        if (kept[i].status == PLB_MEASURE_OK && kept[i].stats.mean > 0.0)
            fprintf(out, "# cpu         : %s %.3g s CPU per %.3g s real: %.2f cores busy%s\n",
                    v[i].name, kept[i].cpu_s, kept[i].stats.mean, kept[i].cpu_s / kept[i].stats.mean,
                    ctx->ranks > 1 ? " on rank 0" : "");
    /* Efficiency: speedup per worker added, workers being ranks x threads. */
    for (int i = 0; seq_median > 0.0 && i < count && i < PLB_MAX_VARIANTS; i++)
        if (medians[i] > 0.0 && strcmp(v[i].name, "seq") != 0)
            fprintf(out, "# speedup     : %s %.3gx over seq on %d rank%s x %d threads "
                         "(efficiency %.3g)\n", v[i].name, seq_median / medians[i], ranks[i],
                    ranks[i] > 1 ? "s" : "", v[i].threads,
                    seq_median / medians[i] * seq_width / (ranks[i] * v[i].threads));
    return first_failure;
}

/* measure.c: calibrated, guarded repetition runner (see measure.h). */
#include "measure.h"

#include <stdlib.h>

#include "clock.h"

static void sync_barrier(const plb_sync *s)
{
    if (s && s->barrier)
        s->barrier(s->ctx);
}

static double sync_max(const plb_sync *s, double value)
{
    return s && s->max ? s->max(value, s->ctx) : value;
}

/* Runs one batch; returns its time, the span a user waits: from the first rank's start to the last
 * rank's end. Each rank times from the opening barrier to the closing one, and the longest of
 * those is the span: a rank that was scheduled late starts its clock late, but it cannot end the
 * batch before the last rank is done. The span is agreed before anyone verifies: on ranks that
 * share cores, a rank still to read its clock after the barrier would otherwise wait for a core
 * behind the others' checking, and count that wait (12% of a scatter/gather round at 4 ranks on
 * 2 cores). *wrong is set when any rank's verify failed; cpu[0] gets the CPU time this process
 * spent in the batch, cpu[1] that of the calling thread alone. */
static double timed_batch(const plb_kernel *k, const plb_sync *s, long batch, int *wrong,
                          double cpu[2])
{
    if (k->prepare)
        k->prepare(k->arg);
    sync_barrier(s);
    double start = plb_now(), cpu_start = plb_cpu_now(), thread_start = plb_thread_cpu_now();
    for (long i = 0; i < batch; i++)
        k->run(k->arg);
    sync_barrier(s);
    double elapsed = plb_now() - start;
    cpu[0] = plb_cpu_now() - cpu_start;
    cpu[1] = plb_thread_cpu_now() - thread_start;
    double span = sync_max(s, elapsed);
    double bad = k->verify && k->verify(k->arg, batch) != 0 ? 1.0 : 0.0;
    *wrong = sync_max(s, bad) > 0.0;
    return span;
}

static int finish(plb_measurement *out, int status)
{
    out->status = status;
    return status;
}

int plb_measure(const plb_kernel *k, const plb_measure_cfg *cfg, plb_measurement *out)
{
    *out = (plb_measurement){0};
    if (!k || !k->run || cfg->repeats < 1 || cfg->warmup < 0)
        return finish(out, PLB_MEASURE_BAD_CONFIG);

    const plb_sync *s = cfg->sync;
    long max_batch = cfg->max_batch > 0 ? cfg->max_batch : PLB_MAX_BATCH;
    /* Every rank must apply the same guard, so the resolution is agreed too. */
    out->guard_s = cfg->min_sample_s > 0 ? cfg->min_sample_s
                                         : PLB_GUARD_FACTOR * sync_max(s, plb_clock_resolution());

    /* Calibrate to twice the guard, confirmed by two batches in a row, so that a cold first run
     * (page faults, caches) cannot fix a batch that later warm samples fall short with.
     * These batches double as the first warm-up. */
    double target = 2.0 * out->guard_s;
    int wrong = 0, passes = 0;
    long batch = 1;
    double cpu[2], cpu_kept = 0.0, thread_cpu_kept = 0.0;
    while (passes < 2) {
        double t = timed_batch(k, s, batch, &wrong, cpu);
        out->runs += batch;
        if (wrong)
            return finish(out, PLB_MEASURE_UNVERIFIED);
        if (t >= target) {
            passes++;
            continue;
        }
        passes = 0;
        if (batch >= max_batch)
            return finish(out, PLB_MEASURE_TOO_SHORT);
        batch = 2 * batch < max_batch ? 2 * batch : max_batch;
    }

    double *samples = malloc((size_t)cfg->repeats * sizeof *samples);
    /* Agree on the allocation so no rank is left alone in the next barrier. */
    if (sync_max(s, samples ? 0.0 : 1.0) > 0.0) {
        free(samples);
        return finish(out, PLB_MEASURE_NO_MEMORY);
    }
    /* Warm-up: cfg->warmup samples, and on until they have taken cfg->warmup_s. t is the span,
     * the same on every rank, so every rank decides alike when warm-up ends. */
    int status = PLB_MEASURE_OK, warm = 0, kept = 0;
    double warm_s = 0.0;
    while (kept < cfg->repeats && status == PLB_MEASURE_OK) {
        double t = timed_batch(k, s, batch, &wrong, cpu);
        out->runs += batch;
        if (wrong) {
            status = PLB_MEASURE_UNVERIFIED;
        } else if (t < out->guard_s) {
            /* Warm runs got faster than calibration saw (a thread team, caches, clock speed):
             * repeat more and start the samples again, rather than keep a noisy one. */
            if (batch >= max_batch)
                status = PLB_MEASURE_TOO_SHORT;
            batch = 2 * batch < max_batch ? 2 * batch : max_batch;
            warm = kept = 0;
            warm_s = cpu_kept = thread_cpu_kept = 0.0;
        } else if (warm < cfg->warmup || (cfg->warmup > 0 && warm_s < cfg->warmup_s)) {
            warm++;
            warm_s += t;
        } else {
            samples[kept++] = t / (double)batch;
            cpu_kept += cpu[0];
            thread_cpu_kept += cpu[1];
        }
    }
    out->batch = batch;
    out->cpu_s = cpu_kept / ((double)cfg->repeats * (double)batch);
    out->thread_cpu_s = thread_cpu_kept / ((double)cfg->repeats * (double)batch);
    if (status == PLB_MEASURE_OK && plb_stats_compute(samples, (size_t)cfg->repeats, &out->stats))
        status = PLB_MEASURE_NO_MEMORY;
    free(samples);
    if (status == PLB_MEASURE_OK && out->stats.min < cfg->plausible_s)
        status = PLB_MEASURE_IMPLAUSIBLE;
    return finish(out, status);
}

const char *plb_measure_error(int status)
{
    switch (status) {
    case PLB_MEASURE_OK: return "ok";
    case PLB_MEASURE_TOO_SHORT: return "measurement too short for the clock, even repeated";
    case PLB_MEASURE_IMPLAUSIBLE: return "implausibly fast: the work was optimised away";
    case PLB_MEASURE_UNVERIFIED: return "result does not verify";
    case PLB_MEASURE_NO_MEMORY: return "out of memory while measuring";
    default: return "bad measurement configuration";
    }
}

double plb_rate(double amount_per_run, double seconds_per_run, double unit)
{
    return seconds_per_run > 0.0 ? amount_per_run / seconds_per_run / unit : 0.0;
}

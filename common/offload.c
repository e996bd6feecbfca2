/* offload.c: where target regions run, and what the device costs (see offload.h). */
#include "offload.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "memory.h"
#include "stats.h"

/* PLB_OFFLOAD (the Makefile's, with OFFLOAD=nvptx or cpu): the target this build offloads to. */
#ifdef PLB_OFFLOAD
#define PLB_OFFLOADS 1
#else
#define PLB_OFFLOAD "none"
#define PLB_OFFLOADS 0
#endif

const char *plb_offload_target(void)
{
    return PLB_OFFLOAD;
}

bool plb_offload_mandatory(void)
{
    const char *v = getenv("OMP_TARGET_OFFLOAD");
    return v && strcasecmp(v, "MANDATORY") == 0;
}

bool plb_offload_usable(char *why, size_t len)
{
    if (!plb_offload_mandatory() || omp_get_num_devices() > 0)
        return true;
    snprintf(why, len,
             "OMP_TARGET_OFFLOAD=MANDATORY, but OpenMP sees no device to offload to "
             "(this build offloads to: %s)",
             plb_offload_target());
    return false;
}

bool plb_offload_fits(double bytes, char *why, size_t len)
{
#if PLB_OFFLOADS
    if (omp_get_num_devices() < 1)
        return true;
    int device = omp_get_default_device();
    void *probe = bytes < 0x1p62 ? omp_target_alloc((size_t)bytes, device) : NULL;
    if (probe) {
        omp_target_free(probe, device);
        return true;
    }
    char human[32];
    plb_memory_format(bytes, human, sizeof human);
    snprintf(why, len, "needs %s on the offload device, which cannot allocate them", human);
    return false;
#else
    /* Without offload the target regions run on the host, whose memory plb_memory_check has
     * already checked; and clang's libomp, without libomptarget, has no omp_target_alloc. */
    (void)bytes, (void)why, (void)len;
    return true;
#endif
}

void plb_report_device(FILE *out)
{
    const char *policy = getenv("OMP_TARGET_OFFLOAD");
    fprintf(out,
            "# device      : %d offload device%s seen by OpenMP (default %d); "
            "OMP_TARGET_OFFLOAD=%s; this build offloads to %s\n",
            omp_get_num_devices(), omp_get_num_devices() == 1 ? "" : "s", omp_get_default_device(),
            policy ? policy : "(unset)", plb_offload_target());
    int initial = 1;
    double start = plb_now();
#pragma omp target map(from : initial)
    initial = omp_is_initial_device();
    fprintf(out,
            "# first launch: %.3g s, on the %s (device start-up%s; later launches are "
            "quicker)\n",
            plb_now() - start, initial ? "host" : "device",
            !initial && strcmp(PLB_OFFLOAD, "nvptx-none") == 0
                ? ", and the driver's compile of the PTX for this GPU"
                : "");
}

static void copy_on_device(const uint64_t *a, uint64_t *b, int64_t n)
{
#pragma omp target teams distribute parallel for simd
    for (int64_t i = 0; i < n; i++)
        b[i] = a[i];
}

/* How many of b's elements differ from a's, counted on the device. */
static int64_t copy_errors(const uint64_t *a, const uint64_t *b, int64_t n)
{
    int64_t wrong = 0;
#pragma omp target teams distribute parallel for simd reduction(+ : wrong) map(tofrom : wrong)
    for (int64_t i = 0; i < n; i++)
        wrong += a[i] != b[i];
    return wrong;
}

double plb_device_copy_seconds(const void *a, void *b, int64_t n, int repeats)
{
    double *samples = malloc((size_t)(repeats > 0 ? repeats : 1) * sizeof *samples);
    if (!samples)
        return 0.0;
    copy_on_device(a, b, n); /* warm-up */
    for (int r = 0; r < repeats; r++) {
        double start = plb_now();
        copy_on_device(a, b, n);
        samples[r] = plb_now() - start;
    }
    plb_stats s;
    int bad = plb_stats_compute(samples, (size_t)repeats, &s) != 0 || copy_errors(a, b, n) != 0;
    free(samples);
    return bad ? 0.0 : s.median;
}

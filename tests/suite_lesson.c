/* suite_lesson.c: the runner every lesson program's main calls (plb_run_variants): the variants
 * -V selects and only those, a row each, the notes, the speedup against seq, and the first failure
 * with its detail, whether the result was wrong or the work was optimised away. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lesson.h"
#include "suites.h"

/* A kernel whose run takes `seconds` (a sleep: no CPU), or five times that in two runs of every
 * three when `uneven`, and whose result is wrong when told so. */
typedef struct fake {
    double seconds;
    int wrong;
    bool uneven;
    long runs;
    char detail[PLB_DETAIL_LEN];
} fake;

static void fake_run(void *arg)
{
    fake *f = arg;
    double seconds = f->uneven && f->runs % 3 != 0 ? 5 * f->seconds : f->seconds;
    f->runs++;
    if (seconds > 0) {
        struct timespec t = {0, (long)(seconds * 1e9)};
        nanosleep(&t, NULL);
    }
}

static int fake_verify(void *arg, long runs)
{
    fake *f = arg;
    (void)runs;
    if (f->wrong)
        snprintf(f->detail, sizeof f->detail, "element 7 is 8, expected 7");
    return f->wrong;
}

static const char *const names[] = {"seq", "parallel", "tasks", NULL};
static const plb_program prog = {.name = "lesson_test", .summary = "a test", .variants = names};

typedef struct outcome {
    const char *failure;
    char *text; /* what the runner printed (freed by the caller) */
    plb_measurement m[3];
} outcome;

/* How run_three runs: -v or not; whether the fakes' sleeps are their lesson (idles); whether
 * the variants but seq claim 2 threads, or more than any machine has CPUs (oversubscribed). */
enum { QUIET = 0, VERBOSE = 1, IDLES = 2, TWO = 4, OVERSUBSCRIBED = 8 };

static outcome run_three(fake f[3], unsigned selected, double plausible_s, int how)
{
    plb_options opt = {.n = 1000, .repeats = 3, .variants = selected, .verbose = how & VERBOSE};
    plb_context ctx = {.program = prog.name, .ranks = 1, .threads = 2};
    plb_variant v[3];
    for (int i = 0; i < 3; i++)
        v[i] = (plb_variant){.name = names[i], /* 1 thread: judged on a 1-CPU machine too */
                             .threads = i == 0                 ? 1
                                        : how & OVERSUBSCRIBED ? 1 << 20
                                        : how & TWO            ? 2
                                                               : 1,
                             .kernel = {NULL, fake_run, fake_verify, &f[i]},
                             .amount = 8000.0,
                             .unit = 1e6,
                             .rate_unit = "MB/s",
                             .plausible_s = plausible_s,
                             .detail = f[i].detail,
                             .idles = how & IDLES};
    outcome o = {0};
    size_t size;
    FILE *out = open_memstream(&o.text, &size);
    o.failure = plb_run_variants(&prog, &ctx, &opt, v, 3, NULL, out, o.m);
    fclose(out);
    return o;
}

static int count_lines(const char *text, const char *start)
{
    int found = 0;
    size_t len = strlen(start);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        found += strncmp(p, start, len) == 0;
    return found;
}

/* Whether every line of text is under 100 columns, the width promised to people. */
static bool all_under_100(const char *text)
{
    for (const char *p = text; *p; p = strchr(p, '\n') + 1)
        if (strchr(p, '\n') - p >= 100)
            return false;
    return true;
}

static void test_all_verified(void)
{
    fake f[3] = {{.seconds = 2e-3}, {.seconds = 1e-3}, {.seconds = 1e-3}};
    outcome o = run_three(f, 7u, 0.0, VERBOSE | IDLES);
    CU_ASSERT_PTR_NULL(o.failure);
    CU_ASSERT_EQUAL(count_lines(o.text, "lesson_test "), 3);
    CU_ASSERT_EQUAL(count_lines(o.text, "# runs        : "), 3);
    CU_ASSERT_EQUAL(count_lines(o.text, "# cpu         : "), 3);
    CU_ASSERT_EQUAL(count_lines(o.text, "# speedup     : "), 2); /* not seq against itself */
    CU_ASSERT_PTR_NOT_NULL(strstr(o.text, "# speedup     : parallel "));
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(o.m[i].status, PLB_MEASURE_OK);
        CU_ASSERT(f[i].runs >= 3); /* at least the samples kept */
        CU_ASSERT(o.m[i].stats.min >= f[i].seconds);
    }
    CU_ASSERT(o.m[0].cpu_s >= 0.0); /* (how much: libomp's idle threads spin, libgomp's sleep) */
    free(o.text);
}

/* For people: a row each in 100 columns, its speedup over seq in the row, and no notes. */
static void test_brief(void)
{
    /* sleeps long enough that a loaded machine does not spread them 2 to 1 (disturbed) */
    fake f[3] = {{.seconds = 8e-2}, {.seconds = 4e-2}, {.seconds = 4e-2}};
    outcome o = run_three(f, 7u, 0.0, QUIET | IDLES);
    CU_ASSERT_PTR_NULL(o.failure);
    CU_ASSERT_EQUAL(count_lines(o.text, "variant "), 1);
    CU_ASSERT_EQUAL(count_lines(o.text, "seq "), 1);
    CU_ASSERT_EQUAL(count_lines(o.text, "parallel "), 1);
    CU_ASSERT_EQUAL(count_lines(o.text, "#"), 0);
    CU_ASSERT(all_under_100(o.text));
    const char *parallel = strstr(o.text, "\nparallel ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(parallel);
    double median, speedup;
    char unit[8];
    /* variant ranks threads n median (a number and its unit) speedup */
    CU_ASSERT_EQUAL_FATAL(
        sscanf(parallel, " parallel 1 1 1000 %lf %7s %lfx", &median, unit, &speedup), 3);
    CU_ASSERT_STRING_EQUAL(unit, "ms");
    CU_ASSERT(median >= 40.0);
    CU_ASSERT_DOUBLE_EQUAL(speedup, o.m[0].stats.median / o.m[1].stats.median, 0.01 * speedup);
    free(o.text);
}

/* A variant that slept where it should have computed kept no core busy; one whose samples spread
 * 5 to 1 lost its core for a while: both runs are disturbed, their rows and a note say so. */
static void test_disturbed(void)
{
    fake f[3] = {{.seconds = 6e-2}, {.seconds = 6e-2}, {.seconds = 6e-2}};
    outcome o = run_three(f, 3u, 0.0, QUIET);
    CU_ASSERT_PTR_NULL(o.failure);
    /* (kept no core busy; or, on a loaded machine, spread too: that is said first) */
    CU_ASSERT_EQUAL(count_lines(o.text, "# disturbed   : seq "), 1);
    CU_ASSERT_EQUAL(count_lines(o.text, "# disturbed   : parallel "), 1);
    CU_ASSERT_EQUAL(count_lines(o.text, "# disturbed   : so those times and all speedups are not "
                                        "the lesson; rerun it on a quieter machine"),
                    1);
    CU_ASSERT_PTR_NOT_NULL(strstr(o.text, " disturbed "));
    CU_ASSERT(all_under_100(o.text));
    CU_ASSERT(o.m[0].disturbed && o.m[1].disturbed);
    char how[48];
    CU_ASSERT_PTR_NULL(plb_compared(&o.m[1], &o.m[0], how, sizeof how)); /* no finding from it */
    free(o.text);
    /* (seq's short sleeps may spread too on a loaded machine: only parallel's line is certain) */
    fake g[3] = {{.seconds = 2e-3}, {.seconds = 2e-3, .uneven = true}, {.seconds = 2e-3}};
    o = run_three(g, 3u, 0.0, QUIET | IDLES);
    CU_ASSERT_EQUAL(count_lines(o.text, "# disturbed   : parallel took a median "), 1);
    CU_ASSERT_EQUAL(count_lines(o.text, "# disturbed   : so those times and "), 1);
    free(o.text);
    /* Samples too short for the process's CPU clock: 2 threads' cores busy is not judged; one
     * thread's own clock is exact, and judges it at any length. */
    fake h[3] = {{.seconds = 2e-2}, {.seconds = 2e-2}, {.seconds = 2e-2}};
    o = run_three(h, 3u, 0.0, QUIET | TWO);
    CU_ASSERT_EQUAL(count_lines(o.text, "# disturbed   : seq "), 1);
    CU_ASSERT_EQUAL(count_lines(o.text, "# disturbed   : parallel kept "), 0);
    free(o.text);
    /* More threads than CPUs: the run shares its cores by design, and is not judged. */
    fake k[3] = {{.seconds = 6e-2}, {.seconds = 6e-2}, {.seconds = 6e-2}};
    o = run_three(k, 2u, 0.0, QUIET | OVERSUBSCRIBED);
    CU_ASSERT_EQUAL(count_lines(o.text, "# disturbed   : "), 0);
    CU_ASSERT(!o.m[0].disturbed && !o.m[1].disturbed);
    free(o.text);
}

/* A finding's words for two medians: beyond 20% apart faster or slower, by how much; within,
 * about as fast; none from a run that failed or was disturbed. */
static void test_compared(void)
{
    plb_measurement seq = {.stats = {.median = 1.0}, .status = PLB_MEASURE_OK};
    plb_measurement m = seq;
    char how[48];
    m.stats.median = 0.25;
    CU_ASSERT_STRING_EQUAL(plb_compared(&m, &seq, how, sizeof how), "4x faster than");
    m.stats.median = 5.0;
    CU_ASSERT_STRING_EQUAL(plb_compared(&m, &seq, how, sizeof how), "5x slower than");
    m.stats.median = 1.19;
    CU_ASSERT_STRING_EQUAL(plb_compared(&m, &seq, how, sizeof how), "about as fast as");
    m.stats.median = 1.0 / 1.19;
    CU_ASSERT_STRING_EQUAL(plb_compared(&m, &seq, how, sizeof how), "about as fast as");
    m.stats.median = 1.0 / 1.21;
    CU_ASSERT_STRING_EQUAL(plb_compared(&m, &seq, how, sizeof how), "1.21x faster than");
    m.disturbed = true;
    CU_ASSERT_PTR_NULL(plb_compared(&m, &seq, how, sizeof how));
    m.disturbed = false;
    seq.status = PLB_MEASURE_UNVERIFIED;
    CU_ASSERT_PTR_NULL(plb_compared(&m, &seq, how, sizeof how));
    seq.status = -1; /* not selected */
    CU_ASSERT_PTR_NULL(plb_compared(&m, &seq, how, sizeof how));
}

static void test_only_selected(void)
{
    fake f[3] = {{.seconds = 1e-4}, {.seconds = 1e-4}, {.seconds = 1e-4}};
    outcome o = run_three(f, 2u, 0.0, VERBOSE | IDLES); /* -V parallel */
    CU_ASSERT_PTR_NULL(o.failure);
    CU_ASSERT_EQUAL(f[0].runs, 0);
    CU_ASSERT(f[1].runs > 0);
    CU_ASSERT_EQUAL(f[2].runs, 0);
    CU_ASSERT_EQUAL(o.m[0].status, -1);
    CU_ASSERT_EQUAL(o.m[2].status, -1);
    CU_ASSERT_EQUAL(count_lines(o.text, "lesson_test "), 1);
    CU_ASSERT_EQUAL(count_lines(o.text, "# speedup     : "), 0); /* no seq to compare with */
    free(o.text);
}

static void test_first_failure_with_detail(void)
{
    fake f[3] = {{.seconds = 1e-4}, {.seconds = 1e-4, .wrong = 1}, {.seconds = 1e-4, .wrong = 1}};
    outcome o = run_three(f, 7u, 0.0, VERBOSE | IDLES);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o.failure);
    CU_ASSERT_STRING_EQUAL(o.failure,
                           "parallel: result does not verify: element 7 is 8, expected 7");
    CU_ASSERT_EQUAL(o.m[1].status, PLB_MEASURE_UNVERIFIED);
    CU_ASSERT_EQUAL(o.m[2].status, PLB_MEASURE_UNVERIFIED);
    /* Every selected variant still has its row, the failed ones marked. */
    CU_ASSERT_EQUAL(count_lines(o.text, "lesson_test "), 3);
    CU_ASSERT(strstr(o.text, " yes\n") && strstr(o.text, " no\n"));
    free(o.text);
}

/* A kernel that does nothing, held to a fastest believable time, is caught. */
static void test_no_op_caught(void)
{
    fake f[3] = {{.seconds = 0}, {.seconds = 0}, {.seconds = 0}};
    outcome o = run_three(f, 1u, 1e-3, QUIET | IDLES);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o.failure);
    CU_ASSERT_PTR_NOT_NULL(strstr(o.failure, "seq: implausibly fast"));
    CU_ASSERT_EQUAL(o.m[0].status, PLB_MEASURE_IMPLAUSIBLE);
    free(o.text);
}

CU_TestInfo lesson_tests[] = {
    {"every selected variant: a row, its notes, the speedup over seq", test_all_verified},
    {"for people: 100 columns, the speedup in the row, no notes", test_brief},
    {"a run that kept too few cores busy, or spread, is disturbed", test_disturbed},
    {"a finding's words: faster, about as fast, slower; none if disturbed", test_compared},
    {"-V runs the variants it names and no others", test_only_selected},
    {"the first failure, with what verify found", test_first_failure_with_detail},
    {"a kernel that does nothing is implausibly fast", test_no_op_caught},
    CU_TEST_INFO_NULL,
};

/* suite_report.c: the output contract: header, columns, rows, verdict and exit codes. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_codes.h"
#include "report.h"
#include "suites.h"

static const plb_result sample = {
    .program = "omp_test",
    .variant = "seq",
    .n = 1000,
    .ranks = 1,
    .threads = 2,
    .repeats = 5,
    .batch = 64,
    .time =
        {.count = 5, .min = 0.001, .median = 0.002, .mean = 0.0021, .max = 0.003, .stddev = 0.0004},
    .rate = 4.0,
    .rate_unit = "GB/s",
    .verified = true,
};

/* --csv, -v and neither (for people). */
static const plb_options as_csv = {.csv = true, .verbose = true}, verbose = {.verbose = true},
                         brief = {.verbose = false};

/* Runs `call` with `out` a memory stream; text receives what it printed (the caller frees it). */
#define CAPTURE(text, call)                                                                        \
    do {                                                                                           \
        size_t size_;                                                                              \
        FILE *out = open_memstream(&(text), &size_);                                               \
        call;                                                                                      \
        fclose(out);                                                                               \
    } while (0)

static void test_csv_row(void)
{
    char *text = NULL;
    CAPTURE(text, plb_report_row(out, &as_csv, &sample));
    CU_ASSERT_STRING_EQUAL(
        text, "omp_test,seq,1000,1,2,5,64,0.001,0.002,0.0021,0.003,0.0004,4,GB/s,yes\n");
    free(text);
    plb_result wrong = sample;
    wrong.verified = false;
    CAPTURE(text, plb_report_row(out, &as_csv, &wrong));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, ",GB/s,no\n"));
    free(text);
}

static void test_columns(void)
{
    char *text = NULL;
    CAPTURE(text, plb_report_columns(out, &as_csv));
    CU_ASSERT_STRING_EQUAL(text, "program,variant,n,ranks,threads,repeats,batch,min_s,median_s,"
                                 "mean_s,max_s,sd_s,rate,rate_unit,verified\n");
    free(text);
}

static int count_fields(const char *line)
{
    int fields = 0;
    for (const char *p = line; *p;) {
        p += strspn(p, " \n");
        if (*p)
            fields++;
        p += strcspn(p, " \n");
    }
    return fields;
}

static void test_table_matches_csv(void)
{
    /* With -v, the aligned table has the CSV's columns, in the same order. */
    char *head = NULL, *row = NULL;
    CAPTURE(head, plb_report_columns(out, &verbose));
    CAPTURE(row, plb_report_row(out, &verbose, &sample));
    CU_ASSERT_EQUAL(count_fields(head), 15);
    CU_ASSERT_EQUAL(count_fields(row), 15);
    CU_ASSERT_EQUAL(strncmp(head, "program", 7), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(head, "median_s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(row, "2.0000e-03"));
    CU_ASSERT_PTR_NOT_NULL(strstr(row, " 64 "));       /* the batch */
    CU_ASSERT_PTR_NOT_NULL(strstr(row, "2.1000e-03")); /* the mean */
    CU_ASSERT_PTR_NOT_NULL(strstr(row, "4.00e-04"));   /* the standard deviation */
    /* aligned: the last column starts at the same place */
    CU_ASSERT_EQUAL(strstr(head, "verified") - head, strstr(row, "yes\n") - row);
    free(head);
    free(row);
}

/* For people: variant, ranks, threads, n, the median in its unit, the speedup, the rate and the
 * verdict, aligned, in under 100 columns; a disturbed run says so instead of its speedup. */
static void test_brief_table(void)
{
    char *head = NULL, *row = NULL;
    CAPTURE(head, plb_report_columns(out, &brief));
    plb_result r = sample;
    r.variant = "reduction";
    r.speedup = 1.953;
    CAPTURE(row, plb_report_row(out, &brief, &r));
    CU_ASSERT_EQUAL(count_fields(head), 9);
    CU_ASSERT_EQUAL(strncmp(head, "variant ", 8), 0);
    CU_ASSERT_EQUAL(strncmp(row, "reduction ", 10), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(row, " 2 ms "));
    CU_ASSERT_PTR_NOT_NULL(strstr(row, " 1.95x "));
    CU_ASSERT_PTR_NOT_NULL(strstr(row, " GB/s "));
    CU_ASSERT_EQUAL(strstr(head, "verified") - head, strstr(row, "yes\n") - row);
    CU_ASSERT(strlen(head) < 100 && strlen(row) < 100);
    free(row);
    r.disturbed = true;
    r.outcome = "lost updates";
    CAPTURE(row, plb_report_row(out, &brief, &r));
    CU_ASSERT_PTR_NOT_NULL(strstr(row, " disturbed "));
    CU_ASSERT_PTR_NULL(strstr(row, "1.95"));
    CU_ASSERT_PTR_NOT_NULL(strstr(row, " lost updates\n"));
    CU_ASSERT(strlen(row) < 100);
    free(row);
    r.verified = false; /* a wrong result is "no", whatever the program's word */
    CAPTURE(row, plb_report_row(out, &brief, &r));
    CU_ASSERT_PTR_NOT_NULL(strstr(row, " no\n"));
    free(row);
    free(head);
}

static void test_seconds(void)
{
    static const struct {
        double s;
        const char *text;
    } cases[] = {{2.5e-9, "2.5 ns"},     {3.5751e-4, "358 us"}, {9.996e-4, "1 ms"},
                 {7.9851e-3, "7.99 ms"}, {1.25, "1.25 s"},      {0.0, "0 ns"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        plb_report_seconds(cases[i].s, buf, sizeof buf);
        CU_ASSERT_STRING_EQUAL(buf, cases[i].text);
    }
}

static void test_header(void)
{
    char *argv[] = {"bin/omp_test", "-n", "16M", "--label", "a b", "it's", NULL};
    plb_options opt = {
        .n = 16777216, .repeats = 5, .warmup = 1, .argc = 6, .argv = argv, .verbose = true};
    plb_context ctx = {
        .program = "omp_test", .ranks = 3, .threads = 2, .mpi_library = "Test MPI 1.0"};
    char *text = NULL;
    CAPTURE(text, plb_report_header(out, &ctx, &opt); plb_report_param(out, "chunk", "%d", 8));
    static const char *const lines[] = {
        "# program     : omp_test\n",
        "# version     : parlab ",
        "# compiler    : ",
        "# mpi         : Test MPI 1.0\n",
        "# host        : ",
        "# processor   : ",
        "# topology    : ",
        "# caches      : ",
        "# numa        : ",
        "# ram         : ",
        "# kernel      : ",
        "# isolation   : ",
        "# load        : ",
        "# job         : ",
        "# ranks       : 3\n",
        "# threads     : 2\n",
        "# date        : 20",
        "# command     : bin/omp_test -n 16M --label 'a b' 'it'\\''s'\n",
        "# n           : 16777216\n",
        "# repeats     : 5 (after 1 warm-up)\n",
        "# chunk       : 8\n"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(text, lines[i]));
    /* Every header line is a comment, so CSV readers skip them. */
    for (const char *p = text; *p; p = strchr(p, '\n') + 1)
        CU_ASSERT_EQUAL(*p, '#');
    free(text);
    ctx.mpi_library = NULL;
    CAPTURE(text, plb_report_header(out, &ctx, &opt));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "# mpi         : none\n"));
    free(text);
}

/* Without -v: the lines a learner needs to trust the times, and no more. */
static void test_brief_header(void)
{
    char *argv[] = {"bin/omp_test", "-n", "16M", NULL};
    plb_options opt = {.n = 16777216, .repeats = 5, .warmup = 1, .argc = 3, .argv = argv};
    plb_context ctx = {
        .program = "omp_test", .ranks = 3, .threads = 2, .mpi_library = "Test MPI 1.0"};
    char *text = NULL;
    CAPTURE(text, plb_report_header(out, &ctx, &opt));
    static const char *const lines[] = {"# program     : omp_test\n",
                                        "# mpi         : Test MPI 1.0\n",
                                        "# topology    : ",
                                        "# load        : ",
                                        "# command     : bin/omp_test -n 16M\n",
                                        "# n           : 16777216\n",
                                        "# repeats     : 5 (after 1 warm-up)\n"};
    int count = 0;
    for (const char *p = text; *p; p = strchr(p, '\n') + 1)
        count++;
    CU_ASSERT(count == 7 || count == 8); /* and "# job" in a batch job */
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(text, lines[i]));
    CU_ASSERT_PTR_NULL(strstr(text, "# version"));
    free(text);
    ctx.mpi_library = NULL; /* an OpenMP program: no mpi line */
    CAPTURE(text, plb_report_header(out, &ctx, &opt));
    CU_ASSERT_PTR_NULL(strstr(text, "# mpi"));
    free(text);
}

/* What verdict() says: the verdict, a watchdog's deadlock, or a refusal before the run. */
typedef enum { VERDICT, DEADLOCK, REFUSAL } saying;

/* Says failure as `how` with stdout and stderr sent to files; returns its exit code. */
static int verdict(bool csv, const char *failure, saying how, char *out, char *err, size_t len)
{
    plb_options opt = {.csv = csv};
    FILE *o = tmpfile(), *e = tmpfile();
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fileno(o), 1);
    dup2(fileno(e), 2);
    int code = how == DEADLOCK  ? plb_report_deadlock(&opt, failure)
               : how == REFUSAL ? plb_refuse("omp_test", PLB_EXIT_USAGE, "%s", failure)
                                : plb_report_verdict(&opt, failure);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    FILE *files[2] = {o, e};
    char *bufs[2] = {out, err};
    for (int i = 0; i < 2; i++) {
        rewind(files[i]);
        size_t got = fread(bufs[i], 1, len - 1, files[i]);
        bufs[i][got] = '\0';
        fclose(files[i]);
    }
    return code;
}

static void test_verdicts(void)
{
    char out[256], err[256];
    CU_ASSERT_EQUAL(verdict(false, NULL, VERDICT, out, err, sizeof out), PLB_EXIT_VERIFIED);
    CU_ASSERT_STRING_EQUAL(out, "VERIFIED\n");
    CU_ASSERT_STRING_EQUAL(err, "");
    CU_ASSERT_EQUAL(verdict(false, "seq: b[7] = 0, expected 49", VERDICT, out, err, sizeof out),
                    PLB_EXIT_FAILED);
    CU_ASSERT_STRING_EQUAL(out, "FAILED: seq: b[7] = 0, expected 49\n");
    /* With --csv, stdout stays pure CSV: the verdict goes to stderr. */
    CU_ASSERT_EQUAL(verdict(true, NULL, VERDICT, out, err, sizeof out), PLB_EXIT_VERIFIED);
    CU_ASSERT_STRING_EQUAL(out, "");
    CU_ASSERT_STRING_EQUAL(err, "VERIFIED\n");
    CU_ASSERT_EQUAL(verdict(false, "no progress for 2 s", DEADLOCK, out, err, sizeof out),
                    PLB_EXIT_DEADLOCK);
    CU_ASSERT_STRING_EQUAL(out, "DEADLOCK: no progress for 2 s\n");
    /* A refusal: one line naming the program on stderr, nothing on stdout, exit 2. */
    CU_ASSERT_EQUAL(verdict(false, "n is over 2^40 items", REFUSAL, out, err, sizeof out),
                    PLB_EXIT_USAGE);
    CU_ASSERT_STRING_EQUAL(out, "");
    CU_ASSERT_STRING_EQUAL(err, "omp_test: n is over 2^40 items\n");
}

CU_TestInfo report_tests[] = {
    {"CSV row: documented columns, exact values", test_csv_row},
    {"CSV header line is the contract", test_columns},
    {"table has the CSV's columns, aligned", test_table_matches_csv},
    {"for people: 9 columns under 100, speedup, disturbed, outcome", test_brief_table},
    {"times for people: 3 digits and a unit", test_seconds},
    {"header: provenance, quoted command, parameters", test_header},
    {"header for people: 7 lines, the job where there is one", test_brief_header},
    {"verdict and refusal lines, exit codes", test_verdicts},
    CU_TEST_INFO_NULL,
};

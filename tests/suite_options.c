/* suite_options.c: the shared command line, good input and every class of bad input. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "exit_codes.h"
#include "options.h"
#include "suites.h"

static const char *const variants[] = {"seq", "parallel", "tasks", NULL};
static double timeout_s = 5.0;
static bool demo;
static int chunk = 4;
static int64_t items = 0; /* 0: the program chooses */
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "timeout", .kind = PLB_OPT_REAL, .target = &timeout_s, .min = 0.001, .max = 3600, .arg_name = "SECONDS", .help = "watchdog"},
    {.long_name = "demo", .kind = PLB_OPT_FLAG, .target = &demo, .help = "show the demo"},
    {.long_name = "chunk", .short_name = 'c', .kind = PLB_OPT_INT, .target = &chunk, .min = 1, .max = 1000, .arg_name = "C", .help = "chunk size"},
    {.long_name = "items", .kind = PLB_OPT_COUNT, .target = &items, .min = 1, .arg_name = "K", .help = "items in all"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program prog = {
    .name = "tprog", .summary = "a test program", .variants = variants, .extra = extra};

static plb_options defaults(void)
{
    timeout_s = 5.0;
    demo = false;
    chunk = 4;
    return (plb_options){.n = 1000, .repeats = 10, .warmup = 1, .threads = 0};
}

/* Parses a NULL-terminated argument list after the program name. */
/* The end of parse's list: a pointer, as va_arg reads it (NULL may be a plain 0). */
#define END ((const char *)NULL)

static int parse(plb_options *opt, char *err, const char *first, ...)
{
    char *argv[32] = {"tprog"};
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    FILE *sink = fopen("/dev/null", "w");
    int status = plb_parse_options(&prog, argc, argv, opt, sink, err, 256);
    fclose(sink);
    return status;
}

static void test_defaults_kept(void)
{
    plb_options opt = defaults();
    char err[256];
    CU_ASSERT_EQUAL(parse(&opt, err, END), -1);
    CU_ASSERT_EQUAL(opt.n, 1000);
    CU_ASSERT_EQUAL(opt.repeats, 10);
    CU_ASSERT_EQUAL(opt.warmup, 1);
    CU_ASSERT_EQUAL(opt.threads, 0);
    CU_ASSERT_FALSE(opt.csv);
    CU_ASSERT_EQUAL(opt.variants, ~0u);
    CU_ASSERT_EQUAL(opt.argc, 1);
}

static void test_forms(void)
{
    plb_options opt = defaults();
    char err[256];
    CU_ASSERT_EQUAL(parse(&opt, err, "-n", "16M", "--repeat=7", "-w0", "--threads", "3", "--csv",
                          "--timeout", "2.5", "--demo", "-c", "9", END),
                    -1);
    CU_ASSERT_EQUAL(opt.n, 16 << 20);
    CU_ASSERT_EQUAL(opt.repeats, 7);
    CU_ASSERT_EQUAL(opt.warmup, 0);
    CU_ASSERT_EQUAL(opt.threads, 3);
    CU_ASSERT_TRUE(opt.csv);
    CU_ASSERT_DOUBLE_EQUAL(timeout_s, 2.5, 0.0);
    CU_ASSERT_TRUE(demo);
    CU_ASSERT_EQUAL(chunk, 9);
    CU_ASSERT_EQUAL(parse(&opt, err, "--size=1e6", "-n", "1000", "-n1G", END), -1);
    CU_ASSERT_EQUAL(opt.n, INT64_C(1) << 30); /* the last occurrence wins */
}

static void test_counts(void)
{
    static const struct {
        const char *text;
        int64_t value;
    } good[] = {
        {"1000", 1000},
        {"1e6", 1000000},
        {"1E6", 1000000},
        {"16M", 16777216},
        {"1G", 1073741824},
        {"1k", 1024},
        {"1.5K", 1536},
        {"0.5k", 512},
        {"2T", INT64_C(2) << 40},
        {"1000e-3", 1},
        {"2.5e3", 2500},
        {"0", 0},
        {"007", 7},
        {"9223372036854775807", INT64_MAX},
        {"1000003", 1000003},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t v = -1;
        CU_ASSERT_PTR_NULL(plb_parse_count(good[i].text, &v));
        CU_ASSERT_EQUAL(v, good[i].value);
    }
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"", "is not a number"},           {"abc", "is not a number"},
        {"16X", "is not a number"},        {"1e", "is not a number"},
        {"K", "is not a number"},          {"1KK", "is not a number"},
        {" 1", "is not a number"},         {"1 ", "is not a number"},
        {"0x10", "is not a number"},       {"-5", "is negative"},
        {"-1e6", "is negative"},           {"1.5", "is not a whole number"},
        {"1e-3", "is not a whole number"}, {"9223372036854775808", "is too large"},
        {"1e30", "is too large"},          {"99999999999999999999", "is too large"},
        {"16777216T", "is too large"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 42;
        const char *why = plb_parse_count(bad[i].text, &v);
        CU_ASSERT_PTR_NOT_NULL(why);
        CU_ASSERT_STRING_EQUAL(why ? why : "", bad[i].why);
        CU_ASSERT_EQUAL(v, 42);
    }
}

/* Every bad command line gives exit 2 and one line naming the program and the problem, and
 * leaves the options as they were. */
static void expect_error(const char *a, const char *b, const char *c, const char *message)
{
    plb_options opt = defaults();
    char err[256] = "";
    CU_ASSERT_EQUAL(parse(&opt, err, a, b, c, END), PLB_EXIT_USAGE);
    CU_ASSERT_STRING_EQUAL(err, message);
    CU_ASSERT_PTR_NULL(strchr(err, '\n'));
    CU_ASSERT_EQUAL(opt.n, 1000);
    CU_ASSERT_EQUAL(opt.repeats, 10);
}

static void test_bad_input(void)
{
    expect_error("-r", "abc", NULL, "tprog: option '-r': 'abc' is not a number");
    expect_error("--size", "12x", NULL, "tprog: option '--size': '12x' is not a number");
    expect_error("-w", "-1", NULL, "tprog: option '-w': '-1' is negative");
    expect_error("-n", "0", NULL, "tprog: option '-n': '0' is below the minimum 1");
    expect_error("-r", "0", NULL, "tprog: option '-r': '0' is below the minimum 1");
    expect_error("--threads=0", NULL, NULL,
                 "tprog: option '--threads': '0' is below the minimum 1");
    expect_error("-r", "3000000000", NULL,
                 "tprog: option '-r': '3000000000' is too large (maximum 2147483647)");
    expect_error("-n", "1e19", NULL, "tprog: option '-n': '1e19' is too large");
    expect_error("-n", "2.5", NULL, "tprog: option '-n': '2.5' is not a whole number");
    expect_error("-n", NULL, NULL, "tprog: option '-n' needs a value");
    expect_error("-r", "5", "--repeat", "tprog: option '--repeat' needs a value");
    expect_error("--bogus", NULL, NULL, "tprog: unknown option '--bogus' (try --help)");
    expect_error("-x", NULL, NULL, "tprog: unknown option '-x' (try --help)");
    expect_error("-hn", NULL, NULL, "tprog: unknown option '-hn' (try --help)");
    expect_error("--csv=yes", NULL, NULL, "tprog: option '--csv' takes no value");
    expect_error("extra", NULL, NULL, "tprog: unexpected argument 'extra' (try --help)");
    expect_error("-", NULL, NULL, "tprog: unexpected argument '-' (try --help)");
    expect_error("-V", "seq,bogus", NULL,
                 "tprog: unknown variant 'bogus' (choose from seq, parallel, tasks, all)");
    expect_error("-V", "", NULL,
                 "tprog: unknown variant '' (choose from seq, parallel, tasks, all)");
    expect_error("--timeout", "nan", NULL, "tprog: option '--timeout': 'nan' is not a number");
    expect_error("--timeout", "-1", NULL, "tprog: option '--timeout': '-1' is negative");
    expect_error("--timeout", "1e400", NULL, "tprog: option '--timeout': '1e400' is too large");
    expect_error("--timeout", "0", NULL,
                 "tprog: option '--timeout': '0' is below the minimum 0.001");
    expect_error("-c", "1001", NULL, "tprog: option '-c': '1001' is too large (maximum 1000)");
}

/* A program's own option that is named as a common one is refused on every run. */
static void test_shadowed_option(void)
{
    static int64_t size;
    /* clang-format off */
    static const plb_opt clash[] = {
        {.long_name = "size", .kind = PLB_OPT_COUNT, .target = &size, .arg_name = "PX", .help = "shadowed by -n"},
        PLB_OPT_END,
    };
    /* clang-format on */
    const plb_program shadowing = {
        .name = "tprog", .summary = "", .variants = variants, .extra = clash};
    plb_options opt = defaults();
    char *argv[] = {"tprog", NULL};
    char err[256] = "";
    FILE *sink = fopen("/dev/null", "w");
    CU_ASSERT_EQUAL(plb_parse_options(&shadowing, 1, argv, &opt, sink, err, sizeof err),
                    PLB_EXIT_USAGE);
    fclose(sink);
    CU_ASSERT_STRING_EQUAL(err, "tprog: option '--size' is defined twice (program error)");
}

static void test_variants(void)
{
    const plb_program *p = &prog;
    plb_options opt = defaults();
    char err[256];
    CU_ASSERT_EQUAL(parse(&opt, err, "-V", "parallel", END), -1);
    CU_ASSERT_FALSE(plb_variant_selected(p, &opt, "seq"));
    CU_ASSERT_TRUE(plb_variant_selected(p, &opt, "parallel"));
    CU_ASSERT_FALSE(plb_variant_selected(p, &opt, "tasks"));
    CU_ASSERT_EQUAL(parse(&opt, err, "--variant=tasks,seq", END), -1);
    CU_ASSERT_TRUE(plb_variant_selected(p, &opt, "seq"));
    CU_ASSERT_FALSE(plb_variant_selected(p, &opt, "parallel"));
    CU_ASSERT_TRUE(plb_variant_selected(p, &opt, "tasks"));
    CU_ASSERT_FALSE(plb_variant_selected(p, &opt, "nonexistent"));
    CU_ASSERT_EQUAL(parse(&opt, err, "-V", "all", END), -1);
    CU_ASSERT_TRUE(plb_variant_selected(p, &opt, "seq") && plb_variant_selected(p, &opt, "tasks"));
}

/* Runs a parse whose output goes to a memory stream and returns what it printed. */
static int parse_printing(const char *arg, char *printed, size_t len)
{
    plb_options opt = defaults();
    char *argv[] = {"tprog", (char *)arg, NULL};
    char err[256] = "";
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    int status = plb_parse_options(&prog, 2, argv, &opt, out, err, sizeof err);
    fclose(out);
    snprintf(printed, len, "%s", buf ? buf : "");
    free(buf);
    return status;
}

static void test_help_and_version(void)
{
    char printed[4096];
    CU_ASSERT_EQUAL(parse_printing("--help", printed, sizeof printed), PLB_EXIT_VERIFIED);
    CU_ASSERT_PTR_NOT_NULL(strstr(printed, "Usage: tprog [options]"));
    static const char *const expected[] = {"-n, --size N",
                                           "-r, --repeat R",
                                           "-w, --warmup W",
                                           "-t, --threads T",
                                           "-V, --variant LIST",
                                           "--csv",
                                           "-h, --help",
                                           "--version",
                                           "--timeout SECONDS",
                                           "--demo",
                                           "-c, --chunk C",
                                           "(default: 1000)",
                                           "(default: automatic)",
                                           "items in all (default: automatic)",
                                           "Variants: seq parallel tasks",
                                           "Exit codes: 0 verified"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(printed, expected[i]));
    CU_ASSERT_EQUAL(parse_printing("-h", printed, sizeof printed), PLB_EXIT_VERIFIED);
    CU_ASSERT_EQUAL(parse_printing("--version", printed, sizeof printed), PLB_EXIT_VERIFIED);
    CU_ASSERT_EQUAL(strncmp(printed, "tprog (parlab) ", 15), 0);
}

/* A grid program's -n: N for N x N, or RxC; rows in n, columns in cols. */
static void test_grid_sizes(void)
{
    plb_program grid = prog;
    grid.grid = true;
    static const struct {
        const char *arg;
        int64_t rows, cols;
    } good[] = {{"4096", 4096, 4096},
                {"37x41", 37, 41},
                {"2Kx8K", 2048, 8192},
                {"1x1", 1, 1},
                {"1e3x7", 1000, 7}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        plb_options opt = {.n = 64, .cols = 64, .repeats = 1};
        char *argv[] = {"tprog", "-n", (char *)good[i].arg, NULL};
        char err[256];
        CU_ASSERT_EQUAL(plb_parse_options(&grid, 3, argv, &opt, NULL, err, sizeof err), -1);
        CU_ASSERT_EQUAL(opt.n, good[i].rows);
        CU_ASSERT_EQUAL(opt.cols, good[i].cols);
    }
    static const struct {
        const char *arg, *why;
    } bad[] = {{"12x", "tprog: option '-n': '12x' is not a number (a grid is N or RxC)"},
               {"x12", "tprog: option '-n': 'x12' is not a number (a grid is N or RxC)"},
               {"0x5", "tprog: option '-n': '0x5' is below the minimum 1 (a grid is N or RxC)"},
               {"5x5x5", "tprog: option '-n': '5x5x5' is not a number (a grid is N or RxC)"},
               {"4Gx4G",
                "tprog: option '-n': '4Gx4G' is too large (over 2^63 points) (a grid is N or "
                "RxC)"},
               {"-3", "tprog: option '-n': '-3' is negative (a grid is N or RxC)"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        plb_options opt = {.n = 64, .cols = 64, .repeats = 1};
        char *argv[] = {"tprog", "-n", (char *)bad[i].arg, NULL};
        char err[256] = "";
        CU_ASSERT_EQUAL(plb_parse_options(&grid, 3, argv, &opt, NULL, err, sizeof err),
                        PLB_EXIT_USAGE);
        CU_ASSERT_STRING_EQUAL(err, bad[i].why);
    }
    /* A program without a grid keeps -n a count and reports no columns. */
    plb_options opt = {.n = 64, .repeats = 1};
    char *argv[] = {"tprog", "-n", "37x41", NULL};
    char err[256];
    CU_ASSERT_EQUAL(plb_parse_options(&prog, 3, argv, &opt, NULL, err, sizeof err), PLB_EXIT_USAGE);
    CU_ASSERT_EQUAL(opt.cols, 0);
    CU_ASSERT_EQUAL(plb_grid_points(&(plb_options){.n = 37, .cols = 41}), 37 * 41);
}

CU_TestInfo options_tests[] = {
    {"a grid program's -n: N or RxC", test_grid_sizes},
    {"defaults are kept without arguments", test_defaults_kept},
    {"short, long, attached and = forms", test_forms},
    {"sizes: 1000, 1e6, 16M, 1G and bad ones", test_counts},
    {"every bad input: exit 2, one line", test_bad_input},
    {"an option named twice is refused, not shadowed", test_shadowed_option},
    {"variant selection", test_variants},
    {"help and version exit 0", test_help_and_version},
    CU_TEST_INFO_NULL,
};

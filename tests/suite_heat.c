/* suite_heat.c: the heat equation's model (omp/heat.h): the update, the closed-form checks and
 * what they catch, the checksum, the reference, and the refusals of unstable or inexact runs. */
#include <math.h>
#include <string.h>

#include "heat.h"
#include "suites.h"

/* `steps` steps of the whole field, as the sequential variant takes them; skip_boundary leaves
 * the exact check's moving boundary behind (a stale ring), lazy computes nothing. */
static void steps_of(const heat_problem *p, heat_block *b, int64_t steps, int skip_boundary,
                     int lazy)
{
    for (int64_t k = 0; k < steps; k++) {
        if (!skip_boundary)
            heat_set_boundary(p, b, k);
        if (!lazy)
            heat_sweep(b, p->r, 1, b->rows + 1, 1, b->cols + 1);
        heat_block_swap(b);
    }
}

static void test_row_update(void)
{
    /* A point of 4 with neighbours 1, 2, 3 and 6: the bracket is 12 - 16 = -4. */
    double up[3] = {0, 1, 0}, mid[3] = {2, 4, 3}, down[3] = {0, 6, 0}, out[3] = {-1, -1, -1};
    heat_row(up, mid, down, out, 1, 2, 0.25);
    CU_ASSERT_EQUAL(out[1], 3.0); /* 4 + 0.25 * -4: the average of the four neighbours */
    CU_ASSERT_EQUAL(out[0], -1.0);
    CU_ASSERT_EQUAL(out[2], -1.0);
    heat_row(up, mid, down, out, 1, 2, 0.125);
    CU_ASSERT_EQUAL(out[1], 3.5);
}

static void test_refusals(void)
{
    heat_problem p = {.rows = 8, .cols = 8, .r = 0.25, .check = HEAT_CHECK_SEQ};
    CU_ASSERT_PTR_NULL(heat_problem_check(&p));
    p.r = 0.0;
    CU_ASSERT_PTR_NOT_NULL(heat_problem_check(&p));
    p.r = 0.2500001;
    CU_ASSERT_PTR_NOT_NULL(strstr(heat_problem_check(&p), "unstable"));
    p.r = 0.2;
    CU_ASSERT_PTR_NULL(heat_problem_check(&p));
    p.check = HEAT_CHECK_EXACT; /* 4 * 0.2 is not exact in binary */
    CU_ASSERT_PTR_NOT_NULL(strstr(heat_problem_check(&p), "1/8"));
    p.r = 0.125;
    CU_ASSERT_PTR_NULL(heat_problem_check(&p));
    p.rows = p.cols = INT64_C(1) << 26; /* i^2 + j^2 near 2^53: not exact for long */
    CU_ASSERT_PTR_NOT_NULL(heat_problem_check(&p));
}

static void test_exact_check(void)
{
    /* Prime sides, so no loop of a power-of-two width hides a mistake. */
    for (int r8 = 1; r8 <= 2; r8++) {
        heat_problem p = {.rows = 37, .cols = 41, .r = 0.125 * r8, .check = HEAT_CHECK_EXACT};
        heat_block b;
        CU_ASSERT_EQUAL_FATAL(heat_block_create(&b, &p, 37, 41, 0, 0, 1), 0);
        char detail[160] = "";
        CU_ASSERT_EQUAL(heat_check_block(&p, &b, 0, detail, sizeof detail), 0);
        steps_of(&p, &b, 7, 0, 0);
        CU_ASSERT_EQUAL(heat_check_block(&p, &b, 7, detail, sizeof detail), 0);
        CU_ASSERT_EQUAL(b.u[5 * b.stride + 9], 5 * 5 + 9 * 9 + 7 * 4 * p.r);
        /* the same field is wrong at any other step: the check sees the step count */
        CU_ASSERT_EQUAL(heat_check_block(&p, &b, 6, detail, sizeof detail), 37 * 41);
        /* a stale boundary is caught where it touches the interior, at its first step */
        heat_block_reset(&b, &p);
        steps_of(&p, &b, 1, 1, 0);
        CU_ASSERT_EQUAL(heat_check_block(&p, &b, 1, detail, sizeof detail), 0);
        steps_of(&p, &b, 1, 1, 0);
        CU_ASSERT(heat_check_block(&p, &b, 2, detail, sizeof detail) > 0);
        /* a kernel that computes nothing fails everywhere */
        heat_block_reset(&b, &p);
        steps_of(&p, &b, 1, 0, 1);
        CU_ASSERT_EQUAL(heat_check_block(&p, &b, 1, detail, sizeof detail), 37 * 41);
        CU_ASSERT_PTR_NOT_NULL(strstr(detail, "after 1 step"));
        heat_block_free(&b);
    }
}

static void test_mode_check(void)
{
    heat_problem p = {.rows = 29, .cols = 31, .r = 0.25, .check = HEAT_CHECK_MODE};
    heat_block b;
    CU_ASSERT_EQUAL_FATAL(heat_block_create(&b, &p, 29, 31, 0, 0, 1), 0);
    char detail[160] = "";
    steps_of(&p, &b, 40, 0, 0);
    CU_ASSERT_EQUAL(heat_check_block(&p, &b, 40, detail, sizeof detail), 0);
    /* the amplitude did decay: the check is not vacuous */
    double lambda = heat_mode_factor(&p);
    CU_ASSERT(lambda > 0.0 && lambda < 1.0);
    CU_ASSERT(pow(lambda, 40) < 0.9);
    heat_block_reset(&b, &p);
    steps_of(&p, &b, 40, 0, 1);
    CU_ASSERT(heat_check_block(&p, &b, 40, detail, sizeof detail) > 0);
    heat_block_free(&b);
}

static void test_checksum(void)
{
    heat_problem p = {.rows = 23, .cols = 19, .r = 0.25, .check = HEAT_CHECK_SEQ};
    heat_block b;
    CU_ASSERT_EQUAL_FATAL(heat_block_create(&b, &p, 23, 19, 0, 0, 1), 0);
    steps_of(&p, &b, 5, 0, 0);
    uint64_t whole = heat_checksum(&b);
    /* the blocks of any cut add up to the whole: here 3 x 2 uneven blocks, as views */
    uint64_t sum = 0;
    const int64_t cut_rows[] = {0, 7, 15, 23}, cut_cols[] = {0, 10, 19};
    for (int a = 0; a < 3; a++)
        for (int c = 0; c < 2; c++) {
            heat_block view = {.rows = cut_rows[a + 1] - cut_rows[a],
                               .cols = cut_cols[c + 1] - cut_cols[c],
                               .i0 = cut_rows[a],
                               .j0 = cut_cols[c],
                               .stride = b.stride};
            view.u = b.u + view.i0 * b.stride + view.j0;
            sum += heat_checksum(&view);
        }
    CU_ASSERT_EQUAL(sum, whole);
    /* one bit of one value changes it; so does swapping two values */
    uint64_t bits;
    memcpy(&bits, &b.u[4 * b.stride + 4], sizeof bits);
    bits ^= 1;
    memcpy(&b.u[4 * b.stride + 4], &bits, sizeof bits);
    CU_ASSERT_NOT_EQUAL(heat_checksum(&b), whole);
    bits ^= 1;
    memcpy(&b.u[4 * b.stride + 4], &bits, sizeof bits);
    CU_ASSERT_EQUAL(heat_checksum(&b), whole);
    double t = b.u[1 * b.stride + 1];
    b.u[1 * b.stride + 1] = b.u[1 * b.stride + 2];
    b.u[1 * b.stride + 2] = t;
    CU_ASSERT(b.u[1 * b.stride + 1] == b.u[1 * b.stride + 2] || heat_checksum(&b) != whole);
    heat_block_free(&b);
}

static void test_reference(void)
{
    heat_problem p = {.rows = 31, .cols = 17, .r = 0.25, .check = HEAT_CHECK_SEQ};
    heat_reference ref;
    heat_block b;
    CU_ASSERT_EQUAL_FATAL(heat_reference_create(&ref, &p, 2), 0);
    CU_ASSERT_EQUAL_FATAL(heat_block_create(&b, &p, 31, 17, 0, 0, 1), 0);
    steps_of(&p, &b, 4, 0, 0);
    int64_t i = -1, j = -1;
    heat_reference_at(&ref, 9); /* past it, then back: it starts over */
    CU_ASSERT_EQUAL(heat_compare(&b, heat_reference_at(&ref, 4), &i, &j), 0);
    steps_of(&p, &b, 1, 0, 0);
    CU_ASSERT_EQUAL(heat_compare(&b, heat_reference_at(&ref, 5), &i, &j), 0);
    CU_ASSERT_EQUAL(heat_compare(&b, heat_reference_at(&ref, 6), &i, &j), 1);
    CU_ASSERT(i >= 1 && i <= 31 && j >= 1 && j <= 17);
    /* the plate is drawn: a hot disc, a cold square, edges at four temperatures */
    const heat_block *start = heat_reference_at(&ref, 0);
    CU_ASSERT_EQUAL(start->u[0 * start->stride + 5], 100.0);
    CU_ASSERT_EQUAL(start->u[32 * start->stride + 5], 0.0);
    CU_ASSERT_EQUAL(start->u[5 * start->stride + 0], 75.0);
    CU_ASSERT_EQUAL(start->u[5 * start->stride + 18], 50.0);
    CU_ASSERT_EQUAL(start->u[11 * start->stride + 6], 100.0); /* the disc, at (R+1)/3, (C+1)/3 */
    CU_ASSERT_EQUAL(start->u[21 * start->stride + 12], 0.0);  /* the square, at 2/3 */
    CU_ASSERT_EQUAL(start->u[3 * start->stride + 15], 20.0);  /* the plate */
    heat_block_free(&b);
    heat_reference_free(&ref);
}

CU_TestInfo heat_tests[] = {
    {"the row update: the four neighbours' average at r = 1/4", test_row_update},
    {"unstable r and inexact exact checks are refused", test_refusals},
    {"exact check: right on a prime grid; stale ring, wrong step, no-op caught", test_exact_check},
    {"mode check: decays within the bound; a no-op is caught", test_mode_check},
    {"checksum: blocks add up, one bit changes it", test_checksum},
    {"reference: advances, starts over, draws the plate", test_reference},
    CU_TEST_INFO_NULL,
};

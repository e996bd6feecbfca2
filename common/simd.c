/* simd.c: which of the kernels' clones this CPU runs (simd.h). */
#include "simd.h"

const char *plb_simd_level(void)
{
#ifdef PLB_HAS_CPU_CLONES
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return "x86-64-v4 (AVX-512)";
    if (__builtin_cpu_supports("x86-64-v3"))
        return "x86-64-v3 (AVX2)";
    return "x86-64";
#else
    return "the build's target (no clones in this build)";
#endif
}

/* simd.h: kernels in the SIMD instructions of the CPU they run on, from one portable binary.
 *
 * PLB_CPU_CLONES before a kernel compiles it three times, for x86-64-v4 (AVX-512), x86-64-v3
 * (AVX2) and the x86-64 baseline (GCC function multiversioning, target_clones). When the program
 * starts, the dynamic linker picks the best one this CPU can run (an ifunc), as numpy picks its
 * SIMD loops at run time. So a program built on a login node uses AVX-512 on a compute node that
 * has it, and never an instruction a node lacks. The kernel's loop carries `omp simd` (or
 * `parallel for simd`): vectorise it, whatever the optimisation level's cost model says.
 *
 * GCC 12 or newer on x86-64 Linux. Elsewhere (clang, which does not clone the outlined OpenMP
 * bodies; Arm; old GCC) the kernels get the build's own target: CFLAGS='-O2 -march=native' builds
 * them for the build machine's CPU, which is right only where you build on the node you run on.
 * -DPLB_NO_CPU_CLONES turns the clones off. */
#ifndef PARLAB_SIMD_H
#define PARLAB_SIMD_H

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && __GNUC__ >= 12 &&            \
    !defined(__clang__) && !defined(__INTEL_COMPILER) && !defined(PLB_NO_CPU_CLONES)
#define PLB_HAS_CPU_CLONES 1
#define PLB_CPU_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PLB_CPU_CLONES
#endif

/* The instruction set the kernels run with here: "x86-64-v4 (AVX-512)", "x86-64-v3 (AVX2)",
 * "x86-64", or "the build's target" where there are no clones. */
const char *plb_simd_level(void);

#endif

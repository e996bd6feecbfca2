/* suite_machine.c: the machine's description read from a made-up /proc and /sys: two sockets of
 * two cores of two threads with one CPU offline, caches, NUMA nodes, a VM in a container, and the
 * schedulers' job variables. */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp, setenv */
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "machine.h"
#include "scratch.h"
#include "suites.h"

/* Writes text to root/path, making the folders on the way. */
static void put(const char *root, const char *path, const char *text)
{
    char name[4096];
    snprintf(name, sizeof name, "%s/%s", root, path);
    for (char *slash = strchr(name + strlen(root) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(name, 0700);
        *slash = '/';
    }
    FILE *f = fopen(name, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_tree(const char *root)
{
    CU_ASSERT_EQUAL(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* cpu0..cpu8: sockets 0 and 1, cores 0 and 1 in each, two threads a core; cpu8 offline. */
static void make_cpus(const char *root)
{
    for (int cpu = 0; cpu < 9; cpu++) {
        char path[128], value[16];
        snprintf(path, sizeof path, "sys/devices/system/cpu/cpu%d/topology/physical_package_id",
                 cpu);
        snprintf(value, sizeof value, "%d\n", cpu % 8 / 4);
        put(root, path, value);
        snprintf(path, sizeof path, "sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
        snprintf(value, sizeof value, "%d\n", cpu % 4 / 2);
        put(root, path, value);
        if (cpu > 0) {
            snprintf(path, sizeof path, "sys/devices/system/cpu/cpu%d/online", cpu);
            put(root, path, cpu == 8 ? "0\n" : "1\n");
        }
    }
    put(root, "sys/devices/system/cpu/possible", "0-8\n"); /* not a cpuN folder */
    static const char *const caches[][4] = {{"1", "Data", "48K", "0-1"},
                                            {"1", "Instruction", "32K", "0-1"},
                                            {"2", "Unified", "1280K", "0-1"},
                                            {"3", "Unified", "30720K", "0-3,8"}};
    static const char *const files[] = {"level", "type", "size", "shared_cpu_list"};
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++) {
            char path[128], value[32];
            snprintf(path, sizeof path, "sys/devices/system/cpu/cpu0/cache/index%d/%s", i,
                     files[k]);
            snprintf(value, sizeof value, "%s\n", caches[i][k]);
            put(root, path, value);
        }
}

static void test_made_up_machine(void)
{
    char root[4096];
    if (!scratch_folder("machine", root, sizeof root))
        return;
    make_cpus(root);
    put(root, "proc/cpuinfo",
        "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
        "model\t\t: 106\nmodel name\t: Intel(R) Xeon(R) Gold 6338 CPU\n"
        "flags\t\t: fpu sse2 avx2 hypervisor\n\nprocessor\t: 1\n");
    put(root, "sys/devices/system/node/node0/cpulist", "0-3\n");
    put(root, "sys/devices/system/node/node1/cpulist", "4-7\n");
    put(root, "sys/devices/system/node/online", "0-1\n");
    put(root, "proc/meminfo", "MemTotal:       263921052 kB\nMemFree:        1000 kB\n");
    put(root, "proc/loadavg", "7.50 3.25 1.00 9/1234 5678\n");
    put(root, "sys/class/dmi/id/product_name", "KVM\n");
    put(root, "proc/1/cgroup", "0::/kubepods/burstable/pod1234\n");

    plb_machine m;
    plb_machine_read(root, &m);
    CU_ASSERT_STRING_EQUAL(m.cpu, "Intel(R) Xeon(R) Gold 6338 CPU");
    CU_ASSERT_EQUAL(m.sockets, 2);
    CU_ASSERT_EQUAL(m.cores, 4);
    CU_ASSERT_EQUAL(m.threads_per_core, 2);
    CU_ASSERT_EQUAL(m.cpus, 8);
    CU_ASSERT(m.usable >= 1);
    CU_ASSERT_STRING_EQUAL(m.caches, "L1d 48K per 2 CPUs, L1i 32K per 2 CPUs, L2 1280K per 2 CPUs, "
                                     "L3 30720K per 5 CPUs");
    CU_ASSERT_EQUAL(m.numa_nodes, 2);
    CU_ASSERT_DOUBLE_EQUAL(m.memory, 263921052.0 * 1024, 0.5);
    CU_ASSERT_STRING_EQUAL(m.isolation, "virtual machine (KVM); container (kubepods)");
    CU_ASSERT_STRING_EQUAL(m.load, "7.50 3.25 1.00");
    CU_ASSERT(strlen(m.kernel) > 0 && strcmp(m.kernel, "unknown") != 0);

    char *text = NULL;
    size_t size;
    FILE *out = open_memstream(&text, &size);
    plb_machine_report(out, &m);
    fclose(out);
    static const char *const lines[] = {
        "# processor   : Intel(R) Xeon(R) Gold 6338 CPU\n",
        "# topology    : 2 socket(s), 4 core(s), 2 thread(s) per core: 8 CPUs, ",
        "# caches      : L1d 48K per 2 CPUs, ",
        "# numa        : 2 node(s)\n",
        "# ram         : 251.7 GiB installed\n",
        "# kernel      : ",
        "# isolation   : virtual machine (KVM); container (kubepods)\n",
        "# load        : 7.50 3.25 1.00 (1, 5, 15 min) at start\n",
        "# job         : "};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(text, lines[i]));
    free(text);
    remove_tree(root);
}

/* An empty root: every field says unknown, none is made up. */
static void test_nothing_readable(void)
{
    char root[4096];
    if (!scratch_folder("machine", root, sizeof root))
        return;
    plb_machine m;
    plb_machine_read(root, &m);
    CU_ASSERT_STRING_EQUAL(m.cpu, "unknown");
    CU_ASSERT_EQUAL(m.sockets + m.cores + m.threads_per_core + m.cpus + m.numa_nodes, 0);
    CU_ASSERT_STRING_EQUAL(m.caches, "unknown");
    CU_ASSERT(m.memory < 0);
    CU_ASSERT_STRING_EQUAL(m.load, "unknown");
    CU_ASSERT_PTR_NOT_NULL(strstr(m.isolation, "none seen"));
    char *text = NULL;
    size_t size;
    FILE *out = open_memstream(&text, &size);
    plb_machine_report(out, &m);
    fclose(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "# topology    : unknown socket(s), unknown core(s), "));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "# ram         : unknown installed\n"));
    free(text);
    remove_tree(root);
}

/* Arm's cpuinfo names no model: the implementer and part numbers say which core it is. */
static void test_arm_cpuinfo(void)
{
    char root[4096];
    if (!scratch_folder("machine", root, sizeof root))
        return;
    put(root, "proc/cpuinfo",
        "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n"
        "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU part\t: 0xd0c\n");
    plb_machine m;
    plb_machine_read(root, &m);
    CU_ASSERT_STRING_EQUAL(m.cpu, "Arm implementer 0x41, part 0xd0c");
    remove_tree(root);
}

static void test_jobs(void)
{
    static const struct {
        const char *variable, *value, *task, *says;
    } cases[] = {
        {"SLURM_JOB_ID", "4242", NULL, "slurm 4242"},
        {"SLURM_JOB_ID", "4250", "7", "slurm 4243, array element 7 (job 4250)"},
        {"PBS_JOBID", "12.pbs-server", NULL, "pbs 12.pbs-server"},
        {"LSB_JOBID", "99", NULL, "lsf 99"},
        {"FLUX_JOB_ID", "f3jK", NULL, "flux f3jK"},
    };
    static const char *const all[] = {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID",
                                      "PBS_JOBID",    "LSB_JOBID",          "FLUX_JOB_ID"};
    enum { VARIABLES = sizeof all / sizeof all[0] };
    char *saved[VARIABLES]; /* this run's own, put back at the end */
    for (size_t k = 0; k < VARIABLES; k++)
        saved[k] = getenv(all[k]) ? strdup(getenv(all[k])) : NULL;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t k = 0; k < VARIABLES; k++)
            unsetenv(all[k]);
        setenv(cases[i].variable, cases[i].value, 1);
        if (cases[i].task) {
            setenv("SLURM_ARRAY_JOB_ID", "4243", 1);
            setenv("SLURM_ARRAY_TASK_ID", cases[i].task, 1);
        }
        plb_machine m;
        plb_machine_read("/nonexistent-root", &m);
        CU_ASSERT_STRING_EQUAL(m.job, cases[i].says);
    }
    for (size_t k = 0; k < VARIABLES; k++)
        unsetenv(all[k]);
    plb_machine m;
    plb_machine_read("/nonexistent-root", &m);
    CU_ASSERT_STRING_EQUAL(m.job, "none");
    for (size_t k = 0; k < VARIABLES; k++) {
        if (saved[k])
            setenv(all[k], saved[k], 1);
        free(saved[k]);
    }
}

CU_TestInfo machine_tests[] = {
    {"a made-up machine: topology, caches, NUMA, memory, VM, container, load",
     test_made_up_machine},
    {"nothing readable: every field unknown", test_nothing_readable},
    {"Arm: the implementer and the part", test_arm_cpuinfo},
    {"the job of Slurm (an array's element too), PBS, LSF and Flux", test_jobs},
    CU_TEST_INFO_NULL,
};

/* machine.c: the machine a result was measured on (see machine.h). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "machine.h"

#include <ctype.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <dirent.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "memory.h"
#include "report.h"

/* The first line of root/path, without its newline, into line; 0, or -1 when unreadable/empty. */
static int first_line(const char *root, const char *path, char *line, size_t len)
{
    char name[4096];
    snprintf(name, sizeof name, "%s%s", root, path);
    FILE *f = fopen(name, "r");
    int got = f && fgets(line, (int)len, f) != NULL;
    if (f)
        fclose(f);
    if (got)
        line[strcspn(line, "\n")] = '\0';
    return got && *line ? 0 : -1;
}

static int exists(const char *root, const char *path)
{
    char name[4096];
    snprintf(name, sizeof name, "%s%s", root, path);
    return access(name, F_OK) == 0;
}

/* "cpu12" -> 12, "node3" -> 3 for an entry named prefix + digits; -1 for any other name. */
static long numbered(const char *name, const char *prefix)
{
    size_t len = strlen(prefix);
    if (strncmp(name, prefix, len) != 0 || !isdigit((unsigned char)name[len]))
        return -1;
    char *end;
    long k = strtol(name + len, &end, 10);
    return *end ? -1 : k;
}

/* The value of the first /proc/cpuinfo line whose name is one of names (in the order given). */
static void cpuinfo_value(const char *root, const char *const *names, int count, char *out,
                          size_t len)
{
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/proc/cpuinfo", root);
    for (int i = 0; i < count && !*out; i++) {
        FILE *f = fopen(path, "r");
        size_t name_len = strlen(names[i]);
        while (f && !*out && fgets(line, sizeof line, f)) {
            char *colon = strchr(line, ':');
            if (!colon || strncmp(line, names[i], name_len) != 0 ||
                strspn(line + name_len, " \t") != (size_t)(colon - line - (long)name_len))
                continue;
            char *value = colon + 1 + strspn(colon + 1, " \t");
            value[strcspn(value, "\n")] = '\0';
            snprintf(out, len, "%s", value);
        }
        if (f)
            fclose(f);
    }
}

typedef struct core_id {
    long package, core;
} core_id;

static int by_package_then_core(const void *a, const void *b)
{
    const core_id *x = a, *y = b;
    if (x->package != y->package)
        return x->package < y->package ? -1 : 1;
    return (x->core > y->core) - (x->core < y->core);
}

/* Sockets, cores and threads per core from each online CPU's topology/ in sys/devices/system/cpu. */
static void read_topology(const char *root, plb_machine *m)
{
    char path[4096], line[64];
    snprintf(path, sizeof path, "%s/sys/devices/system/cpu", root);
    DIR *d = opendir(path);
    core_id *ids = NULL;
    size_t count = 0, room = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        long cpu = numbered(e->d_name, "cpu");
        if (cpu < 0)
            continue;
        char file[4200];
        snprintf(file, sizeof file, "/sys/devices/system/cpu/%s/online", e->d_name);
        if (first_line(root, file, line, sizeof line) == 0 && strcmp(line, "0") == 0)
            continue; /* offline (cpu0 has no such file: it is always online) */
        core_id id;
        snprintf(file, sizeof file, "/sys/devices/system/cpu/%s/topology/physical_package_id",
                 e->d_name);
        if (first_line(root, file, line, sizeof line) != 0)
            continue;
        id.package = strtol(line, NULL, 10);
        snprintf(file, sizeof file, "/sys/devices/system/cpu/%s/topology/core_id", e->d_name);
        if (first_line(root, file, line, sizeof line) != 0)
            continue;
        id.core = strtol(line, NULL, 10);
        if (count == room) {
            room = room ? 2 * room : 64;
            core_id *grown = realloc(ids, room * sizeof *ids);
            if (!grown)
                break;
            ids = grown;
        }
        ids[count++] = id;
    }
    if (d)
        closedir(d);
    if (count) {
        qsort(ids, count, sizeof *ids, by_package_then_core);
        int sockets = 1, cores = 1, run = 1, most = 1; /* most: CPUs of the largest core */
        for (size_t i = 1; i < count; i++) {
            sockets += ids[i].package != ids[i - 1].package;
            int same = by_package_then_core(&ids[i], &ids[i - 1]) == 0;
            cores += !same;
            run = same ? run + 1 : 1;
            most = run > most ? run : most;
        }
        m->sockets = sockets;
        m->cores = cores;
        m->cpus = (int)count;
        m->threads_per_core = most; /* a hybrid CPU's efficiency cores have fewer */
    }
    free(ids);
}

/* How many CPUs a list such as "0-3,8,10-11" names. */
static int listed_cpus(const char *list)
{
    int total = 0;
    while (*list) {
        char *end;
        long first = strtol(list, &end, 10), last = first;
        if (end == list)
            break;
        if (*end == '-')
            last = strtol(end + 1, &end, 10);
        total += (int)(last - first + 1);
        list = *end == ',' ? end + 1 : end;
    }
    return total;
}

/* cpu0's caches, "L1d 32K, L1i 32K, L2 512K, L3 32768K per 2 CPUs": those shared by more than
 * one CPU say by how many. */
static void read_caches(const char *root, plb_machine *m)
{
    size_t used = 0;
    for (int i = 0; i < 16; i++) {
        char base[128], file[160], level[16], type[32], size[32], shared[256] = "";
        snprintf(base, sizeof base, "/sys/devices/system/cpu/cpu0/cache/index%d", i);
        snprintf(file, sizeof file, "%s/level", base);
        if (first_line(root, file, level, sizeof level) != 0)
            break;
        snprintf(file, sizeof file, "%s/type", base);
        if (first_line(root, file, type, sizeof type) != 0)
            snprintf(type, sizeof type, "Unified");
        snprintf(file, sizeof file, "%s/size", base);
        if (first_line(root, file, size, sizeof size) != 0)
            snprintf(size, sizeof size, "?");
        snprintf(file, sizeof file, "%s/shared_cpu_list", base);
        int sharing = first_line(root, file, shared, sizeof shared) == 0 ? listed_cpus(shared) : 1;
        const char *kind = strcmp(type, "Data") == 0          ? "d"
                           : strcmp(type, "Instruction") == 0 ? "i"
                                                              : "";
        char per[32] = "";
        if (sharing > 1)
            snprintf(per, sizeof per, " per %d CPUs", sharing);
        int wrote = snprintf(m->caches + used, sizeof m->caches - used, "%sL%s%s %s%s",
                             used ? ", " : "", level, kind, size, per);
        if (wrote < 0 || (size_t)wrote >= sizeof m->caches - used) {
            m->caches[used] = '\0'; /* no half entry */
            break;
        }
        used += (size_t)wrote;
    }
}

static void read_numa(const char *root, plb_machine *m)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/sys/devices/system/node", root);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)))
        m->numa_nodes += numbered(e->d_name, "node") >= 0;
    if (d)
        closedir(d);
}

static void read_memory(const char *root, plb_machine *m)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/proc/meminfo", root);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "MemTotal:", 9) == 0)
            m->memory = strtod(line + 9, NULL) * 1024.0;
    if (f)
        fclose(f);
}

/* What the process runs inside: a virtual machine (the CPU's hypervisor flag, the firmware's
 * product name, Xen's sys/hypervisor) and a container (the files and cgroup names that Docker,
 * Podman, LXC and Kubernetes leave). */
static void read_isolation(const char *root, plb_machine *m)
{
    char flags[4096] = "", product[128] = "", vendor[128] = "", xen[32] = "", what[160] = "";
    static const char *const flag_names[] = {"flags"};
    cpuinfo_value(root, flag_names, 1, flags, sizeof flags);
    int vm = strstr(flags, " hypervisor") != NULL || strncmp(flags, "hypervisor", 10) == 0;
    first_line(root, "/sys/class/dmi/id/product_name", product, sizeof product);
    first_line(root, "/sys/class/dmi/id/sys_vendor", vendor, sizeof vendor);
    if (first_line(root, "/sys/hypervisor/type", xen, sizeof xen) == 0)
        vm = 1;
    static const char *const vm_names[] = {"KVM",
                                           "QEMU",
                                           "VMware",
                                           "VirtualBox",
                                           "Xen",
                                           "Virtual Machine",
                                           "Google Compute Engine",
                                           "Amazon EC2"};
    for (size_t i = 0; i < sizeof vm_names / sizeof vm_names[0]; i++)
        if (strstr(product, vm_names[i]) || strstr(vendor, vm_names[i]))
            vm = 1;
    if (vm) {
        const char *name = *product ? product : *xen ? xen : "";
        snprintf(what, sizeof what, "virtual machine%s%s%s", *name ? " (" : "", name,
                 *name ? ")" : "");
    }
    char systemd[32] = ""; /* what systemd found: "docker", "lxc", "podman", "systemd-nspawn" */
    first_line(root, "/run/systemd/container", systemd, sizeof systemd);
    const char *container = exists(root, "/.dockerenv")          ? "docker"
                            : exists(root, "/run/.containerenv") ? "podman"
                            : *systemd                           ? systemd
                            : getenv("KUBERNETES_SERVICE_HOST")  ? "kubernetes"
                                                                 : NULL;
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/proc/1/cgroup", root);
    FILE *f = container ? NULL : fopen(path, "r");
    static const char *const cgroup_names[] = {"docker", "kubepods", "lxc", "containerd", "libpod"};
    while (f && !container && fgets(line, sizeof line, f))
        for (size_t i = 0; i < sizeof cgroup_names / sizeof cgroup_names[0]; i++)
            if (strstr(line, cgroup_names[i]))
                container = cgroup_names[i];
    if (f)
        fclose(f);
    size_t used = strlen(what);
    if (container)
        snprintf(what + used, sizeof what - used, "%scontainer (%s)", used ? "; " : "", container);
    snprintf(m->isolation, sizeof m->isolation, "%s",
             *what ? what : "none seen (no hypervisor flag, no container files)");
}

/* The batch system's job, from the variables each sets in a job's environment. */
static void read_job(plb_machine *m)
{
    const char *slurm = getenv("SLURM_JOB_ID"), *pbs = getenv("PBS_JOBID");
    const char *lsf = getenv("LSB_JOBID"), *flux = getenv("FLUX_JOB_ID");
    if (slurm) { /* an array's element: the array's id and the element, as squeue shows them */
        const char *array = getenv("SLURM_ARRAY_JOB_ID"), *task = getenv("SLURM_ARRAY_TASK_ID");
        if (array && task)
            snprintf(m->job, sizeof m->job, "slurm %s, array element %s (job %s)", array, task,
                     slurm);
        else
            snprintf(m->job, sizeof m->job, "slurm %s", slurm);
    } else if (pbs)
        snprintf(m->job, sizeof m->job, "pbs %s", pbs);
    else if (lsf)
        snprintf(m->job, sizeof m->job, "lsf %s", lsf);
    else if (flux)
        snprintf(m->job, sizeof m->job, "flux %s", flux);
    else
        snprintf(m->job, sizeof m->job, "none");
}

int plb_usable_cpus(void)
{
#if defined(_OPENMP)
    /* The CPUs the process was given: OpenMP's runtime read them at start, before OMP_PROC_BIND
     * bound this (the initial) thread to the first place, which sched_getaffinity would see. */
    return omp_get_num_procs();
#else
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
#endif
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 0;
#endif
}

void plb_machine_read(const char *root, plb_machine *m)
{
    *m = (plb_machine){.memory = -1.0};
    static const char *const model_names[] = {"model name", "Model", "cpu model", "cpu"};
    cpuinfo_value(root, model_names, 4, m->cpu, sizeof m->cpu);
    if (!*m->cpu) { /* Arm's cpuinfo: the implementer and part numbers only (0x41, 0xd0c) */
        char implementer[32] = "", part[32] = "";
        static const char *const implementer_name[] = {"CPU implementer"};
        static const char *const part_name[] = {"CPU part"};
        cpuinfo_value(root, implementer_name, 1, implementer, sizeof implementer);
        cpuinfo_value(root, part_name, 1, part, sizeof part);
        if (*implementer && *part)
            snprintf(m->cpu, sizeof m->cpu, "Arm implementer %s, part %s", implementer, part);
    }
    if (!*m->cpu)
        snprintf(m->cpu, sizeof m->cpu, "unknown");
    read_topology(root, m);
    m->usable = plb_usable_cpus();
    read_caches(root, m);
    if (!*m->caches)
        snprintf(m->caches, sizeof m->caches, "unknown");
    read_numa(root, m);
    read_memory(root, m);
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(m->kernel, sizeof m->kernel, "%s %s %s", u.sysname, u.release, u.machine);
    else
        snprintf(m->kernel, sizeof m->kernel, "unknown");
    read_isolation(root, m);
    char line[256], one[16], five[16], fifteen[16];
    if (first_line(root, "/proc/loadavg", line, sizeof line) == 0 &&
        sscanf(line, "%15s %15s %15s", one, five, fifteen) == 3)
        snprintf(m->load, sizeof m->load, "%s %s %s", one, five, fifteen);
    else
        snprintf(m->load, sizeof m->load, "unknown");
    read_job(m);
}

static void count_or_unknown(char *out, size_t len, int value)
{
    if (value > 0)
        snprintf(out, len, "%d", value);
    else
        snprintf(out, len, "unknown");
}

static void report_topology(FILE *out, const plb_machine *m)
{
    char sockets[16], cores[16], threads[16], cpus[16];
    count_or_unknown(sockets, sizeof sockets, m->sockets);
    count_or_unknown(cores, sizeof cores, m->cores);
    count_or_unknown(threads, sizeof threads, m->threads_per_core);
    count_or_unknown(cpus, sizeof cpus, m->cpus);
    plb_report_param(out, "topology",
                     "%s socket(s), %s core(s), %s thread(s) per core: %s CPUs, "
                     "%d usable here",
                     sockets, cores, threads, cpus, m->usable);
}

static void report_load(FILE *out, const plb_machine *m)
{
    plb_report_param(out, "load", "%s (1, 5, 15 min) at start", m->load);
}

void plb_machine_report(FILE *out, const plb_machine *m)
{
    char numa[16], ram[32] = "unknown";
    count_or_unknown(numa, sizeof numa, m->numa_nodes);
    if (m->memory >= 0)
        plb_memory_format(m->memory, ram, sizeof ram);
    plb_report_param(out, "processor", "%s", m->cpu);
    report_topology(out, m);
    plb_report_param(out, "caches", "%s", m->caches);
    plb_report_param(out, "numa", "%s node(s)", numa);
    plb_report_param(out, "ram", "%s installed", ram);
    plb_report_param(out, "kernel", "%s", m->kernel);
    plb_report_param(out, "isolation", "%s", m->isolation);
    report_load(out, m);
    plb_report_param(out, "job", "%s", m->job);
}

void plb_machine_brief(FILE *out, const plb_machine *m)
{
    report_topology(out, m);
    report_load(out, m);
    if (strcmp(m->job, "none") != 0)
        plb_report_param(out, "job", "%s", m->job);
}

/* memory.c: the memory this process may still take (see memory.h). */
#define _POSIX_C_SOURCE 200809L
#include "memory.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* The number at the start of a file ("max" and unreadable files: -1). */
static double read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    double value = -1.0;
    if (f) {
        if (fscanf(f, "%lf", &value) != 1)
            value = -1.0;
        fclose(f);
    }
    return value;
}

/* The "Name: value kB" lines of a /proc file named in names[0..count), in bytes, in one read;
 * -1 for a name that is missing. */
static void proc_fields(const char *path, const char *const *names, double *values, int count)
{
    for (int i = 0; i < count; i++)
        values[i] = -1.0;
    FILE *f = fopen(path, "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        for (int i = 0; i < count; i++) {
            size_t len = strlen(names[i]);
            if (strncmp(line, names[i], len) == 0 && line[len] == ':')
                values[i] = strtod(line + len + 1, NULL) * 1024.0;
        }
    if (f)
        fclose(f);
}

static void consider(double room, const char *why, double *best, const char **which)
{
    if (room >= 0.0 && room < *best) {
        *best = room;
        *which = why;
    }
}

/* Every cgroup level from this process's up to the root: the room under each memory limit. */
static void consider_cgroups(double *best, const char **which)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[4096];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *controllers = strchr(line, ':'),
             *path = controllers ? strchr(controllers + 1, ':') : NULL;
        if (!path)
            continue;
        *path++ = '\0';
        controllers++;
        int v2 = *controllers == '\0';
        if (!v2 && strcmp(controllers, "memory") != 0)
            continue;
        char dir[4200];
        for (;;) {
            char limit[4300], usage[4300];
            snprintf(dir, sizeof dir, "%s%s", v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory",
                     path);
            snprintf(limit, sizeof limit, "%s/%s", dir,
                     v2 ? "memory.max" : "memory.limit_in_bytes");
            snprintf(usage, sizeof usage, "%s/%s", dir,
                     v2 ? "memory.current" : "memory.usage_in_bytes");
            double max = read_number(limit), used = read_number(usage);
            if (max >= 0.0 && max < 1e18 && used >= 0.0) /* v1 "unlimited" is near 2^63 */
                consider(max > used ? max - used : 0.0, "cgroup limit", best, which);
            char *slash = strrchr(path, '/');
            if (!slash || slash == path)
                break;
            *slash = '\0';
        }
    }
    if (f)
        fclose(f);
}

static void consider_rlimit(int resource, double in_use, const char *why, double *best,
                            const char **which)
{
    struct rlimit r;
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY && in_use >= 0.0)
        consider((double)r.rlim_cur > in_use ? (double)r.rlim_cur - in_use : 0.0, why, best, which);
}

double plb_memory_room(const char **which)
{
    double best = INFINITY;
    *which = "no limit";
    static const char *const meminfo[] = {"MemAvailable"}, *const status[] = {"VmSize", "VmData"};
    double available, mapped[2];
    proc_fields("/proc/meminfo", meminfo, &available, 1);
    proc_fields("/proc/self/status", status, mapped, 2);
    consider(available, "available memory", &best, which);
    consider_cgroups(&best, which);
    consider_rlimit(RLIMIT_AS, mapped[0], "RLIMIT_AS", &best, which);
    consider_rlimit(RLIMIT_DATA, mapped[1], "RLIMIT_DATA", &best, which);
    return best;
}

void plb_memory_format(double bytes, char *out, size_t len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 7) {
        bytes /= 1024.0;
        u++;
    }
    snprintf(out, len, "%.1f %s", bytes, units[u]);
}

bool plb_memory_fits(const char *program, double bytes, char *err, size_t errlen)
{
    const char *which;
    double room = plb_memory_room(&which);
    if (bytes <= room)
        return true;
    char need[32], have[32];
    plb_memory_format(bytes, need, sizeof need);
    plb_memory_format(room, have, sizeof have);
    snprintf(err, errlen, "%s: needs %s, %s available (%s)", program, need, have, which);
    return false;
}

bool plb_memory_check(const char *program, double bytes)
{
    char err[256];
    bool fits = plb_memory_fits(program, bytes, err, sizeof err);
    if (!fits)
        fprintf(stderr, "%s\n", err);
    return fits;
}

/* machine.h: the machine a result was measured on, as every program's header and every results
 * file name it, so that two results can be told apart and compared: the CPU model; sockets, cores
 * and hardware threads per core (and how many CPUs this process may run on); the caches; NUMA
 * nodes; memory; the kernel; whether it runs in a virtual machine or a container; the load average
 * when it started; and the batch scheduler's job.
 *
 * Read from /proc and /sys (Linux) and the scheduler's environment variables; a field that cannot
 * be read says "unknown". An MPI program prints rank 0's node. */
#ifndef PARLAB_MACHINE_H
#define PARLAB_MACHINE_H

#include <stdio.h>

typedef struct plb_machine {
    char cpu[128];                        /* "AMD EPYC 7B13" */
    int sockets, cores, threads_per_core; /* 0: unknown */
    int cpus, usable;                     /* online CPUs; those this process may run on */
    char caches[160];                     /* "L1d 32K, L1i 32K, L2 512K, L3 32M per 2 CPUs" */
    int numa_nodes;                       /* 0: unknown */
    double memory;                        /* bytes installed (MemTotal); < 0: unknown */
    char kernel[208];                     /* "Linux 6.1.0-18-amd64 x86_64" */
    char isolation[160];                  /* "virtual machine (KVM); container (docker)" */
    char load[64];                        /* "0.52 0.31 0.20" */
    char job[128];                        /* "slurm 1234", "pbs 12.server", "none" */
} plb_machine;

/* Fills *m from the files under root ("" for this machine; tests give a folder holding proc/ and
 * sys/ of their own). The kernel, the CPUs usable and the job come from this process. */
void plb_machine_read(const char *root, plb_machine *m);

/* The "# name : value" lines of *m: processor, topology, caches, numa, ram, kernel, isolation,
 * load, job. */
void plb_machine_report(FILE *out, const plb_machine *m);
/* The lines a learner needs to trust a time: topology, load, and job when there is one. */
void plb_machine_brief(FILE *out, const plb_machine *m);

/* The CPUs this process may run on (0: unknown). */
int plb_usable_cpus(void);

#endif

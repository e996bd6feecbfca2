"""heat_mpi.py: the 2D heat step as a Python user writes it with mpi4py: numpy slicing on strips
of rows, the ghost rows swapped with comm.Sendrecv before every step.

Each rank reads its rows of START.npy (a field omp_heat saved with --save), with a ghost or
boundary row above and below, takes STEPS steps of
    v[1:-1,1:-1] = u[1:-1,1:-1] + r * (u[:-2,1:-1] + u[2:,1:-1] + u[1:-1,:-2] + u[1:-1,2:]
                                       - 4 * u[1:-1,1:-1])
and compares its rows with END.npy's, what omp_heat saved STEPS steps later: equal bit for bit on
every rank, or it fails. The time of a run is the slowest rank's. Rank 0 prints
"heat,mpi4py,<ranks>,<steps>,<median seconds>,<MLUP/s>".
usage: mpirun -np P python3 heat_mpi.py START.npy END.npy STEPS R REPEATS
"""
import statistics
import sys
import time

import numpy
from mpi4py import MPI


def main():
    start, end = sys.argv[1:3]
    steps, r, repeats = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    whole = numpy.load(start, mmap_mode="r")
    rows, cols = whole.shape[0] - 2, whole.shape[1] - 2
    lo, hi = 1 + rows * rank // size, 1 + rows * (rank + 1) // size  # my rows: lo .. hi-1
    first = numpy.array(whole[lo - 1:hi + 1])
    up = rank - 1 if rank > 0 else MPI.PROC_NULL
    down = rank + 1 if rank < size - 1 else MPI.PROC_NULL
    times = []
    for _ in range(repeats):
        u, v = first.copy(), first.copy()
        comm.Barrier()
        began = time.perf_counter()
        for _ in range(steps):
            comm.Sendrecv(u[1], dest=up, recvbuf=u[-1], source=down)
            comm.Sendrecv(u[-2], dest=down, recvbuf=u[0], source=up)
            v[1:-1, 1:-1] = u[1:-1, 1:-1] + r * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2]
                                                 + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])
            u, v = v, u
        times.append(comm.allreduce(time.perf_counter() - began, op=MPI.MAX))
    same = numpy.array_equal(u[1:-1], numpy.load(end, mmap_mode="r")[lo:hi])
    if not comm.allreduce(same, op=MPI.LAND):
        if rank == 0:
            print("heat_mpi.py: FAILED: a rank's rows differ from omp_heat's", file=sys.stderr)
        sys.exit(1)
    if rank == 0:
        median = statistics.median(times)
        print(f"heat,mpi4py,{size},{steps},{median:.6f},{rows * cols * steps / median / 1e6:.1f}")


if __name__ == "__main__":
    main()

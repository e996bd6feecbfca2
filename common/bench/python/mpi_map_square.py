"""mpi_map_square.py: mpi4py's Scatterv / square / Gatherv of a numpy array, as mpi_map_square's
collective variant does it in C. Run under mpirun. The root prints
"mpi_map_square,mpi4py,<ranks>,<median seconds>". Verified on the root: every square exact.
usage: mpirun -np P python3 mpi_map_square.py N REPEATS
"""
import statistics
import sys
import time

import numpy
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
N, REPEATS = int(sys.argv[1]), int(sys.argv[2])
counts = [N // size + (1 if r < N % size else 0) for r in range(size)]
displs = [sum(counts[:r]) for r in range(size)]
a = b = None
if rank == 0:
    a = 2 + (numpy.arange(N, dtype=numpy.int64) & 0x7FFFFFFF)
    b = numpy.empty(N, dtype=numpy.int64)
block = numpy.empty(counts[rank], dtype=numpy.int64)
times = []
for _ in range(REPEATS):
    if rank == 0:
        b.fill(-1)
    comm.Barrier()
    start = MPI.Wtime()
    comm.Scatterv([a, counts, displs, MPI.INT64_T], block, root=0)
    numpy.multiply(block, block, out=block)
    comm.Gatherv(block, [b, counts, displs, MPI.INT64_T], root=0)
    times.append(comm.allreduce(MPI.Wtime() - start, op=MPI.MAX))
    if rank == 0 and not numpy.array_equal(b, a * a):
        comm.Abort(1)
if rank == 0:
    print(f"mpi_map_square,mpi4py,{size},{statistics.median(times):.6f}")

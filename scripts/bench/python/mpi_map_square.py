"""mpi_map_square.py: mpi4py's Scatterv / compute / Gatherv of a numpy array, as the collective
variant of mpi_map_square (KERNEL square: b = a * a, a = 2 + (i mod 2^31)) or mpi_increment
(KERNEL increment: b = a + 1, a = i) does it in C: the peer a Python user would write, each
block computed in place by numpy, timed as parlab times a run (from a barrier to the next
barrier, the longest over the ranks). Run under mpirun. The root prints
"<program>,mpi4py,<ranks>,<median seconds>". Verified on the root after every run: every result
exact.
usage: mpirun -np P python3 mpi_map_square.py N REPEATS [square|increment]
"""
import statistics
import sys

import numpy
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
N, REPEATS = int(sys.argv[1]), int(sys.argv[2])
KERNEL = sys.argv[3] if len(sys.argv) > 3 else "square"
if KERNEL == "square":
    PROGRAM = "mpi_map_square"
    inputs = lambda: 2 + (numpy.arange(N, dtype=numpy.int64) & 0x7FFFFFFF)
    compute = lambda x: numpy.multiply(x, x, out=x)
    expected = lambda x: x * x
else:
    PROGRAM = "mpi_increment"
    inputs = lambda: numpy.arange(N, dtype=numpy.int64)
    compute = lambda x: numpy.add(x, 1, out=x)
    expected = lambda x: x + 1
counts = [N // size + (1 if r < N % size else 0) for r in range(size)]
displs = [sum(counts[:r]) for r in range(size)]
a = b = want = None
if rank == 0:
    a = inputs()
    b = numpy.empty(N, dtype=numpy.int64)
    want = expected(a)
block = numpy.empty(counts[rank], dtype=numpy.int64)
times = []
for _ in range(REPEATS):
    if rank == 0:
        b.fill(-1)
    comm.Barrier()
    start = MPI.Wtime()
    comm.Scatterv([a, counts, displs, MPI.INT64_T], block, root=0)
    compute(block)
    comm.Gatherv(block, [b, counts, displs, MPI.INT64_T], root=0)
    comm.Barrier()  # the span, as the C runner times it: until the last rank is done
    times.append(comm.allreduce(MPI.Wtime() - start, op=MPI.MAX))
    if rank == 0 and not numpy.array_equal(b, want):
        comm.Abort(1)
if rank == 0:
    print(f"{PROGRAM},mpi4py,{size},{statistics.median(times):.6f}")

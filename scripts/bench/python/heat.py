"""heat.py: the 2D heat step as a Python user writes it, with array slicing, on numpy or CuPy.

Starts from a field omp_heat saved (--save START.npy), takes STEPS steps of
    v[1:-1,1:-1] = u[1:-1,1:-1] + r * (u[:-2,1:-1] + u[2:,1:-1] + u[1:-1,:-2] + u[1:-1,2:]
                                       - 4 * u[1:-1,1:-1])
and compares the result with END.npy, what omp_heat saved STEPS steps later: every operation
is its own pass over the arrays and none is fused, so the field must be equal bit for bit.
Prints "heat,<backend>,<steps>,<median seconds>,<MLUP/s>".
usage: python3 heat.py numpy|cupy START.npy END.npy STEPS R REPEATS
"""
import statistics
import sys
import time

import numpy


def main():
    backend, start, end = sys.argv[1:4]
    steps, r, repeats = int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
    if backend == "cupy":
        import cupy as xp
        sync = xp.cuda.Device().synchronize
    else:
        xp, sync = numpy, (lambda: None)
    first = xp.asarray(numpy.load(start))
    times = []
    for _ in range(repeats):
        u, v = first.copy(), first.copy()
        sync()
        began = time.perf_counter()
        for _ in range(steps):
            v[1:-1, 1:-1] = u[1:-1, 1:-1] + r * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2]
                                                 + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])
            u, v = v, u
        sync()
        times.append(time.perf_counter() - began)
    got = numpy.asarray(u.get() if backend == "cupy" else u)
    if not numpy.array_equal(got, numpy.load(end)):
        sys.exit(f"heat.py: FAILED: the {backend} field differs from omp_heat's")
    median = statistics.median(times)
    points = (first.shape[0] - 2) * (first.shape[1] - 2)
    print(f"heat,{backend},{steps},{median:.6f},{points * steps / median / 1e6:.1f}")


if __name__ == "__main__":
    main()

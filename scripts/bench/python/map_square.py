"""map_square.py: the tutorial's Pool.map(square, data), and the numpy way, timed.

Prints "map_square,<variant>,<workers>,<median seconds>". Inputs are 2 + (i mod 2^31), as in
parlab's C kernels. Verified: every square is exact.
usage: python3 map_square.py N WORKERS REPEATS
"""
import statistics
import sys
import time
from multiprocessing import Pool


def square(x):
    return x * x


def timed(fn, expected, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if list(result) != expected:
            sys.exit("map_square.py: FAILED: a square is wrong")
    return statistics.median(times)


if __name__ == "__main__":
    N, WORKERS, REPEATS = (int(a) for a in sys.argv[1:4])
    data = [2 + (i & 0x7FFFFFFF) for i in range(N)]
    expected = [x * x for x in data]
    print(f"map_square,map,1,{timed(lambda: list(map(square, data)), expected, REPEATS):.6f}")
    with Pool(WORKERS) as pool:
        pool.map(square, [1] * WORKERS)
        seconds = timed(lambda: pool.map(square, data, chunksize=max(1, N // (4 * WORKERS))),
                        expected, REPEATS)
        print(f"map_square,pool_map,{WORKERS},{seconds:.6f}")
    try:
        import numpy
    except ImportError:
        print("map_square.py: numpy is missing (Debian: python3-numpy): no numpy row", file=sys.stderr)
    else:
        a = numpy.array(data, dtype=numpy.int64)
        print(f"map_square,numpy,1,{timed(lambda: a * a, expected, REPEATS):.6f}")

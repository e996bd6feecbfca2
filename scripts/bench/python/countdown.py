"""countdown.py: the tutorial's countdown in Python, sequential, with threads and with processes.

Prints one line per variant: "countdown,<variant>,<workers>,<median seconds>". The threads variant
shows the GIL: the same work split over threads takes no less time. Verified: every worker's share
reached 0 and the shares add up to n.
usage: python3 countdown.py N WORKERS REPEATS
"""
import statistics
import sys
import threading
import time
from multiprocessing import Pool


def countdown(n):
    while n > 0:
        n -= 1
    return n


def shares(n, workers):
    return [n // workers + (1 if w < n % workers else 0) for w in range(workers)]


def run_seq(n, workers):
    return [countdown(n)], [n]


def run_threads(n, workers):
    parts = shares(n, workers)
    left = [None] * workers

    def work(w):
        left[w] = countdown(parts[w])

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return left, parts


def run_processes(pool, n, workers):
    parts = shares(n, workers)
    return pool.map(countdown, parts), parts


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        left, parts = fn()
        times.append(time.perf_counter() - start)
        if any(x != 0 for x in left) or sum(parts) != N:
            sys.exit("countdown.py: FAILED: a share did not reach 0")
    return statistics.median(times)


if __name__ == "__main__":
    N, WORKERS, REPEATS = (int(a) for a in sys.argv[1:4])
    print(f"countdown,seq,1,{timed(lambda: run_seq(N, 1), REPEATS):.6f}")
    print(f"countdown,threads,{WORKERS},{timed(lambda: run_threads(N, WORKERS), REPEATS):.6f}")
    with Pool(WORKERS) as pool:
        pool.map(countdown, [1] * WORKERS)  # start the workers before timing
        print(f"countdown,processes,{WORKERS},"
              f"{timed(lambda: run_processes(pool, N, WORKERS), REPEATS):.6f}")

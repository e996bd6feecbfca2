# bench_report.awk: the report of `make bench`, from limits.csv and sweep.csv, read by column
# name: run it with plb_csv -v cores=N -v fits=FILE -v summary=FILE -f (scripts/run/parlab.sh). The
# figures the plots need go to fits as CSV too: program,crossover_n,serial_fraction,fit_rms (empty
# where none); the tables' rows to summary (make report's tables): program, n, workers (threads or
# ranks; 0 for seq), median_s, min_s, max_s, repeats, speedup, efficiency, limit_pct and limit (the
# measured limit it is held against), oversubscribed. For each kernel: the crossover size (from which the
# parallel variant on all cores beats seq at every larger n), speedup and efficiency per thread or
# rank count at the largest n, an Amdahl fit, and the rate against the measured limit: STREAM for
# the memory-bound kernels, the bare round (mpi_map_square -V bare) for scatter/compute/gather, and for the countdowns the
# independent pinned copies (scripts/bench/countdown_copies.sh): efficiency against the ideal is
# speedup / p, against the machine's limit it is (the copies' time) / (the countdown's time).
#
# Amdahl: S(p) = 1 / (f + (1 - f) / p), so y = 1/S - 1/p = f * (1 - 1/p) = f * x: f is fitted by
# least squares through the origin, f = sum(x y) / sum(x x), over p = 1..cores; the fit error is
# the root mean square of (fitted S - measured S) / measured S.

FILENAME ~ /limits\.csv$/ {
    prog = col("program"); variant = col("variant"); n = col("n") + 0; median = col("median_s")
    if (prog == "omp_stream") { bw[variant, col("threads")] = col("rate"); widths_bw[col("threads")] = 1 }
    if (prog == "omp_overhead") { ovh[variant] = median; ovh_n = n; ovh_t = col("threads") }
    if (prog == "countdown_copies") { copies[col("threads")] = median; copies_n = n; widths_copies[col("threads")] = 1 }
    if (prog == "mpi_map_square" && variant == "bare") { bare[n, col("ranks")] = median; bare_n[n] = 1; bare_np[col("ranks")] = 1 }
    next
}

{
    prog = col("program"); n = col("n") + 0; width = (prog ~ /^omp_/) ? col("threads") : col("ranks")
    if (!(prog in seen)) { seen[prog] = 1; order[++programs] = prog }
    sizes[prog, n] = 1; if (n > largest[prog]) largest[prog] = n
    if (col("verified") != "yes") failed[prog] = 1
    spread[prog, n, col("variant") == "seq" ? 0 : width] = col("min_s") "," col("max_s") "," col("repeats")
    if (col("variant") == "seq") { seq[prog, n] = col("median_s"); next }
    par[prog, n, width] = col("median_s"); rate[prog, n, width] = col("rate"); unit[prog] = col("rate_unit")
    widths[prog, width] = 1; if (width > maxw[prog]) maxw[prog] = width
    over[prog, width] = col("oversubscribed")
}

function sorted_keys(set, out, count,    k, i, j, t) {
    count = 0
    for (k in set) out[++count] = k + 0
    for (i = 2; i <= count; i++)
        for (j = i; j > 1 && out[j - 1] > out[j]; j--) { t = out[j]; out[j] = out[j - 1]; out[j - 1] = t }
    return count
}

END {
    print "program,crossover_n,serial_fraction,fit_rms" >fits
    print "program,n,workers,median_s,min_s,max_s,repeats,speedup,efficiency,limit_pct,limit,oversubscribed" >summary
    print ""
    print "== Machine limits"
    split("", w); split("", sz); split("", ranks) # arrays before they are passed (mawk)
    nw = sorted_keys(widths_bw, w)
    for (i = 1; i <= nw; i++)
        printf "  STREAM on %2d threads: copy %8.2f GB/s, triad %8.2f GB/s%s\n", w[i],
               bw["copy", w[i]], bw["triad", w[i]], (w[i] > cores ? " (oversubscribed)" : "")
    nc = sorted_keys(widths_copies, w)
    for (i = 1; i <= nc; i++)
        printf "  %2d independent countdowns of n/%d, pinned, at once: %.4e s: %d %s %.2fx one core\n",
               w[i], w[i], copies[w[i]], w[i], w[i] == 1 ? "core gives" : "cores give",
               (1 in copies) ? copies[1] / copies[w[i]] : 0
    if ("reference" in ovh)
        printf "  OpenMP on %d threads: parallel region %.3f us, barrier %.3f us (reference subtracted)\n",
               ovh_t, (ovh["parallel"] - ovh["reference"]) / ovh_n * 1e6,
               (ovh["barrier"] - ovh["reference"]) / ovh_n * 1e6
    nn = sorted_keys(bare_n, sz); np = sorted_keys(bare_np, ranks)
    for (r = 1; r <= np; r++) {
        printf "  bare MPI_Scatterv + square + MPI_Gatherv, np=%d:", ranks[r]
        for (i = 1; i <= nn; i++)
            if ((sz[i], ranks[r]) in bare)
                printf " %d: %.3g s;", sz[i], bare[sz[i], ranks[r]]
        print ""
    }

    for (k = 1; k <= programs; k++) {
        prog = order[k]; big = largest[prog]; top = maxw[prog] > cores ? cores : maxw[prog]
        print ""
        printf "== %s%s\n", prog, (prog in failed) ? "   (SOME POINTS FAILED TO VERIFY)" : ""
        # Crossover: scanning from the largest n down, the last n at which the parallel variant on
        # all cores still beats seq, with every larger n beating it too.
        ns = 0; delete nlist
        for (key in sizes) { split(key, kk, SUBSEP); if (kk[1] == prog) nlist[++ns] = kk[2] + 0 }
        for (i = 2; i <= ns; i++)
            for (j = i; j > 1 && nlist[j - 1] > nlist[j]; j--) { t = nlist[j]; nlist[j] = nlist[j - 1]; nlist[j - 1] = t }
        cross = ""
        for (i = ns; i >= 1; i--) {
            m = nlist[i]
            if (!((prog, m, top) in par) || !((prog, m) in seq) || par[prog, m, top] >= seq[prog, m]) break
            cross = m
        }
        if (cross == "") printf "  crossover   : none: on %d %s the parallel variant does not beat seq up to n = %d\n",
                                top, prog ~ /^omp_/ ? "threads" : "ranks", big
        else printf "  crossover   : on %d %s the parallel variant beats seq from n = %d up\n", top,
                    prog ~ /^omp_/ ? "threads" : "ranks", cross

        printf "  at n = %d:\n  %8s %12s %9s %11s  %s\n", big, prog ~ /^omp_/ ? "threads" : "ranks",
               "median_s", "speedup", "efficiency", "rate vs limit"
        printf "  %8s %12.4e %9s %11s\n", "seq", seq[prog, big], "1.00", ""
        if ((prog, big) in seq)
            printf "%s,%d,0,%s,%s,1.00,,,,no\n", prog, big, seq[prog, big], spread[prog, big, 0] >summary
        nwidth = 0; delete wl
        for (key in widths) { split(key, kk, SUBSEP); if (kk[1] == prog) wl[++nwidth] = kk[2] + 0 }
        for (i = 2; i <= nwidth; i++)
            for (j = i; j > 1 && wl[j - 1] > wl[j]; j--) { t = wl[j]; wl[j] = wl[j - 1]; wl[j - 1] = t }
        sxy = 0; sxx = 0; fitted = 0
        for (i = 1; i <= nwidth; i++) {
            p = wl[i]
            if (!((prog, big, p) in par) || !((prog, big) in seq)) continue
            s = seq[prog, big] / par[prog, big, p]
            limit = ""; pct = ""
            if (unit[prog] == "GB/s" && prog ~ /^omp_/ && (("triad", p) in bw)) {
                pct = 100 * rate[prog, big, p] / bw["triad", p]; limit = "triad"
                if (rate[prog, big, p] > bw["triad", p]) over_triad = 1
            }
            if (prog ~ /countdown$/ && big == copies_n && (p in copies)) {
                pct = 100 * copies[p] / par[prog, big, p]; limit = "independent copies"
            }
            if (prog ~ /^mpi_(map_square|increment)$/ && ((big, p) in bare)) {
                pct = 100 * bare[big, p] / par[prog, big, p]; limit = "the bare round's speed"
            }
            printf "  %8s %12.4e %9.2f %11.2f  %s\n", p (over[prog, p] == "yes" ? "*" : ""),
                   par[prog, big, p], s, s / p, limit == "" ? "" : sprintf("%.0f%% of %s", pct, limit)
            printf "%s,%d,%d,%s,%s,%.3f,%.3f,%s,%s,%s\n", prog, big, p, par[prog, big, p],
                   spread[prog, big, p], s, s / p, pct == "" ? "" : sprintf("%.0f", pct), limit,
                   over[prog, p] >summary
            if (p <= cores) { x = 1 - 1 / p; y = 1 / s - 1 / p; sxy += x * y; sxx += x * x; S[p] = s }
        }
        if (maxw[prog] > cores) print "  (* oversubscribed: more threads or ranks than cores)"
        if (over_triad) print "  (over 100% of triad: bytes are counted as STREAM counts them, so an in-place kernel, which\n   pays no write-allocate, can exceed the triad; at small n the data also sit in a cache)"
        over_triad = 0
        f = sxx > 0 ? sxy / sxx : -1
        fit_rms = ""
        if (f > 1 || (sxx > 0 && f < 0)) {
            print "  Amdahl fit  : does not apply: more workers made it slower (the work is not what limits it)"
        } else if (sxx > 0) {
            err = 0; points = 0
            for (p in S) { fit = 1 / (f + (1 - f) / p); err += ((fit - S[p]) / S[p]) ^ 2; points++ }
            fit_rms = sqrt(err / points)
            printf "  Amdahl fit  : serial fraction f = %.3f over 1..%d, rms error %.1f%% over %d points%s\n",
                   f, cores, 100 * fit_rms, points,
                   (points < 3 ? " (too few points to test the model)" : "")
        }
        printf "%s,%s,%s,%s\n", prog, cross, fit_rms == "" ? "" : sprintf("%.4f", f),
               fit_rms == "" ? "" : sprintf("%.4f", fit_rms) >fits
        delete S
    }
}

# heat_model.awk: where mpi_heat stops scaling, predicted from what `make bench` measured, out to
# thousands of ranks, beside the points it measured. Run with plb_csv (scripts/run/parlab.sh):
#   plb_csv -v cores=C -v model=FILE [-v net=ALPHA_US,BETA_GBS] -f heat_model.awk \
#       limits.csv heat_strong.csv heat_weak.csv
# It prints a table and writes it to FILE as CSV (program,ranks,nodes,dims,strong_step_s,
# strong_eff,strong_1d_eff,weak_step_s,weak_eff,measured_strong_eff,measured_weak_eff; program
# is mpi_heat, so plb_csv reads it) for make plots.
#
# The model of one step of mpi_heat sendrecv on P ranks, nodes of C ranks (C = this machine's
# cores), k = min(P, C) ranks sharing a node's memory:
#   compute  t_c = block points / min(R1, B(k) / 16 / k) (R1 alone, k = 1): R1 the points a
#            second one rank updates alone (measured: mpi_heat at 1 rank), B(k) STREAM copy on k
#            threads (omp_stream; 16 bytes an update as STREAM counts a copy): a rank goes as
#            fast as it went alone, or as its share of the node's memory bandwidth lets it;
#   halo     t_h = n_r (alpha + 8 c / beta) + n_c (alpha + 8 r / beta) for an r x c block, n_r
#            and n_c = 2 along an axis cut in two or more, else 0: two MPI_Sendrecv in turn, each
#            a message time even at the field's edge, where the second waits on the first; alpha and
#            beta from mpi_pingpong (Hockney, through its smallest and largest message), the
#            network's (net=) once the ranks span nodes, if given;
#   process grid as MPI_Dims_create makes it (the most square P = px x py), or strips (1d).
# Strong scaling: a G x G grid; efficiency t(1) / (P t(P)). Weak scaling: a b x b block per
# rank; efficiency t(1) / t(P). Not in the model: caches (a small block may run faster than
# memory allows: superlinear), the packing of columns, contention for the network, noise.

FILENAME ~ /limits\.csv$/ {
    if (col("program") == "omp_stream" && col("variant") == "copy") copy[col("threads") + 0] = col("rate") * 1e9
    if (col("program") == "mpi_pingpong") {
        m = col("n") + 0; t = col("median_s") + 0
        if (small == "" || m < small) { small = m; t_small = t }
        if (m > large) { large = m; t_large = t }
    }
    next
}
col("program") == "mpi_heat" && col("variant") == "sendrecv" {
    kind = FILENAME ~ /heat_weak\.csv$/ ? "weak" : "strong"; p = col("ranks") + 0
    rate[kind, p] = col("rate") * 1e6; points[kind, p] = col("n") + 0
    if (col("oversubscribed") == "yes") over[p] = 1
    measured[p] = 1
}

function ceil(x) { return x == int(x) ? x : int(x) + 1 }
function min(a, b) { return a < b ? a : b }
# The copy bandwidth k threads share: the largest thread count measured up to k.
function bandwidth(k,    best, t) {
    best = 0
    for (t in copy) if (t + 0 <= k && t + 0 > best) best = t + 0
    return best ? copy[best] : 0
}
# px x py = p, as square as it goes (MPI_Dims_create's choice for 2 dimensions); strips: p x 1.
function dims(p, strips,    q) {
    if (strips) { px = p; py = 1; return }
    for (q = int(sqrt(p)); q > 1 && p % q; q--) {}
    py = q < 1 ? 1 : q; px = p / py
}
# The time of one step for an r x c block on p ranks; one rank updates r1 points a second alone.
function step(r, c, p, r1,    k, per_rank, a, b, calls_r, calls_c) {
    k = min(p, cores)
    per_rank = k > 1 && bandwidth(k) > 0 ? min(r1, bandwidth(k) / 16 / k) : r1
    a = alpha; b = beta
    if (p > cores && net_beta > 0) { a = net_alpha; b = net_beta }
    calls_r = px > 1 ? 2 : 0; calls_c = py > 1 ? 2 : 0
    halo_s = calls_r * (a + 8 * c / b) + calls_c * (a + 8 * r / b)
    return r * c / per_rank + halo_s
}

END {
    if (!((1) in measured) || !(("strong", 1) in rate) || !(("weak", 1) in rate) || large <= small) {
        print "heat model: needs mpi_heat sendrecv at 1 rank (strong and weak) and mpi_pingpong rows"
        exit 1
    }
    beta = (large - small) / (t_large - t_small); alpha = t_small - small / beta
    if (alpha < 0) alpha = 0
    if (net != "") { split(net, nb, ","); net_alpha = nb[1] * 1e-6; net_beta = nb[2] * 1e9 }
    grid = sqrt(points["strong", 1]); block = sqrt(points["weak", 1])
    r1 = rate["strong", 1]; r1w = rate["weak", 1]
    print ""
    print "== The heat equation's scaling: measured here, and modelled out to 4096 ranks"
    printf "  inputs: one rank alone %.0f MLUP/s (%d x %d) and %.0f MLUP/s (%d x %d a rank);",
           r1 / 1e6, grid, grid, r1w / 1e6, block, block
    printf " STREAM copy %.1f GB/s on %d cores;\n", bandwidth(cores) / 1e9, cores
    printf "  messages (mpi_pingpong): alpha %.2f us, beta %.2f GB/s", alpha * 1e6, beta / 1e9
    if (net_beta > 0) printf "; across nodes (net=): alpha %.2f us, beta %.2f GB/s", net_alpha * 1e6, net_beta / 1e9
    else printf "; across nodes not measured: the same assumed\n  (give net=ALPHA_US,BETA_GBS from mpi_pingpong on two nodes, as make cluster-test prints)"
    print ""
    printf "  nodes of %d ranks. Strong: %d x %d grid; weak: %d x %d per rank. eff = efficiency\n", cores, grid, grid, block, block
    printf "  %6s %5s %11s %12s %9s %9s %9s %12s %9s %9s\n", "ranks", "nodes", "process", "strong ms",
           "eff 2d", "eff 1d", "measured", "weak ms", "eff", "measured"
    print "program,ranks,nodes,dims,strong_step_s,strong_eff,strong_1d_eff,weak_step_s,weak_eff,measured_strong_eff,measured_weak_eff" >model
    dims(1, 0); t1 = step(grid, grid, 1, r1); t1w = step(block, block, 1, r1w)
    for (p in measured) list[p + 0] = 1
    for (p = 1; p <= 4096; p *= 2) list[p] = 1
    list[cores] = 1
    count = 0
    for (p in list) order[++count] = p + 0
    for (i = 2; i <= count; i++)
        for (j = i; j > 1 && order[j - 1] > order[j]; j--) { t = order[j]; order[j] = order[j - 1]; order[j - 1] = t }
    stop = ""
    for (i = 1; i <= count; i++) {
        p = order[i]; nodes = ceil(p / cores)
        dims(p, 1); strips = p <= grid ? t1 / (p * step(ceil(grid / px), grid, p, r1)) : ""
        dims(p, 0); ts = step(ceil(grid / px), ceil(grid / py), p, r1); strong_halo = halo_s
        tw = step(block, block, p, r1w)
        es = t1 / (p * ts); ew = t1w / tw
        ms = (("strong", p) in rate) ? rate["strong", p] / (p * r1) : ""
        mw = (("weak", p) in rate) ? rate["weak", p] / (p * r1w) : ""
        printf "  %6d %5d %11s %12.4g %9.2f %9s %9s %12.4g %9.2f %9s\n", p, nodes, px "x" py,
               ts * 1e3, es, strips == "" ? "-" : sprintf("%.2f", strips),
               ms == "" ? "" : sprintf("%.2f%s", ms, (p in over) ? "*" : ""), tw * 1e3, ew,
               mw == "" ? "" : sprintf("%.2f%s", mw, (p in over) ? "*" : "")
        printf "mpi_heat,%d,%d,%dx%d,%.6g,%.4f,%s,%.6g,%.4f,%s,%s\n", p, nodes, px, py, ts, es,
               strips == "" ? "" : sprintf("%.4f", strips), tw, ew,
               ms == "" || (p in over) ? "" : sprintf("%.4f", ms),
               mw == "" || (p in over) ? "" : sprintf("%.4f", mw) >model
        if (stop == "" && es < 0.5) {
            stop = p; stop_r = ceil(grid / px); stop_c = ceil(grid / py); stop_share = strong_halo / ts
        }
    }
    if (stop != "")
        printf "  strong scaling of %d x %d stops paying (efficiency under 50%%) at %d ranks: blocks of %d x %d,\n  the halo %.0f%% of a step; weak scaling keeps %.0f%% at 4096 ranks.\n",
               grid, grid, stop, stop_r, stop_c, 100 * stop_share, 100 * ew
    else printf "  strong scaling of %d x %d keeps over 50%% efficiency to 4096 ranks\n", grid, grid
    print "  (* oversubscribed: more ranks than cores, not compared with the model)"
}

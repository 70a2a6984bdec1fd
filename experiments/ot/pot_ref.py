#!/usr/bin/env python3
"""Side-by-side reference for pdekit's exact transport and barycenters:
POT's emd2 (its C++ network simplex) and ot.bregman.barycenter on the
instances of ot/emd_test.go (BenchmarkEMD) and ot/barycenter_test.go
(BenchmarkBarycenter), built here from the same formulas.

    go test -run XXX -bench 'EMD|Barycenter' -count 3 ./ot
    python3 experiments/ot/pot_ref.py

Prints the median of three runs and the cost (emd2) or, for the
barycenter, the barycenter itself summarised by its largest entry and a
checksum. Times exclude building the inputs, as the Go benchmarks do.
pdekit never needs this script; it only gives a same-sitting baseline.
"""
import math
import statistics
import time

import numpy as np
import ot


def frac(v):
    return v - math.floor(v)


def quasi_cloud(n, m):
    x = np.array([[frac(i * (1 + 5 ** 0.5) / 2), frac(i * 2 ** 0.5)] for i in range(n)])
    y = np.array([[frac(j * 3 ** 0.5 + 0.5), frac(j * 5 ** 0.5 + 0.25)] for j in range(m)])
    a = 1 + 0.5 * np.sin(np.arange(n))
    b = 1 + 0.5 * np.cos(np.arange(m))
    return a / a.sum(), b / b.sum(), ot.dist(x, y)


def quasi_image(side, seed):
    h = np.zeros((side, side))
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    for q in range(1, 6):
        k = 5 * seed + q
        ci, cj = frac(k * 2 ** 0.5) * side, frac(k * 3 ** 0.5) * side
        w = 1 + frac(k * 5 ** 0.5) * side / 8
        amp = 0.1 + frac(k * 7 ** 0.5)
        h += amp * np.exp(-((ii - ci) ** 2 + (jj - cj) ** 2) / (2 * w * w))
    h = h.ravel()
    return h / h.sum()


def grid_cost(side):
    ii, jj = np.divmod(np.arange(side * side), side)
    x = np.stack([ii / side, jj / side], 1)
    return ot.dist(x, x)


def blob(side, ci, cj, w):
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    h = np.exp(-((ii - ci) ** 2 + (jj - cj) ** 2) / (2 * w * w)) + 1e-6
    h = h.ravel()
    return h / h.sum()


def median_time(f):
    ts, r = [], None
    for _ in range(3):
        t = time.perf_counter()
        r = f()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), r


def main():
    for n, m in [(500, 700), (1000, 1500), (2000, 3000)]:
        a, b, c = quasi_cloud(n, m)
        t, cost = median_time(lambda: ot.emd2(a, b, c, numItermax=10 ** 8))
        print("emd2 %dx%d: %.1f ms, cost %.17g" % (n, m, 1e3 * t, cost))
    for side in (32, 40):
        c = grid_cost(side)
        for k in (1, 2):
            a, b = quasi_image(side, 2 * k - 1), quasi_image(side, 2 * k)
            t, cost = median_time(lambda: ot.emd2(a, b, c, numItermax=10 ** 8))
            print("emd2 image%d-%d: %.1f ms, cost %.17g" % (side, k, 1e3 * t, cost))
    side = 28
    hists = np.stack([blob(side, 7, 7, 2.5), blob(side, 7, 20, 2.5),
                      blob(side, 20, 7, 2.5), blob(side, 20, 20, 2.5)], 1)
    c = grid_cost(side)
    t, p = median_time(lambda: ot.bregman.barycenter(
        hists, c, 1e-3, method="sinkhorn", stopThr=1e-11, numItermax=10000))
    print("barycenter sinkhorn 28x28 eta=1000: %.1f ms, max %.17g, sum of squares %.17g"
          % (1e3 * t, p.max(), (p * p).sum()))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Side-by-side reference for experiments/skr: SciPy's GMRES(m) and
GCROT(m, k) (scipy.sparse.linalg.gcrotmk) with recycled vectors on a sequence exported by pdekit.

    go run ./experiments/skr -problem darcy-skr -grid 80 -systems 20 -export /tmp/seq
    python3 experiments/skr/scipy_ref.py /tmp/seq/darcy-skr-s80 1e-8 3

Prints, for GMRES(40) cold in generation order and GCROT(40, 20) warm in
SKR order with its u vectors carried from system to system (discard_C, since A changes), the median
solve time over the repeats, the matrix-vector products (counted in a
separate untimed pass) and the worst true relative residual. pdekit never
needs this script; it only gives a same-sitting baseline.
"""
import os
import statistics
import sys
import time

import numpy as np
import scipy
import scipy.io
import scipy.sparse.linalg as sla


def load(d):
    order = [int(line) for line in open(os.path.join(d, "order.txt"))]
    n = len(order)
    A = [scipy.io.mmread(os.path.join(d, "A_%03d.mtx" % i)).tocsr() for i in range(n)]
    b = [np.asarray(scipy.io.mmread(os.path.join(d, "b_%03d.mtx" % i))).ravel() for i in range(n)]
    return A, b, order


def tolkw(rtol):
    major, minor = (int(v) for v in scipy.__version__.split(".")[:2])
    return {"rtol": rtol} if (major, minor) >= (1, 12) else {"tol": rtol}


class Counting(sla.LinearOperator):
    def __init__(self, a):
        super().__init__(a.dtype, a.shape)
        self.a, self.count = a, 0

    def _matvec(self, x):
        self.count += 1
        return self.a @ x


def gmres_seq(A, b, order, rtol, m, count=False):
    worst, mv = 0.0, 0
    t0 = time.perf_counter()
    for i in range(len(A)):
        op = Counting(A[i]) if count else A[i]
        x, info = sla.gmres(op, b[i], restart=m, maxiter=100000, atol=0, **tolkw(rtol))
        if count:
            mv += op.count
        worst = max(worst, np.linalg.norm(b[i] - A[i] @ x) / np.linalg.norm(b[i]))
    return time.perf_counter() - t0, mv, worst


def gcrot_seq(A, b, order, rtol, m, k, count=False):
    worst, mv, cu, prev = 0.0, 0, [], None
    t0 = time.perf_counter()
    for i in order:
        op = Counting(A[i]) if count else A[i]
        x, info = sla.gcrotmk(op, b[i], x0=prev, m=m, k=k, CU=cu, discard_C=True, maxiter=100000, atol=0, **tolkw(rtol))
        if count:
            mv += op.count
        prev = x
        worst = max(worst, np.linalg.norm(b[i] - A[i] @ x) / np.linalg.norm(b[i]))
    return time.perf_counter() - t0, mv, worst


def main():
    d = sys.argv[1]
    rtol = float(sys.argv[2]) if len(sys.argv) > 2 else 1e-8
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    A, b, order = load(d)
    print("scipy %s, %d systems of size %d, rtol %g" % (scipy.__version__, len(A), A[0].shape[0], rtol))
    for name, f in (("gmres(40) cold", lambda c=False: gmres_seq(A, b, order, rtol, 40, c)),
                    ("gcrot(40,20) warm sorted", lambda c=False: gcrot_seq(A, b, order, rtol, 40, 20, c))):
        times = [f()[0] for _ in range(reps)]
        _, mv, worst = f(True)
        print("%-26s median %.3f s (%s)  matvecs %d  worst %.2g" % (
            name, statistics.median(times), " ".join("%.3f" % t for t in times), mv, worst))


if __name__ == "__main__":
    main()

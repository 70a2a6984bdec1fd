package main

import (
	"fmt"
	"math"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
)

// solveFD solves the problem with the second-order finite-difference
// operators of package pde (−Δu, −Δu − k²u) on 999 interior nodes (1D)
// or 299² (2D), by CG preconditioned with geometric multigrid to a
// relative residual of 1e-10, and measures the error on the test grid by
// (bi)linear interpolation of the nodal values, boundary values included.
func solveFD(p problem) (float64, string, error) {
	if p.advect != nil || p.allenCahn {
		return math.NaN(), "", fmt.Errorf("fd: package pde has no operator for %s (experiments/gp solves it by finite differences)", p.name)
	}
	d := len(p.lo)
	n := 299
	if d == 1 {
		n = 999
	}
	ns := make([]int, d)
	for k := range ns {
		ns[k] = n
	}
	g, err := pde.NewBox(p.lo, p.hi, ns)
	if err != nil {
		return math.NaN(), "", err
	}
	m := pde.Manufactured{Name: p.name, Dim: d, U: p.u, Lap: p.lap}
	var prob pde.Problem
	if p.k2 != 0 {
		prob, err = pde.HelmholtzProblem(g, m, math.Sqrt(p.k2))
	} else {
		prob, err = pde.PoissonProblem(g, m)
	}
	if err != nil {
		return math.NaN(), "", err
	}
	mg, err := linsolve.NewMultigrid(prob.A, g.N, nil)
	if err != nil {
		return math.NaN(), "", err
	}
	x := make([]float64, len(prob.B))
	res, err := (&linsolve.CG{}).Solve(x, prob.A, prob.B, &linsolve.Settings{RelTol: 1e-10, Preconditioner: mg})
	if err != nil {
		return math.NaN(), "", err
	}
	// Nodal values on the full grid (boundary from the data).
	full := n + 2
	h := make([]float64, d)
	for k := range d {
		h[k] = (p.hi[k] - p.lo[k]) / float64(n+1)
	}
	val := func(ii []int) float64 {
		interior := true
		idx := 0
		for _, i := range ii {
			if i == 0 || i == full-1 {
				interior = false
			}
			idx = idx*n + i - 1
		}
		if interior {
			return x[idx]
		}
		pt := make([]float64, d)
		for k, i := range ii {
			pt[k] = p.lo[k] + h[k]*float64(i)
		}
		return p.u(pt)
	}
	const m300 = 300
	var num, den float64
	pt := make([]float64, d)
	ii := make([]int, d)
	fr := make([]float64, d)
	total := 1
	for range d {
		total *= m300
	}
	for t := range total {
		idx := t
		for k := d - 1; k >= 0; k-- {
			j := idx % m300
			idx /= m300
			pt[k] = p.lo[k] + (p.hi[k]-p.lo[k])*float64(j)/float64(m300-1)
			s := (pt[k] - p.lo[k]) / h[k]
			ii[k] = min(max(int(math.Floor(s)), 0), full-2)
			fr[k] = s - float64(ii[k])
		}
		// Multilinear interpolation over the 2^d corners.
		var u float64
		corner := make([]int, d)
		for c := range 1 << d {
			w := 1.0
			for k := range d {
				if c>>k&1 == 1 {
					corner[k] = ii[k] + 1
					w *= fr[k]
				} else {
					corner[k] = ii[k]
					w *= 1 - fr[k]
				}
			}
			u += w * val(corner)
		}
		e := p.u(pt)
		num += (u - e) * (u - e)
		den += e * e
	}
	return math.Sqrt(num / den), fmt.Sprintf("%d nodes per axis, MG-PCG %d its", full, res.Iterations), nil
}

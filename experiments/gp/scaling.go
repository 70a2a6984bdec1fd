package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/pdekit/pdekit/gp"
)

// runScaling times the 2D Kronecker (Sylvester) path against the dense
// path on the problem u = sin(3x)·sin(2y) + cos(5x + y) on [0, 2π]² over
// grid sizes (kernel scale chosen by Fit's scan at each size), checks that
// both give the same grid values, and reports the
// time per unit of the model cost Σ N_d³ + N·Σ N_d.
func runScaling(cfg config, stdout io.Writer) error {
	u := func(x []float64) float64 { return math.Sin(3*x[0])*math.Sin(2*x[1]) + math.Cos(5*x[0]+x[1]) }
	f := func(x []float64) float64 {
		return -13*math.Sin(3*x[0])*math.Sin(2*x[1]) - 26*math.Cos(5*x[0]+x[1])
	}
	sizes := []int{20, 40, 80, 160, 320}
	if cfg.full {
		sizes = append(sizes, 640)
	}
	tab := report.Table{Header: []string{"N per axis", "N", "rank", "kron s", "dense s", "max |U_kron − U_dense|", "rel. L2", "kron s / (2N₁³ + N(N₁+N₂)) × 1e9"}}
	for _, n := range sizes {
		p := gp.Problem{Axes: axes2(0, 2*math.Pi, n), Ops: []gp.Op1D{{A2: 1}, {A2: 1}}, F: f, G: u}
		fr, err := gp.Fit(p, gp.InitKernels(p, gp.Gaussian, nil), &gp.FitSettings{MaxIter: -1})
		if err != nil {
			return fmt.Errorf("scaling N = %d: %w", n, err)
		}
		ks := fr.Kernels
		var times []float64
		var sol *gp.Solution
		for range 3 {
			start := time.Now()
			s, err := gp.Solve(p, ks, nil)
			if err != nil {
				return fmt.Errorf("scaling N = %d: %w", n, err)
			}
			times = append(times, time.Since(start).Seconds())
			sol = s
		}
		kron := report.Median(times)
		denseCell, diffCell := "—", "—"
		if sol.Rank[0]*sol.Rank[1] <= 6000 {
			start := time.Now()
			d, err := gp.Solve(p, ks, &gp.Settings{Dense: true})
			if err == nil {
				denseCell = fmt.Sprintf("%.3f", time.Since(start).Seconds())
				var m float64
				for i := range d.U {
					m = math.Max(m, math.Abs(d.U[i]-sol.U[i]))
				}
				diffCell = fmt.Sprintf("%.2g", m)
			} else {
				denseCell = err.Error()
			}
		}
		nn := float64(n)
		model := 2*nn*nn*nn + nn*nn*2*nn
		tab.Add(n, n*n, fmt.Sprint(sol.Rank), fmt.Sprintf("%.3f", kron), denseCell, diffCell,
			fmt.Sprintf("%.2g", sol.RelativeL2(u, cfg.testPoints)), fmt.Sprintf("%.2f", kron/model*1e9))
	}
	return tab.Write(stdout)
}

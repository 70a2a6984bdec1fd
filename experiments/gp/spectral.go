package main

import (
	"math"
	"time"

	"github.com/pdekit/pdekit/gp"
	"github.com/pdekit/pdekit/spectral"
)

// spectralProblem is the problem for package spectral: the same box,
// operators, data and nonlinearity.
func spectralProblem(p gp.Problem) spectral.Problem {
	sp := spectral.Problem{F: p.F, G: p.G, Nonlinear: p.Nonlinear}
	for d, a := range p.Axes {
		sp.Box = append(sp.Box, spectral.Interval{Lo: a.Lo, Hi: a.Hi})
		o := p.Ops[d]
		sp.Ops = append(sp.Ops, spectral.Op{A2: o.A2, A1: o.A1, A0: o.A0})
	}
	return sp
}

// solveSpectral fills a spectral row: Chebyshev collocation with the
// degree found adaptively from the coefficients (no exact solution
// used); Seconds is the whole search, FinalSeconds the solve at the
// reported grid. The row's grid is the points per axis.
func solveSpectral(p problem, r Row, cfg config) Row {
	sp := spectralProblem(p.p)
	start := time.Now()
	sol, err := spectral.SolveAdaptive(sp, nil)
	r.Seconds = time.Since(start).Seconds()
	r.Grid = nil
	if sol != nil {
		for _, x := range sol.Nodes {
			r.Grid = append(r.Grid, len(x))
		}
		r.RelativeL2 = sol.RelativeL2(p.u, cfg.testPoints)
		r.Solves = sol.Solves
		r.Newton = sol.Newton
		// Time the solve at the chosen degrees alone.
		n := make([]int, len(sol.Nodes))
		for d, x := range sol.Nodes {
			n[d] = len(x) - 1
		}
		t0 := time.Now()
		if _, err := spectral.Solve(sp, &spectral.Settings{N: n}); err == nil {
			r.FinalSeconds = time.Since(t0).Seconds()
		}
	}
	if err != nil {
		r.Error = err.Error()
		if sol == nil {
			r.RelativeL2 = math.NaN()
		}
	}
	if !cfg.noFigures && sol != nil {
		r.Sweep = spectralSweep(sp, p, sol, cfg)
	}
	return r
}

// spectralSweep returns the error (where below 1) against the degree, from 8 up to 1.25
// times the adaptive solve's, each axis scaled in proportion to it.
func spectralSweep(sp spectral.Problem, p problem, sol *spectral.Solution, cfg config) []Point2 {
	top := make([]float64, len(sol.Nodes))
	var tmax float64
	for d, x := range sol.Nodes {
		top[d] = float64(len(x) - 1)
		tmax = max(tmax, top[d])
	}
	var pts []Point2
	for f := 8 / tmax; f <= 1.25; f *= 1.15 {
		n := make([]int, len(top))
		unknowns := 1
		for d := range top {
			n[d] = max(spectral.MinPoints, int(math.Round(f*top[d])))
			unknowns *= n[d] + 1
		}
		s, err := spectral.Solve(sp, &spectral.Settings{N: n})
		if s == nil || (err != nil && s.U == nil) {
			continue
		}
		e := s.RelativeL2(p.u, cfg.testPoints)
		if e <= 1 { // unresolved degrees (errors above 100%) are left out
			pts = append(pts, Point2{float64(unknowns), e})
		}
	}
	return pts
}

package linsolve_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

// Preconditioned CG on the 2D Poisson problem.
func ExampleCG() {
	p, _ := pde.PoissonProblem(pde.MustGrid(127, 127), pde.PolyExpSine(2))
	pc, err := linsolve.NewIC0(p.A, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float64, p.A.Dim())
	var hist linsolve.History
	res, err := (&linsolve.CG{}).Solve(x, p.A, p.B, &linsolve.Settings{
		RelTol:         1e-8,
		Preconditioner: pc,
		Monitor:        hist.Record,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Reason, res.Iterations, len(hist.Residuals), res.RelativeResidual < 1e-8)
	// Output:
	// CONVERGED_RTOL 124 125 true
}

// GMRES with ILU(0) on a nonsymmetric convection–diffusion problem.
func ExampleGMRES() {
	p, _ := pde.ConvectionDiffusionProblem(pde.MustGrid(63, 63), pde.PolyExpSine(2), 0.01, []float64{1, 0.5}, pde.Upwind)
	pc, _ := linsolve.NewILU0(p.A)
	x := make([]float64, p.A.Dim())
	res, err := (&linsolve.GMRES{Restart: 30}).Solve(x, p.A, p.B, &linsolve.Settings{Preconditioner: pc})
	fmt.Println(res.Reason, res.Iterations, err)
	// Output:
	// CONVERGED_RTOL 30 <nil>
}

// A solve that hits the iteration limit returns the partial result and an
// error that says why.
func ExampleConvergenceError() {
	p, _ := pde.PoissonProblem(pde.MustGrid(63, 63), pde.PolyExpSine(2))
	x := make([]float64, p.A.Dim())
	res, err := (&linsolve.CG{}).Solve(x, p.A, p.B, &linsolve.Settings{MaxIter: 20})
	fmt.Println(errors.Is(err, linsolve.ErrMaxIter), res.Reason, res.Iterations)
	fmt.Println(err)
	// Output:
	// true DIVERGED_MAX_IT 20
	// linsolve: CG: iteration limit reached after 20 iterations (relative residual 0.0923, DIVERGED_MAX_IT)
}

// SOR with Young's optimal ω for the 5-point Laplacian.
func ExampleSOR() {
	const n = 31
	p, _ := pde.PoissonProblem(pde.MustGrid(n, n), pde.PolyExpSine(2))
	h := p.Grid.H(0)
	omega := linsolve.OptimalSOROmega(math.Cos(math.Pi * h))
	x := make([]float64, p.A.Dim())
	res, err := (&linsolve.SOR{Omega: omega}).Solve(x, p.A, p.B, nil)
	fmt.Printf("ω = %.4f: %v after %d sweeps, err = %v\n", omega, res.Reason, res.Iterations, err)
	// Output:
	// ω = 1.8215: CONVERGED_RTOL after 108 sweeps, err = <nil>
}

// Methods and preconditioners by the names used in flags and JSON.
func ExampleNewMethod() {
	p, _ := pde.ConvectionDiffusionProblem(pde.MustGrid(31, 31), pde.PolyExpSine(2), 0.05, []float64{1, -1}, pde.Central)
	for _, name := range []string{"gmres", "bicgstab"} {
		m, _ := linsolve.NewMethod(name, 0, 20)
		pc, _ := linsolve.NewPreconditioner("ilu0", p.A, nil)
		x := make([]float64, p.A.Dim())
		res, err := m.Solve(x, p.A, p.B, &linsolve.Settings{Preconditioner: pc})
		fmt.Println(name, res.Reason, res.Iterations, err == nil)
	}
	// Output:
	// gmres CONVERGED_RTOL 30 true
	// bicgstab CONVERGED_RTOL 16 true
}

// Flexible CG accepts a preconditioner that is not a fixed linear map:
// here one that returns NaN on every other call (as a failing network
// might). FCG takes the residual direction for those steps, counts them,
// and still converges.
func ExampleFCG() {
	p, _ := pde.PoissonProblem(pde.MustGrid(63, 63), pde.PolyExpSine(2))
	ic, _ := linsolve.NewIC0(p.A, nil)
	x := make([]float64, p.A.Dim())
	res, err := (&linsolve.FCG{}).Solve(x, p.A, p.B, &linsolve.Settings{Preconditioner: &flaky{pc: ic}})
	fmt.Println(res.Reason, err, res.Stats.Fallbacks > 0, res.RelativeResidual < 1e-8)
	// Output:
	// CONVERGED_RTOL <nil> true true
}

type flaky struct {
	pc    linsolve.Preconditioner
	calls int
}

func (f *flaky) Apply(dst, r []float64) {
	f.calls++
	if f.calls%2 == 0 {
		dst[0] = math.NaN()
		return
	}
	f.pc.Apply(dst, r)
}

// With as many Lanczos steps as unknowns the Ritz values are the
// eigenvalues: for the 1D Laplacian on n = 50 nodes of [0, 1] the smallest
// is 4(n+1)²·sin²(π/(2(n+1))), close to π².
func ExampleLanczos() {
	n := 50
	p, _ := pde.PoissonProblem(pde.MustGrid(n), pde.PolyExpSine(1))
	vals, vecs, err := linsolve.Lanczos(p.A, n, nil, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	h := float64(n + 1)
	exact := 4 * h * h * math.Pow(math.Sin(math.Pi/(2*h)), 2)
	fmt.Printf("%d Ritz pairs, smallest %.6f, exact %.6f\n", len(vecs), vals[0], exact)
	// Output:
	// 50 Ritz pairs, smallest 9.866484, exact 9.866484
}

// Algebraic multigrid needs only the matrix: here the 2D Poisson matrix
// in a random numbering, which a geometric multigrid could not use.
func ExampleNewAMG() {
	p, _ := pde.PoissonProblem(pde.MustGrid(127, 127), pde.PolyExpSine(2))
	n := p.A.Dim()
	perm := rand.New(rand.NewPCG(1, 2)).Perm(n)
	t := sparse.NewTriplet(n, n, p.A.NNZ())
	for i := range n {
		for k := p.A.RowPtr[i]; k < p.A.RowPtr[i+1]; k++ {
			t.Append(perm[i], perm[p.A.ColIdx[k]], p.A.Val[k])
		}
	}
	a := t.ToCSR()
	b := make([]float64, n)
	for i, v := range p.B {
		b[perm[i]] = v
	}
	amg, err := linsolve.NewAMG(a, nil) // or &linsolve.AMGSettings{Theta: 0.08}
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float64, n)
	res, err := (&linsolve.CG{}).Solve(x, a, b, &linsolve.Settings{Preconditioner: amg})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Reason, res.Iterations, amg.Levels(), amg.OperatorComplexity() < 1.5)
	// Output:
	// CONVERGED_RTOL 10 4 true
}

// Classical (Ruge–Stüben) coarsening where smoothed aggregation is weak:
// −∇·(K∇u) with K rotated by π/6 and anisotropy 10⁻³, on bilinear
// finite elements (positive off-diagonal entries carry 14% of the
// off-diagonal mass, so the default, AMGAutoCoarsening, chooses classical
// coarsening with the two finest levels coarsened aggressively). Without
// the aggressive levels the same iteration count costs an operator
// complexity above 2.
func ExampleNewAMG_classical() {
	a := pde.RotatedQ1(128, math.Pi/6, 1e-3)
	b := make([]float64, a.Dim())
	for i := range b {
		b[i] = 1
	}
	for _, set := range []linsolve.AMGSettings{
		{Coarsening: linsolve.AMGAggregation},
		{},
		{Coarsening: linsolve.AMGClassical},
	} {
		amg, err := linsolve.NewAMG(a, &set)
		if err != nil {
			fmt.Println(err)
			return
		}
		x := make([]float64, len(b))
		res, err := (&linsolve.CG{}).Solve(x, a, b, &linsolve.Settings{Preconditioner: amg})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s, %d aggressive: %s %d iterations, operator complexity %.1f\n",
			set.Coarsening, set.Aggressive, res.Reason, res.Iterations, amg.OperatorComplexity())
	}
	// Output:
	// aggregation, 0 aggressive: CONVERGED_RTOL 55 iterations, operator complexity 1.1
	// auto, 0 aggressive: CONVERGED_RTOL 13 iterations, operator complexity 1.4
	// classical, 0 aggressive: CONVERGED_RTOL 13 iterations, operator complexity 2.2
}

// Geometric multigrid on a grid problem: as a preconditioner for CG its
// iteration count stays put as the grid is refined, where IC(0)'s
// doubles.
func ExampleNewMultigrid() {
	for _, n := range []int{63, 127, 255} {
		p, _ := pde.PoissonProblem(pde.MustGrid(n, n), pde.PolyExpSine(2))
		mg, err := linsolve.NewMultigrid(p.A, []int{n, n}, nil) // V(1,1), red-black Gauss–Seidel
		if err != nil {
			fmt.Println(err)
			return
		}
		ic, _ := linsolve.NewIC0(p.A, nil)
		x := make([]float64, p.A.Dim())
		withMG, _ := (&linsolve.CG{}).Solve(x, p.A, p.B, &linsolve.Settings{Preconditioner: mg})
		clear(x)
		withIC, _ := (&linsolve.CG{}).Solve(x, p.A, p.B, &linsolve.Settings{Preconditioner: ic})
		fmt.Printf("%d²: %d levels, MG-PCG %d iterations, IC(0)-PCG %d\n", n, mg.Levels(), withMG.Iterations, withIC.Iterations)
	}
	// Output:
	// 63²: 4 levels, MG-PCG 8 iterations, IC(0)-PCG 63
	// 127²: 5 levels, MG-PCG 8 iterations, IC(0)-PCG 124
	// 255²: 6 levels, MG-PCG 8 iterations, IC(0)-PCG 248
}

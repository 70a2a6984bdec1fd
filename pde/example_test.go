package pde_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
)

// Solve −Δu = f on a 63×63 grid for a manufactured solution and measure
// the discretisation error.
func ExamplePoissonProblem() {
	g := pde.MustGrid(63, 63)
	p, err := pde.PoissonProblem(g, pde.PolyExpSine(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	u := make([]float64, g.Size())
	res, err := (&linsolve.CG{}).Solve(u, p.A, p.B, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var e float64
	for i := range u {
		e = math.Max(e, math.Abs(u[i]-p.Exact[i]))
	}
	fmt.Printf("%s: %d unknowns, %v, max error %.2e\n", p.Name, g.Size(), res.Reason, e)
	// Output:
	// poisson/poly-exp-sine: 3969 unknowns, CONVERGED_RTOL, max error 4.97e-04
}

// A Darcy family: each problem i is generated from (seed, i) alone.
func ExampleDarcyFamily() {
	fam, err := pde.DarcyFamily(32, 100, 1, pde.DarcyOptions{Form: pde.DarcyNonsymmetric})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := fam.Problem(7)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, a := range p.Params {
		lo, hi = math.Min(lo, a), math.Max(hi, a)
	}
	fmt.Printf("%s: n = %d, nnz = %d, symmetric = %v, contrast %.1f\n",
		p.Name, p.A.Dim(), p.A.NNZ(), p.A.IsSymmetric(0), hi/lo)
	// Output:
	// darcy-skr: n = 1024, nnz = 4992, symmetric = false, contrast 2.1
}

// Crank–Nicolson steps of the heat equation, each a CG solve.
func ExampleHeatStep() {
	g := pde.MustGrid(31, 31)
	hs, err := pde.NewHeatStep(g, g.Constant(1), 1e-3, pde.CrankNicolson, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	u := g.Sample(pde.SineProduct(2).U) // decays like exp(−2π²t)
	rhs := make([]float64, len(u))
	var cg linsolve.CG
	for range 50 {
		hs.RHSTo(rhs, u, nil, nil)
		if _, err := cg.Solve(u, hs.LHS, rhs, &linsolve.Settings{RelTol: 1e-12}); err != nil {
			fmt.Println(err)
			return
		}
	}
	mid := 15*31 + 15 // the node (0.5, 0.5)
	fmt.Printf("u(0.5, 0.5, t=0.05) = %.4f, exact %.4f\n", u[mid], math.Exp(-2*math.Pi*math.Pi*0.05))
	// Output:
	// u(0.5, 0.5, t=0.05) = 0.3730, exact 0.3727
}

// A Gaussian random field with the neural-operator Darcy convention.
func ExampleGRF() {
	f := pde.GRF{Alpha: 2.5, Tau: 7}
	u, err := f.Sample(rand.New(rand.NewPCG(1, 2)), 64, 64)
	if err != nil {
		fmt.Println(err)
		return
	}
	var m float64
	for _, v := range u {
		m += v
	}
	fmt.Printf("%d values, zero mean: %v, pointwise sd %.3f\n", len(u), math.Abs(m/float64(len(u))) < 1e-12, math.Sqrt(f.Variance(64, 64)))
	// Output:
	// 4096 values, zero mean: true, pointwise sd 0.185
}

package pde_test

import (
	"fmt"
	"math"

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
	// darcy-skr: n = 1024, nnz = 4992, symmetric = false, contrast 2.9
}

package tune_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/linsolve/tune"
	"github.com/pdekit/pdekit/pde"
)

// A bandit learner sets SOR's ω across a sequence of shifted Poisson
// systems (A + c·I, c drawn for each instance), paying each instance's
// iteration count: it settles on an ω between the instances' optima
// (shifts lower them below Young's ω for A) and needs 2.5 times fewer
// sweeps than Gauss–Seidel (ω = 1). Every random draw comes
// from the math/rand/v2 generator passed in.
func ExampleTsallisINF() {
	g := pde.MustGrid(24, 24)
	base, _ := pde.Laplacian(g, nil)
	b := g.Sample(func(x []float64) float64 { return x[0] * (1 - x[1]) })
	omegas, _ := tune.OmegaGrid(1, 1.95, 20)
	rng := rand.New(rand.NewPCG(1, 2))
	learner, _ := tune.NewTsallisINF(len(omegas), 1, rng)
	var sweeps, gaussSeidel int
	for range 60 {
		a := base.Clone()
		shift := 100 * rng.Float64() // instance k: A + shift·I (A's diagonal is 4/h² = 2500)
		for i := range a.Dim() {
			for p := a.RowPtr[i]; p < a.RowPtr[i+1]; p++ {
				if int(a.ColIdx[p]) == i {
					a.Val[p] += shift
				}
			}
		}
		arm, _ := learner.Choose(0)
		x := make([]float64, len(b))
		res, err := (&linsolve.SOR{Omega: omegas[arm]}).Solve(x, a, b, &linsolve.Settings{RelTol: 1e-8})
		if err != nil {
			fmt.Println(err)
			return
		}
		learner.Observe(float64(res.Iterations))
		gs, _ := (&linsolve.SOR{}).Solve(make([]float64, len(b)), a, b, &linsolve.Settings{RelTol: 1e-8})
		gaussSeidel += gs.Iterations
		sweeps += res.Iterations
	}
	p := learner.Probabilities()
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	fmt.Printf("60 instances: %d SOR sweeps with the learner, %d with Gauss–Seidel\n", sweeps, gaussSeidel)
	fmt.Printf("most likely ω now %.2f (Young's optimum for the unshifted matrix: %.2f)\n",
		omegas[best], linsolve.OptimalSOROmega(math.Cos(math.Pi*g.H(0))))
	// Output:
	// 60 instances: 9961 SOR sweeps with the learner, 24480 with Gauss–Seidel
	// most likely ω now 1.50 (Young's optimum for the unshifted matrix: 1.78)
}

package spectral_test

import (
	"fmt"
	"math"

	"github.com/pdekit/pdekit/spectral"
)

// Solve u″ = f on [0, 1] with u = sin(100x) — the high-frequency row of
// the GP-HM benchmark — letting the degree grow until the Chebyshev
// coefficients are resolved.
func ExampleSolveAdaptive() {
	u := func(x []float64) float64 { return math.Sin(100 * x[0]) }
	p := spectral.Problem{
		Box: []spectral.Interval{{Lo: 0, Hi: 1}},
		Ops: []spectral.Op{{A2: 1}},
		F:   func(x []float64) float64 { return -1e4 * math.Sin(100*x[0]) },
		G:   u,
	}
	sol, err := spectral.SolveAdaptive(p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("resolved: %v, relative L2 error below 1e-10: %v\n",
		sol.Tail[0] <= 1e-10, sol.RelativeL2(u, 300) < 1e-10)
	// Output:
	// resolved: true, relative L2 error below 1e-10: true
}

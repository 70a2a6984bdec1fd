package gp_test

import (
	"fmt"
	"math"

	"github.com/pdekit/pdekit/gp"
)

// GP-HM's first benchmark, u″ = f with u = sin(100x) on [0, 2π] and 400
// points, with a Gaussian-mixture kernel that has a component at the
// solution's frequency 100/(2π).
func ExampleSolve1D() {
	u := func(x float64) float64 { return math.Sin(100 * x) }
	p := gp.Linear1D{Lo: 0, Hi: 2 * math.Pi, N: 400, A2: 1,
		F:    func(x float64) float64 { return -1e4 * math.Sin(100*x) },
		Left: u(0), Right: u(2 * math.Pi)}
	k := &gp.Mixture{Family: gp.Gaussian,
		LogW:     []float64{0, -2},
		LogScale: []float64{math.Log(3), math.Log(3)},
		Mu:       []float64{100 / (2 * math.Pi), 0}}
	sol, err := gp.Solve1D(p, k, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sol.RelativeL2(u, 0, 2*math.Pi, 300) < 4e-7)
	// Output:
	// true
}

package gp_test

import (
	"fmt"
	"math"

	"github.com/pdekit/pdekit/gp"
)

// GP-HM's first benchmark, u″ = f with u = sin(100x) on [0, 2π] and 400
// points. The kernel's frequencies come from the periodogram of f
// (InitKernels); the solve is then one least-squares problem.
func ExampleSolve() {
	u := func(x []float64) float64 { return math.Sin(100 * x[0]) }
	p := gp.Problem{
		Axes: []gp.Axis{{Lo: 0, Hi: 2 * math.Pi, N: 400}},
		Ops:  []gp.Op1D{{A2: 1}},
		F:    func(x []float64) float64 { return -1e4 * math.Sin(100*x[0]) },
		G:    u,
	}
	ks := gp.InitKernels(p, gp.Gaussian, nil)
	fmt.Printf("frequencies found: %.2f\n", ks[0].Mu)
	sol, err := gp.Solve(p, ks, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("relative L2 error below the paper's 4e-7:", sol.RelativeL2(u, 300) < 4e-7)
	// Output:
	// frequencies found: [0.00 15.92]
	// relative L2 error below the paper's 4e-7: true
}

// A 2D Poisson problem on a product grid: the kernel is a product of 1D
// kernels and the solve never forms the N×N system.
func ExampleSolve_twoD() {
	u := func(x []float64) float64 { return math.Cos(5*x[0] + x[1]) }
	p := gp.Problem{
		Axes: []gp.Axis{{Lo: 0, Hi: 2 * math.Pi, N: 80}, {Lo: 0, Hi: 2 * math.Pi, N: 80}},
		Ops:  []gp.Op1D{{A2: 1}, {A2: 1}},
		F:    func(x []float64) float64 { return -26 * u(x) },
		G:    u,
	}
	sol, err := gp.Solve(p, []*gp.Mixture{gp.NewSE(1, 1), gp.NewSE(1, 1)}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(sol.U), sol.RelativeL2(u, 100) < 1e-6)
	// Output:
	// 6400 true
}

// Fit picks the envelope scale by the PDE residual between grid points,
// with no exact solution needed.
func ExampleFit() {
	p := gp.Problem{
		Axes: []gp.Axis{{Lo: 0, Hi: 1, N: 400}},
		Ops:  []gp.Op1D{{A2: 1}},
		F:    func(x []float64) float64 { return -25e4*math.Sin(500*x[0]) - 4 },
		G:    func(x []float64) float64 { return math.Sin(500*x[0]) - 2*(x[0]-0.5)*(x[0]-0.5) },
	}
	fr, err := gp.Fit(p, gp.InitKernels(p, gp.Gaussian, nil), &gp.FitSettings{MaxIter: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fr.Evaluations, fr.Solution.RelativeL2(p.G, 300) < 1.8e-3)
	// Output:
	// 3 true
}

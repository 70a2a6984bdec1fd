package ot_test

import (
	"fmt"
	"math"

	"github.com/pdekit/pdekit/ot"
)

// Exact transport between two small histograms of different lengths,
// with one forbidden route.
func ExampleEMD() {
	a := []float64{0.25, 0.75}
	b := []float64{0.25, 0.25, 0.5}
	cost := []float64{
		0, 1, math.Inf(1), // source 0 may not ship to sink 2
		1, 0, 1,
	}
	r, err := ot.EMD(a, b, cost, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cost %.2f\n", r.Cost)
	for k := range r.Mass {
		fmt.Printf("%d → %d: %.2f\n", r.Rows[k], r.Cols[k], r.Mass[k])
	}
	// Unordered output:
	// cost 0.50
	// 0 → 0: 0.25
	// 1 → 1: 0.25
	// 1 → 2: 0.50
}

// Cost matrices from point clouds, POT's ot.dist.
func ExampleDist() {
	x := []float64{0, 0, 1, 0} // two points in the plane
	y := []float64{0, 1, 3, 4} // two more
	c, _ := ot.Dist(x, y, 2, ot.Euclidean)
	fmt.Printf("%.3f\n", c)
	// Output:
	// [1.000 5.000 1.414 4.472]
}

// Entropic transport between two histograms on a line, squared distance
// cost, by the log-domain Sinkhorn and by Sinkhorn–Newton–Sparse at the
// same η: the same plan, reached in far fewer iterations by Newton.
func ExampleSinkhornNewtonSparse() {
	const n = 60
	x := make([]float64, n)
	a, b := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = float64(i) / (n - 1)
		a[i] = math.Exp(-math.Pow((x[i]-0.3)/0.1, 2))
		b[i] = math.Exp(-math.Pow((x[i]-0.6)/0.15, 2))
	}
	cost, _ := ot.Dist(x, x, 1, nil)
	p, err := ot.NewProblem(a, b, cost, true) // scale both to mass 1
	if err != nil {
		fmt.Println(err)
		return
	}
	set := &ot.Settings{Eta: 300, Tol: 1e-10}
	for _, solve := range []func(*ot.Problem, *ot.Settings) (*ot.Result, error){ot.LogSinkhorn, ot.SinkhornNewtonSparse} {
		r, err := solve(p, set)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("cost %.6f, marginal error below 1e-10: %v, iterations below 100: %v\n",
			p.TransportCost(p.Plan(r)), r.MarginalError <= 1e-10, r.Iterations < 100)
	}
	// Output:
	// cost 0.092805, marginal error below 1e-10: true, iterations below 100: false
	// cost 0.092805, marginal error below 1e-10: true, iterations below 100: true
}

// The exact p-Wasserstein distance between two weighted point sets on the
// line, by sorting (no cost matrix): here W₁ of two translated copies.
func ExampleWasserstein1D() {
	x := []float64{0, 1, 2}
	y := []float64{0.5, 1.5, 2.5}
	w := []float64{1, 2, 1}
	d, err := ot.Wasserstein1D(x, w, y, w, 1)
	fmt.Println(d, err)
	// Output:
	// 0.5 <nil>
}

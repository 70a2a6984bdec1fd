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

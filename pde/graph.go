package pde

import (
	"math"
	"math/rand/v2"

	"github.com/pdekit/pdekit/sparse"
)

// GraphLaplacian returns the Laplacian L = D − W of a random geometric
// graph: n points drawn uniformly in the unit square from rng, unit
// weights between points closer than r (about π·r²·n neighbours each),
// plus a path through the points in drawing order so that the graph is
// connected. L is symmetric positive semidefinite and singular, L·1 = 0:
// the test matrix of algebraic solvers that must cope with a null space
// (Neumann problems, graph learning).
func GraphLaplacian(n int, r float64, rng *rand.Rand) *sparse.CSR {
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = rng.Float64(), rng.Float64()
	}
	cells := max(1, int(1/r))
	grid := map[[2]int][]int{}
	cell := func(i int) [2]int {
		return [2]int{min(int(xs[i]*float64(cells)), cells-1), min(int(ys[i]*float64(cells)), cells-1)}
	}
	for i := range xs {
		grid[cell(i)] = append(grid[cell(i)], i)
	}
	t := sparse.NewTriplet(n, n, 12*n)
	deg := make([]float64, n)
	seen := map[[2]int]bool{}
	edge := func(i, j int) {
		if i > j {
			i, j = j, i
		}
		if seen[[2]int{i, j}] {
			return
		}
		seen[[2]int{i, j}] = true
		t.Append(i, j, -1)
		t.Append(j, i, -1)
		deg[i]++
		deg[j]++
	}
	for i := range xs {
		c := cell(i)
		for di := -1; di <= 1; di++ {
			for dj := -1; dj <= 1; dj++ {
				for _, j := range grid[[2]int{c[0] + di, c[1] + dj}] {
					if j > i && math.Hypot(xs[i]-xs[j], ys[i]-ys[j]) < r {
						edge(i, j)
					}
				}
			}
		}
		if i > 0 {
			edge(i-1, i)
		}
	}
	for i, d := range deg {
		t.Append(i, i, d)
	}
	return t.ToCSR()
}

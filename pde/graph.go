package pde

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/pdekit/pdekit/sparse"
)

// GraphLaplacian returns the Laplacian L = D − W of a random geometric
// graph: n points drawn uniformly in the unit square from rng, unit
// weights between points closer than r (about π·r²·n neighbours each),
// plus a path through the points in boustrophedon order of the r × r cells
// (rows of cells alternately left to right and right to left, points by x
// within a cell), so that the graph is connected by short edges only and
// stays geometric (good separators, sparse factors). L is symmetric positive semidefinite and singular, L·1 = 0:
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
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	key := func(i int) (int, float64) {
		c := cell(i)
		x := xs[i]
		if c[1]%2 == 1 {
			c[0], x = cells-1-c[0], -x
		}
		return c[1]*cells + c[0], x
	}
	slices.SortFunc(order, func(i, j int) int {
		ci, xi := key(i)
		cj, xj := key(j)
		if ci != cj {
			return ci - cj
		}
		return cmp.Compare(xi, xj)
	})
	for k := 1; k < n; k++ {
		edge(order[k-1], order[k])
	}
	for i, d := range deg {
		t.Append(i, i, d)
	}
	return t.ToCSR()
}

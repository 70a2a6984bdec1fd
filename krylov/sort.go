package krylov

import (
	"fmt"
	"math"
)

// Distance measures how far apart the parameters of two systems are.
type Distance func(p, q []float64) float64

// Frobenius is the default Distance: the Euclidean (Frobenius) norm of
// p − q, e.g. of two coefficient fields sampled on the grid. Vectors of
// different lengths are compared on their common prefix, and the extra
// entries count in full.
func Frobenius(p, q []float64) float64 {
	if len(p) < len(q) {
		p, q = q, p
	}
	var s float64
	for i, v := range q {
		d := p[i] - v
		s += d * d
	}
	for _, v := range p[len(q):] {
		s += v * v
	}
	return math.Sqrt(s)
}

// Sort returns the SKR ordering of systems with the given parameters
// (Wang et al. 2024, Alg. 1): a greedy nearest-neighbour chain that starts
// at system 0 and repeatedly moves to the closest system not yet visited
// (ties go to the lowest index), so that neighbouring systems in the
// order are similar and the recycled space stays relevant. It costs
// O(N²) distance evaluations. A nil dist means Frobenius. It returns an
// error if a parameter vector is empty or holds NaN.
func Sort(params [][]float64, dist Distance) ([]int, error) {
	if dist == nil {
		dist = Frobenius
	}
	for i, p := range params {
		if len(p) == 0 {
			return nil, fmt.Errorf("krylov: Sort: system %d has no parameters", i)
		}
		for _, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("krylov: Sort: system %d has a NaN or Inf parameter", i)
			}
		}
	}
	n := len(params)
	order := make([]int, 0, n)
	if n == 0 {
		return order, nil
	}
	used := make([]bool, n)
	cur := 0
	used[0] = true
	order = append(order, 0)
	for len(order) < n {
		best, bestD := -1, math.Inf(1)
		for j := range n {
			if used[j] {
				continue
			}
			if d := dist(params[cur], params[j]); d < bestD || best < 0 {
				best, bestD = j, d
			}
		}
		used[best] = true
		order = append(order, best)
		cur = best
	}
	return order, nil
}

// PathLength returns the sum of the distances between consecutive systems
// in order, the quantity the greedy sort tries to make small.
func PathLength(params [][]float64, order []int, dist Distance) float64 {
	if dist == nil {
		dist = Frobenius
	}
	var s float64
	for i := 1; i < len(order); i++ {
		s += dist(params[order[i-1]], params[order[i]])
	}
	return s
}

package ot

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Assignment solves the linear assignment problem min_σ Σ_i C[i, σ(i)]
// for a square n×n cost (row-major) by the Hungarian method with
// potentials and shortest augmenting paths (Kuhn 1955; Jonker and
// Volgenant 1987), in O(n³). It returns σ and the total cost. For uniform
// histograms a = b = 1/n this is exact optimal transport: the plan puts
// 1/n on (i, σ(i)) (Birkhoff), and the transport cost is the total over n.
func Assignment(cost []float64, n int) ([]int, float64, error) {
	if n < 1 || len(cost) != n*n {
		return nil, 0, fmt.Errorf("%w: assignment needs an n×n cost, got %d entries for n = %d", ErrCost, len(cost), n)
	}
	for k, c := range cost {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return nil, 0, fmt.Errorf("%w: C[%d, %d] = %v", ErrCost, k/n, k%n, c)
		}
	}
	inf := math.Inf(1)
	// 1-based arrays as in the classical formulation; column 0 is virtual.
	u := make([]float64, n+1)
	v := make([]float64, n+1)
	match := make([]int, n+1) // match[j] = row assigned to column j
	way := make([]int, n+1)
	minv := make([]float64, n+1)
	used := make([]bool, n+1)
	for i := 1; i <= n; i++ {
		match[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = inf
			used[j] = false
		}
		for {
			used[j0] = true
			i0 := match[j0]
			delta, j1 := inf, 0
			row := cost[(i0-1)*n : i0*n]
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				cur := row[j-1] - u[i0] - v[j]
				if cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[match[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if match[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			match[j0] = match[j1]
			j0 = j1
		}
	}
	sigma := make([]int, n)
	var total float64
	for j := 1; j <= n; j++ {
		sigma[match[j]-1] = j - 1
	}
	for i, j := range sigma {
		total += cost[i*n+j]
	}
	return sigma, total, nil
}

// Wasserstein1D returns W_p(μ, ν) for the discrete measures μ = Σ a_i δ_{x_i}
// and ν = Σ b_j δ_{y_j} on the line, p ≥ 1, by the closed form
// W_p^p = ∫₀¹ |F⁻¹(t) − G⁻¹(t)|^p dt over the quantile functions, which
// are piecewise constant: a merge of the two sorted cumulative weights.
// The weights are normalised to sum 1.
func Wasserstein1D(x, a, y, b []float64, p float64) (float64, error) {
	if len(x) != len(a) || len(y) != len(b) {
		return 0, fmt.Errorf("%w: %d points with %d weights, %d points with %d weights", ErrHistogram, len(x), len(a), len(y), len(b))
	}
	if !(p >= 1) || math.IsInf(p, 0) {
		return 0, errors.New("ot: Wasserstein1D needs a finite p ≥ 1")
	}
	sa, err := checkHist("a", a)
	if err != nil {
		return 0, err
	}
	sb, err := checkHist("b", b)
	if err != nil {
		return 0, err
	}
	for _, v := range append(append([]float64(nil), x...), y...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%w: support point %v", ErrHistogram, v)
		}
	}
	ix, iy := order(x), order(y)
	var w float64
	i, j := 0, 0
	ra, rb := a[ix[0]]/sa, b[iy[0]]/sb // mass left at the current points
	for i < len(x) && j < len(y) {
		step := math.Min(ra, rb)
		w += step * math.Pow(math.Abs(x[ix[i]]-y[iy[j]]), p)
		ra -= step
		rb -= step
		if ra <= 1e-15 {
			i++
			if i < len(x) {
				ra = a[ix[i]] / sa
			}
		}
		if rb <= 1e-15 {
			j++
			if j < len(y) {
				rb = b[iy[j]] / sb
			}
		}
	}
	return math.Pow(w, 1/p), nil
}

func order(x []float64) []int {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	return idx
}

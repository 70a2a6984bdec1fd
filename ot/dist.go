package ot

import (
	"fmt"
	"math"
)

// Metric is a cost between two points of dimension d.
type Metric func(p, q []float64) float64

// SquaredEuclidean is |p − q|², POT's default "sqeuclidean".
func SquaredEuclidean(p, q []float64) float64 {
	var s float64
	for k, v := range p {
		d := v - q[k]
		s += d * d
	}
	return s
}

// Euclidean is |p − q|.
func Euclidean(p, q []float64) float64 { return math.Sqrt(SquaredEuclidean(p, q)) }

// Minkowski returns the metric (Σ|p_k − q_k|^r)^(1/r) for r ≥ 1 (r = 1:
// cityblock). For r < 1 or NaN, which give no metric, it returns NaN, so
// Dist fails with ErrCost.
func Minkowski(r float64) Metric {
	return func(p, q []float64) float64 {
		if !(r >= 1) {
			return math.NaN()
		}
		var s float64
		for k, v := range p {
			s += math.Pow(math.Abs(v-q[k]), r)
		}
		return math.Pow(s, 1/r)
	}
}

// Dist returns the n×m cost matrix (row-major) C_ij = metric(x_i, y_j)
// between the points x (n×d, row-major) and y (m×d) — POT's ot.dist. A nil
// metric is SquaredEuclidean. It fails with ErrCost for lengths that are
// not multiples of d, NaN or infinite coordinates, or a metric value that
// is NaN or −Inf.
func Dist(x, y []float64, d int, metric Metric) ([]float64, error) {
	if d < 1 || len(x) == 0 || len(y) == 0 || len(x)%d != 0 || len(y)%d != 0 {
		return nil, fmt.Errorf("%w: Dist of %d and %d coordinates in dimension %d", ErrCost, len(x), len(y), d)
	}
	for _, pts := range [][]float64{x, y} {
		for k, v := range pts {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: coordinate %d is %v", ErrCost, k, v)
			}
		}
	}
	if metric == nil {
		metric = SquaredEuclidean
	}
	n, m := len(x)/d, len(y)/d
	c := make([]float64, n*m)
	for i := range n {
		p := x[i*d : (i+1)*d]
		for j := range m {
			v := metric(p, y[j*d:(j+1)*d])
			if math.IsNaN(v) || math.IsInf(v, -1) {
				return nil, fmt.Errorf("%w: metric(x[%d], y[%d]) = %v", ErrCost, i, j, v)
			}
			c[i*m+j] = v
		}
	}
	return c, nil
}

// Sinkhorn2 is the one-call entropic transport cost, POT's sinkhorn2:
// the problem of a, b (equal masses) and cost is solved at s.Eta by
// Sinkhorn–Newton–Sparse, and ⟨C, P⟩ of its plan is returned with the
// result (Plan of the problem gives P). Errors are NewProblem's and the
// solver's.
func Sinkhorn2(a, b, cost []float64, s *Settings) (float64, *Problem, *Result, error) {
	p, err := NewProblem(a, b, cost, false)
	if err != nil {
		return 0, nil, nil, err
	}
	r, err := SinkhornNewtonSparse(p, s)
	if err != nil {
		return 0, p, r, err
	}
	return p.TransportCost(p.Plan(r)), p, r, nil
}

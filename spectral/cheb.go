package spectral

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Cheb returns the n+1 Chebyshev–Gauss–Lobatto points of [lo, hi] in
// ascending order, x_j = (lo+hi)/2 − (hi−lo)/2·cos(jπ/n), and the
// (n+1)×(n+1) differentiation matrix D: (D·u)_i is the derivative at x_i
// of the polynomial interpolating u (Trefethen 2000, cheb.m, with the
// differences x_i − x_j from a trigonometric identity and the diagonal as
// minus the row sum of the others, for accuracy). It panics if n < 1 or
// the interval is empty or not finite.
func Cheb(n int, lo, hi float64) (x []float64, d *mat.Dense) {
	if n < 1 || !(hi > lo) || math.IsInf(hi-lo, 0) {
		panic("spectral: Cheb needs n ≥ 1 and a finite interval lo < hi")
	}
	x, half := chebPoints(n, lo, hi)
	d = mat.NewDense(n+1, n+1, nil)
	raw := d.RawMatrix().Data
	c := func(j int) float64 {
		v := 1.0
		if j == 0 || j == n {
			v = 2
		}
		if j%2 == 1 {
			v = -v
		}
		return v
	}
	th := math.Pi / float64(2*n)
	for i := 0; i <= n; i++ {
		var sum float64
		for j := 0; j <= n; j++ {
			if i == j {
				continue
			}
			// x_i − x_j on [−1, 1] is 2 sin((θ_i+θ_j)/2) sin((θ_i−θ_j)/2)
			// with θ_k = kπ/n.
			dx := 2 * math.Sin(float64(i+j)*th) * math.Sin(float64(i-j)*th)
			v := c(i) / c(j) / dx / half
			raw[i*(n+1)+j] = v
			sum += v
		}
		raw[i*(n+1)+i] = -sum
	}
	return x, d
}

// cheb2 returns the second-derivative matrix on the points of Cheb(n,
// lo, hi) by Welfert's recursion, D²_ij = 2·D_ij·(D_ii − 1/(x_i − x_j))
// for i ≠ j and minus the row sum on the diagonal (Weideman and Reddy,
// "A MATLAB differentiation matrix suite", ACM TOMS 26(4), 2000): far
// less rounding than the product D·D, whose entries carry errors of the
// size of |D|²·ε ∝ N⁴ε.
func cheb2(n int, lo, hi float64, d *mat.Dense) *mat.Dense {
	half := (hi - lo) / 2
	th := math.Pi / float64(2*n)
	d2 := mat.NewDense(n+1, n+1, nil)
	raw, dr := d2.RawMatrix().Data, d.RawMatrix().Data
	for i := 0; i <= n; i++ {
		dii := dr[i*(n+1)+i]
		var sum float64
		for j := 0; j <= n; j++ {
			if i == j {
				continue
			}
			dx := half * 2 * math.Sin(float64(i+j)*th) * math.Sin(float64(i-j)*th)
			v := 2 * dr[i*(n+1)+j] * (dii - 1/dx)
			raw[i*(n+1)+j] = v
			sum += v
		}
		raw[i*(n+1)+i] = -sum
	}
	return d2
}

// baryWeights returns the barycentric weights of the Chebyshev–Lobatto
// points: (−1)^j, halved at both ends (Berrut and Trefethen 2004, §5).
func baryWeights(n int) []float64 {
	w := make([]float64, n+1)
	for j := range w {
		w[j] = 1
		if j%2 == 1 {
			w[j] = -1
		}
	}
	w[0] /= 2
	w[n] /= 2
	return w
}

// interpMatrix returns the len(t)×len(x) matrix that maps values at the
// Chebyshev–Lobatto points x to the interpolant's values at t.
func interpMatrix(x, t []float64) *mat.Dense {
	n := len(x) - 1
	w := baryWeights(n)
	m := mat.NewDense(len(t), len(x), nil)
	raw := m.RawMatrix().Data
	for k, tk := range t {
		row := raw[k*len(x) : (k+1)*len(x)]
		exact := -1
		var den float64
		for j, xj := range x {
			if tk == xj {
				exact = j
				break
			}
			v := w[j] / (tk - xj)
			row[j] = v
			den += v
		}
		if exact >= 0 {
			clear(row)
			row[exact] = 1
			continue
		}
		for j := range row {
			row[j] /= den
		}
	}
	return m
}

// chebPoints returns the n+1 Chebyshev–Lobatto points of [lo, hi] in
// ascending order and the half-length (hi − lo)/2.
func chebPoints(n int, lo, hi float64) ([]float64, float64) {
	half := (hi - lo) / 2
	mid := (hi + lo) / 2
	x := make([]float64, n+1)
	for j := range x {
		// −cos(jπ/n) = sin(π(2j−n)/(2n)): exactly antisymmetric.
		x[j] = mid + half*math.Sin(math.Pi*float64(2*j-n)/float64(2*n))
	}
	x[0], x[n] = lo, hi
	return x, half
}

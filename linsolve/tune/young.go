package tune

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/sparse"
)

// JacobiSpectralRadius estimates ρ_J = ρ(I − D⁻¹A) for a symmetric A with
// a positive diagonal from steps Lanczos steps (with full
// re-orthogonalisation) on the similar matrix D^{−1/2}·A·D^{−1/2}, whose
// extreme Ritz values converge first: ρ_J = max(|1 − λ_min|, |1 − λ_max|).
// The start vector is fixed, so the estimate is deterministic.
func JacobiSpectralRadius(a *sparse.CSR, steps int) (float64, error) {
	n := a.Dim()
	if steps < 1 {
		return 0, fmt.Errorf("tune: %d Lanczos steps", steps)
	}
	if err := a.CheckFinite(); err != nil {
		return 0, err
	}
	steps = min(steps, n)
	s := a.DiagTo(nil)
	for i, v := range s {
		if !(v > 0) {
			return 0, fmt.Errorf("%w: A[%d, %d] = %v", linsolve.ErrZeroDiagonal, i, i, v)
		}
		s[i] = 1 / math.Sqrt(v)
	}
	v := make([][]float64, 0, steps+1)
	q := make([]float64, n)
	for i := range q {
		q[i] = 1 + 0.5*math.Sin(float64(i)*1.7)
	}
	scaleTo(q, 1/norm(q))
	v = append(v, q)
	alpha := make([]float64, 0, steps)
	beta := make([]float64, 0, steps)
	w := make([]float64, n)
	t := make([]float64, n)
	for j := range steps {
		// w = S·A·S·v_j.
		for i := range t {
			t[i] = s[i] * v[j][i]
		}
		a.MulVecTo(w, t)
		for i := range w {
			w[i] *= s[i]
		}
		alpha = append(alpha, dot(w, v[j]))
		// Full re-orthogonalisation (twice) against the basis.
		for range 2 {
			for _, u := range v {
				c := dot(w, u)
				for i := range w {
					w[i] -= c * u[i]
				}
			}
		}
		b := norm(w)
		if j == steps-1 || b < 1e-12*math.Abs(alpha[j]) {
			break
		}
		beta = append(beta, b)
		nv := make([]float64, n)
		for i := range nv {
			nv[i] = w[i] / b
		}
		v = append(v, nv)
	}
	k := len(alpha)
	tri := mat.NewSymDense(k, nil)
	for i := range k {
		tri.SetSym(i, i, alpha[i])
		if i+1 < k {
			tri.SetSym(i, i+1, beta[i])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(tri, false) {
		return 0, ErrNotConverge
	}
	ev := eig.Values(nil)
	lmin, lmax := ev[0], ev[len(ev)-1]
	return math.Max(math.Abs(1-lmin), math.Abs(1-lmax)), nil
}

// YoungOmega returns Young's optimal SOR parameter for a consistently
// ordered matrix whose Jacobi iteration has spectral radius rhoJ < 1
// (linsolve.OptimalSOROmega), and an error for rhoJ ≥ 1 or NaN, where SOR
// with any ω does not converge by this theory.
func YoungOmega(rhoJ float64) (float64, error) {
	if !(rhoJ >= 0 && rhoJ < 1) {
		return 0, fmt.Errorf("tune: Young's formula needs 0 ≤ ρ_J < 1, got %v", rhoJ)
	}
	return linsolve.OptimalSOROmega(rhoJ), nil
}

func norm(x []float64) float64 { return math.Sqrt(dot(x, x)) }

func dot(x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

func scaleTo(x []float64, a float64) {
	for i := range x {
		x[i] *= a
	}
}

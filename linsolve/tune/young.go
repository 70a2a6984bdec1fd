package tune

import (
	"fmt"
	"math"

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
	q := make([]float64, n)
	for i := range q {
		q[i] = 1 + 0.5*math.Sin(float64(i)*1.7)
	}
	ev, err := linsolve.RitzValues(jacobiScaled{a, s, make([]float64, n)}, steps, q, 0)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNotConverge, err)
	}
	lmin, lmax := ev[0], ev[len(ev)-1]
	return math.Max(math.Abs(1-lmin), math.Abs(1-lmax)), nil
}

// jacobiScaled is the operator S·A·S with S = D^{−1/2}.
type jacobiScaled struct {
	a    *sparse.CSR
	s, t []float64
}

func (j jacobiScaled) Dim() int { return j.a.Dim() }

func (j jacobiScaled) MulVecTo(dst, x []float64) {
	for i := range j.t {
		j.t[i] = j.s[i] * x[i]
	}
	j.a.MulVecTo(dst, j.t)
	for i := range dst {
		dst[i] *= j.s[i]
	}
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

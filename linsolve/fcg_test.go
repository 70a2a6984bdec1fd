package linsolve

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/sparse"
)

// TestFCGEqualsPCG: with a fixed symmetric positive definite
// preconditioner, flexible CG produces the iterates of preconditioned CG
// (Notay 2000, §2: the A-orthogonalisation against the last direction
// reproduces β of PCG in exact arithmetic), so the residual histories
// agree to rounding and the iteration counts are equal.
func TestFCGEqualsPCG(t *testing.T) {
	a := laplace2D(24, [2]float64{})
	n := a.Dim()
	b := make([]float64, n)
	for i := range b {
		b[i] = math.Sin(float64(7*i)) + 0.5
	}
	for _, pcName := range []string{"none", "jacobi", "ic0", "ssor"} {
		pc, err := NewPreconditioner(pcName, a, nil)
		require.NoError(t, err)
		for _, keep := range []int{1, 2, 5} {
			var hc, hf History
			xc, xf := make([]float64, n), make([]float64, n)
			rc, err := (&CG{}).Solve(xc, a, b, &Settings{RelTol: 1e-8, Preconditioner: pc, Monitor: hc.Record})
			require.NoError(t, err)
			rf, err := (&FCG{Truncation: keep}).Solve(xf, a, b, &Settings{RelTol: 1e-8, Preconditioner: pc, Monitor: hf.Record})
			require.NoError(t, err)
			assert.Equal(t, rc.Iterations, rf.Iterations, "%s, truncation %d", pcName, keep)
			assert.Zero(t, rf.Stats.Fallbacks)
			// Rounding differences grow with the iteration; compare the
			// first 30 steps, where both are still far from the tolerance.
			for i := 0; i < 30 && i < len(hc.Residuals) && i < len(hf.Residuals); i++ {
				assert.InDelta(t, 1, hf.Residuals[i]/hc.Residuals[i], 1e-6, "%s, truncation %d, iteration %d", pcName, keep, i)
			}
			assert.LessOrEqual(t, relDiff(xf, xc), 1e-6)
		}
	}
}

// badPC is a preconditioner whose output is NaN, zero or a fixed vector
// (nonlinear: it ignores r) depending on the call number.
type badPC struct {
	calls int
	mode  string
}

func (p *badPC) Apply(dst, r []float64) {
	p.calls++
	switch p.mode {
	case "nan":
		for i := range dst {
			dst[i] = math.NaN()
		}
	case "zero":
		clear(dst)
	case "alternate":
		if p.calls%2 == 0 {
			dst[0] = math.Inf(1)
			return
		}
		for i, v := range r {
			dst[i] = 2 * v
		}
	}
}

// TestFCGFallback: a preconditioner that returns NaN, zero or an
// infinite vector makes FCG take the residual direction instead; the
// solve still converges, and with a useless preconditioner every step
// falls back, which is CG itself (same iteration count).
func TestFCGFallback(t *testing.T) {
	a := laplace2D(12, [2]float64{})
	n := a.Dim()
	b := make([]float64, n)
	for i := range b {
		b[i] = 1
	}
	cg, err := (&CG{}).Solve(make([]float64, n), a, b, &Settings{RelTol: 1e-9})
	require.NoError(t, err)
	for _, mode := range []string{"nan", "zero", "alternate"} {
		x := make([]float64, n)
		res, err := (&FCG{}).Solve(x, a, b, &Settings{RelTol: 1e-9, Preconditioner: &badPC{mode: mode}})
		require.NoError(t, err, mode)
		assert.LessOrEqual(t, res.RelativeResidual, 1e-9, mode)
		assert.Positive(t, res.Stats.Fallbacks, mode)
		if mode != "alternate" {
			assert.Equal(t, res.Iterations, res.Stats.Fallbacks, mode)
			assert.Equal(t, cg.Iterations, res.Iterations, mode)
		}
	}
}

// TestFCGIndefinite: a symmetric indefinite matrix stops FCG with
// DivergedIndefiniteMat, returning the last iterate.
func TestFCGIndefinite(t *testing.T) {
	tr := sparse.NewTriplet(4, 4, 4)
	for i, v := range []float64{1, -1, 2, 3} {
		tr.Append(i, i, v)
	}
	res, err := (&FCG{}).Solve(make([]float64, 4), tr.ToCSR(), []float64{0, 1, 0, 0}, nil)
	assert.ErrorIs(t, err, ErrIndefinite)
	assert.Equal(t, DivergedIndefiniteMat, res.Reason)

	_, err = (&FCG{}).Solve(make([]float64, 3), tr.ToCSR(), []float64{0, 1, 0, 0}, nil)
	assert.ErrorIs(t, err, ErrDimension)
}

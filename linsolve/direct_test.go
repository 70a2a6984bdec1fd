package linsolve

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/linsolve/direct"
	"github.com/pdekit/pdekit/sparse"
)

// TestDirect solves SPD, nonsymmetric and zero-diagonal systems by the
// direct method to a true relative residual of 1e-12, reuses the
// factorization only for an equal matrix (a matrix changed in place is
// refactored, never solved with a stale factor), and reports bad input.
func TestDirect(t *testing.T) {
	swapped := laplace2D(12, [2]float64{30, 0})
	// Swap pairs of rows: zero diagonal entries where the pairs meet.
	tr := sparse.NewTriplet(swapped.Dim(), swapped.Dim(), swapped.NNZ())
	for i := range swapped.Dim() {
		for k := swapped.RowPtr[i]; k < swapped.RowPtr[i+1]; k++ {
			tr.Append(i^1, int(swapped.ColIdx[k]), swapped.Val[k])
		}
	}
	cases := map[string]*sparse.CSR{
		"poisson":      laplace2D(20, [2]float64{}),
		"convdiff":     laplace2D(20, [2]float64{100, -50}),
		"rows swapped": tr.ToCSR(),
	}
	for name, a := range cases {
		m := &Direct{}
		b := onesRHS(a.Dim())
		x := make([]float64, a.Dim())
		res, err := m.Solve(x, a, b, &Settings{RelTol: 1e-12})
		require.NoError(t, err, name)
		assert.LessOrEqual(t, res.RelativeResidual, 1e-12, name)
		r := make([]float64, a.Dim())
		assert.LessOrEqual(t, TrueResidual(r, a, x, b)/norm(b), 1e-12, name)
		assert.Positive(t, m.FactorNNZ(), name)
		// The same matrix changed in place: refactored.
		for i, k := range a.DiagIndex() {
			if k >= 0 {
				a.Val[k] *= 1 + float64(i%3)
			}
		}
		_, err = m.Solve(x, a, b, &Settings{RelTol: 1e-12})
		require.NoError(t, err, name)
		assert.LessOrEqual(t, TrueResidual(r, a, x, b)/norm(b), 1e-12, name)
	}
	a := cases["poisson"]
	pc, err := NewJacobiPreconditioner(a)
	require.NoError(t, err)
	_, err = (&Direct{}).Solve(make([]float64, a.Dim()), a, onesRHS(a.Dim()), &Settings{Preconditioner: pc})
	assert.ErrorContains(t, err, "takes no preconditioner")
	_, err = (&Direct{}).Solve(make([]float64, a.Dim()), opOnly{a}, onesRHS(a.Dim()), nil)
	assert.ErrorIs(t, err, ErrNeedsCSR)
	sing := sparse.NewTriplet(3, 3, 0)
	sing.Append(0, 0, 1)
	sing.Append(1, 0, 1)
	sing.Append(2, 2, 1)
	_, err = (&Direct{}).Solve(make([]float64, 3), sing.ToCSR(), []float64{1, 1, 1}, nil)
	assert.ErrorIs(t, err, direct.ErrSingular)
	_, err = (&Direct{Settings: &direct.Settings{MaxNNZ: 10}}).Solve(make([]float64, a.Dim()), a, onesRHS(a.Dim()), nil)
	assert.ErrorIs(t, err, direct.ErrFillLimit)
}

// opOnly hides a matrix behind the Operator interface.
type opOnly struct{ a *sparse.CSR }

func (o opOnly) Dim() int                  { return o.a.Dim() }
func (o opOnly) MulVecTo(dst, x []float64) { o.a.MulVecTo(dst, x) }

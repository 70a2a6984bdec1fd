package linsolve

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/sparse"
)

// tridiag returns the n×n matrix tridiag(−1, 2, −1), whose eigenvalues
// are 2 − 2cos(kπ/(n+1)), k = 1…n.
func tridiag(t *testing.T, n int) *sparse.CSR {
	t.Helper()
	var rp []int
	var ci []int32
	var v []float64
	rp = append(rp, 0)
	for i := range n {
		if i > 0 {
			ci, v = append(ci, int32(i-1)), append(v, -1)
		}
		ci, v = append(ci, int32(i)), append(v, 2)
		if i+1 < n {
			ci, v = append(ci, int32(i+1)), append(v, -1)
		}
		rp = append(rp, len(ci))
	}
	a, err := sparse.NewCSR(n, n, rp, ci, v)
	require.NoError(t, err)
	return a
}

// TestLanczosEigenpairs: with m = n steps the Ritz values are the
// eigenvalues of tridiag(−1, 2, −1) (known in closed form) and every Ritz
// pair has a small residual; with m < n the extreme values converge first.
func TestLanczosEigenpairs(t *testing.T) {
	n := 40
	a := tridiag(t, n)
	vals, vecs, err := Lanczos(a, n, nil, 1)
	require.NoError(t, err)
	require.Len(t, vals, n)
	av := make([]float64, n)
	for k := range n {
		exact := 2 - 2*math.Cos(float64(k+1)*math.Pi/float64(n+1))
		assert.InDelta(t, exact, vals[k], 1e-10, "eigenvalue %d", k)
		a.MulVecTo(av, vecs[k])
		for i := range av {
			av[i] -= vals[k] * vecs[k][i]
		}
		assert.Less(t, norm(av), 1e-8, "residual of Ritz pair %d", k)
	}
	vals, _, err = Lanczos(a, 25, nil, 2)
	require.NoError(t, err)
	// Cauchy interlacing: the Ritz values lie inside the spectrum, the
	// extreme ones close to its ends.
	lo, hi := 2-2*math.Cos(math.Pi/float64(n+1)), 2-2*math.Cos(float64(n)*math.Pi/float64(n+1))
	assert.GreaterOrEqual(t, vals[0], lo-1e-12)
	assert.Less(t, vals[0], lo+0.02)
	assert.LessOrEqual(t, vals[len(vals)-1], hi+1e-12)
	assert.Greater(t, vals[len(vals)-1], hi-0.02)

	_, _, err = Lanczos(a, 0, nil, 1)
	assert.ErrorIs(t, err, ErrDimension)
	_, _, err = Lanczos(a, 5, make([]float64, 3), 1)
	assert.ErrorIs(t, err, ErrDimension)
	_, _, err = Lanczos(a, 5, make([]float64, n), 1)
	assert.Error(t, err, "zero start")
}

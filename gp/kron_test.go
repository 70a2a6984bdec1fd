package gp

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

func randSPD(rng *rand.Rand, n int) *mat.SymDense {
	a := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	s := mat.NewSymDense(n, nil)
	s.SymOuterK(1, a)
	for i := range n {
		s.SetSym(i, i, s.At(i, i)+0.1)
	}
	return s
}

// denseKron returns the explicit Kronecker product.
func denseKron(fs ...*mat.SymDense) *mat.Dense {
	var k mat.Dense
	k.CloneFrom(fs[0])
	for _, f := range fs[1:] {
		var next mat.Dense
		next.Kronecker(&k, f)
		k = next
	}
	return &k
}

func TestKronAgainstDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, dims := range [][]int{{5}, {3, 4}, {2, 3, 4}} {
		var fs []*mat.SymDense
		var syms []mat.Symmetric
		for _, d := range dims {
			f := randSPD(rng, d)
			fs = append(fs, f)
			syms = append(syms, f)
		}
		k, err := NewKron(syms...)
		require.NoError(t, err)
		full := denseKron(fs...)
		n := k.Dim()
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		// Product.
		got := make([]float64, n)
		k.MulVecTo(got, x)
		var want mat.VecDense
		want.MulVec(full, mat.NewVecDense(n, x))
		assert.InDeltaSlice(t, want.RawVector().Data, got, 1e-10, "%v product", dims)
		// Solve with jitter.
		const jitter = 0.01
		require.NoError(t, k.SolveTo(got, x, jitter))
		shifted := mat.DenseCopyOf(full)
		for i := range n {
			shifted.Set(i, i, shifted.At(i, i)+jitter)
		}
		var sol mat.VecDense
		require.NoError(t, sol.SolveVec(shifted, mat.NewVecDense(n, x)))
		assert.InDeltaSlice(t, sol.RawVector().Data, got, 1e-10, "%v solve", dims)
		// Log-determinant: log|K₁ ⊗ K₂| = N₂·log|K₁| + N₁·log|K₂| without
		// jitter (the identity of the reference note), and the dense LU
		// value with it.
		ld, err := k.LogDet(0)
		require.NoError(t, err)
		var want0 float64
		for i, f := range fs {
			var ch mat.Cholesky
			require.True(t, ch.Factorize(f))
			want0 += float64(n/dims[i]) * ch.LogDet()
		}
		assert.InEpsilon(t, want0, ld, 1e-11, "%v logdet", dims)
		ldj, err := k.LogDet(jitter)
		require.NoError(t, err)
		var lu mat.LU
		lu.Factorize(shifted)
		wantJ, sign := lu.LogDet()
		assert.Equal(t, 1.0, sign)
		assert.InEpsilon(t, wantJ, ldj, 1e-11, "%v logdet+jitter", dims)
	}
}

func TestKronNotPositiveDefinite(t *testing.T) {
	a := mat.NewSymDense(2, []float64{1, 2, 2, 1}) // eigenvalues −1, 3
	k, err := NewKron(a, mat.NewSymDense(1, []float64{1}))
	require.NoError(t, err)
	assert.InDelta(t, -1, k.MinEigenvalue(), 1e-14)
	x := []float64{1, 1}
	assert.ErrorIs(t, k.SolveTo(x, []float64{1, 2}, 0), ErrNotPositiveDefinite)
	_, err = k.LogDet(0.5)
	assert.ErrorIs(t, err, ErrNotPositiveDefinite)
	assert.NoError(t, k.SolveTo(x, []float64{1, 2}, 2))
	_, err = NewKron(mat.NewSymDense(1, []float64{math.NaN()}))
	assert.Error(t, err)
	_, err = NewKron()
	assert.Error(t, err)
}

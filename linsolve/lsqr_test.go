package linsolve

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/sparse"
)

// denseRect is a gonum matrix as a RectOperator.
type denseRect struct{ a *mat.Dense }

func (d denseRect) Dims() (int, int) { return d.a.Dims() }
func (d denseRect) MulVecTo(dst, x []float64) {
	r, c := d.a.Dims()
	mat.NewVecDense(r, dst).MulVec(d.a, mat.NewVecDense(c, x))
}
func (d denseRect) MulVecTransTo(dst, y []float64) {
	r, c := d.a.Dims()
	mat.NewVecDense(c, dst).MulVec(d.a.T(), mat.NewVecDense(r, y))
}

// TestLSQR: an overdetermined incompatible system gives the QR
// least-squares solution (reason CONVERGED_RTOL_NORMAL, ‖Aᵀr‖ tiny); a
// compatible sparse rectangular one is solved to its residual test; the
// monitor sees every iteration; an iteration cap returns the iterate with
// ErrMaxIter; bad sizes, NaN and settings are errors.
func TestLSQR(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const m, n = 40, 12
	a := mat.NewDense(m, n, nil)
	for i := range m {
		for j := range n {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	b := make([]float64, m)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	var qr mat.QR
	qr.Factorize(a)
	var want mat.Dense
	require.NoError(t, qr.SolveTo(&want, false, mat.NewDense(m, 1, b)))
	x := make([]float64, n)
	var hist History
	res, err := LSQR(x, denseRect{a}, b, &LSQRSettings{ATol: 1e-14, BTol: 1e-14, Monitor: hist.Record})
	require.NoError(t, err)
	assert.Equal(t, ConvergedNormal, res.Reason)
	assert.InDeltaSlice(t, want.RawMatrix().Data, x, 1e-10)
	assert.Less(t, res.NormalResidual, 1e-10*res.Residual)
	assert.Len(t, hist.Residuals, res.Iterations+1)

	// Compatible: b = A·x* for a sparse 30×20 A of full column rank.
	tr := sparse.NewTriplet(30, 20, 90)
	for i := range 30 {
		tr.Append(i, i%20, 4)
		tr.Append(i, (i+7)%20, rng.NormFloat64())
		tr.Append(i, (i+13)%20, rng.NormFloat64())
	}
	sa := tr.ToCSR()
	xs := make([]float64, 20)
	for i := range xs {
		xs[i] = float64(i%5) - 2
	}
	bs := make([]float64, 30)
	sa.MulVecTo(bs, xs)
	x2 := make([]float64, 20)
	res, err = LSQR(x2, sa, bs, &LSQRSettings{ATol: 1e-12, BTol: 1e-12})
	require.NoError(t, err)
	assert.Contains(t, []Reason{ConvergedRelTol, ConvergedNormal}, res.Reason)
	assert.InDeltaSlice(t, xs, x2, 1e-9)
	assert.LessOrEqual(t, res.Residual, 1e-10*norm(bs))

	// A cap: the last iterate and ErrMaxIter.
	res, err = LSQR(x, denseRect{a}, b, &LSQRSettings{ATol: 1e-16, BTol: 1e-16, MaxIter: 2})
	assert.ErrorIs(t, err, ErrMaxIter)
	assert.Equal(t, DivergedMaxIter, res.Reason)
	assert.Equal(t, 2, res.Iterations)

	_, err = LSQR(make([]float64, n+1), denseRect{a}, b, nil)
	assert.ErrorIs(t, err, ErrDimension)
	_, err = LSQR(x, denseRect{a}, b[:m-1], nil)
	assert.ErrorIs(t, err, ErrDimension)
	nb := append([]float64(nil), b...)
	nb[3] = math.NaN()
	_, err = LSQR(x, denseRect{a}, nb, nil)
	assert.ErrorIs(t, err, sparse.ErrNotFinite)
	_, err = LSQR(x, denseRect{a}, b, &LSQRSettings{ATol: -1})
	assert.ErrorIs(t, err, ErrSettings)
}

package direct

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/sparse"
)

// manySolver is what SolveManyTo is tested through.
type manySolver interface {
	SolveTo(dst, b []float64) error
	SolveManyTo(dst, b *mat.Dense) error
}

// TestSolveMany: the blocked solve of k right-hand sides gives each
// column's SolveTo to rounding, with residuals at the rounding level,
// for Cholesky (renumbered grid), supernodal LU (convection–diffusion)
// and pivoting LU (a zero diagonal); shapes and NaN are errors.
func TestSolveMany(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	spd := permute(grid([]int{23, 19}, 0), 2)
	cd := grid([]int{21, 21}, 3)
	zero := randomSparse(300, 4, 6)
	chol, err := NewCholesky(spd, nil)
	require.NoError(t, err)
	lu, err := NewLU(cd, nil)
	require.NoError(t, err)
	require.False(t, lu.Pivoting())
	piv, err := NewLU(zero, nil)
	require.NoError(t, err)
	require.True(t, piv.Pivoting())
	for name, tc := range map[string]struct {
		a *sparse.CSR
		f manySolver
	}{"cholesky": {spd, chol}, "lu": {cd, lu}, "lu-pivoting": {zero, piv}} {
		n := tc.a.Dim()
		for _, k := range []int{1, 3, 8} {
			b := mat.NewDense(n, k, nil)
			for i := range n {
				for j := range k {
					b.Set(i, j, rng.NormFloat64())
				}
			}
			x := mat.NewDense(n, k, nil)
			require.NoError(t, tc.f.SolveManyTo(x, b), name)
			col, want := make([]float64, n), make([]float64, n)
			for j := range k {
				mat.Col(col, j, b)
				require.NoError(t, tc.f.SolveTo(want, col), name)
				got := mat.Col(nil, j, x)
				assert.LessOrEqual(t, relDiff(got, want), 1e-12, "%s k=%d column %d", name, k, j)
				assert.LessOrEqual(t, relResidual(tc.a, got, col), 1e-13, "%s k=%d column %d", name, k, j)
			}
		}
		n = tc.a.Dim()
		assert.ErrorIs(t, tc.f.SolveManyTo(mat.NewDense(n, 2, nil), mat.NewDense(n+1, 2, nil)), ErrDimension, name)
		assert.ErrorIs(t, tc.f.SolveManyTo(mat.NewDense(n, 3, nil), mat.NewDense(n, 2, nil)), ErrDimension, name)
		bad := mat.NewDense(n, 2, nil)
		bad.Set(n-1, 1, math.NaN())
		assert.ErrorIs(t, tc.f.SolveManyTo(mat.NewDense(n, 2, nil), bad), sparse.ErrNotFinite, name)
	}
}

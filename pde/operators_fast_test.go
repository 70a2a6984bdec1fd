package pde

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiffusion2DFastPath: the 2D zero-data assembly gives the general
// path's matrix bit for bit, for interior and full-node fields and
// rectangular grids.
func TestDiffusion2DFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, dims := range [][2]int{{1, 1}, {1, 4}, {5, 3}, {17, 17}} {
		g := MustGrid(dims[0], dims[1])
		for _, full := range []bool{false, true} {
			a := make([]float64, g.Size())
			if full {
				a = make([]float64, g.FullSize())
			}
			for i := range a {
				a[i] = 0.1 + rng.Float64()*10
			}
			fast, _, err := Diffusion(g, a, nil)
			require.NoError(t, err)
			// The general path: a zero Dirichlet function takes it.
			slow, bnd, err := Diffusion(g, a, func([]float64) float64 { return 0 })
			require.NoError(t, err)
			assert.Equal(t, slow.RowPtr, fast.RowPtr, "%v full=%v", dims, full)
			assert.Equal(t, slow.ColIdx, fast.ColIdx, "%v full=%v", dims, full)
			assert.Equal(t, slow.Val, fast.Val, "%v full=%v", dims, full)
			for _, v := range bnd {
				assert.Zero(t, v)
			}
		}
	}
}

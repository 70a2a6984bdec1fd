package linsolve

import (
	"fmt"

	"github.com/pdekit/pdekit/linsolve/direct"
	"github.com/pdekit/pdekit/sparse"
)

// maxDenseCoarse bounds the coarsest level that Multigrid and AMG factor
// densely (n² entries: 128 MB at the bound). A larger coarsest level — a
// MaxLevels limit, a large CoarseSize, a coarsening that stalled — is
// factored by the sparse direct solver instead (nested dissection, then
// Cholesky, or LU when the level is not symmetric positive definite).
const maxDenseCoarse = 4000

// sparseCoarse is a coarsest-level factorization from package direct.
type sparseCoarse interface {
	ApplyWith(dst, r, y []float64)
	Factor(a *sparse.CSR) error
	NNZ() int
}

// newSparseCoarse factors c by sparse Cholesky when symmetric is set and
// Cholesky succeeds (c symmetric to 1e-10 and positive definite), and by
// LU otherwise; kind describes it.
func newSparseCoarse(c *sparse.CSR, symmetric bool) (f sparseCoarse, kind string, err error) {
	if symmetric {
		if ch, err := direct.NewCholesky(c, nil); err == nil {
			return ch, fmt.Sprintf("sparse Cholesky, nested dissection (%d nonzeros)", ch.NNZ()), nil
		}
	}
	lu, err := direct.NewLU(c, nil)
	if err != nil {
		return nil, "", err
	}
	return lu, fmt.Sprintf("sparse LU, nested dissection (%d nonzeros)", lu.NNZ()), nil
}

// refactorCoarse refreshes f for c, a matrix with the pattern f was built
// for, and factors c afresh if that fails (a Cholesky whose new values are
// not positive definite).
func refactorCoarse(f sparseCoarse, c *sparse.CSR, symmetric bool) (sparseCoarse, string, error) {
	if f != nil {
		if err := f.Factor(c); err == nil {
			return f, "", nil
		}
	}
	return newSparseCoarse(c, symmetric)
}

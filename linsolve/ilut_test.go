package linsolve

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/sparse"
)

// convDiffCentral returns −Δu + β·∇u on an N×N grid of the unit square
// by central differences, β = pe·(1, 0.5): with the global Péclet number
// pe ≫ 2(N+1) the cell Péclet number exceeds 1 and the matrix is no
// M-matrix (positive off-diagonal entries, no diagonal dominance).
func convDiffCentral(N int, pe float64) *sparse.CSR {
	h := 1.0 / float64(N+1)
	bx, by := pe, pe/2
	t := sparse.NewTriplet(N*N, N*N, 5*N*N)
	for i := range N {
		for j := range N {
			r := i*N + j
			t.Append(r, r, 4/(h*h))
			for _, e := range []struct {
				di, dj int
				v      float64
			}{{-1, 0, -1/(h*h) - bx/(2*h)}, {1, 0, -1/(h*h) + bx/(2*h)}, {0, -1, -1/(h*h) - by/(2*h)}, {0, 1, -1/(h*h) + by/(2*h)}} {
				ii, jj := i+e.di, j+e.dj
				if ii >= 0 && ii < N && jj >= 0 && jj < N {
					t.Append(r, ii*N+jj, e.v)
				}
			}
		}
	}
	return t.ToCSR()
}

// swapRows returns A (of even order) with rows i and i + n/2 exchanged:
// on a grid matrix every diagonal entry becomes structurally zero.
func swapRows(a *sparse.CSR) *sparse.CSR {
	n := a.Dim()
	tr := sparse.NewTriplet(n, n, a.NNZ())
	for i := range n {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			tr.Append((i+n/2)%n, int(a.ColIdx[k]), a.Val[k])
		}
	}
	return tr.ToCSR()
}

func gmresIters(t *testing.T, a *sparse.CSR, pc Preconditioner) (int, error) {
	b := onesRHS(a.Dim())
	x := make([]float64, a.Dim())
	res, err := (&GMRES{Restart: 40}).Solve(x, a, b, &Settings{Preconditioner: pc, MaxIter: 2000})
	if err == nil {
		r := make([]float64, len(b))
		assert.LessOrEqual(t, TrueResidual(r, a, x, b)/norm(b), 1e-8)
	}
	return res.Iterations, err
}

// TestILUT checks ILUT against ILU(0) as a GMRES preconditioner: on
// central-difference convection–diffusion with Péclet number 10³ it needs
// fewer iterations (Saad 2003, §10.4: dropping by value captures the fill
// that matters), on a matrix with zero diagonal entries it factors where
// ILU(0) refuses, and without dropping it is the exact LU (one iteration).
func TestILUT(t *testing.T) {
	for _, pe := range []float64{1e2, 1e3} {
		a := convDiffCentral(40, pe)
		ilu0, err := NewILU0(a)
		require.NoError(t, err)
		it0, err0 := gmresIters(t, a, ilu0)
		ilut, err := NewILUT(a, nil)
		require.NoError(t, err)
		it1, err := gmresIters(t, a, ilut)
		require.NoError(t, err, "Péclet %g", pe)
		if err0 == nil {
			assert.Less(t, it1, it0, "Péclet %g", pe)
		}
		sw, fx := ilut.Pivots()
		t.Logf("Péclet %g: GMRES(40) + ILU(0) %d iterations (%v), + ILUT %d (nnz %d against A's %d, %d swaps, %d fixed)", pe, it0, err0, it1, ilut.NNZ(), a.NNZ(), sw, fx)
	}

	a := swapRows(laplace2D(30, [2]float64{20, -10}))
	_, err := NewILU0(a)
	require.ErrorIs(t, err, ErrZeroDiagonal)
	ilut, err := NewILUT(a, nil)
	require.NoError(t, err)
	swaps, _ := ilut.Pivots()
	assert.Greater(t, swaps, 0)
	it, err := gmresIters(t, a, ilut)
	require.NoError(t, err)
	assert.LessOrEqual(t, it, 12)
	t.Logf("rows swapped: ILUT + GMRES %d iterations, %d column swaps", it, swaps)

	// No dropping, unlimited fill: the exact factorization.
	small := convDiffCentral(12, 1e3)
	exact, err := NewILUT(small, &ILUTSettings{DropTol: -1, Fill: small.Dim()})
	require.NoError(t, err)
	it, err = gmresIters(t, small, exact)
	require.NoError(t, err)
	assert.LessOrEqual(t, it, 2)
}

func TestILUTBadInput(t *testing.T) {
	a := laplace2D(5, [2]float64{})
	for _, s := range []ILUTSettings{{DropTol: math.NaN()}, {PermTol: math.Inf(1)}, {Fill: -1}} {
		_, err := NewILUT(a, &s)
		assert.ErrorIs(t, err, ErrSettings, "%+v", s)
	}
	bad := a.Clone()
	bad.Val[3] = math.NaN()
	_, err := NewILUT(bad, nil)
	assert.ErrorIs(t, err, sparse.ErrNotFinite)
	tr := sparse.NewTriplet(3, 3, 0)
	tr.Append(0, 0, 1)
	tr.Append(2, 2, 1)
	_, err = NewILUT(tr.ToCSR(), nil)
	assert.ErrorIs(t, err, ErrPivot)
	assert.ErrorContains(t, err, "row 1")
	_, err = NewILUT(sparse.NewTriplet(2, 3, 0).ToCSR(), nil)
	assert.ErrorIs(t, err, ErrDimension)
}

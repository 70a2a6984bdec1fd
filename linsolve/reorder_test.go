package linsolve

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReorderedRCM: on a randomly numbered grid matrix the incomplete
// factorizations lose most of their power (their fill pattern follows the
// numbering); reverse Cuthill–McKee restores a banded numbering, and with
// it IC(0)-PCG's iteration count within a few of the natural grid order's
// (Duff and Meurant 1989 compare orderings for IC(0)).
func TestReorderedRCM(t *testing.T) {
	grid := laplaceND([]int{48, 48}, nil)
	a := permuted(grid, 11)
	b := onesRHS(a.Dim())
	iters := func(m, pc, reorder string) int {
		p, err := NewPreconditioner(pc, a, &PreconditionerOptions{Reorder: reorder})
		require.NoError(t, err)
		meth, err := NewMethod(m, 0, 40)
		require.NoError(t, err)
		x := make([]float64, a.Dim())
		res, err := meth.Solve(x, a, b, &Settings{Preconditioner: p})
		require.NoError(t, err, "%s %s %s", m, pc, reorder)
		r := make([]float64, a.Dim())
		assert.LessOrEqual(t, TrueResidual(r, a, x, b)/norm(b), 1e-8)
		return res.Iterations
	}
	for _, tc := range []struct{ method, pc string }{{"cg", "ic0"}, {"gmres", "ilu0"}, {"gmres", "ilut"}} {
		nat := iters(tc.method, tc.pc, "")
		rcm := iters(tc.method, tc.pc, "rcm")
		t.Logf("%s + %s on a permuted 48² grid: %d iterations, with RCM %d", tc.method, tc.pc, nat, rcm)
		assert.Less(t, rcm, nat, "%s %s", tc.method, tc.pc)
	}
	// IC(0) on the grid's own numbering, for scale.
	ic, err := NewIC0(grid, nil)
	require.NoError(t, err)
	x := make([]float64, grid.Dim())
	res, err := (&CG{}).Solve(x, grid, b, &Settings{Preconditioner: ic})
	require.NoError(t, err)
	assert.LessOrEqual(t, iters("cg", "ic0", "rcm"), res.Iterations+10)

	_, err = NewPreconditioner("ic0", a, &PreconditionerOptions{Reorder: "metis"})
	assert.ErrorContains(t, err, "unknown reordering")
	_, err = NewReordered(a, []int{0, 1}, nil)
	assert.ErrorIs(t, err, ErrDimension)
	bad := make([]int, a.Dim()) // all zeros: not a permutation
	_, err = NewReordered(a, bad, nil)
	assert.ErrorIs(t, err, ErrDimension)
}

// TestConcurrentApply: the preconditioners documented safe for concurrent
// use give, from eight goroutines at once, exactly the result of a lone
// call (run with -race to check the memory accesses too).
func TestConcurrentApply(t *testing.T) {
	a := permuted(laplaceND([]int{24, 24}, nil), 3)
	n := a.Dim()
	for _, name := range []string{"jacobi", "ssor", "ic0", "ilu0", "ilut", "amg"} {
		for _, reorder := range []string{"", "rcm"} {
			if reorder == "rcm" && (name == "jacobi" || name == "ssor" || name == "amg") {
				continue
			}
			pc, err := NewPreconditioner(name, a, &PreconditionerOptions{Reorder: reorder})
			require.NoError(t, err)
			r := onesRHS(n)
			want := make([]float64, n)
			pc.Apply(want, r)
			var wg sync.WaitGroup
			got := make([][]float64, 8)
			for g := range got {
				got[g] = make([]float64, n)
				wg.Go(func() {
					for range 20 {
						pc.Apply(got[g], r)
					}
				})
			}
			wg.Wait()
			for g := range got {
				assert.Equal(t, want, got[g], "%s %s goroutine %d", name, reorder, g)
			}
		}
	}
}

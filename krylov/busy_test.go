package krylov

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/linsolve"
)

// TestSpaceBusy: a recycle space held by one solve is refused to another
// (ErrSpaceBusy, before any work), and solvers sharing one space from
// several goroutines each either converge to the true-residual tolerance
// or get ErrSpaceBusy — never a NaN or a panic (run with -race).
func TestSpaceBusy(t *testing.T) {
	a := poisson(t, 24)
	sym := a
	ns := convDiff(t, 24, 20)
	n := a.Dim()
	rng := rand.New(rand.NewPCG(5, 6))
	b := randVec(rng, n)

	// Deterministic: the space is held.
	cs := new(CGSpace)
	cs.busy.Lock()
	_, err := (&RCG{Space: cs}).Solve(make([]float64, n), sym, b, nil)
	assert.ErrorIs(t, err, ErrSpaceBusy)
	cs.busy.Unlock()
	sp := new(Space)
	sp.busy.Lock()
	_, err = (&GCRODR{Space: sp}).Solve(make([]float64, n), ns, b, nil)
	assert.ErrorIs(t, err, ErrSpaceBusy)
	_, err = (&GCROT{Space: sp}).Solve(make([]float64, n), ns, b, nil)
	assert.ErrorIs(t, err, ErrSpaceBusy)
	sp.busy.Unlock()

	// Concurrent: four solvers, one shared space each kind, five solves each.
	for _, kind := range []string{"rcg", "gcrodr", "gcrot"} {
		cs, sp := new(CGSpace), new(Space)
		mat := sym
		if kind != "rcg" {
			mat = ns
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var ok, busy int
		for g := range 4 {
			var m linsolve.Method
			switch kind {
			case "rcg":
				m = &RCG{Space: cs}
			case "gcrodr":
				m = &GCRODR{Space: sp}
			default:
				m = &GCROT{Space: sp}
			}
			wg.Go(func() {
				x := make([]float64, n)
				for range 5 {
					_, err := m.Solve(x, mat, b, nil)
					mu.Lock()
					if err != nil {
						assert.ErrorIs(t, err, ErrSpaceBusy, "%s goroutine %d", kind, g)
						busy++
					} else {
						assert.LessOrEqual(t, trueRel(mat, x, b), linsolve.DefaultRelTol*(1+1e-6), "%s goroutine %d", kind, g)
						ok++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		require.Equal(t, 20, ok+busy, kind)
		require.Positive(t, ok, kind)
	}
}

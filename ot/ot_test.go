package ot

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomAssignment returns the paper's random assignment instance:
// uniform histograms, C ~ U[0, 1].
func randomAssignment(n int, seed uint64) *Problem {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := make([]float64, n)
	for i := range a {
		a[i] = 1 / float64(n)
	}
	c := make([]float64, n*n)
	for k := range c {
		c[k] = rng.Float64()
	}
	p, err := NewProblem(a, a, c, false)
	if err != nil {
		panic(err)
	}
	return p
}

func TestSolversAgree(t *testing.T) {
	for _, tc := range []struct {
		n   int
		eta float64
	}{{30, 10}, {50, 100}, {80, 300}} { // Sinkhorn needs > 10⁵ iterations at η = 1200
		p := randomAssignment(tc.n, 3)
		var seen []Point
		s := &Settings{Eta: tc.eta, Tol: 1e-10, Monitor: func(it int, e float64) {
			seen = append(seen, Point{Iteration: it, MarginalError: e})
		}}
		var costs []float64
		for name, solve := range map[string]func(*Problem, *Settings) (*Result, error){
			"log": LogSinkhorn, "stabilized": StabilizedSinkhorn, "sns": SinkhornNewtonSparse,
		} {
			seen = seen[:0]
			r, err := solve(p, s)
			require.NoError(t, err, "%s n=%d η=%v", name, tc.n, tc.eta)
			assert.Equal(t, ConvergedMarginal, r.Reason, name)
			assert.NoError(t, r.Err(), name)
			assert.Positive(t, r.Runtime, name)
			P := p.Plan(r)
			// The reported marginal error is the true one of the plan.
			var e float64
			for i := range tc.n {
				var rs, cs float64
				for j := range tc.n {
					rs += P[i*tc.n+j]
					cs += P[j*tc.n+i]
				}
				e += math.Abs(rs-p.A[i]) + math.Abs(cs-p.B[i])
			}
			assert.LessOrEqual(t, e, 1e-10*(1+1e-6), name)
			assert.InDelta(t, e, r.MarginalError, 1e-12, name)
			costs = append(costs, p.EntropicCost(P, tc.eta))
			assert.NotEmpty(t, r.History, name)
			// The monitor saw every entry of the history, in order.
			require.Len(t, seen, len(r.History), name)
			for k, h := range r.History {
				assert.Equal(t, h.Iteration, seen[k].Iteration, name)
				assert.Equal(t, h.MarginalError, seen[k].MarginalError, name)
			}
		}
		// The entropic problem has one solution: the costs agree to 1e-8.
		for _, c := range costs[1:] {
			assert.InEpsilon(t, costs[0], c, 1e-8, "n=%d η=%v", tc.n, tc.eta)
		}
	}
}

// TestSNSIterations: on random assignment with η = 1200 the paper's SNS
// takes 20 Sinkhorn + 9 Newton steps at n = 500, and the target is at
// most 60 in all to a marginal error of 1e-9 (here at n = 200, where
// log-domain Sinkhorn needs more than 10⁵ iterations; measured: 41).
func TestSNSIterations(t *testing.T) {
	p := randomAssignment(200, 1)
	r, err := SinkhornNewtonSparse(p, &Settings{Eta: 1200, Tol: 1e-9})
	require.NoError(t, err)
	t.Logf("SNS: %d Sinkhorn + %d Newton, %d CG, nnz %d", r.SinkhornIterations, r.NewtonIterations, r.CGIterations, r.HessianNNZ)
	assert.LessOrEqual(t, r.Iterations, 60)
	assert.LessOrEqual(t, r.MarginalError, 1e-9)
}

// TestEntropicApproachesExact: as η grows the entropic transport cost
// tends to the exact assignment cost (Peyré & Cuturi 2019, Prop. 4.1), and
// the Hungarian solution matches brute force on small n.
func TestEntropicApproachesExact(t *testing.T) {
	n := 7
	p := randomAssignment(n, 5)
	sigma, total, err := Assignment(p.C, n)
	require.NoError(t, err)
	best := math.Inf(1)
	perm := []int{0, 1, 2, 3, 4, 5, 6}
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			var s float64
			for i, j := range perm {
				s += p.C[i*n+j]
			}
			best = math.Min(best, s)
			return
		}
		for i := k; i < n; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0)
	assert.InDelta(t, best, total, 1e-12)
	seen := map[int]bool{}
	for _, j := range sigma {
		seen[j] = true
	}
	assert.Len(t, seen, n, "σ is a permutation")
	exact := total / float64(n)
	prev := math.Inf(1)
	for _, eta := range []float64{10, 100, 1000} {
		r, err := SinkhornNewtonSparse(p, &Settings{Eta: eta, Tol: 1e-8})
		require.NoError(t, err)
		c := p.TransportCost(p.Plan(r))
		gap := c - exact
		assert.GreaterOrEqual(t, gap, -1e-12, "no plan beats the exact optimum")
		assert.Less(t, gap, prev, "η = %v", eta)
		prev = gap
	}
	assert.Less(t, prev, 1e-3)
}

func TestWasserstein1D(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	n := 40
	x, y := make([]float64, n), make([]float64, n)
	w := make([]float64, n)
	cost := make([]float64, n*n)
	for i := range x {
		x[i], y[i], w[i] = rng.NormFloat64(), 2+rng.Float64(), 1
	}
	for i := range n {
		for j := range n {
			cost[i*n+j] = math.Abs(x[i] - y[j])
		}
	}
	_, total, err := Assignment(cost, n)
	require.NoError(t, err)
	w1, err := Wasserstein1D(x, w, y, w, 1)
	require.NoError(t, err)
	assert.InDelta(t, total/float64(n), w1, 1e-12, "W1 by quantiles = exact assignment")
	// Two Diracs: W_p = distance; and unequal supports with weights.
	d, err := Wasserstein1D([]float64{0}, []float64{1}, []float64{3}, []float64{2}, 2)
	require.NoError(t, err)
	assert.InDelta(t, 3, d, 1e-15)
	// μ = ½δ₀ + ½δ₁, ν = δ_{0.5}: W1 = 0.5, W2 = 0.5.
	d, err = Wasserstein1D([]float64{1, 0}, []float64{1, 1}, []float64{0.5}, []float64{3}, 1)
	require.NoError(t, err)
	assert.InDelta(t, 0.5, d, 1e-15)
	_, err = Wasserstein1D([]float64{0}, []float64{-1}, []float64{1}, []float64{1}, 1)
	assert.ErrorIs(t, err, ErrHistogram)
	_, err = Wasserstein1D([]float64{0}, []float64{1}, []float64{1}, []float64{1}, 0.5)
	assert.Error(t, err)
}

func TestZeroMassIsDropped(t *testing.T) {
	a := []float64{0.5, 0, 0.5}
	b := []float64{0.25, 0.75}
	c := []float64{0, 1, 5, 5, 1, 0}
	p, err := NewProblem(a, b, c, false)
	require.NoError(t, err)
	n, m := p.Dims()
	assert.Equal(t, [2]int{2, 2}, [2]int{n, m})
	r, err := SinkhornNewtonSparse(p, &Settings{Eta: 50, Tol: 1e-12})
	require.NoError(t, err)
	P := p.Plan(r)
	require.Len(t, P, 6)
	assert.Equal(t, 0.0, P[2]+P[3], "no mass on the empty row")
	for _, v := range P {
		assert.False(t, math.IsNaN(v))
	}
	assert.InDelta(t, 0.75, P[0]+P[2]+P[4]+P[1]+P[3]+P[5]-0.25, 1e-10)
}

func TestBadInput(t *testing.T) {
	good := []float64{0.5, 0.5}
	c := []float64{0, 1, 1, 0}
	for name, tc := range map[string]struct {
		a, b, c []float64
		norm    bool
	}{
		"negative":   {[]float64{-0.1, 1.1}, good, c, false},
		"nan":        {[]float64{math.NaN(), 1}, good, c, false},
		"inf":        {good, []float64{math.Inf(1), 0}, c, false},
		"zero sum":   {[]float64{0, 0}, good, c, false},
		"mass":       {[]float64{0.5, 0.6}, good, c, false},
		"cost shape": {good, good, c[:3], false},
		"cost nan":   {good, good, []float64{0, math.NaN(), 1, 0}, false},
		"empty":      {nil, good, nil, false},
	} {
		_, err := NewProblem(tc.a, tc.b, tc.c, tc.norm)
		assert.Error(t, err, name)
	}
	p, err := NewProblem([]float64{1, 1}, good, c, true) // normalised on request
	require.NoError(t, err)
	assert.Equal(t, []float64{0.5, 0.5}, p.A)
	for _, eta := range []float64{0, -1, math.Inf(1), math.NaN()} {
		_, err := LogSinkhorn(p, &Settings{Eta: eta})
		assert.ErrorIs(t, err, ErrEta)
	}
	_, err = LogSinkhorn(p, nil)
	assert.ErrorIs(t, err, ErrEta)
	for _, bad := range []*Settings{{Eta: 1, Density: 2}, {Eta: 1, Tol: -1}, {Eta: 1, Tol: math.NaN()}, {Eta: 1, MaxIter: -1}} {
		_, err = SinkhornNewtonSparse(p, bad)
		assert.ErrorIs(t, err, ErrSettings, "%+v", *bad)
	}
	for name, solve := range map[string]func(*Problem, *Settings) (*Result, error){
		"log": LogSinkhorn, "stabilized": StabilizedSinkhorn, "sns": SinkhornNewtonSparse,
	} {
		r, err := solve(randomAssignment(20, 1), &Settings{Eta: 1000, MaxIter: 3, Tol: 1e-14})
		assert.ErrorIs(t, err, ErrMaxIter, name)
		require.NotNil(t, r, name)
		assert.Equal(t, DivergedMaxIter, r.Reason, name)
		assert.ErrorIs(t, r.Err(), ErrMaxIter, name)
		assert.Equal(t, "DIVERGED_MAX_IT", r.Reason.String())
		if name == "log" {
			assert.Equal(t, 3, r.Iterations)
		}
	}
	_, _, err = Assignment([]float64{1, 2, 3}, 2)
	assert.ErrorIs(t, err, ErrCost)
}

func TestKthLargest(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{1, 2, 3, 10, 1000} {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(n/2 + 1)) // duplicates
		}
		sorted := append([]float64(nil), x...)
		for i := range sorted { // descending
			for j := i + 1; j < len(sorted); j++ {
				if sorted[j] > sorted[i] {
					sorted[i], sorted[j] = sorted[j], sorted[i]
				}
			}
		}
		for _, k := range []int{1, (n + 1) / 2, n} {
			y := append([]float64(nil), x...)
			assert.Equal(t, sorted[k-1], kthLargest(y, k), "n=%d k=%d", n, k)
		}
	}
}

// TestRound checks the rounding of Altschuler, Weed and Rigollet (2017):
// exact marginals, non-negative entries, and an L1 change of at most twice
// the marginal error of the unrounded plan (their Lemma 7).
func TestRound(t *testing.T) {
	p := randomAssignment(30, 9)
	r, err := LogSinkhorn(p, &Settings{Eta: 50, Tol: 1e-2}) // deliberately loose
	require.NoError(t, err)
	P := p.Plan(r)
	Q := p.Round(P)
	n := 30
	var change float64
	for k := range P {
		require.GreaterOrEqual(t, Q[k], 0.0)
		change += math.Abs(Q[k] - P[k])
	}
	for i := range n {
		var rs, cs float64
		for j := range n {
			rs += Q[i*n+j]
			cs += Q[j*n+i]
		}
		assert.InDelta(t, p.A[i], rs, 1e-15)
		assert.InDelta(t, p.B[i], cs, 1e-15)
	}
	assert.LessOrEqual(t, change, 2*r.MarginalError*(1+1e-9))
	assert.Greater(t, r.MarginalError, 1e-4, "the test needs an inexact plan")
}

package tune

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

// play runs a learner for T rounds on costs cost(arm, context) with
// contexts drawn uniformly from [0, 1], and returns the total cost and the
// total cost of the best fixed arm (known in closed form from means).
func play(t *testing.T, l Learner, T int, rng *rand.Rand, cost func(arm int, x float64, rng *rand.Rand) float64) float64 {
	t.Helper()
	var total float64
	for range T {
		x := rng.Float64()
		a, err := l.Choose(x)
		require.NoError(t, err)
		c := cost(a, x, rng)
		require.NoError(t, l.Observe(c))
		total += c
	}
	return total
}

// TestTsallisINFRegretSublinear checks, on a stochastic bandit with known
// mean costs 1 + μ_i (noisy), that the regret against the best arm grows
// sublinearly: Tsallis-INF's is O(√(KT)) adversarially and O(log T)
// stochastically (Zimmert & Seldin 2021, Thms 1–2), so quadrupling T must
// much less than quadruple it; and that it ends up concentrated on the
// best arm.
func TestTsallisINFRegretSublinear(t *testing.T) {
	mu := []float64{5, 3, 1, 4, 6, 2.5, 8, 7}
	cost := func(a int, _ float64, rng *rand.Rand) float64 {
		return 1 + mu[a]*(0.5+rng.Float64()) // mean 1 + μ_a
	}
	regret := func(T int) float64 {
		var r float64
		for seed := range 5 {
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			l, err := NewTsallisINF(len(mu), 1, rng)
			require.NoError(t, err)
			total := play(t, l, T, rng, cost)
			r += total - float64(T)*(1+1) // best arm: μ = 1
			p := l.Probabilities()
			var s float64
			for _, v := range p {
				require.GreaterOrEqual(t, v, 0.0)
				s += v
			}
			require.InDelta(t, 1, s, 1e-12, "probabilities are a distribution")
		}
		return r / 5
	}
	r1, r4 := regret(2000), regret(8000)
	t.Logf("regret: T=2000 %.0f, T=8000 %.0f", r1, r4)
	assert.Greater(t, r1, 0.0)
	assert.Less(t, r4, 2.5*r1, "regret(8000) = %.0f, regret(2000) = %.0f", r4, r1)
	// Average regret per round falls well below the mean gap (≈ 3.8).
	assert.Less(t, r4/8000, 0.3)
}

func TestBinnedAndChebCBFollowContext(t *testing.T) {
	// The best of 10 arms moves with the context: arm i is best near
	// x = i/9, cost 1 + 50·(x − i/9)² + noise. The best fixed arm pays about
	// 1 + 50/12 on average; a learner that tracks the context far less.
	const K = 10
	cost := func(a int, x float64, rng *rand.Rand) float64 {
		d := x - float64(a)/(K-1)
		return 1 + 50*d*d + 0.2*rng.Float64()
	}
	// Oracle: the best arm per context pays at most 1 + 50/(2·9)² + 0.1.
	oracle := 1 + 50.0/(4*81) + 0.1
	const T = 6000
	for name, mk := range map[string]func(rng *rand.Rand) (Learner, error){
		"binned": func(rng *rand.Rand) (Learner, error) { return NewBinnedTsallisINF(K, 10, 0, 1, 1, rng) },
		"chebcb": func(rng *rand.Rand) (Learner, error) { return NewChebCB(K, 6, 0, 1, 1, rng) },
	} {
		rng := rand.New(rand.NewPCG(3, 3))
		l, err := mk(rng)
		require.NoError(t, err)
		play(t, l, T-1000, rng, cost)
		last := play(t, l, 1000, rng, cost) / 1000
		t.Logf("%s: last-1000 mean cost %.3f (oracle ≤ %.3f)", name, last, oracle)
		bestFixed := 1 + 50.0/12*0.9 // ≥ 50·Var(U[0,1])·(≈1) for the middle arm
		assert.Less(t, last, bestFixed, name)
		assert.Less(t, last, 1.5*oracle, "%s: last-1000 mean %.3f vs oracle %.3f", name, last, oracle)
	}
}

func TestLearnerErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	_, err := NewTsallisINF(0, 1, rng)
	assert.ErrorIs(t, err, ErrNoArms)
	_, err = NewChebCB(0, 6, 0, 1, 1, rng)
	assert.ErrorIs(t, err, ErrNoArms)
	_, err = NewChebCB(3, 6, 1, 1, 1, rng)
	assert.Error(t, err)
	_, err = NewBinnedTsallisINF(3, 0, 0, 1, 1, rng)
	assert.Error(t, err)
	for _, mk := range []func() (Learner, error){
		func() (Learner, error) { return NewTsallisINF(3, 1, rng) },
		func() (Learner, error) { return NewBinnedTsallisINF(3, 2, 0, 1, 1, rng) },
		func() (Learner, error) { return NewChebCB(3, 4, 0, 1, 1, rng) },
	} {
		l, err := mk()
		require.NoError(t, err)
		assert.Equal(t, 3, l.Arms())
		assert.ErrorIs(t, l.Observe(5), ErrNoPending)
		_, err = l.Choose(0.5)
		require.NoError(t, err)
		_, err = l.Choose(0.5)
		assert.ErrorIs(t, err, ErrPending)
		assert.ErrorIs(t, l.Observe(math.NaN()), ErrCost)
		assert.ErrorIs(t, l.Observe(math.Inf(1)), ErrCost)
		assert.ErrorIs(t, l.Observe(0.5), ErrCost, "below the minimum cost")
		assert.NoError(t, l.Observe(3))
	}
	b, _ := NewBinnedTsallisINF(3, 2, 0, 1, 1, rng)
	_, err = b.Choose(1.5)
	assert.ErrorIs(t, err, ErrContext)
	c, _ := NewChebCB(3, 4, 0, 1, 1, rng)
	_, err = c.Choose(math.NaN())
	assert.ErrorIs(t, err, ErrContext)

	g, err := OmegaGrid(1, 1.95, 20)
	require.NoError(t, err)
	assert.Len(t, g, 20)
	assert.InDelta(t, 1.95, g[19], 1e-15)
	_, err = OmegaGrid(1, 2, 5)
	assert.ErrorIs(t, err, ErrOmegaRange)
	_, err = OmegaGrid(0, 1, 5)
	assert.ErrorIs(t, err, ErrOmegaRange)
	_, err = OmegaGrid(1, 1.5, 0)
	assert.ErrorIs(t, err, ErrNoArms)
	_, err = YoungOmega(1)
	assert.Error(t, err)
	_, err = YoungOmega(math.NaN())
	assert.Error(t, err)
}

func TestReproducible(t *testing.T) {
	run := func() []int {
		rng := rand.New(rand.NewPCG(9, 9))
		l, _ := NewTsallisINF(5, 1, rng)
		var arms []int
		for i := range 200 {
			a, _ := l.Choose(0)
			arms = append(arms, a)
			_ = l.Observe(1 + float64((a*7+i)%5))
		}
		return arms
	}
	assert.Equal(t, run(), run())
}

// TestJacobiSpectralRadius compares the Lanczos estimate with the closed
// form for the 10×10 5-point Laplacian (diagonal 4) shifted by c:
// ρ_J = 4cos(π/11)/(4 + c).
func TestJacobiSpectralRadius(t *testing.T) {
	g := pde.MustGrid(10, 10)
	lap, _ := pde.Laplacian(g, nil)
	h2 := g.H(0) * g.H(0)
	a := sparse.Add(h2, lap, 0, lap) // unscaled: diagonal 4, off-diagonal −1
	for _, c := range []float64{-0.15, 0, 0.3} {
		ac := pde.Shift(a, c)
		rho, err := JacobiSpectralRadius(ac, 60)
		require.NoError(t, err)
		assert.InDelta(t, 4*math.Cos(math.Pi/11)/(4+c), rho, 1e-10, "c = %v", c)
		w, err := YoungOmega(rho)
		require.NoError(t, err)
		assert.Greater(t, w, 1.0)
		assert.Less(t, w, 2.0)
	}
	bad := a.Clone()
	bad.Val[a.DiagIndex()[0]] = -1
	_, err := JacobiSpectralRadius(bad, 10)
	assert.Error(t, err)
}

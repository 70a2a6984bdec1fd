package tune

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Learner chooses one of a fixed set of arms per instance and learns from
// the costs it observes.
type Learner interface {
	// Arms returns the number of arms K.
	Arms() int
	// Choose returns the arm for the next instance; context describes
	// the instance (ignored by non-contextual learners). Each Choose must
	// be followed by one Observe.
	Choose(context float64) (int, error)
	// Observe reports the cost of the arm returned by the last Choose.
	Observe(cost float64) error
}

// Errors for misuse with bad data.
var (
	ErrNoArms      = errors.New("tune: the arm grid is empty")
	ErrCost        = errors.New("tune: cost must be finite and at least the minimum cost")
	ErrContext     = errors.New("tune: context outside the declared range")
	ErrNoPending   = errors.New("tune: Observe without a preceding Choose")
	ErrPending     = errors.New("tune: Choose called twice without Observe")
	ErrOmegaRange  = errors.New("tune: ω must lie in (0, 2)")
	ErrNotConverge = errors.New("tune: Lanczos did not resolve the spectrum")
)

// OmegaGrid returns k relaxation parameters evenly spaced on [lo, hi]
// (the paper: 20 values on [1, 1.95]). It fails for k < 1 or a range not
// inside (0, 2).
func OmegaGrid(lo, hi float64, k int) ([]float64, error) {
	if k < 1 {
		return nil, ErrNoArms
	}
	if !(lo > 0 && hi < 2 && lo <= hi) {
		return nil, fmt.Errorf("%w: [%v, %v]", ErrOmegaRange, lo, hi)
	}
	g := make([]float64, k)
	for i := range g {
		if k == 1 {
			g[i] = lo
			continue
		}
		g[i] = lo + (hi-lo)*float64(i)/float64(k-1)
	}
	return g, nil
}

// sample draws an index from the distribution p (which sums to 1).
func sample(rng *rand.Rand, p []float64) int {
	u := rng.Float64()
	var c float64
	for i, v := range p {
		c += v
		if u < c {
			return i
		}
	}
	// Rounding: the last arm with positive probability.
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] > 0 {
			return i
		}
	}
	return len(p) - 1
}

func checkCost(cost, minCost float64) error {
	if math.IsNaN(cost) || math.IsInf(cost, 0) || cost < minCost {
		return fmt.Errorf("%w: %v (minimum %v)", ErrCost, cost, minCost)
	}
	return nil
}

// TsallisINF is the Tsallis-INF bandit with the ½-Tsallis entropy
// regulariser and η_t = 2/√t (Zimmert and Seldin 2021, Alg. 1), with the
// cost normalisation of the Learning-to-Relax code: losses are
// (c − MinCost)/scale with scale the running mean of c − MinCost, and the
// importance-weighted cumulative loss of the played arm grows by
// (c − MinCost)/p. The weights p_i = 4/(η(L̂_i − x))² are normalised by the
// x < min L̂ that makes them sum to 1, found by safeguarded Newton steps.
type TsallisINF struct {
	minCost float64
	rng     *rand.Rand
	l       []float64 // importance-weighted cumulative losses (unscaled)
	p       []float64
	t       int
	sum     float64 // Σ (c − minCost)
	last    int
	pending bool
}

var _ Learner = (*TsallisINF)(nil)

// NewTsallisINF returns the learner over arms arms; minCost is the least
// possible cost (1 for iteration counts).
func NewTsallisINF(arms int, minCost float64, rng *rand.Rand) (*TsallisINF, error) {
	if arms < 1 {
		return nil, ErrNoArms
	}
	if math.IsNaN(minCost) || math.IsInf(minCost, 0) {
		return nil, fmt.Errorf("%w: minimum cost %v", ErrCost, minCost)
	}
	b := &TsallisINF{minCost: minCost, rng: rng, l: make([]float64, arms), p: make([]float64, arms)}
	for i := range b.p {
		b.p[i] = 1 / float64(arms)
	}
	return b, nil
}

// Arms returns the number of arms.
func (b *TsallisINF) Arms() int { return len(b.l) }

// Probabilities returns the distribution of the last Choose (uniform
// before the first).
func (b *TsallisINF) Probabilities() []float64 { return append([]float64(nil), b.p...) }

// Choose samples an arm; the context is ignored.
func (b *TsallisINF) Choose(float64) (int, error) {
	if b.pending {
		return 0, ErrPending
	}
	b.distribution()
	b.last = sample(b.rng, b.p)
	b.pending = true
	return b.last, nil
}

// distribution sets b.p for round t+1.
func (b *TsallisINF) distribution() {
	k := float64(len(b.l))
	eta := 2 / math.Sqrt(float64(b.t+1))
	scale := 1.0
	if b.t > 0 && b.sum > 0 {
		scale = b.sum / float64(b.t)
	}
	lmin := math.Inf(1)
	for _, v := range b.l {
		lmin = math.Min(lmin, v/scale)
	}
	// Σ_i 4/(η(L_i − x))² = 1 has its root in [lmin − 2√K/η, lmin − 2/η]
	// (each term is at most 1 at the right end, the sum at most 1 at the
	// left); the sum increases with x.
	lo, hi := lmin-2*math.Sqrt(k)/eta, lmin-2/eta
	x := lo
	for range 100 {
		var s, ds float64
		for _, v := range b.l {
			d := eta * (v/scale - x)
			w := 4 / (d * d)
			s += w
			ds += 2 * eta * w / d
		}
		f := s - 1
		if f > 0 {
			hi = x
		} else {
			lo = x
		}
		if math.Abs(f) < 1e-13 || hi-lo < 1e-15*math.Max(1, math.Abs(x)) {
			break
		}
		nx := x - f/ds
		if !(nx > lo && nx < hi) {
			nx = (lo + hi) / 2
		}
		x = nx
	}
	var s float64
	for i, v := range b.l {
		d := eta * (v/scale - x)
		b.p[i] = 4 / (d * d)
		s += b.p[i]
	}
	for i := range b.p {
		b.p[i] /= s // remove the residual of the root finding
	}
}

// Observe records the cost of the last chosen arm.
func (b *TsallisINF) Observe(cost float64) error {
	if !b.pending {
		return ErrNoPending
	}
	if err := checkCost(cost, b.minCost); err != nil {
		return err
	}
	b.pending = false
	c := cost - b.minCost
	b.t++
	b.sum += c
	b.l[b.last] += c / b.p[b.last]
	return nil
}

// BinnedTsallisINF splits a scalar context range [Lo, Hi] into equal bins
// and runs an independent TsallisINF in each (the paper's Tsallis-INF-CB).
type BinnedTsallisINF struct {
	lo, hi  float64
	bins    []*TsallisINF
	current int
	pending bool
}

var _ Learner = (*BinnedTsallisINF)(nil)

// NewBinnedTsallisINF returns the learner with bins bins on [lo, hi].
func NewBinnedTsallisINF(arms, bins int, lo, hi, minCost float64, rng *rand.Rand) (*BinnedTsallisINF, error) {
	if bins < 1 || !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil, fmt.Errorf("tune: need at least one bin and a finite range, got %d bins on [%v, %v]", bins, lo, hi)
	}
	b := &BinnedTsallisINF{lo: lo, hi: hi, bins: make([]*TsallisINF, bins)}
	for i := range b.bins {
		var err error
		if b.bins[i], err = NewTsallisINF(arms, minCost, rng); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Arms returns the number of arms.
func (b *BinnedTsallisINF) Arms() int { return b.bins[0].Arms() }

// Choose plays the learner of the context's bin. A context outside
// [lo, hi] is an error.
func (b *BinnedTsallisINF) Choose(context float64) (int, error) {
	if b.pending {
		return 0, ErrPending
	}
	if !(context >= b.lo && context <= b.hi) {
		return 0, fmt.Errorf("%w: %v not in [%v, %v]", ErrContext, context, b.lo, b.hi)
	}
	i := min(int(float64(len(b.bins))*(context-b.lo)/(b.hi-b.lo)), len(b.bins)-1)
	arm, err := b.bins[i].Choose(context)
	if err != nil {
		return 0, err
	}
	b.current, b.pending = i, true
	return arm, nil
}

// Observe reports the cost to the learner of the last context's bin.
func (b *BinnedTsallisINF) Observe(cost float64) error {
	if !b.pending {
		return ErrNoPending
	}
	if err := b.bins[b.current].Observe(cost); err != nil {
		return err
	}
	b.pending = false
	return nil
}

// ChebCB is the contextual bandit of the Learning-to-Relax paper for a
// scalar context in [Lo, Hi]: it models each arm's cost as a polynomial in
// the context, a least-squares fit on the Chebyshev features
// T_0(s), …, T_{m−1}(s) of s = 2(x − Lo)/(Hi − Lo) − 1 over the rounds
// that arm was played (a small ridge term keeps unplayed arms at zero,
// which makes them look cheap and get tried), and plays by inverse-gap
// weighting: arm i ≠ i* with probability 1/(K + γ·(ŷ_i − ŷ*)/c̄), the rest
// on the predicted best i*, where c̄ is the running mean cost. The learning
// rate follows the reference code's schedule γ_t = 2t·√(K·t/(R_t + εt)),
// R_t the sum of the squared normalised prediction errors of the played
// arms, ε = 0.01.
type ChebCB struct {
	lo, hi, minCost float64
	m               int
	rng             *rand.Rand
	gram            [][]float64 // per arm, m×m row-major Σ f fᵀ
	rhs             [][]float64 // per arm, Σ f·(c − minCost)
	theta           [][]float64
	count           []int
	f, yhat, p      []float64
	t               int
	sum, resid      float64
	last            int
	lastPred        float64
	pending         bool
}

var _ Learner = (*ChebCB)(nil)

// NewChebCB returns the learner over arms arms with m Chebyshev features
// (the paper uses 6) on the context range [lo, hi].
func NewChebCB(arms, m int, lo, hi, minCost float64, rng *rand.Rand) (*ChebCB, error) {
	if arms < 1 {
		return nil, ErrNoArms
	}
	if m < 1 || !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil, fmt.Errorf("tune: ChebCB needs m ≥ 1 and a finite range, got m = %d on [%v, %v]", m, lo, hi)
	}
	c := &ChebCB{lo: lo, hi: hi, minCost: minCost, m: m, rng: rng,
		gram: make([][]float64, arms), rhs: make([][]float64, arms), theta: make([][]float64, arms),
		count: make([]int, arms), f: make([]float64, m), yhat: make([]float64, arms), p: make([]float64, arms)}
	for i := range arms {
		c.gram[i] = make([]float64, m*m)
		c.rhs[i] = make([]float64, m)
		c.theta[i] = make([]float64, m)
	}
	return c, nil
}

// Arms returns the number of arms.
func (c *ChebCB) Arms() int { return len(c.theta) }

// Probabilities returns the distribution of the last Choose.
func (c *ChebCB) Probabilities() []float64 { return append([]float64(nil), c.p...) }

// Choose returns an arm for the context; a context outside [lo, hi] is an
// error.
func (c *ChebCB) Choose(context float64) (int, error) {
	if c.pending {
		return 0, ErrPending
	}
	if !(context >= c.lo && context <= c.hi) {
		return 0, fmt.Errorf("%w: %v not in [%v, %v]", ErrContext, context, c.lo, c.hi)
	}
	s := 2*(context-c.lo)/(c.hi-c.lo) - 1
	for k := range c.f {
		switch k {
		case 0:
			c.f[0] = 1
		case 1:
			c.f[1] = s
		default:
			c.f[k] = 2*s*c.f[k-1] - c.f[k-2]
		}
	}
	best := 0
	for i, th := range c.theta {
		var y float64
		for k, v := range th {
			y += v * c.f[k]
		}
		c.yhat[i] = y
		if y < c.yhat[best] {
			best = i
		}
	}
	K := float64(len(c.theta))
	mean := 1.0
	if c.t > 0 && c.sum > 0 {
		mean = c.sum / float64(c.t)
	}
	gamma := 2 * float64(c.t) * math.Sqrt(K*float64(c.t)/(c.resid+0.01*float64(c.t)+1e-300))
	var rest float64
	for i, y := range c.yhat {
		if i == best {
			continue
		}
		c.p[i] = 1 / (K + gamma*(y-c.yhat[best])/mean)
		rest += c.p[i]
	}
	c.p[best] = 1 - rest
	c.last = sample(c.rng, c.p)
	c.lastPred = c.yhat[c.last]
	c.pending = true
	return c.last, nil
}

// Observe records the cost of the last chosen arm and refits its model.
func (c *ChebCB) Observe(cost float64) error {
	if !c.pending {
		return ErrNoPending
	}
	if err := checkCost(cost, c.minCost); err != nil {
		return err
	}
	c.pending = false
	y := cost - c.minCost
	c.t++
	c.sum += y
	mean := c.sum / float64(c.t)
	if mean > 0 {
		e := (c.lastPred - y) / mean
		c.resid += e * e
	}
	i := c.last
	c.count[i]++
	g, r := c.gram[i], c.rhs[i]
	for a := range c.m {
		r[a] += c.f[a] * y
		for b := range c.m {
			g[a*c.m+b] += c.f[a] * c.f[b]
		}
	}
	return c.refit(i)
}

// refit solves (G + λI)·θ = r for arm i by Cholesky, λ = 10⁻⁶·(1 + tr G/m).
func (c *ChebCB) refit(i int) error {
	m := c.m
	g := c.gram[i]
	var tr float64
	for a := range m {
		tr += g[a*m+a]
	}
	lam := 1e-6 * (1 + tr/float64(m))
	l := make([]float64, m*m)
	for a := range m {
		for b := 0; b <= a; b++ {
			s := g[a*m+b]
			if a == b {
				s += lam
			}
			for k := range b {
				s -= l[a*m+k] * l[b*m+k]
			}
			if a == b {
				if !(s > 0) {
					return fmt.Errorf("tune: ChebCB normal equations lost positive definiteness")
				}
				l[a*m+a] = math.Sqrt(s)
			} else {
				l[a*m+b] = s / l[b*m+b]
			}
		}
	}
	th := c.theta[i]
	for a := range m {
		s := c.rhs[i][a]
		for k := range a {
			s -= l[a*m+k] * th[k]
		}
		th[a] = s / l[a*m+a]
	}
	for a := m - 1; a >= 0; a-- {
		s := th[a]
		for k := a + 1; k < m; k++ {
			s -= l[k*m+a] * th[k]
		}
		th[a] = s / l[a*m+a]
	}
	return nil
}

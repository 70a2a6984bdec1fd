package neural

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"
)

// Operator is a symmetric matrix applied to vectors: Dim returns n and
// MulVecTo sets dst = A·x. *sparse.CSR satisfies it.
type Operator interface {
	Dim() int
	MulVecTo(dst, x []float64)
}

// DCDMLoss returns the scale-invariant DCDM loss of a search direction q
// for the right-hand side b,
//
//	L(q) = ‖b − α·A·q‖²,  α = qᵀb / qᵀAq,
//
// and writes its gradient with respect to q into grad (Kaneda et al. 2023,
// eq. 6; with s = A·q, c = qᵀb, d = qᵀs, r = b − α·s and A symmetric,
// ∇L = −2[(rᵀs)(b/d − 2c·s/d²) + α·A·r]). L is 0 exactly when q is a
// multiple of A⁻¹b and does not change when q is scaled. work must have
// length 2n. For qᵀAq ≤ 0 (q = 0, or A not positive definite) it returns
// NaN and leaves grad unspecified.
func DCDMLoss(grad []float64, a Operator, q, b, work []float64) float64 {
	n := len(q)
	s, r := work[:n], work[n:2*n]
	a.MulVecTo(s, q)
	var c, d float64
	for i := range q {
		c += q[i] * b[i]
		d += q[i] * s[i]
	}
	if !(d > 0) {
		return math.NaN()
	}
	alpha := c / d
	var loss, rs float64
	for i := range r {
		r[i] = b[i] - alpha*s[i]
		loss += r[i] * r[i]
		rs += r[i] * s[i]
	}
	a.MulVecTo(grad, r)
	for i := range grad {
		grad[i] = -2 * (rs*(b[i]/d-2*c*s[i]/(d*d)) + alpha*grad[i])
	}
	return loss
}

// RitzSampler draws the training right-hand sides of DCDM: random
// combinations b = Σᵢ cᵢ·vᵢ of Ritz vectors vᵢ of the training matrix
// (ordered by increasing Ritz value) with cᵢ ~ N(0, 1), the lowest
// LowFraction of them weighted by LowWeight, normalised to ‖b‖ = 1. The
// low end of the spectrum is where CG is slow, so that is where the network
// must learn most.
type RitzSampler struct {
	vectors [][]float64
	weights []float64
	rnd     *rand.Rand
}

// NewRitzSampler returns a seeded sampler over vectors (each of one
// length). lowFraction in [0, 1] and lowWeight > 0; Kaneda et al. use
// weight 9 on the lower part of the spectrum.
func NewRitzSampler(vectors [][]float64, lowFraction, lowWeight float64, seed uint64) (*RitzSampler, error) {
	if len(vectors) == 0 {
		return nil, fmt.Errorf("%w: no Ritz vectors", ErrShape)
	}
	for _, v := range vectors {
		if len(v) != len(vectors[0]) {
			return nil, fmt.Errorf("%w: Ritz vectors of lengths %d and %d", ErrShape, len(vectors[0]), len(v))
		}
		if !allFinite(v) {
			return nil, errors.New("neural: a Ritz vector has NaN or infinite entries")
		}
	}
	if !(lowFraction >= 0 && lowFraction <= 1) || !(lowWeight > 0) || math.IsInf(lowWeight, 0) {
		return nil, fmt.Errorf("neural: RitzSampler: low fraction %g must be in [0, 1] and weight %g positive", lowFraction, lowWeight)
	}
	w := make([]float64, len(vectors))
	low := int(math.Round(lowFraction * float64(len(vectors))))
	for i := range w {
		w[i] = 1
		if i < low {
			w[i] = lowWeight
		}
	}
	return &RitzSampler{vectors: vectors, weights: w, rnd: rand.New(rand.NewPCG(seed, 0x7269747a))}, nil
}

// Noise writes a white-noise vector (N(0, 1) entries), normalised, into
// dst: every frequency alike, unlike the Ritz combinations.
func (s *RitzSampler) Noise(dst []float64) {
	for j := range dst {
		dst[j] = s.rnd.NormFloat64()
	}
	normalize(dst, dst)
}

// normalize sets dst = x/‖x‖₂ (dst may be x) and returns ‖x‖₂; x = 0
// gives dst = 0. The sum runs in index order, so results do not depend on
// the platform's vector kernels (the committed DCDM model is reproduced
// byte for byte).
func normalize(dst, x []float64) float64 {
	var nn float64
	for _, v := range x {
		nn += v * v
	}
	nn = math.Sqrt(nn)
	if nn == 0 {
		clear(dst)
		return 0
	}
	for j, v := range x {
		dst[j] = v / nn
	}
	return nn
}

// Sample writes one normalised right-hand side into dst.
func (s *RitzSampler) Sample(dst []float64) {
	clear(dst)
	for i, v := range s.vectors {
		c := s.weights[i] * s.rnd.NormFloat64()
		for j, x := range v {
			dst[j] += c * x
		}
	}
	normalize(dst, dst)
}

// DCDMSettings controls TrainDCDM. Zero fields mean the defaults.
type DCDMSettings struct {
	Steps int     // Adam steps; default 1000
	Batch int     // right-hand sides per step; default 8
	LR    float64 // Adam learning rate; default 1e-3
	// Noise is the fraction of every batch drawn as white noise
	// (RitzSampler.Noise) instead of Ritz combinations; 0 is the paper's
	// data. Ritz combinations alone span only the Ritz vectors, and a
	// network trained on them alone maps rough residuals — the ones
	// flexible CG meets once the smooth error is gone — to smooth
	// outputs, and the iteration stalls.
	Noise float64
	// Progress, if not nil, is called after every step with the step
	// number (from 1) and the batch's mean loss.
	Progress func(step int, loss float64)
}

// DCDMResult is the outcome of TrainDCDM.
type DCDMResult struct {
	Loss    []float64 // mean batch loss per step
	Runtime time.Duration
}

// TrainDCDM trains net by Adam on the DCDM loss for the matrix a of an
// h×w grid (row-major, last index fastest), drawing each batch from
// sampler (fresh samples every step, so there is no fixed training set to
// overfit). It returns ErrShape for a grid the network cannot pool or an
// operator of another size, and ErrNaN if the loss or a gradient stops
// being finite; the network then keeps the parameters of the last finite
// step.
func TrainDCDM(net *CNN, a Operator, h, w int, sampler *RitzSampler, s *DCDMSettings) (DCDMResult, error) {
	start := time.Now()
	var set DCDMSettings
	if s != nil {
		set = *s
	}
	if set.Steps <= 0 {
		set.Steps = 1000
	}
	if set.Batch <= 0 {
		set.Batch = 8
	}
	if set.LR <= 0 {
		set.LR = 1e-3
	}
	if !(set.Noise >= 0 && set.Noise <= 1) {
		return DCDMResult{}, fmt.Errorf("neural: DCDMSettings.Noise %g is not in [0, 1]", set.Noise)
	}
	noisy := int(math.Round(set.Noise * float64(set.Batch)))
	if err := net.CheckGrid(h, w); err != nil {
		return DCDMResult{}, err
	}
	n := h * w
	if a.Dim() != n || len(sampler.vectors[0]) != n {
		return DCDMResult{}, fmt.Errorf("%w: %d×%d grid, operator of size %d, Ritz vectors of length %d", ErrShape, h, w, a.Dim(), len(sampler.vectors[0]))
	}
	ps := net.Params()
	x := Flatten(nil, ps)
	g := make([]float64, len(x))
	last := append([]float64(nil), x...) // parameters of the last step with a finite loss
	var res DCDMResult
	grid := Grid{set.Batch, h, w}
	in := mat.NewDense(grid.Pixels(), 1, nil)
	seed := mat.NewDense(grid.Pixels(), 1, nil)
	work := make([]float64, 2*n)
	opt := NewAdam(set.LR)
	defer Unflatten(ps, last)
	for step := 1; step <= set.Steps; step++ {
		b := in.RawMatrix().Data
		for k := range set.Batch {
			if k < noisy {
				sampler.Noise(b[k*n : (k+1)*n])
			} else {
				sampler.Sample(b[k*n : (k+1)*n])
			}
		}
		Unflatten(ps, x)
		for _, p := range ps {
			p.G.Zero()
		}
		t := NewTape()
		q := net.Forward(t, t.Const(in), grid)
		qd := q.V.RawMatrix().Data
		sd := seed.RawMatrix().Data
		var loss float64
		for k := range set.Batch {
			l := DCDMLoss(sd[k*n:(k+1)*n], a, qd[k*n:(k+1)*n], b[k*n:(k+1)*n], work)
			loss += l / float64(set.Batch)
		}
		for i := range sd {
			sd[i] /= float64(set.Batch)
		}
		t.BackwardFrom(q, seed)
		flattenGrad(g, ps)
		if !finite(loss) || !allFinite(g) {
			res.Runtime = time.Since(start)
			return res, fmt.Errorf("%w (DCDM step %d)", ErrNaN, step)
		}
		res.Loss = append(res.Loss, loss)
		copy(last, x)
		if set.Progress != nil {
			set.Progress(step, loss)
		}
		opt.Step(x, g)
	}
	copy(last, x)
	res.Runtime = time.Since(start)
	return res, nil
}

// ChooseExtendLevel prepares net for an h×w grid larger than its training
// grid without retraining: it sets net.Extend and tries every trained
// level as net.ExtendLevel (the level whose blocks fill the extra
// levels), keeping the one with the smallest score() — experiments/dcdm
// scores a level by the residual left after a few flexible-CG iterations
// preconditioned by the network on a validation right-hand side of that
// grid's matrix. The DCDM loss of a batch of Ritz right-hand sides, or a
// short solve with one, is cheaper but misranked the levels of a
// Darcy-trained network (at 256² the loss ranked levels 1–4 in the
// reverse of their 35, 40, 126, 180 iterations). It
// returns the score of each level (index = level). A grid that needs no
// extra level leaves net unchanged and returns nil. It returns ErrShape
// for a grid the network cannot pool, an error for a shared-level
// network, and ErrNaN if no level has a finite score (net is then left
// as it was).
func ChooseExtendLevel(net *CNN, h, w int, score func() float64) ([]float64, error) {
	if net.Shared {
		return nil, errors.New("neural: ChooseExtendLevel: a shared-level network adapts its levels already")
	}
	if err := net.CheckGrid(h, w); err != nil {
		return nil, err
	}
	if net.ExtraLevels(h, w) == 0 {
		return nil, nil
	}
	extend, level := net.Extend, net.ExtendLevel
	net.Extend = true
	scores := make([]float64, net.Levels+1)
	best := -1
	for l := range scores {
		net.ExtendLevel = l
		scores[l] = score()
		if finite(scores[l]) && (best < 0 || scores[l] < scores[best]) {
			best = l
		}
	}
	if best < 0 {
		net.Extend, net.ExtendLevel = extend, level
		return scores, fmt.Errorf("%w: no extension level has a finite score", ErrNaN)
	}
	net.ExtendLevel = best
	return scores, nil
}

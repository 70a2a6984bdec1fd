package neural

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Jet is a batch of function values with their exact input derivatives:
// V (batch×width) the values, D[k] the derivatives ∂V/∂x_k and Lap the
// Laplacian Σ_k ∂²V/∂x_k². A jet with Lap nil carries values only (for
// boundary points and predictions), and models then skip the derivative
// work. Layers map jets to jets by the forward-
// Laplacian recursion, so one first-order backward pass through the tape
// gives exact parameter gradients of a PDE residual (no nested reverse
// mode, no finite differences).
type Jet struct {
	V   *Node
	D   []*Node
	Lap *Node
}

// InputJet returns the jet of the inputs x (batch×d): V = x, D[k] = e_k
// in every row, Lap = 0.
func InputJet(t *Tape, x *mat.Dense) Jet {
	r, d := x.Dims()
	j := Jet{V: t.Const(x), Lap: t.Const(mat.NewDense(r, d, nil))}
	for k := range d {
		e := mat.NewDense(r, d, nil)
		for i := range r {
			e.Set(i, k, 1)
		}
		j.D = append(j.D, t.Const(e))
	}
	return j
}

// Param is a trainable matrix and its gradient accumulator.
type Param struct {
	Name string
	V, G *mat.Dense
}

func newParam(name string, r, c int) *Param {
	return &Param{Name: name, V: mat.NewDense(r, c, nil), G: mat.NewDense(r, c, nil)}
}

func (p *Param) node(t *Tape) *Node { return t.Param(p.V, p.G) }

// Parameterized owns trainable parameters: every Model, and the CNN.
type Parameterized interface {
	Params() []*Param
}

// Model maps an input jet to an output jet and owns its parameters.
type Model interface {
	Forward(t *Tape, x Jet) Jet
	Parameterized
}

// ErrShape reports inconsistent sizes: layer widths, inputs, checkpoints.
var ErrShape = errors.New("neural: size mismatch")

// MLP is a fully connected network with tanh hidden layers and a linear
// output layer, initialised with Glorot-uniform weights and zero biases
// from a seeded generator.
type MLP struct {
	Sizes  []int
	W, B   []*Param
	params []*Param
}

// NewMLP returns an MLP with the given layer sizes (input first, output
// last), e.g. {2, 32, 32, 1}. It returns ErrShape for fewer than two
// sizes or a non-positive size.
func NewMLP(sizes []int, seed uint64) (*MLP, error) {
	if len(sizes) < 2 {
		return nil, fmt.Errorf("%w: an MLP needs at least an input and an output size, got %v", ErrShape, sizes)
	}
	for _, s := range sizes {
		if s < 1 {
			return nil, fmt.Errorf("%w: layer size %d in %v", ErrShape, s, sizes)
		}
	}
	m := &MLP{Sizes: append([]int(nil), sizes...)}
	rnd := rand.New(rand.NewPCG(seed, 0x6d6c70))
	for l := 0; l+1 < len(sizes); l++ {
		in, out := sizes[l], sizes[l+1]
		w := newParam(fmt.Sprintf("W%d", l), in, out)
		lim := math.Sqrt(6 / float64(in+out))
		for i := range in {
			for j := range out {
				w.V.Set(i, j, lim*(2*rnd.Float64()-1))
			}
		}
		b := newParam(fmt.Sprintf("b%d", l), 1, out)
		m.W = append(m.W, w)
		m.B = append(m.B, b)
		m.params = append(m.params, w, b)
	}
	return m, nil
}

// Params returns the weights and biases, layer by layer.
func (m *MLP) Params() []*Param { return m.params }

// Forward applies the network to the jet x. It panics if x's width is not
// the input size (a programmer error; Train checks sizes first).
func (m *MLP) Forward(t *Tape, x Jet) Jet {
	if _, c := x.V.V.Dims(); c != m.Sizes[0] {
		panic(fmt.Sprintf("neural: MLP with input size %d applied to width %d", m.Sizes[0], c))
	}
	for l := range m.W {
		x = dense(t, x, m.W[l].node(t), m.B[l].node(t), l+1 < len(m.W))
	}
	return x
}

// dense is one layer on a jet: z = aW + b, J_k ← J_k·W, L ← L·W, then for
// tanh (t = tanh z, σ′ = 1 − t², σ″ = −2tσ′)
// J_k ← σ′ ⊙ J_k, L ← σ′ ⊙ L + σ″ ⊙ Σ_k J_k².
func dense(t *Tape, x Jet, w, b *Node, activate bool) Jet {
	z := t.AddRow(t.MatMul(x.V, w), b)
	if x.Lap == nil {
		// Values only.
		if activate {
			z = t.Tanh(z)
		}
		return Jet{V: z}
	}
	dz := make([]*Node, len(x.D))
	for k, d := range x.D {
		dz[k] = t.MatMul(d, w)
	}
	lz := t.MatMul(x.Lap, w)
	if !activate {
		return Jet{V: z, D: dz, Lap: lz}
	}
	th := t.Tanh(z)
	s1 := t.AddScalar(t.Scale(t.Square(th), -1), 1)
	s2 := t.Scale(t.Mul(th, s1), -2)
	out := Jet{V: th}
	var sq *Node
	for _, d := range dz {
		out.D = append(out.D, t.Mul(s1, d))
		if sq == nil {
			sq = t.Square(d)
		} else {
			sq = t.Add(sq, t.Square(d))
		}
	}
	out.Lap = t.Mul(s1, lz)
	if sq != nil {
		out.Lap = t.Add(out.Lap, t.Mul(s2, sq))
	}
	return out
}

// Fourier is a fixed random Fourier-feature layer in front of a network
// (Tancik et al. 2020; Wang, Wang and Perdikaris 2021):
// γ(x) = [sin(2π·xB), cos(2π·xB)] with the columns of B (d×m) drawn from
// N(0, σ²), then Net applied to γ(x). B is not trained.
type Fourier struct {
	B   *mat.Dense
	Net Model
}

// NewFourier returns m features of d inputs per scale σ in sigmas (the
// multiscale features of Wang et al. when there are several), in front of
// net, whose input size must be 2·m·len(sigmas).
func NewFourier(d, m int, sigmas []float64, net Model, seed uint64) (*Fourier, error) {
	if d < 1 || m < 1 || len(sigmas) == 0 {
		return nil, fmt.Errorf("%w: Fourier features need d ≥ 1 inputs, m ≥ 1 features and a scale", ErrShape)
	}
	rnd := rand.New(rand.NewPCG(seed, 0x666f75))
	b := mat.NewDense(d, m*len(sigmas), nil)
	for s, sigma := range sigmas {
		if !(sigma > 0) {
			return nil, fmt.Errorf("%w: Fourier scale %g is not positive", ErrShape, sigma)
		}
		for j := range m {
			for i := range d {
				b.Set(i, s*m+j, sigma*rnd.NormFloat64())
			}
		}
	}
	return &Fourier{B: b, Net: net}, nil
}

// Params returns the network's parameters (B is fixed).
func (f *Fourier) Params() []*Param { return f.Net.Params() }

// Forward computes the features' jet — for φ = sin(2πxb):
// ∂_kφ = 2πb_k cos(2πxb), Δφ = −4π²‖b‖²φ, and likewise for cos — and
// applies the network.
func (f *Fourier) Forward(t *Tape, x Jet) Jet {
	r, d := x.V.V.Dims()
	bd, m := f.B.Dims()
	if d != bd {
		panic(fmt.Sprintf("neural: Fourier features of %d inputs applied to width %d", bd, d))
	}
	var arg mat.Dense
	arg.Mul(x.V.V, f.B)
	arg.Scale(2*math.Pi, &arg)
	val := mat.NewDense(r, 2*m, nil)
	lap := mat.NewDense(r, 2*m, nil)
	ds := make([]*mat.Dense, d)
	for k := range d {
		ds[k] = mat.NewDense(r, 2*m, nil)
	}
	for j := range m {
		var nb float64
		for k := range d {
			nb += f.B.At(k, j) * f.B.At(k, j)
		}
		w2 := 4 * math.Pi * math.Pi * nb
		for i := range r {
			s, c := math.Sincos(arg.At(i, j))
			val.Set(i, j, s)
			val.Set(i, m+j, c)
			lap.Set(i, j, -w2*s)
			lap.Set(i, m+j, -w2*c)
			for k := range d {
				wk := 2 * math.Pi * f.B.At(k, j)
				ds[k].Set(i, j, wk*c)
				ds[k].Set(i, m+j, -wk*s)
			}
		}
	}
	feat := Jet{V: t.Const(val)}
	if x.Lap != nil {
		feat.Lap = t.Const(lap)
		for k := range d {
			feat.D = append(feat.D, t.Const(ds[k]))
		}
	}
	return f.Net.Forward(t, feat)
}

// PIG is the Physics-Informed Gaussians feature embedding (Kang et al.,
// ICLR 2025) in front of a small network: N Gaussians with trainable
// centres μ_i, diagonal inverse scales (log σ_ik) and feature weights
// f_i ∈ R^C, FE(x) = Σ_i f_i·exp(−½ Σ_k (x_k − μ_ik)²/σ_ik²), then Net.
type PIG struct {
	Mu       []*Param // per input dimension k: 1×N centres
	LogSigma []*Param // per input dimension k: 1×N log-scales
	F        *Param   // N×C feature weights
	Net      Model
	params   []*Param
}

// NewPIG places n Gaussians uniformly at random in the box [lo, hi] (seeded),
// with scale sigma0 and feature weights N(0, 1/n), in front of net, whose
// input size must be channels.
func NewPIG(lo, hi []float64, n, channels int, sigma0 float64, net Model, seed uint64) (*PIG, error) {
	if len(lo) != len(hi) || len(lo) == 0 || n < 1 || channels < 1 || !(sigma0 > 0) {
		return nil, fmt.Errorf("%w: PIG needs matching box bounds, n ≥ 1 Gaussians, channels ≥ 1 and σ₀ > 0", ErrShape)
	}
	rnd := rand.New(rand.NewPCG(seed, 0x706967))
	p := &PIG{Net: net}
	for k := range lo {
		mu := newParam(fmt.Sprintf("mu%d", k), 1, n)
		ls := newParam(fmt.Sprintf("logsigma%d", k), 1, n)
		for i := range n {
			mu.V.Set(0, i, lo[k]+(hi[k]-lo[k])*rnd.Float64())
			ls.V.Set(0, i, math.Log(sigma0))
		}
		p.Mu = append(p.Mu, mu)
		p.LogSigma = append(p.LogSigma, ls)
	}
	p.F = newParam("f", n, channels)
	for i := range n {
		for c := range channels {
			p.F.V.Set(i, c, rnd.NormFloat64()/math.Sqrt(float64(n)))
		}
	}
	p.params = append(append(append([]*Param(nil), p.Mu...), p.LogSigma...), p.F)
	p.params = append(p.params, net.Params()...)
	return p, nil
}

// Params returns centres, log-scales, feature weights, then the network's.
func (p *PIG) Params() []*Param { return p.params }

// Forward computes the embedding's jet with s_k = σ_k⁻² and
// D_k = x_k − μ_k: G = exp(−½ Σ_k s_k D_k²), ∂_kG = −s_k D_k G,
// ∂²_kG = (s_k² D_k² − s_k) G, each mapped through f, then the network.
func (p *PIG) Forward(t *Tape, x Jet) Jet {
	_, d := x.V.V.Dims()
	if d != len(p.Mu) {
		panic(fmt.Sprintf("neural: PIG in %d dimensions applied to width %d", len(p.Mu), d))
	}
	r, _ := x.V.V.Dims()
	dk := make([]*Node, d)
	sk := make([]*Node, d)
	var expo *Node
	for k := range d {
		col := mat.NewDense(r, 1, nil)
		for i := range r {
			col.Set(i, 0, x.V.V.At(i, k))
		}
		dk[k] = t.ColMinusRow(t.Const(col), p.Mu[k].node(t))
		sk[k] = t.Exp(t.Scale(p.LogSigma[k].node(t), -2))
		term := t.MulRow(t.Square(dk[k]), sk[k])
		if expo == nil {
			expo = term
		} else {
			expo = t.Add(expo, term)
		}
	}
	g := t.Exp(t.Scale(expo, -0.5))
	f := p.F.node(t)
	out := Jet{V: t.MatMul(g, f)}
	if x.Lap == nil {
		return p.Net.Forward(t, out)
	}
	var lap *Node
	for k := range d {
		sd := t.MulRow(dk[k], sk[k])
		out.D = append(out.D, t.MatMul(t.Scale(t.Mul(sd, g), -1), f))
		// (s_k² D_k² − s_k)·G = (sd² − s_k)·G.
		l := t.Mul(t.AddRow(t.Square(sd), t.Scale(sk[k], -1)), g)
		if lap == nil {
			lap = l
		} else {
			lap = t.Add(lap, l)
		}
	}
	out.Lap = t.MatMul(lap, f)
	return p.Net.Forward(t, out)
}

// HardBoundary makes a network vanish on the boundary of the box [Lo, Hi]
// by construction: u(x) = B(x)·N(x) with the bubble B(x) = Π_k 4(x_k −
// lo_k)(hi_k − x_k)/(hi_k − lo_k)² (1 at the centre, 0 on every face),
// the exact imposition of homogeneous Dirichlet data of Lagaris, Likas and
// Fotiadis (1998) (see Sukumar and Srivastava 2022 for general
// geometries). The boundary term of the loss is then zero, and the
// training fits the residual only. Its Forward must receive the input jet
// (InputJet, or plain points), as B is a function of the coordinates.
type HardBoundary struct {
	Lo, Hi []float64
	Net    Model
}

// NewHardBoundary wraps net; lo and hi must have the same positive length
// with lo[k] < hi[k].
func NewHardBoundary(lo, hi []float64, net Model) (*HardBoundary, error) {
	if len(lo) == 0 || len(lo) != len(hi) || net == nil {
		return nil, fmt.Errorf("%w: HardBoundary needs matching box bounds and a network", ErrShape)
	}
	for k := range lo {
		if !(hi[k] > lo[k]) {
			return nil, fmt.Errorf("%w: empty box side %d: [%g, %g]", ErrShape, k, lo[k], hi[k])
		}
	}
	return &HardBoundary{Lo: append([]float64(nil), lo...), Hi: append([]float64(nil), hi...), Net: net}, nil
}

// Params returns the network's parameters.
func (h *HardBoundary) Params() []*Param { return h.Net.Params() }

// Forward computes the jet of B·N: ∂_k(BN) = ∂_kB·N + B·∂_kN and
// Δ(BN) = ΔB·N + 2∇B·∇N + B·ΔN, with B's jet in closed form from the
// factors b_k = 4(x_k − lo_k)(hi_k − x_k)/(hi_k − lo_k)², b_k″ = −8/(hi_k − lo_k)².
func (h *HardBoundary) Forward(t *Tape, x Jet) Jet {
	r, d := x.V.V.Dims()
	if d != len(h.Lo) {
		panic(fmt.Sprintf("neural: HardBoundary in %d dimensions applied to width %d", len(h.Lo), d))
	}
	n := h.Net.Forward(t, x)
	b := make([]float64, r)
	db := make([][]float64, d)
	lap := make([]float64, r)
	for k := range d {
		db[k] = make([]float64, r)
	}
	f := make([]float64, d)  // b_k
	f1 := make([]float64, d) // b_k′
	f2 := make([]float64, d) // b_k″
	for i := range r {
		xi := x.V.V.RawRowView(i)
		for k := range d {
			w := h.Hi[k] - h.Lo[k]
			c := 4 / (w * w)
			f[k] = c * (xi[k] - h.Lo[k]) * (h.Hi[k] - xi[k])
			f1[k] = c * (h.Lo[k] + h.Hi[k] - 2*xi[k])
			f2[k] = -2 * c
		}
		prod := func(skip int, v float64) float64 {
			for k := range d {
				if k != skip {
					v *= f[k]
				}
			}
			return v
		}
		b[i] = prod(-1, 1)
		for k := range d {
			db[k][i] = prod(k, f1[k])
			lap[i] += prod(k, f2[k])
		}
	}
	col := func(v []float64) *Node { return t.Const(mat.NewDense(r, 1, v)) }
	bn := col(b)
	out := Jet{V: t.Mul(bn, n.V)}
	if x.Lap == nil || n.Lap == nil {
		return out
	}
	out.Lap = t.Add(t.Mul(col(lap), n.V), t.Mul(bn, n.Lap))
	for k := range d {
		dk := col(db[k])
		out.D = append(out.D, t.Add(t.Mul(dk, n.V), t.Mul(bn, n.D[k])))
		out.Lap = t.Add(out.Lap, t.Scale(t.Mul(dk, n.D[k]), 2))
	}
	return out
}

// NumParams returns the number of trainable scalars of m.
func NumParams(m Parameterized) int {
	n := 0
	for _, p := range m.Params() {
		r, c := p.V.Dims()
		n += r * c
	}
	return n
}

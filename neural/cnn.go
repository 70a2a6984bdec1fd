package neural

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// CNN is the convolutional network of the deep conjugate direction method
// (DCDM, Kaneda et al. 2023) in 2D: a 3×3 convolution lifts the one-channel
// input to Channels channels, then a U-shaped stack of residual blocks
// (each x + W₂·σ(W₁·x), W₁ and W₂ 3×3 convolutions, σ the Activation)
// runs down Levels 2×2 average-pooling levels and back up by
// nearest-neighbour upsampling with additive skips, and a 1×1 convolution
// maps back to one channel. Zero padding at the image border matches a
// homogeneous Dirichlet boundary.
//
// Levels = 1 is the paper's architecture (one pooling level). The network
// has no biases; with ReLU it is positively homogeneous, f(c·x) = c·f(x)
// for c > 0, and the preconditioner normalises its input anyway. It is
// fully convolutional: a network trained on one grid applies to any grid
// whose sides are divisible by 2^Levels.
//
// Symmetric (linear activation only) replaces the last 1×1 convolution by
// the transpose of the whole network: with N the map from the input to the
// Channels feature maps before it, the output is Nᵀ(N·x), a symmetric
// positive semidefinite operator (definite when N has full column rank).
// A learned operator that is not positive definite can make rᵀM(r) = 0
// for a residual r, and a conjugate direction method then stalls; the
// NᵀN form rules that out, at twice the cost per application.
type CNN struct {
	CNNConfig

	// Extend, for a network without shared levels, runs more levels than
	// it was built with on grids where the coarsest level would still be
	// larger than 4 per side, so that a network trained on 64² keeps a 4²
	// coarsest grid on 128² and 256². The extra levels are inserted below
	// trained level ExtendLevel and reuse its blocks; the trained levels
	// under it move down by as many levels, so the finest blocks stay on
	// the finest grid and the coarsest ones on the coarsest. ExtendLevel =
	// Levels repeats the coarsest blocks. Neither changes a parameter;
	// both can be set on a loaded network, and ChooseExtendLevel picks
	// ExtendLevel by a score on the target grid (a short validation solve
	// in experiments/dcdm).
	Extend      bool
	ExtendLevel int

	lift   *Param
	blocks [][2][2]*Param // [level][block a, b][conv 1, 2]
	out    *Param         // nil when Symmetric
	params []*Param
}

// CNNConfig is the architecture of a CNN.
type CNNConfig struct {
	Channels, Levels int
	Activation       Activation
	Symmetric        bool
	// Shared uses one pair of residual blocks on every level, like a
	// multigrid cycle that uses one smoother everywhere (the blocks learn
	// how much to amplify the coarser corrections, which compounds level by
	// level as the h² scaling of the Green's functions does in the BPX
	// preconditioner). The number of levels then adapts to the grid: the
	// network pools until the coarser side would drop below 4, so a
	// network trained on 64² (4 levels) runs 5 levels on 128² and 6 on
	// 256². Levels is ignored.
	Shared bool
}

// String names the architecture, e.g. "8ch-1lvl-relu" or
// "8ch-3lvl-linear-sym".
func (c CNNConfig) String() string {
	s := fmt.Sprintf("%dch-%dlvl-%s", c.Channels, c.Levels, c.Activation)
	if c.Shared {
		s = fmt.Sprintf("%dch-shared-%s", c.Channels, c.Activation)
	}
	if c.Symmetric {
		s += "-sym"
	}
	return s
}

// Activation is the nonlinearity of a CNN.
type Activation int

// Activations. ReLU keeps the network positively homogeneous but not odd:
// f(−x) ≠ −f(x). Tanh is odd. Linear makes the network a linear operator,
// a learned multilevel stencil.
const (
	ReLU Activation = iota
	Tanh
	Linear
)

// String returns "relu", "tanh" or "linear".
func (a Activation) String() string {
	switch a {
	case ReLU:
		return "relu"
	case Tanh:
		return "tanh"
	case Linear:
		return "linear"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation returns the activation named by String.
func ParseActivation(s string) (Activation, error) {
	for _, a := range []Activation{ReLU, Tanh, Linear} {
		if a.String() == s {
			return a, nil
		}
	}
	return 0, fmt.Errorf("neural: unknown activation %q (want relu, tanh or linear)", s)
}

func (m *CNN) act(t *Tape, x *Node) *Node {
	switch m.Activation {
	case Tanh:
		return t.Tanh(x)
	case Linear:
		return x
	}
	return t.ReLU(x)
}

// NewCNN returns a CNN of the given architecture, He-initialised from the
// seed (the second convolution of every residual block scaled by 0.1, so
// that the initial network is close to a plain stack). The architecture
// is part of the first parameter's name, so a checkpoint does not load
// into a network of another one. It returns ErrShape for channels < 1 or
// levels < 0, and an error for a symmetric network with a nonlinear
// activation.
func NewCNN(cfg CNNConfig, seed uint64) (*CNN, error) {
	if cfg.Channels < 1 || cfg.Levels < 0 {
		return nil, fmt.Errorf("%w: CNN with %d channels and %d levels", ErrShape, cfg.Channels, cfg.Levels)
	}
	if cfg.Activation < ReLU || cfg.Activation > Linear {
		return nil, fmt.Errorf("neural: unknown activation %d", int(cfg.Activation))
	}
	if cfg.Symmetric && cfg.Activation != Linear {
		return nil, fmt.Errorf("neural: a symmetric CNN needs the linear activation, not %s", cfg.Activation)
	}
	rnd := rand.New(rand.NewPCG(seed, 0x636e6e))
	m := &CNN{CNNConfig: cfg}
	init := func(name string, r, c int, std float64) *Param {
		p := newParam(name, r, c)
		raw := p.V.RawMatrix().Data
		for i := range raw {
			raw[i] = std * rnd.NormFloat64()
		}
		m.params = append(m.params, p)
		return p
	}
	c := cfg.Channels
	m.lift = init("lift/"+cfg.String(), 9, c, math.Sqrt(2.0/9))
	nl := cfg.Levels
	if cfg.Shared {
		nl = 0
	}
	for l := 0; l <= nl; l++ {
		var lv [2][2]*Param
		for b := range 2 {
			lv[b][0] = init(fmt.Sprintf("L%d%c.conv1", l, 'a'+b), 9*c, c, math.Sqrt(2/float64(9*c)))
			lv[b][1] = init(fmt.Sprintf("L%d%c.conv2", l, 'a'+b), 9*c, c, 0.1*math.Sqrt(2/float64(9*c)))
		}
		m.blocks = append(m.blocks, lv)
	}
	if !cfg.Symmetric {
		m.out = init("out", c, 1, math.Sqrt(1/float64(c)))
	}
	return m, nil
}

// Params returns the convolution weights in a fixed order.
func (m *CNN) Params() []*Param { return m.params }

// CheckGrid returns ErrShape unless an h×w grid can be pooled Levels
// times: both sides divisible by 2^Levels. A Shared network accepts every
// grid with sides of at least 4.
func (m *CNN) CheckGrid(h, w int) error {
	if m.Shared {
		if h < 4 || w < 4 {
			return fmt.Errorf("%w: a shared-level CNN needs grid sides of at least 4, got %d×%d", ErrShape, h, w)
		}
		return nil
	}
	f := 1 << m.Levels
	if h < f || w < f || h%f != 0 || w%f != 0 {
		return fmt.Errorf("%w: a %d-level CNN needs grid sides divisible by %d, got %d×%d", ErrShape, m.Levels, f, h, w)
	}
	return nil
}

// LevelsFor returns the number of pooling levels the network runs on an
// h×w grid: Levels (plus ExtraLevels with Extend), or for a Shared network
// the number of halvings that keep both sides even and at least 4.
func (m *CNN) LevelsFor(h, w int) int {
	switch {
	case m.Shared:
		return halvings(h, w)
	case m.Extend:
		return m.Levels + m.ExtraLevels(h, w)
	}
	return m.Levels
}

// ExtraLevels returns the number of levels Extend adds on an h×w grid:
// the halvings beyond Levels that keep both sides even and at least 4 (0
// for a Shared network, whose levels adapt anyway). It does not depend on
// the Extend field.
func (m *CNN) ExtraLevels(h, w int) int {
	if m.Shared {
		return 0
	}
	return max(halvings(h, w)-m.Levels, 0)
}

// halvings counts the halvings of an h×w grid that keep both sides even
// and at least 4.
func halvings(h, w int) int {
	l := 0
	for h%2 == 0 && w%2 == 0 && h/2 >= 4 && w/2 >= 4 {
		h, w, l = h/2, w/2, l+1
	}
	return l
}

// weights returns the blocks of level l of a network run with levels
// pooling levels.
func (m *CNN) weights(l, levels int) [2][2]*Param {
	if m.Shared {
		return m.blocks[0]
	}
	extra := levels - m.Levels
	d := min(max(m.ExtendLevel, 0), m.Levels)
	switch {
	case extra <= 0 || l <= d:
		return m.blocks[l]
	case l <= d+extra:
		return m.blocks[d]
	}
	return m.blocks[l-extra]
}

// Forward applies the network to x, an (g.Pixels())×1 image batch, and
// returns the output batch of the same shape. It panics on a grid that
// CheckGrid rejects or an x of another shape (programmer errors).
func (m *CNN) Forward(t *Tape, x *Node, g Grid) *Node {
	if err := m.CheckGrid(g.H, g.W); err != nil {
		panic("neural: " + err.Error())
	}
	if r, c := x.V.Dims(); r != g.Pixels() || c != 1 {
		panic(fmt.Sprintf("neural: CNN input is %d×%d, want %d×1", r, c, g.Pixels()))
	}
	levels := m.LevelsFor(g.H, g.W)
	h := m.act(t, m.conv(t, x, g, m.lift.node(t)))
	h = m.level(t, h, g, 0, levels)
	if !m.Symmetric {
		return t.MatMul(h, m.out.node(t))
	}
	h = m.levelT(t, h, g, 0, levels)
	return m.convT(t, h, g, m.lift.node(t), 1)
}

// conv is the 3×3 convolution of the image batch h with weights w
// ((9·c_in)×c_out).
func (m *CNN) conv(t *Tape, h *Node, g Grid, w *Node) *Node {
	return t.MatMul(t.Im2Col3(h, g), w)
}

// convT is the transpose (adjoint) of conv with weights w whose input had
// cin channels: the convolution with the kernel flipped in space and its
// channel matrices transposed.
func (m *CNN) convT(t *Tape, h *Node, g Grid, w *Node, cin int) *Node {
	return t.MatMul(t.Im2Col3(h, g), t.FlipKernel(w, cin))
}

func (m *CNN) level(t *Tape, h *Node, g Grid, l, levels int) *Node {
	w := m.weights(l, levels)
	h = m.block(t, h, g, w[0])
	if l < levels {
		c := m.level(t, t.AvgPool2(h, g), g.Coarse(), l+1, levels)
		h = t.Add(h, t.Upsample2(c, g))
	}
	return m.block(t, h, g, w[1])
}

// levelT is the transpose of level for the linear network: blocks in
// reverse order, each transposed; AvgPool2ᵀ = Upsample2/4 and
// Upsample2ᵀ = 4·AvgPool2.
func (m *CNN) levelT(t *Tape, h *Node, g Grid, l, levels int) *Node {
	w := m.weights(l, levels)
	h = m.blockT(t, h, g, w[1])
	if l < levels {
		c := m.levelT(t, t.Scale(t.AvgPool2(h, g), 4), g.Coarse(), l+1, levels)
		h = t.Add(h, t.Scale(t.Upsample2(c, g), 0.25))
	}
	return m.blockT(t, h, g, w[0])
}

func (m *CNN) block(t *Tape, h *Node, g Grid, w [2]*Param) *Node {
	y := m.act(t, m.conv(t, h, g, w[0].node(t)))
	return t.Add(h, m.conv(t, y, g, w[1].node(t)))
}

// blockT is the transpose of a linear block x + W₂W₁x: x + W₁ᵀW₂ᵀx.
func (m *CNN) blockT(t *Tape, h *Node, g Grid, w [2]*Param) *Node {
	c := m.Channels
	y := m.convT(t, h, g, w[1].node(t), c)
	return t.Add(h, m.convT(t, y, g, w[0].node(t), c))
}

// CNNPreconditioner applies a CNN as the (nonlinear) preconditioner of a
// flexible Krylov method on an h×w grid: Apply sets dst = f(r/‖r‖) with
// r read as an h×w image in row-major order (pde's layout, last index
// fastest). It satisfies linsolve.Preconditioner. The output is not
// checked: linsolve.FCG falls back to the residual direction when it is
// zero or not finite.
type CNNPreconditioner struct {
	net *CNN
	g   Grid
	in  *mat.Dense
}

// Preconditioner returns the network as a preconditioner on an h×w grid,
// or ErrShape for a grid that CheckGrid rejects.
func (m *CNN) Preconditioner(h, w int) (*CNNPreconditioner, error) {
	if err := m.CheckGrid(h, w); err != nil {
		return nil, err
	}
	return &CNNPreconditioner{net: m, g: Grid{1, h, w}, in: mat.NewDense(h*w, 1, nil)}, nil
}

// Apply sets dst = f(r/‖r‖); r = 0 gives dst = 0. It panics if len(r) or
// len(dst) is not h·w (a programmer error; the solver checks sizes).
func (p *CNNPreconditioner) Apply(dst, r []float64) {
	n := p.g.Pixels()
	if len(r) != n || len(dst) != n {
		panic(fmt.Sprintf("neural: CNNPreconditioner on %d pixels applied to len %d, %d", n, len(r), len(dst)))
	}
	if normalize(p.in.RawMatrix().Data, r) == 0 {
		clear(dst)
		return
	}
	t := NewTape()
	out := p.net.Forward(t, t.Const(p.in), p.g)
	copy(dst, out.V.RawMatrix().Data)
}

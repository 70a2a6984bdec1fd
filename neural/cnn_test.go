package neural

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// lap2D is the 5-point Dirichlet Laplacian (times h², so the stencil is
// 4, −1) on an n×n grid, row-major: a small SPD Operator for the tests.
type lap2D struct{ n int }

func (l lap2D) Dim() int { return l.n * l.n }
func (l lap2D) MulVecTo(dst, x []float64) {
	n := l.n
	for i := range n {
		for j := range n {
			k := i*n + j
			v := 4 * x[k]
			if i > 0 {
				v -= x[k-n]
			}
			if i+1 < n {
				v -= x[k+n]
			}
			if j > 0 {
				v -= x[k-1]
			}
			if j+1 < n {
				v -= x[k+1]
			}
			dst[k] = v
		}
	}
}

// TestConvOpGradients: Im2Col3, AvgPool2, Upsample2 and ReLU against
// central differences on a batch of two 4×6 images with 2 channels.
func TestConvOpGradients(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 3))
	g := Grid{2, 4, 6}
	a := &Param{Name: "a", V: randDense(rnd, g.Pixels(), 2), G: mat.NewDense(g.Pixels(), 2, nil)}
	c := &Param{Name: "c", V: randDense(rnd, g.Coarse().Pixels(), 2), G: mat.NewDense(g.Coarse().Pixels(), 2, nil)}
	k := &Param{Name: "k", V: randDense(rnd, 27, 2), G: mat.NewDense(27, 2, nil)} // 3 → 2 channels
	ps := []*Param{a, c, k}
	wsum := func(tp *Tape, n *Node) *Node {
		r, cc := n.V.Dims()
		return tp.Mean(tp.Mul(n, tp.Const(randDense(rand.New(rand.NewPCG(9, uint64(r*cc))), r, cc))))
	}
	for name, build := range map[string]func(tp *Tape, a, c *Node) *Node{
		"Im2Col3":   func(tp *Tape, a, c *Node) *Node { return tp.Im2Col3(a, g) },
		"AvgPool2":  func(tp *Tape, a, c *Node) *Node { return tp.AvgPool2(a, g) },
		"Upsample2": func(tp *Tape, a, c *Node) *Node { return tp.Upsample2(c, g) },
		"ReLU":      func(tp *Tape, a, c *Node) *Node { return tp.ReLU(a) },
		"FlipKernel": func(tp *Tape, a, c *Node) *Node {
			return tp.MatMul(tp.Im2Col3(a, g), tp.FlipKernel(k.node(tp), 3))
		},
	} {
		checkGrad(t, name, ps, func(tp *Tape) *Node { return wsum(tp, build(tp, a.node(tp), c.node(tp))) })
	}
}

// TestIm2ColConvolution: Im2Col3 followed by MatMul is the zero-padded
// 3×3 cross-correlation, computed here directly.
func TestIm2ColConvolution(t *testing.T) {
	rnd := rand.New(rand.NewPCG(4, 4))
	g := Grid{1, 5, 7}
	x := randDense(rnd, g.Pixels(), 1)
	w := randDense(rnd, 9, 1)
	tp := NewTape()
	y := tp.MatMul(tp.Im2Col3(tp.Const(x), g), tp.Const(w))
	for i := range g.H {
		for j := range g.W {
			var want float64
			for di := -1; di <= 1; di++ {
				for dj := -1; dj <= 1; dj++ {
					if ii, jj := i+di, j+dj; ii >= 0 && ii < g.H && jj >= 0 && jj < g.W {
						want += w.At((di+1)*3+dj+1, 0) * x.At(ii*g.W+jj, 0)
					}
				}
			}
			assert.InDelta(t, want, y.V.At(i*g.W+j, 0), 1e-14)
		}
	}
}

// TestDCDMLossGradient: the closed-form gradient of the DCDM loss
// against central differences, its scale invariance, and its zero at
// q = A⁻¹b.
func TestDCDMLossGradient(t *testing.T) {
	a := lap2D{5}
	n := a.Dim()
	rnd := rand.New(rand.NewPCG(5, 5))
	q, b := make([]float64, n), make([]float64, n)
	for i := range q {
		q[i], b[i] = rnd.NormFloat64(), rnd.NormFloat64()
	}
	work, grad, tmp := make([]float64, 2*n), make([]float64, n), make([]float64, n)
	l := DCDMLoss(grad, a, q, b, work)
	require.Greater(t, l, 0.0)
	for i := range q {
		h := 1e-6
		q[i] += h
		lp := DCDMLoss(tmp, a, q, b, work)
		q[i] -= 2 * h
		lm := DCDMLoss(tmp, a, q, b, work)
		q[i] += h
		assert.InDelta(t, (lp-lm)/(2*h), grad[i], 1e-7, "∂L/∂q[%d]", i)
	}
	q2 := make([]float64, n)
	for i := range q {
		q2[i] = 3.5 * q[i]
	}
	assert.InDelta(t, l, DCDMLoss(tmp, a, q2, b, work), 1e-12, "scale invariance")
	// q = A⁻¹b: take b = A·q.
	a.MulVecTo(b, q)
	assert.InDelta(t, 0, DCDMLoss(tmp, a, q, b, work), 1e-20)
	clear(q)
	assert.True(t, math.IsNaN(DCDMLoss(tmp, a, q, b, work)), "q = 0 has no defined loss")
}

// TestSymmetricCNN: the NᵀN network is a symmetric positive semidefinite
// operator — ⟨y, M·x⟩ = ⟨M·y, x⟩ and ⟨x, M·x⟩ > 0 — which checks every
// transposed layer (FlipKernel, the pooling adjoints, the reversed
// blocks) against its forward layer; a nonlinear symmetric network is
// refused.
func TestSymmetricCNN(t *testing.T) {
	for _, cfg := range []CNNConfig{
		{Channels: 3, Levels: 2, Activation: Linear, Symmetric: true},
		{Channels: 3, Activation: Linear, Symmetric: true, Shared: true},
	} {
		net, err := NewCNN(cfg, 11)
		require.NoError(t, err)
		symmetricCNN(t, net, Grid{1, 16, 24})
	}
	_, err := NewCNN(CNNConfig{Channels: 3, Levels: 1, Activation: Tanh, Symmetric: true}, 1)
	assert.Error(t, err)
}

func symmetricCNN(t *testing.T, net *CNN, g Grid) {
	rnd := rand.New(rand.NewPCG(12, 12))
	x, y := randDense(rnd, g.Pixels(), 1), randDense(rnd, g.Pixels(), 1)
	tp := NewTape()
	mx := net.Forward(tp, tp.Const(x), g).V
	my := net.Forward(tp, tp.Const(y), g).V
	dot := func(a, b mat.Matrix) float64 { return mat.Dot(a.(*mat.Dense).ColView(0), b.(*mat.Dense).ColView(0)) }
	assert.InDelta(t, dot(y, mx), dot(my, x), 1e-10*math.Abs(dot(y, mx)))
	assert.Greater(t, dot(x, mx), 0.0)
}

// TestCNNLossGradient: the parameter gradient of the DCDM loss through
// the whole CNN (tape + closed-form seed) against central differences.
func TestCNNLossGradient(t *testing.T) {
	for _, cfg := range []CNNConfig{
		{Channels: 2, Levels: 1},
		{Channels: 2, Levels: 1, Activation: Linear, Symmetric: true},
		{Channels: 2, Activation: Linear, Symmetric: true, Shared: true},
	} {
		net, err := NewCNN(cfg, 7)
		require.NoError(t, err)
		cnnLossGradient(t, net)
	}
}

func cnnLossGradient(t *testing.T, net *CNN) {
	a := lap2D{4}
	g := Grid{2, 4, 4}
	if net.Shared {
		a, g = lap2D{8}, Grid{2, 8, 8} // one shared level
	}
	n := a.Dim()
	rnd := rand.New(rand.NewPCG(6, 6))
	b := randDense(rnd, g.Pixels(), 1)
	work := make([]float64, 2*n)
	ps := net.Params()
	f := func(grad, x []float64) float64 {
		Unflatten(ps, x)
		for _, p := range ps {
			p.G.Zero()
		}
		tp := NewTape()
		q := net.Forward(tp, tp.Const(b), g)
		seed := mat.NewDense(g.Pixels(), 1, nil)
		var loss float64
		for k := range g.Batch {
			sl := seed.RawMatrix().Data[k*n : (k+1)*n]
			loss += DCDMLoss(sl, a, q.V.RawMatrix().Data[k*n:(k+1)*n], b.RawMatrix().Data[k*n:(k+1)*n], work)
		}
		tp.BackwardFrom(q, seed)
		flattenGrad(grad, ps)
		return loss
	}
	x := Flatten(nil, ps)
	grad, tmp := make([]float64, len(x)), make([]float64, len(x))
	f(grad, x)
	for i := range x {
		h := 1e-6
		xp := append([]float64(nil), x...)
		xp[i] += h
		fp := f(tmp, xp)
		xp[i] -= 2 * h
		fm := f(tmp, xp)
		fd := (fp - fm) / (2 * h)
		assert.InDelta(t, fd, grad[i], 1e-6*math.Max(1, math.Abs(fd)), "∂L/∂θ[%d]", i)
	}
}

// TestCNNHomogeneous: no biases and ReLU only, so f(c·x) = c·f(x) for
// c > 0 — the preconditioner's output scales with the residual.
func TestCNNHomogeneous(t *testing.T) {
	net, err := NewCNN(CNNConfig{Channels: 4, Levels: 2}, 8)
	require.NoError(t, err)
	g := Grid{1, 8, 8}
	x := randDense(rand.New(rand.NewPCG(7, 7)), g.Pixels(), 1)
	var x3 mat.Dense
	x3.Scale(3, x)
	tp := NewTape()
	y := net.Forward(tp, tp.Const(x), g)
	y3 := net.Forward(tp, tp.Const(&x3), g)
	var want mat.Dense
	want.Scale(3, y.V)
	assert.True(t, mat.EqualApprox(&want, y3.V, 1e-12))
	assert.Greater(t, mat.Norm(y.V, 2), 0.0)
}

// TestCNNCheckpointAndGrids: a saved CNN loads into one of the same
// width and depth, not into another channel count or depth; grids that
// cannot be pooled are rejected.
func TestCNNCheckpointAndGrids(t *testing.T) {
	net, err := NewCNN(CNNConfig{Channels: 4, Levels: 1}, 1)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, Save(&buf, net))
	data := buf.Bytes()
	same, _ := NewCNN(CNNConfig{Channels: 4, Levels: 1}, 2)
	require.NoError(t, Load(bytes.NewReader(data), same))
	assert.Equal(t, Flatten(nil, net.Params()), Flatten(nil, same.Params()))
	wide, _ := NewCNN(CNNConfig{Channels: 8, Levels: 1}, 2)
	assert.ErrorIs(t, Load(bytes.NewReader(data), wide), ErrShape)
	deep, _ := NewCNN(CNNConfig{Channels: 4, Levels: 2}, 2)
	assert.ErrorIs(t, Load(bytes.NewReader(data), deep), ErrShape)

	_, err = net.Preconditioner(63, 64)
	assert.ErrorIs(t, err, ErrShape)
	_, err = NewCNN(CNNConfig{Channels: 0, Levels: 1}, 1)
	assert.ErrorIs(t, err, ErrShape)
	p, err := net.Preconditioner(8, 8)
	require.NoError(t, err)
	dst := make([]float64, 64)
	for i := range dst {
		dst[i] = 1
	}
	p.Apply(dst, make([]float64, 64))
	assert.Equal(t, make([]float64, 64), dst, "r = 0 gives 0")
}

// TestLevelsFor: a shared network pools down to a 4² coarsest grid; an
// extended one does the same beyond its own levels and is unchanged on
// grids its own levels already cover.
func TestLevelsFor(t *testing.T) {
	shared, err := NewCNN(CNNConfig{Channels: 2, Activation: Linear, Symmetric: true, Shared: true}, 1)
	require.NoError(t, err)
	assert.Equal(t, 4, shared.LevelsFor(64, 64))
	assert.Equal(t, 5, shared.LevelsFor(128, 128))
	assert.Equal(t, 1, shared.LevelsFor(12, 8))
	net, err := NewCNN(CNNConfig{Channels: 2, Levels: 2, Activation: Linear, Symmetric: true}, 1)
	require.NoError(t, err)
	g := Grid{1, 16, 16}
	x := randDense(rand.New(rand.NewPCG(1, 2)), g.Pixels(), 1)
	tp := NewTape()
	y := net.Forward(tp, tp.Const(x), g).V
	net.Extend = true
	assert.Equal(t, 2, net.LevelsFor(16, 16))
	assert.Equal(t, 3, net.LevelsFor(32, 32))
	assert.Equal(t, 0, net.ExtraLevels(16, 16))
	assert.Equal(t, 1, net.ExtraLevels(32, 32))
	assert.Equal(t, 0, shared.ExtraLevels(32, 32))
	assert.True(t, mat.Equal(y, net.Forward(tp, tp.Const(x), g).V), "Extend changed the output on the training grid")
	symmetricCNN(t, net, Grid{1, 32, 32}) // the extended form (3 levels) stays symmetric
	_, err = net.Preconditioner(30, 32)
	assert.ErrorIs(t, err, ErrShape)
}

// TestExtendLevelMapping: the extra levels of an extended network repeat
// ExtendLevel's blocks, the trained levels above it keep their places and
// those below it move down, so the coarsest blocks stay on the coarsest
// grid; without extra levels nothing moves.
func TestExtendLevelMapping(t *testing.T) {
	net, err := NewCNN(CNNConfig{Channels: 1, Levels: 2, Activation: Linear, Symmetric: true}, 1)
	require.NoError(t, err)
	for _, c := range []struct {
		level, levels int
		want          []int // index into net.blocks per run level
	}{
		{0, 2, []int{0, 1, 2}},
		{2, 2, []int{0, 1, 2}},
		{0, 4, []int{0, 0, 0, 1, 2}},
		{1, 4, []int{0, 1, 1, 1, 2}},
		{2, 4, []int{0, 1, 2, 2, 2}},
		{1, 3, []int{0, 1, 1, 2}},
	} {
		net.ExtendLevel = c.level
		for l, b := range c.want {
			assert.Same(t, net.blocks[b][0][0], net.weights(l, c.levels)[0][0], "ExtendLevel %d, %d levels, level %d", c.level, c.levels, l)
		}
	}
}

// TestChooseExtendLevel: on a grid beyond the trained levels the chosen
// level is the one with the smallest score, each score is taken with that
// level repeated (here the mean DCDM loss on fixed samples, recomputed
// level by level), and the extended network stays symmetric; on the
// training grid nothing changes; bad input is refused and a score that is
// never finite leaves the network as it was.
func TestChooseExtendLevel(t *testing.T) {
	net, err := NewCNN(CNNConfig{Channels: 2, Levels: 1, Activation: Linear, Symmetric: true}, 3)
	require.NoError(t, err)
	modes := func(n int) [][]float64 { // the lowest sine modes: eigenvectors of lap2D
		var v [][]float64
		for p := 1; p <= 3; p++ {
			for q := 1; q <= 3; q++ {
				x := make([]float64, n*n)
				for i := range n {
					for j := range n {
						x[i*n+j] = math.Sin(math.Pi*float64(p*(i+1))/float64(n+1)) * math.Sin(math.Pi*float64(q*(j+1))/float64(n+1))
					}
				}
				v = append(v, x)
			}
		}
		return v
	}
	s8, err := NewRitzSampler(modes(8), 0.5, 9, 1)
	require.NoError(t, err)
	_, err = TrainDCDM(net, lap2D{8}, 8, 8, s8, &DCDMSettings{Steps: 30, Batch: 4, LR: 1e-2})
	require.NoError(t, err)

	const n, samples = 32, 4
	s, err := NewRitzSampler(modes(n), 0.5, 9, 7)
	require.NoError(t, err)
	b := make([][]float64, samples)
	for k := range b {
		b[k] = make([]float64, n*n)
		s.Sample(b[k])
	}
	p, err := net.Preconditioner(n, n)
	require.NoError(t, err)
	q, grad, work := make([]float64, n*n), make([]float64, n*n), make([]float64, 2*n*n)
	loss := func() float64 {
		var mean float64
		for _, bk := range b {
			p.Apply(q, bk) // bk has norm 1: Apply's normalisation is the identity
			mean += DCDMLoss(grad, lap2D{n}, q, bk, work) / samples
		}
		return mean
	}

	// 8²: one trained level already reaches 4², nothing to choose.
	scores, err := ChooseExtendLevel(net, 8, 8, loss)
	require.NoError(t, err)
	assert.Nil(t, scores)
	assert.False(t, net.Extend)

	scores, err = ChooseExtendLevel(net, n, n, loss)
	require.NoError(t, err)
	require.Len(t, scores, 2)
	assert.True(t, net.Extend)
	assert.Equal(t, 3, net.LevelsFor(n, n))
	assert.Equal(t, floats.MinIdx(scores), net.ExtendLevel)
	assert.NotEqual(t, scores[0], scores[1], "the levels give different networks")
	chosen := net.ExtendLevel
	for l, want := range scores {
		net.ExtendLevel = l
		assert.Equal(t, want, loss(), "level %d", l)
	}
	net.ExtendLevel = chosen
	symmetricCNN(t, net, Grid{1, n, n})

	net.Extend, net.ExtendLevel = false, 0
	_, err = ChooseExtendLevel(net, n, n, func() float64 { return math.NaN() })
	assert.ErrorIs(t, err, ErrNaN)
	assert.False(t, net.Extend)
	_, err = ChooseExtendLevel(net, n, n-1, loss)
	assert.ErrorIs(t, err, ErrShape)
	shared, err := NewCNN(CNNConfig{Channels: 1, Activation: Linear, Symmetric: true, Shared: true}, 1)
	require.NoError(t, err)
	_, err = ChooseExtendLevel(shared, n, n, loss)
	assert.Error(t, err)
}

package neural

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/num/hyperdual"
)

func randDense(rnd *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			m.Set(i, j, rnd.NormFloat64())
		}
	}
	return m
}

// checkGrad compares the tape gradient of loss(params) with central
// finite differences for every entry of every parameter.
func checkGrad(t *testing.T, name string, params []*Param, loss func(t *Tape) *Node) {
	t.Helper()
	f := ModelObjective(paramList(params), loss)
	x := Flatten(nil, params)
	g := make([]float64, len(x))
	f(g, x)
	tmp := make([]float64, len(x))
	for i := range x {
		h := 1e-6 * math.Max(1, math.Abs(x[i]))
		xp := append([]float64(nil), x...)
		xp[i] += h
		fp := f(tmp, xp)
		xp[i] -= 2 * h
		fm := f(tmp, xp)
		fd := (fp - fm) / (2 * h)
		assert.InDelta(t, fd, g[i], 1e-6*math.Max(1, math.Abs(fd)), "%s: ∂/∂x[%d]", name, i)
	}
	Unflatten(params, x)
}

// paramList adapts a parameter slice to the Model interface.
type paramList []*Param

func (p paramList) Params() []*Param           { return p }
func (p paramList) Forward(t *Tape, x Jet) Jet { return x }

// TestOpGradients: every op's gradient against central differences.
func TestOpGradients(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	a := &Param{Name: "a", V: randDense(rnd, 4, 3), G: mat.NewDense(4, 3, nil)}
	b := &Param{Name: "b", V: randDense(rnd, 4, 3), G: mat.NewDense(4, 3, nil)}
	w := &Param{Name: "w", V: randDense(rnd, 3, 2), G: mat.NewDense(3, 2, nil)}
	row := &Param{Name: "row", V: randDense(rnd, 1, 3), G: mat.NewDense(1, 3, nil)}
	col := &Param{Name: "col", V: randDense(rnd, 4, 1), G: mat.NewDense(4, 1, nil)}
	ps := []*Param{a, b, w, row, col}
	weights := randDense(rnd, 4, 3)      // makes every output entry matter
	pmap := Matrix{randDense(rnd, 4, 4)} // not symmetric: the backward pass needs Pᵀ
	grid, err := InverseGridHelmholtz(2, []float64{0, 0}, []float64{1, 2}, 3)
	require.NoError(t, err)
	wsum := func(tp *Tape, n *Node) *Node {
		r, c := n.V.Dims()
		return tp.Mean(tp.Mul(n, tp.Const(mat.DenseCopyOf(weights.Slice(0, r, 0, c)))))
	}
	for name, build := range map[string]func(tp *Tape, a, b, w, row, col *Node) *Node{
		"MatMul":      func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.MatMul(a, w) },
		"Apply":       func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Apply(pmap, tp.Square(a)) },
		"ApplyGrid":   func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Apply(grid, tp.Square(a)) },
		"Add":         func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Add(a, b) },
		"Sub":         func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Sub(a, b) },
		"Mul":         func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Mul(a, b) },
		"Scale":       func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Scale(a, -2.5) },
		"AddScalar":   func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Mul(tp.AddScalar(a, 3), b) },
		"Tanh":        func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Tanh(a) },
		"Sin":         func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Sin(a) },
		"Cos":         func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Cos(a) },
		"Exp":         func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Exp(tp.Scale(a, 0.5)) },
		"Square":      func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Square(a) },
		"Cube":        func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Cube(a) },
		"AddRow":      func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Square(tp.AddRow(a, row)) },
		"MulRow":      func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.MulRow(a, row) },
		"ColMinusRow": func(tp *Tape, a, b, w, row, col *Node) *Node { return tp.Square(tp.ColMinusRow(col, row)) },
		"MeanSquare": func(tp *Tape, a, b, w, row, col *Node) *Node {
			return tp.Add(tp.MeanSquare(tp.Mul(a, b)), tp.Mean(tp.Scale(a, 0)))
		},
	} {
		checkGrad(t, name, ps, func(tp *Tape) *Node {
			n := build(tp, a.node(tp), b.node(tp), w.node(tp), row.node(tp), col.node(tp))
			if r, c := n.V.Dims(); r == 1 && c == 1 {
				return n
			}
			return wsum(tp, n)
		})
	}
}

// mlpHD evaluates the MLP at one point in hyperdual arithmetic with the
// input direction k carrying both infinitesimal parts, so that the
// result's E1mag is ∂u/∂x_k and E1E2mag is ∂²u/∂x_k².
func mlpHD(m *MLP, x []float64, k int) hyperdual.Number {
	a := make([]hyperdual.Number, len(x))
	for i, v := range x {
		a[i] = hyperdual.Number{Real: v}
		if i == k {
			a[i].E1mag, a[i].E2mag = 1, 1
		}
	}
	for l := range m.W {
		in, out := m.W[l].V.Dims()
		z := make([]hyperdual.Number, out)
		for j := range out {
			z[j] = hyperdual.Number{Real: m.B[l].V.At(0, j)}
			for i := range in {
				z[j] = hyperdual.Add(z[j], hyperdual.Scale(m.W[l].V.At(i, j), a[i]))
			}
			if l+1 < len(m.W) {
				z[j] = hyperdual.Tanh(z[j])
			}
		}
		a = z
	}
	return a[0]
}

// TestForwardLaplacian: the MLP's jet against hyperdual arithmetic
// (gonum/num/hyperdual), and the Fourier and PIG jets against central
// differences of the values.
func TestForwardLaplacian(t *testing.T) {
	m, err := NewMLP([]int{2, 5, 4, 1}, 7)
	require.NoError(t, err)
	pts := mat.NewDense(3, 2, []float64{0.1, -0.3, 0.7, 0.2, -0.5, 0.9})
	tp := NewTape()
	u := m.Forward(tp, InputJet(tp, pts))
	for i := range 3 {
		x := pts.RawRowView(i)
		var lap float64
		for k := range 2 {
			hd := mlpHD(m, x, k)
			assert.InDelta(t, hd.Real, u.V.V.At(i, 0), 1e-14)
			assert.InDelta(t, hd.E1mag, u.D[k].V.At(i, 0), 1e-13)
			lap += hd.E1E2mag
		}
		assert.InDelta(t, lap, u.Lap.V.At(i, 0), 1e-12)
	}
	net, _ := NewMLP([]int{6, 4, 1}, 3)
	four, err := NewFourier(2, 3, []float64{1.5}, net, 5)
	require.NoError(t, err)
	net2, _ := NewMLP([]int{4, 4, 1}, 4)
	pig, err := NewPIG([]float64{-1, -1}, []float64{1, 1}, 10, 4, 0.4, net2, 6)
	require.NoError(t, err)
	net3, _ := NewMLP([]int{4, 4, 1}, 5)
	pig3, err := NewPIG([]float64{-1, -1}, []float64{1, 1}, 10, 4, 0.4, net3, 7)
	require.NoError(t, err)
	hard, err := NewHardBoundary([]float64{-1, -0.5}, []float64{1.5, 1}, pig3)
	require.NoError(t, err)
	for name, model := range map[string]Model{"fourier": four, "pig": pig, "hard-boundary pig": hard} {
		tp := NewTape()
		u := model.Forward(tp, InputJet(tp, pts))
		for i := range 3 {
			at := func(k int, dx float64) float64 {
				p := mat.DenseCopyOf(pts.Slice(i, i+1, 0, 2))
				p.Set(0, k, p.At(0, k)+dx)
				return Predict(model, p)[0]
			}
			v0 := at(0, 0)
			assert.InDelta(t, v0, u.V.V.At(i, 0), 1e-14)
			// Central differences with one Richardson extrapolation:
			// O(h⁴) errors.
			d1 := func(k int, h float64) float64 { return (at(k, h) - at(k, -h)) / (2 * h) }
			d2 := func(k int, h float64) float64 { return (at(k, h) - 2*v0 + at(k, -h)) / (h * h) }
			var lap float64
			for k := range 2 {
				h := 1e-3
				d := (4*d1(k, h/2) - d1(k, h)) / 3
				assert.InDelta(t, d, u.D[k].V.At(i, 0), 1e-7*math.Max(1, math.Abs(d)), "%s ∂%d", name, k)
				lap += (4*d2(k, h/2) - d2(k, h)) / 3
			}
			assert.InDelta(t, lap, u.Lap.V.At(i, 0), 1e-6*math.Max(1, math.Abs(lap)), "%s Δ", name)
		}
	}
}

// TestResidualGradient: the parameter gradient of a Poisson PINN loss
// (through the forward Laplacian) against central differences, for the
// MLP and for PIG.
func TestResidualGradient(t *testing.T) {
	x := mat.NewDense(4, 2, []float64{0.1, 0.2, 0.5, 0.5, 0.9, 0.3, 0.25, 0.75})
	f := mat.NewDense(4, 1, []float64{1, -1, 0.5, 2})
	mlp, _ := NewMLP([]int{2, 3, 1}, 1)
	net, _ := NewMLP([]int{2, 2, 1}, 2)
	pig, _ := NewPIG([]float64{0, 0}, []float64{1, 1}, 3, 2, 0.5, net, 3)
	for name, m := range map[string]Model{"mlp": mlp, "pig": pig} {
		checkGrad(t, name, m.Params(), func(tp *Tape) *Node {
			u := m.Forward(tp, InputJet(tp, x))
			return tp.MeanSquare(tp.Sub(tp.Add(u.Lap, tp.Cube(u.V)), tp.Const(f)))
		})
	}
}

// TestOptimisers: Adam and L-BFGS minimise ½xᵀAx − bᵀx with SPD A; the
// minimiser solves Ax = b.
func TestOptimisers(t *testing.T) {
	a := mat.NewSymDense(3, []float64{4, 1, 0, 1, 3, 0.5, 0, 0.5, 2})
	b := mat.NewVecDense(3, []float64{1, -2, 0.5})
	var want mat.VecDense
	require.NoError(t, want.SolveVec(a, b))
	f := func(g, x []float64) float64 {
		xv := mat.NewVecDense(3, x)
		var ax mat.VecDense
		ax.MulVec(a, xv)
		for i := range g {
			g[i] = ax.AtVec(i) - b.AtVec(i)
		}
		return 0.5*mat.Dot(xv, &ax) - mat.Dot(b, xv)
	}
	x := make([]float64, 3)
	res, err := MinimizeAdam(f, x, &AdamSettings{Steps: 5000, LR: 0.01})
	require.NoError(t, err)
	assert.InDeltaSlice(t, want.RawVector().Data, x, 1e-4)
	h := res.History
	assert.Len(t, h, 5000)
	assert.Less(t, h[len(h)-1], h[0])
	assert.Equal(t, OptimStepsDone, res.Reason)
	x = make([]float64, 3)
	var iters int
	res, err = MinimizeLBFGS(f, x, &LBFGSSettings{Iterations: 100, Store: 10, Monitor: func(int, float64) { iters++ }})
	require.NoError(t, err)
	assert.InDeltaSlice(t, want.RawVector().Data, x, 1e-8)
	assert.Equal(t, res.Iterations, iters)
	assert.Less(t, res.Iterations, 100)
	assert.Contains(t, []OptimReason{OptimConverged, OptimNoProgress}, res.Reason)
	for _, s := range []*AdamSettings{{Steps: -1}, {LR: math.NaN()}, {Beta1: 1}} {
		_, err = MinimizeAdam(f, x, s)
		assert.ErrorIs(t, err, ErrSettings, "%+v", *s)
	}
	_, err = MinimizeLBFGS(f, x, &LBFGSSettings{Store: -1})
	assert.ErrorIs(t, err, ErrSettings)
	// A NaN loss stops Adam with ErrNaN and keeps the best point.
	calls := 0
	bad := func(g, x []float64) float64 {
		calls++
		if calls > 3 {
			return math.NaN()
		}
		return f(g, x)
	}
	x = make([]float64, 3)
	res, err = MinimizeAdam(bad, x, &AdamSettings{Steps: 100, LR: 0.1})
	assert.ErrorIs(t, err, ErrNaN)
	assert.Equal(t, OptimNaN, res.Reason)
	assert.True(t, allFinite(x))
}

func TestCheckpoint(t *testing.T) {
	m, _ := NewMLP([]int{2, 4, 1}, 1)
	var buf bytes.Buffer
	require.NoError(t, Save(&buf, m))
	saved := buf.String()
	other, _ := NewMLP([]int{2, 4, 1}, 99)
	require.NoError(t, Load(strings.NewReader(saved), other))
	assert.Equal(t, Flatten(nil, m.Params()), Flatten(nil, other.Params()))
	// Another architecture.
	wide, _ := NewMLP([]int{2, 5, 1}, 1)
	assert.ErrorIs(t, Load(strings.NewReader(saved), wide), ErrShape)
	// Corruptions: a changed value, truncation, garbage.
	before := Flatten(nil, other.Params())
	i := strings.Index(saved, `"data":[`) + len(`"data":[`)
	changed := saved[:i] + "1" + saved[i:]
	for name, s := range map[string]string{"value": changed, "truncated": saved[:len(saved)/2], "garbage": "not json"} {
		assert.ErrorIs(t, Load(strings.NewReader(s), other), ErrCheckpoint, name)
	}
	assert.Equal(t, before, Flatten(nil, other.Params()), "a failed load leaves the model unchanged")
	path := t.TempDir() + "/m.json"
	require.NoError(t, SaveFile(path, m))
	require.NoError(t, LoadFile(path, other))
}

func TestBadInput(t *testing.T) {
	_, err := NewMLP([]int{2}, 1)
	assert.ErrorIs(t, err, ErrShape)
	_, err = NewMLP([]int{2, 0, 1}, 1)
	assert.ErrorIs(t, err, ErrShape)
	m, _ := NewMLP([]int{3, 4, 1}, 1)
	p := poisson2D()
	_, err = Train(m, p, &TrainSettings{AdamSteps: 1, LBFGSIters: -1})
	assert.ErrorIs(t, err, ErrShape, "3 inputs for a 2D problem")
	two, _ := NewMLP([]int{2, 4, 2}, 1)
	_, err = Train(two, p, &TrainSettings{AdamSteps: 1, LBFGSIters: -1})
	assert.ErrorIs(t, err, ErrShape, "2 outputs")
	fine, _ := NewMLP([]int{2, 4, 1}, 1)
	for _, w := range []float64{-1, math.NaN(), math.Inf(1)} {
		_, err = Train(fine, p, &TrainSettings{AdamSteps: 1, LBFGSIters: -1, BoundaryWeight: w})
		assert.ErrorIs(t, err, ErrShape, "boundary weight %g", w)
	}
	_, err = NewPIG([]float64{0}, []float64{1, 2}, 3, 2, 0.1, m, 1)
	assert.ErrorIs(t, err, ErrShape)
	// A loss that turns NaN: training stops with ErrNaN, parameters finite.
	ok, _ := NewMLP([]int{2, 4, 1}, 1)
	nan := p
	nan.Residual = func(tp *Tape, u Jet, x *mat.Dense) *Node { return tp.Scale(u.Lap, math.NaN()) }
	_, err = Train(ok, nan, &TrainSettings{Interior: 10, BoundaryPoints: 8, AdamSteps: 5, LBFGSIters: -1})
	assert.ErrorIs(t, err, ErrNaN)
	assert.True(t, allFinite(Flatten(nil, ok.Params())))
}

func poisson2D() Problem {
	return Problem{Lo: []float64{0, 0}, Hi: []float64{1, 1},
		Residual: func(tp *Tape, u Jet, x *mat.Dense) *Node {
			r, _ := x.Dims()
			f := mat.NewDense(r, 1, nil)
			for i := range r {
				f.Set(i, 0, -2*math.Pi*math.Pi*math.Sin(math.Pi*x.At(i, 0))*math.Sin(math.Pi*x.At(i, 1)))
			}
			return tp.Sub(u.Lap, tp.Const(f))
		},
		Boundary: func(x []float64) float64 { return 0 }}
}

// TestPINNPoisson2D: the PINN target, Δu = −2π² sin πx sin πy with
// u = 0 on the unit square's boundary, relative L2 ≤ 1e-3 on a 100²
// grid after Adam then L-BFGS (measured 4.1e-4).
func TestPINNPoisson2D(t *testing.T) {
	m, err := NewMLP([]int{2, 12, 12, 1}, 1)
	require.NoError(t, err)
	p := poisson2D()
	res, err := Train(m, p, &TrainSettings{Interior: 200, BoundaryPoints: 200, AdamSteps: 300, LBFGSIters: 1000, Seed: 1})
	require.NoError(t, err)
	e := RelativeL2(m, func(x []float64) float64 { return math.Sin(math.Pi*x[0]) * math.Sin(math.Pi*x[1]) }, p.Lo, p.Hi, 100)
	t.Logf("%d parameters, %.1f s, relative L2 %.3g", res.Params, res.Runtime.Seconds(), e)
	assert.Less(t, e, 1e-3)
	assert.Less(t, res.LBFGS.Loss[len(res.LBFGS.Loss)-1], res.Adam.Loss[0])
}

// TestInverseSecondDifference: the closed form inverts the Dirichlet
// second-difference matrix.
func TestInverseSecondDifference(t *testing.T) {
	n, lo, hi := 7, -1.0, 2.0
	h := (hi - lo) / float64(n+1)
	d := mat.NewDense(n, n, nil)
	for i := range n {
		d.Set(i, i, -2/(h*h))
		if i > 0 {
			d.Set(i, i-1, 1/(h*h))
			d.Set(i-1, i, 1/(h*h))
		}
	}
	var prod mat.Dense
	prod.Mul(InverseSecondDifference(n, lo, hi), d)
	for i := range n {
		for j := range n {
			want := 0.0
			if i == j {
				want = 1
			}
			assert.InDelta(t, want, prod.At(i, j), 1e-12)
		}
	}
	// A preconditioner of the wrong size is a clear error.
	m, _ := NewMLP([]int{1, 4, 1}, 1)
	p := Problem{Lo: []float64{0}, Hi: []float64{1}, Boundary: func([]float64) float64 { return 0 },
		Residual:     func(tp *Tape, u Jet, x *mat.Dense) *Node { return u.Lap },
		Precondition: Matrix{InverseSecondDifference(5, 0, 1)}}
	_, err := Train(m, p, &TrainSettings{Interior: 10, AdamSteps: 1, LBFGSIters: -1})
	assert.ErrorIs(t, err, ErrShape)
}

func TestInverseGridHelmholtz(t *testing.T) {
	// P·(Δ_h + k2) = I for the five-point operator assembled directly,
	// on a box with unequal sides and for a negative and a positive k2.
	m, lo, hi := 5, []float64{-1, 0}, []float64{1, 3}
	hx, hy := (hi[0]-lo[0])/float64(m+1), (hi[1]-lo[1])/float64(m+1)
	for _, k2 := range []float64{-3, 1} {
		n := m * m
		a := mat.NewDense(n, n, nil)
		for iy := range m {
			for ix := range m {
				i := ix + m*iy
				a.Set(i, i, -2/(hx*hx)-2/(hy*hy)+k2)
				if ix > 0 {
					a.Set(i, i-1, 1/(hx*hx))
				}
				if ix+1 < m {
					a.Set(i, i+1, 1/(hx*hx))
				}
				if iy > 0 {
					a.Set(i, i-m, 1/(hy*hy))
				}
				if iy+1 < m {
					a.Set(i, i+m, 1/(hy*hy))
				}
			}
		}
		p, err := InverseGridHelmholtz(m, lo, hi, k2)
		require.NoError(t, err)
		prod := mat.NewDense(n, n, nil)
		p.Apply(prod, a, false)
		for i := range n {
			for j := range n {
				want := 0.0
				if i == j {
					want = 1
				}
				assert.InDelta(t, want, prod.At(i, j), 1e-10, "k2 = %g, (%d, %d)", k2, i, j)
			}
		}
	}
	// k2 = −λ_min of Δ_h makes the discrete problem singular.
	h := 2.0 / 4
	s := math.Sin(math.Pi / 8)
	_, err := InverseGridHelmholtz(3, []float64{0, 0}, []float64{2, 2}, 8/(h*h)*s*s)
	assert.Error(t, err)
	_, err = InverseGridHelmholtz(0, []float64{0, 0}, []float64{1, 1}, 0)
	assert.ErrorIs(t, err, ErrShape)
	_, err = InverseGridHelmholtz(3, []float64{0}, []float64{1}, 0)
	assert.ErrorIs(t, err, ErrShape)
	// Train needs m² interior points for a 2D preconditioner.
	mlp, _ := NewMLP([]int{2, 4, 1}, 1)
	p, _ := InverseGridHelmholtz(3, []float64{0, 0}, []float64{1, 1}, 0)
	pr := Problem{Lo: []float64{0, 0}, Hi: []float64{1, 1}, Boundary: func([]float64) float64 { return 0 },
		Residual: func(tp *Tape, u Jet, x *mat.Dense) *Node { return u.Lap }, Precondition: p}
	_, err = Train(mlp, pr, &TrainSettings{Interior: 10, AdamSteps: 1, LBFGSIters: -1})
	assert.ErrorIs(t, err, ErrShape)
}

// TestHardBoundary: the wrapped network vanishes on every face of the box
// and equals bubble × network inside; bad boxes are ErrShape.
func TestHardBoundary(t *testing.T) {
	net, err := NewMLP([]int{2, 6, 1}, 9)
	require.NoError(t, err)
	lo, hi := []float64{-1, 0}, []float64{2, 0.5}
	h, err := NewHardBoundary(lo, hi, net)
	require.NoError(t, err)
	pts := mat.NewDense(5, 2, []float64{-1, 0.2, 2, 0.3, 0.4, 0, 1.1, 0.5, 0.5, 0.25})
	u := Predict(h, pts)
	n := Predict(net, pts)
	for i := range 4 {
		assert.InDelta(t, 0, u[i], 1e-15, "face point %d", i)
		assert.NotEqual(t, 0.0, n[i])
	}
	// (0.5, 0.25) is the centre: B = 1.
	assert.InDelta(t, n[4], u[4], 1e-15)
	for _, box := range [][2][]float64{{{0}, {0}}, {{0, 0}, {1}}, {nil, nil}} {
		_, err := NewHardBoundary(box[0], box[1], net)
		assert.ErrorIs(t, err, ErrShape)
	}
}

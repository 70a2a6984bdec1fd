package neural

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// pointJacobian is the reference: one tape per row of x, each row the
// gradient of out at that point alone (the parameters' accumulators are
// zeroed and read).
func pointJacobian(m Model, out func(t *Tape, u Jet, x *mat.Dense) *Node, x *mat.Dense, jets bool) *mat.Dense {
	n, d := x.Dims()
	ps := m.Params()
	jac := mat.NewDense(n, NumParams(m), nil)
	for i := range n {
		for _, p := range ps {
			p.G.Zero()
		}
		t := NewTape()
		row := mat.NewDense(1, d, append([]float64(nil), x.RawRowView(i)...))
		u := Jet{V: t.Const(row)}
		if jets {
			u = InputJet(t, row)
		}
		t.Backward(out(t, m.Forward(t, u), row))
		flattenGrad(jac.RawRowView(i), ps)
	}
	return jac
}

// TestPerSampleJacobian: the batched per-sample pass gives the same rows
// as one tape per point — for an MLP, Fourier features and PIGs in 1D and
// 2D, through the Laplacian jet, for a linear (Helmholtz) and a nonlinear
// (Allen–Cahn-like u³) residual and for plain values — and leaves the
// parameters' gradients alone.
func TestPerSampleJacobian(t *testing.T) {
	mlp := func(sizes ...int) *MLP {
		m, err := NewMLP(sizes, 4)
		require.NoError(t, err)
		return m
	}
	pig := func(d, n, c int) *PIG {
		lo, hi := make([]float64, d), make([]float64, d)
		for k := range hi {
			hi[k] = 1
		}
		m, err := NewPIG(lo, hi, n, c, 0.3, mlp(c, 5, 1), 5)
		require.NoError(t, err)
		return m
	}
	fourier, err := NewFourier(1, 3, []float64{1, 2}, mlp(12, 6, 1), 6)
	require.NoError(t, err)
	helmholtz := func(t *Tape, u Jet, x *mat.Dense) *Node {
		r, _ := x.Dims()
		f := mat.NewDense(r, 1, nil)
		for i := range r {
			f.Set(i, 0, floats.Sum(x.RawRowView(i)))
		}
		return t.Sub(t.Add(u.Lap, t.Scale(u.V, 2)), t.Const(f))
	}
	allenCahn := func(t *Tape, u Jet, x *mat.Dense) *Node {
		return t.Add(t.Scale(u.Lap, 0.1), t.Sub(t.Cube(u.V), u.V))
	}
	value := func(t *Tape, u Jet, x *mat.Dense) *Node { return t.AddScalar(u.V, -1) }
	for _, tc := range []struct {
		name string
		m    Model
		d    int
		out  func(t *Tape, u Jet, x *mat.Dense) *Node
		jets bool
	}{
		{"mlp 2D Helmholtz", mlp(2, 7, 6, 1), 2, helmholtz, true},
		{"mlp 2D Allen–Cahn", mlp(2, 7, 1), 2, allenCahn, true},
		{"fourier 1D Helmholtz", fourier, 1, helmholtz, true},
		{"pig 2D Helmholtz", pig(2, 9, 2), 2, helmholtz, true},
		{"pig 1D Allen–Cahn", pig(1, 6, 3), 1, allenCahn, true},
		{"pig 2D values", pig(2, 9, 2), 2, value, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(7, 8))
			x := mat.NewDense(11, tc.d, nil)
			for i := range 11 {
				for k := range tc.d {
					x.Set(i, k, rnd.Float64())
				}
			}
			want := pointJacobian(tc.m, tc.out, x, tc.jets)
			for _, p := range tc.m.Params() {
				p.G.Set(0, 0, 7) // must be neither read nor written
			}
			tp := NewTape()
			u := Jet{V: tp.Const(x)}
			if tc.jets {
				u = InputJet(tp, x)
			}
			out := tc.out(tp, tc.m.Forward(tp, u), x)
			got := mat.NewDense(11, NumParams(tc.m), nil)
			require.NoError(t, tp.perSampleJacobian(got, out, tc.m.Params(), 2))
			want.Scale(2, want)
			assert.Greater(t, mat.Norm(want, 2), 0.0)
			assert.True(t, mat.EqualApprox(got, want, 1e-12*mat.Norm(want, 2)), "max |Δ| %g", maxAbsDiff(got, want))
			for _, p := range tc.m.Params() {
				assert.Equal(t, 7.0, p.G.At(0, 0))
			}
		})
	}
}

func maxAbsDiff(a, b *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, 1)
}

// TestPerSampleJacobianUnsupported: operations that mix the points of a
// batch give an error (Train then falls back to a tape per point), and
// residuals' fallback still yields the per-point rows.
func TestPerSampleJacobianUnsupported(t *testing.T) {
	m, err := NewMLP([]int{2, 5, 1}, 2)
	require.NoError(t, err)
	x := mat.NewDense(4, 2, []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.9})
	for name, out := range map[string]func(t *Tape, u Jet) *Node{
		"mean":   func(t *Tape, u Jet) *Node { return t.AddRow(u.Lap, t.Mean(u.V)) },
		"mixing": func(t *Tape, u Jet) *Node { return t.MatMul(t.Const(mat.NewDense(4, 4, nil)), u.V) },
		"map":    func(t *Tape, u Jet) *Node { return t.Apply(Matrix{mat.NewDense(4, 4, nil)}, u.V) },
		"matrix": func(t *Tape, u Jet) *Node { return t.MatMul(u.V, t.Const(mat.NewDense(1, 2, nil))) },
	} {
		tp := NewTape()
		o := out(tp, m.Forward(tp, InputJet(tp, x)))
		err := tp.perSampleJacobian(mat.NewDense(4, NumParams(m), nil), o, m.Params(), 1)
		assert.Error(t, err, name)
	}
	// A Residual mixing points through a constant matrix: not pointwise,
	// so the per-sample pass must not be used; the rows are the per-point
	// ones (which checkPointwise then reports as not pointwise).
	p := poisson2D()
	p.Residual = func(tp *Tape, u Jet, x *mat.Dense) *Node {
		r, _ := x.Dims()
		if r == 1 {
			return u.Lap
		}
		mix := mat.NewDense(r, r, nil)
		for i := range r {
			mix.Set(i, i, 1)
			mix.Set(i, (i+1)%r, 0.5)
		}
		return tp.MatMul(tp.Const(mix), u.Lap)
	}
	xi := interiorPoints(p.Lo, p.Hi, 6, 1)
	xb := boundaryPoints(p.Lo, p.Hi, 4)
	gb := mat.NewDense(4, 1, nil)
	ls, rows := residuals(m, p, xi, xb, gb, 1, 2)
	xp := Flatten(nil, m.Params())
	r, jac := make([]float64, rows), mat.NewDense(rows, len(xp), nil)
	ls(r, jac, xp)
	want := pointJacobian(m, func(tp *Tape, u Jet, x *mat.Dense) *Node { return u.Lap }, xi, true)
	want.Scale(1/2.449489742783178, want) // 1/√6
	assert.True(t, mat.EqualApprox(jac.Slice(0, 6, 0, len(xp)), want, 1e-12))
}

package neural

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Node is a value recorded on a Tape: an r×c matrix V and, after
// Backward, the gradient G of the loss with respect to it (nil for nodes
// that do not depend on a parameter).
type Node struct {
	V    *mat.Dense
	G    *mat.Dense
	grad bool   // depends on a parameter
	back func() // adds this node's G into its inputs' G
	// For the per-sample Jacobian pass (psjac.go): shared marks a value
	// computed from parameters only (the same for every sample), ps an
	// operation that supports the pass, P a shared node's per-sample
	// adjoint (one row per sample, the node's entries row-major), and key
	// a parameter node's own gradient accumulator.
	shared, ps bool
	P          *mat.Dense
	key        *mat.Dense
}

// Tape records the operations of one forward pass for reverse-mode
// differentiation. A Tape is used once: build the loss, call Backward,
// read the parameters' gradients, discard it.
type Tape struct {
	nodes []*Node
	// redirect sends the gradient of a parameter to another accumulator
	// (keyed by the parameter's own), so that goroutines can run the
	// same model on their own tapes (Train's parallel Jacobian).
	redirect map[*mat.Dense]*mat.Dense
	// ps, while not nil, switches the backward rules to the per-sample
	// Jacobian pass (psjac.go).
	ps *perSample
}

// NewTape returns an empty tape.
func NewTape() *Tape { return &Tape{} }

func (t *Tape) push(v *mat.Dense, grad bool, back func(n *Node)) *Node {
	n := &Node{V: v, grad: grad}
	if grad && back != nil {
		n.back = func() { back(n) }
	}
	t.nodes = append(t.nodes, n)
	return n
}

// Const records a value that needs no gradient (inputs, targets).
func (t *Tape) Const(v *mat.Dense) *Node { return t.push(v, false, nil) }

// Param records a parameter: after Backward its gradient is added into
// grad (same shape as v), which the caller zeroes between passes.
func (t *Tape) Param(v, grad *mat.Dense) *Node {
	key := grad
	if g, ok := t.redirect[grad]; ok {
		grad = g
	}
	n := &Node{V: v, G: grad, grad: true, shared: true, ps: true, key: key}
	t.nodes = append(t.nodes, n)
	return n
}

func (n *Node) gradient() *mat.Dense {
	if n.G == nil {
		r, c := n.V.Dims()
		n.G = mat.NewDense(r, c, nil)
	}
	return n.G
}

// Backward computes the gradients of loss, a 1×1 node, with respect to
// every node recorded before it. It panics if loss is not 1×1 (a
// programmer error).
func (t *Tape) Backward(loss *Node) {
	if r, c := loss.V.Dims(); r != 1 || c != 1 {
		panic(fmt.Sprintf("neural: Backward of a %d×%d node; the loss must be 1×1", r, c))
	}
	t.BackwardFrom(loss, mat.NewDense(1, 1, []float64{1}))
}

func sameShape(op string, a, b *Node) {
	ar, ac := a.V.Dims()
	br, bc := b.V.Dims()
	if ar != br || ac != bc {
		panic(fmt.Sprintf("neural: %s of %d×%d and %d×%d", op, ar, ac, br, bc))
	}
}

// MatMul returns a·b.
func (t *Tape) MatMul(a, b *Node) *Node {
	var v mat.Dense
	v.Mul(a.V, b.V)
	return psOp(t.push(&v, a.grad || b.grad, func(n *Node) {
		if t.ps != nil {
			// Per sample: row i of a (one sample) times a shared b.
			if n.shared || a.grad && a.shared || b.grad && !b.shared {
				unsupported("MatMul")
			}
			if b.grad {
				addOuterRows(t.psOf(b), a.V, n.G)
			}
		}
		if a.grad {
			var g mat.Dense
			g.Mul(n.G, b.V.T())
			a.gradient().Add(a.G, &g)
		}
		if b.grad && t.ps == nil {
			var g mat.Dense
			g.Mul(a.V.T(), n.G)
			b.gradient().Add(b.G, &g)
		}
	}), a, b)
}

// Add returns a + b.
func (t *Tape) Add(a, b *Node) *Node {
	sameShape("Add", a, b)
	var v mat.Dense
	v.Add(a.V, b.V)
	return psOp(t.push(&v, a.grad || b.grad, func(n *Node) {
		if t.psShared(n) {
			t.psOf(a).Add(a.P, n.P)
			t.psOf(b).Add(b.P, n.P)
			return
		}
		t.perSampleOnly("Add", a, b)
		if a.grad {
			a.gradient().Add(a.G, n.G)
		}
		if b.grad {
			b.gradient().Add(b.G, n.G)
		}
	}), a, b)
}

// Sub returns a − b.
func (t *Tape) Sub(a, b *Node) *Node {
	sameShape("Sub", a, b)
	var v mat.Dense
	v.Sub(a.V, b.V)
	return psOp(t.push(&v, a.grad || b.grad, func(n *Node) {
		if t.psShared(n) {
			t.psOf(a).Add(a.P, n.P)
			t.psOf(b).Sub(b.P, n.P)
			return
		}
		t.perSampleOnly("Sub", a, b)
		if a.grad {
			a.gradient().Add(a.G, n.G)
		}
		if b.grad {
			b.gradient().Sub(b.G, n.G)
		}
	}), a, b)
}

// Mul returns the elementwise product a ⊙ b.
func (t *Tape) Mul(a, b *Node) *Node {
	sameShape("Mul", a, b)
	var v mat.Dense
	v.MulElem(a.V, b.V)
	return psOp(t.push(&v, a.grad || b.grad, func(n *Node) {
		if t.psShared(n) {
			addScaledCols(t.psOf(a), n.P, func(k int) float64 { return flatAt(b.V, k) })
			addScaledCols(t.psOf(b), n.P, func(k int) float64 { return flatAt(a.V, k) })
			return
		}
		t.perSampleOnly("Mul", a, b)
		if a.grad {
			var g mat.Dense
			g.MulElem(n.G, b.V)
			a.gradient().Add(a.G, &g)
		}
		if b.grad {
			var g mat.Dense
			g.MulElem(n.G, a.V)
			b.gradient().Add(b.G, &g)
		}
	}), a, b)
}

// Scale returns s·a.
func (t *Tape) Scale(a *Node, s float64) *Node {
	var v mat.Dense
	v.Scale(s, a.V)
	return psOp(t.push(&v, a.grad, func(n *Node) {
		if t.psShared(n) {
			addScaledCols(t.psOf(a), n.P, func(int) float64 { return s })
			return
		}
		var g mat.Dense
		g.Scale(s, n.G)
		a.gradient().Add(a.G, &g)
	}), a)
}

// AddScalar returns a + s (every entry).
func (t *Tape) AddScalar(a *Node, s float64) *Node {
	var v mat.Dense
	v.Apply(func(_, _ int, x float64) float64 { return x + s }, a.V)
	return psOp(t.push(&v, a.grad, func(n *Node) {
		if t.psShared(n) {
			t.psOf(a).Add(a.P, n.P)
			return
		}
		a.gradient().Add(a.G, n.G)
	}), a)
}

// unary records f applied elementwise, with derivative df(x, f(x)).
func (t *Tape) unary(a *Node, f func(float64) float64, df func(x, y float64) float64) *Node {
	var v mat.Dense
	v.Apply(func(_, _ int, x float64) float64 { return f(x) }, a.V)
	return psOp(t.push(&v, a.grad, func(n *Node) {
		if t.psShared(n) {
			addScaledCols(t.psOf(a), n.P, func(k int) float64 { return df(flatAt(a.V, k), flatAt(n.V, k)) })
			return
		}
		g := a.gradient()
		r, c := g.Dims()
		av, nv, ng := a.V.RawMatrix(), n.V.RawMatrix(), n.G.RawMatrix()
		gr := g.RawMatrix()
		for i := range r {
			for j := range c {
				gr.Data[i*gr.Stride+j] += ng.Data[i*ng.Stride+j] * df(av.Data[i*av.Stride+j], nv.Data[i*nv.Stride+j])
			}
		}
	}), a)
}

// Tanh returns tanh(a).
func (t *Tape) Tanh(a *Node) *Node {
	return t.unary(a, math.Tanh, func(_, y float64) float64 { return 1 - y*y })
}

// Sin returns sin(a).
func (t *Tape) Sin(a *Node) *Node {
	return t.unary(a, math.Sin, func(x, _ float64) float64 { return math.Cos(x) })
}

// Cos returns cos(a).
func (t *Tape) Cos(a *Node) *Node {
	return t.unary(a, math.Cos, func(x, _ float64) float64 { return -math.Sin(x) })
}

// Exp returns eᵃ.
func (t *Tape) Exp(a *Node) *Node {
	return t.unary(a, math.Exp, func(_, y float64) float64 { return y })
}

// Square returns a ⊙ a.
func (t *Tape) Square(a *Node) *Node {
	return t.unary(a, func(x float64) float64 { return x * x }, func(x, _ float64) float64 { return 2 * x })
}

// Cube returns a ⊙ a ⊙ a.
func (t *Tape) Cube(a *Node) *Node {
	return t.unary(a, func(x float64) float64 { return x * x * x }, func(x, _ float64) float64 { return 3 * x * x })
}

// rowBroadcast checks that row is 1×c for an r×c a.
func rowBroadcast(op string, a, row *Node) {
	_, ac := a.V.Dims()
	rr, rc := row.V.Dims()
	if rr != 1 || rc != ac {
		panic(fmt.Sprintf("neural: %s of a matrix with %d columns and a %d×%d row", op, ac, rr, rc))
	}
}

// broadcastPerSample checks, in a per-sample pass, that a broadcast op
// combines per-sample rows a with a shared (or constant) row.
func (t *Tape) broadcastPerSample(op string, n, a, row *Node) {
	if t.ps != nil && (n.shared || a.grad && a.shared || row.grad && !row.shared) {
		unsupported(op)
	}
}

// AddRow returns a + 1·row: row (1×c) added to every row of a (a bias).
func (t *Tape) AddRow(a, row *Node) *Node {
	rowBroadcast("AddRow", a, row)
	r, c := a.V.Dims()
	v := mat.DenseCopyOf(a.V)
	for i := range r {
		for j := range c {
			v.Set(i, j, v.At(i, j)+row.V.At(0, j))
		}
	}
	return psOp(t.push(v, a.grad || row.grad, func(n *Node) {
		t.broadcastPerSample("AddRow", n, a, row)
		if a.grad {
			a.gradient().Add(a.G, n.G)
		}
		if row.grad && t.ps != nil {
			t.psOf(row).Add(row.P, n.G)
		} else if row.grad {
			g := row.gradient()
			for i := range r {
				for j := range c {
					g.Set(0, j, g.At(0, j)+n.G.At(i, j))
				}
			}
		}
	}), a, row)
}

// MulRow returns a ⊙ (1·row): column j of a scaled by row[j].
func (t *Tape) MulRow(a, row *Node) *Node {
	rowBroadcast("MulRow", a, row)
	r, c := a.V.Dims()
	v := mat.DenseCopyOf(a.V)
	for i := range r {
		for j := range c {
			v.Set(i, j, v.At(i, j)*row.V.At(0, j))
		}
	}
	return psOp(t.push(v, a.grad || row.grad, func(n *Node) {
		t.broadcastPerSample("MulRow", n, a, row)
		if a.grad {
			g := a.gradient()
			for i := range r {
				for j := range c {
					g.Set(i, j, g.At(i, j)+n.G.At(i, j)*row.V.At(0, j))
				}
			}
		}
		if row.grad && t.ps != nil {
			var g mat.Dense
			g.MulElem(n.G, a.V)
			t.psOf(row).Add(row.P, &g)
		} else if row.grad {
			g := row.gradient()
			for i := range r {
				for j := range c {
					g.Set(0, j, g.At(0, j)+n.G.At(i, j)*a.V.At(i, j))
				}
			}
		}
	}), a, row)
}

// ColMinusRow returns col·1ᵀ − 1·row: the r×c matrix of col[i] − row[j]
// for an r×1 col and a 1×c row (distances of points to centres).
func (t *Tape) ColMinusRow(col, row *Node) *Node {
	r, cc := col.V.Dims()
	rr, c := row.V.Dims()
	if cc != 1 || rr != 1 {
		panic(fmt.Sprintf("neural: ColMinusRow of %d×%d and %d×%d", r, cc, rr, c))
	}
	v := mat.NewDense(r, c, nil)
	for i := range r {
		for j := range c {
			v.Set(i, j, col.V.At(i, 0)-row.V.At(0, j))
		}
	}
	return psOp(t.push(v, col.grad || row.grad, func(n *Node) {
		t.broadcastPerSample("ColMinusRow", n, col, row)
		if col.grad {
			g := col.gradient()
			for i := range r {
				var s float64
				for j := range c {
					s += n.G.At(i, j)
				}
				g.Set(i, 0, g.At(i, 0)+s)
			}
		}
		if row.grad && t.ps != nil {
			t.psOf(row).Sub(row.P, n.G)
		} else if row.grad {
			g := row.gradient()
			for j := range c {
				var s float64
				for i := range r {
					s += n.G.At(i, j)
				}
				g.Set(0, j, g.At(0, j)-s)
			}
		}
	}), col, row)
}

// Mean returns the 1×1 mean of the entries of a.
func (t *Tape) Mean(a *Node) *Node {
	r, c := a.V.Dims()
	var s float64
	for i := range r {
		for j := range c {
			s += a.V.At(i, j)
		}
	}
	m := float64(r * c)
	return t.push(mat.NewDense(1, 1, []float64{s / m}), a.grad, func(n *Node) {
		g := a.gradient()
		d := n.G.At(0, 0) / m
		for i := range r {
			for j := range c {
				g.Set(i, j, g.At(i, j)+d)
			}
		}
	})
}

// MeanSquare returns the 1×1 mean of the squared entries of a.
func (t *Tape) MeanSquare(a *Node) *Node { return t.Mean(t.Square(a)) }

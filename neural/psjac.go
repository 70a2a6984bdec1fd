package neural

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// The per-sample Jacobian pass. A model evaluated on a batch of n points
// gives a residual column R (n×1) whose entry i depends on point i only,
// through per-sample nodes (row i belongs to point i) and shared nodes
// (values computed from parameters alone, the same for every point, such
// as a weight matrix or a PIG's 1×N inverse scales). One backward pass
// gives every row ∂R_i/∂θ: per-sample nodes carry their usual adjoint,
// whose row i is ∂R_i/∂(row i) because rows do not interact, and where a
// per-sample operation consumes a shared node the contributions are kept
// apart per sample instead of summed over the batch — row i of the
// shared node's P is ∂R_i/∂(node) — and carried back through the shared
// operations to the parameters. This is the batched form of what a tape
// per point computes (Train's fallback), at the cost of one pass over the
// batch plus the Jacobian's own size.

// perSample is the state of a per-sample pass: the batch size.
type perSample struct{ rows int }

// perSampleUnsupported is the panic value of an operation the pass cannot
// follow; perSampleJacobian turns it into an error.
type perSampleUnsupported string

func unsupported(op string) { panic(perSampleUnsupported(op)) }

// psOp marks n as an operation that supports the pass, shared when every
// operand is shared (a constant is not).
func psOp(n *Node, operands ...*Node) *Node {
	n.ps, n.shared = true, true
	for _, a := range operands {
		n.shared = n.shared && a.shared
	}
	return n
}

// psShared reports whether the pass is on and n is shared.
func (t *Tape) psShared(n *Node) bool { return t.ps != nil && n.shared }

// perSampleOnly checks, in a pass, that no operand of an elementwise
// operation on per-sample rows is shared.
func (t *Tape) perSampleOnly(op string, operands ...*Node) {
	if t.ps == nil {
		return
	}
	for _, a := range operands {
		if a.grad && a.shared {
			unsupported(op)
		}
	}
}

// psOf returns n's per-sample adjoint, allocating it.
func (t *Tape) psOf(n *Node) *mat.Dense {
	if n.P == nil {
		r, c := n.V.Dims()
		n.P = mat.NewDense(t.ps.rows, r*c, nil)
	}
	return n.P
}

// flatAt returns entry k of m in row-major order.
func flatAt(m *mat.Dense, k int) float64 {
	_, c := m.Dims()
	return m.At(k/c, k%c)
}

// addScaledCols adds src with column k scaled by s(k) into dst.
func addScaledCols(dst, src *mat.Dense, s func(k int) float64) {
	r, c := src.Dims()
	sk := make([]float64, c)
	for k := range sk {
		sk[k] = s(k)
	}
	for i := range r {
		d, sr := dst.RawRowView(i), src.RawRowView(i)
		for k, v := range sr[:c] {
			d[k] += sk[k] * v
		}
	}
}

// addOuterRows adds to row i of dst the row-major outer product of row i
// of a (p wide) and row i of g (q wide): the per-sample gradient of the
// right factor of a product a·b.
func addOuterRows(dst, a, g *mat.Dense) {
	r, p := a.Dims()
	_, q := g.Dims()
	for i := range r {
		d, ar, gr := dst.RawRowView(i), a.RawRowView(i), g.RawRowView(i)
		for k, av := range ar[:p] {
			if av == 0 {
				continue
			}
			row := d[k*q : (k+1)*q]
			for j, gv := range gr[:q] {
				row[j] += av * gv
			}
		}
	}
}

// perSampleJacobian writes into dst (n×len of the flattened ps) the
// Jacobian of out (n×1, entry i a function of point i only) with respect
// to the parameters ps, times scale, by one backward pass over the batch.
// The tape must hold the forward pass that computed out and no backward
// pass yet; the parameters' own gradients are not touched. It returns an
// error, leaving dst unspecified, when out is not a column, when an
// operation on the way does not support the pass (a convolution, a Mean,
// a linear map across points) or a node's rows are not the batch's — the
// caller then falls back to one tape per point.
func (t *Tape) perSampleJacobian(dst *mat.Dense, out *Node, ps []*Param, scale float64) (err error) {
	n, c := out.V.Dims()
	if c != 1 {
		return fmt.Errorf("neural: per-sample Jacobian of a %d×%d node", n, c)
	}
	defer func() {
		if r := recover(); r != nil {
			op, ok := r.(perSampleUnsupported)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("neural: the per-sample Jacobian does not follow %s", string(op))
		}
		t.ps = nil
	}()
	t.ps = &perSample{rows: n}
	dst.Zero()
	if !out.grad {
		return nil
	}
	g := out.gradient()
	for i := range n {
		g.Set(i, 0, g.At(i, 0)+scale)
	}
	for i := len(t.nodes) - 1; i >= 0; i-- {
		nd := t.nodes[i]
		if !nd.grad || nd.back == nil || nd.shared && nd.P == nil || !nd.shared && nd.G == nil {
			continue
		}
		if !nd.ps {
			unsupported("an operation without a per-sample rule")
		}
		if r, _ := nd.V.Dims(); !nd.shared && r != n {
			unsupported(fmt.Sprintf("a %d-row value in a batch of %d", r, n))
		}
		nd.back()
	}
	offset := make(map[*mat.Dense]int, len(ps))
	off := 0
	for _, p := range ps {
		offset[p.G] = off
		r, c := p.V.Dims()
		off += r * c
	}
	for _, nd := range t.nodes {
		if nd.key == nil || nd.P == nil {
			continue
		}
		o, ok := offset[nd.key]
		if !ok {
			continue // a parameter not asked for
		}
		_, w := nd.P.Dims()
		d := dst.Slice(0, n, o, o+w).(*mat.Dense)
		d.Add(d, nd.P)
	}
	return nil
}

package neural

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Image batches on the tape are matrices with one row per pixel and one
// column per channel: a batch of nb images of h×w pixels with c channels
// is an (nb·h·w)×c matrix whose row ((b·h)+i)·w+j holds pixel (i, j) of
// image b. A 3×3 convolution is then Im2Col3 followed by a MatMul with a
// (9·c)×c′ weight matrix, so the products run through gonum's BLAS.

// Grid is the shape of an image batch on the tape: Batch images of
// H×W pixels.
type Grid struct{ Batch, H, W int }

// Pixels returns Batch·H·W, the number of rows of the batch's matrix.
func (g Grid) Pixels() int { return g.Batch * g.H * g.W }

// Coarse returns the grid after a 2×2 pooling.
func (g Grid) Coarse() Grid { return Grid{g.Batch, g.H / 2, g.W / 2} }

func (g Grid) check(op string, a *Node) int {
	r, c := a.V.Dims()
	if r != g.Pixels() || g.H < 1 || g.W < 1 {
		panic(fmt.Sprintf("neural: %s of a %d×%d matrix on a %d×%d×%d grid", op, r, c, g.Batch, g.H, g.W))
	}
	return c
}

// Im2Col3 returns the 3×3 neighbourhoods of every pixel of a (zero
// outside the image, as for a homogeneous Dirichlet boundary): row p has
// 9 blocks of c columns, block (di+1)·3+(dj+1) holding pixel
// (i+di, j+dj). It panics if a is not an image batch on g.
func (t *Tape) Im2Col3(a *Node, g Grid) *Node {
	c := g.check("Im2Col3", a)
	av := a.V.RawMatrix()
	v := mat.NewDense(g.Pixels(), 9*c, nil)
	vr := v.RawMatrix()
	each3x3(g, func(dst, src, k int) {
		copy(vr.Data[dst*vr.Stride+k*c:dst*vr.Stride+(k+1)*c], av.Data[src*av.Stride:src*av.Stride+c])
	})
	return t.push(v, a.grad, func(n *Node) {
		ag := a.gradient().RawMatrix()
		ng := n.G.RawMatrix()
		each3x3(g, func(dst, src, k int) {
			d := ag.Data[src*ag.Stride : src*ag.Stride+c]
			s := ng.Data[dst*ng.Stride+k*c : dst*ng.Stride+(k+1)*c]
			for i, x := range s {
				d[i] += x
			}
		})
	})
}

// each3x3 calls f(dst, src, k) for every pixel dst of g and every
// neighbour src = dst shifted by offset k that lies inside the image.
func each3x3(g Grid, f func(dst, src, k int)) {
	for b := range g.Batch {
		base := b * g.H * g.W
		for i := range g.H {
			for j := range g.W {
				dst := base + i*g.W + j
				for di := -1; di <= 1; di++ {
					ii := i + di
					if ii < 0 || ii >= g.H {
						continue
					}
					for dj := -1; dj <= 1; dj++ {
						jj := j + dj
						if jj < 0 || jj >= g.W {
							continue
						}
						f(dst, base+ii*g.W+jj, (di+1)*3+dj+1)
					}
				}
			}
		}
	}
}

// AvgPool2 returns the 2×2 averages of a, an image batch on g with even
// H and W; the result lives on g.Coarse().
func (t *Tape) AvgPool2(a *Node, g Grid) *Node {
	c := g.check("AvgPool2", a)
	if g.H%2 != 0 || g.W%2 != 0 {
		panic(fmt.Sprintf("neural: AvgPool2 of an odd %d×%d grid", g.H, g.W))
	}
	cg := g.Coarse()
	av := a.V.RawMatrix()
	v := mat.NewDense(cg.Pixels(), c, nil)
	vr := v.RawMatrix()
	eachPool(g, func(fine, coarse int) {
		d := vr.Data[coarse*vr.Stride : coarse*vr.Stride+c]
		for i, x := range av.Data[fine*av.Stride : fine*av.Stride+c] {
			d[i] += 0.25 * x
		}
	})
	return t.push(v, a.grad, func(n *Node) {
		ag := a.gradient().RawMatrix()
		ng := n.G.RawMatrix()
		eachPool(g, func(fine, coarse int) {
			d := ag.Data[fine*ag.Stride : fine*ag.Stride+c]
			for i, x := range ng.Data[coarse*ng.Stride : coarse*ng.Stride+c] {
				d[i] += 0.25 * x
			}
		})
	})
}

// Upsample2 returns a, an image batch on the coarse grid g.Coarse(),
// repeated into 2×2 blocks on the fine grid g (nearest neighbour).
func (t *Tape) Upsample2(a *Node, g Grid) *Node {
	c := g.Coarse().check("Upsample2", a)
	av := a.V.RawMatrix()
	v := mat.NewDense(g.Pixels(), c, nil)
	vr := v.RawMatrix()
	eachPool(g, func(fine, coarse int) {
		copy(vr.Data[fine*vr.Stride:fine*vr.Stride+c], av.Data[coarse*av.Stride:coarse*av.Stride+c])
	})
	return t.push(v, a.grad, func(n *Node) {
		ag := a.gradient().RawMatrix()
		ng := n.G.RawMatrix()
		eachPool(g, func(fine, coarse int) {
			d := ag.Data[coarse*ag.Stride : coarse*ag.Stride+c]
			for i, x := range ng.Data[fine*ng.Stride : fine*ng.Stride+c] {
				d[i] += x
			}
		})
	})
}

// eachPool calls f(fine, coarse) for every pixel of the fine grid g and
// the pixel of g.Coarse() that contains it.
func eachPool(g Grid, f func(fine, coarse int)) {
	cg := g.Coarse()
	for b := range g.Batch {
		for i := range 2 * cg.H {
			for j := range 2 * cg.W {
				f((b*g.H+i)*g.W+j, (b*cg.H+i/2)*cg.W+j/2)
			}
		}
	}
}

// FlipKernel returns the weights of the transposed convolution: for w, a
// (9·cin)×cout matrix of 3×3 kernels (block k = (di+1)·3+(dj+1) of cin
// rows), the (9·cout)×cin matrix whose block 8−k is the transpose of
// block k. Im2Col3 followed by a product with it applies the adjoint of
// the convolution with w. It panics if w's rows are not 9·cin.
func (t *Tape) FlipKernel(w *Node, cin int) *Node {
	r, cout := w.V.Dims()
	if r != 9*cin {
		panic(fmt.Sprintf("neural: FlipKernel of a %d×%d matrix with %d input channels", r, cout, cin))
	}
	v := mat.NewDense(9*cout, cin, nil)
	for k := range 9 {
		for ci := range cin {
			for co := range cout {
				v.Set((8-k)*cout+co, ci, w.V.At(k*cin+ci, co))
			}
		}
	}
	return t.push(v, w.grad, func(n *Node) {
		g := w.gradient()
		for k := range 9 {
			for ci := range cin {
				for co := range cout {
					g.Set(k*cin+ci, co, g.At(k*cin+ci, co)+n.G.At((8-k)*cout+co, ci))
				}
			}
		}
	})
}

// ReLU returns max(a, 0).
func (t *Tape) ReLU(a *Node) *Node {
	return t.unary(a, func(x float64) float64 { return max(x, 0) }, func(x, _ float64) float64 {
		if x > 0 {
			return 1
		}
		return 0
	})
}

// BackwardFrom is Backward for a loss whose gradient with respect to the
// node out is already known (computed outside the tape): it adds seed
// (out's shape) into out's gradient and propagates it to every node
// recorded before out. It panics if the shapes differ.
func (t *Tape) BackwardFrom(out *Node, seed *mat.Dense) {
	sameShape("BackwardFrom", out, &Node{V: seed})
	if !out.grad {
		return
	}
	out.gradient().Add(out.G, seed)
	for i := len(t.nodes) - 1; i >= 0; i-- {
		n := t.nodes[i]
		if n.back != nil && n.G != nil {
			n.back()
		}
	}
}

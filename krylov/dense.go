package krylov

import (
	"github.com/pdekit/pdekit/internal/parallel"
	"github.com/pdekit/pdekit/internal/vec"
)

// combineChunk is the column strip combine works on at a time: the
// source strips (t·chunk values) stay in the L2 cache while every output
// strip is accumulated from them.
const combineChunk = 512

// twoGoroutines reports whether the dense kernels below (combiner,
// blockDotter) split work on vectors of length n over two goroutines.
func twoGoroutines(n int) bool { return n >= 4*combineChunk && parallel.Workers() > 1 }

// part is a block of source vectors (rows of a row-major k×n matrix)
// whose coefficients start at row off of the coefficient matrix.
type part struct {
	src general
	off int
}

// combiner forms linear combinations of long vectors,
// out_l = Σ_i coef[i·ld + l]·src_i for l < k, the n×t by t×k products of
// the recycle-space updates. It works in column strips, each output strip
// one vec.MAxpy over all sources (four sources per sweep of the output),
// on two goroutines. BenchmarkCombine (n = 6400, t = 40, k = 20, two
// sittings, six runs): 0.41–0.52 ms, against 0.68–0.76 ms with gonum's
// assembly GemvT per strip, the kernel used before; an axpy per source
// was 1.4× slower than GemvT and gonum's Dgemm, blocked for square
// shapes, 5× slower.
type combiner struct {
	out   *block
	k     int
	parts []part
	coef  []float64
	ld    int
	job   *parallel.Job
	bufs  [2]struct { // per-goroutine strip views and coefficient column
		views [][]float64
		col   []float64
	}
}

// combine sets the first k rows of out to the combinations of the
// sources in parts with the coefficients coef (row i of coef, of stride
// ld, belongs to source i counted over all parts in order).
func (c *combiner) combine(out *block, k int, coef []float64, ld int, parts ...part) {
	if c.job == nil {
		c.job = parallel.NewJob(c)
	}
	c.out, c.k, c.coef, c.ld, c.parts = out, k, coef, ld, parts
	if twoGoroutines(out.n) {
		parallel.Run2(c.job)
	} else {
		c.Run(0, 1)
	}
	c.out, c.parts, c.coef = nil, nil, nil
}

// Run does part of parts of the columns.
func (c *combiner) Run(p, parts int) {
	n := c.out.n
	lo, hi := parallel.Range(n, p, parts)
	t := 0
	for _, pt := range c.parts {
		t += pt.src.Rows
	}
	buf := &c.bufs[p]
	if cap(buf.col) < t {
		buf.views, buf.col = make([][]float64, t), make([]float64, t)
	}
	views, col := buf.views[:t], buf.col[:t]
	for c0 := lo; c0 < hi; c0 += combineChunk {
		c1 := min(c0+combineChunk, hi)
		i := 0
		for _, pt := range c.parts {
			for r := range pt.src.Rows {
				views[i] = pt.src.Data[r*pt.src.Stride+c0 : r*pt.src.Stride+c1]
				i++
			}
		}
		for l := range c.k {
			i := 0
			for _, pt := range c.parts {
				for r := range pt.src.Rows {
					col[i] = c.coef[(pt.off+r)*c.ld+l]
					i++
				}
			}
			dst := c.out.data[l*n+c0 : l*n+c1]
			clear(dst)
			vec.MAxpy(dst, col, views)
		}
	}
}

// blockDotter forms XᵀY for two blocks of long vectors (GCRO-DR's
// V_{j+1}ᵀU), the rows of X split over two goroutines for long vectors.
// Each entry is one vec.MDot sum, whichever goroutine computes it, so the
// result does not depend on the split.
type blockDotter struct {
	job    *parallel.Job
	dst    []float64
	xs, ys [][]float64
}

// dots sets dst[i·len(ys)+l] = xs[i]ᵀys[l].
func (d *blockDotter) dots(dst []float64, xs, ys [][]float64) {
	if len(xs) == 0 || len(ys) == 0 {
		return
	}
	if d.job == nil {
		d.job = parallel.NewJob(d)
	}
	d.dst, d.xs, d.ys = dst, xs, ys
	if len(xs) > 1 && twoGoroutines(len(ys[0])) {
		parallel.Run2(d.job)
	} else {
		d.Run(0, 1)
	}
	d.dst, d.xs, d.ys = nil, nil, nil
}

// Run does part of parts of the rows of X.
func (d *blockDotter) Run(p, parts int) {
	k := len(d.ys)
	lo, hi := parallel.Range(len(d.xs), p, parts)
	for i := lo; i < hi; i++ {
		vec.MDot(d.dst[i*k:(i+1)*k], d.ys, d.xs[i])
	}
}

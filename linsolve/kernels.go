package linsolve

import (
	"sync"

	"github.com/pdekit/pdekit/internal/parallel"
	"github.com/pdekit/pdekit/sparse"
)

// parallelRows is the row count from which the kernels below split their
// rows over two goroutines. BenchmarkKernels (5-point SpMV, 2 cores,
// medians of 3): no gain at 4k rows, 1.33× at 16k, 1.72× at 64k, 1.73× at
// 256k, 1.90× at 1M.
const parallelRows = 1 << 15

type kernel int

const (
	kMulDot   kernel = iota // dst = A·x, dot = xᵀ·dst
	kMul                    // dst = A·x
	kAddMul                 // dst += A·x
	kSweep                  // Gauss–Seidel on a colour block
	kResidual               // dst = b − A·x on a colour block
	kAxis                   // one pass of a matrix-free grid transfer
)

// kernels runs row-wise sparse kernels, on two goroutines for large
// matrices. It owns its task, so it allocates nothing per call; a value
// must not be used by two goroutines at once.
type kernels struct {
	job *parallel.Job
	t   rowTask
}

type rowTask struct {
	kind    kernel
	a       *sparse.CSR
	cb      *colorBlock
	pass    *axisPass
	dst, x  []float64
	b       []float64
	partDot [2]float64
}

// serial reports whether n rows are done on the calling goroutine.
func serial(n int) bool { return n < parallelRows || parallel.Workers() < 2 }

// splitRows calls f(0, n) on the calling goroutine when n rows are
// serial, and otherwise f on the two halves of [0, n) on two goroutines,
// returning when both are done. f must write only its rows' data.
func splitRows(n int, f func(lo, hi int)) {
	if serial(n) {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { f(0, n/2) })
	f(n/2, n)
	wg.Wait()
}

func (k *kernels) run(n int) {
	if serial(n) {
		k.t.Run(0, 1)
		return
	}
	if k.job == nil {
		k.job = parallel.NewJob(&k.t)
	}
	parallel.Run2(k.job)
}

func (k *kernels) mulVecDot(a *sparse.CSR, dst, x []float64) float64 {
	if serial(len(dst)) {
		// One goroutine: sparse's own loop, which the compiler keeps
		// free of bounds checks (about 15% faster than the general
		// row task at n = 6400).
		return a.MulVecDotTo(dst, x)
	}
	k.t = rowTask{kind: kMulDot, a: a, dst: dst, x: x}
	k.run(len(dst))
	return k.t.partDot[0] + k.t.partDot[1]
}

func (k *kernels) mulVec(a *sparse.CSR, dst, x []float64) {
	if serial(len(dst)) {
		a.MulVecTo(dst, x)
		return
	}
	k.t = rowTask{kind: kMul, a: a, dst: dst, x: x}
	k.run(len(dst))
}

func (k *kernels) addMulVec(a *sparse.CSR, dst, x []float64) {
	k.t = rowTask{kind: kAddMul, a: a, dst: dst, x: x}
	k.run(len(dst))
}

func (k *kernels) sweep(cb *colorBlock, x, b []float64) {
	k.t = rowTask{kind: kSweep, cb: cb, x: x, b: b}
	k.run(len(cb.rows))
}

func (k *kernels) residual(cb *colorBlock, r, x, b []float64) {
	k.t = rowTask{kind: kResidual, cb: cb, dst: r, x: x, b: b}
	k.run(len(cb.rows))
}

func (k *kernels) transfer(ps []axisPass) {
	for i := range ps {
		k.t = rowTask{kind: kAxis, pass: &ps[i]}
		n := ps[i].units()
		if n < 2 {
			n = 0
		} else {
			n = len(ps[i].out) // the work, for the parallel threshold
		}
		k.run(n)
	}
}

// Run does rows part·n/parts … (part+1)·n/parts − 1 of the task.
func (t *rowTask) Run(part, parts int) {
	switch t.kind {
	case kMulDot, kMul, kAddMul:
		lo, hi := parallel.Range(len(t.dst), part, parts)
		rp, ci, v := t.a.RowPtr, t.a.ColIdx, t.a.Val
		dst, x := t.dst, t.x
		var dot float64
		start := rp[lo]
		for i := lo; i < hi; i++ {
			end := rp[i+1]
			var s float64
			for k := start; k < end; k++ {
				s += v[k] * x[ci[k]]
			}
			switch t.kind {
			case kMulDot:
				dst[i] = s
				dot += x[i] * s
			case kMul:
				dst[i] = s
			default:
				dst[i] += s
			}
			start = end
		}
		t.partDot[part] = dot
	case kAxis:
		lo, hi := parallel.Range(t.pass.units(), part, parts)
		t.pass.run(lo, hi)
	case kSweep, kResidual:
		cb := t.cb
		lo, hi := parallel.Range(len(cb.rows), part, parts)
		rp, ci, v := cb.a.RowPtr, cb.a.ColIdx, cb.a.Val
		x, b, dst := t.x, t.b, t.dst
		start := rp[lo]
		for k := lo; k < hi; k++ {
			i := cb.rows[k]
			end := rp[k+1]
			s := b[i]
			for q := start; q < end; q++ {
				s -= v[q] * x[ci[q]]
			}
			if t.kind == kSweep {
				x[i] += s * cb.dinv[k]
			} else {
				dst[i] = s
			}
			start = end
		}
	}
}

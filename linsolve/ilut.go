package linsolve

import (
	"fmt"
	"math"
	"slices"

	"github.com/pdekit/pdekit/sparse"
)

// ILUT is the dual-threshold incomplete LU factorization A·Q ≈ L·U with
// column pivoting (ILUTP; Saad 1994, Saad 2003 Alg. 10.6 and §10.4.4):
// each row is eliminated against the rows of U before it, multipliers
// smaller than DropTol and U entries smaller than DropTol times the row's
// mean magnitude are dropped, and the Fill largest entries of its L and U
// parts are kept. When the diagonal entry
// of a row is small against the largest entry right of it (by the factor
// PermTol), the two columns are swapped, so that matrices with zero or
// tiny diagonal entries factor (where ILU(0) refuses). It is the
// preconditioner class of SciPy's spilu (SuperLU's ILUTP).
//
// Apply is safe for concurrent use.
type ILUT struct {
	l, u *sparse.CSR // strictly lower (unit L) and strictly upper parts, in the pivoted numbering
	dinv []float64   // 1/u_ii
	ones []float64
	perm []int // perm[k]: the column of A in position k (Q)
	pool *workPool[[]float64]
	// Statistics of the factorization.
	pivots, fixed int
}

// ILUTSettings configures NewILUT; nil or zero fields mean the defaults.
type ILUTSettings struct {
	// DropTol is τ: a multiplier (an entry of L) smaller in magnitude
	// than τ, and an entry of row i of U smaller than τ times the mean
	// magnitude of row i of A, are dropped. Zero means
	// DefaultILUTDropTol; negative means 0 (drop nothing by size).
	DropTol float64
	// Fill is p: at most p entries are kept in each row of L and of U
	// (besides the diagonal). Zero means 5 times the mean number of
	// entries per row of A (SciPy's spilu default fill_factor of 10
	// holds L and U together).
	Fill int
	// PermTol: columns i and j > i are swapped when
	// |w_j|·PermTol > |w_i| in row i. Zero means DefaultILUTPermTol;
	// negative turns pivoting off.
	PermTol float64
}

// Defaults of ILUTSettings.
const (
	DefaultILUTDropTol = 1e-4 // SciPy spilu's drop_tol
	DefaultILUTPermTol = 0.1  // SPARSKIT's ILUTP recommends 0.01–0.5
)

// NewILUT factors a. A zero pivot that survives the dropping and the
// pivoting (a row of U dropped to nothing) is replaced by (10⁻⁴ + τ)
// times the row's mean magnitude, as SPARSKIT does, and counted in
// Stats; a structurally empty row is an error wrapping ErrPivot.
func NewILUT(a *sparse.CSR, s *ILUTSettings) (*ILUT, error) {
	const name = "ILUT"
	if err := checkSquare(name, a); err != nil {
		return nil, err
	}
	var o ILUTSettings
	if s != nil {
		o = *s
	}
	if math.IsNaN(o.DropTol) || math.IsInf(o.DropTol, 0) || math.IsNaN(o.PermTol) || math.IsInf(o.PermTol, 0) || o.Fill < 0 {
		return nil, fmt.Errorf("%w: ILUT: DropTol %v and PermTol %v must be finite, Fill %d non-negative", ErrSettings, o.DropTol, o.PermTol, o.Fill)
	}
	n := a.Dim()
	o.DropTol = zeroDefault(o.DropTol, DefaultILUTDropTol)
	if o.PermTol == 0 {
		o.PermTol = DefaultILUTPermTol
	}
	if o.Fill == 0 {
		o.Fill = max(1, (5*a.NNZ()+n-1)/max(n, 1))
	}
	p := &ILUT{perm: make([]int, n)}
	iperm := make([]int, n) // column of A → its position
	for i := range n {
		p.perm[i], iperm[i] = i, i
	}
	// U rows are stored with A's column numbering (a swap only renames
	// positions ≥ the current row, which U rows before it never see as
	// their diagonal), and renumbered at the end.
	urp := make([]int, n+1)
	var uci []int32
	var uval []float64
	lrp := make([]int, n+1)
	var lci []int32
	var lval []float64
	udiag := make([]float64, n)
	// The sparse accumulator, indexed by position.
	w := make([]float64, n)
	inW := make([]bool, n)
	var lower, upper []int32 // positions held in w, below and above i
	var heap []int32
	for i := range n {
		lower, upper = lower[:0], upper[:0]
		var tnorm float64
		cnt := 0
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := int32(iperm[a.ColIdx[k]])
			w[j] += a.Val[k]
			tnorm += math.Abs(a.Val[k])
			cnt++
			if !inW[j] {
				inW[j] = true
				switch {
				case int(j) < i:
					lower = append(lower, j)
				case int(j) > i:
					upper = append(upper, j)
				}
			}
		}
		if cnt == 0 || tnorm == 0 {
			return nil, fmt.Errorf("%w: %s: row %d is empty (the matrix is singular)", ErrPivot, name, i)
		}
		tnorm /= float64(cnt)
		drop := o.DropTol * tnorm
		if !inW[i] {
			inW[i] = true
			w[i] = 0
		}
		// Eliminate the lower entries in increasing position (a min-heap,
		// fill entering as it is created).
		heap = append(heap[:0], lower...)
		heapInit(heap)
		lower = lower[:0]
		for len(heap) > 0 {
			k := heapPop(&heap)
			wk := w[k] * udiag[k]
			// The multiplier is dimensionless: dropped against τ itself
			// (SPARSKIT's ilut), the U part against τ·‖a_i‖.
			if math.Abs(wk) <= o.DropTol {
				w[k], inW[k] = 0, false
				continue
			}
			w[k] = wk
			lower = append(lower, k)
			for t := urp[k]; t < urp[k+1]; t++ {
				j := int32(iperm[uci[t]])
				if !inW[j] {
					inW[j] = true
					w[j] = 0
					switch {
					case int(j) < i:
						heapPush(&heap, j)
					case int(j) > i:
						upper = append(upper, j)
					}
				}
				w[j] -= wk * uval[t]
			}
		}
		// Drop small entries, keep the Fill largest of each part.
		lower = keepLargest(lower, w, inW, o.DropTol, o.Fill)
		upper = keepLargest(upper, w, inW, drop, o.Fill)
		// Pivot: swap position i with the largest upper entry if the
		// diagonal is too small against it.
		if o.PermTol > 0 && len(upper) > 0 {
			best := -1
			for t, j := range upper {
				if best < 0 || math.Abs(w[j]) > math.Abs(w[upper[best]]) {
					best = t
				}
			}
			j := upper[best]
			if math.Abs(w[j])*o.PermTol > math.Abs(w[i]) {
				// Swap positions i and j: values in w and the column maps.
				w[i], w[j] = w[j], w[i]
				if w[j] == 0 {
					upper = slices.Delete(upper, best, best+1)
					inW[j] = false
				}
				ci, cj := p.perm[i], p.perm[j]
				p.perm[i], p.perm[j] = cj, ci
				iperm[ci], iperm[cj] = int(j), i
				p.pivots++
			}
		}
		d := w[i]
		if d == 0 {
			d = (1e-4 + o.DropTol) * tnorm
			p.fixed++
		}
		udiag[i] = 1 / d
		slices.Sort(lower)
		for _, k := range lower {
			lci = append(lci, k)
			lval = append(lval, w[k])
		}
		lrp[i+1] = len(lci)
		for _, j := range upper {
			uci = append(uci, int32(p.perm[j]))
			uval = append(uval, w[j])
		}
		urp[i+1] = len(uci)
		for _, k := range lower {
			w[k], inW[k] = 0, false
		}
		for _, j := range upper {
			w[j], inW[j] = 0, false
		}
		w[i], inW[i] = 0, false
	}
	// Renumber U's columns to positions and sort each row.
	type ent struct {
		c int32
		v float64
	}
	var row []ent
	for i := range n {
		row = row[:0]
		for t := urp[i]; t < urp[i+1]; t++ {
			row = append(row, ent{int32(iperm[uci[t]]), uval[t]})
		}
		slices.SortFunc(row, func(x, y ent) int { return int(x.c) - int(y.c) })
		for k, e := range row {
			uci[urp[i]+k], uval[urp[i]+k] = e.c, e.v
		}
	}
	var err error
	if p.l, err = sparse.NewCSR(n, n, lrp, lci, lval); err != nil {
		panic("linsolve: ILUT built an invalid L: " + err.Error())
	}
	if p.u, err = sparse.NewCSR(n, n, urp, uci, uval); err != nil {
		panic("linsolve: ILUT built an invalid U: " + err.Error())
	}
	if err := p.u.CheckFinite(); err != nil {
		return nil, fmt.Errorf("%w: %s: the factor is not finite (%w)", ErrPivot, name, err)
	}
	if err := p.l.CheckFinite(); err != nil {
		return nil, fmt.Errorf("%w: %s: the factor is not finite (%w)", ErrPivot, name, err)
	}
	p.dinv = udiag
	p.ones = make([]float64, n)
	for i := range p.ones {
		p.ones[i] = 1
	}
	p.pool = newWorkPool(func() *[]float64 { s := make([]float64, n); return &s })
	return p, nil
}

// keepLargest drops the entries of idx with |w| ≤ drop (clearing them in
// w and in) and keeps the p largest of the rest.
func keepLargest(idx []int32, w []float64, in []bool, drop float64, p int) []int32 {
	k := 0
	for _, j := range idx {
		if math.Abs(w[j]) > drop {
			idx[k] = j
			k++
		} else {
			w[j], in[j] = 0, false
		}
	}
	idx = idx[:k]
	if len(idx) > p {
		slices.SortFunc(idx, func(x, y int32) int {
			ax, ay := math.Abs(w[x]), math.Abs(w[y])
			switch {
			case ax > ay:
				return -1
			case ax < ay:
				return 1
			}
			return int(x) - int(y)
		})
		for _, j := range idx[p:] {
			w[j], in[j] = 0, false
		}
		idx = idx[:p]
	}
	return idx
}

// Apply sets dst = Q·(L·U)⁻¹·r.
func (p *ILUT) Apply(dst, r []float64) {
	yp := p.pool.get()
	y := *yp
	lowerSolve(y, r, p.l, p.ones)
	upperSolve(y, y, p.u, p.dinv)
	for k, c := range p.perm {
		dst[c] = y[k]
	}
	p.pool.put(yp)
}

// NNZ returns the entries of L and U (diagonal of U included).
func (p *ILUT) NNZ() int { return p.l.NNZ() + p.u.NNZ() + len(p.dinv) }

// Pivots returns the number of column swaps made, and Fixed the number of
// zero pivots replaced.
func (p *ILUT) Pivots() (swaps, fixed int) { return p.pivots, p.fixed }

// heapInit, heapPush and heapPop keep h a binary min-heap.
func heapInit(h []int32) {
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
}

func heapPush(h *[]int32, v int32) {
	*h = append(*h, v)
	s := *h
	for i := len(s) - 1; i > 0; {
		par := (i - 1) / 2
		if s[par] <= s[i] {
			break
		}
		s[par], s[i] = s[i], s[par]
		i = par
	}
}

func heapPop(h *[]int32) int32 {
	s := *h
	v := s[0]
	s[0] = s[len(s)-1]
	*h = s[:len(s)-1]
	siftDown(*h, 0)
	return v
}

func siftDown(h []int32, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c+1] < h[c] {
			c++
		}
		if h[i] <= h[c] {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// zeroDefault resolves a Settings field where zero means the default def
// and a negative value means zero.
func zeroDefault(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

package direct

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"

	"github.com/pdekit/pdekit/sparse"
)

// Cholesky is the sparse Cholesky factorization P·A·Pᵀ = L·Lᵀ of a
// symmetric positive definite matrix, P a fill-reducing permutation. The
// symbolic analysis (ordering, elimination tree, column counts) is done
// once by NewCholesky; Factor refactors a matrix with the same pattern and
// new values at the cost of the numeric phase alone.
//
// The numeric phase is supernodal and left-looking (Ng and Peyton 1993;
// Davis 2006, §9.1): columns with one row structure form a supernode held
// as a dense block, each block gathers the updates of its descendants as
// dense products (gonum's Dgemm), then is factored by dense Cholesky
// (Dpotrf) and a triangular solve (Dtrsm).
//
// A Cholesky is safe for concurrent SolveTo calls; Factor must not run
// concurrently with anything else.
type Cholesky struct {
	n      int
	perm   []int // perm[k]: the row of A eliminated k-th
	pinv   []int // its inverse
	parent []int // elimination tree of P·A·Pᵀ (−1 at roots)
	// Supernodes: J holds the columns sfirst[J]..sfirst[J+1]−1, which
	// share the row structure srows[srp[J]:srp[J+1]] (the columns
	// themselves first); its part of L is the dense row-major block
	// lx[sxp[J]:sxp[J+1]], one row per row of the structure.
	sfirst []int
	snode  []int32 // the supernode of each column
	srp    []int
	srows  []int32
	sxp    []int
	lx     []float64
	dirty  bool // lx holds an earlier factorization
	nnz    int
	// The upper triangle of P·A·Pᵀ by rows (columns of the lower).
	up   []int
	ui   []int32
	umap []int
	// The lower triangle of P·A·Pᵀ by rows (columns ≤ the row), and for
	// each of its entries the position in A's value array it comes from.
	cp   []int
	ci   []int32
	amap []int
	annz int
	// The refinement settings and the matrix kept for it.
	a      *sparse.CSR
	refine int
	flops  float64
}

// NewCholesky analyses and factors the symmetric positive definite a with
// the settings s (nil means the defaults). Only the lower triangle is
// read for the factorization; the whole matrix is checked for symmetry
// unless s.SkipSymmetryCheck.
func NewCholesky(a *sparse.CSR, s *Settings) (*Cholesky, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	o := s.resolve()
	if err := checkMatrix("Cholesky", a); err != nil {
		return nil, err
	}
	if !o.SkipSymmetryCheck {
		if i, j, ok := a.Asymmetry(1e-10); !ok {
			return nil, fmt.Errorf("%w: Cholesky needs a symmetric matrix; A[%d, %d] = %v but A[%d, %d] = %v", ErrNotSymmetric, i, j, a.At(i, j), j, i, a.At(j, i))
		}
	}
	perm, err := Order(a, o.Ordering)
	if err != nil {
		return nil, err
	}
	c := analyse(a, perm)
	c.refine = o.Refine
	if o.MaxNNZ > 0 && c.nnz > o.MaxNNZ {
		return nil, fmt.Errorf("%w: Cholesky needs %d nonzeros in L (ordering %v), more than the limit %d", ErrFillLimit, c.nnz, o.Ordering, o.MaxNNZ)
	}
	if err := c.Factor(a); err != nil {
		return nil, err
	}
	return c, nil
}

// analyse returns the symbolic factorization of P·a·Pᵀ (a symmetric in
// pattern; its lower triangle is read), perm the ordering.
func analyse(a *sparse.CSR, perm []int) *Cholesky {
	c := &Cholesky{n: a.Dim(), perm: perm}
	c.pinv = make([]int, c.n)
	for k, v := range perm {
		c.pinv[v] = k
	}
	c.permuteLower(a)
	c.symbolic()
	return c
}

// permuteLower builds the row-wise lower triangle of P·A·Pᵀ and the map
// from its entries to a's.
func (c *Cholesky) permuteLower(a *sparse.CSR) {
	n := c.n
	c.cp = make([]int, n+1)
	for k := range n {
		i := c.perm[k]
		cnt := 0
		for q := a.RowPtr[i]; q < a.RowPtr[i+1]; q++ {
			if c.pinv[a.ColIdx[q]] <= k {
				cnt++
			}
		}
		c.cp[k+1] = c.cp[k] + cnt
	}
	c.ci = make([]int32, c.cp[n])
	c.amap = make([]int, c.cp[n])
	type entry struct {
		col int32
		src int
	}
	var row []entry
	for k := range n {
		i := c.perm[k]
		row = row[:0]
		for q := a.RowPtr[i]; q < a.RowPtr[i+1]; q++ {
			if j := c.pinv[a.ColIdx[q]]; j <= k {
				row = append(row, entry{int32(j), q})
			}
		}
		slices.SortFunc(row, func(x, y entry) int { return int(x.col) - int(y.col) })
		for t, e := range row {
			c.ci[c.cp[k]+t] = e.col
			c.amap[c.cp[k]+t] = e.src
		}
	}
	c.annz = a.NNZ()
}

// symbolic computes the elimination tree, the column counts of L, the
// fundamental supernodes (runs of columns j, j+1, … with parent(j) = j+1
// and count(j) = count(j+1) + 1, which share one row structure), their
// row structures, and allocates L: one dense m × w block per supernode.
func (c *Cholesky) symbolic() {
	n := c.n
	c.parent = make([]int, n)
	anc := make([]int, n)
	for k := range n {
		c.parent[k], anc[k] = -1, -1
		for q := c.cp[k]; q < c.cp[k+1]; q++ {
			for i := int(c.ci[q]); i != -1 && i < k; {
				nxt := anc[i]
				anc[i] = k // path compression
				if nxt == -1 {
					c.parent[i] = k
				}
				i = nxt
			}
		}
	}
	// Column counts: row k of L is the set of nodes on the tree paths
	// from the entries of row k of A up to k.
	counts := make([]int, n)
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	for k := range n {
		mark[k] = k
		counts[k]++
		for q := c.cp[k]; q < c.cp[k+1]; q++ {
			for i := int(c.ci[q]); mark[i] != k; i = c.parent[i] {
				mark[i] = k
				counts[i]++
			}
		}
	}
	c.nnz, c.flops = 0, 0
	for _, cnt := range counts {
		c.nnz += cnt
		c.flops += float64(cnt) * float64(cnt)
	}
	// Supernodes.
	c.sfirst = c.sfirst[:0]
	c.snode = make([]int32, n)
	for j := range n {
		if j == 0 || !(c.parent[j-1] == j && counts[j-1] == counts[j]+1) {
			c.sfirst = append(c.sfirst, j)
		}
		c.snode[j] = int32(len(c.sfirst) - 1)
	}
	c.sfirst = append(c.sfirst, n)
	c.relax(counts)
	ns := len(c.sfirst) - 1
	// The upper triangle by rows (= the lower by columns), for the
	// structures and the numeric assembly.
	c.up = make([]int, n+1)
	for q := range c.ci {
		c.up[c.ci[q]+1]++
	}
	for j := range n {
		c.up[j+1] += c.up[j]
	}
	c.ui = make([]int32, len(c.ci))
	c.umap = make([]int, len(c.ci))
	fill := slices.Clone(c.up[:n])
	for k := range n {
		for q := c.cp[k]; q < c.cp[k+1]; q++ {
			j := c.ci[q]
			c.ui[fill[j]] = int32(k)
			c.umap[fill[j]] = c.amap[q]
			fill[j]++
		}
	}
	// Row structures: struct(J) = columns of J ∪ rows ≥ l of A's columns
	// in J ∪ rows ≥ l of the children's structures.
	c.srp = make([]int, ns+1)
	c.sxp = make([]int, ns+1)
	c.srows = c.srows[:0]
	children := make([][]int32, ns)
	for J := range ns {
		f, l := c.sfirst[J], c.sfirst[J+1]
		start := len(c.srows)
		for r := f; r < l; r++ {
			c.srows = append(c.srows, int32(r))
			mark[r] = -2 - J
		}
		add := func(r int32) {
			if int(r) >= l && mark[r] != -2-J {
				mark[r] = -2 - J
				c.srows = append(c.srows, r)
			}
		}
		for col := f; col < l; col++ {
			for q := c.up[col]; q < c.up[col+1]; q++ {
				add(c.ui[q])
			}
		}
		for _, K := range children[J] {
			for _, r := range c.srows[c.srp[K]:c.srp[K+1]] {
				add(r)
			}
		}
		slices.Sort(c.srows[start+(l-f):])
		c.srp[J+1] = len(c.srows)
		if m := len(c.srows) - start; m < counts[f] {
			panic(fmt.Sprintf("direct: supernode %d has %d rows, column count %d", J, m, counts[f]))
		}
		c.sxp[J+1] = c.sxp[J] + (len(c.srows)-start)*(l-f)
		if p := c.parent[l-1]; p >= 0 {
			P := c.snode[p]
			children[P] = append(children[P], int32(J))
		}
	}
	c.lx = make([]float64, c.sxp[ns])
}

// relax merges each run of fundamental supernodes into its parent
// supernode when the parent follows it in column order and holds the
// etree parent of its last column, while the merged block stays narrow
// (at most relaxWidth columns) and the explicit zeros it adds stay small
// (at most a tenth of its true entries, or any amount below 4 columns):
// fewer, larger dense blocks for the 2D meshes, whose fundamental
// supernodes are mostly one or two columns wide (relaxed supernodes,
// Ashcraft and Grimes 1989).
func (c *Cholesky) relax(counts []int) {
	const relaxWidth = 32
	first := c.sfirst
	merged := []int{0}
	gEntries := 0 // true entries of the current group
	for J := 0; J+1 < len(first); J++ {
		f, l := first[J], first[J+1]
		for col := f; col < l; col++ {
			gEntries += counts[col]
		}
		if J+2 >= len(first) {
			break
		}
		fp, lp := l, first[J+2]
		g0 := merged[len(merged)-1]
		par := c.parent[l-1]
		if par < fp || par >= lp || lp-g0 > relaxWidth {
			merged = append(merged, l)
			gEntries = 0
			continue
		}
		var pEntries int
		for col := fp; col < lp; col++ {
			pEntries += counts[col]
		}
		m := (l - g0) + counts[fp] // rows of the merged block
		stored := 0
		for col := g0; col < lp; col++ {
			stored += m - (col - g0)
		}
		if zeros := stored - gEntries - pEntries; lp-g0 > 4 && 10*zeros > gEntries+pEntries {
			merged = append(merged, l)
			gEntries = 0
		}
	}
	merged = append(merged, c.n)
	c.sfirst = merged
	for J := 0; J+1 < len(merged); J++ {
		for col := merged[J]; col < merged[J+1]; col++ {
			c.snode[col] = int32(J)
		}
	}
}

// Factor recomputes the numeric factorization for a matrix a with the
// pattern of the one given to NewCholesky and new values. It fails with
// an error wrapping ErrNotPositiveDefinite at the first non-positive
// pivot, leaving the Cholesky unusable until a successful Factor.
func (c *Cholesky) Factor(a *sparse.CSR) error {
	if a.Dim() != c.n || a.NNZ() != c.annz {
		return fmt.Errorf("%w: Factor needs the pattern of the analysed matrix (%d×%d, %d nonzeros), got %d nonzeros, n = %d", ErrDimension, c.n, c.n, c.annz, a.NNZ(), a.Dim())
	}
	if err := checkMatrix("Cholesky", a); err != nil {
		return err
	}
	c.a = nil
	ns := len(c.sfirst) - 1
	lx := c.lx
	if c.dirty {
		clear(lx)
	}
	c.dirty = true
	relpos := make([]int32, c.n)
	u := c.newUpdateLists()
	var work []float64
	impl := gonum.Implementation{}
	lapackImpl := lapackgonum.Implementation{}
	for J := range ns {
		f, l := c.sfirst[J], c.sfirst[J+1]
		w := l - f
		rows := c.srows[c.srp[J]:c.srp[J+1]]
		m := len(rows)
		blk := lx[c.sxp[J]:c.sxp[J+1]] // m × w, row-major
		for i, r := range rows {
			relpos[r] = int32(i)
		}
		// Assemble A's columns f..l−1 (rows ≥ the column).
		for col := f; col < l; col++ {
			for q := c.up[col]; q < c.up[col+1]; q++ {
				blk[int(relpos[c.ui[q]])*w+col-f] += a.Val[c.umap[q]]
			}
		}
		// Updates from descendants.
		for K := u.head[J]; K >= 0; {
			nextK := u.next[K]
			krows := c.srows[c.srp[K]:c.srp[K+1]]
			kw := c.sfirst[K+1] - c.sfirst[K]
			kblk := lx[c.sxp[K]:c.sxp[K+1]]
			i1, i2 := u.span(K, krows, l)
			mk := len(krows) - i1
			nc := i2 - i1
			if mk*nc*kw >= 4096 {
				if cap(work) < mk*nc {
					work = make([]float64, mk*nc)
				}
				cw := work[:mk*nc]
				impl.Dgemm(blas.NoTrans, blas.Trans, mk, nc, kw, 1, kblk[i1*kw:], kw, kblk[i1*kw:], kw, 0, cw, nc)
				for r := range mk {
					base := int(relpos[krows[i1+r]])*w - f
					src := cw[r*nc : r*nc+min(r+1, nc)]
					for cc, v := range src {
						blk[base+int(krows[i1+cc])] -= v
					}
				}
			} else {
				for r := range mk {
					xr := kblk[(i1+r)*kw : (i1+r+1)*kw]
					base := int(relpos[krows[i1+r]])*w - f
					for cc := range min(r+1, nc) {
						xc := kblk[(i1+cc)*kw : (i1+cc+1)*kw]
						var d float64
						for t, v := range xr {
							d += v * xc[t]
						}
						blk[base+int(krows[i1+cc])] -= d
					}
				}
			}
			u.link(K, krows, i2)
			K = nextK
		}
		// Dense factorization of the diagonal block, then L21 = F21·L11⁻ᵀ.
		if !lapackImpl.Dpotrf(blas.Lower, w, blk, w) {
			// Locate the failing pivot for the message.
			k := f
			for t := range w {
				if !(blk[t*w+t] > 0) || math.IsNaN(blk[t*w+t]) {
					k = f + t
					break
				}
			}
			return fmt.Errorf("%w: pivot %d (row %d of A) is not positive", ErrNotPositiveDefinite, k, c.perm[k])
		}
		if m > w {
			impl.Dtrsm(blas.Right, blas.Lower, blas.Trans, blas.NonUnit, m-w, w, 1, blk, w, blk[w*w:], w)
			u.link(int32(J), rows, w)
		}
		for t := range w {
			if d := blk[t*w+t]; !(d > 0) || math.IsInf(d, 0) {
				return fmt.Errorf("%w: pivot %d (row %d of A) is %v", ErrNotPositiveDefinite, f+t, c.perm[f+t], d)
			}
		}
	}
	c.a = a
	return nil
}

// SolveTo solves A·x = b into dst, with the iterative refinement steps of
// the settings (one by default: x += A⁻¹(b − A·x), which brings the
// backward error to the rounding level).
func (c *Cholesky) SolveTo(dst, b []float64) error {
	if len(dst) != c.n || len(b) != c.n {
		return fmt.Errorf("%w: Cholesky of order %d, len(b) = %d, len(dst) = %d", ErrDimension, c.n, len(b), len(dst))
	}
	if err := sparse.CheckFiniteVec("b", b); err != nil {
		return fmt.Errorf("direct: %w", err)
	}
	if c.a == nil {
		return fmt.Errorf("%w: the last Factor failed", ErrNotPositiveDefinite)
	}
	return refineSolve(dst, b, c.a, c.n, c.refine, c.solveOnce)
}

// solveOnce sets dst = A⁻¹·b with the factor alone (dst and b may not
// alias; y has length n).
func (c *Cholesky) solveOnce(dst, b, y []float64) {
	c.substitute(dst, b, y, c.lx, c.lx, false)
}

// substitute sets dst = A⁻¹·b for the supernodal factors (y is scratch
// of length n): y = P·b, the forward substitution with the unit (unit
// true) or non-unit lower blocks of lb, the backward one with the
// transposed blocks below the diagonal of ub (Lᵀ for Cholesky, U for LU)
// and the diagonal block of lb (L11ᵀ, or U11 when unit: the LU layout),
// and dst = Pᵀ·y.
func (c *Cholesky) substitute(dst, b, y, lb, ub []float64, unit bool) {
	for k, v := range c.perm {
		y[k] = b[v]
	}
	ns := len(c.sfirst) - 1
	for J := range ns {
		f, l := c.sfirst[J], c.sfirst[J+1]
		w := l - f
		rows := c.srows[c.srp[J]:c.srp[J+1]]
		blk := lb[c.sxp[J]:c.sxp[J+1]]
		yj := y[f:l]
		for t := range w {
			s := yj[t]
			for u, v := range blk[t*w : t*w+t] {
				s -= v * yj[u]
			}
			if !unit {
				s /= blk[t*w+t]
			}
			yj[t] = s
		}
		for i := w; i < len(rows); i++ {
			var s float64
			for t, v := range blk[i*w : (i+1)*w] {
				s += v * yj[t]
			}
			y[rows[i]] -= s
		}
	}
	for J := ns - 1; J >= 0; J-- {
		f, l := c.sfirst[J], c.sfirst[J+1]
		w := l - f
		rows := c.srows[c.srp[J]:c.srp[J+1]]
		blk := lb[c.sxp[J]:c.sxp[J+1]]
		ublk := ub[c.sxp[J]:c.sxp[J+1]]
		yj := y[f:l]
		for i := w; i < len(rows); i++ {
			yi := y[rows[i]]
			if yi == 0 {
				continue
			}
			for t, v := range ublk[i*w : (i+1)*w] {
				yj[t] -= v * yi
			}
		}
		if unit { // U11: the upper triangle of the diagonal block
			for t := w - 1; t >= 0; t-- {
				s := yj[t]
				for u := t + 1; u < w; u++ {
					s -= blk[t*w+u] * yj[u]
				}
				yj[t] = s / blk[t*w+t]
			}
			continue
		}
		for t := w - 1; t >= 0; t-- { // L11ᵀ
			yt := yj[t] / blk[t*w+t]
			yj[t] = yt
			for u := range t {
				yj[u] -= blk[t*w+u] * yt
			}
		}
	}
	for k, v := range c.perm {
		dst[v] = y[k]
	}
}

// NNZ returns the number of nonzeros of L (diagonal included; the dense
// supernodal blocks store the same count plus the unused upper halves of
// their diagonal blocks).
func (c *Cholesky) NNZ() int { return c.nnz }

// Flops returns Σ_j c_j², c_j the count of column j of L: the
// multiply–add count of the numeric factorization, up to lower-order
// terms.
func (c *Cholesky) Flops() float64 { return c.flops }

// Perm returns the fill-reducing permutation (perm[k] is the row of A
// eliminated k-th). The slice must not be modified.
func (c *Cholesky) Perm() []int { return c.perm }

// Apply sets dst = A⁻¹·r without refinement, so that a Cholesky serves as
// an exact preconditioner or coarse solver.
func (c *Cholesky) Apply(dst, r []float64) {
	y := make([]float64, c.n)
	c.solveOnce(dst, r, y)
}

// ApplyWith is Apply with the caller's scratch y (length n): it does not
// allocate, and calls with different scratch may run at once.
func (c *Cholesky) ApplyWith(dst, r, y []float64) { c.solveOnce(dst, r, y) }

// updateLists are the linked lists of the left-looking supernodal
// factorizations: each factored supernode K waits on the list of the next
// supernode its rows update (head starts a list, next chains it), ptr[K]
// being K's first row (an index into its structure) not yet used.
type updateLists struct {
	snode           []int32
	head, next, ptr []int32
}

func (c *Cholesky) newUpdateLists() *updateLists {
	ns := len(c.sfirst) - 1
	u := &updateLists{snode: c.snode, head: make([]int32, ns), next: make([]int32, ns), ptr: make([]int32, ns)}
	for j := range u.head {
		u.head[j] = -1
	}
	return u
}

// span returns the rows i1 ≤ i < i2 of K's structure krows that fall in
// the columns of the supernode ending before column l.
func (u *updateLists) span(K int32, krows []int32, l int) (i1, i2 int) {
	i1 = int(u.ptr[K])
	i2 = i1
	for i2 < len(krows) && int(krows[i2]) < l {
		i2++
	}
	return i1, i2
}

// link puts K on the list of the supernode holding its row rows[i], its
// next target, unless i is past its last row.
func (u *updateLists) link(K int32, rows []int32, i int) {
	if i >= len(rows) {
		return
	}
	u.ptr[K] = int32(i)
	T := u.snode[rows[i]]
	u.next[K] = u.head[T]
	u.head[T] = K
}

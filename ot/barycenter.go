package ot

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/pdekit/pdekit/internal/vec"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// BarycenterSettings controls Barycenter and ConvolutionalBarycenter. A
// nil pointer, and every zero field, means the documented default.
type BarycenterSettings struct {
	// Eta is the inverse regularisation η (the ε of POT's reg is 1/η);
	// it is required.
	Eta float64
	// Weights are the barycentric weights λ_k ≥ 0 (normalised to sum 1);
	// nil means uniform.
	Weights []float64
	// Tol stops the iteration when the barycenter changes by less than
	// Tol in the 1-norm over one iteration; zero means 1e-10.
	Tol float64
	// MaxIter bounds the iterations; zero means 10 000.
	MaxIter int
	// Anderson, when positive, accelerates the Bregman projections by
	// Anderson mixing of the last Anderson sweeps' log-scalings (a
	// multisecant quasi-Newton method for the fixed point of the sweep;
	// Walker and Ni, SIAM J. Numer. Anal. 49(4), 2011); a mixed step
	// that would move a log-scaling by more than 40, or a residual that
	// grows tenfold past the smallest seen, falls back to plain sweeps
	// while the history is rebuilt. Zero means plain sweeps (POT's
	// iterates); at most 20. 8 took 97 sweeps instead of 313 on the
	// 28×28 benchmark (BENCHMARKS.md).
	Anderson int
}

// BarycenterResult is an entropic Wasserstein barycenter.
type BarycenterResult struct {
	// P is the barycenter, a histogram of mass 1 on the common support.
	P []float64
	// Iterations counts the Bregman projection sweeps; Change is the last
	// sweep's ‖ΔP‖₁.
	Iterations int
	Change     float64
	Runtime    time.Duration
}

// logKernel applies log(K·e^v) for the Gibbs kernel K = e^{−ηC} of a
// symmetric cost, in the log domain.
type logKernel interface {
	apply(dst, logv []float64)
}

// linearKernel multiplies the rows of an nh×n row-major matrix by a
// symmetric Gibbs kernel K in the linear domain: dst = src·K.
type linearKernel interface {
	mul(dst, src []float64, nh int)
}

// denseKernel is log K for an explicit n×n cost.
type denseKernel struct {
	n    int
	logK []float64 // −η·C, row-major
	kern []float64 // e^{logK}
	ev   []float64
}

// apply computes log(K·e^v) as m + log(K·e^{v−m}), m = max v, by a
// matrix–vector product (the fast path), and by a log-sum-exp for the
// entries where that product underflows (large η, far-apart masses).
func (k *denseKernel) apply(dst, logv []float64) {
	n := k.n
	mx := math.Inf(-1)
	for _, v := range logv {
		mx = math.Max(mx, v)
	}
	if math.IsInf(mx, 0) {
		k.applyLSE(dst, logv, 0, n)
		return
	}
	for j, v := range logv {
		k.ev[j] = math.Exp(v - mx)
	}
	for i := range n {
		row := k.kern[i*n : (i+1)*n]
		var s float64
		for j, e := range k.ev {
			s += row[j] * e
		}
		if s > tiny {
			dst[i] = mx + math.Log(s)
		} else {
			k.applyLSE(dst, logv, i, i+1)
		}
	}
}

func (k *denseKernel) mul(dst, src []float64, nh int) {
	n := k.n
	rows := make([][]float64, nh)
	for h := range rows {
		rows[h] = src[h*n : (h+1)*n]
	}
	// Row j of K against every src row: the K row is read once, four src
	// rows at a time (vec.MDot); two goroutines share the rows of K.
	part := func(lo, hi int) {
		d := make([]float64, nh)
		for j := lo; j < hi; j++ {
			vec.MDot(d, rows, k.kern[j*n:(j+1)*n])
			for h, x := range d {
				dst[h*n+j] = x
			}
		}
	}
	if n < 64 {
		part(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { part(0, n/2) })
	part(n/2, n)
	wg.Wait()
}

// tiny is the product below which the linear-domain kernel product is
// recomputed in the log domain (its terms may have underflowed).
const tiny = 1e-200

// applyLSE computes rows lo…hi−1 of log(K·e^v) by log-sum-exps.
func (k *denseKernel) applyLSE(dst, logv []float64, lo, hi int) {
	n := k.n
	for i := lo; i < hi; i++ {
		row := k.logK[i*n : (i+1)*n]
		mx := math.Inf(-1)
		for j, l := range row {
			if v := l + logv[j]; v > mx {
				mx = v
			}
		}
		if math.IsInf(mx, -1) {
			dst[i] = mx
			continue
		}
		var s float64
		for j, l := range row {
			s += math.Exp(l + logv[j] - mx)
		}
		dst[i] = mx + math.Log(s)
	}
}

// gridKernel is log K for the squared Euclidean cost between the cells
// of a rows×cols grid on [0, 1]² (cell centres): K = K_y ⊗ K_x, applied
// by two passes of one-dimensional log-sum-exps (Solomon et al. 2015).
type gridKernel struct {
	rows, cols int
	lr, lc     []float64 // −η·(Δ)² for row and column offsets
	er, ec     []float64 // their exponentials
	tmp, col   []float64
	ev         []float64
	kr, kc     []float64 // the dense 1D kernels e^{lr[|i−k|]}, e^{lc[|j−l|]}
	lin        []float64 // scratch for mul
}

// mul applies K = K_y ⊗ K_x to nh stacked images: each image U becomes
// K_y·U·K_x, as two matrix products.
func (k *gridKernel) mul(dst, src []float64, nh int) {
	r, c := k.rows, k.cols
	if len(k.lin) < nh*r*c {
		k.lin = make([]float64, nh*r*c)
	}
	t := k.lin[:nh*r*c]
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas64.General{Rows: nh * r, Cols: c, Stride: c, Data: src},
		blas64.General{Rows: c, Cols: c, Stride: c, Data: k.kc},
		0, blas64.General{Rows: nh * r, Cols: c, Stride: c, Data: t})
	for h := range nh {
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas64.General{Rows: r, Cols: r, Stride: r, Data: k.kr},
			blas64.General{Rows: r, Cols: c, Stride: c, Data: t[h*r*c:]},
			0, blas64.General{Rows: r, Cols: c, Stride: c, Data: dst[h*r*c:]})
	}
}

func (k *gridKernel) apply(dst, logv []float64) {
	r, c := k.rows, k.cols
	// Along each row: t[i, j] = log Σ_l e^{lc[|j−l|]}·e^{v[i, l]}.
	for i := range r {
		conv1(k.tmp[i*c:(i+1)*c], logv[i*c:(i+1)*c], k.lc, k.ec, k.ev[:c])
	}
	// Along each column: dst[i, j] = log Σ_k e^{lr[|i−k|]}·e^{t[k, j]}.
	col, out := k.col[:r], k.ev[:r]
	for j := range c {
		for i := range r {
			col[i] = k.tmp[i*c+j]
		}
		conv1(out, col, k.lr, k.er, k.ev[r:2*r])
		for i := range r {
			dst[i*c+j] = out[i]
		}
	}
}

// conv1 sets out[j] = log Σ_l e^{w[|j−l|] + in[l]}: in the linear domain
// with in shifted by its maximum (ew = e^w), and by a log-sum-exp for
// the entries where the product underflows. ev is scratch of len(in).
func conv1(out, in, w, ew, ev []float64) {
	mx := math.Inf(-1)
	for _, v := range in {
		mx = math.Max(mx, v)
	}
	if math.IsInf(mx, 0) {
		lse1(out, in, w)
		return
	}
	for l, v := range in {
		ev[l] = math.Exp(v - mx)
	}
	n := len(in)
	for j := range n {
		var s float64
		for l, e := range ev {
			s += ew[abs(j-l)] * e
		}
		if s > tiny {
			out[j] = mx + math.Log(s)
			continue
		}
		out[j] = lseAt(in, w, j) // the exact log-sum-exp for entry j
	}
}

// lse1 sets out[j] = lseAt(in, w, j) for every entry of a row.
func lse1(out, in, w []float64) {
	for j := range in {
		out[j] = lseAt(in, w, j)
	}
}

// lseAt returns log Σ_l exp(w[|j−l|] + in[l]).
func lseAt(in, w []float64, j int) float64 {
	mx := math.Inf(-1)
	for l, v := range in {
		mx = math.Max(mx, w[abs(j-l)]+v)
	}
	if math.IsInf(mx, -1) {
		return mx
	}
	var s float64
	for l, v := range in {
		s += math.Exp(w[abs(j-l)] + v - mx)
	}
	return mx + math.Log(s)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Barycenter returns the entropic Wasserstein barycenter
// argmin_p Σ_k λ_k·W_η(p, b_k) of the histograms hists on a common support
// of n points with the symmetric n×n cost (row-major), by iterative
// Bregman projections (Benamou, Carlier, Cuturi, Nenna and Peyré,
// "Iterative Bregman projections for regularized transportation
// problems", SIAM J. Sci. Comput. 37(2), 2015) — POT's
// ot.bregman.barycenter. The sweeps run in the linear domain (two
// products of K with all histograms' scalings, AVX2 kernels where the CPU
// has them) while every product stays accurate in floating point, and in
// the log domain from the first sweep where one would not, so any η is
// stable; both give the same iterates. Errors: ErrHistogram for
// histograms of other lengths, negative or non-finite weights;
// ErrCost for a cost that is not n×n, symmetric and finite; ErrEta;
// ErrMaxIter, returned with the last iterate, when MaxIter is reached.
func Barycenter(hists [][]float64, cost []float64, s *BarycenterSettings) (*BarycenterResult, error) {
	if len(hists) == 0 {
		return nil, fmt.Errorf("%w: no histograms", ErrHistogram)
	}
	n := len(hists[0])
	if len(cost) != n*n {
		return nil, fmt.Errorf("%w: %d entries for a %d×%d cost", ErrCost, len(cost), n, n)
	}
	for i := range n {
		for j := range i + 1 {
			c := cost[i*n+j]
			if math.IsNaN(c) || math.IsInf(c, 0) || c != cost[j*n+i] {
				return nil, fmt.Errorf("%w: C[%d, %d] = %v, C[%d, %d] = %v (the barycenter needs a finite symmetric cost)", ErrCost, i, j, c, j, i, cost[j*n+i])
			}
		}
	}
	set, err := barycenterSettings(s, len(hists))
	if err != nil {
		return nil, err
	}
	return bregman(hists, n, newDenseKernel(cost, n, set.Eta), set)
}

func newDenseKernel(cost []float64, n int, eta float64) *denseKernel {
	k := &denseKernel{n: n, logK: make([]float64, n*n), kern: make([]float64, n*n), ev: make([]float64, n)}
	for i, c := range cost {
		k.logK[i] = -eta * c
		if e := math.Exp(k.logK[i]); e >= kernelFloor {
			k.kern[i] = e
		}
	}
	return k
}

// ConvolutionalBarycenter is Barycenter for histograms on a rows×cols
// image (row-major) with the squared Euclidean cost between the pixel
// centres of [0, 1]², applying the Gibbs kernel as two one-dimensional
// passes (Solomon, de Goes, Peyré, Cuturi, Butscher, Nguyen, Du and
// Guibas, "Convolutional Wasserstein distances", ACM TOG 34(4), 2015):
// O(n·(rows + cols)) per sweep instead of O(n²), in the linear domain
// with the same hand-over to the log domain as Barycenter.
func ConvolutionalBarycenter(hists [][]float64, rows, cols int, s *BarycenterSettings) (*BarycenterResult, error) {
	if rows < 1 || cols < 1 {
		return nil, fmt.Errorf("%w: a %d×%d image", ErrHistogram, rows, cols)
	}
	set, err := barycenterSettings(s, len(hists))
	if err != nil {
		return nil, err
	}
	return bregman(hists, rows*cols, newGridKernel(rows, cols, set.Eta), set)
}

func newGridKernel(rows, cols int, eta float64) *gridKernel {
	k := &gridKernel{rows: rows, cols: cols, lr: make([]float64, rows), lc: make([]float64, cols),
		er: make([]float64, rows), ec: make([]float64, cols), tmp: make([]float64, rows*cols),
		col: make([]float64, rows), ev: make([]float64, 2*max(rows, cols))}
	for d := range rows {
		h := float64(d) / float64(rows)
		k.lr[d] = -eta * h * h
		k.er[d] = math.Exp(k.lr[d])
	}
	for d := range cols {
		h := float64(d) / float64(cols)
		k.lc[d] = -eta * h * h
		k.ec[d] = math.Exp(k.lc[d])
	}
	k.kr, k.kc = make([]float64, rows*rows), make([]float64, cols*cols)
	for i := range rows {
		for l := range rows {
			if e := k.er[abs(i-l)]; e >= kernelFloor {
				k.kr[i*rows+l] = e
			}
		}
	}
	for j := range cols {
		for l := range cols {
			if e := k.ec[abs(j-l)]; e >= kernelFloor {
				k.kc[j*cols+l] = e
			}
		}
	}
	return k
}

func barycenterSettings(s *BarycenterSettings, nh int) (BarycenterSettings, error) {
	var set BarycenterSettings
	if s != nil {
		set = *s
	}
	if !(set.Eta > 0) || math.IsInf(set.Eta, 0) {
		return set, fmt.Errorf("%w: η = %v", ErrEta, set.Eta)
	}
	if set.Tol < 0 || math.IsNaN(set.Tol) || set.MaxIter < 0 || set.Anderson < 0 || set.Anderson > 20 {
		return set, fmt.Errorf("%w: Tol = %v, MaxIter = %d, Anderson = %d (want 0…20)", ErrSettings, set.Tol, set.MaxIter, set.Anderson)
	}
	if set.Tol == 0 {
		set.Tol = 1e-10
	}
	if set.MaxIter == 0 {
		set.MaxIter = 10000
	}
	w := set.Weights
	if w == nil {
		w = make([]float64, nh)
		for i := range w {
			w[i] = 1
		}
	}
	if len(w) != nh {
		return set, fmt.Errorf("%w: %d weights for %d histograms", ErrHistogram, len(w), nh)
	}
	sw, err := checkHist("weights", w)
	if err != nil {
		return set, err
	}
	set.Weights = make([]float64, nh)
	for i, v := range w {
		set.Weights[i] = v / sw
	}
	return set, nil
}

// bregman runs the iterative Bregman projections
// v_k = b_k / Kᵀu_k, p = Π_k (K v_k)^{λ_k}, u_k = p / K v_k: in the
// linear domain (two matrix products per sweep for all histograms at
// once) while every kernel product stays within floating-point range, as
// POT's barycenter does, and from the first sweep where one would not, in
// the log domain, where any η is stable. Both compute the same iterates.
func bregman(hists [][]float64, n int, k logKernel, set BarycenterSettings) (*BarycenterResult, error) {
	start := time.Now()
	nh := len(hists)
	b := make([]float64, nh*n) // normalised histograms, stacked
	logb := make([][]float64, nh)
	for h, bh := range hists {
		if len(bh) != n {
			return nil, fmt.Errorf("%w: histogram %d has %d entries, want %d", ErrHistogram, h, len(bh), n)
		}
		sb, err := checkHist(fmt.Sprintf("histogram %d", h), bh)
		if err != nil {
			return nil, err
		}
		logb[h] = make([]float64, n)
		for i, v := range bh {
			b[h*n+i] = v / sb
			logb[h][i] = math.Log(v / sb)
		}
	}
	logu := make([][]float64, nh)
	logKv := make([][]float64, nh)
	for h := range nh {
		logu[h] = make([]float64, n) // u = 1
		logKv[h] = make([]float64, n)
	}
	p := make([]float64, n)
	prev := make([]float64, n)
	res := &BarycenterResult{P: p}
	finish := func(err error) (*BarycenterResult, error) {
		res.Runtime = time.Since(start)
		return res, err
	}
	var acc *anderson
	var flat []float64
	if set.Anderson > 0 {
		acc = newAnderson(nh*n, set.Anderson)
		flat = make([]float64, nh*n)
	}
	it := 1
	if lk, ok := k.(linearKernel); ok {
		var done bool
		if it, done = bregmanLinear(lk, b, logu, p, prev, set, acc, res); done {
			return finish(nil)
		}
	}
	logv := make([]float64, n)
	logp := make([]float64, n)
	for ; it <= set.MaxIter; it++ {
		clear(logp)
		for h := range nh {
			k.apply(logv, logu[h]) // Kᵀu (K symmetric)
			for i := range logv {
				logv[i] = logb[h][i] - logv[i]
			}
			k.apply(logKv[h], logv)
			for i, l := range logKv[h] {
				logp[i] += set.Weights[h] * l
			}
		}
		if sweepDone(p, prev, logp, it, set.Tol, res) {
			return finish(nil)
		}
		for h := range nh {
			for i := range logu[h] {
				logu[h][i] = logp[i] - logKv[h][i]
			}
		}
		if acc != nil {
			for h := range nh {
				copy(flat[h*n:], logu[h])
			}
			if acc.mix(flat) {
				for h := range nh {
					copy(logu[h], flat[h*n:(h+1)*n])
				}
			}
		}
	}
	return finish(fmt.Errorf("%w: barycenter after %d sweeps, change %.3g", ErrMaxIter, set.MaxIter, res.Change))
}

// sweepDone sets p = e^{logp}, records the sweep's ‖ΔP‖₁ in res and
// reports whether it is within tol.
func sweepDone(p, prev, logp []float64, it int, tol float64, res *BarycenterResult) bool {
	var change float64
	for i, l := range logp {
		p[i] = math.Exp(l)
		change += math.Abs(p[i] - prev[i])
		prev[i] = p[i]
	}
	res.Iterations, res.Change = it, change
	return it > 1 && change <= tol
}

// kernelFloor: kernel entries below it are zero in the linear-domain
// products (subnormal operands would slow every product several times).
// The dropped terms are below 2n·kernelFloor·max(src) in a product entry
// (two passes for the grid kernel); the linear domain hands over to the
// log domain before that bound reaches 2⁻⁵³ of an entry it uses.
const kernelFloor = 1e-300

// linearRange bounds the kernel products the linear domain accepts: far
// from underflow (and gradual loss of digits) and from overflow.
const linearRange = 1e250

// bregmanLinear runs the sweeps in the linear domain, starting from
// u = 1, until convergence (done) or MaxIter, or until a kernel product
// leaves [1/linearRange, linearRange] or could have lost digits to
// kernelFloor; then it stores the last valid scalings in logu and
// returns the sweep to continue from.
func bregmanLinear(k linearKernel, b []float64, logu [][]float64, p, prev []float64, set BarycenterSettings, acc *anderson, res *BarycenterResult) (int, bool) {
	nh, n := len(logu), len(p)
	u := make([]float64, nh*n)
	for i := range u {
		u[i] = 1
	}
	uMax, vMax := make([]float64, nh), make([]float64, nh)
	for h := range uMax {
		uMax[h] = 1
	}
	drop := 2 * float64(n) * kernelFloor / 0x1p-53
	accurate := func(x, srcMax float64) bool {
		return x >= 1/linearRange && x <= linearRange && x >= drop*srcMax
	}
	ku := make([]float64, nh*n)
	v := make([]float64, nh*n)
	logp := make([]float64, n)
	var lg []float64 // the log-scalings Anderson mixes
	if acc != nil {
		lg = make([]float64, nh*n)
	}
	it := 1
	for ; it <= set.MaxIter; it++ {
		k.mul(ku, u, nh) // Kᵀu = K·u, K symmetric
		ok := true
		for h := range nh {
			vMax[h] = 0
			for i := h * n; i < (h+1)*n; i++ {
				if b[i] == 0 {
					v[i] = 0
					continue
				}
				ok = ok && accurate(ku[i], uMax[h])
				v[i] = b[i] / ku[i]
				vMax[h] = math.Max(vMax[h], v[i])
			}
		}
		if !ok {
			break
		}
		k.mul(ku, v, nh) // K·v
		clear(logp)
		for h := range nh {
			for i, x := range ku[h*n : (h+1)*n] {
				ok = ok && accurate(x, vMax[h])
				logp[i] += set.Weights[h] * math.Log(x)
			}
		}
		if !ok {
			break
		}
		if sweepDone(p, prev, logp, it, set.Tol, res) {
			return it, true
		}
		for h := range nh {
			for i, x := range ku[h*n : (h+1)*n] {
				u[h*n+i] = p[i] / x
			}
		}
		if acc != nil {
			for i, x := range u {
				lg[i] = math.Log(x)
			}
			if acc.mix(lg) {
				for i, x := range lg {
					u[i] = math.Exp(x)
				}
			}
		}
		for h := range nh {
			uMax[h] = 0
			for _, x := range u[h*n : (h+1)*n] {
				uMax[h] = math.Max(uMax[h], x)
			}
		}
	}
	for h := range nh {
		for i := range n {
			logu[h][i] = math.Log(u[h*n+i])
		}
	}
	return it, false
}

// anderson mixes fixed-point iterates x ← G(x) of the log-scalings
// (Anderson's type II, in the form of Walker and Ni 2011): with the last
// m differences ΔF of residuals f = G(x) − x and ΔG of map values, the
// next iterate is G(x_k) − ΔG·γ, γ minimising ‖f_k − ΔF·γ‖₂ (normal
// equations, regularised relative to their diagonal). A step whose
// residual grows past restart times the smallest one seen drops the
// history and continues with plain sweeps until it is rebuilt.
type anderson struct {
	m          int
	x, g, f    []float64 // current iterate, its image, its residual
	dF, dG     [][]float64
	head, cnt  int
	have       bool
	best       float64
	rhs        []float64
	gamma, tmp []float64
}

// andersonRestart: how far above the smallest residual norm seen a step's
// may be before the history is dropped.
const andersonRestart = 10

func newAnderson(size, m int) *anderson {
	a := &anderson{m: m, x: make([]float64, size), g: make([]float64, size), f: make([]float64, size),
		dF: make([][]float64, m), dG: make([][]float64, m), rhs: make([]float64, m),
		gamma: make([]float64, m), tmp: make([]float64, m*m), best: math.Inf(1)}
	for i := range a.dF {
		a.dF[i], a.dG[i] = make([]float64, size), make([]float64, size)
	}
	return a // x = 0: the sweeps start from u = 1
}

// mix receives lg = G(x) for the current iterate x (log-scalings) and
// replaces it by the mixed iterate, reporting whether it did (false: lg
// is left as the plain sweep's).
func (a *anderson) mix(lg []float64) bool {
	var norm float64
	dF, dG := a.dF[a.head], a.dG[a.head]
	for i, g := range lg {
		f := g - a.x[i]
		if a.have {
			dF[i], dG[i] = f-a.f[i], g-a.g[i]
		}
		a.f[i], a.g[i] = f, g
		norm += f * f
	}
	if a.have {
		a.head = (a.head + 1) % a.m
		a.cnt = min(a.cnt+1, a.m)
	}
	a.have = true
	if math.IsNaN(norm) || norm > andersonRestart*andersonRestart*a.best {
		a.cnt = 0
	}
	a.best = math.Min(a.best, norm)
	copy(a.x, a.g)
	if a.cnt == 0 || !a.solve(a.cnt) {
		return false
	}
	var move float64
	for j := range a.cnt {
		c, dg := a.gamma[j], a.dG[a.col(j)]
		for i := range a.x {
			a.x[i] -= c * dg[i]
		}
	}
	for i, x := range a.x {
		move = math.Max(move, math.Abs(x-a.g[i]))
	}
	if !(move <= andersonMaxMove) {
		// The mixed scalings would move far from the sweep's (and could
		// leave the linear domain's range): take the plain sweep and
		// rebuild the history.
		copy(a.x, a.g)
		a.cnt = 0
		return false
	}
	copy(lg, a.x)
	return true
}

// andersonMaxMove bounds |log u_mixed − log u_sweep| per entry: a larger
// correction is not trusted (without a bound, mixing the last 5 or 12
// sweeps carried the scalings of the 28×28 benchmark out of the linear
// domain's range, and the slower log domain ran the rest: 283 sweeps and
// 3.3 s against 313 and 0.14 s unaccelerated; with it, 88–104 sweeps for
// any depth from 2 to 12).
const andersonMaxMove = 40.0

// col returns the ring position of the j-th newest stored difference.
func (a *anderson) col(j int) int { return (a.head - 1 - j + 2*a.m) % a.m }

// solve sets gamma[:mk] from the regularised normal equations
// (ΔFᵀΔF + δ·I)γ = ΔFᵀf; false if they are singular.
func (a *anderson) solve(mk int) bool {
	g, x := a.tmp[:mk*mk], a.gamma[:mk]
	var diag float64
	for p := range mk {
		cp := a.dF[a.col(p)]
		x[p] = 0
		for i, v := range cp {
			x[p] += v * a.f[i]
		}
		for q := range p + 1 {
			cq := a.dF[a.col(q)]
			var d float64
			for i, v := range cp {
				d += v * cq[i]
			}
			g[p*mk+q], g[q*mk+p] = d, d
		}
		diag = math.Max(diag, g[p*mk+p])
	}
	if !(diag > 0) {
		return false
	}
	for p := range mk {
		g[p*mk+p] += 1e-10 * diag
	}
	// Gaussian elimination with partial pivoting on the small system.
	for c := range mk {
		piv := c
		for q := c + 1; q < mk; q++ {
			if math.Abs(g[q*mk+c]) > math.Abs(g[piv*mk+c]) {
				piv = q
			}
		}
		if g[piv*mk+c] == 0 {
			return false
		}
		if piv != c {
			for q := range mk {
				g[c*mk+q], g[piv*mk+q] = g[piv*mk+q], g[c*mk+q]
			}
			x[c], x[piv] = x[piv], x[c]
		}
		for q := c + 1; q < mk; q++ {
			f := g[q*mk+c] / g[c*mk+c]
			for w := c; w < mk; w++ {
				g[q*mk+w] -= f * g[c*mk+w]
			}
			x[q] -= f * x[c]
		}
	}
	for c := mk - 1; c >= 0; c-- {
		for w := c + 1; w < mk; w++ {
			x[c] -= g[c*mk+w] * x[w]
		}
		x[c] /= g[c*mk+c]
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

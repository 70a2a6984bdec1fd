package neural

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Problem is a PDE with Dirichlet data on a box, for physics-informed
// training: the loss is mean(R²) over interior collocation points plus
// BoundaryWeight·mean((u − g)²) over boundary points.
type Problem struct {
	Lo, Hi []float64
	// Residual returns the PDE residual (batch×1) at the interior points
	// x (batch×d) from the network's output jet u, e.g. for Poisson
	// Δu = f: t.Sub(u.Lap, t.Const(f(x))).
	Residual func(t *Tape, u Jet, x *mat.Dense) *Node
	// Boundary is the Dirichlet data g.
	Boundary func(x []float64) float64
	// Precondition, if not nil, is an n×n linear map P (n interior
	// points) applied to the residual before it is squared: the loss
	// becomes mean((P·R)²). With P the inverse of the discrete Laplacian on the
	// collocation grid (InverseSecondDifference in 1D), P·R ≈ u − u* and
	// every frequency of the error weighs the same, where the plain
	// residual weighs frequency k by k² and hides the smooth part of a
	// multiscale solution. In 2D Train then collocates on the even m×m
	// grid of InverseGridHelmholtz.
	Precondition LinearMap
}

// InverseSecondDifference returns the inverse of the second-difference
// matrix (u_{i−1} − 2u_i + u_{i+1})/h² with zero Dirichlet values on the n
// interior points of the even grid Train uses in 1D (h = (hi − lo)/(n+1)),
// in closed form: (D⁻¹)_ij = −h²·i·(n+1−j)/(n+1) for i ≤ j (1-based,
// symmetric).
func InverseSecondDifference(n int, lo, hi float64) *mat.Dense {
	h := (hi - lo) / float64(n+1)
	m := mat.NewDense(n, n, nil)
	for i := 1; i <= n; i++ {
		for j := i; j <= n; j++ {
			v := -h * h * float64(i) * float64(n+1-j) / float64(n+1)
			m.Set(i-1, j-1, v)
			m.Set(j-1, i-1, v)
		}
	}
	return m
}

// TrainSettings controls Train. The zero value of a field means the
// documented default.
type TrainSettings struct {
	// Interior is the number of interior collocation points (default
	// 1000): an even grid in 1D, seeded uniform random points otherwise
	// — except in 2D with a Problem.Precondition, which needs the m×m
	// even grid (Interior = m²).
	Interior int
	// BoundaryPoints is the number of boundary points in 2D, evenly
	// spaced around the perimeter (default 400); 1D uses the two ends.
	BoundaryPoints int
	// BoundaryWeight multiplies the boundary term (default 100).
	BoundaryWeight float64
	// AdamSteps of Adam with learning rate LR (defaults 2000, 1e-3), then
	// at most LBFGSIters L-BFGS iterations with memory Store (defaults
	// 2000, 50). Negative AdamSteps or LBFGSIters skip that stage.
	AdamSteps  int
	LR         float64
	LBFGSIters int
	Store      int
	// LMIters, if positive, adds a last stage of at most that many
	// Levenberg–Marquardt steps (MinimizeLM) on the residual vector of
	// the loss. Its Jacobian comes from one batched per-sample backward
	// pass (every operation of pdekit's models and of a Residual built
	// from elementwise tape operations has a per-sample rule), checked
	// once against one tape per point, which is the fallback; it needs a
	// pointwise Residual and costs O(points·params²) per step.
	LMIters int
	// Workers is the number of goroutines computing the Jacobian rows of
	// the Levenberg–Marquardt stage, each a block of points (default 1).
	// With more than one the model's Forward and the Problem's Residual
	// run concurrently, so the Residual must be safe for concurrent use
	// (pdekit's models are).
	Workers int
	// LMMonitor, if not nil, is passed to MinimizeLM as its Monitor.
	LMMonitor func(iter int, loss, lambda float64)
	// Seed seeds the collocation points.
	Seed uint64
}

// TrainResult reports a training run.
type TrainResult struct {
	// Adam, LBFGS and LM are the loss histories of the stages.
	Adam, LBFGS, LM History
	Runtime         time.Duration
	Params          int
}

// Train fits the model to the problem: Adam, then L-BFGS on the same
// fixed collocation points (Rathore et al. 2024). The model keeps the
// best parameters seen. A NaN or infinite loss stops training with
// ErrNaN (the best parameters are kept and the result is returned with
// the error); a model whose input size does not match the problem gives
// ErrShape.
func Train(m Model, p Problem, set *TrainSettings) (*TrainResult, error) {
	d := len(p.Lo)
	if d == 0 || len(p.Hi) != d || p.Residual == nil || p.Boundary == nil {
		return nil, fmt.Errorf("%w: a problem needs matching Lo, Hi, a Residual and Boundary data", ErrShape)
	}
	for k := range d {
		if !(p.Hi[k] > p.Lo[k]) {
			return nil, fmt.Errorf("%w: empty box side %d: [%g, %g]", ErrShape, k, p.Lo[k], p.Hi[k])
		}
	}
	if err := checkModel(m, d); err != nil {
		return nil, err
	}
	var s TrainSettings
	if set != nil {
		s = *set
	}
	if s.Interior == 0 {
		s.Interior = 1000
	}
	if s.BoundaryPoints == 0 {
		s.BoundaryPoints = 400
	}
	if s.BoundaryWeight == 0 {
		s.BoundaryWeight = 100
	}
	if !(s.BoundaryWeight > 0) || math.IsInf(s.BoundaryWeight, 0) {
		return nil, fmt.Errorf("%w: BoundaryWeight %g must be positive and finite", ErrShape, s.BoundaryWeight)
	}
	if s.AdamSteps == 0 {
		s.AdamSteps = 2000
	}
	if s.LR == 0 {
		s.LR = 1e-3
	}
	if s.LBFGSIters == 0 {
		s.LBFGSIters = 2000
	}
	if s.Store == 0 {
		s.Store = 50
	}
	xi, err := trainPoints(p, s.Interior, s.Seed)
	if err != nil {
		return nil, err
	}
	xb := boundaryPoints(p.Lo, p.Hi, s.BoundaryPoints)
	rb, _ := xb.Dims()
	gb := mat.NewDense(rb, 1, nil)
	for i := range rb {
		gb.Set(i, 0, p.Boundary(xb.RawRowView(i)))
	}
	if pc := p.Precondition; pc != nil {
		if r := pc.Size(); r != s.Interior {
			return nil, fmt.Errorf("%w: preconditioner %d×%d for %d interior points", ErrShape, r, r, s.Interior)
		}
	}
	loss := func(t *Tape) *Node {
		u := m.Forward(t, InputJet(t, xi))
		r := p.Residual(t, u, xi)
		if p.Precondition != nil {
			r = t.Apply(p.Precondition, r)
		}
		ub := m.Forward(t, Jet{V: t.Const(xb)}).V
		return t.Add(t.MeanSquare(r), t.Scale(t.MeanSquare(t.Sub(ub, t.Const(gb))), s.BoundaryWeight))
	}
	// The residual's shape is checked once, outside the optimisers.
	if err := checkResidual(m, p, xi); err != nil {
		return nil, err
	}
	f := ModelObjective(m, loss)
	x := Flatten(nil, m.Params())
	res := &TrainResult{Params: len(x)}
	start := time.Now()
	defer func() { res.Runtime = time.Since(start) }()
	if s.AdamSteps > 0 {
		r, err := MinimizeAdam(f, x, &AdamSettings{Steps: s.AdamSteps, LR: s.LR})
		if r != nil {
			res.Adam.Loss = r.History
		}
		if err != nil {
			Unflatten(m.Params(), x)
			return res, err
		}
	}
	if s.LBFGSIters > 0 {
		r, err := MinimizeLBFGS(f, x, &LBFGSSettings{Iterations: s.LBFGSIters, Store: s.Store})
		if r != nil {
			res.LBFGS.Loss = r.History
		}
		if err != nil {
			Unflatten(m.Params(), x)
			return res, err
		}
	}
	if s.LMIters > 0 {
		ls, rows := residuals(m, p, xi, xb, gb, s.BoundaryWeight, s.Workers)
		if err := checkPointwise(ls, rows, f, x); err != nil {
			Unflatten(m.Params(), x)
			return res, err
		}
		r, err := MinimizeLM(ls, rows, x, &LMSettings{Iterations: s.LMIters, Monitor: s.LMMonitor})
		if r != nil {
			res.LM.Loss = r.History
		}
		if err != nil {
			Unflatten(m.Params(), x)
			return res, err
		}
	}
	Unflatten(m.Params(), x)
	return res, nil
}

// residuals returns the loss of Train as a least-squares problem ‖F‖²:
// F = [P·R/√n_i; √(w/n_b)·(u_b − g)] over the n_i interior and n_b
// boundary points (P the Precondition map, or the identity), and the
// length of F. Values come from one batched tape. The Jacobian comes from
// the per-sample pass (psjac.go) on contiguous blocks of points, one per
// worker goroutine; the first time, a few of its rows are checked against
// one tape per point, and if the pass does not apply (an operation
// without a per-sample rule) or the rows differ (a Residual that is not
// pointwise in the way the pass assumes), every later Jacobian is built
// one tape per point, each row the gradient of that point's residual, on
// the workers with their own gradient accumulators.
func residuals(m Model, p Problem, xi, xb, gb *mat.Dense, weight float64, workers int) (LeastSquares, int) {
	ni, d := xi.Dims()
	nb, _ := xb.Dims()
	ps := m.Params()
	si, sb := 1/math.Sqrt(float64(ni)), math.Sqrt(weight/float64(nb))
	var jr *mat.Dense // Jacobian of R before Precondition
	workers = max(1, min(workers, ni+nb))
	// Each worker's gradient accumulators, one per parameter.
	acc := make([][]*mat.Dense, workers)
	redirect := make([]map[*mat.Dense]*mat.Dense, workers)
	for w := range workers {
		redirect[w] = make(map[*mat.Dense]*mat.Dense, len(ps))
		for _, q := range ps {
			r, c := q.G.Dims()
			g := mat.NewDense(r, c, nil)
			acc[w] = append(acc[w], g)
			redirect[w][q.G] = g
		}
	}
	// jacRow writes the gradient of the point residual built by out,
	// times scale, into dst and returns the residual times scale.
	jacRow := func(w int, dst []float64, out func(t *Tape, row *mat.Dense) *Node, x []float64, scale float64) float64 {
		for _, g := range acc[w] {
			g.Zero()
		}
		t := &Tape{redirect: redirect[w]}
		o := out(t, mat.NewDense(1, d, append([]float64(nil), x...)))
		t.Backward(o)
		off := 0
		for _, g := range acc[w] {
			off += flattenInto(dst[off:], g)
		}
		for j := range dst {
			dst[j] *= scale
		}
		return o.V.At(0, 0) * scale
	}
	interior := func(t *Tape, x *mat.Dense) *Node {
		return p.Residual(t, m.Forward(t, InputJet(t, x)), x)
	}
	boundary := func(t *Tape, x, g *mat.Dense) *Node {
		return t.Sub(m.Forward(t, Jet{V: t.Const(x)}).V, t.Const(g))
	}
	// pointRow computes row i of F and writes row i of the Jacobian (the
	// interior rows before Precondition) into dst, with one tape.
	pointRow := func(w, i int, dst []float64) float64 {
		if i < ni {
			return jacRow(w, dst, interior, xi.RawRowView(i), si)
		}
		g := gb.Slice(i-ni, i-ni+1, 0, 1).(*mat.Dense)
		return jacRow(w, dst, func(t *Tape, row *mat.Dense) *Node { return boundary(t, row, g) }, xb.RawRowView(i-ni), sb)
	}
	// block computes rows [lo, hi) of the interior (or, with bnd, of the
	// boundary) by the per-sample pass.
	block := func(dst *mat.Dense, r []float64, lo, hi int, bnd bool) error {
		t := NewTape()
		var out *Node
		scale := si
		if bnd {
			out, scale = boundary(t, mat.DenseCopyOf(xb.Slice(lo, hi, 0, d)), mat.DenseCopyOf(gb.Slice(lo, hi, 0, 1))), sb
		} else {
			x := mat.DenseCopyOf(xi.Slice(lo, hi, 0, d))
			out = interior(t, x)
		}
		if err := t.perSampleJacobian(dst, out, ps, scale); err != nil {
			return err
		}
		for i := range hi - lo {
			r[i] = out.V.At(i, 0) * scale
		}
		return nil
	}
	batched := true // until the first Jacobian shows otherwise
	checked := false
	return func(r []float64, jac *mat.Dense, x []float64) {
		Unflatten(ps, x)
		if jac == nil {
			t := NewTape()
			ri := interior(t, xi).V
			if p.Precondition != nil {
				pr := mat.NewDense(ni, 1, nil)
				p.Precondition.Apply(pr, ri, false)
				ri = pr
			}
			for i := range ni {
				r[i] = ri.At(i, 0) * si
			}
			rb := boundary(t, xb, gb).V
			for i := range nb {
				r[ni+i] = rb.At(i, 0) * sb
			}
			return
		}
		_, n := jac.Dims()
		target := jac
		if p.Precondition != nil {
			if jr == nil {
				jr = mat.NewDense(ni, n, nil)
			}
			target = jr
		}
		var wg sync.WaitGroup
		if batched {
			errs := make([]error, 2*workers)
			for w := range workers {
				wg.Go(func() {
					lo, hi := w*ni/workers, (w+1)*ni/workers
					if hi > lo {
						errs[2*w] = block(target.Slice(lo, hi, 0, n).(*mat.Dense), r[lo:hi], lo, hi, false)
					}
					lo, hi = w*nb/workers, (w+1)*nb/workers
					if hi > lo {
						errs[2*w+1] = block(jac.Slice(ni+lo, ni+hi, 0, n).(*mat.Dense), r[ni+lo:ni+hi], lo, hi, true)
					}
				})
			}
			wg.Wait()
			batched = errors.Join(errs...) == nil
			if batched && !checked {
				checked = true
				batched = samePointRows(func(i int, row []float64) float64 { return pointRow(0, i, row) }, target, jac, r, ni, nb)
			}
		}
		if !batched {
			for w := range workers {
				wg.Go(func() {
					for i := w; i < ni+nb; i += workers {
						dst := jac.RawRowView(i)
						if i < ni {
							dst = target.RawRowView(i)
						}
						r[i] = pointRow(w, i, dst)
					}
				})
			}
			wg.Wait()
		}
		if p.Precondition != nil {
			ri := mat.NewDense(ni, 1, nil)
			p.Precondition.Apply(ri, mat.NewDense(ni, 1, r[:ni]), false)
			copy(r[:ni], ri.RawMatrix().Data)
			p.Precondition.Apply(jac.Slice(0, ni, 0, n).(*mat.Dense), jr, false)
		}
	}, ni + nb
}

// samePointRows compares a few rows of a batched Jacobian (interior rows
// in target, boundary rows in jac, residuals in r) with the rows one tape
// per point gives (point(i, row) fills row and returns the residual).
func samePointRows(point func(i int, row []float64) float64, target, jac *mat.Dense, r []float64, ni, nb int) bool {
	_, n := jac.Dims()
	row := make([]float64, n)
	for _, i := range []int{0, ni / 2, ni - 1, ni, ni + nb/2, ni + nb - 1} {
		if i < 0 || i >= ni+nb {
			continue
		}
		v := point(i, row)
		got := jac.RawRowView(i)
		if i < ni {
			got = target.RawRowView(i)
		}
		scale := 1 + floats.Norm(row, 2)
		if !(math.Abs(v-r[i]) <= 1e-9*(1+math.Abs(v))) || !(floats.Distance(row, got, 2) <= 1e-9*scale) {
			return false
		}
	}
	return true
}

// checkPointwise compares the per-point residuals (the Jacobian path) with
// the batched ones and with the training loss at x.
func checkPointwise(ls LeastSquares, rows int, f Objective, x []float64) error {
	a, b := make([]float64, rows), make([]float64, rows)
	ls(a, nil, x)
	ls(b, mat.NewDense(rows, len(x), nil), x)
	la := floats.Dot(a, a)
	if lf := f(make([]float64, len(x)), x); !(math.Abs(la-lf) <= 1e-9*math.Abs(lf)) {
		return fmt.Errorf("neural: the least-squares form of the loss is %g, the loss %g", la, lf)
	}
	if !(floats.Distance(a, b, 2) <= 1e-9*math.Sqrt(la)) {
		return errNotPointwise
	}
	return nil
}

// checkModel runs the model on one point and turns a size panic into
// ErrShape.
func checkModel(m Model, d int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrShape, r)
		}
	}()
	t := NewTape()
	out := m.Forward(t, InputJet(t, mat.NewDense(1, d, nil)))
	if _, c := out.V.V.Dims(); c != 1 {
		return fmt.Errorf("%w: the model has %d outputs; a scalar PDE needs 1", ErrShape, c)
	}
	return nil
}

func checkResidual(m Model, p Problem, x *mat.Dense) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: residual: %v", ErrShape, r)
		}
	}()
	t := NewTape()
	r := p.Residual(t, m.Forward(t, InputJet(t, x)), x)
	n, _ := x.Dims()
	if rr, rc := r.V.Dims(); rr != n || rc != 1 {
		return fmt.Errorf("%w: the residual is %d×%d for %d points", ErrShape, rr, rc, n)
	}
	return nil
}

// trainPoints returns Train's interior collocation points: interiorPoints,
// or in 2D with a Precondition the m×m even grid (n = m², x fastest) that
// InverseGridHelmholtz is built on.
func trainPoints(p Problem, n int, seed uint64) (*mat.Dense, error) {
	if len(p.Lo) != 2 || p.Precondition == nil {
		return interiorPoints(p.Lo, p.Hi, n, seed), nil
	}
	m := int(math.Round(math.Sqrt(float64(n))))
	if m*m != n {
		return nil, fmt.Errorf("%w: a 2D Precondition needs an m×m grid of interior points, got %d points", ErrShape, n)
	}
	x := mat.NewDense(n, 2, nil)
	hx, hy := (p.Hi[0]-p.Lo[0])/float64(m+1), (p.Hi[1]-p.Lo[1])/float64(m+1)
	for iy := range m {
		for ix := range m {
			x.Set(ix+m*iy, 0, p.Lo[0]+hx*float64(ix+1))
			x.Set(ix+m*iy, 1, p.Lo[1]+hy*float64(iy+1))
		}
	}
	return x, nil
}

func interiorPoints(lo, hi []float64, n int, seed uint64) *mat.Dense {
	d := len(lo)
	x := mat.NewDense(n, d, nil)
	if d == 1 {
		for i := range n {
			x.Set(i, 0, lo[0]+(hi[0]-lo[0])*float64(i+1)/float64(n+1))
		}
		return x
	}
	rnd := rand.New(rand.NewPCG(seed, 0x70696e6e))
	for i := range n {
		for k := range d {
			x.Set(i, k, lo[k]+(hi[k]-lo[k])*rnd.Float64())
		}
	}
	return x
}

// boundaryPoints returns the two ends in 1D and n points evenly spaced
// around the perimeter of a 2D box (corners included).
func boundaryPoints(lo, hi []float64, n int) *mat.Dense {
	if len(lo) == 1 {
		return mat.NewDense(2, 1, []float64{lo[0], hi[0]})
	}
	w, h := hi[0]-lo[0], hi[1]-lo[1]
	per := 2 * (w + h)
	x := mat.NewDense(n, 2, nil)
	for i := range n {
		s := per * float64(i) / float64(n)
		switch {
		case s < w:
			x.Set(i, 0, lo[0]+s)
			x.Set(i, 1, lo[1])
		case s < w+h:
			x.Set(i, 0, hi[0])
			x.Set(i, 1, lo[1]+s-w)
		case s < 2*w+h:
			x.Set(i, 0, hi[0]-(s-w-h))
			x.Set(i, 1, hi[1])
		default:
			x.Set(i, 0, lo[0])
			x.Set(i, 1, hi[1]-(s-2*w-h))
		}
	}
	return x
}

// Predict returns the model's output at the points x (batch×d).
func Predict(m Model, x *mat.Dense) []float64 {
	t := NewTape()
	out := m.Forward(t, Jet{V: t.Const(x)})
	r, _ := out.V.V.Dims()
	u := make([]float64, r)
	for i := range r {
		u[i] = out.V.V.At(i, 0)
	}
	return u
}

// RelativeL2 returns ‖u − exact‖₂/‖exact‖₂ on the tensor grid of m
// uniform points per axis of the box (both ends included): 300 or 300²
// in the GP-HM and PIG comparisons.
func RelativeL2(model Model, exact func([]float64) float64, lo, hi []float64, m int) float64 {
	d := len(lo)
	total := 1
	for range d {
		total *= m
	}
	x := mat.NewDense(total, d, nil)
	for i := range total {
		idx := i
		for k := d - 1; k >= 0; k-- {
			j := idx % m
			idx /= m
			x.Set(i, k, lo[k]+(hi[k]-lo[k])*float64(j)/float64(m-1))
		}
	}
	u := Predict(model, x)
	var num, den float64
	for i := range total {
		e := exact(x.RawRowView(i))
		num += (u[i] - e) * (u[i] - e)
		den += e * e
	}
	return math.Sqrt(num / den)
}

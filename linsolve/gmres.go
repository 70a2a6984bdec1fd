package linsolve

import (
	"fmt"
	"math"
	"time"

	"github.com/pdekit/pdekit/internal/vec"
)

// DefaultRestart is the restart length GMRES uses when Restart is zero
// (PETSc's default is 30; the SKR paper's baseline uses 40).
const DefaultRestart = 30

// GMRES is the restarted generalized minimal residual method GMRES(m) of
// Saad and Schultz (1986), with modified Gram–Schmidt Arnoldi and Givens
// rotations for the Hessenberg least-squares problem (Saad 2003, Alg. 6.9
// and §6.5.3). A Settings.Preconditioner is applied on the right, so the
// minimised residual is that of the original system.
//
// Iterations counts inner (Arnoldi) steps, as PETSc does.
type GMRES struct {
	// Restart is the Krylov dimension m between restarts; zero means
	// DefaultRestart.
	Restart int

	v      [][]float64 // m+1 basis vectors
	h      []float64   // (m+1)×m Hessenberg, column-major
	cs, sn []float64   // Givens rotations
	g      []float64   // rotated right-hand side
	y      []float64
	w, z   []float64
}

var _ Method = (*GMRES)(nil)

func (m *GMRES) init(n, restart int) {
	if len(m.v) != restart+1 || (len(m.v) > 0 && len(m.v[0]) != n) {
		m.v = make([][]float64, restart+1)
		for i := range m.v {
			m.v[i] = make([]float64, n)
		}
	}
	m.h = resize(m.h, (restart+1)*restart)
	m.cs, m.sn = resize(m.cs, restart), resize(m.sn, restart)
	m.g, m.y = resize(m.g, restart+1), resize(m.y, restart)
	m.w, m.z = resize(m.w, n), resize(m.z, n)
}

// Solve solves A·x = b into dst. See Method.
func (m *GMRES) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	const name = "GMRES"
	start := time.Now()
	n := a.Dim()
	s := resolve(settings, n)
	if m.Restart < 0 {
		return Result{}, fmt.Errorf("%w: %s: Restart = %d, want ≥ 0", ErrSettings, name, m.Restart)
	}
	if err := checkInputs(name, dst, a, b, &s); err != nil {
		return Result{}, err
	}
	restart := m.Restart
	if restart == 0 {
		restart = DefaultRestart
	}
	restart = min(restart, max(n, 1))
	m.init(n, restart)
	x := dst
	var res Result
	initX(x, &s)
	bnorm := norm(b)
	if bnorm == 0 {
		return zeroRHS(x, start), nil
	}
	target := s.Target(bnorm)
	divLimit := math.Inf(1)
	restarts := 0
	for cycle := 0; ; cycle++ {
		// r = b − A·x into v[0].
		beta := residual(m.v[0], a, x, b, cycle == 0 && s.X0 == nil, &res)
		if cycle == 0 {
			divLimit = s.DivTol * math.Max(bnorm, beta)
			if s.Monitor != nil {
				s.Monitor(0, beta)
			}
		}
		var reason Reason
		switch {
		case isBad(beta):
			reason = DivergedNaN
		case beta <= target:
			reason = ConvergedRelTol
		case beta > divLimit:
			reason = DivergedDivTol
		case res.Iterations >= s.MaxIter:
			reason = DivergedMaxIter
		default:
			reason = m.cycle(a, x, beta, target, restart, &s, &res)
		}
		if reason == Iterating {
			continue // restart with the true residual
		}
		res.Reason = reason
		if finish(name, a, x, b, m.w, bnorm, &s, &res) {
			return finalize(name, &res, target, s.MaxIter, start)
		}
		// The estimate met the target but the true residual did not.
		restarts++
		if restarts > maxTrueResidualRestarts || res.Iterations >= s.MaxIter {
			return finalize(name, &res, target, s.MaxIter, start)
		}
	}
}

// cycle runs one Arnoldi cycle from v[0] = r (unnormalised, ‖r‖ = beta),
// updates x and returns the reason to stop, or Iterating to restart.
func (m *GMRES) cycle(a Operator, x []float64, beta, target float64, restart int, s *settings, res *Result) Reason {
	ld := restart + 1 // leading dimension of h (column-major)
	h := m.h
	scale(m.v[0], 1/beta)
	clear(m.g)
	m.g[0] = beta
	reason := Iterating
	k := 0 // number of columns built
	for j := 0; j < restart; j++ {
		// w = A·M⁻¹·v_j.
		w := m.w
		if s.Preconditioner != nil {
			s.Preconditioner.Apply(m.z, m.v[j])
			res.Stats.PrecApplies++
			a.MulVecTo(w, m.z)
		} else {
			a.MulVecTo(w, m.v[j])
		}
		res.Stats.MatVecs++
		col := h[j*ld : (j+1)*ld]
		// Modified Gram–Schmidt, which is backward stable for GMRES without
		// re-orthogonalisation (Paige, Rozložník, Strakoš 2006). Each pass
		// subtracts one projection and computes the next coefficient (or,
		// last, ‖w‖²) in the same sweep over w.
		hij := vec.Dot(m.v[0], w)
		var hnext float64
		for i := 0; i <= j; i++ {
			col[i] = hij
			vi := m.v[i]
			if i < j {
				hij = vec.AxpyDot(w, -hij, vi, m.v[i+1])
			} else {
				hnext = math.Sqrt(vec.AxpyDot(w, -hij, vi, w))
			}
		}
		// ‖A·v_j‖ before orthogonalisation, the scale of the breakdown test.
		wnorm0 := hnext * hnext
		for _, c := range col[:j+1] {
			wnorm0 += c * c
		}
		wnorm0 = math.Sqrt(wnorm0)
		col[j+1] = hnext
		// Apply previous rotations to the new column.
		for i := 0; i < j; i++ {
			t := m.cs[i]*col[i] + m.sn[i]*col[i+1]
			col[i+1] = -m.sn[i]*col[i] + m.cs[i]*col[i+1]
			col[i] = t
		}
		// New rotation zeroing col[j+1].
		den := math.Hypot(col[j], col[j+1])
		if den == 0 || isBad(den) {
			if isBad(den) {
				reason = DivergedNaN
			} else {
				reason = DivergedBreakdown
			}
			break
		}
		m.cs[j], m.sn[j] = col[j]/den, col[j+1]/den
		col[j], col[j+1] = den, 0
		m.g[j+1] = -m.sn[j] * m.g[j]
		m.g[j] = m.cs[j] * m.g[j]
		k = j + 1
		res.Iterations++
		rnorm := math.Abs(m.g[j+1])
		if s.Monitor != nil {
			s.Monitor(res.Iterations, rnorm)
		}
		if isBad(rnorm) {
			reason = DivergedNaN
			break
		}
		if hnext <= 1e-14*wnorm0 {
			reason = ConvergedHappyBreakdown
			break
		}
		if rnorm <= target {
			reason = ConvergedRelTol
			break
		}
		if res.Iterations >= s.MaxIter {
			reason = DivergedMaxIter
			break
		}
		if j+1 < restart {
			copy(m.v[j+1], w)
			scale(m.v[j+1], 1/hnext)
		}
	}
	if k == 0 {
		return reason
	}
	// Back substitution: R y = g.
	y := m.y[:k]
	for i := k - 1; i >= 0; i-- {
		t := m.g[i]
		for l := i + 1; l < k; l++ {
			t -= h[l*ld+i] * y[l]
		}
		y[i] = t / h[i*ld+i]
	}
	// x += M⁻¹·V·y.
	u := m.w
	clear(u)
	for i, yi := range y {
		vec.Axpy(u, yi, m.v[i])
	}
	if s.Preconditioner != nil {
		s.Preconditioner.Apply(m.z, u)
		res.Stats.PrecApplies++
		u = m.z
	}
	axpy(x, 1, u)
	return reason
}

func scale(x []float64, alpha float64) {
	for i := range x {
		x[i] *= alpha
	}
}

// axpy sets y += alpha·x.
func axpy(y []float64, alpha float64, x []float64) {
	x = x[:len(y)]
	for i, xi := range x {
		y[i] += alpha * xi
	}
}

package neural

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// LeastSquares evaluates the residual vector F(x) of a nonlinear
// least-squares objective ‖F(x)‖²: it writes F(x) into r and, when jac is
// not nil, the Jacobian ∂F/∂x (len(r)×len(x)) into jac.
type LeastSquares func(r []float64, jac *mat.Dense, x []float64)

// LMSettings controls MinimizeLM. A nil pointer, and every zero field,
// means the documented default.
type LMSettings struct {
	// Iterations is the number of accepted steps at most (default 200).
	Iterations int
	// Damping is the initial λ as a fraction of the largest diagonal entry
	// of JᵀJ (default 1e-3, Madsen, Nielsen and Tingleff's τ).
	Damping float64
	// Monitor, if not nil, is called after every accepted step with the
	// iteration number (from 1), the loss ‖F‖² and the damping λ.
	Monitor func(iter int, loss, lambda float64)
}

// MinimizeLM minimises ‖F(x)‖² over x by Levenberg–Marquardt: each step
// solves (JᵀJ + λ·D)·δ = −JᵀF by a Cholesky factorisation, D the diagonal
// of JᵀJ (Marquardt's scaling, floored at 1e-12 of its largest entry), and
// is accepted when the loss falls; λ then shrinks by the gain ratio ρ as
// max(1/3, 1 − (2ρ − 1)³) and otherwise grows by ν = 2, 4, 8, …
// (Nielsen 1999; Madsen, Nielsen and Tingleff 2004, §3.2). m is the
// length of F. x receives the best point (every accepted step lowers the
// loss). It stops early, without error, when no damping gives a decrease
// (the loss is at rounding level: OptimNoProgress) or the loss is 0
// (OptimConverged); a NaN or infinite residual or Jacobian at the start
// gives ErrNaN, and a trial step with such values counts as rejected. The
// result's History holds the loss after every accepted step; settings
// out of range are ErrSettings.
//
// Gauss–Newton-type steps use the curvature of every residual, which
// first-order methods and L-BFGS only see through gradients; for PINN and
// PIG training they reach losses that L-BFGS does not in the same time
// (see experiments/neural), at O(m·n²) per step for n parameters.
func MinimizeLM(f LeastSquares, m int, x []float64, set *LMSettings) (*OptimResult, error) {
	start := time.Now()
	var s LMSettings
	if set != nil {
		s = *set
	}
	if s.Iterations < 0 || !(s.Damping >= 0) || math.IsInf(s.Damping, 0) {
		return nil, fmt.Errorf("%w: LMSettings Iterations %d, Damping %v", ErrSettings, s.Iterations, s.Damping)
	}
	if s.Iterations == 0 {
		s.Iterations = 200
	}
	if s.Damping == 0 {
		s.Damping = 1e-3
	}
	n := len(x)
	if m < 1 || n < 1 {
		return nil, fmt.Errorf("%w: least squares with %d residuals and %d unknowns", ErrShape, m, n)
	}
	res := &OptimResult{Loss: math.Inf(1)}
	finish := func(reason OptimReason, err error) (*OptimResult, error) {
		res.Reason, res.Runtime = reason, time.Since(start)
		return res, err
	}
	r, rt := make([]float64, m), make([]float64, m)
	jac := mat.NewDense(m, n, nil)
	f(r, jac, x)
	if !allFinite(r) || !allFinite(jac.RawMatrix().Data) {
		return finish(OptimNaN, fmt.Errorf("%w (Levenberg–Marquardt at the start)", ErrNaN))
	}
	loss := floats.Dot(r, r)
	res.Loss = loss
	a := make([]float64, n*n) // JᵀJ, upper triangle, row-major
	g, d, delta, xt := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	sys := mat.NewSymDense(n, nil)
	var chol mat.Cholesky
	lambda, nu := -1.0, 2.0
	for iter := 1; iter <= s.Iterations && loss > 0; iter++ {
		gram(a, jac)
		mat.NewVecDense(n, g).MulVec(jac.T(), mat.NewVecDense(m, r))
		dmax := 0.0
		for i := range n {
			d[i] = a[i*n+i]
			dmax = math.Max(dmax, d[i])
		}
		if dmax == 0 {
			return finish(OptimConverged, nil) // F does not depend on x
		}
		for i := range d {
			d[i] = math.Max(d[i], 1e-12*dmax)
		}
		if lambda < 0 {
			lambda = s.Damping
		}
		for {
			raw := sys.RawSymmetric().Data
			for i := range n {
				copy(raw[i*n+i:(i+1)*n], a[i*n+i:(i+1)*n])
				raw[i*n+i] += lambda * d[i]
			}
			ok := chol.Factorize(sys) && chol.SolveVecTo(mat.NewVecDense(n, delta), mat.NewVecDense(n, g)) == nil
			var pred float64
			if ok {
				floats.Scale(-1, delta)
				// ‖F + Jδ‖² = loss + 2δᵀg + δᵀJᵀJδ and (JᵀJ + λD)δ = −g give
				// the predicted decrease −δᵀg + λ·δᵀDδ.
				pred = -floats.Dot(delta, g)
				for i, v := range delta {
					pred += lambda * d[i] * v * v
				}
			}
			if ok && pred > 0 {
				floats.AddTo(xt, x, delta)
				f(rt, nil, xt)
				lt := floats.Dot(rt, rt)
				if finite(lt) && lt < loss {
					rho := (loss - lt) / pred
					copy(x, xt)
					f(r, jac, x)
					if !allFinite(r) || !allFinite(jac.RawMatrix().Data) {
						// x keeps the accepted point; its Jacobian is unusable.
						res.Loss = lt
						return finish(OptimNaN, fmt.Errorf("%w (Levenberg–Marquardt Jacobian, step %d)", ErrNaN, iter))
					}
					loss = floats.Dot(r, r)
					res.Loss = loss
					lambda *= math.Max(1.0/3, 1-math.Pow(2*rho-1, 3))
					nu = 2
					break
				}
			}
			lambda *= nu
			nu *= 2
			if lambda > 1e16 {
				return finish(OptimNoProgress, nil) // no damping lowers the loss: at rounding level
			}
		}
		res.Iterations = iter
		res.History = append(res.History, loss)
		if s.Monitor != nil {
			s.Monitor(iter, loss, lambda)
		}
	}
	if loss == 0 {
		return finish(OptimConverged, nil)
	}
	return finish(OptimIterationLimit, nil)
}

// gram sets the upper triangle of c (n×n, row-major) to JᵀJ. It copies
// J transposed (one row per unknown) and forms the blocks on and above
// the diagonal as products Jᵢ·Jⱼᵀ of row blocks (Dgemm with unit-stride
// dot products, about 4× the speed of Dsyrk on JᵀJ here), two goroutines
// taking every other block.
func gram(c []float64, jac *mat.Dense) {
	m, n := jac.Dims()
	jt := mat.DenseCopyOf(jac.T())
	const bs = 128
	nb := (n + bs - 1) / bs
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			k := 0
			for bi := range nb {
				for bj := bi; bj < nb; bj++ {
					k++
					if k%2 != w {
						continue
					}
					i0, i1 := bi*bs, min((bi+1)*bs, n)
					j0, j1 := bj*bs, min((bj+1)*bs, n)
					dst := blas64.General{Rows: i1 - i0, Cols: j1 - j0, Stride: n, Data: c[i0*n+j0:]}
					a := jt.Slice(i0, i1, 0, m).(*mat.Dense).RawMatrix()
					b := jt.Slice(j0, j1, 0, m).(*mat.Dense).RawMatrix()
					blas64.Gemm(blas.NoTrans, blas.Trans, 1, a, b, 0, dst)
				}
			}
		})
	}
	wg.Wait()
}

// errNotPointwise reports a Problem.Residual whose value at a point
// depends on the other points of the batch, which MinimizeLM's per-point
// Jacobian cannot follow.
var errNotPointwise = errors.New("neural: Levenberg–Marquardt needs a pointwise Residual (row i depending on point i only)")

package gp

import "math"

// lsqrResult reports an LSQR run.
type lsqrResult struct {
	iterations int
	converged  bool
}

// lsqr minimises ‖A·x − b‖₂ by LSQR (Paige and Saunders, ACM TOMS 8,
// 1982), given dst = A·x (mul, length m) and dst = Aᵀ·y (mulT, length n).
// x holds the initial guess and receives the solution. It stops when
// ‖r‖ ≤ btol·‖b‖ + atol·‖A‖·‖x‖ (a compatible system) or
// ‖Aᵀr‖ ≤ atol·‖A‖·‖r‖ (a least-squares solution), with ‖A‖ the
// Frobenius-norm estimate of the bidiagonalisation, or after maxIter
// steps.
func lsqr(m, n int, mul, mulT func(dst, x []float64), b, x []float64, atol, btol float64, maxIter int) lsqrResult {
	u := make([]float64, m)
	v := make([]float64, n)
	w := make([]float64, n)
	tm := make([]float64, m)
	tn := make([]float64, n)
	dx := make([]float64, n)
	// u = b − A·x₀.
	mul(tm, x)
	for i := range u {
		u[i] = b[i] - tm[i]
	}
	bnorm := norm2(b)
	beta := norm2(u)
	if beta == 0 {
		return lsqrResult{converged: true}
	}
	scaleVec(u, 1/beta)
	mulT(v, u)
	alpha := norm2(v)
	if alpha == 0 {
		return lsqrResult{converged: true}
	}
	scaleVec(v, 1/alpha)
	copy(w, v)
	phiBar, rhoBar := beta, alpha
	var anorm2 float64
	res := lsqrResult{}
	for res.iterations < maxIter {
		res.iterations++
		mul(tm, v)
		for i := range u {
			u[i] = tm[i] - alpha*u[i]
		}
		beta = norm2(u)
		if beta > 0 {
			scaleVec(u, 1/beta)
		}
		anorm2 += alpha*alpha + beta*beta
		mulT(tn, u)
		for i := range v {
			v[i] = tn[i] - beta*v[i]
		}
		alpha = norm2(v)
		if alpha > 0 {
			scaleVec(v, 1/alpha)
		}
		rho := math.Hypot(rhoBar, beta)
		c, s := rhoBar/rho, beta/rho
		theta := s * alpha
		rhoBar = -c * alpha
		phi := c * phiBar
		phiBar = s * phiBar
		t1, t2 := phi/rho, -theta/rho
		for i := range dx {
			dx[i] += t1 * w[i]
			w[i] = v[i] + t2*w[i]
		}
		anorm := math.Sqrt(anorm2)
		rnorm := phiBar
		arnorm := phiBar * alpha * math.Abs(c)
		var xnorm float64
		for i := range dx {
			xnorm += (x[i] + dx[i]) * (x[i] + dx[i])
		}
		xnorm = math.Sqrt(xnorm)
		if math.IsNaN(rnorm) || rnorm <= btol*bnorm+atol*anorm*xnorm || arnorm <= atol*anorm*rnorm || alpha == 0 || beta == 0 {
			res.converged = !math.IsNaN(rnorm)
			break
		}
	}
	for i := range x {
		x[i] += dx[i]
	}
	return res
}

func norm2(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

func scaleVec(x []float64, a float64) {
	for i := range x {
		x[i] *= a
	}
}
